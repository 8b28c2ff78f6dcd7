import { Rng } from '@snn/core';
import type { ImageDataset } from '@snn/datasets';
import type { BpttLoss, LifNetwork } from '@snn/learning';
import { type EncodingSettings, encodedBatches, identityOrder } from '../data/encode.js';

/** Result of {@link evaluateDataset}. */
export interface Evaluation {
  /** Mean loss per sample (the batch-mean losses weighted by batch size). */
  readonly loss: number;
  /** Fraction of samples whose largest output spike count is the label (ties: lowest class). */
  readonly accuracy: number;
  /** Predicted class per sample, in dataset order. */
  readonly predictions: Int32Array;
  /** Label per sample, in dataset order. */
  readonly labels: Int32Array;
  /** Output spikes per neuron per step, averaged over samples, steps and output neurons. */
  readonly outputSpikeRate: number;
  /** Number of samples. */
  readonly samples: number;
  /** Wall time in seconds. */
  readonly seconds: number;
}

/** Class with the largest count in row b (lowest index on ties, like `torch.argmax`). */
export function argmaxRow(values: ArrayLike<number>, row: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (values[row * classes + c] > values[row * classes + best]) best = c;
  return best;
}

/**
 * Runs a network over a whole dataset in order (no training): loss, accuracy, predictions.
 *
 * @param network - the network
 * @param dataset - the images
 * @param settings - encoding section and T
 * @param seed - seed of the encoding stream (the same seed gives the same spikes at every epoch)
 * @param loss - the training loss, evaluated on these samples too
 * @param batchSize - samples per forward pass; default 256
 */
export function evaluateDataset(
  network: LifNetwork,
  dataset: ImageDataset,
  settings: EncodingSettings,
  seed: number,
  loss: BpttLoss,
  batchSize = 256,
): Evaluation {
  const start = performance.now();
  const classes = network.classes;
  const n = dataset.count;
  const predictions = new Int32Array(n);
  const labels = new Int32Array(n);
  let lossSum = 0;
  let correct = 0;
  let spikes = 0;
  let k = 0;
  for (const batch of encodedBatches(dataset, identityOrder(n), batchSize, settings, new Rng(seed))) {
    const result = network.evaluateLoss(batch.spikes, batch.labels, loss);
    const size = batch.labels.length;
    lossSum += result.loss * size;
    for (let b = 0; b < size; b++) {
      const predicted = argmaxRow(result.counts, b, classes);
      predictions[k + b] = predicted;
      labels[k + b] = batch.labels[b];
      if (predicted === batch.labels[b]) correct++;
    }
    for (let i = 0; i < result.counts.length; i++) spikes += result.counts[i];
    k += size;
  }
  return {
    loss: n > 0 ? lossSum / n : Number.NaN,
    accuracy: n > 0 ? correct / n : 0,
    predictions,
    labels,
    outputSpikeRate: n > 0 ? spikes / (n * settings.numSteps * classes) : 0,
    samples: n,
    seconds: (performance.now() - start) / 1000,
  };
}
