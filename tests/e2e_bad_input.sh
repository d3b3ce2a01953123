#!/usr/bin/env bash
# Bad files fed to all three executables, generated here: each gets either its documented outcome
# (rows skipped with a warning, text repaired) or one clear error line and exit 1; never a crash
# or a hang. Broken model directories likewise for senti-eval and senti-predict.
# Usage: e2e_bad_input.sh BIN_DIR SAMPLE_DATA_DIR
source "$(dirname "$0")/e2e_lib.sh"
DATA=$2
T="$BIN/senti-train"; E="$BIN/senti-eval"; P="$BIN/senti-predict"
"$T" --data "$DATA/train.csv" --out "$WORK/model" --epochs 3 --quiet 2>/dev/null
M="$WORK/model"

# expect_ok EXPECTED_STDERR COMMAND...: exit 0, no crash, and (when given) EXPECTED_STDERR said.
expect_ok() {
  local expected=$1; shift
  local status=0
  timeout 300 "$@" >"$WORK/out" 2>"$WORK/err" </dev/null || status=$?
  if [ "$status" -ne 0 ]; then fail "'$*' exited $status, expected 0"; cat "$WORK/err" >&2; return; fi
  if [ -n "$expected" ] && ! grep -qF -- "$expected" "$WORK/err"; then
    fail "'$*' did not say '$expected'; stderr was:"; cat "$WORK/err" >&2
  fi
  if grep -qiE "terminate called|Segmentation|Aborted|Exception raised from" "$WORK/err"; then
    fail "'$*' crashed"; cat "$WORK/err" >&2
  fi
}

# both_error TEXT FILE [ARGS...]: senti-train and senti-eval both refuse FILE, saying TEXT.
both_error() {
  local text=$1 file=$2; shift 2
  expect_error "$text" "$T" --data "$file" --out "$WORK/m" --epochs 1 "$@"
  expect_error "$text" "$E" --model "$M" --data "$file" "$@"
}
# both_ok TEXT FILE [ARGS...]: both accept FILE (training one epoch), saying TEXT on stderr.
both_ok() {
  local text=$1 file=$2; shift 2
  expect_ok "$text" "$T" --data "$file" --out "$WORK/m" --epochs 1 --quiet "$@"
  expect_ok "$text" "$E" --model "$M" --data "$file" "$@"
}

good_rows='review,sentiment
The staff was kind and the food was great .,positive
The room was dirty and the staff was rude .,negative
I loved the film and the music .,positive
The battery died after a day .,negative'

# --- CSV files ---
printf '%s\n"an open quote that never ends,positive\n' "$good_rows" >"$WORK/open-quote.csv"
both_error "open-quote.csv:6:1: quoted field is never closed" "$WORK/open-quote.csv"
# senti-predict reads a column as it predicts, so it meets the broken row after the model loads.
expect_error "open-quote.csv:6:1: quoted field is never closed" "$P" --model "$M" \
  --input "$WORK/open-quote.csv" --text-column 0

printf '%s\njust a text without a label\n' "$good_rows" >"$WORK/too-few.csv"
both_ok "skipped 1 row(s) with empty text, empty label or the wrong number of fields (lines 6)" "$WORK/too-few.csv"

printf '%s\ngreat, really great,positive\n' "$good_rows" >"$WORK/too-many.csv"
both_ok "skipped 1 row(s)" "$WORK/too-many.csv"
printf '%s\n' "$good_rows" | sed 's/$/,/' >"$WORK/trailing-comma.csv"
both_ok "" "$WORK/trailing-comma.csv"

printf 'review,sentiment\n' >"$WORK/header-only.csv"
both_error "has a header but no data rows" "$WORK/header-only.csv"
: >"$WORK/empty.csv"
both_error "empty.csv: file is empty" "$WORK/empty.csv"
both_error "--text-column: no column named 'reveiw'" "$DATA/test.csv" --text-column reveiw
both_error "--label-column: column index 7 is out of range" "$DATA/test.csv" --label-column 7

