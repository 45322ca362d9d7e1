#!/usr/bin/env python3
"""Writes datasets/breast-cancer and datasets/wine from the copies of the UCI sets that Debian's python3-sklearn
ships (run with /usr/bin/python3). Stratified 80/20 split with a fixed seed; features as they are (not scaled)."""
import csv
import re

from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.model_selection import train_test_split


def column(name):
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def write(folder, stem, bunch, response):
    x_train, x_test, y_train, y_test = train_test_split(bunch.data, bunch.target, test_size=0.2, stratify=bunch.target,
                                                        random_state=0)
    header = [column(n) for n in bunch.feature_names] + [response]
    for split, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        with open(f"datasets/{folder}/{stem}-{split}.csv", "w", newline="") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(header)
            for row, label in zip(x, y):
                out.writerow([repr(float(v)) for v in row] + [bunch.target_names[label]])
        print(folder, split, len(y))


write("breast-cancer", "breast-cancer", load_breast_cancer(), "diagnosis")
write("wine", "wine", load_wine(), "cultivar")
