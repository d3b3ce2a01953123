#!/usr/bin/python3
"""Accuracy on public sentiment sets that are not SST-2, side by side with the peers.

The sets are the UCI "Sentiment Labelled Sentences" (Kotzias et al., KDD 2015): 1,000 review
sentences each from Amazon (phones), IMDb (films) and Yelp (restaurants), half positive. They
travel as test fixtures of the npm package `sentiment` (5.0.2), so they are fetched with
`npm pack` (the npm registry is reachable where PyPI and the open web are not), checked against
a SHA-256, and kept under data/external/ (ignored by git; never committed).

Each set is small, so it is scored by k-fold cross-validation (stratified, seeded folds): every
fold trains senti (defaults, several seeds) and the peers on the other folds through
scripts/bench-accuracy.sh, and the table gives each system's mean over folds (senti: over folds
and seeds) with the standard deviation of the per-fold scores.

    bench/heldout.py [--sets amazon imdb yelp] [--folds 5] [--seeds "1 2 3"] [--out FILE]
"""
import argparse
import csv
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "sentiment@5.0.2"
PACKAGE_SHA256 = "89302eb03d2005d03b214fe65814bb48adb7d3c42c8ca80bdee6a3ecb7e4480f"
SETS = ("amazon", "imdb", "yelp")


def fetch(cache):
    """Returns {set name: [(text, label)]}, downloading the npm package once into cache."""
    os.makedirs(cache, exist_ok=True)
    archive = os.path.join(cache, "sentiment-5.0.2.tgz")
    if not os.path.exists(archive):
        print(f"heldout: npm pack {PACKAGE}", file=sys.stderr)
        subprocess.run(["npm", "pack", PACKAGE, "--silent", "--pack-destination", cache],
                       check=True, stdout=subprocess.DEVNULL)
    digest = hashlib.sha256(open(archive, "rb").read()).hexdigest()
    if digest != PACKAGE_SHA256:
        sys.exit(f"heldout: {archive} has SHA-256 {digest}, expected {PACKAGE_SHA256}")
    sets = {}
    with tarfile.open(archive) as tar:
        for name in SETS:
            rows = json.load(tar.extractfile(f"package/test/fixtures/{name}.json"))
            sets[name] = [(" ".join(r["text"].split()), str(r["class"]))
                          for r in rows if r.get("class") in (0, 1) and r["text"].strip()]
    return sets


def folds_of(rows, k, seed):
    """Stratified folds: each label's rows are shuffled and dealt round-robin."""
    folds = [[] for _ in range(k)]
    rng = random.Random(seed)
    for label in sorted({label for _, label in rows}):
        members = [row for row in rows if row[1] == label]
        rng.shuffle(members)
        for i, row in enumerate(members):
            folds[i % k].append(row)
    return folds


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["text", "label"])
        writer.writerows(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", default="1 2 3", help="senti seeds per fold")
    parser.add_argument("--cache", default=os.path.join(ROOT, "data", "external", "uci"))
    parser.add_argument("--out", default="bench-heldout.json")
    args = parser.parse_args()

    data = fetch(args.cache)
    per_fold = []  # one row per (set, fold, system): accuracy and macro-F1 of that fold
    with tempfile.TemporaryDirectory() as work:
        for name in args.sets:
            folds = folds_of(data[name], args.folds, seed=0)
            for k in range(args.folds):
                train = [row for j, fold in enumerate(folds) if j != k for row in fold]
                train_csv, test_csv = (os.path.join(work, f"{name}-{k}-{s}.csv") for s in ("train", "test"))
                write_csv(train_csv, train)
                write_csv(test_csv, folds[k])
                out = os.path.join(work, f"{name}-{k}.json")
                print(f"heldout: {name} fold {k + 1}/{args.folds}", file=sys.stderr)
                subprocess.run([os.path.join(ROOT, "scripts", "bench-accuracy.sh"), "--name", name,
                                "--train", train_csv, "--eval", test_csv, "--text-column", "text",
                                "--label-column", "label", "--seeds", args.seeds, "--out", out],
                               check=True, stdout=subprocess.DEVNULL)
                for r in json.load(open(out))["results"]:
                    per_fold.append({"dataset": name, "fold": k, "system": r["system"],
                                     "accuracy": r["accuracy"], "macro_f1": r["macro_f1"],
                                     "train_seconds": r["train_seconds"], "runs": r["runs"]})

    table = []
    for name in args.sets:
        for system in dict.fromkeys(r["system"] for r in per_fold if r["dataset"] == name):
            rows = [r for r in per_fold if r["dataset"] == name and r["system"] == system]
            row = {"dataset": name, "system": system, "folds": len(rows), "runs_per_fold": rows[0]["runs"]}
            for key in ("accuracy", "macro_f1", "train_seconds"):
                values = [r[key] for r in rows]
                row[key] = statistics.mean(values)
                row[key + "_sd"] = statistics.stdev(values) if len(values) > 1 else 0.0
            table.append(row)

    print(f"| dataset | system | accuracy ({args.folds}-fold) | macro-F1 | train s |")
    print("| --- | --- | --- | --- | --- |")
    for r in table:
        print(f"| {r['dataset']} | {r['system']} | {r['accuracy']:.4f} ± {r['accuracy_sd']:.4f} | "
              f"{r['macro_f1']:.4f} ± {r['macro_f1_sd']:.4f} | {r['train_seconds']:.1f} |")
    json.dump({"package": PACKAGE, "folds": args.folds, "seeds": args.seeds, "results": table,
               "per_fold": per_fold}, open(args.out, "w"), indent=2)
    print(f"\nwritten to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
