#!/usr/bin/env bash
# Installs every Debian package senti's build, tests and benchmarks need (only the missing ones),
# then configures and builds senti in build/ (Release). Safe to run again.
#
#   scripts/setup.sh            # packages + build
#   SENTI_BUILD_DIR=out scripts/setup.sh
#   SENTI_CMAKE_ARGS="-DSENTI_SANITIZE=ON" scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  libtorch-dev libsentencepiece-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libxxhash-dev
  # a fast BLAS for LibTorch (the reference BLAS is ~20x slower)
  libopenblas0-openmp
  # tests
  catch2 python3
  # the browser test of the HTML report
  chromium
  # the sanitizer build and the libFuzzer targets (scripts/sanitize.sh)
  clang libclang-rt-14-dev
  # benchmarks: the peers
  fasttext python3-sklearn python3-torch python3-sentencepiece python3-numpy
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi

build_dir=${SENTI_BUILD_DIR:-build}
# shellcheck disable=SC2086
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release ${SENTI_CMAKE_ARGS:-}
cmake --build "$build_dir"
echo "setup: built $build_dir/bin/senti-train, senti-eval, senti-predict"
