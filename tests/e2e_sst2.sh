#!/usr/bin/env bash
# With SENTI_DATA_DIR set: train with default options on SST-2 and require dev accuracy >= 0.80.
# Usage: e2e_sst2.sh BIN_DIR    (skipped, exit 77, when SENTI_DATA_DIR is unset)
if [ -z "${SENTI_DATA_DIR:-}" ] || [ ! -f "$SENTI_DATA_DIR/sst2/train.csv" ]; then
  echo "SENTI_DATA_DIR is not set or lacks sst2/: skipping"
  exit 77
fi
source "$(dirname "$0")/e2e_lib.sh"
SST="$SENTI_DATA_DIR/sst2"
"$BIN/senti-train" --data "$SST/train.csv" --out "$WORK/model"
"$BIN/senti-eval" --model "$WORK/model" --data "$SST/dev.csv" --json "$WORK/dev.json"
accuracy=$(json_value "$WORK/dev.json" accuracy)
echo "SST-2 dev accuracy with default options: $accuracy"
at_least "$accuracy" 0.80 || fail "SST-2 dev accuracy $accuracy is below 0.80"
finish
