import { Rng, ValidationError } from '@snn/core';
import { describe, expect, it } from 'vitest';
import type { ImageDataset } from '../api.js';
import { allocateLargestRemainder } from './allocate.js';
import { kFold, stratifiedKFold } from './k-fold.js';
import { batches, shuffledIndices } from './shuffle.js';
import { stratifiedSubset } from './stratified.js';
import { validationSplit } from './validation-split.js';

/** Unbalanced labels: class c has 50 + 37·c samples, interleaved deterministically. */
function unbalancedLabels(): Uint8Array {
  const labels: number[] = [];
  for (let c = 0; c < 10; c++) for (let j = 0; j < 50 + 37 * c; j++) labels.push(c);
  return new Rng(11).shuffle(Uint8Array.from(labels));
}

function countPerClass(labels: ArrayLike<number>, indices: ArrayLike<number>): number[] {
  const counts = new Array(10).fill(0);
  for (let k = 0; k < indices.length; k++) counts[labels[indices[k]]]++;
  return counts;
}

describe('stratifiedSubset', () => {
  const labels = unbalancedLabels();
  const classSizes = countPerClass(labels, Uint32Array.from({ length: labels.length }, (_, i) => i));

  it('keeps each class within one sample of its exact share', () => {
    for (const prop of [0.01, 0.1, 0.29, 0.333, 0.5, 0.77, 0.999]) {
      const idx = stratifiedSubset(labels, prop, new Rng(5));
      expect(idx.length).toBe(Math.round(labels.length * prop));
      const counts = countPerClass(labels, idx);
      for (const [c, n] of counts.entries()) expect(Math.abs(n - classSizes[c] * prop)).toBeLessThan(1);
      for (let k = 1; k < idx.length; k++) expect(idx[k]).toBeGreaterThan(idx[k - 1]);
    }
  });

  it('is deterministic for a seed and returns everything for prop = 1', () => {
    expect(stratifiedSubset(labels, 0.2, new Rng(9))).toEqual(stratifiedSubset(labels, 0.2, new Rng(9)));
    expect(stratifiedSubset(labels, 0.2, new Rng(9))).not.toEqual(stratifiedSubset(labels, 0.2, new Rng(10)));
    expect(stratifiedSubset(labels, 1, new Rng(0))).toEqual(Uint32Array.from({ length: labels.length }, (_, i) => i));
  });

  it('rejects dataProp outside (0, 1]', () => {
    for (const bad of [0, -0.5, 1.01, Number.NaN]) {
      expect(() => stratifiedSubset(labels, bad, new Rng(0))).toThrow(ValidationError);
      expect(() => stratifiedSubset(labels, bad, new Rng(0))).toThrow(`field dataProp: invalid data proportion; expected a number in (0, 1], found ${bad}`);
    }
  });

  it('allocates by largest remainder', () => {
    expect(allocateLargestRemainder([1.5, 2.5, 0.25, 0.75], 5)).toEqual([2, 2, 0, 1]);
    expect(allocateLargestRemainder([3.2, 3.7, 3.1], 10)).toEqual([3, 4, 3]);
    expect(allocateLargestRemainder([2.9, 0.1], 3)).toEqual([3, 0]);
  });
});

describe('shuffling and batching', () => {
  it('shuffles with a seed', () => {
    const a = shuffledIndices(100, new Rng(1));
    expect(a).toEqual(shuffledIndices(100, new Rng(1)));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(() => shuffledIndices(-1, new Rng(1))).toThrow('field n: invalid sample count');
  });

  it('cuts batches, keeping or dropping the last one', () => {
    const idx = Uint32Array.from([5, 3, 9, 1, 0, 2, 8, 4, 7, 6]);
    expect(batches(idx, 4).map((b) => Array.from(b))).toEqual([[5, 3, 9, 1], [0, 2, 8, 4], [7, 6]]);
    expect(batches(idx, 4, { dropLast: true }).map((b) => b.length)).toEqual([4, 4]);
    expect(batches([1, 2], 5).map((b) => Array.from(b))).toEqual([[1, 2]]);
    expect(batches([], 3)).toEqual([]);
    expect(() => batches(idx, 0)).toThrow('field batchSize: invalid batch size; expected a positive integer, found 0');
  });
});

