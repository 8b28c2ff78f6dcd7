import { Rng, ShapeError, type SparseSpikes, ValidationError } from '@snn/core';
import { surrogateFromSpec } from '@snn/neurons';
import type { Layer } from '../compose/layer.js';
import { Linear } from '../compose/linear.js';
import { type Loss, ceLastMembraneLoss, ceMaxMembraneLoss, ceMeanMembraneLoss, reduceOverTime } from '../compose/losses.js';
import { Network } from '../compose/network.js';
import { alif } from '../compose/neurons/alif.js';
import { li } from '../compose/neurons/li.js';
import type { Parameter } from '../optim/parameter.js';
import { workerThreads } from '../platform.js';
import { type RecurrentClassifierOptions, type RecurrentClassifierSpec, resolveRecurrentSpec } from './options.js';

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

/**
 * The names of a {@link RecurrentClassifier}'s parameters in its composition (left) and under the classifier
 * (right, the names its checkpoints and optimiser state have always used; the arrays are shared, the layouts
 * equal). Tensors not listed keep their composition name.
 */
export const RECURRENT_CLASSIFIER_PARAMETER_NAMES: Readonly<Record<string, string>> = Object.freeze({
  'hidden.recurrent.weight': 'rec.weight',
  'hidden.alpha_logit': 'hidden.alphaLogit',
  'hidden.rho_logit': 'hidden.rhoLogit',
  'readout.beta_logit': 'readout.kappaLogit',
});

const LOSSES: Readonly<Record<RecurrentClassifierSpec['readout'], () => Loss>> = {
  max: ceMaxMembraneLoss,
  mean: ceMeanMembraneLoss,
  last: ceLastMembraneLoss,
};

/**
 * The layers of a {@link RecurrentClassifier} as a composition: `fc1` ({@link Linear} N→H), `hidden`
 * ({@link alif}; for LIF neurons β_a = 0, so the threshold stays θ0; recurrent weights without a bias when
 * `spec.recurrent`), `fc2` (Linear H→C) and `readout` ({@link li}). Learned decays are sigmoid-parametrised
 * (tensors `hidden.alpha_logit`, `hidden.rho_logit` (ALIF), `readout.beta_logit`). Worker threads rebuild a
 * classifier with it (it is the factory of its `Network`).
 *
 * @param spec - the resolved options
 * @throws `ValidationError` for an unknown surrogate name
 */
