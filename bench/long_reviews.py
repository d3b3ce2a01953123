#!/usr/bin/python3
"""Writes a CSV of synthetic review-length texts (review,sentiment) made of SST-2 training
phrases, for measuring senti's time and memory on long texts: each row joins --phrases random
phrases of one label. Its accuracy means nothing (the phrases repeat across rows); it has the
length of real reviews, which SST-2's phrases do not. Reads $SENTI_DATA_DIR/sst2/train.csv.
"""
import argparse
import csv
import os
import random
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument("--rows", type=int, default=25000, help="texts to write")
    parser.add_argument("--phrases", type=int, default=30, help="SST-2 phrases per text")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data_dir = os.environ.get("SENTI_DATA_DIR")
    if not data_dir:
        sys.exit("long_reviews.py: set SENTI_DATA_DIR (the folder holding sst2/train.csv)")
    by_label = {}
    with open(os.path.join(data_dir, "sst2", "train.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            by_label.setdefault(row["label"], []).append(row["sentence"].strip())
    labels = sorted(by_label)
    rng = random.Random(args.seed)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["review", "sentiment"])
        for _ in range(args.rows):
            label = rng.choice(labels)
            phrases = by_label[label]
            writer.writerow([" ".join(rng.choice(phrases) for _ in range(args.phrases)), label])


if __name__ == "__main__":
    main()
