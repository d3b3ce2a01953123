#!/usr/bin/env bash
# End-to-end: train, evaluate and predict with the real executables on the shipped sample data.
# Usage: e2e_sample.sh BIN_DIR SAMPLE_DATA_DIR
source "$(dirname "$0")/e2e_lib.sh"
DATA=$2

"$BIN/senti-train" --data "$DATA/train.csv" --out "$WORK/model" --epochs 12 --seed 3 --quiet
for file in config.json tokenizer.model weights.pt linear.pt; do
  [ -f "$WORK/model/$file" ] || fail "model directory lacks $file"
done
python3 - "$WORK/model/config.json" <<'PY' || fail "config.json lacks expected fields"
import json, sys
config = json.load(open(sys.argv[1]))
assert config["format"] == "senti-model" and config["format_version"] == 2
assert config["linear"]["file"] == "linear.pt" and 0 <= config["linear"]["share"] <= 1
assert config["labels"] == ["negative", "positive"], config["labels"]
assert config["training"]["text_column"] == "review"
assert config["training"]["label_column"] == "sentiment"
assert config["training"]["tokenizer_bytes"] == 16 * 2**20
assert sorted(config["checksums"]) == ["linear.pt", "tokenizer.model", "weights.pt"]
assert all(value.startswith("xxh3_64:") for value in config["checksums"].values())
assert len(config["history"]) >= 1 and "valid_accuracy" in config["history"][0]
# The rows held out of --data choose the epoch and the mix, then join the TF-IDF model's fit.
training = config["training"]
assert training["valid_rows"] > 0 and training["valid"].startswith("split"), training
assert config["linear"]["rows"] == training["train_rows"] + training["valid_rows"], config
PY

"$BIN/senti-eval" --model "$WORK/model" --data "$DATA/test.csv" --json "$WORK/metrics.json" \
  --errors "$WORK/errors.csv" >"$WORK/eval.txt"
accuracy=$(json_value "$WORK/metrics.json" accuracy)
echo "sample test accuracy: $accuracy"
at_least "$accuracy" 0.90 || fail "sample accuracy $accuracy is below 0.90"
[ "$(json_value "$WORK/metrics.json" n)" = 80 ] || fail "eval did not count 80 rows"
grep -q "confusion matrix" "$WORK/eval.txt" || fail "eval printed no confusion matrix"
head -1 "$WORK/errors.csv" | grep -q "^line,text,gold,predicted,probability$" || fail "errors.csv header"
# The same file on stdin gives the same metrics.
"$BIN/senti-eval" --model "$WORK/model" --data - --json "$WORK/stdin-metrics.json" \
  <"$DATA/test.csv" >/dev/null || fail "eval from stdin failed"
[ "$(json_value "$WORK/stdin-metrics.json" accuracy)" = "$accuracy" ] || fail "eval from stdin differs"

# Labels the model never saw are reported and counted wrong, not a crash.
printf 'review,sentiment\nThe coffee was wonderful .,positive\nThe coffee was ok .,neutral\n' \
  >"$WORK/unseen.csv"
"$BIN/senti-eval" --model "$WORK/model" --data "$WORK/unseen.csv" --json "$WORK/unseen.json" \
  >/dev/null 2>"$WORK/unseen.err" || fail "eval with an unseen label failed"
grep -q "neutral" "$WORK/unseen.err" || fail "eval did not name the unseen label"
[ "$(json_value "$WORK/unseen.json" unseen)" = 1 ] || fail "unseen count"

# Predict: piped lines are answered in order, one output line each (blank lines too).
printf 'The staff was wonderful and i loved it .\n\nThe battery broke after two days .\n' \
  | "$BIN/senti-predict" --model "$WORK/model" >"$WORK/pred.txt"
[ "$(wc -l <"$WORK/pred.txt")" = 3 ] || fail "predict did not answer three lines"
sed -n 1p "$WORK/pred.txt" | grep -q "^positive " || fail "first sentence not positive"
sed -n 3p "$WORK/pred.txt" | grep -q "^negative " || fail "third sentence not negative"

# Predict a column of a CSV file: one answer per row, in order, as for the same texts as lines.
"$BIN/senti-predict" --model "$WORK/model" --input "$DATA/test.csv" --text-column review \
  --format csv >"$WORK/column.csv" 2>"$WORK/column.err" || fail "predict --text-column failed"
