import { ShapeError, type SparseSpikes } from '@snn/core';
import type { Optimizer } from '../optim/optimizer.js';
import type { BpttLoss } from './loss.js';
import type { LifNetwork } from './network.js';

/** One batch of encoded samples: spike trains and their labels. */
export interface BpttBatch {
  /** Input spikes `[batch, T, inputs]`. */
  readonly spikes: SparseSpikes;
  /** Class per sample, `spikes.batch` integers. */
  readonly labels: ArrayLike<number>;
}

/** What {@link trainEpoch} reports after each batch. */
export interface BatchProgress {
  /** Index of the batch in the epoch, from 0. */
  readonly index: number;
  /** Loss of the batch. */
  readonly loss: number;
  /** Samples of the batch whose largest output spike count is the label. */
  readonly correct: number;
  /** Number of samples in the batch. */
  readonly samples: number;
}

/** Options of {@link trainEpoch}. */
export interface TrainEpochOptions {
  /** The loss; default `{ kind: 'membraneCrossEntropy' }` (snnTorch tutorial 5). */
  readonly loss?: BpttLoss;
  /** Called after every optimiser step. */
  readonly onBatch?: (progress: BatchProgress) => void;
}

/** Summary of one pass over a set of batches. */
export interface EpochResult {
  /** Mean of the batch losses (NaN when evaluating without a loss). */
  readonly loss: number;
  /** Fraction of samples whose largest output spike count is the label (ties: the lowest class wins). */
  readonly accuracy: number;
  /** Number of samples seen. */
  readonly samples: number;
  /** Number of batches seen. */
  readonly batches: number;
  /** Wall-clock time of the pass, in seconds. */
  readonly seconds: number;
}

/**
 * Number of samples whose predicted class (the largest spike count, lowest index on ties, like `torch.argmax`) is the label.
 *
 * @param counts - spike counts `[batch, classes]` row-major
 * @param labels - class per sample
 * @param classes - number of classes
 * @throws `ShapeError` when `counts.length` is not `labels.length × classes`
 * @example
 * ```ts
 * countCorrect(new Float32Array([3, 1, 0, 2]), [0, 0], 2); // 1
 * ```
 */
export function countCorrect(counts: Float32Array, labels: ArrayLike<number>, classes: number): number {
  if (counts.length !== labels.length * classes) {
    throw new ShapeError('counts length does not match labels × classes', {
      field: 'counts',
      expected: `${labels.length * classes}`,
      found: `${counts.length}`,
    });
  }
  let correct = 0;
  for (let b = 0; b < labels.length; b++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (counts[b * classes + c] > counts[b * classes + best]) best = c;
    if (best === labels[b]) correct++;
  }
  return correct;
}

/**
 * Trains a {@link LifNetwork} for one pass over the batches: for each batch, `zeroGrad`, forward + backward, optimiser step.
 *
 * @remarks
 * The loop of snnTorch's tutorial 5. Data order and encoding are the
 * caller's (pass the batches in the order wanted, e.g. from a seeded
 * shuffle), so a run is reproducible from its seeds.
 *
 * @param network - the network to train (its parameters must be the optimiser's)
 * @param batches - encoded batches, consumed once
 * @param optimizer - e.g. `new Adam(network.parameters(), { lr: 5e-4 })`
 * @param opts - loss and progress callback; see {@link TrainEpochOptions}
 * @returns mean batch loss, training accuracy, counts and time
 * @example
 * ```ts
 * const result = trainEpoch(net, batches, new Adam(net.parameters(), { lr: 5e-4 }));
 * console.log(result.loss, result.accuracy);
 * ```
 */
export function trainEpoch(network: LifNetwork, batches: Iterable<BpttBatch>, optimizer: Optimizer, opts: TrainEpochOptions = {}): EpochResult {
  const loss = opts.loss ?? { kind: 'membraneCrossEntropy' };
  const start = performance.now();
  let lossSum = 0;
  let correct = 0;
  let samples = 0;
  let index = 0;
  for (const batch of batches) {
    optimizer.zeroGrad();
    const result = network.forwardBackward(batch.spikes, batch.labels, loss);
    optimizer.step();
    const batchCorrect = countCorrect(result.counts, batch.labels, network.classes);
    lossSum += result.loss;
    correct += batchCorrect;
    samples += batch.spikes.batch;
    opts.onBatch?.({ index, loss: result.loss, correct: batchCorrect, samples: batch.spikes.batch });
    index++;
  }
  return { loss: index > 0 ? lossSum / index : Number.NaN, accuracy: samples > 0 ? correct / samples : 0, samples, batches: index, seconds: (performance.now() - start) / 1000 };
}

/**
 * Accuracy (and, with a loss, the mean batch loss) of a {@link LifNetwork} over batches, without training.
 *
 * @param network - the network
 * @param batches - encoded batches, consumed once
 * @param loss - when given, the loss is computed too; otherwise `loss` is NaN
 * @example
 * ```ts
 * const { accuracy } = evaluate(net, testBatches);
 * ```
 */
export function evaluate(network: LifNetwork, batches: Iterable<BpttBatch>, loss?: BpttLoss): EpochResult {
  const start = performance.now();
  let lossSum = 0;
  let correct = 0;
  let samples = 0;
  let index = 0;
  for (const batch of batches) {
    let counts: Float32Array;
    if (loss) {
      const result = network.evaluateLoss(batch.spikes, batch.labels, loss);
      lossSum += result.loss;
      counts = result.counts;
    } else {
      counts = network.forward(batch.spikes).counts;
    }
    correct += countCorrect(counts, batch.labels, network.classes);
    samples += batch.spikes.batch;
    index++;
  }
  return { loss: loss && index > 0 ? lossSum / index : Number.NaN, accuracy: samples > 0 ? correct / samples : 0, samples, batches: index, seconds: (performance.now() - start) / 1000 };
}
