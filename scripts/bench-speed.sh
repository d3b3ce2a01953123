#!/usr/bin/env bash
# Speed side by side on SST-2 (needs SENTI_DATA_DIR): senti's default and plain models against the
# Python PyTorch reference of the plain model and fastText: training seconds/epoch and tokens/s,
# prediction sentences/s on a 300k-line file, start-up against a bare-LibTorch program, streaming
# latency p50/p99, peak RSS and model size. Prints a table and writes bench-speed.json.
# Run it alone on the machine: two LibTorch processes at once slow each other down badly.
#
#   SENTI_DATA_DIR=../shared/data scripts/bench-speed.sh [--epochs 3] [--predict-lines 300000]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/${SENTI_BUILD_DIR:-build}/bin"
data=${SENTI_DATA_DIR:?set SENTI_DATA_DIR to the directory holding sst2/}
[ -x "$bin/senti-bench-floor" ] || "$root/scripts/setup.sh"
exec /usr/bin/python3 "$root/bench/speed.py" --bin "$bin" --data "$data" "$@"
