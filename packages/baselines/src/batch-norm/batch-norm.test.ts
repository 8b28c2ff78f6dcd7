import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { batchNormBackward, batchNormForward } from './batch-norm.js';

function random64(rng: Rng, n: number, mean = 0, std = 1): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal(mean, std));
}

describe('batchNormForward', () => {
  it('computes the documented example and updates the running statistics as PyTorch', () => {
    const rm = new Float32Array(1);
    const rv = Float32Array.of(1);
    const { y, cache } = batchNormForward(Float32Array.of(1, 3), Float32Array.of(1), Float32Array.of(0), rm, rv, { batch: 2, channels: 1, spatial: 1 }, { training: true });
    // μ = 2, σ² = 1 (biased), x̂ = ±1/√(1 + 1e−5)
    expect(y[0]).toBeCloseTo(-1 / Math.sqrt(1 + 1e-5), 6);
    expect(y[1]).toBeCloseTo(1 / Math.sqrt(1 + 1e-5), 6);
    expect(rm[0]).toBeCloseTo(0.2, 7); // 0.9·0 + 0.1·2
    expect(rv[0]).toBeCloseTo(1.1, 6); // 0.9·1 + 0.1·2 (unbiased variance 2)
    expect(cache.training).toBe(true);
  });

  it('normalises each channel over batch and space; evaluation uses the running statistics', () => {
    const rng = new Rng(1);
    const shape = { batch: 4, channels: 3, spatial: 5 };
    const x = random64(rng, 60, 3, 2);
    const gamma = Float64Array.of(1, 2, 0.5);
    const beta = Float64Array.of(0, -1, 4);
    const rm = new Float64Array(3);
    const rv = new Float64Array(3).fill(1);
    const { y } = batchNormForward(x, gamma, beta, rm, rv, shape, { training: true, momentum: 1, eps: 1e-12 });
    for (let c = 0; c < 3; c++) {
      const vals: number[] = [];
      for (let n = 0; n < 4; n++) for (let q = 0; q < 5; q++) vals.push((y[(n * 3 + c) * 5 + q] - beta[c]) / gamma[c]);
      const mean = vals.reduce((s, v) => s + v, 0) / 20;
      const variance = vals.reduce((s, v) => s + (v - mean) ** 2, 0) / 20;
      expect(mean).toBeCloseTo(0, 10);
      expect(variance).toBeCloseTo(1, 8);
    }
    // With momentum 1 the running statistics are the batch's (variance unbiased); evaluation then reproduces
    // the training output up to the factor √(20/19) between the two variances.
    const ev = batchNormForward(x, gamma, beta, rm, rv, shape, { eps: 1e-12 }).y;
    for (let i = 0; i < 60; i++) {
      const c = Math.floor(i / 5) % 3;
      expect((ev[i] - beta[c]) * Math.sqrt(20 / 19)).toBeCloseTo(y[i] - beta[c], 8);
    }
  });

  it('rejects bad options and shapes', () => {
    const one = Float32Array.of(1);
    const s = { batch: 1, channels: 1, spatial: 2 };
    expect(() => batchNormForward(Float32Array.of(1, 2), one, one, one, one, s, { momentum: 2 })).toThrow(
      'field batchNormForward.momentum: invalid option; expected a number in [0, 1], found 2',
    );
    expect(() => batchNormForward(Float32Array.of(1), one, one, one, one, s)).toThrow('field batchNormForward.x: x has the wrong length; expected 2 (1 × 1 × 2), found 1');
    expect(() => batchNormForward(Float32Array.of(1, 2), one, one, one, one, { ...s, channels: 0 })).toThrow(
      'field batchNormForward.channels: invalid size; expected a positive integer, found 0',
    );
  });
});

describe('batchNormBackward', () => {
  for (const training of [true, false]) {
    it(`matches float64 central differences (${training ? 'training' : 'evaluation'} mode)`, () => {
      const rng = new Rng(training ? 2 : 3);
      const shape = { batch: 3, channels: 2, spatial: 4 };
      const x = random64(rng, 24, 1, 2);
      const gamma = Float64Array.of(1.5, -0.7);
      const beta = Float64Array.of(0.2, 0.3);
      const runMean = Float64Array.of(0.5, -0.5);
      const runVar = Float64Array.of(2, 3);
      const r = random64(rng, 24);
      // Running statistics are copied per call so that the training-mode update does not change the loss.
      const loss = (): number =>
        batchNormForward(x, gamma, beta, runMean.slice(), runVar.slice(), shape, { training }).y.reduce((s, v, i) => s + v * r[i], 0);
      const { cache } = batchNormForward(x, gamma, beta, runMean.slice(), runVar.slice(), shape, { training });
      const gGamma = new Float64Array(2);
      const gBeta = new Float64Array(2);
      const gx = batchNormBackward(r, cache, gamma, shape, gGamma, gBeta);
      for (const [arr, grad] of [
        [x, gx],
        [gamma, gGamma],
        [beta, gBeta],
      ] as const) {
        for (let i = 0; i < arr.length; i++) {
          const keep = arr[i];
          arr[i] = keep + 1e-5;
          const up = loss();
          arr[i] = keep - 1e-5;
          const down = loss();
          arr[i] = keep;
          expect(Math.abs(grad[i] - (up - down) / 2e-5)).toBeLessThan(1e-7);
        }
      }
    });
  }
});
