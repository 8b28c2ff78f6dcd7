import { NumericError, ValidationError } from '@snn/core';
import { checkNumber, type Optimizer } from '../optim/optimizer.js';
import { checkChoice, checkSchedulerState, readValue, type LrScheduler, type LrSchedulerState } from './scheduler.js';

/** Options of {@link ReduceLrOnPlateau}; the defaults are PyTorch's. */
export interface ReduceLrOnPlateauOptions {
  /** `'min'`: the metric should fall (a loss); `'max'`: it should rise (an accuracy). Default `'min'`. */
  readonly mode?: 'min' | 'max';
  /** Factor applied to the rate on a plateau, in (0, 1). Default 0.1. */
  readonly factor?: number;
  /** Epochs without improvement tolerated before reducing (integer ≥ 0). Default 10. */
  readonly patience?: number;
  /** Smallest change that counts as an improvement (≥ 0), relative or absolute per `thresholdMode`. Default 1e-4. */
  readonly threshold?: number;
  /** `'rel'`: improvement beyond best·(1 ∓ threshold); `'abs'`: beyond best ∓ threshold. Default `'rel'`. */
  readonly thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (integer ≥ 0). Default 0. */
  readonly cooldown?: number;
  /** Lower bound on the rate (≥ 0). Default 0. */
  readonly minLr?: number;
  /** Reductions smaller than this are skipped (≥ 0). Default 1e-8. */
  readonly eps?: number;
}

/**
 * Reduces the learning rate when a monitored metric stops improving, like PyTorch's `torch.optim.lr_scheduler.ReduceLROnPlateau`.
 *
 * @remarks
 * On each `step(metric)`:
 *
 * ```
 * better = metric < best·(1 − threshold)    (min, rel)    metric < best − threshold   (min, abs)
 *          metric > best·(1 + threshold)    (max, rel)    metric > best + threshold   (max, abs)
 * if better: best ← metric, bad ← 0   else bad ← bad + 1
 * if cooldownCounter > 0: cooldownCounter ← cooldownCounter − 1, bad ← 0
 * if bad > patience:
 *     new = max(lr·factor, minLr);  if lr − new > eps: lr ← new
 *     cooldownCounter ← cooldown,  bad ← 0
 * ```
 *
 * `best` starts at +∞ (min) or −∞ (max), so the first metric is always an improvement.
 *
 * @example
 * ```ts
 * const sched = new ReduceLrOnPlateau(optimizer, { mode: 'min', patience: 2 });
 * for (let epoch = 0; epoch < 20; epoch++) { train(); sched.step(validationLoss()); }
 * ```
 */
export class ReduceLrOnPlateau implements LrScheduler {
  /** The optimiser whose `lr` the schedule sets. */
  readonly optimizer: Optimizer;
  /** Whether the metric should fall (`'min'`) or rise (`'max'`). */
  readonly mode: 'min' | 'max';
  /** Reduction factor. */
  readonly factor: number;
  /** Bad epochs tolerated before a reduction. */
  readonly patience: number;
  /** Improvement threshold. */
  readonly threshold: number;
  /** How `threshold` is applied. */
  readonly thresholdMode: 'rel' | 'abs';
  /** Epochs of cooldown after a reduction. */
  readonly cooldown: number;
  /** Lower bound on the rate. */
  readonly minLr: number;
  /** Smallest reduction applied. */
  readonly eps: number;
  private epoch = 0;
  private bestValue: number;
  private bad = 0;
  private cooldownCounter = 0;

  /**
   * @param optimizer - the optimiser to schedule
   * @param opts - see {@link ReduceLrOnPlateauOptions}
   * @throws `ValidationError` naming a bad option
   */
  constructor(optimizer: Optimizer, opts: ReduceLrOnPlateauOptions = {}) {
    this.optimizer = optimizer;
    this.mode = checkChoice(opts.mode ?? 'min', ['min', 'max'], 'ReduceLrOnPlateau.mode');
    this.factor = checkNumber(opts.factor ?? 0.1, 'ReduceLrOnPlateau.factor', 'a number in (0, 1)', (x) => x > 0 && x < 1);
    this.patience = checkNumber(opts.patience ?? 10, 'ReduceLrOnPlateau.patience', 'an integer >= 0', (x) => Number.isInteger(x) && x >= 0);
    this.threshold = checkNumber(opts.threshold ?? 1e-4, 'ReduceLrOnPlateau.threshold', 'a finite number >= 0', (x) => x >= 0);
    this.thresholdMode = checkChoice(opts.thresholdMode ?? 'rel', ['rel', 'abs'], 'ReduceLrOnPlateau.thresholdMode');
    this.cooldown = checkNumber(opts.cooldown ?? 0, 'ReduceLrOnPlateau.cooldown', 'an integer >= 0', (x) => Number.isInteger(x) && x >= 0);
    this.minLr = checkNumber(opts.minLr ?? 0, 'ReduceLrOnPlateau.minLr', 'a finite number >= 0', (x) => x >= 0);
    this.eps = checkNumber(opts.eps ?? 1e-8, 'ReduceLrOnPlateau.eps', 'a finite number >= 0', (x) => x >= 0);
    this.bestValue = this.worst();
  }