describe('K-fold', () => {
  it('puts every sample in exactly one test fold', () => {
    for (const [n, k] of [
      [10, 3],
      [101, 10],
      [7, 7],
      [2, 2],
    ]) {
      const folds = kFold(n, k, new Rng(n + k));
      expect(folds.length).toBe(k);
      const seen = new Uint8Array(n);
      for (const { train, test } of folds) {
        expect(train.length + test.length).toBe(n);
        expect(Math.abs(test.length - n / k)).toBeLessThan(1);
        for (const i of test) seen[i]++;
        const inTest = new Set(test);
        for (const i of train) expect(inTest.has(i)).toBe(false);
        expect(new Set(train).size).toBe(train.length);
      }
      expect(Array.from(seen)).toEqual(new Array(n).fill(1));
    }
    expect(kFold(10, 3, new Rng(0)).map((f) => f.test.length)).toEqual([4, 3, 3]);
  });

  it('rejects k outside [2, n]', () => {
    expect(() => kFold(10, 1, new Rng(0))).toThrow('field k: invalid number of folds; expected an integer in [2, 10], found 1');
    expect(() => kFold(10, 11, new Rng(0))).toThrow(ValidationError);
    expect(() => kFold(10, 2.5, new Rng(0))).toThrow('found 2.5');
  });

  it('stratified K-fold covers every sample once and balances classes', () => {
    const labels = unbalancedLabels();
    const folds = stratifiedKFold(labels, 5, new Rng(2));
    const seen = new Uint8Array(labels.length);
    const classSizes = countPerClass(labels, Uint32Array.from({ length: labels.length }, (_, i) => i));
    for (const { test } of folds) {
      for (const i of test) seen[i]++;
      for (const [c, n] of countPerClass(labels, test).entries()) expect(Math.abs(n - classSizes[c] / 5)).toBeLessThan(1);
    }
    expect(seen.every((x) => x === 1)).toBe(true);
  });
});

describe('validationSplit', () => {
  const labels = unbalancedLabels();
  const dataset: ImageDataset = {
    images: Uint8Array.from({ length: labels.length * 4 }, (_, i) => Math.floor(i / 4) % 256),
    labels,
    count: labels.length,
    rows: 2,
    cols: 2,
  };

  it('holds out a stratified part and keeps order', () => {
    const split = validationSplit(dataset, { fraction: 0.1, seed: 4 });
    const n = labels.length;
    expect(split.validation.count).toBe(Math.round(n * 0.1));
    expect(split.train.count + split.validation.count).toBe(n);
    const all = [...split.trainIndices, ...split.validationIndices].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
    const sizes = countPerClass(labels, all);
    for (const [c, k] of countPerClass(labels, split.validationIndices).entries()) expect(Math.abs(k - sizes[c] * 0.1)).toBeLessThan(1);
    const v = split.validationIndices[3];
    expect(split.validation.labels[3]).toBe(labels[v]);
    expect(split.validation.images[3 * 4]).toBe(v % 256);
    expect(validationSplit(dataset, { count: 250, seed: 4 }).validation.count).toBe(250);
    expect(validationSplit(dataset, { count: 250, seed: 4 }).validationIndices).toEqual(validationSplit(dataset, { count: 250, seed: 4 }).validationIndices);
  });

  it('rejects bad sizes', () => {
    expect(() => validationSplit(dataset, { seed: 1 })).toThrow('give exactly one of fraction and count');
    expect(() => validationSplit(dataset, { fraction: 0.1, count: 3, seed: 1 })).toThrow(ValidationError);
    expect(() => validationSplit(dataset, { fraction: 1, seed: 1 })).toThrow('field fraction: invalid validation fraction; expected a number in (0, 1), found 1');
    expect(() => validationSplit(dataset, { count: dataset.count, seed: 1 })).toThrow(
      `field count: invalid validation size; expected a validation size in [1, ${dataset.count - 1}] for ${dataset.count} samples, found ${dataset.count}`,
    );
  });
});