export function recurrentClassifierLayers(spec: RecurrentClassifierSpec): Layer[] {
  const { inputSize: N, hiddenSize: H, outputSize: C, learnDecay } = spec;
  const adaptive = spec.neuron === 'alif';
  const alpha = Math.exp(-spec.dtMs / spec.tauMemMs);
  const rho = Math.exp(-spec.dtMs / spec.tauAdaptMs);
  const kappa = Math.exp(-spec.dtMs / spec.tauOutMs);
  const parametrisation = learnDecay ? 'sigmoid' : 'direct';
  // Learned decays are one per neuron; fixed ones one value for the layer.
  const perNeuron = (d: number, n: number): number | number[] => (learnDecay ? new Array<number>(n).fill(d) : d);
  return [
    new Linear(N, H, { name: 'fc1' }),
    alif({
      name: 'hidden',
      alpha: perNeuron(alpha, H),
      rho: perNeuron(rho, H),
      threshold: spec.threshold,
      adaptStrength: adaptive ? spec.adaptStrength : 0,
      learnAlpha: learnDecay,
      learnRho: learnDecay && adaptive,
      parametrisation,
      recurrent: spec.recurrent,
      recurrentBias: false,
      surrogate: surrogateFromSpec(spec.surrogate.name, spec.surrogate.options),
    }),
    new Linear(H, C, { name: 'fc2' }),
    li({ name: 'readout', beta: perNeuron(kappa, C), learnBeta: learnDecay, parametrisation }),
  ];
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** A parameter under another name, sharing its arrays. */
function renamed(p: Parameter, name: string): Parameter {
  return { name, value: p.value, grad: p.grad, shape: p.shape };
}

/** `[T, B, W]` (time-major) as `[B, T, W]`, converted by `map`. */
function batchMajor<A extends Float32Array | Uint8Array>(src: ArrayLike<number>, T: number, B: number, W: number, out: A): A {
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let k = 0; k < W; k++) out[(b * T + t) * W + k] = src[(t * B + b) * W + k];
  return out;
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
 * Lamontagne-Caron 2022, "SNN Image Classification").
 *
 * A named builder of a composition run by the one BPTT engine, `Network`
 * ({@link recurrentClassifierLayers}: `fc1` Linear → `hidden` ALIF (β_a = 0
 * for LIF; recurrent weights without bias) → `fc2` Linear → `readout` LI; the
 * loss is the cross-entropy of the readout reduced over time,
 * `ceMaxMembraneLoss` / `ceMeanMembraneLoss` / `ceLastMembraneLoss`). The
 * backward pass is each layer's hand-derived VJP (the ALIF's on `alif`): the
 * surrogate derivative σ'(v − A) stands in for H' (Neftci, Mostafa & Zenke
 * 2019, IEEE Signal Processing Magazine 36(6)), gradients flow through the
 * adaptation (z → a → A), the recurrent weights and, with `learnDecay`, into
 * the decays. Learned decays are kept in (0, 1) by a sigmoid: the parameters
 * are logits q with α = σ(q), one per neuron (the layers' `sigmoid`
 * parametrisation).
 *
 * Event-driven: an input spike adds one row of W_in (forward) and one row of
 * the gradient (backward); the recurrent current and the readout add only the
 * rows of hidden neurons that spiked. Parameter names are stable (the
 * composition's names mapped by {@link RECURRENT_CLASSIFIER_PARAMETER_NAMES},
 * so checkpoints of earlier versions load):
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
  /** The composition that runs it (for recording other layers, state dicts in PyTorch layout, …). */
  readonly network: Network;
  private readonly params: Parameter[];
  private readonly loss: Loss;

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
    // Workers rebuild the layers by name from this package's built entry; check both now.
    const factory = workers > 1 ? { module: workerThreads(workers).entryUrl, name: 'recurrentClassifierLayers', args: spec } : undefined;
    this.network = new Network(recurrentClassifierLayers(spec), { inputShape: [spec.inputSize], seed, workers, factory });
    this.loss = LOSSES[spec.readout]();
    this.params = this.network.parameters().map((p) => renamed(p, RECURRENT_CLASSIFIER_PARAMETER_NAMES[p.name] ?? p.name));
    // Initial weights as the classifier has always drawn them: uniform ±1/√fan-in (PyTorch's nn.Linear), in
    // the order fc1.weight, fc1.bias, rec.weight, fc2.weight, fc2.bias, each in its [in, out] layout.
    const rng = new Rng(seed);
    const byName = new Map(this.params.map((p) => [p.name, p]));
    const draw = (name: string, fanIn: number): void => {
      const p = byName.get(name);
      if (p === undefined) return;
      const k = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < p.value.length; i++) p.value[i] = rng.uniformIn(-k, k);
    };
    draw('fc1.weight', spec.inputSize);
    draw('fc1.bias', spec.inputSize);
    draw('rec.weight', spec.hiddenSize);
    draw('fc2.weight', spec.hiddenSize);
    draw('fc2.bias', spec.hiddenSize);
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

  /**
   * The trainable parameters in a stable order: `fc1.weight [N, H]`, `fc1.bias [H]`, `rec.weight [H, H]`
   * (recurrent, `[from, to]`), `fc2.weight [H, C]`, `fc2.bias [C]`, then with `learnDecay` `hidden.alphaLogit`,
   * `hidden.rhoLogit` (ALIF), `readout.kappaLogit`. They share their arrays with {@link RecurrentClassifier.network}'s.
   */
  parameters(): Parameter[] {
    const order = (name: string): number => (name.endsWith('Logit') ? 1 : 0);
    return [...this.params].sort((a, b) => order(a.name) - order(b.name));
  }

  /** The current decays α, ρ (ALIF) and κ per neuron (copies). */
  decays(): RecurrentDecays {
    const { hiddenSize: H, outputSize: C } = this.spec;
    const tensor = (name: string): Float32Array | null => this.params.find((p) => p.name === name)?.value ?? null;
    const state = this.network.stateDict();
    const decay = (logit: string, buffer: string, n: number): Float32Array => {
      const q = tensor(logit);
      if (q !== null) return Float32Array.from(q, sigmoid);
      return new Float32Array(n).fill(state[buffer].data[0]);
    };
    return {
      alpha: decay('hidden.alphaLogit', 'hidden.alpha', H),
      rho: this.spec.neuron === 'alif' ? decay('hidden.rhoLogit', 'hidden.rho', H) : null,
      kappa: decay('readout.kappaLogit', 'readout.beta', C),
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
    const out = this.network.forward(spikes, { record: ['hidden'] });
    const { steps: T, batch: B } = out;
    const { hiddenSize: H, outputSize: C } = this.spec;
    const hidden = out.records.hidden.spikes as Float32Array;
    const hiddenCounts = new Float32Array(B * H);
    let total = 0;
    for (let t = 0; t < T; t++) {
      const o = t * B * H;
      for (let k = 0; k < B * H; k++) hiddenCounts[k] += hidden[o + k];
    }
    for (let k = 0; k < B * H; k++) total += hiddenCounts[k];
    const record = opts.record ?? false;
    return {
      logits: this.logits(out.mem, T, B),
      hiddenCounts,
      hiddenRate: total / (B * T * H),
      hiddenSpikes: record ? batchMajor(hidden, T, B, H, new Uint8Array(B * T * H)) : null,
      readoutTrace: record ? batchMajor(out.mem, T, B, C, new Float32Array(B * T * C)) : null,
    };
  }

  /** Stops the worker threads (if any); the model still works afterwards, on the calling thread only. */
  async destroy(): Promise<void> {
    await this.network.close();
  }

  private logits(mem: ArrayLike<number>, T: number, B: number): Float32Array {
    return Float32Array.from(reduceOverTime(mem, T, B * this.spec.outputSize, this.spec.readout).values);
  }

  private lossStep(spikes: SparseSpikes, labels: ArrayLike<number>, train: boolean): RecurrentStepResult {
    this.checkSpikes(spikes);
    const checked = this.checkLabels(labels, spikes.batch);
    const r = train ? this.network.trainStep(spikes, checked, this.loss) : this.network.evaluateLoss(spikes, checked, this.loss);
    const logits = this.logits(r.output.mem, r.output.steps, r.output.batch);
    return { loss: r.loss, correct: countCorrectRows(logits, checked, this.classes), logits };
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
