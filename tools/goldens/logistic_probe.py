#!/usr/bin/env python3
"""Goldens for LogisticProbeTest: a fixed feature set (3 classes, 7 features, 60 samples, seeded)
and scikit-learn's multinomial L-BFGS logistic regression at several C, fitted to the optimum
(tol 1e-12), with its coefficients, intercepts and test-set probabilities.

    /usr/bin/python3 tools/goldens/logistic_probe.py multitask/src/test/resources/goldens/logistic_probe.json

Needs Debian's python3-sklearn (tested with 1.2.1). The output is committed; tests only read it.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression


def main(out):
    rng = np.random.default_rng(20261201)
    n, n_test, d, k = 60, 15, 7, 3
    centers = rng.normal(0, 1.0, size=(k, d))
    y = np.arange(n + n_test) % k
    rng.shuffle(y)
    x = centers[y] + rng.normal(0, 1.2, size=(n + n_test, d))
    x = np.round(x, 6)  # stored as decimal text: both sides read exactly these values
    xtr, ytr, xte = x[:n], y[:n], x[n:]
    fits = []
    for c in [0.01, 0.3, 1.0, 100.0]:
        m = LogisticRegression(multi_class="multinomial", solver="lbfgs", C=c, tol=1e-12, max_iter=100000)
        m.fit(xtr, ytr)
        fits.append({
            "C": c,
            "coef": m.coef_.tolist(),
            "intercept": m.intercept_.tolist(),
            "proba_test": m.predict_proba(xte).tolist(),
        })
    doc = {
        "generator": "tools/goldens/logistic_probe.py",
        "sklearn": sklearn.__version__,
        "n": n, "d": d, "classes": k,
        "x_train": xtr.tolist(), "y_train": ytr.tolist(), "x_test": xte.tolist(),
        "fits": fits,
    }
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
