import { type Rng, ValidationError, describeValue } from '@snn/core';
import { allocateLargestRemainder } from './allocate.js';

/** Indices of each class, in dataset order; classes sorted by label value. */
export function groupByClass(labels: ArrayLike<number>, field = 'labels'): { classes: number[]; members: number[][] } {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label)) {
      throw new ValidationError('label is not an integer', { field: `${field}[${i}]`, expected: 'an integer class label', found: String(label) });
    }
    let list = byClass.get(label);
    if (!list) {
      list = [];
      byClass.set(label, list);
    }
    list.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  return { classes, members: classes.map((c) => byClass.get(c)!) };
}

/**
 * Draws `total` indices stratified by class: class `c` with `n_c` of `n`
 * samples gets the floor or ceiling of `n_c · total / n` (largest remainder),
 * chosen uniformly within the class. Returns them sorted ascending.
 */
export function stratifiedSample(labels: ArrayLike<number>, total: number, rng: Rng): Uint32Array {
  const { members } = groupByClass(labels);
  const n = labels.length;
  const counts = allocateLargestRemainder(
    members.map((m) => (m.length * total) / n),
    total,
  );
  const out = new Uint32Array(total);
  let k = 0;
  members.forEach((m, c) => {
    const perm = rng.permutation(m.length);
    for (let j = 0; j < counts[c]; j++) out[k++] = m[perm[j]];
  });
  return out.sort();
}

/**
 * Picks a class-stratified random fraction `prop` of the samples (the `dataProp` option of the apps).
 *
 * @remarks
 * Takes `round(n · prop)` samples in all; class `c` with `n_c` samples gets
 * `⌊n_c · prop⌋` or `⌈n_c · prop⌉` of them (largest-remainder rounding, so
 * each class is within one sample of its exact share), drawn uniformly within
 * the class. `prop = 1` returns every index.
 *
 * @param labels - class label of every sample (integers)
 * @param prop - fraction to keep, in (0, 1]
 * @param rng - seeded generator; the same seed gives the same subset
 * @returns the chosen indices, sorted ascending
 * @throws ValidationError naming field `dataProp` when `prop` is outside (0, 1], or when a label is not an integer
 *
 * @example
 * ```ts
 * const idx = stratifiedSubset(loadMnist({ split: 'test' }).labels, 0.1, new Rng(1));
 * idx.length; // 1000, about 100 per digit
 * ```
 */
export function stratifiedSubset(labels: ArrayLike<number>, prop: number, rng: Rng): Uint32Array {
  if (typeof prop !== 'number' || !(prop > 0 && prop <= 1)) {
    throw new ValidationError('invalid data proportion', { field: 'dataProp', expected: 'a number in (0, 1]', found: describeValue(prop) });
  }
  return stratifiedSample(labels, Math.round(labels.length * prop), rng);
}
