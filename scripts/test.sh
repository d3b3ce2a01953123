#!/usr/bin/env bash
# Sets up, builds and runs every test (unit, end-to-end; SST-2 too when SENTI_DATA_DIR is set).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cd "${SENTI_BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)"
