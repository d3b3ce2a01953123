#!/usr/bin/env bash
# Builds senti with clang, AddressSanitizer + UndefinedBehaviorSanitizer and libFuzzer coverage in
# build-sanitize/, runs the unit tests there, then each libFuzzer target for a bounded time.
#
#   scripts/sanitize.sh                 # unit tests + 60 s per fuzzer
#   SENTI_FUZZ_SECONDS=600 scripts/sanitize.sh
#   SENTI_FUZZ_SECONDS=0 scripts/sanitize.sh     # unit tests only
#
# A fuzzer that finds a crash stops with its input saved as tests/fuzz/crash-*; move that file
# into tests/fuzz/corpus/<target>/ once fixed, and the unit tests replay it from then on.
# Needs the packages scripts/setup.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${SENTI_SANITIZE_BUILD_DIR:-build-sanitize}
seconds=${SENTI_FUZZ_SECONDS:-60}

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ \
  -DSENTI_FUZZ=ON
cmake --build "$build" --target senti-tests senti-train senti-fuzz-csv senti-fuzz-model

# LibTorch is not instrumented and keeps allocations for the life of the process (operator
# registries, thread pools): leak reports would all be LibTorch's, so leaks are not checked.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "sanitize: unit tests under ASan + UBSan"
"$build/bin/senti-tests"

if [ "$seconds" -gt 0 ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # The model fuzzer mutates the files of a small real model.
  "$build/bin/senti-train" --data data/sample/train.csv --out "$work/model" --dim 8 \
    --attention-dim 8 --vocab-size 100 --epochs 1 --threads 1 --seed 1 --quiet
  for target in csv model; do
    echo "sanitize: fuzzing the $target target for ${seconds}s"
    mkdir -p "$work/corpus-$target"
    # New inputs go to a scratch corpus; the repository's corpus is only read.
    SENTI_FUZZ_MODEL="$work/model" "$build/bin/senti-fuzz-$target" "$work/corpus-$target" \
      "tests/fuzz/corpus/$target" -max_total_time="$seconds" -max_len=65536 -timeout=20 \
      -rss_limit_mb=4096 -artifact_prefix="tests/fuzz/crash-$target-" -print_final_stats=1 \
      2>"$work/fuzz-$target.log" || {
        tail -60 "$work/fuzz-$target.log" >&2
        echo "sanitize: the $target fuzzer failed; its input is in tests/fuzz/crash-$target-*" >&2
        exit 1
      }
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/fuzz-$target.log" || true
  done
fi
echo "sanitize: all passed"
