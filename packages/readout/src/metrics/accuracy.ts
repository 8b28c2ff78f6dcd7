import { ShapeError, ValidationError, describeValue } from '@snn/core';

/** Checks that predictions and labels are array-like and of equal length; returns the length. */
export function checkPairs(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  for (const [name, v] of [
    ['predictions', predictions],
    ['labels', labels],
  ] as const) {
    if (!v || typeof v !== 'object' || typeof (v as ArrayLike<number>).length !== 'number') {
      throw new ValidationError('not an array', { field: name, expected: 'an array of class indices', found: describeValue(v) });
    }
  }
  if (predictions.length !== labels.length) {
    throw new ShapeError('predictions and labels differ in length', {
      field: 'predictions',
      expected: `as many predictions as labels (${labels.length})`,
      found: `${predictions.length} predictions for ${labels.length} labels`,
    });
  }
  return labels.length;
}

/** Throws a ValidationError unless every label is an integer in [0, numClasses) (any integer ≥ 0 when `numClasses` is undefined). */
export function checkLabels(labels: ArrayLike<number>, numClasses?: number): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || (numClasses !== undefined && y >= numClasses)) {
      throw new ValidationError('label out of range', {
        field: `labels[${i}]`,
        expected: numClasses === undefined ? 'an integer >= 0' : `an integer in [0, ${numClasses - 1}]`,
        found: describeValue(y),
      });
    }
  }
}

/**
 * Fraction of samples whose prediction equals the label.
 *
 * @remarks
 * `accuracy = (1/N) Σ_i [ŷ_i = y_i]`. An abstention (−1) never matches a label.
 *
 * @param predictions - predicted class per sample (−1 allowed for "no decision")
 * @param labels - true class per sample, integers ≥ 0
 * @returns accuracy in [0, 1]
 * @throws ShapeError naming both lengths when they differ; ValidationError for an empty set or a bad label
 * @example
 * ```ts
 * accuracy([1, 2, 0, -1], [1, 2, 1, 0]); // 0.5
 * ```
 */
export function accuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = checkPairs(predictions, labels);
  if (n === 0) {
    throw new ValidationError('accuracy of an empty set', { field: 'labels', expected: 'at least one sample', found: '0 samples' });
  }
  checkLabels(labels);
  let correct = 0;
  for (let i = 0; i < n; i++) if (predictions[i] === labels[i]) correct++;
  return correct / n;
}
