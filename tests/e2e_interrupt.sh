#!/usr/bin/env bash
# Interrupted training loses nothing: SIGINT/SIGTERM leave a checkpoint that --resume continues to
# the same model as an uninterrupted run, and kill -9 at any moment (the save included) leaves the
# previous complete model or the new one, never a mix.
# Usage: e2e_interrupt.sh BIN_DIR SAMPLE_DATA_DIR
source "$(dirname "$0")/e2e_lib.sh"
DATA=$2
T="$BIN/senti-train"
TRAIN=(--threads 1 --quiet)
SAMPLE=(--data "$DATA/train.csv")

# checkpoint_epoch DIR: the epoch of DIR's checkpoint, or -1 while there is none.
checkpoint_epoch() {
  python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['epoch'])" \
    "$1/checkpoint/state.json" 2>/dev/null || echo -1
}

# interrupt_at SIGNAL DIR EPOCH ARGS...: trains into DIR and sends SIGNAL once the checkpoint of
# EPOCH is written; prints the exit status.
interrupt_at() {
  local signal=$1 dir=$2 epoch=$3; shift 3
  "$T" "${TRAIN[@]}" --out "$dir" "$@" 2>"$WORK/interrupt.err" &
  local pid=$! waited=0
  while [ "$(checkpoint_epoch "$dir")" -lt "$epoch" ] && [ "$waited" -lt 600 ] &&
    kill -0 "$pid" 2>/dev/null; do
    sleep 0.05; waited=$((waited + 1))
  done
  kill "-$signal" "$pid" 2>/dev/null
  local status=0
  wait "$pid" || status=$?
  echo "$status"
}

same_model() { cmp -s "$1/weights.pt" "$2/weights.pt" && cmp -s "$1/tokenizer.model" "$2/tokenizer.model"; }

# 1. SIGINT mid-run, then --resume: the same model, bit for bit, as an uninterrupted run.
"$T" "${TRAIN[@]}" "${SAMPLE[@]}" --out "$WORK/full" --epochs 12 --patience 0 --seed 5
status=$(interrupt_at INT "$WORK/part" 3 "${SAMPLE[@]}" --epochs 12 --patience 0 --seed 5)
[ "$status" = 130 ] || fail "SIGINT: exit status $status, expected 130"
grep -q "interrupted by SIGINT; the checkpoint of epoch [0-9]* of 12 is in" "$WORK/interrupt.err" ||
  { fail "SIGINT: no message naming the checkpoint"; cat "$WORK/interrupt.err" >&2; }
grep -q "senti-train --resume" "$WORK/interrupt.err" || fail "SIGINT: message does not say how to resume"
[ ! -e "$WORK/part/weights.pt" ] || fail "SIGINT: an interrupted run wrote a final model"
"$T" --resume "$WORK/part" --threads 1 --quiet 2>"$WORK/resume.err" || { fail "--resume failed"; cat "$WORK/resume.err" >&2; }
same_model "$WORK/full" "$WORK/part" || fail "interrupted and resumed run differs from the uninterrupted one"
[ ! -e "$WORK/part/checkpoint" ] || fail "the checkpoint outlived the finished model"
python3 - "$WORK/full/config.json" "$WORK/part/config.json" <<'PY' || fail "history differs after resume"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
strip = lambda h: [{k: v for k, v in e.items() if k not in ("seconds", "tokens_per_second")} for e in h]
assert strip(a["history"]) == strip(b["history"]), (a["history"], b["history"])
assert b["result"]["resumed"] is True
PY

# 2. SIGTERM during the first epoch of a run into an existing model: the old model stays.
cp -r "$WORK/full" "$WORK/keep"
status=$(interrupt_at TERM "$WORK/keep" 0 "${SAMPLE[@]}" --epochs 12 --seed 6)
[ "$status" = 143 ] || fail "SIGTERM: exit status $status, expected 143"
same_model "$WORK/full" "$WORK/keep" || fail "SIGTERM: the previous model was changed"
"$T" --resume "$WORK/keep" --threads 1 --quiet 2>/dev/null || fail "--resume after SIGTERM failed"
cmp -s "$WORK/full/weights.pt" "$WORK/keep/weights.pt" && fail "resumed seed-6 run equals the seed-5 model"

# 3. --resume errors: no checkpoint, options besides threads/quiet, data changed underneath.
expect_error "holds no checkpoint" "$T" --resume "$WORK/full"
expect_error "excludes" "$T" --resume "$WORK/full" --epochs 3
cp "$DATA/train.csv" "$WORK/train.csv"
status=$(interrupt_at INT "$WORK/changed" 1 --data "$WORK/train.csv" --epochs 12)
echo '"an extra review, written after the run started",positive' >>"$WORK/train.csv"
expect_error "changed since the checkpoint was written" "$T" --resume "$WORK/changed"

