// Trains the seed's MLP or CNN baseline on MNIST with early stopping and reports the test accuracy.
//
//   node bench/train.mjs --model mlp|cnn [--epochs 30] [--batch 128|64] [--lr 0.001] [--seed 0]
//                        [--patience 5] [--validation 5000] [--target 0.98|0.992] [--limit N] [--out FILE.safetensors]
//
// With --out the best-validation weights are saved after every improving epoch (and at the end).
//
// MNIST comes from @snn/datasets' loadMnist; the validation set (early-stopping monitor) is a seeded split of
// `--validation` images from the 60 000 training images; the test set (10 000) is only evaluated, never used for
// choosing. After every epoch the test accuracy is printed too (for the report; the weights kept are those of
// the best validation epoch). `--target` stops as soon as the test accuracy reaches it (a time budget, default off).
// Prints one JSON line per epoch and a summary line.
import { Rng } from '@snn/core';
import { Adam } from '@snn/learning';
import { loadMnist, validationSplit } from '../../datasets/dist/index.js';
import { createCnn, createMlp, EarlyStopping, evaluateBaseline, pixelsToUnit, trainBaselineEpoch } from '../dist/index.js';
import { saveBaseline } from '../dist/node.js';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const kind = option('model', 'mlp');
const epochs = Number(option('epochs', '30'));
const batchSize = Number(option('batch', kind === 'cnn' ? '64' : '128'));
const lr = Number(option('lr', '0.001'));
const seed = Number(option('seed', '0'));
const patience = Number(option('patience', '5'));
const validationCount = Number(option('validation', '5000'));
const target = Number(option('target', '0'));
const limit = Number(option('limit', '0'));
const out = option('out', '');

const t0 = performance.now();
const full = loadMnist({ split: 'train' });
const testSet = loadMnist({ split: 'test' });
const split = validationSplit(full, { count: validationCount, seed });
const trainCount = limit > 0 ? Math.min(limit, split.train.count) : split.train.count;
const trainImages = pixelsToUnit(split.train.images.subarray(0, trainCount * 784));
const trainLabels = split.train.labels.subarray(0, trainCount);
const validationImages = pixelsToUnit(split.validation.images);
const testImages = pixelsToUnit(testSet.images);
const loadSeconds = (performance.now() - t0) / 1000;

const model =
  kind === 'cnn'
    ? createCnn({ rng: new Rng(seed) })
    : createMlp({ layers: [784, 512, 10], activation: 'relu', dropout: 0.3, rng: new Rng(seed) });
const optimizer = new Adam(model.parameters(), { lr });
const rng = new Rng(seed + 1);
const stopper = new EarlyStopping({ patience });
console.log(
  JSON.stringify({
    model: kind,
    parameterCount: model.parameterCount,
    macsPerExample: model.macsPerExample,
    train: trainCount,
    validation: split.validation.count,
    test: testSet.count,
    batchSize,
    lr,
    seed,
    patience,
    loadSeconds: Number(loadSeconds.toFixed(2)),
  }),
);
let trainSeconds = 0;
let reached = 0;
let bestTest = 0;
for (let epoch = 1; epoch <= epochs; epoch++) {
  const m = await trainBaselineEpoch(model, trainImages, trainLabels, { batchSize, optimizer, rng });
  trainSeconds += m.seconds;
  const v = await evaluateBaseline(model, validationImages, split.validation.labels);
  const decision = stopper.update(v.accuracy, model);
  const t = await evaluateBaseline(model, testImages, testSet.labels);
  bestTest = Math.max(bestTest, t.accuracy);
  if (!reached && target > 0 && t.accuracy >= target) reached = epoch;
  console.log(
    JSON.stringify({
      epoch,
      trainLoss: Number(m.loss.toFixed(4)),
      trainAccuracy: Number(m.accuracy.toFixed(4)),
      trainSeconds: Number(m.seconds.toFixed(1)),
      trainImagesPerSecond: Math.round(m.examples / m.seconds),
      validationAccuracy: v.accuracy,
      improved: decision.improved,
      testLoss: Number(t.loss.toFixed(4)),
      testAccuracy: t.accuracy,
      testSeconds: Number(t.seconds.toFixed(1)),
    }),
  );
  if (out && decision.improved) await saveBaseline(out, model, { epoch, validationAccuracy: v.accuracy, testAccuracy: t.accuracy });
  if (decision.stop || reached) break;
}
stopper.restoreBest(model);
const final = await evaluateBaseline(model, testImages, testSet.labels);
if (out) await saveBaseline(out, model, { bestEpoch: stopper.bestEpoch, validationAccuracy: stopper.best, testAccuracy: final.accuracy });
console.log(
  JSON.stringify({
    summary: true,
    model: kind,
    bestEpoch: stopper.bestEpoch,
    bestValidationAccuracy: stopper.best,
    testAccuracyOfBestValidationEpoch: final.accuracy,
    bestTestAccuracySeen: bestTest,
    targetReachedAtEpoch: reached || null,
    trainSeconds: Number(trainSeconds.toFixed(1)),
  }),
);
