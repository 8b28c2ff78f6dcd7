import { ShapeError } from '@snn/core';

/**
 * The class with the largest score in row `row` of a `[B, C]` array, lowest index on ties (as
 * `torch.argmax`).
 *
 * @param scores - `[B, C]` row-major (spike counts, logits, probabilities)
 * @param row - the sample b
 * @param classes - C
 */
export function argmaxRow(scores: ArrayLike<number>, row: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (scores[row * classes + c] > scores[row * classes + best]) best = c;
  return best;
}

/** What a {@link PredictionTally} adds up to over a dataset. */
export interface TallyResult {
  /** Predicted class per sample, in the order added. */
  readonly predictions: Int32Array;
  /** Label per sample, in the order added. */
  readonly labels: Int32Array;
  /** Fraction of samples predicted right (0 for no samples). */
  readonly accuracy: number;
  /** Mean loss per sample (batch means weighted by batch size); NaN without losses or samples. */
  readonly loss: number;
  /** Number of samples. */
  readonly samples: number;
}

/**
 * Adds up predictions, accuracy and loss of a classifier over a dataset scored batch by batch:
 * each sample's prediction is the argmax of its row of scores ({@link argmaxRow}).
 *
 * @example
 * ```ts
 * const tally = new PredictionTally(dataset.count, 10);
 * for (const batch of batches) tally.add(model.forward(batch).counts, batch.labels, loss);
 * const { accuracy, predictions } = tally.result();
 * ```
 */
export class PredictionTally {
  private readonly predictions: Int32Array;
  private readonly labels: Int32Array;
  private filled = 0;
  private correct = 0;
  private lossSum = 0;
  private lossSamples = 0;

  /**
   * @param samples - samples in the dataset (the capacity)
   * @param classes - C, the width of a score row
   */
  constructor(
    samples: number,
    private readonly classes: number,
  ) {
    this.predictions = new Int32Array(samples);
    this.labels = new Int32Array(samples);
  }

  /**
   * Adds one batch.
   *
   * @param scores - `[B, C]` row-major
   * @param labels - B labels
   * @param loss - the batch's mean loss, if the model has one
   * @throws `ShapeError` when the scores are not `[B, C]` or the batch overflows the capacity
   */
  add(scores: ArrayLike<number>, labels: ArrayLike<number>, loss?: number): void {
    const size = labels.length;
    if (scores.length !== size * this.classes || this.filled + size > this.predictions.length) {
      throw new ShapeError('batch does not fit the tally', {
        field: 'scores',
        expected: `[${size}, ${this.classes}] scores and at most ${this.predictions.length - this.filled} more samples`,
        found: `${scores.length} scores for ${size} labels`,
      });
    }
    for (let b = 0; b < size; b++) {
      const predicted = argmaxRow(scores, b, this.classes);
      this.predictions[this.filled + b] = predicted;
      this.labels[this.filled + b] = labels[b];
      if (predicted === labels[b]) this.correct++;
    }
    if (loss !== undefined) {
      this.lossSum += loss * size;
      this.lossSamples += size;
    }
    this.filled += size;
  }

  /** Predictions, labels, accuracy and mean loss so far. */
  result(): TallyResult {
    const n = this.filled;
    return {
      predictions: this.predictions.subarray(0, n),
      labels: this.labels.subarray(0, n),
      accuracy: n > 0 ? this.correct / n : 0,
      loss: this.lossSamples > 0 ? this.lossSum / this.lossSamples : Number.NaN,
      samples: n,
    };
  }
}