# 3b. SIGINT while the TF-IDF model is fitted (after the last epoch; minutes on long texts) stops
#     at once, and --resume fits it again: the uninterrupted run's model, bit for bit. Rows made
#     of three sample reviews each, so that the fit outlasts the wait for the epoch's checkpoint.
python3 - "$DATA/train.csv" "$WORK/long.csv" <<'PY'
import csv, random, sys
rows = list(csv.DictReader(open(sys.argv[1])))
rng = random.Random(1)
with open(sys.argv[2], "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["review", "sentiment"])
    for _ in range(20000):
        picked = rng.sample(rows, 3)
        out.writerow([" ".join(row["review"] for row in picked), picked[0]["sentiment"]])
PY
LONG=(--data "$WORK/long.csv" --epochs 1 --encoder none --subword-alpha 0 --seed 3)
"$T" "${TRAIN[@]}" "${LONG[@]}" --out "$WORK/tfidf-full"
status=$(interrupt_at INT "$WORK/tfidf-part" 1 "${LONG[@]}")
[ "$status" = 130 ] || fail "SIGINT in the TF-IDF fit: exit status $status, expected 130"
grep -q "the checkpoint of epoch 1 of 1 is in" "$WORK/interrupt.err" ||
  { fail "SIGINT in the TF-IDF fit: no message naming the checkpoint"; cat "$WORK/interrupt.err" >&2; }
[ ! -e "$WORK/tfidf-part/weights.pt" ] || fail "SIGINT in the TF-IDF fit: a final model was written"
"$T" --resume "$WORK/tfidf-part" --threads 1 --quiet 2>/dev/null || fail "--resume of the TF-IDF fit"
same_model "$WORK/tfidf-full" "$WORK/tfidf-part" &&
  cmp -s "$WORK/tfidf-full/linear.pt" "$WORK/tfidf-part/linear.pt" ||
  fail "the TF-IDF fit interrupted and resumed differs from the uninterrupted one"

# 4. kill -9 at random moments of a run that replaces a model: what is there is always exactly
#    one of two complete models (A, what was there, or B, what the run writes), never a mix.
"$T" "${TRAIN[@]}" "${SAMPLE[@]}" --out "$WORK/A" --epochs 2 --seed 1
"$T" "${TRAIN[@]}" "${SAMPLE[@]}" --out "$WORK/B" --epochs 2 --seed 2
# model_of DIR: A or B when config.json, weights and tokenizer are all that model's; else "mix".
model_of() {
  local seed
  seed=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['training']['seed'])" \
    "$1/config.json" 2>/dev/null || echo none)
  if [ "$seed" = 1 ] && same_model "$1" "$WORK/A"; then echo A
  elif [ "$seed" = 2 ] && same_model "$1" "$WORK/B"; then echo B
  else echo mix; fi
}
cp -r "$WORK/A" "$WORK/target"
current=A
for attempt in $(seq 1 14); do
  next=$([ "$current" = A ] && echo 2 || echo 1)
  "$T" "${TRAIN[@]}" "${SAMPLE[@]}" --out "$WORK/target" --epochs 2 --seed "$next" 2>/dev/null &
  pid=$!
  # Spread the kills over start-up, training and the final save (a run takes about 2 s).
  sleep "$(python3 -c "import random; print(round(random.uniform(0.4, 3.0), 2))")"
  kill -9 "$pid" 2>/dev/null || true  # it may have finished
  wait "$pid" 2>/dev/null || true
  current=$(model_of "$WORK/target")
  echo "kill -9 attempt $attempt: the model directory holds model $current"
  if [ "$current" = mix ]; then
    fail "attempt $attempt: the model directory is neither the old nor the new model"
    ls -la "$WORK/target" >&2
    break
  fi
done
# And aimed at the save itself: kill as soon as the new model's staging directory appears.
for attempt in 1 2 3 4; do
  next=$([ "$current" = A ] && echo 2 || echo 1)
  "$T" "${TRAIN[@]}" "${SAMPLE[@]}" --out "$WORK/target" --epochs 2 --seed "$next" 2>/dev/null &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && ! compgen -G "$WORK/.target.staging-*" >/dev/null; do :; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  current=$(model_of "$WORK/target")
  echo "kill -9 during the save, attempt $attempt: the model directory holds model $current"
  [ "$current" != mix ] || { fail "kill -9 during the save left a mix"; ls -la "$WORK/target" >&2; break; }
done
echo 'the staff were kind .' | "$BIN/senti-predict" --model "$WORK/target" >/dev/null ||
  fail "the model left after kill -9 does not load"
# A later save clears temporary directories of killed runs.
"$T" "${TRAIN[@]}" "${SAMPLE[@]}" --out "$WORK/target" --epochs 1
[ "$(ls -A "$WORK" | grep -c '^\.target\.')" = 0 ] || fail "temporary directories of killed runs left behind"
finish
