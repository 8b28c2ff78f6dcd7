import { Rng, ShapeError, type SparseSpikes, ValidationError } from '@snn/core';
import {
  type DenseLayer,
  type LifParams,
  type LifParamsInput,
  type SurrogateFunction,
  type SurrogateName,
  atan,
  createDense,
  lifParams,
  surrogateFromSpec,
} from '@snn/neurons';
import { Residual } from '../compose/containers.js';
import type { Layer } from '../compose/layer.js';
import { Linear } from '../compose/linear.js';
import { type Loss, ceCountLoss, membraneCrossEntropy, mseSpikeCountLoss } from '../compose/losses.js';
import { Network } from '../compose/network.js';
import { leaky } from '../compose/neurons/leaky.js';
import type { Parameter } from '../optim/parameter.js';
import { workerThreads } from '../platform.js';
import { type BpttLoss, checkBpttLoss } from './loss.js';

/** Options of {@link LifNetwork}. */
export interface LifNetworkOptions {
  /** Layer widths, input first, e.g. `[784, 1000, 10]` (at least two positive integers). */
  readonly sizes: readonly number[];
  /** LIF parameters: one set for every layer, or one per layer (`sizes.length − 1`). Default `lifParams()`. */
  readonly lif?: LifParamsInput | readonly LifParamsInput[];
  /** Surrogate spike function of every layer. Default `atan()` (α = 2, snnTorch's default). */
  readonly surrogate?: SurrogateFunction;
  /**
   * Identity skip on the input current of hidden→hidden layers of equal width
   * (`I_l = W_l·S_{l−1} + b_l + S_{l−1}`): `true` for every such layer, or one
   * flag per layer. Default false. Never applied to the first layer.
   */
  readonly residual?: boolean | readonly boolean[];
  /** Generator for the initial weights. Default `new Rng(seed)`. */
  readonly rng?: Rng;
  /** Seed of the initial weights when no `rng` is given. Default 0. */
  readonly seed?: number;
  /**
   * Threads that share each batch: 1 runs on the calling thread only; `k > 1`
   * adds `k − 1` Node.js worker threads (the composition engine's, see
   * `Network`). Workers import this package's built file
   * (`dist/index.node.js`, so `@snn/learning` must not be bundled into
   * another file) and rebuild the layers with {@link lifNetworkLayers}, so
   * the surrogate must be a built-in one; the calling thread blocks
   * (`Atomics.wait`) until they finish a batch. Results are deterministic for
   * a given seed and `workers`; different worker counts differ only by float
   * rounding of the gradient sums. Default 1.
   */
  readonly workers?: number;
}

/**
 * Everything that defines a {@link LifNetwork} except its weights, as plain JSON data (for run manifests and checkpoints).
 */
export interface LifNetworkSpec {
  /** Layer widths, input first. */
  readonly sizes: readonly number[];
  /** Validated LIF parameters of each layer. */
  readonly lif: readonly LifParams[];
  /** Residual skip flag of each layer. */
  readonly residual: readonly boolean[];
  /** Name and options of the surrogate spike function. */
  readonly surrogate: {
    /** Factory name, e.g. `"atan"`. */
    readonly name: SurrogateName;
    /** Factory options, e.g. `{ alpha: 2 }`. */
    readonly options: Readonly<Record<string, number>>;
  };
}

/** One `[Dense → Leaky]` layer of a {@link LifNetwork}. */
export interface LifNetworkLayer {
  /** The dense layer; its arrays are the parameters' values. */
  readonly dense: DenseLayer;
  /** The layer's LIF parameters. */
  readonly lif: LifParams;
  /** Weights `[inSize, outSize]`, named `fc{k}.weight` (k from 1). */
  readonly weight: Parameter;
  /** Bias `[outSize]`, named `fc{k}.bias`. */
  readonly bias: Parameter;
}

/** Result of {@link LifNetwork.forward}. */
export interface LifNetworkOutput {
  /** Output spike counts `[batch, classes]`, summed over the T steps. */
  readonly counts: Float32Array;
  /** Output membranes `[batch, T, classes]` (after the reset of each step), when asked for; else null. */
  readonly membrane: Float32Array | null;
}

/** Result of {@link LifNetwork.forwardBackward}. */
export interface BpttStepResult {
  /** The batch loss (see {@link BpttLoss}). */
  readonly loss: number;
  /** Output spike counts `[batch, classes]`. */
  readonly counts: Float32Array;
}

