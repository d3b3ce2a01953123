#!/usr/bin/env bash
# Bad inputs: each must give one clear error line and a non-zero exit, never a crash.
# Usage: e2e_errors.sh BIN_DIR SAMPLE_DATA_DIR
source "$(dirname "$0")/e2e_lib.sh"
DATA=$2
T="$BIN/senti-train"; E="$BIN/senti-eval"; P="$BIN/senti-predict"

printf 'text,label\n' >"$WORK/header-only.csv"
: >"$WORK/empty.csv"
printf 'text,label\ngood,1\nbad,1\n' >"$WORK/one-class.csv"
printf 'text,label\ngood,1\n"bad,0\n' >"$WORK/open-quote.csv"
printf 'text,label\ngood,\nbad,\n' >"$WORK/no-labels.csv"

expect_error "no-such.csv: cannot open file for reading" "$T" --data "$WORK/no-such.csv" --out "$WORK/m"
expect_error "empty.csv: file is empty" "$T" --data "$WORK/empty.csv" --out "$WORK/m"
expect_error "standard input, cannot be read again to resume" "$T" --data - --out "$WORK/m"
expect_error "has a header but no data rows" "$T" --data "$WORK/header-only.csv" --out "$WORK/m"
expect_error "holds only one label ('1')" "$T" --data "$WORK/one-class.csv" --out "$WORK/m"
expect_error "open-quote.csv:3:1: quoted field is never closed" "$T" --data "$WORK/open-quote.csv" --out "$WORK/m"
expect_error "no usable rows" "$T" --data "$WORK/no-labels.csv" --out "$WORK/m"
expect_error "--text-column: no column named 'body'" "$T" --data "$DATA/train.csv" --text-column body --out "$WORK/m"
expect_error "--label-column: column index 9 is out of range" "$T" --data "$DATA/train.csv" --label-column 9 --out "$WORK/m"
expect_error "--epochs: 0 is out of range" "$T" --data "$DATA/train.csv" --epochs 0 --out "$WORK/m"
expect_error "--valid-split: 1.5 is out of range" "$T" --data "$DATA/train.csv" --valid-split 1.5 --out "$WORK/m"
expect_error "--tokenizer-type: unknown type 'words'" "$T" --data "$DATA/train.csv" --tokenizer-type words --out "$WORK/m"
expect_error "--threads: -2 is out of range" "$T" --data "$DATA/train.csv" --threads -2 --out "$WORK/m"
expect_error "--dim" "$T" --data "$DATA/train.csv" --dim abc --out "$WORK/m"
expect_error "--device cuda" "$T" --data "$DATA/train.csv" --device cuda --out "$WORK/m"
expect_error "--out is required" "$T" --data "$DATA/train.csv"
touch "$WORK/a-file"
expect_error "exists and is not a directory" "$T" --data "$DATA/train.csv" --out "$WORK/a-file"
mkdir -p "$WORK/photos" && touch "$WORK/photos/cat.jpg"
expect_error "not a senti model; refusing to replace it" "$T" --data "$DATA/train.csv" --out "$WORK/photos"

expect_error "does not exist" "$E" --model "$WORK/none" --data "$DATA/test.csv"
expect_error "is not a senti model directory" "$E" --model "$WORK/photos" --data "$DATA/test.csv"
expect_error "does not exist" "$P" --model "$WORK/none"
expect_error "--format: unknown value 'xml'" "$P" --model "$WORK/none" --format xml
expect_error "--input: cannot open" "$P" --model "$WORK/none" --input "$WORK/none.txt"
expect_error "--unknown" "$P" --model "$WORK/none" --unknown
expect_error "is a directory, not a CSV or TSV file" "$T" --data "$WORK" --out "$WORK/m"
expect_error "--input: $WORK is a directory, not a file of texts" "$P" --model "$WORK/none" --input "$WORK"
expect_error "--text-column: no column named 'body'" "$P" --model "$WORK/none" --input "$DATA/test.csv" --text-column body
expect_error "<stdin>: file is empty (expected a header row)" "$P" --model "$WORK/none" --text-column review
finish
