#!/usr/bin/env python3
"""PyTorch port of @snn/learning's RecurrentClassifier, for the speed ratio in bench/alif.mjs.

Model (the same equations as packages/learning/src/recurrent/classifier.ts):
    I[t]   = x[t] W_in + b_in + z[t-1] W_rec               (W_rec with --recurrent)
    v[t]   = alpha * v[t-1] + I[t] - theta0 * z[t-1]        (reset detached)
    A[t]   = theta0 + beta_a * a[t],  z[t] = H(v[t] - A[t]) (fast-sigmoid surrogate, slope 10)
    a[t+1] = rho * a[t] + (1 - rho) * z[t]                  (ALIF; --neuron lif drops it)
    y[t]   = kappa * y[t-1] + z[t] W_out + b_out
    logits = max_t y[t];  loss = cross-entropy;  Adam
With --learn-decay, alpha, rho, kappa are sigmoid(logit) per neuron. The input projection x W_in
is one matmul over all T steps (the fast way to write it in PyTorch), then the loop over t.
Input: Bernoulli rate coding, p = clamp(gain * pixel / 255, 0, 1), drawn per batch with torch.rand
(timed, as ours is). Weights: nn.Linear's default init.

Run (2 threads):
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 torch_alif.py --mnist DIR
Prints one JSON line: train images/s (after one warm-up batch) and inference images/s.
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
    assert dtype == 0x08, path
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def find(d, stem):
    for name in (stem, stem + ".gz"):
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(os.path.join(d, stem))


class FastSigmoidSpike(torch.autograd.Function):
    slope = 10.0

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (1 + FastSigmoidSpike.slope * x.abs()) ** 2


class Model(nn.Module):
    def __init__(self, n_in, n_hidden, n_out, neuron, recurrent, learn_decay, tau_mem, tau_adapt, tau_out, dt, theta, beta_a):
        super().__init__()
        self.fc1 = nn.Linear(n_in, n_hidden)
        self.rec = nn.Linear(n_hidden, n_hidden, bias=False) if recurrent else None
        self.fc2 = nn.Linear(n_hidden, n_out)
        self.adaptive = neuron == "alif"
        self.theta = theta
        self.beta_a = beta_a

        def decay_param(n, tau):
            d = math.exp(-dt / tau)
            value = torch.full((n,), math.log(d / (1 - d)))
            return nn.Parameter(value) if learn_decay else nn.Parameter(value, requires_grad=False)

        self.alpha_logit = decay_param(n_hidden, tau_mem)
        self.rho_logit = decay_param(n_hidden, tau_adapt)
        self.kappa_logit = decay_param(n_out, tau_out)

    def forward(self, x):
        B, T, _ = x.shape
        H = self.fc1.out_features
        alpha = torch.sigmoid(self.alpha_logit)
        rho = torch.sigmoid(self.rho_logit)
        kappa = torch.sigmoid(self.kappa_logit)
        cur = self.fc1(x)  # [B, T, H]
        v = torch.zeros(B, H)
        a = torch.zeros(B, H)
        z = torch.zeros(B, H)
        y = torch.zeros(B, self.fc2.out_features)
        best = None
        for t in range(T):
            i_t = cur[:, t]
            if self.rec is not None and t > 0:
                i_t = i_t + self.rec(z)
            v = alpha * v + i_t - self.theta * z.detach()
            if self.adaptive:
                thr = self.theta + self.beta_a * a
                z = FastSigmoidSpike.apply(v - thr)
                a = rho * a + (1 - rho) * z
            else:
                z = FastSigmoidSpike.apply(v - self.theta)
            y = kappa * y + self.fc2(z)
            best = y if best is None else torch.maximum(best, y)
        return best


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mnist", required=True)
    p.add_argument("--batches", type=int, default=20)
    p.add_argument("--infer-batches", type=int, default=20)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--steps", type=int, default=25)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--neuron", default="alif")
    p.add_argument("--recurrent", action="store_true")
    p.add_argument("--learn-decay", action="store_true")
    p.add_argument("--gain", type=float, default=1.0)
    p.add_argument("--tau-mem", type=float, default=20.0)
    p.add_argument("--tau-adapt", type=float, default=200.0)
    p.add_argument("--tau-out", type=float, default=20.0)
    p.add_argument("--adapt-strength", type=float, default=1.0)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    xs = torch.from_numpy(read_idx(find(args.mnist, "train-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255.0)
    ys = torch.from_numpy(read_idx(find(args.mnist, "train-labels-idx1-ubyte")).astype(np.int64))
    xt = torch.from_numpy(read_idx(find(args.mnist, "t10k-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255.0)
    model = Model(784, args.hidden, 10, args.neuron, args.recurrent, args.learn_decay, args.tau_mem, args.tau_adapt, args.tau_out, 1.0, 1.0, args.adapt_strength)
    opt = torch.optim.Adam([q for q in model.parameters() if q.requires_grad], lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    perm = torch.randperm(xs.shape[0])
    B, T = args.batch, args.steps

    def encode(images):
        prob = (images * args.gain).clamp(0, 1)
        return (torch.rand(images.shape[0], T, images.shape[1]) < prob[:, None, :]).float()

    def step(bi):
        ids = perm[bi * B:(bi + 1) * B]
        x = encode(xs[ids])
        out = model(x)
        loss = loss_fn(out, ys[ids])
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    step(0)  # warm-up
    t0 = time.perf_counter()
    c0 = time.process_time()
    last = 0.0
    for bi in range(1, args.batches + 1):
        last = step(bi)
    train_s = time.perf_counter() - t0
    train_cpu = time.process_time() - c0
    t0 = time.perf_counter()
    n = 0
    with torch.no_grad():
        for bi in range(args.infer_batches):
            images = xt[bi * B:(bi + 1) * B]
            model(encode(images)).argmax(1)
            n += images.shape[0]
    infer_s = time.perf_counter() - t0
    print(json.dumps({
        "threads": args.threads,
        "T": T,
        "batch": B,
        "hidden": args.hidden,
        "train_images_per_s": args.batches * B / train_s,
        "infer_images_per_s": n / infer_s,
        # CPU time of the process (all threads) per training image, in ms.
        "train_cpu_ms_per_image": 1000 * train_cpu / (args.batches * B),
        "last_batch_loss": last,
    }))


if __name__ == "__main__":
    main()
