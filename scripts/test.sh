#!/usr/bin/env bash
# Sets up, builds and runs every test: unit and end-to-end tests (SST-2 too when SENTI_DATA_DIR is
# set), then the unit tests again under AddressSanitizer + UBSan and each libFuzzer target for
# SENTI_FUZZ_SECONDS (default 60) seconds (scripts/sanitize.sh). SENTI_SANITIZE=0 skips that part.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
(cd "${SENTI_BUILD_DIR:-build}" && ctest --output-on-failure -j "$(nproc)")
if [ "${SENTI_SANITIZE:-1}" != 0 ]; then
  scripts/sanitize.sh
fi
