import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { recurrentCurrent, recurrentCurrentEvents } from '../index.js';

describe('recurrentCurrent', () => {
  it('adds z[t−1]·W_rec to the current (hand-computed)', () => {
    // Two samples, three neurons; W_rec[from][to].
    const w = new Float32Array([0, 1, 2, 3, 0, 4, 5, 6, 0]);
    const current = new Float32Array([0.5, 0, -1, 1, 1, 1]);
    const z = new Float32Array([1, 0, 1, 0, 1, 0]);
    const expected = [0.5 + 0 + 5, 0 + 1 + 6, -1 + 2 + 0, 1 + 3, 1 + 0, 1 + 4];
    expect(Array.from(recurrentCurrent(current, z, w, 3))).toEqual(expected);
    expect(Array.from(recurrentCurrentEvents(current, z, w, 3))).toEqual(expected);
  });
  it('event-driven equals the dense reference on random spikes', () => {
    const rng = new Rng(3);
    const n = 16;
    const batch = 4;
    const w = Float32Array.from({ length: n * n }, () => rng.normal(0, 0.3));
    const current = Float32Array.from({ length: batch * n }, () => rng.uniformIn(-1, 1));
    const z = Float32Array.from({ length: batch * n }, () => rng.bernoulli(0.2));
    const a = recurrentCurrent(current, z, w, n);
    const b = recurrentCurrentEvents(current, z, w, n);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
  });
  it('checks shapes', () => {
    expect(() => recurrentCurrent(new Float32Array(4), new Float32Array(4), new Float32Array(3), 2)).toThrow(
      'field weight: recurrent weight length does not match size × size; expected 4 (2 × 2), found 3',
    );
    expect(() => recurrentCurrentEvents(new Float32Array(4), new Float32Array(2), new Float32Array(4), 2)).toThrow(
      'field prevSpikes: previous spikes and current differ in size; expected 4 values, found 2',
    );
  });
});
