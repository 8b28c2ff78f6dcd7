import { assertFiniteGradients, checkParameterList, type Parameter } from './parameter.js';
import {
  checkBuffer,
  checkLearningRate,
  checkNumber,
  checkStateHeader,
  zeroGradients,
  type Optimizer,
  type OptimizerState,
} from './optimizer.js';

/** Options of {@link Adam}; the defaults are PyTorch's. */
export interface AdamOptions {
  /** Learning rate α (> 0). Default 1e-3. */
  readonly lr?: number;
  /** Decay rate β1 of the first-moment average, in [0, 1). Default 0.9. */
  readonly beta1?: number;
  /** Decay rate β2 of the second-moment average, in [0, 1). Default 0.999. */
  readonly beta2?: number;
  /** ε added to the denominator after the square root (> 0). Default 1e-8. */
  readonly eps?: number;
  /** L2 penalty λ added to the gradient as λ·θ (≥ 0; not decoupled AdamW). Default 0. */
  readonly weightDecay?: number;
  /** When true, `step()` first checks every gradient with {@link assertFiniteGradients}. Default false. */
  readonly checkFinite?: boolean;
}

/**
 * Adam optimiser, the update of PyTorch's `torch.optim.Adam` (single-tensor path, `amsgrad=False`).
 *
 * @remarks
 * For each parameter θ with gradient g, at step t = 1, 2, …:
 *
 * ```
 * g  ← g + λ·θ                       (only when weightDecay λ ≠ 0)
 * m  ← β1·m + (1 − β1)·g
 * v  ← β2·v + (1 − β2)·g²
 * θ  ← θ − (α / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
 * ```
 *
 * ε is added after the square root of the bias-corrected v, exactly as
 * PyTorch does (not inside it). m, v and θ are stored as float32; scalars
 * (α, β powers, bias corrections) are float64, and the per-element arithmetic
 * runs in float64 and is rounded once when stored. Kingma & Ba (2015), "Adam:
 * A Method for Stochastic Optimization", ICLR.
 *
 * @example
 * ```ts
 * const w = createParameter('w', [2], new Float32Array([1, -1]));
 * const adam = new Adam([w], { lr: 0.1 });
 * w.grad.set([0.5, -0.5]);
 * adam.step(); // w.value ≈ [0.9, -0.9]
 * ```
 */
