import { NumericError, Rng, ShapeError, ValidationError } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { mseCountLoss } from './mse-count-loss.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';

/** Central finite differences of f with respect to x (float64 copy), step h. */
function numericGradient(f: (x: Float32Array) => number, x0: number[], h: number): number[] {
  return x0.map((_, i) => {
    const plus = Float32Array.from(x0);
    const minus = Float32Array.from(x0);
    plus[i] += h;
    minus[i] -= h;
    return (f(plus) - f(minus)) / (plus[i] - minus[i]);
  });
}

describe('softmaxCrossEntropy', () => {
  it('known value: logits [1, 2, 3], label 2 → 0.40760596', () => {
    // log(e¹ + e² + e³) − 3 = 0.4076059644443804 (PyTorch nn.CrossEntropyLoss gives the same).
    const grad = new Float32Array(3);
    expect(softmaxCrossEntropy(new Float32Array([1, 2, 3]), [2], 1, 3, grad)).toBeCloseTo(0.4076059644443804, 12);
    // softmax − onehot = [0.0900306, 0.2447285, 0.6652410 − 1]
    expect(Array.from(grad)).toEqual(Array.from(new Float32Array([0.09003057317038043, 0.24472847105479764, -0.3347590442251782])));
  });

  it('averages over the batch (PyTorch reduction "mean") and scales the gradient', () => {
    const logits = new Float32Array([1, 2, 3, 0.5, -1, 2, 0, 0, 0]);
    const grad = new Float32Array(9);
    // PyTorch 1.13.1, float64: loss 1.082509849923216, grad row 3 = [1/9, −2/9, 1/9].
    expect(softmaxCrossEntropy(logits, [2, 0, 1], 3, 3, grad, 2)).toBeCloseTo(1.082509849923216, 7);
    const torchGrad = [
      0.030010191056793478, 0.08157615701826587, -0.1115863480750594, -0.27490320261998774, 0.013037524423562482, 0.26186567819642526,
      0.1111111111111111, -0.2222222222222222, 0.1111111111111111,
    ];
    grad.forEach((g, i) => {
      expect(g).toBeCloseTo(2 * torchGrad[i], 7);
    });
  });

  it('gradient matches finite differences', () => {
    const rng = new Rng(11);
    const batch = 4;
    const classes = 5;
    const x0 = Array.from({ length: batch * classes }, () => rng.normal(0, 2));
    const labels = [3, 0, 4, 1];
    const grad = new Float32Array(batch * classes);
    softmaxCrossEntropy(Float32Array.from(x0), labels, batch, classes, grad);
    const numeric = numericGradient((x) => softmaxCrossEntropy(x, labels, batch, classes), x0, 1e-2);
    numeric.forEach((g, i) => {
      expect(Math.abs(grad[i] - g), `element ${i}`).toBeLessThan(2e-4);
    });
  });

  it('is stable for large logits', () => {
    const grad = new Float32Array(3);
    expect(softmaxCrossEntropy(new Float32Array([1000, 0, -1000]), [1], 1, 3, grad)).toBe(1000);
    expect(Array.from(grad)).toEqual([1, -1, 0]);
    expect(softmaxCrossEntropy(new Float32Array([1000, 1000]), [0], 1, 2)).toBeCloseTo(Math.LN2, 15);
    expect(softmaxCrossEntropy(new Float32Array([-1000, -1000]), [1], 1, 2)).toBeCloseTo(Math.LN2, 15);
  });

  it('rejects bad shapes, labels and non-finite logits', () => {
    const z = new Float32Array(6);
    expect(() => softmaxCrossEntropy(z, [0, 1], 2, 2)).toThrow(ShapeError);
    expect(() => softmaxCrossEntropy(z, [0, 1], 2, 2)).toThrow('field softmaxCrossEntropy.logits: logits length does not match batch × classes; expected 4 (2 × 2), found 6');
    expect(() => softmaxCrossEntropy(z, [0], 2, 3)).toThrow('field softmaxCrossEntropy.labels: one label per example needed; expected 2, found 1');
    expect(() => softmaxCrossEntropy(z, [0, 3], 2, 3)).toThrow(ValidationError);
    expect(() => softmaxCrossEntropy(z, [0, 3], 2, 3)).toThrow('field softmaxCrossEntropy.labels[1]: label out of range; expected an integer in [0, 3), found 3');
    expect(() => softmaxCrossEntropy(z, [0, 1], 2, 3, new Float32Array(5))).toThrow(
      'field softmaxCrossEntropy.gradOut: gradient buffer length does not match batch × classes; expected 6, found 5',
    );
    z[4] = Number.NaN;
    expect(() => softmaxCrossEntropy(z, [0, 1], 2, 3)).toThrow(NumericError);
    expect(() => softmaxCrossEntropy(z, [0, 1], 2, 3)).toThrow('field softmaxCrossEntropy.logits[4]: non-finite value; expected a finite number, found NaN');
  });
});

