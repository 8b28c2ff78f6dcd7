#!/usr/bin/env node
// Interleaved A/B timing of the snnTorch tutorial-5 network (784-1000-10 Leaky β 0.95, T 25, batch 128, CE on the
// output membrane per step, Adam 5e-4, one thread) on real MNIST: this build's `Network` and `LifNetwork` against
// `LifNetwork` of another build of @snn/learning (e.g. one from before LifNetwork moved onto the composition engine).
// The sides run in turn on the same batches (order alternating per batch), so a load that drifts during the run
// affects them alike; the 1-minute load average is printed. Imports the built package: build it first.
//
// Usage: node bench/engine-ab.mjs --old PATH/index.node.js [--batches 8] [--mnist DIR]
// The other build must sit inside this package (so that it resolves @snn/core); e.g. the engine LifNetwork had
// before (commit 6e8b886), built into an ignored folder from the repository root:
//   git checkout 6e8b886 -- packages/learning/src && npx -y pnpm@10.34.9 --filter @snn/learning build
//   cp -r packages/learning/dist packages/learning/.old/dist   # (mkdir -p packages/learning/.old first)
//   git restore --source=HEAD --staged --worktree packages/learning/src && npx -y pnpm@10.34.9 --filter @snn/learning build
//   node packages/learning/bench/engine-ab.mjs --old packages/learning/.old/dist/index.node.js
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '@snn/core';
import { Adam, LifNetwork, Linear, Network, leaky, membraneCrossEntropy } from '../dist/index.node.js';
import { encode, findMnist, loadMnist } from './mnist.mjs';

const { values: args } = parseArgs({ options: { old: { type: 'string' }, batches: { type: 'string', default: '8' }, mnist: { type: 'string' } } });
if (!args.old) throw new Error('--old: path of the other build (its dist/index.node.js) is needed');
const other = await import(pathToFileURL(args.old).href);
const loadBefore = loadavg()[0];
const data = loadMnist(findMnist(new URL('.', import.meta.url).pathname, args.mnist));
const sizes = [784, 1000, 10];
const models = {
  other: new other.LifNetwork({ sizes, lif: { beta: 0.95 }, workers: 1 }),
  lifNetwork: new LifNetwork({ sizes, lif: { beta: 0.95 }, workers: 1 }),
};
const net = new Network([new Linear(784, 1000, { name: 'fc1' }), leaky({ beta: 0.95, name: 'lif1' }), new Linear(1000, 10, { name: 'fc2' }), leaky({ beta: 0.95, name: 'lif2' })], { inputShape: [784] });
const loss = membraneCrossEntropy();
const adam = { other: new Adam(models.other.parameters(), { lr: 5e-4 }), lifNetwork: new Adam(models.lifNetwork.parameters(), { lr: 5e-4 }), network: new Adam(net.parameters(), { lr: 5e-4 }) };
const B = 128;
const T = 25;
const rng = new Rng(0);
const perm = rng.permutation(data.train.count);
const N = Number(args.batches);
const ms = { other: [0, 0], lifNetwork: [0, 0], network: [0, 0] };
for (let bi = 0; bi <= N; bi++) {
  const { spikes, labels } = encode(data.train, perm.subarray(bi * B, (bi + 1) * B), T, 1, rng);
  const order = bi % 2 === 0 ? ['other', 'lifNetwork', 'network'] : ['network', 'lifNetwork', 'other'];
  for (const side of order) {
    const t0 = performance.now();
    adam[side].zeroGrad();
    if (side === 'network') net.trainStep(spikes, labels, loss);
    else models[side].forwardBackward(spikes, labels);
    adam[side].step();
    const t1 = performance.now();
    if (side === 'network') net.forward(spikes);
    else models[side].forward(spikes);
    const t2 = performance.now();
    if (bi > 0) {
      ms[side][0] += (t1 - t0) / N;
      ms[side][1] += (t2 - t1) / N;
    }
  }
}
for (const [side, [train, infer]] of Object.entries(ms)) console.log(`${side.padEnd(10)} train ${train.toFixed(1)} ms/batch, inference ${infer.toFixed(1)} ms/batch`);
const r = (a, b) => (a / b).toFixed(2);
console.log(`speed relative to the other build: LifNetwork train ${r(ms.other[0], ms.lifNetwork[0])}× infer ${r(ms.other[1], ms.lifNetwork[1])}×; Network train ${r(ms.other[0], ms.network[0])}× infer ${r(ms.other[1], ms.network[1])}×`);
console.log(`load   1-min load average before ${loadBefore.toFixed(2)}, after ${loadavg()[0].toFixed(2)}`);
await models.other.close();
