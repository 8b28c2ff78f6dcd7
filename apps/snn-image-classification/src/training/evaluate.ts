import { Rng } from '@snn/core';
import type { ImageDataset } from '@snn/datasets';
import type { RecurrentClassifier } from '@snn/learning';
import { PredictionTally } from '@snn/readout';
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
  const tally = new PredictionTally(dataset.count, model.classes);
  for (const batch of encodedBatches(dataset, identityOrder(dataset.count), batchSize, settings, new Rng(seed))) {
    const result = model.evaluateLoss(batch.spikes, batch.labels);
    tally.add(result.logits, batch.labels, result.loss);
  }
  return { ...tally.result(), seconds: (performance.now() - start) / 1000 };
}