describe('mseCountLoss', () => {
  it('matches snnTorch mse_count_loss: int() targets, MSE mean over B×C, divided by T', () => {
    // T = 25, correct 0.9 → int(22.5) = 22, incorrect 0.1 → int(2.5) = 2.
    // Squared errors: row 0 [4, 1, 1], row 1 [0, 9, 4] → sum 19 / 6 / 25 = 0.12666…
    // (PyTorch: MSELoss()(counts, targets) / 25 = 0.12666666666666665, grad 2(n − t)/(6·25).)
    const counts = new Float32Array([20, 3, 1, 2, 25, 0]);
    const grad = new Float32Array(6);
    const loss = mseCountLoss(counts, [0, 1], 2, 3, { numSteps: 25, correctRate: 0.9, incorrectRate: 0.1 }, grad);
    expect(loss).toBeCloseTo(0.12666666666666665, 15);
    const expected = [-0.026666666666666665, 0.013333333333333332, -0.013333333333333332, 0, 0.04, -0.026666666666666665];
    grad.forEach((g, i) => {
      expect(g).toBeCloseTo(expected[i], 8);
    });
  });

  it('defaults: correctRate 1, incorrectRate 0 (the documented example)', () => {
    expect(mseCountLoss(new Float32Array([8, 1]), [0], 1, 2, { numSteps: 10 })).toBeCloseTo(0.25, 15);
  });

  it('gradient matches finite differences', () => {
    const rng = new Rng(5);
    const x0 = Array.from({ length: 12 }, () => rng.int(20));
    const labels = [1, 3, 0];
    const opts = { numSteps: 20, correctRate: 0.8, incorrectRate: 0.2 };
    const grad = new Float32Array(12);
    mseCountLoss(Float32Array.from(x0), labels, 3, 4, opts, grad);
    const numeric = numericGradient((x) => mseCountLoss(x, labels, 3, 4, opts), x0, 0.5);
    numeric.forEach((g, i) => {
      expect(grad[i]).toBeCloseTo(g, 6);
    });
  });

  it('validates its options', () => {
    const c = new Float32Array(2);
    expect(() => mseCountLoss(c, [0], 1, 2, { numSteps: 0 })).toThrow('field mseCountLoss.numSteps: invalid option; expected a positive integer, found 0');
    expect(() => mseCountLoss(c, [0], 1, 2, { numSteps: 5, correctRate: 1.5 })).toThrow(
      'field mseCountLoss.correctRate: invalid option; expected a number in [0, 1], found 1.5',
    );
    expect(() => mseCountLoss(c, [2], 1, 2, { numSteps: 5 })).toThrow('field mseCountLoss.labels[0]: label out of range; expected an integer in [0, 2), found 2');
    expect(() => mseCountLoss(c, [0], 0, 2, { numSteps: 5 })).toThrow('field mseCountLoss.batch: invalid batch size; expected a positive integer, found 0');
  });
});
