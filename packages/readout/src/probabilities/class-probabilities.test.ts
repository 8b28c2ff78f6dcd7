import { ShapeError, ValidationError, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { classProbabilities } from './class-probabilities.js';

describe('classProbabilities', () => {
  it('is a softmax per row', () => {
    const p = classProbabilities(tensor([0, Math.log(3), 1, 1, 1, 1], [3, 2]));
    expect(p.shape).toEqual([3, 2]);
    expect(p.data[0]).toBeCloseTo(0.25, 6);
    expect(p.data[1]).toBeCloseTo(0.75, 6);
    expect(p.data[2]).toBeCloseTo(0.5, 6);
    expect(p.data[5]).toBeCloseTo(0.5, 6);
  });

  it('is stable for large logits and honours the temperature', () => {
    const p = classProbabilities(tensor([1000, 1000 + Math.log(3)], [1, 2]));
    expect(p.data[1]).toBeCloseTo(0.75, 5);
    // τ = 2: exp(2/2) / (exp(0) + exp(1)) = e / (1 + e)
    const q = classProbabilities(tensor([0, 2], [1, 2]), { temperature: 2 });
    expect(q.data[1]).toBeCloseTo(Math.E / (1 + Math.E), 6);
  });

  it('rejects bad input', () => {
    expect(() => classProbabilities(tensor([1, 2, 3], [3]))).toThrow(ShapeError);
    expect(() => classProbabilities(tensor([1, Number.POSITIVE_INFINITY], [1, 2]))).toThrow(
      'field logits[0, 1]: non-finite logit; expected a finite number, found Infinity',
    );
    expect(() => classProbabilities(tensor([1, 2], [1, 2]), { temperature: 0 })).toThrow(ValidationError);
  });
});
