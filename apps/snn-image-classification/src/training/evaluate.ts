import { Rng } from '@snn/core';
import type { ImageDataset } from '@snn/datasets';
import type { RecurrentClassifier } from '@snn/learning';
import { type EncodingSettings, encodedBatches, identityOrder } from '../data/encode.js';

/** Result of {@link evaluateDataset}. */
export interface Evaluation {
  /** Mean softmax cross-entropy per sample. */
  readonly loss: number;
  /** Fraction of samples whose largest logit is the label (ties: lowest class). */
  readonly accuracy: number;
  /** Predicted class per sample, in dataset order. */
  readonly predictions: Int32Array;
  /** Label per sample, in dataset order. */
  readonly labels: Int32Array;
  /** Number of samples. */
  readonly samples: number;
  /** Wall time in seconds (encoding included). */
  readonly seconds: number;
}

/**
 * The class with the largest value in row `row` of a `[B, C]` array (lowest index on ties).
 *
 * @param values - `[B, C]` row-major
 * @param row - the sample
 * @param classes - C
 */
export function argmaxRow(values: ArrayLike<number>, row: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (values[row * classes + c] > values[row * classes + best]) best = c;
  return best;
}

/**
 * Runs a classifier over a whole dataset in order (no training): loss, accuracy, predictions.
 *
 * @param model - the classifier
 * @param dataset - the images
 * @param settings - encoding section and T
 * @param seed - seed of the encoding stream (the same seed gives the same spikes every time)
 * @param batchSize - samples per forward pass; default 256
 */
export function evaluateDataset(model: RecurrentClassifier, dataset: ImageDataset, settings: EncodingSettings, seed: number, batchSize = 256): Evaluation {
  const start = performance.now();
  const classes = model.classes;
  const n = dataset.count;
  const predictions = new Int32Array(n);
  const labels = new Int32Array(n);
  let lossSum = 0;
  let correct = 0;
  let k = 0;
  for (const batch of encodedBatches(dataset, identityOrder(n), batchSize, settings, new Rng(seed))) {
    const result = model.evaluateLoss(batch.spikes, batch.labels);
    const size = batch.labels.length;
    lossSum += result.loss * size;
    for (let b = 0; b < size; b++) {
      const predicted = argmaxRow(result.logits, b, classes);
      predictions[k + b] = predicted;
      labels[k + b] = batch.labels[b];
      if (predicted === batch.labels[b]) correct++;
    }
    k += size;
  }
  return {
    loss: n > 0 ? lossSum / n : Number.NaN,
    accuracy: n > 0 ? correct / n : 0,
    predictions,
    labels,
    samples: n,
    seconds: (performance.now() - start) / 1000,
  };
}
