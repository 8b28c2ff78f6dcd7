#!/usr/bin/env python3
"""PyTorch peer of bench/compose.mjs --part new: 784 -> 256 Synaptic -> 256 ALIF -> 10 LI readout.

The same equations as @snn/learning's compositions (snnTorch 0.9 Synaptic with subtract reset and delayed reset,
ALIF of Bellec et al. 2018 with the detached reset, leaky-integrator readout), arctan surrogate (alpha 2), loss
cross-entropy of the readout maximum over time, Adam; Bernoulli rate coding of pixel/255 in the timed loop.
Prints one JSON line: images/s for training (after one warm-up batch) and inference.
"""
import argparse
import gzip
import json
import math
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn


def read_idx(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rb") as fh:
        data = fh.read()
    _, dtype, ndim = struct.unpack(">HBB", data[:4])
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


class AtanSpike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (1.0 / (1 + (math.pi / 2 * 2 * x) ** 2))


class Model(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.fc1 = nn.Linear(784, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, 10)
        self.alpha_syn, self.beta_syn = 0.9, 0.8
        self.alpha, self.rho, self.kappa, self.beta_a = math.exp(-1 / 20), math.exp(-1 / 200), math.exp(-1 / 20), 1.0

    def forward(self, x):
        B, T, _ = x.shape
        H = self.fc1.out_features
        cur1 = self.fc1(x)
        syn = torch.zeros(B, H)
        mem = torch.zeros(B, H)
        v = torch.zeros(B, H)
        a = torch.zeros(B, H)
        z = torch.zeros(B, H)
        y = torch.zeros(B, 10)
        best = None
        for t in range(T):
            reset = (mem > 1.0).float()
            syn = self.alpha_syn * syn + cur1[:, t]
            mem = self.beta_syn * mem + syn - reset
            s = AtanSpike.apply(mem - 1.0)
            a_t = self.rho * a + (1 - self.rho) * z
            r2 = (v - (1.0 + self.beta_a * a) > 0).float()
            v = self.alpha * v + self.fc2(s) - r2
            a = a_t
            z = AtanSpike.apply(v - 1.0 - self.beta_a * a)
            y = self.kappa * y + self.fc3(z)
            best = y if best is None else torch.maximum(best, y)
        return best


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mnist", required=True)
    p.add_argument("--batches", type=int, default=10)
    p.add_argument("--infer-batches", type=int, default=10)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=25)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    xs = torch.from_numpy(read_idx(os.path.join(args.mnist, "train-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255.0)
    ys = torch.from_numpy(read_idx(os.path.join(args.mnist, "train-labels-idx1-ubyte")).astype(np.int64))
    xt = torch.from_numpy(read_idx(os.path.join(args.mnist, "t10k-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255.0)
    model = Model(args.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    B, T = args.batch, args.steps

    def encode(images):
        return (torch.rand(images.shape[0], T, images.shape[1]) < images[:, None, :]).float()

    def step(bi):
        ids = torch.arange(bi * B, (bi + 1) * B)
        loss = loss_fn(model(encode(xs[ids])), ys[ids])
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    step(0)
    t0 = time.perf_counter()
    for bi in range(1, args.batches + 1):
        last = step(bi)
    train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with torch.no_grad():
        for bi in range(args.infer_batches):
            model(encode(xt[bi * B:(bi + 1) * B])).argmax(1)
    infer_s = time.perf_counter() - t0
    import resource
    print(json.dumps({
        "threads": args.threads, "T": T, "batch": B, "hidden": args.hidden,
        "train_images_per_s": args.batches * B / train_s,
        "infer_images_per_s": args.infer_batches * B / infer_s,
        "last_batch_loss": last,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
