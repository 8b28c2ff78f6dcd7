import type { BatchProgress, BpttBatch, EpochResult } from '../bptt/train.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { RecurrentClassifier } from './classifier.js';

/** Options of {@link trainRecurrentEpoch}. */
export interface TrainRecurrentEpochOptions {
  /** Called after every optimiser step. */
  readonly onBatch?: (progress: BatchProgress) => void;
}

/** Options of {@link evaluateRecurrent}. */
export interface EvaluateRecurrentOptions {
  /** Also compute the mean batch loss (default true); otherwise `loss` is NaN. */
  readonly loss?: boolean;
}

/** Result of {@link evaluateRecurrent}: the epoch summary plus the hidden firing rate. */
export interface RecurrentEvaluation extends EpochResult {
  /** Mean spikes per hidden neuron per step over all samples, in [0, 1]. */
  readonly hiddenRate: number;
}

/**
 * Trains a {@link RecurrentClassifier} for one pass over the batches: per batch `zeroGrad`, forward + backward, optimiser step.
 *
 * @remarks
 * Data order and encoding are the caller's (pass the batches in the order
 * wanted, e.g. from a seeded shuffle), so a run is reproducible from its seeds.
 * The same loop as `trainEpoch` for `LifNetwork`.
 *
 * @param model - the classifier (its parameters must be the optimiser's)
 * @param batches - encoded batches, consumed once
 * @param optimizer - e.g. `new Adam(model.parameters(), { lr: 1e-3 })`
 * @param opts - progress callback
 * @returns mean batch loss, training accuracy, counts and time
 * @example
 * ```ts
 * const result = trainRecurrentEpoch(model, batches, new Adam(model.parameters(), { lr: 1e-3 }));
 * ```
 */
export function trainRecurrentEpoch(
  model: RecurrentClassifier,
  batches: Iterable<BpttBatch>,
  optimizer: Optimizer,
  opts: TrainRecurrentEpochOptions = {},
): EpochResult {
  const start = performance.now();
  let lossSum = 0;
  let correct = 0;
  let samples = 0;
  let index = 0;
  for (const batch of batches) {
    optimizer.zeroGrad();
    const result = model.trainStep(batch.spikes, batch.labels);
    optimizer.step();
    lossSum += result.loss;
    correct += result.correct;
    samples += batch.spikes.batch;
    opts.onBatch?.({ index, loss: result.loss, correct: result.correct, samples: batch.spikes.batch });
    index++;
  }
  return {
    loss: index > 0 ? lossSum / index : Number.NaN,
    accuracy: samples > 0 ? correct / samples : 0,
    samples,
    batches: index,
    seconds: (performance.now() - start) / 1000,
  };
}

/**
 * Accuracy, mean batch loss and hidden firing rate of a {@link RecurrentClassifier} over batches, without training.
 *
 * @param model - the classifier
 * @param batches - encoded batches, consumed once
 * @param opts - `loss: false` skips the loss
 * @example
 * ```ts
 * const { accuracy, hiddenRate } = evaluateRecurrent(model, testBatches);
 * ```
 */
export function evaluateRecurrent(model: RecurrentClassifier, batches: Iterable<BpttBatch>, opts: EvaluateRecurrentOptions = {}): RecurrentEvaluation {
  const withLoss = opts.loss ?? true;
  const start = performance.now();
  let lossSum = 0;
  let correct = 0;
  let samples = 0;
  let index = 0;
  let spikeSum = 0;
  let neuronSteps = 0;
  const C = model.classes;
  for (const batch of batches) {
    const out = model.forward(batch.spikes);
    if (withLoss) {
      // The loss from the logits already computed (mean softmax cross-entropy, float64).
      let total = 0;
      for (let b = 0; b < batch.spikes.batch; b++) {
        let max = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < C; c++) max = Math.max(max, out.logits[b * C + c]);
        let sum = 0;
        for (let c = 0; c < C; c++) sum += Math.exp(out.logits[b * C + c] - max);
        total += Math.log(sum) + max - out.logits[b * C + batch.labels[b]];
      }
      lossSum += total / batch.spikes.batch;
    }
    for (let b = 0; b < batch.spikes.batch; b++) {
      let best = 0;
      for (let c = 1; c < C; c++) if (out.logits[b * C + c] > out.logits[b * C + best]) best = c;
      if (best === batch.labels[b]) correct++;
    }
    const cells = batch.spikes.batch * batch.spikes.numSteps * model.spec.hiddenSize;
    spikeSum += out.hiddenRate * cells;
    neuronSteps += cells;
    samples += batch.spikes.batch;
    index++;
  }
  return {
    loss: withLoss && index > 0 ? lossSum / index : Number.NaN,
    accuracy: samples > 0 ? correct / samples : 0,
    samples,
    batches: index,
    seconds: (performance.now() - start) / 1000,
    hiddenRate: neuronSteps > 0 ? spikeSum / neuronSteps : 0,
  };
}
