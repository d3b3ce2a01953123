#!/usr/bin/python3
"""Trains and scores the peers senti is measured against, on the same CSV files:

- fastText `supervised` (Debian's `fasttext` binary): default options, and `-wordNgrams 2`;
- TF-IDF (word 1-2 grams, sublinear tf) + LogisticRegression(C=4) from scikit-learn.

Prints one JSON object per (system, eval file) line on stdout:
{"system", "eval", "accuracy", "macro_f1", "train_seconds"}.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score


def read(path, text_column, label_column):
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        rows = list(csv.DictReader(f, delimiter="\t" if path.endswith(".tsv") else ","))
    texts, labels = [], []
    for row in rows:
        text, label = (row.get(text_column) or "").strip(), (row.get(label_column) or "").strip()
        if text and label:
            texts.append(text)
            labels.append(label)
    if not texts:
        sys.exit(f"peers.py: no rows with columns {text_column!r}/{label_column!r} in {path}")
    return texts, labels


def scores(gold, predicted):
    return {"accuracy": accuracy_score(gold, predicted),
            "macro_f1": f1_score(gold, predicted, average="macro")}


def fasttext_line(text, label):
    return "__label__" + label.replace(" ", "_") + " " + " ".join(text.lower().split())


def run_fasttext(name, extra, train, evals, tmp):
    train_file = os.path.join(tmp, "train.txt")
    with open(train_file, "w") as f:
        for text, label in zip(*train):
            f.write(fasttext_line(text, label) + "\n")
    model = os.path.join(tmp, name)
    start = time.perf_counter()
    subprocess.run(["fasttext", "supervised", "-input", train_file, "-output", model,
                    "-verbose", "0", *extra], check=True)
    seconds = time.perf_counter() - start
    for path, (texts, gold) in evals:
        test_file = os.path.join(tmp, "test.txt")
        with open(test_file, "w") as f:
            for text in texts:
                f.write(" ".join(text.lower().split()) + "\n")
        out = subprocess.run(["fasttext", "predict", model + ".bin", test_file], check=True,
                             capture_output=True, text=True).stdout.split("\n")
        predicted = [line.replace("__label__", "").replace("_", " ") for line in out[:len(gold)]]
        yield {"system": name, "eval": path, "train_seconds": seconds, **scores(gold, predicted)}


def run_tfidf(train, evals):
    start = time.perf_counter()
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    features = vectorizer.fit_transform(train[0])
    model = LogisticRegression(C=4, max_iter=2000).fit(features, train[1])
    seconds = time.perf_counter() - start
    for path, (texts, gold) in evals:
        predicted = model.predict(vectorizer.transform(texts))
        yield {"system": "tfidf-lr", "eval": path, "train_seconds": seconds,
               **scores(gold, predicted)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--eval", required=True, nargs="+")
    parser.add_argument("--text-column", required=True)
    parser.add_argument("--label-column", required=True)
    args = parser.parse_args()
    train = read(args.train, args.text_column, args.label_column)
    evals = [(path, read(path, args.text_column, args.label_column)) for path in args.eval]
    with tempfile.TemporaryDirectory() as tmp:
        results = list(run_fasttext("fasttext", [], train, evals, tmp))
        results += run_fasttext("fasttext-bigrams", ["-wordNgrams", "2"], train, evals, tmp)
        results += run_tfidf(train, evals)
    for result in results:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
