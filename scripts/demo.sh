#!/usr/bin/env bash
# The main job, end to end: set up, train on a labeled CSV, evaluate, and predict a few sentences.
#
#   scripts/demo.sh                       # the sample data shipped in data/sample
#   SENTI_DATA_DIR=../shared/data scripts/demo.sh   # SST-2, when a copy is there
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null

if [ -n "${SENTI_DATA_DIR:-}" ] && [ -f "$SENTI_DATA_DIR/sst2/train.csv" ]; then
  train="$SENTI_DATA_DIR/sst2/train.csv"; test="$SENTI_DATA_DIR/sst2/dev.csv"; model=models/sst2
else
  train=data/sample/train.csv; test=data/sample/test.csv; model=models/sample
fi

echo "== senti-train --data $train --out $model"
build/bin/senti-train --data "$train" --out "$model"
echo
echo "== senti-eval --model $model --data $test"
build/bin/senti-eval --model "$model" --data "$test"
echo
echo "== senti-predict --model $model --explain"
if [ "$model" = models/sample ]; then
  # The sample set is tiny: new sentences built from its words, not unseen vocabulary.
  sentences=("The new update is brilliant , i loved it ." "Our waiter was rude and slow and i will not return ."
             "The camera was not bad at all .")
else
  sentences=("The acting was wonderful and the story kept me hooked ."
             "The battery died after a day and support never answered ." "It was not bad at all .")
fi
printf '%s\n' "${sentences[@]}" \
  | build/bin/senti-predict --model "$model" --explain
