import { BackendError, Rng, ShapeError, type SparseSpikes, ValidationError } from '@snn/core';
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
import { type Parameter, createParameter } from '../optim/parameter.js';
import { BpttEngine, type EngineGrads, type EngineLayer, addInto } from './engine.js';
import { type BpttLoss, checkBpttLoss } from './loss.js';
import { workerThreads } from '../platform.js';
import { BpttWorkerPool } from './pool.js';

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
   * adds `k − 1` Node.js worker threads. Workers import this package's built
   * file (`dist/index.node.js`, so `@snn/learning` must not be bundled into another
   * file), need a built-in surrogate, and the calling thread blocks
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

const MECHANISM_CODE = { subtract: 0, zero: 1, none: 2 } as const;

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
 * A feed-forward spiking network `[Dense → Leaky] × L` trained by backpropagation through time with surrogate gradients.
 *
 * @remarks
 * Layer l maps the spikes `S_{l−1}[t]` (the input spikes for l = 1) to the
 * current `I_l[t] = S_{l−1}[t]·W_l + b_l` (plus `S_{l−1}[t]` with a residual
 * skip) and runs LIF neurons on it (`lifStep` of @snn/neurons); the output layer's spike
 * counts and membranes feed the loss. The backward pass is derived by hand:
 * through the membrane recursion (β), the surrogate derivative at each spike,
 * and the subtract/zero reset with the reset term detached, exactly as
 * snnTorch builds its graph (Eshraghian et al. 2023, "Training spiking neural
 * networks using lessons from deep learning", Proc. IEEE 111(9); Neftci,
 * Mostafa & Zenke 2019, IEEE Signal Processing Magazine 36(6)). With
 * `U_t` the membrane and `c_t`, `k_t` the reset gates (1, or 0 right after a
 * spike under the zero reset):
 *
 * ```
 * delayed reset:   dL/dI_t = c_t · (dL/dU_t|direct + dL/dS_t·σ'(U_t − θ) + β·dL/dI_{t+1})
 * immediate reset: dL/dI_t = dL/dS_t·σ'(P_t − θ) + k_t · (dL/dU_t|direct + β·dL/dI_{t+1})
 * dW_l = Σ_t S_{l−1}[t]ᵀ·dL/dI_t,  db_l = Σ_t dL/dI_t,  dL/dS_{l−1}[t] = W_l·dL/dI_t
 * ```
 *
 * Runs event-driven per sample (only the weight rows of active inputs are
 * touched, forward and backward) and splits a batch over `workers` threads.
 * The weights are `Parameter`s with stable names (`fc1.weight`, `fc1.bias`,
 * …) for optimisers and checkpoints; their layout is `[in, out]` (PyTorch's
 * `nn.Linear.weight` is its transpose).
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
  private readonly surrogate: SurrogateFunction;
  private readonly engine: BpttEngine;
  private readonly engineLayers: readonly EngineLayer[];
  private readonly grads: readonly EngineGrads[];
  private pool: BpttWorkerPool | null = null;
  private ownGrads: readonly EngineGrads[] | null = null;
  private closed = false;

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
    this.surrogate = surrogate;
    this.workers = workers;
    this.spec = {
      sizes,
      lif,
      residual,
      surrogate: { name: surrogate.name, options: { ...surrogate.options } },
    };
    const rng = opts.rng ?? new Rng(opts.seed ?? 0);
    const shared = workers > 1;
    const layers: LifNetworkLayer[] = [];
    for (let l = 0; l < count; l++) {
      const inSize = sizes[l];
      const outSize = sizes[l + 1];
      const storage = shared
        ? { weight: new Float32Array(new SharedArrayBuffer(4 * inSize * outSize)), bias: new Float32Array(new SharedArrayBuffer(4 * outSize)) }
        : undefined;
      const dense = createDense(inSize, outSize, rng, { residual: residual[l], storage });
      const weight = createParameter(`fc${l + 1}.weight`, [inSize, outSize], dense.weight);
      const bias = createParameter(`fc${l + 1}.bias`, [outSize], dense.bias);
      layers.push({ dense, lif: lif[l], weight, bias });
    }
    this.layers = layers;
    this.engineLayers = layers.map((layer) => ({
      inSize: layer.dense.inSize,
      outSize: layer.dense.outSize,
      weight: layer.dense.weight,
      bias: layer.dense.bias,
      beta: layer.lif.beta,
      threshold: layer.lif.threshold,
      mechanism: MECHANISM_CODE[layer.lif.resetMechanism],
      delayed: layer.lif.resetDelay,
      residual: layer.dense.residual,
    }));
    this.grads = layers.map((layer) => ({ weight: layer.weight.grad, bias: layer.bias.grad }));
    this.engine = new BpttEngine(this.engineLayers, surrogate);
    if (shared) {
      workerThreads(workers);
      // Check that the surrogate can be rebuilt by name in a worker.
      surrogateFromSpec(surrogate.name, surrogate.options);
    }
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
    const { counts, membrane } = this.dispatch(spikes, null, null, false, opts.membrane ?? false);
    return { counts, membrane };
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
    const { counts, loss: value } = this.dispatch(spikes, checked, loss, true, false);
    return { loss: value, counts };
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
    const { counts, loss: value } = this.dispatch(spikes, checked, loss, false, false);
    return { loss: value, counts };
  }

  /** Stops the worker threads (if any); the network still works afterwards on the calling thread only. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.close();
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

  private getPool(): BpttWorkerPool | null {
    if (this.workers === 1 || this.closed) return null;
    if (this.pool === null) this.pool = new BpttWorkerPool(this.engineLayers, this.spec.surrogate, this.workers - 1);
    return this.pool;
  }

  /** Splits the batch into one contiguous shard per thread, runs them, and sums the results in thread order. */
  private dispatch(
    spikes: SparseSpikes,
    labels: Int32Array | null,
    loss: BpttLoss | null,
    train: boolean,
    membrane: boolean,
  ): { counts: Float32Array; membrane: Float32Array | null; loss: number } {
    const B = spikes.batch;
    const T = spikes.numSteps;
    const C = this.classes;
    const counts = new Float32Array(B * C);
    const membraneOut = membrane ? new Float32Array(B * T * C) : null;
    const pool = this.getPool();
    const threads = pool === null ? 1 : Math.min(this.workers, B);
    const bounds: number[] = [];
    for (let w = 0; w <= threads; w++) bounds.push(Math.round((w * B) / threads));
    const posted: { w: number; id: number; first: number }[] = [];
    if (pool !== null) {
      for (let w = 1; w < threads; w++) {
        const first = bounds[w];
        const end = bounds[w + 1];
        const k0 = spikes.offsets[first * T];
        const k1 = spikes.offsets[end * T];
        const offsets = new Uint32Array((end - first) * T + 1);
        for (let r = 0; r < offsets.length; r++) offsets[r] = spikes.offsets[first * T + r] - k0;
        const id = pool.post(w - 1, {
          batch: end - first,
          numSteps: T,
          size: spikes.size,
          offsets,
          indices: spikes.indices.slice(k0, k1),
          labels: labels === null ? null : labels.slice(first, end),
          loss,
          batchSize: B,
          train,
          membrane,
          classes: C,
        });
        posted.push({ w: w - 1, id, first });
      }
    }
    // With workers, every thread writes its own gradients and one pass adds them all, in thread order.
    const parallel = posted.length > 0 && train;
    if (parallel && this.ownGrads === null) {
      this.ownGrads = this.grads.map((g) => ({ weight: new Float32Array(g.weight.length), bias: new Float32Array(g.bias.length) }));
    }
    let lossSum = this.engine.run({
      spikes,
      first: 0,
      end: bounds[1],
      labels,
      loss,
      batchSize: B,
      grads: train ? (parallel ? this.ownGrads : this.grads) : null,
      accumulate: !parallel,
      counts,
      membrane: membraneOut,
    });
    if (pool !== null) {
      for (const { w, id, first } of posted) {
        const reply = pool.collect(w, id);
        lossSum += reply.loss;
        counts.set(reply.counts, first * C);
        if (membraneOut !== null && reply.membrane !== null) membraneOut.set(reply.membrane, first * T * C);
      }
    }
    if (parallel) {
      const parts = [this.ownGrads as readonly EngineGrads[], ...posted.map(({ w }) => (pool as BpttWorkerPool).grads(w))];
      for (let l = 0; l < this.grads.length; l++) {
        addParts(this.grads[l].weight, parts.map((part) => part[l].weight));
        addParts(this.grads[l].bias, parts.map((part) => part[l].bias));
      }
    }
    return { counts, membrane: membraneOut, loss: lossSum };
  }
}

/** target += parts[0] + parts[1] + … (in this order), one pass for two parts. */
function addParts(target: Float32Array, parts: readonly Float32Array[]): void {
  if (parts.length === 2) {
    const [a, b] = parts;
    for (let i = 0; i < target.length; i++) target[i] += a[i] + b[i];
    return;
  }
  for (const part of parts) addInto(target, 0, part, 0, part.length);
}
