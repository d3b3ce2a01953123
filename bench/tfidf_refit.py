#!/usr/bin/python3
"""What the held-out tenth adds to a TF-IDF model, estimated with scikit-learn.

On bench/heldout.py's folds of the UCI sets, fits senti's TF-IDF features (word 1-2-grams and
char_wb 2-5-grams, sublinear tf, each kind L2-normalised) + LogisticRegression(C=4) on each fold's
training rows, and on a stratified 90% of them (3 seeds, as senti-train's --valid-split 0.1 holds
out), and prints the mean test accuracy of both. Run with /usr/bin/python3 after bench/heldout.py
has fetched the data into data/external/:

    /usr/bin/python3 bench/tfidf_refit.py
"""
import os
import sys

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import heldout  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def accuracy(train, test):
    word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    texts = [text for text, _ in train]
    x = hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    test_texts = [text for text, _ in test]
    x_test = hstack([word.transform(test_texts), char.transform(test_texts)]).tocsr()
    model = LogisticRegression(C=4, max_iter=1000).fit(x, [label for _, label in train])
    return (model.predict(x_test) == np.array([label for _, label in test])).mean()


def main():
    sets = heldout.fetch(os.path.join(ROOT, "data", "external"))
    for name in heldout.SETS:
        folds = heldout.folds_of(sets[name], 5, seed=0)
        every, tenth_out = [], []
        for k in range(5):
            train = [row for j, fold in enumerate(folds) if j != k for row in fold]
            every.append(accuracy(train, folds[k]))
            for seed in (1, 2, 3):
                part, _ = train_test_split(train, test_size=0.1, random_state=seed,
                                           stratify=[label for _, label in train])
                tenth_out.append(accuracy(part, folds[k]))
        print(f"{name}: 90% of the training rows {np.mean(tenth_out):.4f}, "
              f"all of them {np.mean(every):.4f}")


if __name__ == "__main__":
    main()
