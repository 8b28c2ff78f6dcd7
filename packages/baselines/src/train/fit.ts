import { type Rng, ValidationError } from '@snn/core';
import type { Optimizer } from '@snn/learning';
import type { EpochMetrics } from '../mlp/train.js';
import type { BaselineModel } from '../model/model.js';
import { EarlyStopping } from './early-stopping.js';
import { evaluateBaseline, trainBaselineEpoch } from './train.js';

/** Training and validation data of {@link fitBaseline}. */
export interface FitData {
  /** Training inputs, `[n, inputs]` (see {@link pixelsToUnit}). */
  readonly trainImages: Float32Array;
  /** Training labels, n integers. */
  readonly trainLabels: ArrayLike<number>;
  /** Validation inputs, `[m, inputs]`: the early-stopping monitor. */
  readonly validationImages: Float32Array;
  /** Validation labels, m integers. */
  readonly validationLabels: ArrayLike<number>;
}

/** Options of {@link fitBaseline}. */
export interface FitOptions {
  /** Most epochs to train (positive integer). */
  readonly epochs: number;
  /** Examples per optimiser step. */
  readonly batchSize: number;
  /** Optimiser over `model.parameters()` (e.g. `new Adam(model.parameters(), { lr: 1e-3 })`). */
  readonly optimizer: Optimizer;
  /** Seeded generator for the shuffles and dropout masks. */
  readonly rng: Rng;
  /** Early-stopping patience in epochs on validation accuracy. Default 5. */
  readonly patience?: number;
  /** Smallest validation-accuracy gain that counts as an improvement (fraction, e.g. 0.0005). Default 0. */
  readonly minDelta?: number;
  /** Examples per forward pass of the validation. Default 1000. */
  readonly evaluationBatchSize?: number;
  /** Called after every epoch. */
  readonly onEpoch?: (epoch: FitEpoch) => void | Promise<void>;
  /** Called after every training batch with its index, the number of batches and its loss. */
  readonly onBatch?: (index: number, batches: number, loss: number) => void;
}

/** One epoch of {@link fitBaseline}. */
export interface FitEpoch {
  /** 1-based epoch number. */
  readonly epoch: number;
  /** Training-mode metrics of the epoch. */
  readonly train: EpochMetrics;
  /** Evaluation-mode metrics on the validation set after the epoch. */
  readonly validation: EpochMetrics;
  /** Validation accuracy improved (the weights were snapshotted). */
  readonly improved: boolean;
  /** Best validation accuracy so far. */
  readonly bestValidationAccuracy: number;
}

/** Result of {@link fitBaseline}. */
export interface FitResult {
  /** Every epoch trained. */
  readonly epochs: FitEpoch[];
  /** Epoch whose weights the model holds at the end (best validation accuracy). */
  readonly bestEpoch: number;
  /** Validation accuracy of that epoch. */
  readonly bestValidationAccuracy: number;
  /** Stopped by early stopping before `epochs`. */
  readonly stoppedEarly: boolean;
}

/**
 * Trains a baseline model with early stopping on validation accuracy and leaves it holding the best epoch's weights.
 *
 * @remarks
 * Per epoch: {@link trainBaselineEpoch}, then {@link evaluateBaseline} on the
 * validation set, then {@link EarlyStopping.update}; training stops after
 * `patience` epochs without improvement (or after `epochs`), and the best
 * weights (and batch-norm statistics) are restored.
 *
 * @param model - an {@link Mlp} or {@link Cnn}
 * @param data - training and validation sets; see {@link FitData}
 * @param opts - see {@link FitOptions}
 * @returns the history and the best epoch
 * @throws `ValidationError` for a bad option; errors of {@link trainBaselineEpoch} for bad data
 * @example
 * ```ts
 * const cnn = createCnn({ rng: new Rng(0) });
 * const result = await fitBaseline(cnn, data, { epochs: 30, batchSize: 64, optimizer: new Adam(cnn.parameters()), rng: new Rng(1), patience: 5 });
 * result.bestEpoch;
 * ```
 */
export async function fitBaseline(model: BaselineModel, data: FitData, opts: FitOptions): Promise<FitResult> {
  const epochs = opts?.epochs;
  if (!Number.isInteger(epochs) || epochs <= 0) {
    throw new ValidationError('invalid option', { field: 'fitBaseline.epochs', expected: 'a positive integer', found: String(epochs) });
  }
  const stopper = new EarlyStopping({ patience: opts.patience ?? 5, minDelta: opts.minDelta ?? 0, mode: 'max' });
  const history: FitEpoch[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const train = await trainBaselineEpoch(model, data.trainImages, data.trainLabels, {
      batchSize: opts.batchSize,
      optimizer: opts.optimizer,
      rng: opts.rng,
      onBatch: opts.onBatch,
    });
    const validation = await evaluateBaseline(model, data.validationImages, data.validationLabels, { batchSize: opts.evaluationBatchSize ?? 1000 });
    const decision = stopper.update(validation.accuracy, model);
    const record: FitEpoch = { epoch, train, validation, improved: decision.improved, bestValidationAccuracy: stopper.best };
    history.push(record);
    await opts.onEpoch?.(record);
    if (decision.stop) break;
  }
  stopper.restoreBest(model);
  return { epochs: history, bestEpoch: stopper.bestEpoch, bestValidationAccuracy: stopper.best, stoppedEarly: stopper.stopped && history.length < epochs };
}
