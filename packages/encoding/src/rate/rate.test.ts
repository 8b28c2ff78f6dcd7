import { Rng, ShapeError, ValidationError, sparseToDense, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { rate, rateEncoder, rateSparse } from './rate.js';

function randomImages(batch: number, size: number, seed: number, zeroFraction = 0.5): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(batch * size);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform() < zeroFraction ? 0 : rng.uniform();
  return out;
}

describe('rate', () => {
  it('keeps the image dimensions after [B, T]', () => {
    const images = tensor(new Float32Array(2 * 3 * 4), [2, 3, 4]);
    expect(rate(images, { numSteps: 5, rng: new Rng(0) }).shape).toEqual([2, 5, 3, 4]);
  });

  it('fires with probability clamp(gain·x, 0, 1) per step', () => {
    const images = tensor([0, 0.2, 0.5, 1], [1, 4]);
    const T = 20000;
    const spikes = rate(images, { numSteps: T, rng: new Rng(3) });
    const counts = [0, 0, 0, 0];
    for (let t = 0; t < T; t++) for (let i = 0; i < 4; i++) counts[i] += spikes.data[t * 4 + i];
    expect(counts[0]).toBe(0);
    expect(counts[3]).toBe(T);
    // binomial std of the mean: sqrt(p(1-p)/T) ≈ 0.0028 (p=0.2), 0.0035 (p=0.5); allow 4 std
    expect(Math.abs(counts[1] / T - 0.2)).toBeLessThan(0.012);
    expect(Math.abs(counts[2] / T - 0.5)).toBeLessThan(0.014);
    const doubled = rate(images, { numSteps: T, gain: 2, rng: new Rng(3) });
    let c1 = 0;
    let c2 = 0;
    for (let t = 0; t < T; t++) {
      c1 += doubled.data[t * 4 + 1];
      c2 += doubled.data[t * 4 + 2];
    }
    expect(Math.abs(c1 / T - 0.4)).toBeLessThan(0.014);
    expect(c2).toBe(T); // 2·0.5 clamps to 1
  });

  it('draws one uniform per (b, t, i) with 0 < p < 1, in that order', () => {
    const images = tensor([0.3, 0, 1, 0.7, 0.1, 0.9], [2, 3]);
    const spikes = rate(images, { numSteps: 2, rng: new Rng(11) });
    const rng = new Rng(11);
    const expected: number[] = [];
    for (let b = 0; b < 2; b++) {
      for (let t = 0; t < 2; t++) {
        for (let i = 0; i < 3; i++) {
          const x = images.data[b * 3 + i];
          expected.push(x === 0 ? 0 : x === 1 ? 1 : rng.uniform() < x ? 1 : 0);
        }
      }
    }
    expect(Array.from(spikes.data)).toEqual(expected);
  });

  it('is reproducible from the seed and rateSparse gives the same spikes', () => {
    const images = tensor(randomImages(3, 50, 5), [3, 5, 10]);
    const a = rate(images, { numSteps: 12, gain: 0.8, rng: new Rng(42) });
    const b = rate(images, { numSteps: 12, gain: 0.8, rng: new Rng(42) });
    expect(a.data).toEqual(b.data);
    const sparse = rateSparse(images, { numSteps: 12, gain: 0.8, rng: new Rng(42) });
    expect(sparse.batch).toBe(3);
    expect(sparse.numSteps).toBe(12);
    expect(sparse.size).toBe(50);
    expect(sparse.offsets.length).toBe(3 * 12 + 1);
    expect(sparseToDense(sparse).data).toEqual(a.data);
    const c = rate(images, { numSteps: 12, gain: 0.8, rng: new Rng(43) });
    expect(c.data).not.toEqual(a.data);
  });

  it('leaves the generator in the same state after rate and rateSparse', () => {
    const images = tensor(randomImages(2, 30, 9), [2, 30]);
    const r1 = new Rng(8);
    const r2 = new Rng(8);
    rate(images, { numSteps: 7, rng: r1 });
    rateSparse(images, { numSteps: 7, rng: r2 });
    expect(r1.uniform()).toBe(r2.uniform());
  });

  it('lists values with p = 1 on every step, ascending', () => {
    const images = tensor(new Float32Array(400).fill(1), [1, 400]);
    const sparse = rateSparse(images, { numSteps: 3, rng: new Rng(0) });
    expect(sparse.indices.length).toBe(1200);
    expect(Array.from(sparse.indices.slice(398, 402))).toEqual([398, 399, 0, 1]);
  });

  it('names the first value outside [0, 1] by its index', () => {
    const bad = tensor([0, 0.5, 0.2, Number.NaN], [1, 2, 2]);
    expect(() => rate(bad, { numSteps: 3, rng: new Rng(0) })).toThrow(
      new ValidationError('pixel value out of range', { field: 'images[0, 1, 1]', expected: 'a value in [0, 1]', found: 'NaN' }),
    );
    const over = tensor([0, 1.5], [2, 1]);
    expect(() => rateSparse(over, { numSteps: 3, rng: new Rng(0) })).toThrow(
      'field images[1, 0]: pixel value out of range; expected a value in [0, 1], found 1.5',
    );
    expect(() => rate(tensor([-0.25], [1, 1]), { numSteps: 3, rng: new Rng(0) })).toThrow('found -0.25');
  });

  it('rejects bad options and shapes', () => {
    const images = tensor([0.5], [1, 1]);
    expect(() => rate(images, { numSteps: 0, rng: new Rng(0) })).toThrow(
      'field numSteps: invalid number of time steps; expected a positive integer, found 0',
    );
    expect(() => rate(images, { numSteps: 2.5, rng: new Rng(0) })).toThrow('found 2.5');
    expect(() => rate(images, { numSteps: 2, gain: -1, rng: new Rng(0) })).toThrow(
      'field gain: invalid gain; expected a finite number >= 0, found -1',
    );
    expect(() => rate(images, { numSteps: 2, rng: undefined as unknown as Rng })).toThrow(
      'field rng: rate coding needs a seeded random generator; expected an Rng from @snn/core, found undefined',
    );
    expect(() => rate(tensor([0.5, 0.5], [2]), { numSteps: 2, rng: new Rng(0) })).toThrow(ShapeError);
    expect(() => rate(tensor([0.5, 0.5], [2]), { numSteps: 2, rng: new Rng(0) })).toThrow(
      'field images: image batch needs a batch dimension and at least one image dimension; expected [batch, ...], found [2]',
    );
  });

  it('rateEncoder checks options once and draws fresh spikes per call', () => {
    expect(() => rateEncoder({ numSteps: -1, rng: new Rng(0) })).toThrow(ValidationError);
    const encoder = rateEncoder({ numSteps: 6, gain: 0.5, rng: new Rng(1) });
    expect(encoder.kind).toBe('rate');
    expect(encoder.numSteps).toBe(6);
    const images = tensor(randomImages(1, 40, 2, 0), [1, 40]);
    const first = encoder.encode(images);
    const second = sparseToDense(encoder.encodeSparse(images));
    expect(first.data).toEqual(rate(images, { numSteps: 6, gain: 0.5, rng: new Rng(1) }).data);
    expect(second.data).not.toEqual(first.data);
  });
});
