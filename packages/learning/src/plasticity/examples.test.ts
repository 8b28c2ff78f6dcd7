// The `@example` blocks of the plasticity TSDoc, run as written.
import { describe, expect, it } from 'vitest';
import {
  DiehlCookStdp,
  PairStdp,
  diehlCookStdpParams,
  hebbianParams,
  hebbianUpdate,
  normalizeColumns,
  normalizeColumnsWithSums,
  pairStdpParams,
} from '../index.js';

describe('plasticity TSDoc examples', () => {
  it('Diehl & Cook STDP', () => {
    const p = diehlCookStdpParams({ nuPost: 0.02 });
    expect(p.tauPost2Ms).toBe(40);
    const weights = new Float64Array(784 * 100).fill(0.5);
    const stdp = new DiehlCookStdp(784, 100, diehlCookStdpParams());
    stdp.onPreSpikes(weights, [3, 17], 2, 10.5);
    stdp.onPostSpikes(weights, [42], 1, 11);
    expect(weights[3 * 100 + 42]).toBe(0.5);
  });
  it('pair STDP', () => {
    expect(pairStdpParams({ aPlus: 0.005 }).aPlus).toBe(0.005);
    const stdp = new PairStdp(2, 1, pairStdpParams());
    const w = new Float64Array([0.5, 0.5]);
    stdp.onPreSpikes(w, [0], 1, 0);
    stdp.onPostSpikes(w, [0], 1, 10);
    expect(w[0]).toBeCloseTo(0.5 + 0.01 * Math.exp(-10 / 20), 12);
  });
  it('Hebbian and normalisation', () => {
    expect(hebbianParams({ learningRate: 0.01, decay: 1e-4 }).decay).toBe(1e-4);
    const w = new Float32Array(4).fill(0.5);
    hebbianUpdate(w, [1, 0], [1, 1], hebbianParams({ learningRate: 0.1 }));
    expect(Array.from(w)).toEqual([0.6000000238418579, 0.6000000238418579, 0.5, 0.5]);
    expect(Array.from(normalizeColumns(new Float32Array([1, 2, 3, 6]), 2, 2, 1))).toEqual([0.25, 0.25, 0.75, 0.75]);
    const sums = new Float64Array([4, 8]);
    expect(Array.from(normalizeColumnsWithSums(new Float64Array([1, 2, 3, 6]), 2, 2, 1, sums))).toEqual([0.25, 0.25, 0.75, 0.75]);
    expect(Array.from(sums)).toEqual([1, 1]);
  });
});