printf 'review,review,sentiment\n' >"$WORK/duplicate.csv"
printf '%s\n' "$good_rows" | tail -n +2 | sed 's/^/short,/' >>"$WORK/duplicate.csv"
both_ok "several columns are named 'review'" "$WORK/duplicate.csv"
expect_error "column name 'review' appears 2 times" "$E" --model "$M" --data "$WORK/duplicate.csv" --text-column review

printf '\xef\xbb\xbf%s\n' "$good_rows" | sed 's/$/\r/' >"$WORK/bom-crlf.csv"
expect_ok "" "$E" --model "$M" --data "$WORK/bom-crlf.csv" --json "$WORK/bom.json"
[ "$(json_value "$WORK/bom.json" unseen)" = 0 ] || fail "BOM/CRLF: labels were read with stray bytes"
[ "$(json_value "$WORK/bom.json" n)" = 4 ] || fail "BOM/CRLF: expected 4 rows"

printf '%s\n"bad \xff\xfe bytes and \xc3 half a letter",negative\n' "$good_rows" >"$WORK/utf8.csv"
both_ok "" "$WORK/utf8.csv"
printf '%s\n"a NUL \x00 inside",negative\n' "$good_rows" >"$WORK/nul.csv"
both_ok "" "$WORK/nul.csv"

python3 -c "
print('review,sentiment')
print('\"' + 'so very good ' * 800000 + '\",positive')
print('bad,negative')" >"$WORK/huge-field.csv"
expect_ok "" "$E" --model "$M" --data "$WORK/huge-field.csv" --json "$WORK/huge.json"
[ "$(json_value "$WORK/huge.json" n)" = 2 ] || fail "10 MB field: expected 2 rows"

python3 -c "
print('review,sentiment')
for i in range(1000000): print('ab'[i % 2] + ',' + ('positive', 'negative')[i % 2])" >"$WORK/million.csv"
expect_ok "" "$E" --model "$M" --data "$WORK/million.csv" --json "$WORK/million.json"
[ "$(json_value "$WORK/million.json" n)" = 1000000 ] || fail "1M rows: not all evaluated"

printf 'review,sentiment\ngood,positive\nfine,positive\n' >"$WORK/one-label.csv"
expect_error "holds only one label ('positive')" "$T" --data "$WORK/one-label.csv" --out "$WORK/m"
printf 'review,sentiment\ngood,\nbad,\n' >"$WORK/no-labels.csv"
both_error "no usable rows" "$WORK/no-labels.csv"
expect_error "--strict" "$T" --data "$WORK/too-few.csv" --out "$WORK/m" --strict

# --- senti-predict input ---
python3 -c "print('a long review ' * 20000); print('another long one ' * 20000)" >"$WORK/long.txt"
expect_ok "truncated" "$P" --model "$M" --input "$WORK/long.txt"
[ "$(grep -c truncated "$WORK/err")" = 1 ] || fail "truncation should be reported once"
[ "$(wc -l <"$WORK/out")" = 2 ] || fail "long lines: expected two answers"
head -c 20000 /dev/urandom >"$WORK/junk.bin"
lines=$(python3 -c "import sys; d=open(sys.argv[1],'rb').read(); print(d.count(b'\n') + (0 if d.endswith(b'\n') else 1))" "$WORK/junk.bin")
expect_ok "" "$P" --model "$M" --input "$WORK/junk.bin"
[ "$(wc -l <"$WORK/out")" = "$lines" ] || fail "binary junk: expected $lines answers, got $(wc -l <"$WORK/out")"
expect_ok "" "$P" --model "$M" --input "$WORK/junk.bin" --format json
python3 -c "
import json, sys
for line in open(sys.argv[1]): json.loads(line)" "$WORK/out" || fail "binary junk: --format json is not valid JSON"
: >"$WORK/empty.txt"
expect_ok "" "$P" --model "$M" --input "$WORK/empty.txt"
[ ! -s "$WORK/out" ] || fail "empty input should give empty output"

