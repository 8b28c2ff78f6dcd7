import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { dropoutBackward, dropoutForward, reluBackward, reluForward } from './elementwise.js';

describe('relu', () => {
  it('forward, and backward matching float64 central differences', () => {
    expect(Array.from(reluForward(Float32Array.of(-1, 2, 0)))).toEqual([0, 2, 0]);
    const x = Float64Array.of(-1.5, -0.2, 0.3, 2);
    const r = Float64Array.of(1, 2, 3, 4);
    const gx = reluBackward(r, reluForward(x));
    for (let i = 0; i < 4; i++) {
      const keep = x[i];
      x[i] = keep + 1e-6;
      const up = reluForward(x).reduce((s, v, j) => s + v * r[j], 0);
      x[i] = keep - 1e-6;
      const down = reluForward(x).reduce((s, v, j) => s + v * r[j], 0);
      x[i] = keep;
      expect(gx[i]).toBeCloseTo((up - down) / 2e-6, 6);
    }
    expect(Array.from(gx)).toEqual([0, 0, 3, 4]);
    expect(() => reluBackward(Float32Array.of(1), Float32Array.of(1, 2))).toThrow('field reluBackward.y: y has the wrong length; expected 1 (the length of gradOutput), found 2');
  });
});

describe('dropout', () => {
  it('keeps about 1 − p of the values, scaled by 1/(1 − p), deterministically per seed', () => {
    const x = new Float32Array(20000).fill(1);
    const a = dropoutForward(x, 0.3, new Rng(9));
    const b = dropoutForward(x, 0.3, new Rng(9));
    expect(Array.from(a.mask)).toEqual(Array.from(b.mask));
    const kept = a.mask.filter((m) => m > 0).length / x.length;
    expect(Math.abs(kept - 0.7)).toBeLessThan(0.01); // binomial std ≈ 0.0032
    expect(new Set(Array.from(a.y))).toEqual(new Set([0, Math.fround(1 / 0.7)]));
    const mean = a.y.reduce((s, v) => s + v, 0) / x.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.02); // inverted dropout keeps the mean
    expect(Array.from(dropoutBackward(Float32Array.of(2, 3), Float32Array.of(0, 1.5)))).toEqual([0, 4.5]);
  });

  it('p = 0 is the identity and draws nothing; bad p is refused', () => {
    const rng = new Rng(1);
    const before = rng.getState();
    const { y, mask } = dropoutForward(Float32Array.of(1, 2), 0, rng);
    expect(Array.from(y)).toEqual([1, 2]);
    expect(Array.from(mask)).toEqual([1, 1]);
    expect(rng.getState()).toEqual(before);
    expect(() => dropoutForward(Float32Array.of(1), 1, rng)).toThrow('field dropoutForward.p: invalid option; expected a number in [0, 1), found 1');
  });
});
