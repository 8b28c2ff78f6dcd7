import { ValidationError, sparseToDense, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { periodic, periodicEncoder, periodicSparse } from './periodic.js';

function spikeSteps(values: number[], options: Parameters<typeof periodic>[1]): number[][] {
  const T = options.numSteps;
  const out = periodic(tensor(values, [1, values.length]), options);
  return values.map((_, i) => {
    const ts: number[] = [];
    for (let t = 0; t < T; t++) if (out.data[t * values.length + i]) ts.push(t);
    return ts;
  });
}

describe('periodic', () => {
  it('fires at t = kP − 1 with P = round(maxPeriod − (maxPeriod − minPeriod)·x)', () => {
    // T = 10, defaults minPeriod 1, maxPeriod 10: P(1) = 1, P(0.5) = round(5.5) = 6, P(0.8) = round(2.8) = 3, P(0.05) = round(9.55) = 10
    expect(spikeSteps([1, 0.5, 0.8, 0.05, 0], { numSteps: 10 })).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [5],
      [2, 5, 8],
      [9],
      [],
    ]);
    // minPeriod 2, maxPeriod 6: P(1) = 2, P(0.5) = 4, P(0.25) = 5
    expect(spikeSteps([1, 0.5, 0.25], { numSteps: 12, minPeriod: 2, maxPeriod: 6 })).toEqual([
      [1, 3, 5, 7, 9, 11],
      [3, 7, 11],
      [4, 9],
    ]);
  });

  it('dense and sparse agree and keep the image shape', () => {
    const values = new Float32Array(2 * 3 * 3);
    for (let i = 0; i < values.length; i++) values[i] = (i % 7) / 6;
    const images = tensor(values, [2, 3, 3]);
    const dense = periodic(images, { numSteps: 9, maxPeriod: 5 });
    expect(dense.shape).toEqual([2, 9, 3, 3]);
    const sparse = periodicSparse(images, { numSteps: 9, maxPeriod: 5 });
    expect(sparse.size).toBe(9);
    expect(sparseToDense(sparse).data).toEqual(dense.data);
  });

  it('rejects bad periods', () => {
    const x = tensor([0.5], [1, 1]);
    expect(() => periodic(x, { numSteps: 5, minPeriod: 0 })).toThrow(
      'field minPeriod: invalid minimum period; expected a positive integer, found 0',
    );
    expect(() => periodic(x, { numSteps: 5, minPeriod: 4, maxPeriod: 3 })).toThrow(
      'field maxPeriod: maximum period below minimum period; expected an integer >= minPeriod (4), found 3',
    );
    expect(() => periodicEncoder({ numSteps: Number.NaN })).toThrow(ValidationError);
    expect(() => periodicSparse(tensor([Number.NaN], [1, 1]), { numSteps: 3 })).toThrow('field images[0, 0]: pixel value out of range');
  });

  it('periodicEncoder binds the options', () => {
    const encoder = periodicEncoder({ numSteps: 4, maxPeriod: 3 });
    expect(encoder.kind).toBe('periodic');
    const images = tensor([1, 0.5, 0], [1, 3]);
    expect(Array.from(encoder.encodeSparse(images).indices)).toEqual([0, 0, 1, 0, 0, 1]);
    expect(encoder.encode(images).data).toEqual(periodic(images, { numSteps: 4, maxPeriod: 3 }).data);
  });
});
