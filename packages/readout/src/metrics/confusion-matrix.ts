import { ValidationError, describeValue } from '@snn/core';
import { checkLabels, checkPairs } from './accuracy.js';

/** Counts of (true class, predicted class) pairs. */
export interface ConfusionMatrix {
  /** Row-major `[C × C]`: `matrix[y · C + ŷ]` counts samples of true class `y` predicted as `ŷ`. */
  readonly matrix: Int32Array;
  /** Number of classes C. */
  readonly numClasses: number;
  /** Per true class, the samples with no prediction (−1), which no column of `matrix` holds. */
  readonly abstained: Int32Array;
}

/** Per-class scores derived from a {@link ConfusionMatrix}. */
export interface ClassMetrics {
  /** `TP_c / (TP_c + FP_c)` per class: of the samples predicted `c`, the fraction that are `c` (0 when none is predicted `c`). */
  readonly precision: Float64Array;
  /** `TP_c / support_c` per class: of the samples of class `c`, the fraction predicted `c` (0 when the class has no sample). */
  readonly recall: Float64Array;
  /** Harmonic mean `2PR / (P + R)` per class (0 when P + R = 0). */
  readonly f1: Float64Array;
  /** Number of samples of each true class, abstentions included. */
  readonly support: Int32Array;
  /** Unweighted mean of `precision` over the classes. */
  readonly macroPrecision: number;
  /** Unweighted mean of `recall` over the classes. */
  readonly macroRecall: number;
  /** Unweighted mean of `f1` over the classes. */
  readonly macroF1: number;
}

/**
 * Confusion matrix of predictions against labels: rows are true classes,
 * columns predicted classes.
 *
 * @param predictions - predicted class per sample, integers in [0, C) or −1 ("no decision", counted in `abstained`)
 * @param labels - true class per sample, integers in [0, C)
 * @param numClasses - C, a positive integer
 * @returns the `[C × C]` counts and the abstentions per true class
 * @throws ShapeError naming both lengths when they differ; ValidationError for a label or prediction out of range
 * @example
 * ```ts
 * const cm = confusionMatrix([0, 1, 1, -1], [0, 1, 0, 1], 2);
 * Array.from(cm.matrix); // [1, 1, 0, 1]
 * Array.from(cm.abstained); // [0, 1]
 * ```
 */
export function confusionMatrix(predictions: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): ConfusionMatrix {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ValidationError('invalid number of classes', { field: 'numClasses', expected: 'a positive integer', found: describeValue(numClasses) });
  }
  const n = checkPairs(predictions, labels);
  checkLabels(labels, numClasses);
  const matrix = new Int32Array(numClasses * numClasses);
  const abstained = new Int32Array(numClasses);
  for (let i = 0; i < n; i++) {
    const p = predictions[i];
    const y = labels[i];
    if (p === -1) {
      abstained[y]++;
      continue;
    }
    if (!Number.isInteger(p) || p < 0 || p >= numClasses) {
      throw new ValidationError('prediction out of range', {
        field: `predictions[${i}]`,
        expected: `an integer in [0, ${numClasses - 1}] or -1`,
        found: describeValue(p),
      });
    }
    matrix[y * numClasses + p]++;
  }
  return { matrix, numClasses, abstained };
}

/**
 * Per-class precision, recall and F1 of a confusion matrix, with their macro averages.
 *
 * @remarks
 * With `TP_c = M[c, c]`, predicted-as-`c` `= Σ_y M[y, c]` and
 * `support_c = Σ_ŷ M[c, ŷ] + abstained_c`: precision `TP_c / Σ_y M[y, c]`,
 * recall `TP_c / support_c`, `F1 = 2PR/(P + R)`. A zero denominator gives 0
 * (scikit-learn's `zero_division=0`).
 *
 * @param cm - a {@link ConfusionMatrix}
 * @returns per-class precision, recall, F1 and support, and their macro means
 * @example
 * ```ts
 * const m = classMetrics(confusionMatrix([0, 1, 1, -1], [0, 1, 0, 1], 2));
 * Array.from(m.precision); // [1, 0.5]
 * Array.from(m.recall); // [0.5, 0.5]
 * ```
 */
export function classMetrics(cm: ConfusionMatrix): ClassMetrics {
  const C = cm.numClasses;
  const precision = new Float64Array(C);
  const recall = new Float64Array(C);
  const f1 = new Float64Array(C);
  const support = new Int32Array(C);
  for (let c = 0; c < C; c++) {
    let predicted = 0;
    let actual = cm.abstained[c];
    for (let k = 0; k < C; k++) {
      predicted += cm.matrix[k * C + c];
      actual += cm.matrix[c * C + k];
    }
    const tp = cm.matrix[c * C + c];
    support[c] = actual;
    precision[c] = predicted > 0 ? tp / predicted : 0;
    recall[c] = actual > 0 ? tp / actual : 0;
    const sum = precision[c] + recall[c];
    f1[c] = sum > 0 ? (2 * precision[c] * recall[c]) / sum : 0;
  }
  const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / C;
  return { precision, recall, f1, support, macroPrecision: mean(precision), macroRecall: mean(recall), macroF1: mean(f1) };
}