export class Adam implements Optimizer {
  /** The parameters this optimiser updates. */
  readonly params: readonly Parameter[];
  /** Whether `step()` checks gradients for NaN/Infinity first. */
  readonly checkFinite: boolean;
  private learningRate: number;
  private b1: number;
  private b2: number;
  private epsilon: number;
  private decay: number;
  private steps = 0;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];

  /**
   * @param params - parameters to optimise (non-empty, unique names)
   * @param opts - hyper-parameters; see {@link AdamOptions}
   * @throws `ValidationError` naming the bad option, e.g. `field Adam.beta1: invalid option; expected a number in [0, 1), found 1`
   */
  constructor(params: Parameter[], opts: AdamOptions = {}) {
    checkParameterList(params, 'Adam');
    this.params = [...params];
    this.learningRate = checkNumber(opts.lr ?? 1e-3, 'Adam.lr', 'a finite number > 0', (x) => x > 0);
    this.b1 = checkNumber(opts.beta1 ?? 0.9, 'Adam.beta1', 'a number in [0, 1)', (x) => x >= 0 && x < 1);
    this.b2 = checkNumber(opts.beta2 ?? 0.999, 'Adam.beta2', 'a number in [0, 1)', (x) => x >= 0 && x < 1);
    this.epsilon = checkNumber(opts.eps ?? 1e-8, 'Adam.eps', 'a finite number > 0', (x) => x > 0);
    this.decay = checkNumber(opts.weightDecay ?? 0, 'Adam.weightDecay', 'a finite number >= 0', (x) => x >= 0);
    this.checkFinite = opts.checkFinite ?? false;
    this.m = this.params.map((p) => new Float32Array(p.value.length));
    this.v = this.params.map((p) => new Float32Array(p.value.length));
  }

  /** Learning rate α of the next step; settable (by schedules) to any finite value ≥ 0. */
  get lr(): number {
    return this.learningRate;
  }

  set lr(value: number) {
    this.learningRate = checkLearningRate(value, 'Adam.lr');
  }

  /** β1, the first-moment decay rate. */
  get beta1(): number {
    return this.b1;
  }

  /** β2, the second-moment decay rate. */
  get beta2(): number {
    return this.b2;
  }

  /** ε, added to the denominator after the square root. */
  get eps(): number {
    return this.epsilon;
  }

  /** λ, the L2 penalty added to the gradient. */
  get weightDecay(): number {
    return this.decay;
  }

  /** Number of steps taken so far (t of the last step). */
  get stepCount(): number {
    return this.steps;
  }

  /** Takes one Adam step for every parameter (see the class remarks for the update). */
  step(): void {
    if (this.checkFinite) assertFiniteGradients(this.params);
    this.steps += 1;
    const t = this.steps;
    const beta1 = this.b1;
    const beta2 = this.b2;
    const oneMinusBeta1 = 1 - beta1;
    const oneMinusBeta2 = 1 - beta2;
    const biasCorrection1 = 1 - beta1 ** t;
    const biasCorrection2 = 1 - beta2 ** t;
    const stepSize = this.learningRate / biasCorrection1;
    const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
    const eps = this.epsilon;
    const wd = this.decay;
    for (let k = 0; k < this.params.length; k++) {
      const theta = this.params[k].value;
      const grad = this.params[k].grad;
      const m = this.m[k];
      const v = this.v[k];
      for (let i = 0; i < theta.length; i++) {
        const g = wd !== 0 ? grad[i] + wd * theta[i] : grad[i];
        // m and v are stored as float32 and read back, as PyTorch keeps them in the parameter's dtype.
        m[i] = beta1 * m[i] + oneMinusBeta1 * g;
        v[i] = beta2 * v[i] + oneMinusBeta2 * g * g;
        const denom = Math.sqrt(v[i]) / biasCorrection2Sqrt + eps;
        theta[i] -= (stepSize * m[i]) / denom;
      }
    }
  }

  /** Sets every parameter's gradient to zero. */
  zeroGrad(): void {
    zeroGradients(this.params);
  }

  /** A copy of the state: step count, lr, hyper-parameters and the m, v buffers per parameter. */
  getState(): OptimizerState {
    return {
      kind: 'adam',
      step: this.steps,
      lr: this.learningRate,
      hyperparameters: { beta1: this.b1, beta2: this.b2, eps: this.epsilon, weightDecay: this.decay },
      params: this.params.map((p, k) => ({ name: p.name, buffers: { m: this.m[k].slice(), v: this.v[k].slice() } })),
    };
  }

  /**
   * Restores a state from {@link Adam.getState}; the arrays are copied in.
   * @throws `ValidationError` for another kind, other parameter names or a bad hyper-parameter;
   *   `ShapeError` when a buffer's length differs from its parameter's
   */
  setState(state: OptimizerState): void {
    checkStateHeader(state, 'adam', 'Adam', this.params);
    const h = state.hyperparameters ?? {};
    const beta1 = checkNumber(h.beta1, 'Adam.state.hyperparameters.beta1', 'a number in [0, 1)', (x) => x >= 0 && x < 1);
    const beta2 = checkNumber(h.beta2, 'Adam.state.hyperparameters.beta2', 'a number in [0, 1)', (x) => x >= 0 && x < 1);
    const eps = checkNumber(h.eps, 'Adam.state.hyperparameters.eps', 'a finite number > 0', (x) => x > 0);
    const wd = checkNumber(h.weightDecay, 'Adam.state.hyperparameters.weightDecay', 'a finite number >= 0', (x) => x >= 0);
    const ms = this.params.map((p, k) => checkBuffer(state, k, 'm', p));
    const vs = this.params.map((p, k) => checkBuffer(state, k, 'v', p));
    for (let k = 0; k < this.params.length; k++) {
      this.m[k].set(ms[k]);
      this.v[k].set(vs[k]);
    }
    this.steps = state.step;
    this.learningRate = state.lr;
    this.b1 = beta1;
    this.b2 = beta2;
    this.epsilon = eps;
    this.decay = wd;
  }
}
