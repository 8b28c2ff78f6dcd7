import { type Tensor, ValidationError } from '@snn/core';
import type { BaselineModel } from '../model/model.js';

/** Options of {@link EarlyStopping}. */
export interface EarlyStoppingOptions {
  /** Epochs without improvement after which training stops (positive integer). Default 5. */
  readonly patience?: number;
  /** Smallest change of the monitored value that counts as an improvement (≥ 0). Default 0. */
  readonly minDelta?: number;
  /** `'max'` for a value to maximise (accuracy), `'min'` for one to minimise (loss). Default `'max'`. */
  readonly mode?: 'max' | 'min';
}

/** What {@link EarlyStopping.update} decided for one epoch. */
export interface EarlyStoppingDecision {
  /** The value beat the best so far by more than `minDelta` (its weights were snapshotted). */
  readonly improved: boolean;
  /** `patience` epochs in a row without improvement: stop training. */
  readonly stop: boolean;
}

/**
 * Early stopping on a validation metric, keeping a copy of the best weights (Keras' `EarlyStopping(restore_best_weights=True)`).
 *
 * @remarks
 * After each epoch call {@link EarlyStopping.update} with the validation
 * value. An improvement is `value > best + minDelta` (mode `'max'`) or
 * `value < best − minDelta` (mode `'min'`); it resets the wait counter and
 * snapshots `model.stateTensors()`. Training should stop once `patience`
 * epochs in a row brought no improvement; {@link EarlyStopping.restoreBest}
 * then loads the snapshot back (Prechelt, 1998, "Early stopping — but when?").
 *
 * @example
 * ```ts
 * const stopper = new EarlyStopping({ patience: 5 });
 * for (let epoch = 1; epoch <= 50; epoch++) {
 *   await trainBaselineEpoch(model, x, y, opts);
 *   const { accuracy } = await evaluateBaseline(model, xVal, yVal);
 *   if (stopper.update(accuracy, model).stop) break;
 * }
 * stopper.restoreBest(model);
 * ```
 */
export class EarlyStopping {
  /** Epochs without improvement tolerated. */
  readonly patience: number;
  /** Smallest change that counts as an improvement. */
  readonly minDelta: number;
  /** Whether larger or smaller values are better. */
  readonly mode: 'max' | 'min';
  private bestValue: number;
  private bestAt = 0;
  private calls = 0;
  private wait = 0;
  private snapshot: Record<string, Tensor> | null = null;

  /**
   * @param opts - see {@link EarlyStoppingOptions}
   * @throws `ValidationError` naming the bad option
   */
  constructor(opts: EarlyStoppingOptions = {}) {
    const patience = opts.patience ?? 5;
    if (!Number.isInteger(patience) || patience <= 0) {
      throw new ValidationError('invalid option', { field: 'EarlyStopping.patience', expected: 'a positive integer', found: String(patience) });
    }
    const minDelta = opts.minDelta ?? 0;
    if (typeof minDelta !== 'number' || !(minDelta >= 0) || !Number.isFinite(minDelta)) {
      throw new ValidationError('invalid option', { field: 'EarlyStopping.minDelta', expected: 'a finite number ≥ 0', found: String(minDelta) });
    }
    const mode = opts.mode ?? 'max';
    if (mode !== 'max' && mode !== 'min') {
      throw new ValidationError('invalid option', { field: 'EarlyStopping.mode', expected: '"max" or "min"', found: String(mode) });
    }
    this.patience = patience;
    this.minDelta = minDelta;
    this.mode = mode;
    this.bestValue = mode === 'max' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }

  /** Best value so far (−∞ or +∞ before the first update). */
  get best(): number {
    return this.bestValue;
  }

  /** 1-based index of the update that gave the best value (0 before the first update). */
  get bestEpoch(): number {
    return this.bestAt;
  }

  /** Whether the last update asked to stop. */
  get stopped(): boolean {
    return this.wait >= this.patience;
  }

  /**
   * Records one epoch's validation value; snapshots the model's weights when it improved.
   *
   * @param value - the monitored value (e.g. validation accuracy)
   * @param model - the model whose weights to keep on improvement
   * @returns whether it improved and whether to stop
   * @throws `ValidationError` for a value that is not a finite number
   */
  update(value: number, model: BaselineModel): EarlyStoppingDecision {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ValidationError('monitored value is not finite', { field: 'EarlyStopping.update.value', expected: 'a finite number', found: String(value) });
    }
    this.calls++;
    const improved = this.mode === 'max' ? value > this.bestValue + this.minDelta : value < this.bestValue - this.minDelta;
    if (improved) {
      this.bestValue = value;
      this.bestAt = this.calls;
      this.wait = 0;
      this.snapshot = model.stateTensors();
    } else {
      this.wait++;
    }
    return { improved, stop: this.wait >= this.patience };
  }

  /**
   * Loads the best weights back into the model.
   * @param model - the model given to {@link EarlyStopping.update}
   * @throws `ValidationError` when no update has been made yet
   */
  restoreBest(model: BaselineModel): void {
    if (!this.snapshot) {
      throw new ValidationError('no best weights yet', { field: 'EarlyStopping.restoreBest', expected: 'at least one update() first', found: 'none' });
    }
    model.loadStateTensors(this.snapshot);
  }
}