grep -q "predicted column 'review' of 80 rows" "$WORK/column.err" || fail "--text-column log"
python3 - "$DATA/test.csv" "$WORK/column.csv" >"$WORK/column.txt" <<'PY' || fail "--text-column rows"
import csv, sys
texts = [row["review"] for row in csv.DictReader(open(sys.argv[1]))]
answers = list(csv.DictReader(open(sys.argv[2])))
assert [a["text"] for a in answers] == texts, "texts differ"
assert all(a["label"] in ("positive", "negative") for a in answers)
print("\n".join(texts))
PY
"$BIN/senti-predict" --model "$WORK/model" --input "$WORK/column.txt" --format csv \
  >"$WORK/lines.csv" || fail "predict lines"
cmp -s "$WORK/column.csv" "$WORK/lines.csv" || fail "a column and the same lines predict differently"
# Kept columns (the gold label here) come first in CSV output, and under "columns" in JSON.
"$BIN/senti-predict" --model "$WORK/model" --input "$DATA/test.csv" --text-column review \
  --keep-columns sentiment --format csv >"$WORK/kept.csv" || fail "predict --keep-columns csv"
"$BIN/senti-predict" --model "$WORK/model" --input "$DATA/test.csv" --text-column review \
  --keep-columns 1 --format json >"$WORK/kept.json" || fail "predict --keep-columns json"
python3 - "$DATA/test.csv" "$WORK/kept.csv" "$WORK/column.csv" "$WORK/kept.json" <<'PY' || fail "--keep-columns"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
kept = list(csv.reader(open(sys.argv[2])))
assert kept[0] == ["sentiment", "text", "label", "probability"], kept[0]
plain = list(csv.reader(open(sys.argv[3])))
assert [k[1:] for k in kept] == plain, "kept columns changed the answers"
assert [k[0] for k in kept[1:]] == [r["sentiment"] for r in rows]
objects = [json.loads(line) for line in open(sys.argv[4])]
assert [o["columns"] for o in objects] == [{"sentiment": r["sentiment"]} for r in rows]
PY
# A kept column named like one of the output's own is renamed in the CSV header, not repeated.
python3 - "$DATA/test.csv" "$WORK/named.csv" <<'PY' || fail "writing named.csv"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
with open(sys.argv[2], "w", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["label", "text", "input_label"])
    writer.writerows([r["sentiment"], r["review"], "x"] for r in rows)
PY
"$BIN/senti-predict" --model "$WORK/model" --input "$WORK/named.csv" --text-column text \
  --keep-columns label,text,input_label --format csv --all-scores >"$WORK/named.out" \
  || fail "predict --keep-columns with output names"
python3 - "$WORK/named.out" "$WORK/column.csv" "$DATA/test.csv" <<'PY' || fail "--keep-columns names"
import csv, sys
out = list(csv.reader(open(sys.argv[1])))
assert out[0] == ["input_label", "input_text", "input_input_label", "text", "label",
                  "probability", "p_negative", "p_positive"], out[0]
rows = list(csv.DictReader(open(sys.argv[3])))
assert [o[:3] for o in out[1:]] == [[r["sentiment"], r["review"], "x"] for r in rows]
assert [o[3:6] for o in out[1:]] == list(csv.reader(open(sys.argv[2])))[1:]
PY
# The same table on stdin.
"$BIN/senti-predict" --model "$WORK/model" --text-column review --format csv <"$DATA/test.csv" \
  >"$WORK/stdin.csv" 2>"$WORK/stdin.err" || fail "predict --text-column from stdin failed"
cmp -s "$WORK/column.csv" "$WORK/stdin.csv" || fail "a column read from stdin predicts differently"
grep -q "<stdin>: predicted column 'review' of 80 rows" "$WORK/stdin.err" || fail "stdin column log"