# --- options ---
for flag in "--dim -5" "--batch-size 0" "--vocab-size 0" "--max-tokens -1" "--attention-heads 0"; do
  # shellcheck disable=SC2086
  expect_error "${flag%% *}: " "$T" --data "$DATA/train.csv" --out "$WORK/m" $flag
done
expect_error "--valid-split: 1 is out of range" "$T" --data "$DATA/train.csv" --out "$WORK/m" --valid-split 1
expect_error "--valid-split: -0.1 is out of range" "$T" --data "$DATA/train.csv" --out "$WORK/m" --valid-split -0.1
expect_error "--tokenizer-type: unknown type 'wordpiece'" "$T" --data "$DATA/train.csv" --out "$WORK/m" --tokenizer-type wordpiece
expect_error "--batch-size" "$E" --model "$M" --data "$DATA/test.csv" --batch-size 0
expect_error "--top-k" "$P" --model "$M" --top-k 0
expect_error "--out: cannot" "$T" --data "$DATA/train.csv" --out /proc/senti-model --epochs 1
echo "fine" | "$P" --model "$M" --threads 0 >/dev/null || fail "--threads 0 (all cores) failed"

# --- broken model directories, for senti-eval and senti-predict ---
broken() {  # broken NAME: a copy of the good model to break
  rm -rf "$WORK/broken-$1"; cp -r "$M" "$WORK/broken-$1"; echo "$WORK/broken-$1"
}
both_models_error() {  # both_models_error TEXT DIR
  expect_error "$1" "$E" --model "$2" --data "$DATA/test.csv"
  expect_error "$1" "$P" --model "$2" --input "$DATA/test.csv"
}
dir=$(broken config); rm "$dir/config.json"
both_models_error "is not a senti model directory (no config.json)" "$dir"
dir=$(broken weights); rm "$dir/weights.pt"
both_models_error "lacks weights.pt" "$dir"
dir=$(broken tokenizer); rm "$dir/tokenizer.model"
both_models_error "lacks tokenizer.model" "$dir"
dir=$(broken truncated); head -c 5000 "$M/weights.pt" >"$dir/weights.pt"
both_models_error "weights.pt: damaged or replaced" "$dir"
dir=$(broken tokenizer-junk); head -c 3000 /dev/urandom >"$dir/tokenizer.model"
both_models_error "tokenizer.model: damaged or replaced" "$dir"
dir=$(broken linear); rm "$dir/linear.pt"
both_models_error "lacks linear.pt" "$dir"
dir=$(broken linear-truncated); head -c 2000 "$M/linear.pt" >"$dir/linear.pt"
both_models_error "linear.pt: damaged or replaced" "$dir"
dir=$(broken unchecked)
python3 - "$dir/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); del c["checksums"]; json.dump(c, open(sys.argv[1], "w"))
PY
head -c 5000 "$M/weights.pt" >"$dir/weights.pt"
both_models_error "cannot read weights" "$dir"
dir=$(broken garbage); printf '{"format": "senti-model", oops' >"$dir/config.json"
both_models_error "not valid JSON" "$dir"
dir=$(broken shape); printf '[1, 2, 3]\n' >"$dir/config.json"
both_models_error "config.json" "$dir"
for version in 0 3; do
  dir=$(broken "v$version")
  python3 - "$dir/config.json" "$version" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["format_version"] = int(sys.argv[2]); json.dump(c, open(sys.argv[1], "w"))
PY
  both_models_error "model format version $version is not supported" "$dir"
done
dir=$(broken labels)
python3 - "$dir/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["labels"] = ["negative", "neutral", "positive"]; json.dump(c, open(sys.argv[1], "w"))
PY
both_models_error "lists 3 labels but the model has 2 classes" "$dir"
both_models_error "is not a senti model directory" "$DATA"
finish
