import { checkNumber, type Optimizer } from '../optim/optimizer.js';
import { checkSchedulerState, readValue, type LrScheduler, type LrSchedulerState } from './scheduler.js';

/** Options of {@link CosineAnnealingLr}. */
export interface CosineAnnealingLrOptions {
  /** Half period T_max in epochs (positive integer): the rate reaches `etaMin` after `tMax` steps. */
  readonly tMax: number;
  /** Lowest learning rate η_min (≥ 0). Default 0. */
  readonly etaMin?: number;
}

/**
 * Cosine annealing of the learning rate, like PyTorch's `torch.optim.lr_scheduler.CosineAnnealingLR`.
 *
 * @remarks
 * Closed form after e calls of `step()`:
 * `η_e = η_min + (η_0 − η_min) · (1 + cos(π·e / T_max)) / 2`,
 * with η_0 the optimiser's rate when the schedule was made. Past T_max the
 * cosine continues (the rate rises again), as in PyTorch. `step()` uses
 * PyTorch's recursive form, which equals the closed form when nothing else
 * changes `lr`:
 *
 * ```
 * η_e = η_{e−1} + (η_0 − η_min)(1 − cos(π/T_max))/2                  if (e − 1 − T_max) mod 2T_max = 0
 * η_e = (1 + cos(πe/T_max)) / (1 + cos(π(e−1)/T_max)) · (η_{e−1} − η_min) + η_min   otherwise
 * ```
 *
 * Loshchilov & Hutter (2017), "SGDR: Stochastic Gradient Descent with Warm Restarts", ICLR.
 *
 * @example
 * ```ts
 * const sched = new CosineAnnealingLr(optimizer, { tMax: 10 });
 * for (let epoch = 0; epoch < 10; epoch++) { train(); sched.step(); }
 * ```
 */
export class CosineAnnealingLr implements LrScheduler {
  /** The optimiser whose `lr` the schedule sets. */
  readonly optimizer: Optimizer;
  /** Half period in epochs. */
  readonly tMax: number;
  /** Lowest learning rate. */
  readonly etaMin: number;
  private epoch = 0;
  private baseLr: number;

  /**
   * @param optimizer - the optimiser to schedule; its current `lr` is η_0
   * @param opts - see {@link CosineAnnealingLrOptions}
   * @throws `ValidationError` naming a bad option
   */
  constructor(optimizer: Optimizer, opts: CosineAnnealingLrOptions) {
    this.optimizer = optimizer;
    this.tMax = checkNumber(opts?.tMax, 'CosineAnnealingLr.tMax', 'a positive integer', (x) => Number.isInteger(x) && x > 0);
    this.etaMin = checkNumber(opts.etaMin ?? 0, 'CosineAnnealingLr.etaMin', 'a finite number >= 0', (x) => x >= 0);
    this.baseLr = optimizer.lr;
  }

  /** Number of `step()` calls so far. */
  get lastEpoch(): number {
    return this.epoch;
  }

  /** The optimiser's current learning rate. */
  get lr(): number {
    return this.optimizer.lr;
  }

  /** Advances one epoch and sets `optimizer.lr` by the recursive cosine rule (see the class remarks). */
  step(): void {
    this.epoch += 1;
    const e = this.epoch;
    const tMax = this.tMax;
    const current = this.optimizer.lr;
    let next: number;
    if ((e - 1 - tMax) % (2 * tMax) === 0) {
      next = current + ((this.baseLr - this.etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
    } else {
      next = ((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * (current - this.etaMin) + this.etaMin;
    }
    // Rounding can leave a value a hair below 0 when etaMin is 0.
    this.optimizer.lr = Math.max(next, 0);
  }

  /** A copy of the state (epoch count, base rate, options). */
  getState(): LrSchedulerState {
    return {
      kind: 'cosine-annealing-lr',
      lastEpoch: this.epoch,
      options: { tMax: this.tMax, etaMin: this.etaMin },
      values: { baseLr: this.baseLr },
    };
  }

  /**
   * Restores a state from {@link CosineAnnealingLr.getState}.
   * @throws `ValidationError` for another kind, other options or bad values
   */
  setState(state: LrSchedulerState): void {
    checkSchedulerState(state, 'cosine-annealing-lr', 'CosineAnnealingLr', { tMax: this.tMax, etaMin: this.etaMin });
    this.baseLr = readValue(state, 'baseLr', 'CosineAnnealingLr') as number;
    this.epoch = state.lastEpoch;
  }
}
