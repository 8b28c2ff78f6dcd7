"""Chooses the potential readout of spiking-convnet on held-out TRAINING images (never the test set).

Reads the saved features of a run trained with `readout.features: potential` and the default pool2-sized
`readout.potential_pool` (2 x 2 windows: features_train_potential.npy, [N, 100 * 7 * 7]), holds out the last
`--holdout` training images, and prints held-out accuracies of one-vs-rest ridge classifiers for several poolings
of the potentials, then scikit-learn LinearSVC and SVC on the 6 x 6 / stride-4 pooling (3 x 3 windows, stride 2, of
the 2 x 2-pooled maps).

Usage (Debian: apt-get install python3-sklearn):
  python3 scripts/select-potential-readout.py runs/spiking-convnet/<run> [--holdout 500]
"""
import argparse
import time
import warnings

import numpy as np
from sklearn.svm import SVC, LinearSVC

warnings.filterwarnings("ignore")
parser = argparse.ArgumentParser()
parser.add_argument("run")
parser.add_argument("--holdout", type=int, default=500)
args = parser.parse_args()
P = np.load(f"{args.run}/features_train_potential.npy").astype(np.float64)
F = np.load(f"{args.run}/features_train_first_spike.npy")
y = np.load(f"{args.run}/y_train.npy")
n, h = len(y), args.holdout
maps = P.reshape(n, 100, 7, 7)


def pool(k, s):
    r = range(0, 7 - k + 1, s)
    return np.stack([maps[:, :, i:i + k, j:j + k].max(axis=(2, 3)) for i in r for j in r], -1).reshape(n, -1)


def standardize(X):
    mu, sd = X[:-h].mean(0), X[:-h].std(0)
    sd[sd == 0] = 1
    return (X - mu) / sd


def ridge(name, X):
    Xs = standardize(X)
    A = Xs[:-h]
    K, Kh = A @ A.T, Xs[-h:] @ A.T
    Y = -np.ones((n - h, 10))
    Y[np.arange(n - h), y[:-h]] = 1
    res = [(lam, (np.argmax(Kh @ np.linalg.solve(K + lam * np.eye(len(A)), Y), 1) == y[-h:]).mean()) for lam in (1, 10, 100, 1000)]
    print("ridge", name, X.shape[1], "features:", ", ".join(f"lambda {l}: {100 * a:.1f} %" for l, a in res), flush=True)


ridge("potential 2x2", P)
ridge("potential 6x6/4", pool(3, 2))
ridge("potential global", maps.max(axis=(2, 3)))
ridge("MAX spikes", (F != 255).astype(float))
X = standardize(pool(3, 2))
for C in (0.001, 0.01, 0.1):
    t = time.time()
    m = LinearSVC(C=C, max_iter=3000).fit(X[:-h], y[:-h])
    print(f"LinearSVC C {C}: {100 * (m.predict(X[-h:]) == y[-h:]).mean():.1f} % ({time.time() - t:.1f} s)", flush=True)
for C in (1, 10):
    m = SVC(C=C, gamma="scale").fit(X[:-h], y[:-h])
    print(f"SVC rbf C {C}: {100 * (m.predict(X[-h:]) == y[-h:]).mean():.1f} %", flush=True)