  /** Number of `step()` calls so far. */
  get lastEpoch(): number {
    return this.epoch;
  }

  /** The optimiser's current learning rate. */
  get lr(): number {
    return this.optimizer.lr;
  }

  /** Best metric seen so far (±∞ before the first step). */
  get best(): number {
    return this.bestValue;
  }

  /** Consecutive epochs without improvement, as counted now. */
  get numBadEpochs(): number {
    return this.bad;
  }

  /** Whether a cooldown is running (bad epochs are not counted). */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /**
   * Records one epoch's metric and reduces `optimizer.lr` after more than `patience` epochs without improvement.
   * @param metric - the monitored value for this epoch
   * @throws `ValidationError` when the metric is missing; `NumericError` when it is NaN or infinite
   */
  step(metric?: number): void {
    if (typeof metric !== 'number') {
      throw new ValidationError('ReduceLrOnPlateau.step needs the monitored metric', {
        field: 'ReduceLrOnPlateau.step(metric)',
        expected: 'a finite number',
        found: String(metric),
      });
    }
    if (!Number.isFinite(metric)) {
      throw new NumericError('non-finite metric', { field: 'ReduceLrOnPlateau.step(metric)', expected: 'a finite number', found: String(metric) });
    }
    this.epoch += 1;
    if (this.isBetter(metric)) {
      this.bestValue = metric;
      this.bad = 0;
    } else {
      this.bad += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.bad = 0;
    }
    if (this.bad > this.patience) {
      const old = this.optimizer.lr;
      const next = Math.max(old * this.factor, this.minLr);
      if (old - next > this.eps) this.optimizer.lr = next;
      this.cooldownCounter = this.cooldown;
      this.bad = 0;
    }
  }

  /** A copy of the state (epoch count, best metric — `null` before the first step —, bad-epoch and cooldown counters, options). */
  getState(): LrSchedulerState {
    return {
      kind: 'reduce-lr-on-plateau',
      lastEpoch: this.epoch,
      options: this.options(),
      values: {
        best: Number.isFinite(this.bestValue) ? this.bestValue : null,
        numBadEpochs: this.bad,
        cooldownCounter: this.cooldownCounter,
      },
    };
  }

  /**
   * Restores a state from {@link ReduceLrOnPlateau.getState}.
   * @throws `ValidationError` for another kind, other options or bad values
   */
  setState(state: LrSchedulerState): void {
    checkSchedulerState(state, 'reduce-lr-on-plateau', 'ReduceLrOnPlateau', this.options());
    const best = readValue(state, 'best', 'ReduceLrOnPlateau', true);
    const bad = readValue(state, 'numBadEpochs', 'ReduceLrOnPlateau') as number;
    const cooldownCounter = readValue(state, 'cooldownCounter', 'ReduceLrOnPlateau') as number;
    for (const [key, v] of [['numBadEpochs', bad], ['cooldownCounter', cooldownCounter]] as const) {
      if (!Number.isInteger(v) || v < 0) {
        throw new ValidationError('invalid schedule state', { field: `ReduceLrOnPlateau.state.values.${key}`, expected: 'an integer >= 0', found: String(v) });
      }
    }
    this.bestValue = best ?? this.worst();
    this.bad = bad;
    this.cooldownCounter = cooldownCounter;
    this.epoch = state.lastEpoch;
  }

  private worst(): number {
    return this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  private isBetter(a: number): boolean {
    const best = this.bestValue;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (1 + this.threshold) : a > best + this.threshold;
  }

  private options(): Record<string, number | string> {
    return {
      mode: this.mode,
      factor: this.factor,
      patience: this.patience,
      threshold: this.threshold,
      thresholdMode: this.thresholdMode,
      cooldown: this.cooldown,
      minLr: this.minLr,
      eps: this.eps,
    };
  }
}
