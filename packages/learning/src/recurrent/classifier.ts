import { BackendError, Rng, ShapeError, type SparseSpikes, ValidationError } from '@snn/core';
import { type Parameter, createParameter } from '../optim/parameter.js';
import { type RecurrentEngineConfig, type RecurrentEngineGrads, type RecurrentEngineWeights, RecurrentEngine } from './engine.js';
import { type RecurrentClassifierOptions, type RecurrentClassifierSpec, resolveRecurrentSpec } from './options.js';
import { workerThreads } from '../platform.js';
import { RecurrentWorkerPool } from './pool.js';

/** Result of {@link RecurrentClassifier.trainStep} and {@link RecurrentClassifier.evaluateLoss}. */
export interface RecurrentStepResult {
  /** Mean softmax cross-entropy over the batch, in nats. */
  readonly loss: number;
  /** Samples whose largest logit is the label (lowest class on ties). */
  readonly correct: number;
  /** Logits `[batch, classes]` row-major. */
  readonly logits: Float32Array;
}

/** Result of {@link RecurrentClassifier.forward}. */
export interface RecurrentForwardResult {
  /** Logits `[batch, classes]` row-major (the reduction over time of the readout outputs). */
  readonly logits: Float32Array;
  /** Spikes of each hidden neuron over the T steps, `[batch, hidden]`. */
  readonly hiddenCounts: Float32Array;
  /** Mean spikes per hidden neuron per step over the batch, in [0, 1]. */
  readonly hiddenRate: number;
  /** Hidden spikes `[batch, T, hidden]` (0/1) with `record: true`, else null. */
  readonly hiddenSpikes: Uint8Array | null;
  /** Readout outputs y[t] `[batch, T, classes]` with `record: true`, else null. */
  readonly readoutTrace: Float32Array | null;
}

/** Current decay factors of a {@link RecurrentClassifier}, each in (0, 1). */
export interface RecurrentDecays {
  /** Membrane decay α per hidden neuron. */
  readonly alpha: Float32Array;
  /** Adaptation decay ρ per hidden neuron (null for LIF). */
  readonly rho: Float32Array | null;
  /** Readout decay κ per class. */
  readonly kappa: Float32Array;
}

const REDUCTION_CODE = { max: 0, mean: 1, last: 2 } as const;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

function floatArray(length: number, shared: boolean): Float32Array {
  return shared ? new Float32Array(new SharedArrayBuffer(4 * length)) : new Float32Array(length);
}

/**
 * Argmax of each row of `[batch, classes]` compared with the labels; the lowest class wins ties (like `torch.argmax`).
 */
function countCorrectRows(logits: Float32Array, labels: ArrayLike<number>, classes: number): number {
  let correct = 0;
  for (let b = 0; b < labels.length; b++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[b * classes + c] > logits[b * classes + best]) best = c;
    if (best === labels[b]) correct++;
  }
  return correct;
}