function checkSizes(sizes: readonly number[]): void {
  if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new ValidationError('invalid layer sizes', {
      field: 'sizes',
      expected: 'at least two positive integers, input first',
      found: JSON.stringify(sizes),
    });
  }
}

function perLayer<T>(value: T | readonly T[] | undefined, count: number, field: string, fallback: T): readonly T[] {
  if (Array.isArray(value)) {
    if (value.length !== count) {
      throw new ValidationError('one entry per layer needed', { field, expected: `${count} entries`, found: `${value.length}` });
    }
    return value as readonly T[];
  }
  return new Array<T>(count).fill((value as T | undefined) ?? fallback);
}

/**
 * The layers of a {@link LifNetwork} as a composition: `fc{k}` ({@link Linear}, inside a `Residual` for a
 * skip) then `lif{k}` (snnTorch's Leaky, {@link leaky}) for every layer k. Worker threads rebuild a
 * `LifNetwork` with it (it is the factory of its `Network`).
 *
 * @param spec - sizes, LIF parameters, residual flags and surrogate
 * @throws `ValidationError` for an unknown surrogate name
 */
export function lifNetworkLayers(spec: LifNetworkSpec): Layer[] {
  const surrogate = surrogateFromSpec(spec.surrogate.name, spec.surrogate.options);
  const layers: Layer[] = [];
  for (let l = 0; l + 1 < spec.sizes.length; l++) {
    const fc = new Linear(spec.sizes[l], spec.sizes[l + 1], { name: `fc${l + 1}` });
    // The skip is part of the layer's current (I = S·W + b + S), not a module of its own: fc{k} keeps its name.
    layers.push(spec.residual[l] ? new Residual([fc], { name: `skip${l + 1}`, prefixChildren: false }) : fc);
    const { beta, threshold, resetMechanism, resetDelay } = spec.lif[l];
    layers.push(leaky({ beta, threshold, resetMechanism, resetDelay, surrogate, name: `lif${l + 1}` }));
  }
  return layers;
}

/** The composition loss of a {@link BpttLoss}. */
function composeLoss(loss: BpttLoss): Loss {
  if (loss.kind === 'membraneCrossEntropy') return membraneCrossEntropy();
  if (loss.kind === 'countCrossEntropy') return ceCountLoss();
  return mseSpikeCountLoss({ correctRate: loss.correctRate, incorrectRate: loss.incorrectRate });
}

/**
 * A feed-forward spiking network `[Dense → Leaky] × L` trained by backpropagation through time with surrogate gradients:
 * a named builder of a composition ({@link lifNetworkLayers}) run by the one BPTT engine, `Network`.
 *
 * @remarks
 * Layer l maps the spikes `S_{l−1}[t]` (the input spikes for l = 1) to the
 * current `I_l[t] = S_{l−1}[t]·W_l + b_l` (plus `S_{l−1}[t]` with a residual
 * skip) and runs snnTorch's Leaky neurons on it; the output layer's spike
 * counts and membranes feed the loss. The backward pass is derived by hand:
 * through the membrane recursion (β), the surrogate derivative at each spike,
 * and the subtract/zero reset with the reset term detached, exactly as
 * snnTorch builds its graph (Eshraghian et al. 2023, "Training spiking neural
 * networks using lessons from deep learning", Proc. IEEE 111(9); Neftci,
 * Mostafa & Zenke 2019, IEEE Signal Processing Magazine 36(6)). With
 * `U_t` the membrane and `c_t` the reset gate (1, or 0 right after a spike
 * under the zero reset), delayed reset:
 *
 * ```
 * dL/dI_t = dL/dU_t|direct + dL/dS_t·σ'(U_t − θ) + c_{t+1}·β·dL/dI_{t+1}
 * dW_l = Σ_t S_{l−1}[t]ᵀ·dL/dI_t,  db_l = Σ_t dL/dI_t,  dL/dS_{l−1}[t] = W_l·dL/dI_t
 * ```
 *
 * The zero reset follows snnTorch 0.9 (`U = β(1 − R)U + I`, the input is not
 * zeroed) and `resetDelay: false` snnTorch's computation, as the Leaky layer
 * of the composition engine does. Runs event-driven (only the weight rows of
 * active inputs are touched, forward and backward; spikes pass between layers
 * as bit masks) and splits a batch over `workers` threads. The weights are
 * `Parameter`s with stable names (`fc1.weight`, `fc1.bias`, …) for optimisers
 * and checkpoints; their layout is `[in, out]` (PyTorch's `nn.Linear.weight`
 * is its transpose; {@link LifNetwork.network}'s `stateDict()` gives that).
 * Initial weights are drawn as `createDense` of `@snn/neurons` draws them.
 *
 * @example
 * ```ts
 * const net = new LifNetwork({ sizes: [784, 1000, 10], lif: { beta: 0.95 }, seed: 0 });
 * const adam = new Adam(net.parameters(), { lr: 5e-4 });
 * adam.zeroGrad();
 * const { loss } = net.forwardBackward(spikes, labels, { kind: 'membraneCrossEntropy' });
 * adam.step();
 * ```
 */
