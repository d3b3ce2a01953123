#!/usr/bin/env bash
# End-to-end: senti-eval --report and senti-predict --format html, loaded in headless Chromium.
# Usage: e2e_report.sh BIN_DIR SAMPLE_DATA_DIR
source "$(dirname "$0")/e2e_lib.sh"
DATA=$2
HERE=$(cd "$(dirname "$0")" && pwd)

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "SKIP: chromium is not installed (scripts/setup.sh installs it)"; exit 77
fi
# One fresh profile per run; no sandbox (CI runs as root), no GPU.
chrome() {
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/profile" \
    --window-size=1280,2400 "$@" 2>>"$WORK/chromium.log"
}

"$BIN/senti-train" --data "$DATA/train.csv" --out "$WORK/model" --epochs 12 --seed 3 --quiet
# The test rows plus a review holding markup; --report-examples above the row count puts every
# row, this one included, among the examples shown.
cp "$DATA/test.csv" "$WORK/test.csv"
echo '"<script>document.title=""pwned""</script> awful, awful & boring <b>bold</b>",positive' \
  >>"$WORK/test.csv"
"$BIN/senti-eval" --model "$WORK/model" --data "$WORK/test.csv" --report "$WORK/report.html" \
  --report-examples 100 >/dev/null

# The file itself: self-contained, user text escaped.
if grep -qiE "<script|<link|<img|src=|@import|url\(" "$WORK/report.html"; then
  fail "report.html refers to something outside itself or holds a script"
fi
grep -qF "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;" "$WORK/report.html" ||
  fail "the review holding HTML is not in the report as escaped text"

# In the browser: every section, the markup shown as text, and a screenshot that is not blank.
chrome --dump-dom "file://$WORK/report.html" >"$WORK/dom.html" || fail "chromium could not load the report"
for section in metrics per-class confusion history examples mistakes correct settings; do
  grep -q "id=\"$section\"" "$WORK/dom.html" || fail "report lacks section '$section'"
done
grep -q "<title>senti evaluation" "$WORK/dom.html" || fail "the review's script ran (title changed)"
grep -qF "&lt;script&gt;" "$WORK/dom.html" || fail "the review holding HTML is not shown as text"
grep -q "<b>bold</b>" "$WORK/dom.html" && fail "markup in a review became an element"
[ "$(grep -o '<svg' "$WORK/dom.html" | wc -l)" -eq 2 ] || fail "expected two history charts"
[ "$(grep -o 'class="point"' "$WORK/dom.html" | wc -l)" -ge 24 ] || fail "charts lack points"
grep -q "Attention is not Explanation" "$WORK/dom.html" || fail "report lacks the attention caveat"
if mixes_tfidf "$WORK/model"; then
  grep -q "class=\"ev\"" "$WORK/dom.html" || fail "report examples lack TF-IDF evidence"
fi

chrome --screenshot="$WORK/report.png" "file://$WORK/report.html" >/dev/null ||
  fail "chromium could not take a screenshot"
read -r width height ink colours < <(python3 "$HERE/png_stats.py" "$WORK/report.png")
echo "screenshot ${width}x${height}: ${ink} of pixels inked, ${colours} colours"
at_least "$ink" 0.02 || fail "the screenshot is (nearly) blank"
at_least "$colours" 50 || fail "the screenshot has only $colours colours"

# senti-predict --format html: a page with one row per input line, text escaped.
printf 'a wonderful film\n\n<i>dull</i> & slow\n' |
  "$BIN/senti-predict" --model "$WORK/model" --format html --top-k 2 >"$WORK/predict.html"
chrome --dump-dom "file://$WORK/predict.html" >"$WORK/predict-dom.html" ||
  fail "chromium could not load the predictions page"
[ "$(grep -o '<tr>' "$WORK/predict-dom.html" | wc -l)" -eq 4 ] ||
  fail "predictions page should have a header row and three rows"
grep -qF "&lt;i&gt;" "$WORK/predict-dom.html" || fail "predict html did not escape the input"
grep -q "class=\"tok\"" "$WORK/predict-dom.html" || fail "predict html has no shaded tokens"
if mixes_tfidf "$WORK/model"; then
  grep -q "class=\"ev\"" "$WORK/predict-dom.html" || fail "predict html has no TF-IDF evidence"
fi
finish
