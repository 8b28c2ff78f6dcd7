import { describe, expect, it } from 'vitest';
import { PredictionTally, argmaxRow } from './tally.js';

describe('PredictionTally', () => {
  it('takes the argmax per row (lowest class on ties) and adds up accuracy and the size-weighted loss', () => {
    expect(argmaxRow([0, 2, 2, 1, 0, 0], 0, 3)).toBe(1);
    expect(argmaxRow([0, 2, 2, 1, 0, 0], 1, 3)).toBe(0);
    const tally = new PredictionTally(3, 3);
    tally.add([0, 2, 2, 1, 0, 0], [1, 2], 0.5);
    tally.add([0, 0, 3], [2], 2);
    const r = tally.result();
    expect(Array.from(r.predictions)).toEqual([1, 0, 2]);
    expect(Array.from(r.labels)).toEqual([1, 2, 2]);
    expect(r.accuracy).toBeCloseTo(2 / 3, 12);
    expect(r.loss).toBeCloseTo((0.5 * 2 + 2) / 3, 12);
    expect(r.samples).toBe(3);
  });

  it('refuses scores of the wrong width and batches beyond its capacity', () => {
    const tally = new PredictionTally(2, 3);
    expect(() => tally.add([1, 2], [0])).toThrow(/batch does not fit the tally.*expected \[1, 3\] scores/);
    tally.add([1, 0, 0, 0, 1, 0], [0, 1]);
    expect(() => tally.add([1, 0, 0], [0])).toThrow(/at most 0 more samples/);
    expect(tally.result().loss).toBeNaN();
  });
});