export class LifNetwork {
  /** The definition of the network (without weights). */
  readonly spec: LifNetworkSpec;
  /** The layers, input side first. */
  readonly layers: readonly LifNetworkLayer[];
  /** Threads that share each batch (the caller's included). */
  readonly workers: number;
  /** The composition that runs it (for recording hidden layers, state dicts in PyTorch layout, …). */
  readonly network: Network;

  /**
   * @param opts - sizes, LIF parameters, surrogate, residual skips, seed and workers; see {@link LifNetworkOptions}
   * @throws `ValidationError` naming the bad option (e.g. `field sizes: invalid layer sizes; …`, `field lif[1].beta: …`)
   * @throws `BackendError` when `workers > 1` and the module is not running from its build
   */
  constructor(opts: LifNetworkOptions) {
    checkSizes(opts.sizes);
    const sizes = [...opts.sizes];
    const count = sizes.length - 1;
    const lifInputs = perLayer<LifParamsInput>(opts.lif, count, 'lif', {});
    const lif = lifInputs.map((p, l) => lifParams(p, Array.isArray(opts.lif) ? `lif[${l}]` : 'lif'));
    const residualFlags = perLayer<boolean>(opts.residual, count, 'residual', false);
    const residual = residualFlags.map((flag, l) => {
      if (typeof flag !== 'boolean') {
        throw new ValidationError('invalid residual flag', { field: Array.isArray(opts.residual) ? `residual[${l}]` : 'residual', expected: 'a boolean', found: String(flag) });
      }
      if (!flag || l === 0 || sizes[l] !== sizes[l + 1]) {
        if (flag && Array.isArray(opts.residual)) {
          throw new ValidationError('a residual skip needs a hidden→hidden layer of equal width', {
            field: `residual[${l}]`,
            expected: 'false for the first layer and for layers whose widths differ',
            found: `true for ${sizes[l]}→${sizes[l + 1]}`,
          });
        }
        return false;
      }
      return true;
    });
    const workers = opts.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1) {
      throw new ValidationError('invalid number of workers', { field: 'workers', expected: 'a positive integer', found: String(workers) });
    }
    const surrogate = opts.surrogate ?? atan();
    this.workers = workers;
    this.spec = {
      sizes,
      lif,
      residual,
      surrogate: { name: surrogate.name, options: { ...surrogate.options } },
    };
    // Workers rebuild the layers by name from this package's built entry; check both now.
    const factory = workers > 1 ? { module: workerThreads(workers).entryUrl, name: 'lifNetworkLayers', args: this.spec } : undefined;
    const layers = lifNetworkLayers(this.spec);
    this.network = new Network(layers, { inputShape: [sizes[0]], seed: opts.seed ?? 0, workers, factory });
    const params = this.network.parameters();
    const rng = opts.rng ?? new Rng(opts.seed ?? 0);
    this.layers = lif.map((p, l) => {
      const weight = params[2 * l];
      const bias = params[2 * l + 1];
      // The initial weights of createDense (@snn/neurons), in the engine layout [in, out] both share.
      const init = createDense(sizes[l], sizes[l + 1], rng, { residual: residual[l] });
      weight.value.set(init.weight);
      bias.value.set(init.bias);
      const dense: DenseLayer = { inSize: sizes[l], outSize: sizes[l + 1], weight: weight.value, bias: bias.value, residual: residual[l] };
      return { dense, lif: p, weight, bias };
    });
  }

  /**
   * Makes a network from a {@link LifNetworkSpec} (e.g. read from a checkpoint), with fresh weights.
   * @param spec - sizes, LIF parameters, residual flags and surrogate
   * @param opts - `seed`/`rng` of the initial weights and `workers`
   * @throws `ValidationError` as the constructor does, or for an unknown surrogate name
   */
  static fromSpec(spec: LifNetworkSpec, opts: Pick<LifNetworkOptions, 'rng' | 'seed' | 'workers'> = {}): LifNetwork {
    return new LifNetwork({
      sizes: spec.sizes,
      lif: spec.lif,
      residual: spec.residual,
      surrogate: surrogateFromSpec(spec.surrogate.name, spec.surrogate.options),
      ...opts,
    });
  }

  /** Number of output classes (the last width). */
  get classes(): number {
    return this.spec.sizes[this.spec.sizes.length - 1];
  }

  /** The trainable parameters in a stable order: `fc1.weight, fc1.bias, fc2.weight, …`. */
  parameters(): Parameter[] {
    const out: Parameter[] = [];
    for (const layer of this.layers) out.push(layer.weight, layer.bias);
    return out;
  }

  /**
   * Runs the network on a batch of spike trains (inference; no gradients).
   *
   * @param spikes - `[batch, T, sizes[0]]` as `SparseSpikes`
   * @param opts - `membrane: true` to also return the output membranes
   * @throws `ShapeError` for spikes of the wrong size or malformed rows
   */
  forward(spikes: SparseSpikes, opts: { readonly membrane?: boolean } = {}): LifNetworkOutput {
    this.checkSpikes(spikes);
    const out = this.network.forward(spikes);
    return { counts: out.counts as Float32Array, membrane: opts.membrane === true ? batchMajor(out.mem as Float32Array, out.steps, out.batch, out.size) : null };
  }

  /**
   * Forward and backward pass on a batch: returns the loss and adds d(loss)/d(parameter) into every `Parameter.grad`.
   *
   * @remarks
   * Gradients are added, not written: call the optimiser's `zeroGrad()`
   * first. The loss is averaged over the batch (see {@link BpttLoss}).
   *
   * @param spikes - `[batch, T, sizes[0]]` as `SparseSpikes`
   * @param labels - class per sample, integers in `[0, classes)`
   * @param loss - which loss; default `{ kind: 'membraneCrossEntropy' }`
   * @throws `ShapeError` for spikes or labels of the wrong size; `ValidationError` for a bad label or loss
   */
  forwardBackward(spikes: SparseSpikes, labels: ArrayLike<number>, loss: BpttLoss = { kind: 'membraneCrossEntropy' }): BpttStepResult {
    this.checkSpikes(spikes);
    checkBpttLoss(loss);
    const checked = this.checkLabels(labels, spikes.batch);
    const r = this.network.trainStep(spikes, checked, composeLoss(loss));
    return { loss: r.loss, counts: r.output.counts as Float32Array };
  }

  /**
   * Loss of a batch without gradients (e.g. on a validation set).
   * @param spikes - `[batch, T, sizes[0]]` as `SparseSpikes`
   * @param labels - class per sample
   * @param loss - which loss; default `{ kind: 'membraneCrossEntropy' }`
   */
  evaluateLoss(spikes: SparseSpikes, labels: ArrayLike<number>, loss: BpttLoss = { kind: 'membraneCrossEntropy' }): BpttStepResult {
    this.checkSpikes(spikes);
    checkBpttLoss(loss);
    const checked = this.checkLabels(labels, spikes.batch);
    const r = this.network.evaluateLoss(spikes, checked, composeLoss(loss));
    return { loss: r.loss, counts: r.output.counts as Float32Array };
  }

  /** Stops the worker threads (if any); the network still works afterwards on the calling thread only. */
  async close(): Promise<void> {
    await this.network.close();
  }

  private checkSpikes(spikes: SparseSpikes): void {
    const size = this.spec.sizes[0];
    if (spikes.size !== size) {
      throw new ShapeError('spike size does not match the input layer', { field: 'spikes.size', expected: `${size}`, found: `${spikes.size}` });
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
    for (let r = 0; r < rows; r++) {
      if (offsets[r + 1] < offsets[r]) {
        throw new ShapeError('malformed spike rows', { field: `spikes.offsets[${r + 1}]`, expected: `≥ ${offsets[r]}`, found: `${offsets[r + 1]}` });
      }
    }
    for (let k = 0; k < indices.length; k++) {
      if (indices[k] >= size) {
        throw new ShapeError('spike index out of range', { field: `spikes.indices[${k}]`, expected: `< ${size}`, found: `${indices[k]}` });
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

/** `[T, B, C]` (time-major) as `[B, T, C]`. */
function batchMajor(mem: Float32Array, T: number, B: number, C: number): Float32Array {
  const out = new Float32Array(T * B * C);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) out.set(mem.subarray((t * B + b) * C, (t * B + b + 1) * C), (b * T + t) * C);
  return out;
}