printf 'The pasta was terrible .\n' >"$WORK/in.txt"
"$BIN/senti-predict" --model "$WORK/model" --input "$WORK/in.txt" --format json >"$WORK/pred.json"
python3 - "$WORK/pred.json" "$WORK/model/config.json" <<'PY' || fail "JSON output"
import json, sys
row = json.loads(open(sys.argv[1]).readline())
assert row["label"] == "negative", row
assert len(row["tokens"]) == len(row["attention"]) > 0
assert abs(sum(row["attention"]) - 1) < 1e-4
# The TF-IDF model's evidence, one entry per word, when it has a part in the mix.
if json.load(open(sys.argv[2]))["linear"]["share"] > 0:
    assert [word for word, _ in row["evidence"]] == "The pasta was terrible .".split(), row
    assert dict(row["evidence"])["terrible"] > 0, row  # it speaks for "negative"
else:
    assert "evidence" not in row, row
PY
"$BIN/senti-predict" --model "$WORK/model" --input "$WORK/in.txt" --format csv --all-scores \
  >"$WORK/pred.csv"
[ "$(head -1 "$WORK/pred.csv")" = "text,label,probability,p_negative,p_positive" ] || fail "CSV header"
"$BIN/senti-predict" --model "$WORK/model" --input "$WORK/in.txt" --explain >"$WORK/explain.txt"
grep -qE "attention( \(.*\))?: .*\[0\.[0-9]{2}\]" "$WORK/explain.txt" ||
  fail "--explain shows no weights in a pipe"
if mixes_tfidf "$WORK/model"; then
  grep -qE "tf-idf evidence for negative .*terrible\[\+[0-9.]+\]" "$WORK/explain.txt" ||
    fail "--explain shows no TF-IDF evidence"
fi

# A closed stdout ends predict quietly.
python3 -c "print('The coffee was wonderful .\\n' * 5000, end='')" >"$WORK/many.txt"
status=0
"$BIN/senti-predict" --model "$WORK/model" --input "$WORK/many.txt" 2>"$WORK/pipe.err" | head -1 \
  >/dev/null || status=$?
[ ! -s "$WORK/pipe.err" ] || { fail "closed stdout caused errors"; cat "$WORK/pipe.err"; }

# The same seed with one thread gives the same model, bit for bit.
for run in a b; do
  "$BIN/senti-train" --data "$DATA/train.csv" --out "$WORK/repro-$run" --epochs 2 --seed 9 \
    --threads 1 --quiet 2>/dev/null
done
cmp -s "$WORK/repro-a/tokenizer.model" "$WORK/repro-b/tokenizer.model" || fail "tokenizers differ"
cmp -s "$WORK/repro-a/weights.pt" "$WORK/repro-b/weights.pt" || fail "weights differ"

# Over --linear-max-entries the TF-IDF model is fitted on a sample of the texts, and says so.
"$BIN/senti-train" --data "$DATA/train.csv" --out "$WORK/capped" --epochs 1 --seed 9 --quiet \
  --linear-max-entries 20000 2>"$WORK/capped.err" || fail "training with a small TF-IDF budget"
grep -q "over --linear-max-entries 20000; fitting it on a random" "$WORK/capped.err" \
  || fail "the TF-IDF sample was not logged"
"$BIN/senti-eval" --model "$WORK/capped" --data "$DATA/test.csv" >/dev/null \
  || fail "eval of the model with a sampled TF-IDF part"

# A --valid file stays out of the TF-IDF model's fit: it is fitted on --data's rows alone.
"$BIN/senti-train" --data "$DATA/train.csv" --valid "$DATA/test.csv" --out "$WORK/valid-file" \
  --epochs 1 --seed 9 --quiet 2>"$WORK/valid-file.err" || fail "training with --valid"
grep -q "held out included" "$WORK/valid-file.err" && fail "a --valid file joined the TF-IDF fit"
python3 - "$WORK/valid-file/config.json" <<'PY' || fail "the TF-IDF fit with --valid used other rows"
import json, sys
config = json.load(open(sys.argv[1]))
assert config["training"]["valid_rows"] == 80, config["training"]
assert config["linear"]["rows"] == config["training"]["train_rows"], config
PY

# Retraining into the same directory replaces the model.
"$BIN/senti-train" --data "$DATA/train.csv" --out "$WORK/model" --epochs 1 --quiet
[ -f "$WORK/model/weights.pt" ] || fail "retrained model missing"
[ "$(ls -A "$WORK" | grep -c '^\.model')" = 0 ] || fail "temporary directories left behind"
finish
