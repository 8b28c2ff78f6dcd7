import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors/errors.js';
import { Rng } from '../rng/rng.js';
import { tensor, zeros } from '../tensor/tensor.js';
import { denseToSparse, sparseToDense } from './sparse-spikes.js';

describe('SparseSpikes', () => {
  it('lists active inputs per (sample, step) row, ascending', () => {
    // batch 1, T 2, size 4: step 0 -> inputs 1, 3; step 1 -> none
    const s = denseToSparse(tensor([0, 1, 0, 1, 0, 0, 0, 0], [1, 2, 4]));
    expect([s.batch, s.numSteps, s.size]).toEqual([1, 2, 4]);
    expect(Array.from(s.offsets)).toEqual([0, 2, 2]);
    expect(Array.from(s.indices)).toEqual([1, 3]);
  });

  it('round-trips a random binary spike tensor [B, T, H, W]', () => {
    const rng = new Rng(7);
    const dense = zeros([3, 5, 4, 6]);
    for (let i = 0; i < dense.data.length; i++) dense.data[i] = rng.bernoulli(0.2);
    const sparse = denseToSparse(dense);
    expect(sparse.size).toBe(24);
    expect(sparse.offsets.length).toBe(3 * 5 + 1);
    expect(sparse.indices.length).toBe(dense.data.reduce((a, b) => a + b, 0));
    const back = sparseToDense(sparse);
    expect(back.shape).toEqual([3, 5, 24]);
    expect(back.data).toEqual(dense.data);
  });

  it('keeps the input size when the batch is empty', () => {
    const s = denseToSparse(zeros([0, 5, 7]));
    expect([s.batch, s.numSteps, s.size]).toEqual([0, 5, 7]);
    expect(Array.from(s.offsets)).toEqual([0]);
    expect(sparseToDense(s).shape).toEqual([0, 5, 7]);
  });

  it('refuses a tensor without batch and time dimensions', () => {
    expect(() => denseToSparse(zeros([5, 7]))).toThrow(ShapeError);
    expect(() => denseToSparse(zeros([5, 7]))).toThrow(
      'field spikes: spike tensor needs a batch, a time and at least one input dimension; expected [batch, T, ...], found [5, 7]',
    );
  });
});