/**
 * A one-hidden-layer spiking classifier: input spikes → LIF or ALIF neurons (optionally recurrent) → leaky-integrator readout → softmax,
 * trained by backpropagation through time with a surrogate spike derivative.
 *
 * @remarks
 * Per sample, with input spikes x[t] over T steps (units: Δt in ms, time constants in ms):
 * ```
 * I[t]   = x[t]·W_in + b_in + z[t−1]·W_rec                     (W_rec only when recurrent)
 * v[t]   = α ⊙ v[t−1] + I[t] − θ0·z[t−1]                        (reset detached)
 * A[t]   = θ0 + β_a·a[t],   z[t] = H(v[t] − A[t])                (A = θ0 for LIF)
 * a[t+1] = ρ ⊙ a[t] + (1 − ρ) ⊙ z[t]                            (ALIF only)
 * y[t]   = κ ⊙ y[t−1] + z[t]·W_out + b_out                       (leaky integrator, never spikes)
 * logits = max_t y[t]  |  mean_t y[t]  |  y[T−1];   L = mean softmax cross-entropy
 * ```
 * with α = exp(−Δt/τ_mem), ρ = exp(−Δt/τ_adapt), κ = exp(−Δt/τ_out). The
 * ALIF neuron and its adaptation are those of Bellec et al. (2018), "Long
 * short-term memory and learning-to-learn in networks of spiking neurons",
 * NeurIPS 31; the leaky-integrator readout with the logits taken as the
 * maximum over time follows the code of the reproduced work (Gince &
 * Lamontagne-Caron 2022, "SNN Image Classification"). The backward pass is
 * derived by hand (equations on `recurrentReferenceBackward` in
 * `reference.ts`): the surrogate derivative σ'(v − A) stands in for
 * H' (Neftci, Mostafa & Zenke 2019, IEEE Signal Processing Magazine 36(6)),
 * gradients flow through the adaptation (z → a → A), the recurrent weights
 * and, with `learnDecay`, into the decays. Learned decays are kept in (0, 1)
 * by a sigmoid: the parameters are logits q with α = σ(q), one per neuron.
 *
 * Event-driven: an input spike adds one row of W_in (forward) and one row of
 * the gradient (backward); the recurrent current and the readout add only the
 * rows of hidden neurons that spiked. Parameter names are stable:
 * `fc1.weight [N, H]`, `fc1.bias [H]`, `rec.weight [H, H]` (recurrent),
 * `fc2.weight [H, C]`, `fc2.bias [C]`, and with `learnDecay`
 * `hidden.alphaLogit [H]`, `hidden.rhoLogit [H]` (ALIF), `readout.kappaLogit [C]`.
 * Weights are initialised like PyTorch's `nn.Linear` (uniform ±1/√fan-in).
 *
 * @example
 * ```ts
 * const model = new RecurrentClassifier({ inputSize: 784, hiddenSize: 128, outputSize: 10, neuron: 'alif', seed: 1 });
 * const adam = new Adam(model.parameters(), { lr: 1e-3 });
 * adam.zeroGrad();
 * const { loss, correct } = model.trainStep(spikes, labels);
 * adam.step();
 * ```
 */
export class RecurrentClassifier {
  /** The resolved definition of the model (without weights), JSON data. */
  readonly spec: RecurrentClassifierSpec;
  /** Threads that share each batch (the caller's included). */
  readonly workers: number;
  private readonly params: Parameter[];
  private readonly weights: RecurrentEngineWeights;
  private readonly config: RecurrentEngineConfig;
  private readonly engine: RecurrentEngine;
  private readonly grads: RecurrentEngineGrads;
  private readonly alphaLogit: Parameter | null;
  private readonly rhoLogit: Parameter | null;
  private readonly kappaLogit: Parameter | null;
  private pool: RecurrentWorkerPool | null = null;
  private closed = false;

