import { ValidationError, sparseToDense, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { latency, latencyCode, latencyEncoder, latencySparse, latencySteps } from './latency.js';

const steps = (values: number[], options: Parameters<typeof latencySteps>[1], shape = [1, values.length]) =>
  Array.from(latencySteps(tensor(values, shape), options));

describe('latencyCode', () => {
  it('reproduces the snnTorch docstring example (linear, normalize)', () => {
    const code = latencyCode(tensor([0.02, 0.5, 1], [1, 3]), { numSteps: 5, normalize: true, linear: true });
    // tau = T − 1 = 4: 4·(1 − 0.02) = 3.92, 4·0.5 = 2, 0
    expect(code.times[0]).toBeCloseTo(3.92, 6);
    expect(code.times[1]).toBeCloseTo(2, 6);
    expect(code.times[2]).toBeCloseTo(0, 6);
    expect(Array.from(code.belowThreshold)).toEqual([0, 0, 0]);
    expect([code.batch, code.size]).toEqual([1, 3]);
  });

  it('computes tau·ln(x / (x − θ)) with x clamped to θ + ε', () => {
    const code = latencyCode(tensor([1, 0.5, 0.1, 0.02, 0.005], [1, 5]), { numSteps: 10, tau: 5 });
    // hand-computed: 5 ln(1/0.99), 5 ln(0.5/0.49), 5 ln(0.1/0.09), 5 ln 2, 5 ln(0.0100001/1e-7)
    const expected = [0.0502517, 0.1010135, 0.5268026, 3.4657359, 57.5646991];
    for (let i = 0; i < 5; i++) expect(code.times[i]).toBeCloseTo(expected[i], 4);
    expect(Array.from(code.belowThreshold)).toEqual([0, 0, 0, 0, 1]);
  });
});

describe('latencySteps / latency', () => {
  it('logarithmic code: values past the last step clear the last step (snnTorch rule)', () => {
    // times 0.05, 0.10, 0.53, 3.47, 8.96 (x = 0.012: 5 ln 6), 57.6 -> rounded 0, 0, 1, 3, 9, 58 (> T − 1 = 9):
    // all clamp to 9, then step 9 is cleared, so both 0.012 and the below-threshold 0.005 stay silent.
    expect(steps([1, 0.5, 0.1, 0.02, 0.012, 0.005], { numSteps: 10, tau: 5 })).toEqual([0, 0, 1, 3, -1, -1]);
    // without the below-threshold value nothing overflows and 0.012 fires on the last step
    expect(steps([1, 0.5, 0.1, 0.02, 0.012], { numSteps: 10, tau: 5 })).toEqual([0, 0, 1, 3, 9]);
  });

  it('normalize stretches the latest time to T − 1; clip removes below-threshold values', () => {
    // tau = 1: 0.01005, 0.02020, 0.69315, 11.51293 -> ×9/11.51293 -> 0.0079, 0.0158, 0.5419, 9
    expect(steps([1, 0.5, 0.02, 0.005], { numSteps: 10, normalize: true })).toEqual([0, 0, 1, 9]);
    expect(steps([1, 0.5, 0.02, 0.005], { numSteps: 10, normalize: true, clip: true })).toEqual([0, 0, 1, -1]);
  });

  it('clip compares in float32, as snnTorch with float32 images: a pixel of exactly 0.01 is kept', () => {
    // float32(0.01) = 0.0099999998 < 0.01 in float64, but not below float32(0.01), torch's threshold.
    const code = latencyCode(tensor([0.01, 0.0099], [1, 2]), { numSteps: 10, linear: true, clip: true });
    expect(Array.from(code.belowThreshold)).toEqual([0, 1]);
  });

  it('firstSpikeTime shifts the earliest spike to t0', () => {
    // 5 ln(1/0.99) = 0.0503, 5 ln(0.1/0.09) = 0.5268, 5 ln 2 = 3.4657 -> t − 0.0503 + 2 = 2, 2.4765, 5.4155
    expect(steps([1, 0.1, 0.02], { numSteps: 10, tau: 5, firstSpikeTime: 2 })).toEqual([2, 2, 5]);
    const code = latencyCode(tensor([1, 0.1, 0.02], [1, 3]), { numSteps: 10, tau: 5, firstSpikeTime: 2 });
    expect(code.times[0]).toBeCloseTo(2, 9);
    expect(code.times[2]).toBeCloseTo(5.4154842, 5);
  });

  it('linear code rounds ties to even and caps at tau·(1 − θ)', () => {
    // 4(1 − x) = 0, 1, 2, 2.5, 3.5, min(4, 3.96) -> 0, 1, 2, 2 (tie to even), 4 (tie to even), 4
    const values = [1, 0.75, 0.5, 0.375, 0.125, 0];
    expect(steps(values, { numSteps: 5, tau: 4, linear: true })).toEqual([0, 1, 2, 2, 4, 4]);
    expect(steps(values, { numSteps: 5, tau: 4, linear: true, clip: true })).toEqual([0, 1, 2, 2, 4, -1]);
    // firstSpikeTime adds t0; normalize then uses tau = T − 1 − t0 = 3: 3(1 − x) + 1 = 1, 1.75, 2.5, 2.875, 3.625, 3.97
    expect(steps(values, { numSteps: 5, linear: true, normalize: true, firstSpikeTime: 1 })).toEqual([1, 2, 2, 3, 4, 4]);
  });

  it("scope 'sample' takes minima and maxima per image instead of over the batch", () => {
    const images = [1, 0.5, 0.1, 0.02, 0.012, 0.9, 0.5, 0.1, 0.02, 0.005];
    // batch scope: the 0.005 of image 1 overflows and clears step 9 for image 0 too
    expect(steps(images, { numSteps: 10, tau: 5 }, [2, 5])).toEqual([0, 0, 1, 3, -1, 0, 0, 1, 3, -1]);
    expect(steps(images, { numSteps: 10, tau: 5, scope: 'sample' }, [2, 5])).toEqual([0, 0, 1, 3, 9, 0, 0, 1, 3, -1]);
    // normalize per image: image 0 max is 5 ln 6 = 8.959 (stretched to 9), image 1 max is 57.56
    expect(steps(images, { numSteps: 10, tau: 5, normalize: true, scope: 'sample' }, [2, 5])).toEqual([0, 0, 1, 3, 9, 0, 0, 0, 1, 9]);
  });

  it('dense and sparse outputs put one spike per value at its step', () => {
    const images = tensor([1, 0.5, 0.1, 0.02, 0.012, 0.9, 0.5, 0.1, 0.02, 0.005], [2, 5]);
    const options = { numSteps: 10, tau: 5, normalize: true, clip: true } as const;
    const dense = latency(images, options);
    expect(dense.shape).toEqual([2, 10, 5]);
    const s = latencySteps(images, options);
    let total = 0;
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < 5; i++) {
        let count = 0;
        for (let t = 0; t < 10; t++) {
          const v = dense.data[(b * 10 + t) * 5 + i];
          count += v;
          if (v) expect(t).toBe(s[b * 5 + i]);
        }
        expect(count).toBe(s[b * 5 + i] >= 0 ? 1 : 0);
        total += count;
      }
    }
    expect(total).toBe(9);
    const sparse = latencySparse(images, options);
    expect(sparseToDense(sparse).data).toEqual(dense.data);
    expect(sparse.indices.length).toBe(9);
    expect(latency(tensor([0.5, 1, 0, 0.25], [1, 2, 2]), { numSteps: 3 }).shape).toEqual([1, 3, 2, 2]);
  });

  it('rejects bad options and values', () => {
    const x = tensor([0.5], [1, 1]);
    expect(() => latency(x, { numSteps: 0 })).toThrow('field numSteps: invalid number of time steps; expected a positive integer, found 0');
    expect(() => latency(x, { numSteps: 5, threshold: 1 })).toThrow(
      'field threshold: invalid latency threshold; expected a number in (0, 1), found 1',
    );
    expect(() => latency(x, { numSteps: 5, tau: 0 })).toThrow('field tau: invalid time constant; expected a finite number > 0, found 0');
    expect(() => latency(x, { numSteps: 5, firstSpikeTime: 5 })).toThrow(
      'field firstSpikeTime: invalid first spike time; expected an integer in [0, 4] (numSteps − 1), found 5',
    );
    expect(() => latency(x, { numSteps: 5, scope: 'all' as 'batch' })).toThrow(ValidationError);
    expect(() => latency(x, { numSteps: 5, clip: 1 as unknown as boolean })).toThrow('field clip: option must be true or false');
    expect(() => latencySparse(tensor([0.2, 2], [1, 2]), { numSteps: 5 })).toThrow(
      'field images[0, 1]: pixel value out of range; expected a value in [0, 1], found 2',
    );
  });

  it('latencyEncoder binds the options', () => {
    expect(() => latencyEncoder({ numSteps: 3, epsilon: 0 })).toThrow('field epsilon: invalid epsilon');
    const encoder = latencyEncoder({ numSteps: 5, linear: true, normalize: true });
    expect(encoder.kind).toBe('latency');
    expect(encoder.numSteps).toBe(5);
    const images = tensor([0.02, 0.5, 1], [1, 3]);
    expect(Array.from(encoder.encodeSparse(images).indices)).toEqual([2, 1, 0]);
    expect(encoder.encode(images).data).toEqual(latency(images, { numSteps: 5, linear: true, normalize: true }).data);
  });
});
