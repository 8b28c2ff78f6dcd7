import type { MetricValue } from '@snn/cli';
import type { Rng, Tensor } from '@snn/core';
import type { ReportFigure } from '@snn/viz';
import type { Split } from '../data/mnist.js';

/** Progress of one training batch, for the progress bar. */
export interface BatchReport {
  /** Images in the batch. */
  readonly samples: number;
  /** Mean loss of the batch (NaN for rules without a loss). */
  readonly loss: number;
  /** Correctly classified images of the batch. */
  readonly correct: number;
}

/** What one training epoch returns. */
export interface EpochOutcome {
  /** Mean training loss (NaN for rules without a loss). */
  readonly loss: number;
  /** Training accuracy (fraction) measured during the epoch. */
  readonly accuracy: number;
  /** Images trained on. */
  readonly samples: number;
  /** Wall time of the epoch in seconds. */
  readonly seconds: number;
  /** Model-specific metrics of the epoch (e.g. weight changes), logged with a `train_` prefix. */
  readonly extra: Readonly<Record<string, MetricValue>>;
}

/** What an evaluation returns. */
export interface Evaluation {
  /** Predicted class per image. */
  readonly predictions: Int32Array;
  /** Mean loss (NaN for models without a loss). */
  readonly loss: number;
  /** Accuracy (fraction). */
  readonly accuracy: number;
  /** Wall time in seconds. */
  readonly seconds: number;
  /**
   * Model-specific per-image metrics (spike rate, SynOps, energy, FLOPs), logged with the split's
   * prefix (`val_`, `test_`).
   */
  readonly extra: Readonly<Record<string, MetricValue>>;
}

/** Weights and training state of a model, as stored in a checkpoint. */
export interface ModelState {
  /** Weight and optimiser tensors by name. */
  readonly tensors: Record<string, Tensor>;
  /** JSON-serialisable scalars (optimiser step and learning rate, …). */
  readonly meta: Record<string, unknown>;
}

/** Context handed to {@link TrainableModel.figures}. */
export interface FigureContext {
  /** The run's `figs/` folder. */
  readonly figsDir: string;
  /** Test images of the run. */
  readonly test: Split;
  /** Seed for any encoding done while drawing. */
  readonly seed: number;
}

/**
 * A model one command trains: the run session ({@link runSession}) handles data, epochs,
 * checkpoints, metrics, figures and the report around it.
 */
export interface TrainableModel {
  /** Short architecture string for logs and the report, e.g. `Izhikevich SNN 784-1024-10, T = 50`. */
  readonly description: string;
  /** Trainable parameters. */
  parameterCount(): number;
  /** Metrics that do not change with training (FLOPs, MACs, …), put in the manifest. */
  staticMetrics(): Record<string, MetricValue>;
  /**
   * Trains one epoch over the images in the order given.
   *
   * @param split - training images
   * @param order - image indices in training order (a seeded permutation)
   * @param rng - the epoch's generator (encoding, dropout)
   * @param onBatch - called after each batch
   */
  trainEpoch(split: Split, order: Uint32Array, rng: Rng, onBatch: (batch: BatchReport) => void): Promise<EpochOutcome>;
  /**
   * Classifies every image of a split.
   *
   * @param split - the images
   * @param rng - generator for stochastic encodings (fixed per split and run)
   */
  evaluate(split: Split, rng: Rng): Promise<Evaluation>;
  /** Weights and optimiser state for a checkpoint. */
  getState(): ModelState;
  /**
   * Restores weights (and optimiser state when present) from a checkpoint.
   *
   * @param state - tensors and meta loaded from a checkpoint file
   * @param file - the file, for error messages
   */
  setState(state: ModelState, file: string): void;
  /** Extra figures of this model (receptive fields, training analysis), saved in `figs/`. */
  figures(context: FigureContext, records: readonly Readonly<Record<string, MetricValue>>[]): Promise<ReportFigure[]>;
}
