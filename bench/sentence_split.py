#!/usr/bin/python3
"""A validation split of SST-2's train.csv that does not repeat training text.

SST-2's training rows are phrases cut from about 6,900 sentences, so the random tenth that
senti-train holds out by default mostly sits inside other training rows. This script finds the
sentences (rows that are no run of words inside another row), holds out a random tenth of them
(seeded), and drops from the training part every row that is a run of words inside a held-out
sentence: the held-out rows are then whole sentences the training part has not seen, as dev.csv's
are. Writes train.csv and valid.csv (columns sentence,label) to OUT_DIR and prints the counts:

    /usr/bin/python3 bench/sentence_split.py $SENTI_DATA_DIR/sst2/train.csv OUT_DIR SEED
    build/bin/senti-train --data OUT_DIR/train.csv --valid OUT_DIR/valid.csv --seed SEED --out M
"""
import csv
import os
import random
import sys


def runs(words):
    """Every run of whole words in `words`, as one space-joined string each."""
    return {" ".join(words[a:b]) for a in range(len(words)) for b in range(a + 1, len(words) + 1)}


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    source, out_dir, seed = sys.argv[1], sys.argv[2], sys.argv[3]
    if not seed.isdigit():
        sys.exit(f"sentence_split.py: SEED must be a non-negative integer, got '{seed}'")
    try:
        with open(source, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as error:
        sys.exit(f"sentence_split.py: cannot read {source}: {error.strerror}")
    if not rows or not {"sentence", "label"} <= rows[0].keys():
        sys.exit(f"sentence_split.py: {source}: needs rows and the columns sentence,label")
    words = [row["sentence"].lower().split() for row in rows]
    texts = [" ".join(w) for w in words]

    inner = set()  # runs of words shorter than the row they come from
    for w, text in zip(words, texts):
        inner |= runs(w) - {text}
    sentences = [i for i, text in enumerate(texts) if text not in inner]

    random.Random(int(seed)).shuffle(sentences)
    valid = sentences[: len(sentences) // 10]
    held = set()
    for i in valid:
        held |= runs(words[i])
    train = [i for i, text in enumerate(texts) if text not in held]

    os.makedirs(out_dir, exist_ok=True)
    for name, chosen in (("train", train), ("valid", valid)):
        with open(os.path.join(out_dir, name + ".csv"), "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["sentence", "label"])
            for i in chosen:
                writer.writerow([rows[i]["sentence"], rows[i]["label"]])
    print(f"{len(rows)} rows, {len(sentences)} sentences; held out {len(valid)} sentences, "
          f"dropped {len(rows) - len(valid) - len(train)} rows inside them, {len(train)} to train")


if __name__ == "__main__":
    main()
