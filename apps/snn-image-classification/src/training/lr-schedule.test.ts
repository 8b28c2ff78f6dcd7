import { describe, expect, it } from 'vitest';
import { epochLearningRate } from './run-training.js';

describe('epochLearningRate', () => {
  it('keeps the rate under the constant schedule', () => {
    expect([0, 3, 14].map((e) => epochLearningRate(0.002, 'constant', e, 15))).toEqual([0.002, 0.002, 0.002]);
  });

  it('anneals by a half cosine from lr (epoch 0) towards 0 over the run', () => {
    const rates = Array.from({ length: 6 }, (_, e) => epochLearningRate(0.002, 'cosine', e, 6));
    expect(rates[0]).toBe(0.002);
    expect(rates[3]).toBeCloseTo(0.001, 15);
    expect(rates[1]).toBeCloseTo(0.002 * (1 + Math.cos(Math.PI / 6)) / 2, 15);
    expect(rates[5]).toBeCloseTo(0.002 * (1 - Math.cos(Math.PI / 6)) / 2, 15);
    for (let e = 1; e < 6; e++) expect(rates[e]).toBeLessThan(rates[e - 1] as number);
  });
});
