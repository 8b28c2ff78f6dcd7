import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@snn/core';
import { Adam } from '@snn/learning';
import { describe, expect, it } from 'vitest';
import { createMlp } from '../mlp/mlp.js';
import { loadBaseline, saveBaseline } from './checkpoint.js';
import { EarlyStopping } from './early-stopping.js';
import { fitBaseline } from './fit.js';
import { evaluateBaseline, pixelsToUnit, trainBaselineEpoch } from './train.js';

/** Three Gaussian blobs in 10 dimensions, centres 3 apart along different axes. */
function blobs(n: number, seed: number): { images: Float32Array; labels: Uint8Array } {
  const rng = new Rng(seed);
  const images = new Float32Array(n * 10);
  const labels = new Uint8Array(n);
  for (let e = 0; e < n; e++) {
    const c = e % 3;
    labels[e] = c;
    for (let i = 0; i < 10; i++) images[e * 10 + i] = rng.normal(i === c ? 3 : 0, 1);
  }
  return { images, labels };
}

describe('pixelsToUnit', () => {
  it('scales bytes to [0, 1] and refuses other arrays', () => {
    expect(Array.from(pixelsToUnit(Uint8Array.of(0, 255, 51)))).toEqual([0, 1, Math.fround(0.2)]);
    expect(() => pixelsToUnit([1, 2] as unknown as Uint8Array)).toThrow('field pixelsToUnit.pixels: invalid pixels; expected a Uint8Array, found [object Array]');
  });
});

describe('EarlyStopping', () => {
  const model = createMlp({ layers: [2, 2], rng: new Rng(0) });

  it('stops after `patience` epochs without an improvement larger than minDelta, and restores the best weights', () => {
    const stopper = new EarlyStopping({ patience: 2, minDelta: 0.01 });
    const w = model.weights[0].value;
    const decisions = [];
    for (const [value, weight] of [
      [0.5, 1],
      [0.6, 2],
      [0.605, 3], // +0.005 ≤ minDelta: not an improvement
      [0.7, 4],
      [0.69, 5],
      [0.7, 6],
    ]) {
      w[0] = weight;
      decisions.push(stopper.update(value, model));
    }
    expect(decisions.map((d) => [d.improved, d.stop])).toEqual([
      [true, false],
      [true, false],
      [false, false],
      [true, false],
      [false, false],
      [false, true],
    ]);
    expect(stopper.best).toBe(0.7);
    expect(stopper.bestEpoch).toBe(4);
    expect(stopper.stopped).toBe(true);
    stopper.restoreBest(model);
    expect(w[0]).toBe(4);
  });

  it('mode "min" for losses; validates options', () => {
    const stopper = new EarlyStopping({ mode: 'min', patience: 1 });
    expect(stopper.update(2, model).improved).toBe(true);
    expect(stopper.update(1, model).improved).toBe(true);
    expect(stopper.update(1.5, model)).toEqual({ improved: false, stop: true });
    expect(() => new EarlyStopping({ patience: 0 })).toThrow('field EarlyStopping.patience: invalid option; expected a positive integer, found 0');
    expect(() => new EarlyStopping({ minDelta: -1 })).toThrow('field EarlyStopping.minDelta: invalid option; expected a finite number ≥ 0, found -1');
    expect(() => new EarlyStopping().restoreBest(model)).toThrow('field EarlyStopping.restoreBest: no best weights yet; expected at least one update() first, found none');
    expect(() => new EarlyStopping().update(Number.NaN, model)).toThrow('field EarlyStopping.update.value: monitored value is not finite; expected a finite number, found NaN');
  });
});

describe('fitBaseline', () => {
  it('trains with early stopping, restores the best validation epoch, and is deterministic', async () => {
    const train = blobs(300, 1);
    const validation = blobs(150, 2);
    const run = async () => {
      const mlp = createMlp({ layers: [10, 16, 3], dropout: 0.1, rng: new Rng(3) });
      const seen: number[] = [];
      const result = await fitBaseline(
        mlp,
        { trainImages: train.images, trainLabels: train.labels, validationImages: validation.images, validationLabels: validation.labels },
        { epochs: 40, batchSize: 32, optimizer: new Adam(mlp.parameters(), { lr: 0.02 }), rng: new Rng(4), patience: 3, onEpoch: (e) => void seen.push(e.epoch) },
      );
      return { mlp, result, seen };
    };
    const a = await run();
    expect(a.seen).toEqual(a.result.epochs.map((e) => e.epoch));
    expect(a.result.stoppedEarly).toBe(true);
    // It stopped exactly `patience` epochs after the best one, and holds the best epoch's weights.
    expect(a.result.epochs.length).toBe(a.result.bestEpoch + 3);
    expect(a.result.bestValidationAccuracy).toBe(Math.max(...a.result.epochs.map((e) => e.validation.accuracy)));
    expect((await evaluateBaseline(a.mlp, validation.images, validation.labels)).accuracy).toBe(a.result.bestValidationAccuracy);
    expect(a.result.bestValidationAccuracy).toBeGreaterThan(0.93);
    const b = await run();
    expect(b.result.epochs.map((e) => e.train.loss)).toEqual(a.result.epochs.map((e) => e.train.loss));
    await expect(fitBaseline(a.mlp, { trainImages: train.images, trainLabels: train.labels, validationImages: validation.images, validationLabels: validation.labels }, {
      epochs: 0,
      batchSize: 8,
      optimizer: new Adam(a.mlp.parameters()),
      rng: new Rng(0),
    })).rejects.toThrow('field fitBaseline.epochs: invalid option; expected a positive integer, found 0');
  });
});

describe('trainBaselineEpoch / saveBaseline / loadBaseline with an MLP', () => {
  it('round-trips the weights and refuses another architecture', async () => {
    const data = blobs(90, 5);
    const mlp = createMlp({ layers: [10, 8, 3], rng: new Rng(1) });
    await trainBaselineEpoch(mlp, data.images, data.labels, { batchSize: 16, optimizer: new Adam(mlp.parameters()), rng: new Rng(2) });
    await expect(trainBaselineEpoch(mlp, new Float32Array(5), [0], { batchSize: 1, optimizer: new Adam(mlp.parameters()), rng: new Rng(2) })).rejects.toThrow(
      'field trainBaselineEpoch.images: images do not match labels × inputs; expected 10 (1 × 10), found 5',
    );
    const dir = await mkdtemp(join(tmpdir(), 'baselines-mlp-'));
    try {
      const file = join(dir, 'mlp.safetensors');
      const manifest = await saveBaseline(file, mlp, { epoch: 1 });
      expect(manifest.tensors).toEqual({ 'fc1.weight': [8, 10], 'fc1.bias': [8], 'fc2.weight': [3, 8], 'fc2.bias': [3] });
      const other = createMlp({ layers: [10, 8, 3], rng: new Rng(7) });
      expect(await loadBaseline(file, other)).toEqual({ epoch: 1, kind: 'mlp' });
      expect(Array.from(other.weights[1].value)).toEqual(Array.from(mlp.weights[1].value));
      await expect(loadBaseline(file, createMlp({ layers: [10, 9, 3], rng: new Rng(0) }))).rejects.toThrow(
        'field fc1.weight: checkpoint belongs to another architecture; expected [9, 10], found [8, 10]',
      );
      expect(() => other.loadStateTensors({ ...other.stateTensors(), extra: other.stateTensors()['fc2.bias'] })).toThrow(
        'field Mlp.extra: unexpected tensor for this model; expected one of fc1.weight, fc1.bias, fc2.weight, fc2.bias, found extra',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