  /**
   * @param opts - sizes, neuron kind, recurrence, decays, surrogate, time constants, readout, seed and workers; see {@link RecurrentClassifierOptions}
   * @throws `ValidationError` naming the bad option, e.g. `field neuron: unknown neuron kind; expected one of lif, alif, found "x"`
   * @throws `BackendError` when `workers > 1` and the module is not running from its build
   */
  constructor(opts: RecurrentClassifierOptions) {
    const spec = resolveRecurrentSpec(opts);
    const workers = opts.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1) {
      throw new ValidationError('invalid number of workers', { field: 'workers', expected: 'a positive integer', found: String(workers) });
    }
    const seed = opts.seed ?? 0;
    if (!Number.isInteger(seed)) {
      throw new ValidationError('invalid seed', { field: 'seed', expected: 'an integer', found: String(seed) });
    }
    this.spec = spec;
    this.workers = workers;
    const shared = workers > 1;
    if (shared) workerThreads(workers);
    const { inputSize: N, hiddenSize: H, outputSize: C } = spec;
    const adaptive = spec.neuron === 'alif';
    const rng = new Rng(seed);
    const uniform = (length: number, fanIn: number): Float32Array => {
      const k = 1 / Math.sqrt(fanIn);
      const out = floatArray(length, shared);
      for (let i = 0; i < length; i++) out[i] = rng.uniformIn(-k, k);
      return out;
    };
    const params: Parameter[] = [];
    const inWeight = createParameter('fc1.weight', [N, H], uniform(N * H, N));
    const inBias = createParameter('fc1.bias', [H], uniform(H, N));
    params.push(inWeight, inBias);
    let recWeight: Parameter | null = null;
    if (spec.recurrent) {
      recWeight = createParameter('rec.weight', [H, H], uniform(H * H, H));
      params.push(recWeight);
    }
    const outWeight = createParameter('fc2.weight', [H, C], uniform(H * C, H));
    const outBias = createParameter('fc2.bias', [C], uniform(C, H));
    params.push(outWeight, outBias);
    const alpha0 = Math.exp(-spec.dtMs / spec.tauMemMs);
    const rho0 = Math.exp(-spec.dtMs / spec.tauAdaptMs);
    const kappa0 = Math.exp(-spec.dtMs / spec.tauOutMs);
    const alpha = floatArray(H, shared).fill(alpha0);
    const rho = floatArray(H, shared).fill(rho0);
    const kappa = floatArray(C, shared).fill(kappa0);
    this.alphaLogit = null;
    this.rhoLogit = null;
    this.kappaLogit = null;
    if (spec.learnDecay) {
      this.alphaLogit = createParameter('hidden.alphaLogit', [H], new Float32Array(H).fill(logit(alpha0)));
      params.push(this.alphaLogit);
      if (adaptive) {
        this.rhoLogit = createParameter('hidden.rhoLogit', [H], new Float32Array(H).fill(logit(rho0)));
        params.push(this.rhoLogit);
      }
      this.kappaLogit = createParameter('readout.kappaLogit', [C], new Float32Array(C).fill(logit(kappa0)));
      params.push(this.kappaLogit);
    }
    this.params = params;
    this.weights = {
      inWeight: inWeight.value,
      inBias: inBias.value,
      recWeight: recWeight === null ? null : recWeight.value,
      outWeight: outWeight.value,
      outBias: outBias.value,
      alpha,
      rho,
      kappa,
    };
    this.config = {
      inputSize: N,
      hiddenSize: H,
      outputSize: C,
      adaptive,
      recurrent: spec.recurrent,
      threshold: spec.threshold,
      adaptStrength: adaptive ? spec.adaptStrength : 0,
      reduction: REDUCTION_CODE[spec.readout],
      learnDecay: spec.learnDecay,
      surrogate: spec.surrogate,
    };
    this.grads = {
      inWeight: inWeight.grad,
      inBias: inBias.grad,
      recWeight: recWeight === null ? null : recWeight.grad,
      outWeight: outWeight.grad,
      outBias: outBias.grad,
      alpha: new Float32Array(H),
      rho: new Float32Array(H),
      kappa: new Float32Array(C),
    };
    this.engine = new RecurrentEngine(this.config, this.weights);
  }

  /**
   * Makes a classifier from a {@link RecurrentClassifierSpec} (e.g. read from a checkpoint), with fresh weights.
   * @param spec - the resolved options
   * @param opts - `seed` of the initial weights (default 0) and `workers` (default 1)
   * @throws `ValidationError` as the constructor does
   */
  static fromSpec(spec: RecurrentClassifierSpec, opts: { readonly seed?: number; readonly workers?: number } = {}): RecurrentClassifier {
    return new RecurrentClassifier({ ...spec, surrogate: spec.surrogate.name, surrogateOptions: spec.surrogate.options, ...opts });
  }

  /** Number of classes C. */
  get classes(): number {
    return this.spec.outputSize;
  }

  /** The trainable parameters in a stable order (see the class remarks for the names). */
  parameters(): Parameter[] {
    return [...this.params];
  }

  /** The current decays α, ρ (ALIF) and κ per neuron (copies). */
  decays(): RecurrentDecays {
    this.syncDecays();
    return {
      alpha: this.weights.alpha.slice(),
      rho: this.config.adaptive ? this.weights.rho.slice() : null,
      kappa: this.weights.kappa.slice(),
    };
  }

  /**
   * Forward and backward pass on a batch: adds d(mean loss)/d(parameter) into every `Parameter.grad`.
   *
   * @remarks
   * Gradients are added, not written: call the optimiser's `zeroGrad()` first.
   *
   * @param spikes - input spikes `[batch, T, inputSize]`
   * @param labels - class per sample, integers in `[0, classes)`
   * @throws `ShapeError` for spikes or labels of the wrong size; `ValidationError` for a label out of range
   */
  trainStep(spikes: SparseSpikes, labels: ArrayLike<number>): RecurrentStepResult {
    return this.lossStep(spikes, labels, true);
  }

  /**
   * Loss and accuracy of a batch without gradients.
   * @param spikes - input spikes `[batch, T, inputSize]`
   * @param labels - class per sample
   * @throws `ShapeError` / `ValidationError` as {@link RecurrentClassifier.trainStep}
   */
  evaluateLoss(spikes: SparseSpikes, labels: ArrayLike<number>): RecurrentStepResult {
    return this.lossStep(spikes, labels, false);
  }

  /**
   * Runs the model on a batch (inference): logits, hidden spike counts and rate, and optionally the full traces.
   * @param spikes - input spikes `[batch, T, inputSize]`
   * @param opts - `record: true` to also return the hidden spikes and readout outputs per step
   * @throws `ShapeError` for spikes of the wrong size or malformed rows
   */
  forward(spikes: SparseSpikes, opts: { readonly record?: boolean } = {}): RecurrentForwardResult {
    this.checkSpikes(spikes);
    const out = this.dispatch(spikes, null, false, opts.record ?? false);
    const H = this.spec.hiddenSize;
    let total = 0;
    for (let i = 0; i < out.hiddenCounts.length; i++) total += out.hiddenCounts[i];
    return {
      logits: out.logits,
      hiddenCounts: out.hiddenCounts,
      hiddenRate: total / (spikes.batch * spikes.numSteps * H),
      hiddenSpikes: out.hiddenSpikes,
      readoutTrace: out.readoutTrace,
    };
  }

  /** Stops the worker threads (if any); the model still works afterwards, on the calling thread only. */
  async destroy(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.close();
  }

  private lossStep(spikes: SparseSpikes, labels: ArrayLike<number>, train: boolean): RecurrentStepResult {
    this.checkSpikes(spikes);
    const checked = this.checkLabels(labels, spikes.batch);
    const out = this.dispatch(spikes, checked, train, false);
    return { loss: out.loss / spikes.batch, correct: countCorrectRows(out.logits, checked, this.classes), logits: out.logits };
  }

  /** Copies the sigmoid of the decay logits into the decay arrays the engine reads. */
  private syncDecays(): void {
    const pairs: [Parameter | null, Float32Array][] = [
      [this.alphaLogit, this.weights.alpha],
      [this.rhoLogit, this.weights.rho],
      [this.kappaLogit, this.weights.kappa],
    ];
    for (const [param, target] of pairs) {
      if (param === null) continue;
      for (let i = 0; i < target.length; i++) target[i] = sigmoid(param.value[i]);
    }
  }

  private getPool(): RecurrentWorkerPool | null {
    if (this.workers === 1 || this.closed) return null;
    if (this.pool === null) this.pool = new RecurrentWorkerPool(this.config, this.weights, this.workers - 1);
    return this.pool;
  }

  private dispatch(
    spikes: SparseSpikes,
    labels: Int32Array | null,
    train: boolean,
    record: boolean,
  ): { logits: Float32Array; hiddenCounts: Float32Array; hiddenSpikes: Uint8Array | null; readoutTrace: Float32Array | null; loss: number } {
    this.syncDecays();
    const B = spikes.batch;
    const T = spikes.numSteps;
    const { hiddenSize: H, outputSize: C } = this.spec;
    const logits = new Float32Array(B * C);
    const hiddenCounts = new Float32Array(B * H);
    const hiddenSpikes = record ? new Uint8Array(B * T * H) : null;
    const readoutTrace = record ? new Float32Array(B * T * C) : null;
    const pool = this.getPool();
    const threads = pool === null ? 1 : Math.min(this.workers, B);
    const bounds: number[] = [];
    for (let w = 0; w <= threads; w++) bounds.push(Math.round((w * B) / threads));
    const grads = this.grads;
    if (train) {
      grads.alpha.fill(0);
      grads.rho.fill(0);
      grads.kappa.fill(0);
    }
    const posted: { w: number; id: number; first: number; end: number }[] = [];
    if (pool !== null) {
      for (let w = 1; w < threads; w++) {
        const first = bounds[w];
        const end = bounds[w + 1];
        const id = pool.post(w - 1, spikes, first, end, labels, B, train, record);
        posted.push({ w: w - 1, id, first, end });
      }
    }
    let loss = this.engine.run({
      spikes,
      first: 0,
      end: bounds[1],
      labels,
      batchSize: B,
      grads: train ? grads : null,
      logits,
      hiddenCounts,
      hiddenSpikes,
      readoutTrace,
    });
    if (pool !== null) {
      for (const { w, id, first } of posted) {
        const reply = pool.collect(w, id);
        loss += reply.loss;
        logits.set(reply.logits, first * C);
        hiddenCounts.set(reply.hiddenCounts, first * H);
        if (hiddenSpikes !== null && reply.hiddenSpikes !== null) hiddenSpikes.set(reply.hiddenSpikes, first * T * H);
        if (readoutTrace !== null && reply.readoutTrace !== null) readoutTrace.set(reply.readoutTrace, first * T * C);
      }
      // Worker gradients are added in thread order, after the calling thread's, so results are deterministic.
      if (train) for (const { w } of posted) pool.addGradsInto(w, grads);
    }
    if (train) this.addDecayGrads();
    return { logits, hiddenCounts, hiddenSpikes, readoutTrace, loss };
  }

  /** Chain rule through the sigmoid: dL/dq = dL/dα · α(1 − α), added into the logit parameters' gradients. */
  private addDecayGrads(): void {
    const pairs: [Parameter | null, Float32Array, Float32Array][] = [
      [this.alphaLogit, this.grads.alpha, this.weights.alpha],
      [this.rhoLogit, this.grads.rho, this.weights.rho],
      [this.kappaLogit, this.grads.kappa, this.weights.kappa],
    ];
    for (const [param, grad, decay] of pairs) {
      if (param === null) continue;
      for (let i = 0; i < grad.length; i++) param.grad[i] += grad[i] * decay[i] * (1 - decay[i]);
    }
  }

  private checkSpikes(spikes: SparseSpikes): void {
    const size = this.spec.inputSize;
    if (spikes.size !== size) {
      throw new ShapeError('spike size does not match the input size', { field: 'spikes.size', expected: `${size}`, found: `${spikes.size}` });
    }
    if (!Number.isInteger(spikes.numSteps) || spikes.numSteps < 1 || !Number.isInteger(spikes.batch) || spikes.batch < 1) {
      throw new ShapeError('invalid spike batch', {
        field: 'spikes',
        expected: 'batch ≥ 1 and numSteps ≥ 1',
        found: `batch ${spikes.batch}, numSteps ${spikes.numSteps}`,
      });
    }
    const rows = spikes.batch * spikes.numSteps;
    const { offsets, indices } = spikes;
    if (offsets.length !== rows + 1 || offsets[0] !== 0 || offsets[rows] !== indices.length) {
      throw new ShapeError('malformed spike rows', {
        field: 'spikes.offsets',
        expected: `${rows + 1} offsets from 0 to ${indices.length}`,
        found: `${offsets.length} offsets from ${offsets[0]} to ${offsets[offsets.length - 1]}`,
      });
    }
    // One pass over the rows: offsets non-decreasing, indices in range and strictly ascending within a row (the
    // engine merges consecutive rows).
    for (let r = 0; r < rows; r++) {
      const k0 = offsets[r];
      const k1 = offsets[r + 1];
      if (k1 < k0) {
        throw new ShapeError('malformed spike rows', { field: `spikes.offsets[${r + 1}]`, expected: `≥ ${k0}`, found: `${k1}` });
      }
      let last = -1;
      for (let k = k0; k < k1; k++) {
        const i = indices[k];
        if (i >= size) {
          throw new ShapeError('spike index out of range', { field: `spikes.indices[${k}]`, expected: `< ${size}`, found: `${i}` });
        }
        if (i <= last) {
          throw new ShapeError('spike row not in ascending order', {
            field: `spikes.indices[${k}]`,
            expected: `> ${last} (row ${r} ascending, no repeats)`,
            found: `${i}`,
          });
        }
        last = i;
      }
    }
  }

  private checkLabels(labels: ArrayLike<number>, batch: number): Int32Array {
    if (labels.length !== batch) {
      throw new ShapeError('one label per sample needed', { field: 'labels', expected: `${batch}`, found: `${labels.length}` });
    }
    const out = new Int32Array(batch);
    for (let b = 0; b < batch; b++) {
      const y = labels[b];
      if (!Number.isInteger(y) || y < 0 || y >= this.classes) {
        throw new ValidationError('label out of range', { field: `labels[${b}]`, expected: `an integer in [0, ${this.classes})`, found: String(y) });
      }
      out[b] = y;
    }
    return out;
  }
}
