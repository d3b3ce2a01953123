#!/usr/bin/env bash
# Fetches SST-2 (GLUE packaging) into data/external/sst2/{train,dev,test}.csv, checksum verified.
#
#   scripts/get-data.sh                 # download (needs network access)
#   SENTI_DATA_DIR=/path/to/data scripts/get-data.sh   # use an existing copy instead
#
# Offline? Copy a directory holding sst2/train.csv, sst2/dev.csv and sst2/test.csv (columns
# sentence,label) from a machine that has one, and point SENTI_DATA_DIR at it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${SENTI_DATA_DIR:-}" ]; then
  for split in train dev test; do
    if [ ! -f "$SENTI_DATA_DIR/sst2/$split.csv" ]; then
      echo "get-data: SENTI_DATA_DIR=$SENTI_DATA_DIR has no sst2/$split.csv" >&2
      exit 1
    fi
  done
  echo "get-data: using SST-2 from $SENTI_DATA_DIR/sst2 (nothing downloaded)"
  exit 0
fi

# The GLUE release of SST-2 (TSV: sentence<TAB>label). Its test split has no labels, so the
# labelled full-sentence test split is not part of this download. The checksums are those of
# the converted CSVs (header sentence,label; LF line ends; minimal quoting), the same bytes as the
# copy senti's benchmarks use.
URL=${SENTI_SST2_URL:-https://dl.fbaipublicfiles.com/glue/data/SST-2.zip}
declare -A SHA256=(
  [train]=af8d3e2bc0efea3e1b4ad93378a1fc77966df96c423ce774fde97473cc0b25da
  [dev]=77d290fea6107c6b5320e1376a2d37808981677024f1eaee7a294d204d65dafd
)
OUT=data/external
mkdir -p "$OUT"
zip="$OUT/SST-2.zip"

if ! command -v curl >/dev/null && ! command -v wget >/dev/null; then
  echo "get-data: needs curl or wget" >&2; exit 1
fi
echo "get-data: downloading $URL"
if ! { curl -fsSL --retry 2 -o "$zip" "$URL" 2>/dev/null || wget -q -O "$zip" "$URL" 2>/dev/null; }; then
  rm -f "$zip"
  cat >&2 <<MSG
get-data: could not download $URL (offline?).
  senti does not need this step: set SENTI_DATA_DIR to a directory that already holds
  sst2/{train,dev,test}.csv, or train on any labeled CSV of your own with senti-train --data.
MSG
  exit 1
fi
/usr/bin/python3 - "$zip" "$OUT/sst2" <<'PY'
import csv, io, os, sys, zipfile
archive, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
with zipfile.ZipFile(archive) as z:
    for split in ("train", "dev"):
        rows = list(csv.reader(io.TextIOWrapper(z.open(f"SST-2/{split}.tsv"), "utf-8"),
                               delimiter="\t", quoting=csv.QUOTE_NONE))
        with open(os.path.join(out, f"{split}.csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["sentence", "label"])
            w.writerows([r[0].strip(), r[1].strip()] for r in rows[1:] if len(r) == 2)
PY
for split in train dev; do
  actual=$(sha256sum "$OUT/sst2/$split.csv" | cut -d' ' -f1)
  if [ "$actual" != "${SHA256[$split]}" ]; then
    echo "get-data: checksum mismatch for $OUT/sst2/$split.csv: got $actual, expected ${SHA256[$split]}" >&2
    echo "  the download differs from the release senti was measured on; it is kept for inspection" >&2
    exit 1
  fi
done
rm -f "$zip"
echo "get-data: wrote $OUT/sst2/{train,dev}.csv; use SENTI_DATA_DIR=$OUT"
