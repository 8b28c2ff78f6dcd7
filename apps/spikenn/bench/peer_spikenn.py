#!/usr/bin/env python3
"""Times SpikeNN (github ggoupy/SpikeNN, run with Debian's python3-numba) on the SpikingDataset files that
bench.mjs wrote, with the same JSON config, one epoch per fit call (the optimizer and regularizer objects
carry annealing over, so this equals one fit of N epochs without validation).

usage: PYTHONPATH=<SpikeNN>:<SpikeNN>/app python3 peer_spikenn.py <data dir> <config.json> <epochs> <seed> [init.npy]
With init.npy, the model's initial weights (after SpikeNN's own init, normalisation and clipping) are saved
there, so the other side can start from the same weights.
Prints one JSON object: per-epoch training-pass seconds and test accuracy, numba JIT warm-up seconds.
"""
import copy
import json
import sys
import time

import numpy as np
from readout import Readout
from spikenn.dataset import SpikingDataset


def main():
    data, config_path, epochs, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(config_path) as fh:
        config = json.load(fh)
    train = SpikingDataset.from_file(f"{data}/trainset.npy")
    test = SpikingDataset.from_file(f"{data}/testset.npy")
    classes = len(np.unique(train.labels))
    one = copy.deepcopy(config)
    one["trainer"]["epochs"] = 1
    # numba compiles on first use: warm up on 20 samples with a separate model
    small = SpikingDataset.from_file(f"{data}/trainset.npy")
    small.data, small.labels, small.shape = small.data[:20], small.labels[:20], (20, train.shape[1])
    t0 = time.perf_counter()
    Readout.init_from_dict(one, train.shape[1], classes, None, train.max_time).fit(small, None, small)
    jit = time.perf_counter() - t0
    np.random.seed(seed)
    model = Readout.init_from_dict(one, train.shape[1], classes, None, train.max_time)
    if len(sys.argv) > 5:
        np.save(sys.argv[5], model.network[-1].weights.astype(np.float32))
    model.logger.log = lambda msg: None
    train_s, test_acc, train_acc = [], [], []
    for _ in range(epochs):
        t0 = time.perf_counter()
        tr, _, _ = model.fit(train, None, None)
        train_s.append(time.perf_counter() - t0)
        train_acc.append(float(tr))
        test_acc.append(float(model.predict(test)))
    print(json.dumps({"n_train": train.shape[0], "n_test": test.shape[0], "n_in": int(train.shape[1]), "jit_s": jit,
                      "train_pass_s": train_s, "train_acc": train_acc, "test_acc": test_acc}))


if __name__ == "__main__":
    main()
