#!/usr/bin/env python3
"""Reference predictions of scikit-learn's LinearSVC and SVC(rbf) for src/svm/svm.test.ts.

Uses Debian's python3-sklearn (1.2.1 here) and its bundled digits data set (8x8 images, values 0..16):
600 training and 300 test images. Features: binary (value > 8, like the spike MAX features) and
scaled (value / 16). Writes JSON to stdout:
  python3 packages/readout/scripts/make-svm-fixture.py > packages/readout/src/svm/sklearn-svm.fixture.json
"""
import json

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.svm import SVC, LinearSVC

digits = load_digits()
X = digits.data.astype(int)
y = digits.target.astype(int)
train, test = slice(0, 600), slice(600, 900)
features = {"binary": (X > 8).astype(float), "scaled": X / 16.0}
out = {
    "sklearn": sklearn.__version__,
    # one character per pixel value 0..16 ("0".."9", "a".."g"), to keep the fixture small
    "trainImages": ["".join("0123456789abcdefg"[v] for v in row) for row in X[train]],
    "trainLabels": y[train].tolist(),
    "testImages": ["".join("0123456789abcdefg"[v] for v in row) for row in X[test]],
    "testLabels": y[test].tolist(),
}
for name, F in features.items():
    linear = LinearSVC(C=2.4, max_iter=3000, random_state=0).fit(F[train], y[train])
    out[f"linear_{name}"] = linear.predict(F[test]).tolist()
    rbf = SVC(kernel="rbf", C=10, gamma="scale").fit(F[train], y[train])
    out[f"rbf_{name}"] = rbf.predict(F[test]).tolist()
    out[f"rbf_{name}_support"] = int(rbf.support_.size)
print(json.dumps(out))
