import { describe, expect, it } from 'vitest';
import { liInitialState, liParams, liStep } from '../index.js';

describe('liParams', () => {
  it('derives κ and names bad fields', () => {
    expect(liParams().kappa).toBeCloseTo(Math.exp(-1 / 20), 12);
    expect(liParams({ tauOutMs: 10, dtMs: 2 }).kappa).toBeCloseTo(Math.exp(-0.2), 12);
    expect(() => liParams({ tauOutMs: 0 })).toThrow('field li.tauOutMs: invalid leaky-integrator parameter; expected a finite number > 0, found 0');
    expect(() => liParams({ dtMs: -1 }, 'readout')).toThrow('field readout.dtMs: invalid leaky-integrator parameter; expected a finite number > 0, found -1');
  });
});

describe('liStep golden trace (κ = 0.5)', () => {
  it('y[t] = κ·y[t−1] + I[t]', () => {
    const p = liParams({ tauOutMs: 1 / Math.LN2 });
    let s = liInitialState(2);
    const ys: number[][] = [];
    for (const input of [
      [1, -2],
      [0, 0],
      [2, 1],
      [0, 0],
    ]) {
      s = liStep(Float32Array.from(input), s, p);
      ys.push(Array.from(s.out));
    }
    const expected = [
      [1, -2],
      [0.5, -1],
      [2.25, 0.5],
      [1.125, 0.25],
    ];
    for (let t = 0; t < 4; t++) for (let i = 0; i < 2; i++) expect(ys[t][i]).toBeCloseTo(expected[t][i], 6);
    expect(() => liStep(new Float32Array(3), s, p)).toThrow(
      'field state.out: leaky-integrator state and input differ in size; expected 3 values (one per input), found 2',
    );
  });
});
