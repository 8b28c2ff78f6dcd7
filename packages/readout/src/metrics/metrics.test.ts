import { ShapeError, ValidationError } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { accuracy } from './accuracy.js';
import { classMetrics, confusionMatrix } from './confusion-matrix.js';

describe('accuracy', () => {
  it('counts matches; abstentions are wrong', () => {
    expect(accuracy([1, 2, 0, -1], [1, 2, 1, 0])).toBe(0.5);
    expect(accuracy(Int32Array.from([3, 3, 3]), Uint8Array.from([3, 3, 3]))).toBe(1);
  });

  it('rejects mismatched lengths, empty sets and bad labels', () => {
    expect(() => accuracy([1, 2, 3], [1, 2])).toThrow(ShapeError);
    expect(() => accuracy([1, 2, 3], [1, 2])).toThrow(
      'field predictions: predictions and labels differ in length; expected as many predictions as labels (2), found 3 predictions for 2 labels',
    );
    expect(() => accuracy([], [])).toThrow('field labels: accuracy of an empty set; expected at least one sample, found 0 samples');
    expect(() => accuracy([0, 1], [0, 1.5])).toThrow('field labels[1]: label out of range; expected an integer >= 0, found 1.5');
  });
});

describe('confusionMatrix / classMetrics', () => {
  const labels = [0, 0, 0, 1, 1, 2, 2, 2, 2, 1];
  const preds = [0, 0, 1, 1, 2, 2, 2, 0, 2, -1];

  it('counts (true, predicted) pairs row by row', () => {
    const cm = confusionMatrix(preds, labels, 3);
    expect(cm.numClasses).toBe(3);
    // rows = true class: 0 -> [2, 1, 0], 1 -> [0, 1, 1] (+1 abstained), 2 -> [1, 0, 3]
    expect(Array.from(cm.matrix)).toEqual([2, 1, 0, 0, 1, 1, 1, 0, 3]);
    expect(Array.from(cm.abstained)).toEqual([0, 1, 0]);
  });

  it('derives precision, recall and F1 per class', () => {
    const m = classMetrics(confusionMatrix(preds, labels, 3));
    // predicted-as columns: [3, 2, 4]; supports: [3, 3, 4]
    expect(Array.from(m.support)).toEqual([3, 3, 4]);
    expect(m.precision[0]).toBeCloseTo(2 / 3, 12);
    expect(m.precision[1]).toBeCloseTo(1 / 2, 12);
    expect(m.precision[2]).toBeCloseTo(3 / 4, 12);
    expect(m.recall[0]).toBeCloseTo(2 / 3, 12);
    expect(m.recall[1]).toBeCloseTo(1 / 3, 12);
    expect(m.recall[2]).toBeCloseTo(3 / 4, 12);
    expect(m.f1[1]).toBeCloseTo((2 * 0.5 * (1 / 3)) / (0.5 + 1 / 3), 12);
    expect(m.macroRecall).toBeCloseTo((2 / 3 + 1 / 3 + 3 / 4) / 3, 12);
    expect(m.macroPrecision).toBeCloseTo((2 / 3 + 1 / 2 + 3 / 4) / 3, 12);
    expect(m.macroF1).toBeCloseTo((m.f1[0] + m.f1[1] + m.f1[2]) / 3, 12);
  });

  it('gives 0 where a class is never predicted or has no sample', () => {
    const m = classMetrics(confusionMatrix([0, 0], [0, 1], 3));
    expect(Array.from(m.precision)).toEqual([0.5, 0, 0]);
    expect(Array.from(m.recall)).toEqual([1, 0, 0]);
    expect(Array.from(m.f1).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.666667, 0, 0]);
  });

  it('rejects bad labels, predictions, lengths and class counts', () => {
    expect(() => confusionMatrix([0, 1], [0, 3], 3)).toThrow(ValidationError);
    expect(() => confusionMatrix([0, 1], [0, 3], 3)).toThrow('field labels[1]: label out of range; expected an integer in [0, 2], found 3');
    expect(() => confusionMatrix([0, 5], [0, 1], 3)).toThrow(
      'field predictions[1]: prediction out of range; expected an integer in [0, 2] or -1, found 5',
    );
    expect(() => confusionMatrix([0], [0, 1], 3)).toThrow('expected as many predictions as labels (2), found 1 predictions for 2 labels');
    expect(() => confusionMatrix([0], [0], 0)).toThrow('field numClasses: invalid number of classes; expected a positive integer, found 0');
  });
});
