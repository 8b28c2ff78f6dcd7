import { ValidationError } from '@snn/core';
import { assertFiniteGradients, checkParameterList, type Parameter } from './parameter.js';
import {
  checkBuffer,
  checkLearningRate,
  checkNumber,
  checkStateHeader,
  zeroGradients,
  type Optimizer,
  type OptimizerState,
  type ParameterSlotState,
} from './optimizer.js';

/** Options of {@link Sgd}; the defaults are PyTorch's (dampening is always 0). */
export interface SgdOptions {
  /** Learning rate α (> 0); required, as in PyTorch. */
  readonly lr: number;
  /** Momentum μ, in [0, 1). Default 0 (plain SGD). */
  readonly momentum?: number;
  /** L2 penalty λ added to the gradient as λ·θ (≥ 0). Default 0. */
  readonly weightDecay?: number;
  /** Nesterov momentum (needs momentum > 0). Default false. */
  readonly nesterov?: boolean;
  /** When true, `step()` first checks every gradient with {@link assertFiniteGradients}. Default false. */
  readonly checkFinite?: boolean;
}

/**
 * Stochastic gradient descent with optional (Nesterov) momentum: the update of PyTorch's `torch.optim.SGD` with dampening 0.
 *
 * @remarks
 * For each parameter θ with gradient g:
 *
 * ```
 * g ← g + λ·θ                                 (only when weightDecay λ ≠ 0)
 * b ← g                  on the first step    (momentum μ ≠ 0)
 * b ← μ·b + g            afterwards
 * d ← g + μ·b  (nesterov)   or   d ← b   (otherwise);   d ← g when μ = 0
 * θ ← θ − α·d
 * ```
 *
 * The momentum buffer starts as a copy of the first gradient, as in
 * PyTorch (not as zeros). Sutskever et al. (2013), "On the importance of
 * initialization and momentum in deep learning", ICML.
 *
 * @example
 * ```ts
 * const w = createParameter('w', [1], new Float32Array([1]));
 * const sgd = new Sgd([w], { lr: 0.1, momentum: 0.9 });
 * w.grad[0] = 2;
 * sgd.step(); // w.value[0] ≈ 0.8
 * ```
 */
export class Sgd implements Optimizer {
  /** The parameters this optimiser updates. */
  readonly params: readonly Parameter[];
  /** Whether `step()` checks gradients for NaN/Infinity first. */
  readonly checkFinite: boolean;
  private learningRate: number;
  private mu: number;
  private decay: number;
  private useNesterov: boolean;
  private steps = 0;
  private readonly buffers: Float32Array[];

  /**
   * @param params - parameters to optimise (non-empty, unique names)
   * @param opts - hyper-parameters; see {@link SgdOptions}
   * @throws `ValidationError` naming the bad option, e.g. `field Sgd.lr: invalid option; expected a finite number > 0, found 0`
   */
  constructor(params: Parameter[], opts: SgdOptions) {
    checkParameterList(params, 'Sgd');
    this.params = [...params];
    this.learningRate = checkNumber(opts?.lr, 'Sgd.lr', 'a finite number > 0', (x) => x > 0);
    this.mu = checkNumber(opts.momentum ?? 0, 'Sgd.momentum', 'a number in [0, 1)', (x) => x >= 0 && x < 1);
    this.decay = checkNumber(opts.weightDecay ?? 0, 'Sgd.weightDecay', 'a finite number >= 0', (x) => x >= 0);
    this.useNesterov = checkNesterov(opts.nesterov ?? false, this.mu, 'Sgd.nesterov');
    this.checkFinite = opts.checkFinite ?? false;
    this.buffers = this.params.map((p) => new Float32Array(p.value.length));
  }

  /** Learning rate α of the next step; settable (by schedules) to any finite value ≥ 0. */
  get lr(): number {
    return this.learningRate;
  }

  set lr(value: number) {
    this.learningRate = checkLearningRate(value, 'Sgd.lr');
  }

  /** Momentum μ (0 for plain SGD). */
  get momentum(): number {
    return this.mu;
  }

  /** λ, the L2 penalty added to the gradient. */
  get weightDecay(): number {
    return this.decay;
  }

  /** Whether Nesterov momentum is used. */
  get nesterov(): boolean {
    return this.useNesterov;
  }

  /** Number of steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** Takes one SGD step for every parameter (see the class remarks for the update). */
  step(): void {
    if (this.checkFinite) assertFiniteGradients(this.params);
    const lr = this.learningRate;
    const mu = this.mu;
    const wd = this.decay;
    const first = this.steps === 0;
    for (let k = 0; k < this.params.length; k++) {
      const theta = this.params[k].value;
      const grad = this.params[k].grad;
      const buf = this.buffers[k];
      for (let i = 0; i < theta.length; i++) {
        const g = wd !== 0 ? grad[i] + wd * theta[i] : grad[i];
        let d = g;
        if (mu !== 0) {
          buf[i] = first ? g : mu * buf[i] + g;
          d = this.useNesterov ? g + mu * buf[i] : buf[i];
        }
        theta[i] -= lr * d;
      }
    }
    this.steps += 1;
  }

  /** Sets every parameter's gradient to zero. */
  zeroGrad(): void {
    zeroGradients(this.params);
  }

  /** A copy of the state: step count, lr, hyper-parameters and (with momentum, after a step) the momentum buffers. */
  getState(): OptimizerState {
    const keep = this.mu !== 0 && this.steps > 0;
    return {
      kind: 'sgd',
      step: this.steps,
      lr: this.learningRate,
      hyperparameters: { momentum: this.mu, weightDecay: this.decay, nesterov: this.useNesterov },
      params: this.params.map((p, k): ParameterSlotState => ({ name: p.name, buffers: keep ? { momentum: this.buffers[k].slice() } : {} })),
    };
  }

  /**
   * Restores a state from {@link Sgd.getState}; the arrays are copied in.
   * @throws `ValidationError` for another kind, other parameter names, a bad hyper-parameter or a missing buffer;
   *   `ShapeError` when a buffer's length differs from its parameter's
   */
  setState(state: OptimizerState): void {
    checkStateHeader(state, 'sgd', 'Sgd', this.params);
    const h = state.hyperparameters ?? {};
    const mu = checkNumber(h.momentum, 'Sgd.state.hyperparameters.momentum', 'a number in [0, 1)', (x) => x >= 0 && x < 1);
    const wd = checkNumber(h.weightDecay, 'Sgd.state.hyperparameters.weightDecay', 'a finite number >= 0', (x) => x >= 0);
    const nesterov = checkNesterov(h.nesterov, mu, 'Sgd.state.hyperparameters.nesterov');
    const saved = mu !== 0 && state.step > 0 ? this.params.map((p, k) => checkBuffer(state, k, 'momentum', p)) : null;
    for (let k = 0; k < this.params.length; k++) {
      if (saved) this.buffers[k].set(saved[k]);
      else this.buffers[k].fill(0);
    }
    this.steps = state.step;
    this.learningRate = state.lr;
    this.mu = mu;
    this.decay = wd;
    this.useNesterov = nesterov;
  }
}

function checkNesterov(value: unknown, momentum: number, field: string): boolean {
  if (typeof value !== 'boolean') {
    throw new ValidationError('invalid option', { field, expected: 'a boolean', found: String(value) });
  }
  if (value && momentum === 0) {
    throw new ValidationError('Nesterov momentum needs a momentum', { field, expected: 'momentum > 0 when nesterov is true', found: 'momentum 0' });
  }
  return value;
}
