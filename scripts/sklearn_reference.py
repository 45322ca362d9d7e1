#!/usr/bin/env python3
"""The scikit-learn reference for the small tabular sets in datasets/ (run with Debian's /usr/bin/python3 and its
python3-sklearn): features standardized on the training split; MLPClassifier((256, 128)) with alpha and the learning
rate chosen by 5-fold cross-validation on the training split, then the test accuracy as a mean over 3 seeds; and
logistic regression for scale."""
import csv
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def load(path, response):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    names = [n for n in rows[0] if n != response]
    return np.array([[float(r[n]) for n in names] for r in rows]), np.array([r[response] for r in rows])


def reference(name, stem, response):
    x_train, y_train = load(f"datasets/{name}/{stem}-train.csv", response)
    x_test, y_test = load(f"datasets/{name}/{stem}-test.csv", response)
    grid = GridSearchCV(make_pipeline(StandardScaler(), MLPClassifier((256, 128), max_iter=1000, random_state=0)),
                        {"mlpclassifier__alpha": [1e-4, 1e-3, 1e-2, 1e-1], "mlpclassifier__learning_rate_init": [1e-3, 1e-2]},
                        cv=StratifiedKFold(5, shuffle=True, random_state=0))
    grid.fit(x_train, y_train)
    best = {k.split("__")[1]: v for k, v in grid.best_params_.items()}
    scores = []
    for seed in range(3):
        model = make_pipeline(StandardScaler(), MLPClassifier((256, 128), max_iter=1000, random_state=seed, **best))
        scores.append(model.fit(x_train, y_train).score(x_test, y_test))
    logistic = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)).fit(x_train, y_train).score(x_test, y_test)
    print(f"| {name} | {len(y_train)} / {len(y_test)} | {best} | {100 * np.mean(scores):.2f} "
          f"({', '.join(f'{100 * s:.2f}' for s in scores)}) | {100 * logistic:.2f} |")


print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}")
print("| set | train / test | MLP settings chosen | MLP((256, 128)) test accuracy, mean of 3 seeds (each) | logistic regression |")
print("|---|---|---|---|---|")
reference("breast-cancer", "breast-cancer", "diagnosis")
reference("wine", "wine", "cultivar")
reference("digits", "digits", "digit")
