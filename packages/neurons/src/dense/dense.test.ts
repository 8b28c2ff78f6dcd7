import { Rng, denseToSparse, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { createDense, denseForward, denseForwardEvents } from '../index.js';

describe('createDense', () => {
  it('draws U(-1/sqrt(in), 1/sqrt(in)) from the rng, weights then bias', () => {
    const layer = createDense(16, 8, new Rng(3));
    const bound = 1 / 4;
    let sum = 0;
    for (const w of layer.weight) {
      expect(Math.abs(w)).toBeLessThanOrEqual(bound);
      sum += w;
    }
    expect(Math.abs(sum / layer.weight.length)).toBeLessThan(0.05);
    const rng = new Rng(3);
    expect(layer.weight[0]).toBeCloseTo(rng.uniformIn(-bound, bound), 7);
    for (let i = 1; i < 128; i++) rng.uniform();
    expect(layer.bias[0]).toBeCloseTo(rng.uniformIn(-bound, bound), 7);
    expect(createDense(16, 8, new Rng(3)).weight).toEqual(layer.weight);
  });
  it('uses the given storage', () => {
    const weight = new Float32Array(new SharedArrayBuffer(4 * 6));
    const layer = createDense(2, 3, new Rng(0), { storage: { weight, bias: new Float32Array(3) } });
    expect(layer.weight).toBe(weight);
    expect(weight.some((w) => w !== 0)).toBe(true);
  });
  it('validates sizes, residual widths and storage', () => {
    expect(() => createDense(0, 3, new Rng(0))).toThrow('field dense.inSize: invalid layer size; expected a positive integer, found 0');
    expect(() => createDense(4, 3, new Rng(0), { residual: true })).toThrow(
      'field dense.residual: a residual layer needs equal input and output widths; expected outSize = inSize = 4, found outSize 3',
    );
    expect(() => createDense(2, 3, new Rng(0), { storage: { weight: new Float32Array(5), bias: new Float32Array(3) } })).toThrow(
      'field dense.storage.weight: weight storage has the wrong length; expected 6, found 5',
    );
  });
});

describe('dense forward', () => {
  const layer = {
    inSize: 3,
    outSize: 2,
    weight: new Float32Array([1, 2, 3, 4, 5, 6]),
    bias: new Float32Array([0.5, -0.5]),
    residual: false,
  };
  it('computes x·W + b', () => {
    expect(Array.from(denseForward(new Float32Array([1, 0, 2, 0, 1, 1]), 2, layer))).toEqual([11.5, 13.5, 8.5, 9.5]);
  });
  it('adds the input when residual', () => {
    const sq = { inSize: 2, outSize: 2, weight: new Float32Array([1, 2, 3, 4]), bias: new Float32Array(2), residual: true };
    expect(Array.from(denseForward(new Float32Array([1, 1]), 1, sq))).toEqual([5, 7]);
  });
  it('event-driven path equals the dense one on spikes', () => {
    const rng = new Rng(7);
    const big = createDense(20, 20, rng, { residual: true });
    const data = new Float32Array(3 * 4 * 20).map(() => rng.bernoulli(0.2));
    const sparse = denseToSparse(tensor(data, [3, 4, 20]));
    const events = denseForwardEvents(sparse, big);
    const dense = denseForward(data, 12, big);
    expect(events.length).toBe(dense.length);
    for (let i = 0; i < dense.length; i++) expect(events[i]).toBeCloseTo(dense[i], 5);
  });
  it('rejects mismatched sizes', () => {
    expect(() => denseForward(new Float32Array(5), 2, layer)).toThrow(
      'field x: input length does not match batch × inSize; expected 6 (2 × 3), found 5',
    );
    const sparse = denseToSparse(tensor(new Float32Array(8), [1, 2, 4]));
    expect(() => denseForwardEvents(sparse, layer)).toThrow('field spikes.size: spike size does not match the layer input size; expected 3, found 4');
  });
});
