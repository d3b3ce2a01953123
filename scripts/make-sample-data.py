#!/usr/bin/env python3
"""Writes data/sample/{train,test}.csv: short review-like sentences written for senti's demo and
tests (not taken from any dataset). Deterministic: the same files every run."""
import csv
import os
import random

SUBJECTS = [
    "the acting", "this phone", "the hotel room", "customer service", "the plot",
    "the battery", "our waiter", "the soundtrack", "the delivery", "this app",
    "the ending", "the coffee", "the checkout process", "the new update", "the camera",
    "the staff", "the screenplay", "the pasta", "this laptop", "the support team",
    "the seats", "the user interface", "the dialogue", "the breakfast buffet", "the headphones",
]
POSITIVE = [
    "was wonderful", "exceeded my expectations", "is brilliant", "was a real delight",
    "works perfectly", "made my day", "is worth every penny", "was fast and friendly",
    "is simply excellent", "felt fresh and clever", "was surprisingly good", "is a joy to use",
    "left me smiling", "was not bad at all", "could not have been better", "is top notch",
    "was charming", "impressed everyone", "is great value", "was beautifully done",
]
NEGATIVE = [
    "was terrible", "is a complete waste of money", "broke after two days", "was rude and slow",
    "is painfully boring", "fell apart quickly", "was a huge disappointment", "is awful",
    "made me angry", "was not worth it", "could not have been worse", "is buggy and frustrating",
    "was cold and bland", "left me bored", "is overpriced junk", "was a mess",
    "never worked properly", "felt lazy and dull", "was not good at all", "is the worst I have seen",
]
POSITIVE_TAILS = ["", "", " and i would recommend it", " , i loved it", " and i will come back",
                  " , five stars", " , highly recommended"]
NEGATIVE_TAILS = ["", "", " and i want a refund", " , i hated it", " and i will not return",
                  " , one star", " , avoid it"]


def sentences(rng, predicates, tails, label, count):
    seen = set()
    rows = []
    while len(rows) < count:
        text = f"{rng.choice(SUBJECTS)} {rng.choice(predicates)}{rng.choice(tails)} ."
        text = text[0].upper() + text[1:]
        if text not in seen:
            seen.add(text)
            rows.append((text, label))
    return rows


def main():
    rng = random.Random(7)
    rows = sentences(rng, POSITIVE, POSITIVE_TAILS, "positive", 200)
    rows += sentences(rng, NEGATIVE, NEGATIVE_TAILS, "negative", 200)
    rng.shuffle(rows)
    out_dir = os.path.join(os.path.dirname(__file__), "..", "data", "sample")
    os.makedirs(out_dir, exist_ok=True)
    for name, part in (("train.csv", rows[:320]), ("test.csv", rows[320:])):
        with open(os.path.join(out_dir, name), "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["review", "sentiment"])
            writer.writerows(part)


if __name__ == "__main__":
    main()
