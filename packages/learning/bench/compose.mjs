#!/usr/bin/env node
// Times training and inference of compositions trained by the one BPTT engine (`Network`, @snn/learning built
// dist/) on real MNIST, next to the older fixed-shape engines and to PyTorch, all in the same command, and prints
// same-run ratios and the peak RSS of each side. Each model runs in its own child process (so its peak RSS is its
// own); the 1-minute load average is printed: only numbers from a quiet machine compare.
//
// --part t5   snnTorch tutorial 5: 784-1000-10 Leaky (β 0.95, subtract reset), T 25, batch 128, CE on the output
//             membrane per step, Adam 5e-4. Peer: /work/shared/peers/torch_lif_bench.py (LifNetwork is a builder of
//             this composition now, so it has no engine of its own to compare with).
// --part alif the snn-image-classification model: 784-128 ALIF (learned α, ρ; fast-sigmoid slope 10) - 10 LI
//             (learned κ), CE on the readout maximum over time, T 25, batch 256, Adam 1e-3. Peer:
//             bench/torch_alif.py --learn-decay (RecurrentClassifier is a builder of this composition now).
// --part new  a composition no old engine had: 784-256 Synaptic (α 0.9, β 0.8) - 256 ALIF - 10 LI, CE on the
//             readout maximum, T 25, batch 128. Peer: bench/torch_compose.py (the same equations).
//
// Usage: node bench/compose.mjs [--part t5|alif|new|all] [--batches 10] [--infer-batches 10]
//        [--torch-threads 2] [--no-torch] [--mnist DIR] [--python /usr/bin/python3]
// Our engine runs on one thread.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng, ValidationError } from '@snn/core';
import { fastSigmoid } from '@snn/neurons';
import { torchPeerEnv, torchPeerTimingProblem } from '../../../scripts/torch-peer.mjs';
import { Adam, alif, ceMaxMembraneLoss, Linear, leaky, li, membraneCrossEntropy, Network, synaptic } from '../dist/index.node.js';
import { encode, findMnist, loadMnist } from './mnist.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    part: { type: 'string', default: 'all' },
    only: { type: 'string' },
    batches: { type: 'string', default: '10' },
    'infer-batches': { type: 'string', default: '10' },
    'torch-threads': { type: 'string', default: '2' },
    'no-torch': { type: 'boolean', default: false },
    mnist: { type: 'string' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const T = 25;
const PARTS = {
  t5: { batch: 128, lr: 5e-4, gain: 1, sides: ['compose'] },
  alif: { batch: 256, lr: 1e-3, gain: 1, sides: ['compose'] },
  new: { batch: 128, lr: 1e-3, gain: 1, sides: ['compose'] },
};

/** Builds our model of a part: `{ params, trainStep(spikes, labels), predict(spikes) → counts or logits }`. */
function build(part, side) {
  const decay = (tau) => Math.exp(-1 / tau);
  if (part === 't5' && side === 'compose') {
    const net = new Network([new Linear(784, 1000, { name: 'fc1' }), leaky({ beta: 0.95, name: 'lif1' }), new Linear(1000, 10, { name: 'fc2' }), leaky({ beta: 0.95, name: 'lif2' })], { inputShape: [784] });
    const loss = membraneCrossEntropy();
    return { params: net.parameters(), trainStep: (x, y) => net.trainStep(x, y, loss).loss, predict: (x) => net.forward(x).counts };
  }
  const maxLoss = ceMaxMembraneLoss();
  if (part === 'alif' && side === 'compose') {
    const net = new Network(
      [
        new Linear(784, 128, { name: 'fc1' }),
        alif({ alpha: decay(20), rho: decay(200), adaptStrength: 1, learnAlpha: true, learnRho: true, surrogate: fastSigmoid({ slope: 10 }), name: 'alif1' }),
        new Linear(128, 10, { name: 'fc2' }),
        li({ beta: decay(20), learnBeta: true, name: 'out' }),
      ],
      { inputShape: [784] },
    );
    return { params: net.parameters(), trainStep: (x, y) => net.trainStep(x, y, maxLoss).loss, predict: (x) => net.forward(x).mem };
  }
  if (part === 'new') {
    const net = new Network(
      [
        new Linear(784, 256, { name: 'fc1' }),
        synaptic({ alpha: 0.9, beta: 0.8, name: 'syn1' }),
        new Linear(256, 256, { name: 'fc2' }),
        alif({ alpha: decay(20), rho: decay(200), adaptStrength: 1, name: 'alif2' }),
        new Linear(256, 10, { name: 'fc3' }),
        li({ beta: decay(20), name: 'out' }),
      ],
      { inputShape: [784] },
    );
    return { params: net.parameters(), trainStep: (x, y) => net.trainStep(x, y, maxLoss).loss, predict: (x) => net.forward(x).mem };
  }
  throw new ValidationError('unknown part', { field: '--part', expected: 't5, alif, new or all', found: part });
}

/** Child process: times one side of one part and prints one JSON line. */
function runOne(part, side) {
  const cfg = PARTS[part];
  const data = loadMnist(findMnist(HERE, args.mnist));
  const rng = new Rng(0);
  const model = build(part, side);
  const adam = new Adam(model.params, { lr: cfg.lr });
  const B = cfg.batch;
  const perm = rng.permutation(data.train.count);
  const step = (bi) => {
    const { spikes, labels } = encode(data.train, perm.subarray(bi * B, (bi + 1) * B), T, cfg.gain, rng);
    adam.zeroGrad();
    const loss = model.trainStep(spikes, labels);
    adam.step();
    return loss;
  };
  step(0); // warm-up, as the PyTorch peers do
  const batches = Number(args.batches);
  let t0 = performance.now();
  let last = 0;
  for (let bi = 1; bi <= batches; bi++) last = step(bi);
  const trainS = (performance.now() - t0) / 1000;
  const inferBatches = Number(args['infer-batches']);
  t0 = performance.now();
  for (let bi = 0; bi < inferBatches; bi++) {
    const ids = Uint32Array.from({ length: B }, (_, i) => bi * B + i);
    model.predict(encode(data.test, ids, T, cfg.gain, rng).spikes);
  }
  const inferS = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      train_images_per_s: (batches * B) / trainS,
      infer_images_per_s: (inferBatches * B) / inferS,
      last_batch_loss: last,
      peak_rss_mib: process.resourceUsage().maxRSS / 1024,
    }),
  );
  void model.close?.();
}

