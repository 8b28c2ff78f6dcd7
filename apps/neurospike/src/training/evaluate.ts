import { Rng } from '@snn/core';
import type { ImageDataset } from '@snn/datasets';
import type { BpttLoss, LifNetwork } from '@snn/learning';
import { PredictionTally } from '@snn/readout';
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
  const tally = new PredictionTally(dataset.count, network.classes);
  let spikes = 0;
  for (const batch of encodedBatches(dataset, identityOrder(dataset.count), batchSize, settings, new Rng(seed))) {
    const result = network.evaluateLoss(batch.spikes, batch.labels, loss);
    tally.add(result.counts, batch.labels, result.loss);
    for (let i = 0; i < result.counts.length; i++) spikes += result.counts[i];
  }
  const n = dataset.count;
  return { ...tally.result(), outputSpikeRate: n > 0 ? spikes / (n * settings.numSteps * network.classes) : 0, seconds: (performance.now() - start) / 1000 };
}
