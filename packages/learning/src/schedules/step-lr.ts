import { checkNumber, type Optimizer } from '../optim/optimizer.js';
import { checkSchedulerState, readValue, type LrScheduler, type LrSchedulerState } from './scheduler.js';

/** Options of {@link StepLr}. */
export interface StepLrOptions {
  /** Epochs between decays (positive integer). */
  readonly stepSize: number;
  /** Factor applied at each decay (> 0). Default 0.1. */
  readonly gamma?: number;
}

/**
 * Multiplies the learning rate by `gamma` every `stepSize` epochs, like PyTorch's `torch.optim.lr_scheduler.StepLR`.
 *
 * @remarks
 * Closed form after e calls of `step()`: `lr_e = lr_0 · gamma^⌊e / stepSize⌋`,
 * with lr_0 the optimiser's rate when the schedule was made. As in PyTorch,
 * `step()` applies it recursively (`lr ← lr·gamma` when `e mod stepSize = 0`),
 * so it composes with other changes to `lr`.
 *
 * @example
 * ```ts
 * const sched = new StepLr(optimizer, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 90; epoch++) { train(); sched.step(); }
 * ```
 */
export class StepLr implements LrScheduler {
  /** The optimiser whose `lr` the schedule sets. */
  readonly optimizer: Optimizer;
  /** Epochs between decays. */
  readonly stepSize: number;
  /** Decay factor. */
  readonly gamma: number;
  private epoch = 0;
  private baseLr: number;

  /**
   * @param optimizer - the optimiser to schedule; its current `lr` is the base rate
   * @param opts - see {@link StepLrOptions}
   * @throws `ValidationError` naming a bad option
   */
  constructor(optimizer: Optimizer, opts: StepLrOptions) {
    this.optimizer = optimizer;
    this.stepSize = checkNumber(opts?.stepSize, 'StepLr.stepSize', 'a positive integer', (x) => Number.isInteger(x) && x > 0);
    this.gamma = checkNumber(opts.gamma ?? 0.1, 'StepLr.gamma', 'a finite number > 0', (x) => x > 0);
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

  /** Advances one epoch; multiplies `optimizer.lr` by `gamma` when the epoch count is a multiple of `stepSize`. */
  step(): void {
    this.epoch += 1;
    if (this.epoch % this.stepSize === 0) this.optimizer.lr = this.optimizer.lr * this.gamma;
  }

  /** A copy of the state (epoch count, base rate, options). */
  getState(): LrSchedulerState {
    return {
      kind: 'step-lr',
      lastEpoch: this.epoch,
      options: { stepSize: this.stepSize, gamma: this.gamma },
      values: { baseLr: this.baseLr },
    };
  }

  /**
   * Restores a state from {@link StepLr.getState}.
   * @throws `ValidationError` for another kind, other options or bad values
   */
  setState(state: LrSchedulerState): void {
    checkSchedulerState(state, 'step-lr', 'StepLr', { stepSize: this.stepSize, gamma: this.gamma });
    this.baseLr = readValue(state, 'baseLr', 'StepLr') as number;
    this.epoch = state.lastEpoch;
  }
}