function child(cmd, argv) {
  const env = torchPeerEnv();
  const run = spawnSync(cmd, argv, { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (run.status !== 0) return { skipped: `${argv[0]} failed: ${run.stderr.trim().split('\n').pop()}` };
  try {
    return JSON.parse(run.stdout.trim().split('\n').pop());
  } catch {
    return { skipped: `no JSON from ${argv[0]}` };
  }
}

function torchSide(part) {
  if (args['no-torch']) return { skipped: 'disabled by --no-torch' };
  const blas = torchPeerTimingProblem();
  if (blas !== null) return { skipped: blas };
  const dir = findMnist(HERE, args.mnist);
  const common = ['--mnist', dir, '--batches', args.batches];
  if (part === 't5') return child(args.python, ['/work/shared/peers/torch_lif_bench.py', ...common]);
  const threads = ['--threads', args['torch-threads'], '--infer-batches', args['infer-batches']];
  if (part === 'alif') return child(args.python, [join(HERE, 'torch_alif.py'), ...common, ...threads, '--batch', '256', '--hidden', '128', '--neuron', 'alif', '--learn-decay']);
  return child(args.python, [join(HERE, 'torch_compose.py'), ...common, ...threads]);
}

function main() {
  if (args.only) {
    const [part, side] = args.only.split(':');
    runOne(part, side);
    return;
  }
  const parts = args.part === 'all' ? Object.keys(PARTS) : [args.part];
  console.log(`load   1-min load average before ${loadavg()[0].toFixed(2)} (${availableParallelism()} CPUs)`);
  for (const part of parts) {
    if (!(part in PARTS)) throw new ValidationError('unknown part', { field: '--part', expected: 't5, alif, new or all', found: part });
    const self = fileURLToPath(import.meta.url);
    const results = {};
    const pass = ['--batches', args.batches, '--infer-batches', args['infer-batches'], ...(args.mnist ? ['--mnist', args.mnist] : [])];
    for (const side of PARTS[part].sides) results[side] = child(process.execPath, [self, '--only', `${part}:${side}`, ...pass]);
    results.torch = torchSide(part);
    for (const [side, r] of Object.entries(results)) console.log(`${part.padEnd(5)} ${side.padEnd(8)} ${JSON.stringify(r)}`);
    const ours = results.compose;
    const ratio = (other, name) => {
      if (ours?.train_images_per_s && other?.train_images_per_s) {
        const r = { train: ours.train_images_per_s / other.train_images_per_s, infer: ours.infer_images_per_s / other.infer_images_per_s };
        console.log(`${part.padEnd(5)} ratio    Network/${name} train ${r.train.toFixed(2)}× infer ${r.infer.toFixed(2)}×`);
      }
    };
    ratio(results.torch, 'PyTorch');
  }
  console.log(`load   1-min load average after ${loadavg()[0].toFixed(2)}`);
}

main();
