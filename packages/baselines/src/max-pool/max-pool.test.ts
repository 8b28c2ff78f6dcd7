import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { maxPool2dBackward, maxPool2dForward, maxPool2dOutputSize } from './max-pool.js';

describe('maxPool2d', () => {
  it('computes the documented example, drops an odd last row and column, and routes gradients to the maxima', () => {
    expect(maxPool2dForward(Float32Array.of(1, 5, 3, 2), { batch: 1, channels: 1, height: 2, width: 2 })).toEqual({
      y: Float32Array.of(5),
      argmax: Int32Array.of(1),
    });
    // 3×3 image: only the top-left 2×2 window exists.
    const { y, argmax } = maxPool2dForward(Float32Array.of(1, 2, 9, 4, 3, 9, 9, 9, 9), { batch: 1, channels: 1, height: 3, width: 3 });
    expect(Array.from(y)).toEqual([4]);
    expect(Array.from(argmax)).toEqual([3]);
    expect(Array.from(maxPool2dBackward(Float32Array.of(7), argmax, 9))).toEqual([0, 0, 0, 7, 0, 0, 0, 0, 0]);
    expect(maxPool2dOutputSize({ batch: 2, channels: 64, height: 11, width: 11 })).toEqual([5, 5]);
    expect(() => maxPool2dOutputSize({ batch: 1, channels: 1, height: 1, width: 4 })).toThrow('field maxPool2d.height: invalid size; expected an integer ≥ 2, found 1');
  });

  it('backward matches float64 central differences (distinct values, away from ties)', () => {
    const rng = new Rng(4);
    const shape = { batch: 2, channels: 3, height: 5, width: 4 };
    const x = Float64Array.from({ length: 120 }, () => rng.normal(0, 1));
    const r = Float64Array.from({ length: 2 * 3 * 2 * 2 }, () => rng.normal(0, 1));
    const loss = (): number => maxPool2dForward(x, shape).y.reduce((s, v, i) => s + v * r[i], 0);
    const gx = maxPool2dBackward(r, maxPool2dForward(x, shape).argmax, 120);
    for (let i = 0; i < 120; i++) {
      const keep = x[i];
      x[i] = keep + 1e-7;
      const up = loss();
      x[i] = keep - 1e-7;
      const down = loss();
      x[i] = keep;
      expect(Math.abs(gx[i] - (up - down) / 2e-7)).toBeLessThan(1e-6);
    }
  });
});
