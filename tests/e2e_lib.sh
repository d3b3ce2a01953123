# Helpers for the end-to-end tests: sourced, not run.
set -euo pipefail
BIN=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect_error EXPECTED_TEXT COMMAND...: the command must exit 1 (not crash) and say EXPECTED_TEXT
# on stderr in one line.
expect_error() {
  local expected=$1; shift
  local status=0
  "$@" >"$WORK/out" 2>"$WORK/err" </dev/null || status=$?
  if [ "$status" -ne 1 ] && [ "$status" -ne 2 ]; then
    fail "'$*' exited $status, expected 1 or 2"; cat "$WORK/err" >&2; return
  fi
  if ! grep -qF -- "$expected" "$WORK/err"; then
    fail "'$*' did not say '$expected'; stderr was:"; cat "$WORK/err" >&2; return
  fi
  if grep -qiE "terminate called|stack trace|Segmentation|Aborted|Exception raised from" "$WORK/err"; then
    fail "'$*' crashed or printed a stack trace"; cat "$WORK/err" >&2
  fi
}

# json_value FILE KEY: a top-level number from a JSON file.
json_value() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

# mixes_tfidf MODEL_DIR: whether the model mixes in a TF-IDF model with a share above 0.
mixes_tfidf() {
  python3 -c "import json,sys; l=json.load(open(sys.argv[1])).get('linear'); sys.exit(0 if l and l['share'] > 0 else 1)" \
    "$1/config.json"
}

at_least() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)" "$1" "$2"; }

finish() {
  if [ "$failures" -ne 0 ]; then echo "$failures check(s) failed" >&2; exit 1; fi
  echo "all checks passed"
}
