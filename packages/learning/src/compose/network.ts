import { CheckpointError, NumericError, Rng, ShapeError, type SparseSpikes, ValidationError, decodeSafetensors, encodeSafetensors } from '@snn/core';
import type { Parameter } from '../optim/parameter.js';
import { Sequential } from './containers.js';
import type { Layer, LayerGrad, LayerOutput, RunContext } from './layer.js';
import type { Loss, LossGradient, LossInput, RecordedOutput } from './losses.js';
import { type ComposeJob, type ComposeReply, ComposeWorkerPool, runComposeWorker } from './pool.js';
import { type FloatArray, type NamedTensor, type Seq, type SpikeFunction, shapeSize, showShape } from './types.js';
import { safetensorsFiles } from '../platform.js';

/** Options of {@link Network}. */
export interface NetworkOptions {
  /** Shape of one input sample at one step, e.g. `[784]` or `[1, 28, 28]`. */
  readonly inputShape: readonly number[];
  /** Seed of the initial weights (and of dropout masks). Default 0. */
  readonly seed?: number;
  /**
   * Threads that share each batch: 1 runs on the calling thread only; `k > 1`
   * adds `k − 1` Node.js worker threads, each with its own copy of the network
   * built by `factory`. Each thread takes a contiguous part of the batch;
   * gradients are summed in thread order, so a run is deterministic for a
   * given seed and worker count. The calling thread blocks (`Atomics.wait`)
   * until the workers finish a batch. Default 1.
   */
  readonly workers?: number;
  /** How a worker thread rebuilds the same layers (needed when `workers > 1`). */
  readonly factory?: NetworkFactory;
}

/**
 * A module export that builds a network's layers, so that worker threads can
 * rebuild it: `(await import(module))[name](args)` must return the same
 * layers (same names and shapes) as the main thread's, as an array or as
 * `{ layers, losses }` where `losses` holds custom losses by name (built-in
 * losses travel by their spec).
 */
export interface NetworkFactory {
  /** Module specifier or URL the worker imports, e.g. `import.meta.url` of your module. */
  readonly module: string;
  /** Name of the exported function. */
  readonly name: string;
  /** Its argument (structured-cloneable). */
  readonly args?: unknown;
}

/** Input of a run: spike trains `[batch, T, size]` as `SparseSpikes`, or a dense time-major sequence `[T, B, ...inputShape]`. */
export type NetworkInput = SparseSpikes | Seq;

/** Options of {@link Network.forward}. */
export interface ForwardOptions {
  /** Names of layers whose spikes and membranes to return (snnTorch's `spk_rec`/`mem_rec` of hidden layers). */
  readonly record?: readonly string[];
}

/** What {@link Network.forward} returns. */
export interface NetworkOutput extends RecordedOutput {
  /** Number of steps T. */
  readonly steps: number;
  /** Number of samples B. */
  readonly batch: number;
  /** Width of the output. */
  readonly size: number;
  /** Output spike counts `[B, size]` (summed over T); null for a non-spiking output. */
  readonly counts: Float32Array | null;
  /** The recorded layers, by name (copies, `[T, B, width]`). */
  readonly records: Readonly<Record<string, RecordedOutput>>;
}

/** What {@link Network.trainStep} returns. */
export interface TrainStepResult {
  /** The batch loss. */
  readonly loss: number;
  /** The output of the forward pass. */
  readonly output: NetworkOutput;
}

/** One tensor of a {@link StateDict}. */
export interface StateDictEntry {
  /** PyTorch shape, e.g. `[out, in]` for a linear weight, `[]` for a scalar buffer. */
  readonly shape: readonly number[];
  /** Values in PyTorch's (row-major) layout. */
  readonly data: Float32Array;
}

/** A state dict: tensors by PyTorch name, with PyTorch shapes and layouts. */
export type StateDict = Record<string, StateDictEntry>;

const NO_GRAD: ReadonlyMap<Layer, LayerGrad> = new Map();

function isSparse(x: NetworkInput): x is SparseSpikes {
  return (x as SparseSpikes).offsets !== undefined;
}

/** Every layer in the tree, depth first. */
function allLayers(root: Layer): Layer[] {
  const out: Layer[] = [];
  const walk = (l: Layer): void => {
    out.push(l);
    for (const c of l.children()) walk(c);
  };
  walk(root);
  return out;
}

/**
 * Trains any composition of layers by backpropagation through time: the one
 * BPTT engine of the toolkit.
 *
 * @remarks
 * The engine runs the root layer (a {@link Sequential} of the parts) over all
 * T steps of a batch, time-major `[T, B, …]`: each layer keeps what its
 * backward needs; the loss ({@link Loss}) reads the output (and any layers it
 * names) and returns its gradient; backward runs every layer's VJP in
 * reverse, adding into each `Parameter.grad`. Layers whose input is spikes
 * run event-driven (a {@link Linear} touches only the weight columns of
 * active inputs). Hidden activity is copied out only for the layers asked
 * for in `record`, so runs that do not ask pay nothing.
 *
 * Gradients are added, not written: call the optimiser's `zeroGrad()` first.
 *
 * @example
 * ```ts
 * const net = new Network([
 *   new Linear(784, 1000, { name: 'fc1' }), leaky({ beta: 0.95, name: 'lif1' }),
 *   new Linear(1000, 10, { name: 'fc2' }), leaky({ beta: 0.95, name: 'lif2' }),
 * ], { inputShape: [784], seed: 0 });
 * const adam = new Adam(net.parameters(), { lr: 5e-4 });
 * adam.zeroGrad();
 * const { loss } = net.trainStep(spikes, labels, membraneCrossEntropy());
 * adam.step();
 * ```
 */
export class Network {
  /** The root layer. */
  readonly root: Layer;
  /** Shape of one input sample at one step. */
  readonly inputShape: readonly number[];
  /** Shape of one output sample at one step. */
  readonly outputShape: readonly number[];
  private readonly byName = new Map<string, Layer>();
  private readonly outputLayer: Layer;
  private readonly seed: number;
  private runs = 0;
  private spikeOverride: SpikeFunction | null = null;
  /** Threads that share each batch (the caller's included). */
  readonly workers: number;
  private readonly factory: NetworkFactory | null;
  private pool: ComposeWorkerPool | null = null;
  /** Shared copies of the engine arrays that every job of a batch reads (posting them copies nothing). */
  private shared: Float32Array[] | null = null;
  private closed = false;

  /**
   * @param layers - the parts (wrapped in a {@link Sequential}) or one root layer
   * @param opts - input shape and seed
   * @throws `ShapeError` naming both layers and shapes when the parts do not chain;
   *   `ValidationError` for duplicate names or a bad input shape
   */
  constructor(layers: readonly Layer[] | Layer, opts: NetworkOptions) {
    const shape = opts?.inputShape;
    if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new ValidationError('invalid input shape', { field: 'inputShape', expected: 'positive integer sizes, e.g. [784]', found: JSON.stringify(shape) });
    }
    this.root = Array.isArray(layers) ? new Sequential(layers) : (layers as Layer);
    this.inputShape = [...shape];
    this.seed = opts.seed ?? 0;
    const workers = opts.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1) throw new ValidationError('invalid number of workers', { field: 'workers', expected: 'a positive integer', found: String(workers) });
    const factory = opts.factory ?? null;
    if (workers > 1 && (factory === null || typeof factory.module !== 'string' || typeof factory.name !== 'string')) {
      throw new ValidationError('worker threads need a factory that rebuilds the layers', {
        field: 'factory',
        expected: '{ module, name, args? } naming an exported function that returns the same layers',
        found: JSON.stringify(factory),
      });
    }
    this.workers = workers;
    this.factory = factory;
    this.outputShape = this.root.build(this.inputShape, { rng: new Rng(this.seed), needInputGrad: false, previous: `the input ${showShape(this.inputShape)}` });
    for (const l of allLayers(this.root)) if (l !== this.root && l.name !== '') this.byName.set(l.name, l);
    this.outputLayer = this.root instanceof Sequential ? lastLeaf(this.root) : this.root;
    const names = new Set<string>();
    for (const t of this.root.tensors()) {
      if (names.has(t.name)) throw new ValidationError('two tensors have the same name', { field: t.name, expected: 'unique layer names', found: 'a duplicate' });
      names.add(t.name);
    }
  }

  /** Width of the output. */
  get outputSize(): number {
    return shapeSize(this.outputShape);
  }

  /** The trainable parameters in a stable order (`fc1.weight`, `fc1.bias`, …). */
  parameters(): Parameter[] {
    return this.root.parameters();
  }

  /**
   * The layer of that name.
   * @throws `ValidationError` listing the names when there is none
   */
  layer(name: string): Layer {
    const l = this.byName.get(name);
    if (l === undefined) throw new ValidationError('no layer of that name', { field: name, expected: `one of ${[...this.byName.keys()].join(', ')}`, found: JSON.stringify(name) });
    return l;
  }

  /**
   * Inference on a batch (no gradients, dropout off).
   * @param input - spike trains or a dense sequence
   * @param opts - `record`: names of layers to return
   * @throws `ShapeError` for input of the wrong size; `ValidationError` for an unknown layer name
   */
  forward(input: NetworkInput, opts: ForwardOptions = {}): NetworkOutput {
    return this.run(input, null, null, false, opts.record ?? []).output;
  }

  /**
   * Forward, loss and backward on a batch: adds d(loss)/d(parameter) into every `Parameter.grad`.
   * @param input - spike trains or a dense sequence
   * @param targets - what the loss compares with (labels for the built-in losses)
   * @param loss - the loss
   * @param opts - `record`: layers to return as well
   * @throws `NumericError` when the loss is NaN or infinite; `ShapeError` for a gradient of the wrong length
   */
  trainStep<Y>(input: NetworkInput, targets: Y, loss: Loss<Y>, opts: ForwardOptions = {}): TrainStepResult {
    return this.run(input, targets, loss, true, opts.record ?? []);
  }

  /** Loss of a batch without gradients (dropout off). */
  evaluateLoss<Y>(input: NetworkInput, targets: Y, loss: Loss<Y>): TrainStepResult {
    return this.run(input, targets, loss, false, []);
  }

  /** Stops the worker threads (if any); the network still works afterwards on the calling thread only. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = null;
    if (pool !== null) await pool.close();
  }

  /** One batch, split over the threads; parts summed in thread order. */
  private run<Y>(input: NetworkInput, targets: Y | null, loss: Loss<Y> | null, train: boolean, record: readonly string[]): TrainStepResult {
    const x = this.toSeq(input);
    for (const name of record) this.layer(name);
    this.runs++;
    const B = x.batch;
    const pool = this.getPool();
    const threads = pool === null ? 1 : Math.min(this.workers, B);
    if (threads === 1) return this.shard(x, targets, loss, train, record, B, this.shardSeed(0));
    const spec = loss === null ? null : this.lossSpec(loss);
    const bounds: number[] = [];
    for (let w = 0; w <= threads; w++) bounds.push(Math.round((w * B) / threads));
    const values = this.sharedValues();
    const posted: { w: number; id: number }[] = [];
    for (let w = 1; w < threads; w++) {
      const job: Omit<ComposeJob, 'id'> = {
        values,
        input: sliceInput(input, x, bounds[w], bounds[w + 1]),
        targets: sliceTargets(targets, B, bounds[w], bounds[w + 1]),
        loss: spec,
        batchSize: B,
        train,
        record,
        rngSeed: this.shardSeed(w),
      };
      posted.push({ w: w - 1, id: (pool as ComposeWorkerPool).post(w - 1, job) });
    }
    const params = this.parameters();
    const saved = train ? params.map((p) => p.grad.slice()) : [];
    if (train) for (const p of params) p.grad.fill(0);
    let own: TrainStepResult | null = null;
    let failure: unknown = null;
    try {
      own = this.shard(this.toSeq(sliceInput(input, x, 0, bounds[1])), sliceTargets(targets, B, 0, bounds[1]) as Y | null, loss, train, record, B, this.shardSeed(0));
    } catch (e) {
      failure = e;
    }
    // Every answer is collected even when a part failed, so none is left behind for the next batch.
    const replies: ComposeReply[] = [];
    for (const { w, id } of posted) {
      try {
        replies.push((pool as ComposeWorkerPool).collect(w, id));
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure !== null || own === null) {
      if (train) for (let k = 0; k < params.length; k++) params[k].grad.set(saved[k]);
      throw failure;
    }
    let value = own.loss;
    for (const r of replies) value += r.loss;
    if (train) {
      params.forEach((p, k) => {
        const g = p.grad;
        const before = saved[k];
        if (replies.length === 1) {
          // Two threads (the common case): the same sums as below, without the inner loop.
          const r0 = replies[0].grads[k];
          for (let i = 0; i < g.length; i++) g[i] = before[i] + (g[i] + r0[i]);
          return;
        }
        for (let i = 0; i < g.length; i++) {
          let sum = g[i];
          for (const r of replies) sum += r.grads[k][i];
          g[i] = before[i] + sum;
        }
      });
    }
    const parts = [own.output, ...replies.map((r) => ({ spikes: r.spikes, mem: r.mem, records: r.records }))];
    return { loss: value, output: this.assemble(parts, bounds, x.steps, record) };
  }

  /** Forward (and loss and backward) on the calling thread over one part of a batch. */
  private shard<Y>(x: Seq, targets: Y | null, loss: Loss<Y> | null, train: boolean, record: readonly string[], batchSize: number, seed: number): TrainStepResult {
    const ctx: RunContext = { train: train && loss !== null, rng: new Rng(seed), spikeOverride: this.spikeOverride, extraGrad: NO_GRAD };
    const out = this.root.forward(x, ctx);
    const output = this.output(out, loss === null ? record : [...record, ...(loss.layers ?? [])]);
    if (loss === null) return { loss: 0, output };
    const { value, grad } = this.computeLoss(loss, output, targets as Y, ctx.train, batchSize);
    if (!ctx.train) return { loss: value, output };
    const g = grad as LossGradient;
    const extra = new Map<Layer, LayerGrad>();
    const spiking = output.spikes !== null;
    const topOut = spiking ? g.spikes : g.mem;
    let top: LayerGrad = { out: topOut ?? new Float32Array(output.mem.length), mem: spiking ? (g.mem ?? null) : null };
    for (const [name, lg] of Object.entries(g.layers ?? {})) {
      const layer = this.layer(name);
      const rec = output.records[name];
      const n = rec.mem.length;
      const lout = rec.spikes !== null ? lg.spikes : lg.mem;
      const lgrad: LayerGrad = { out: lout ?? new Float32Array(n), mem: rec.spikes !== null ? (lg.mem ?? null) : null };
      if (layer === this.outputLayer) top = addGrads(top, lgrad);
      else extra.set(layer, lgrad);
    }
    this.root.backward(top, { ...ctx, extraGrad: extra });
    return { loss: value, output };
  }

  /**
   * A worker's part: the main thread's weights in, one shard run, outputs and gradients out.
   * @internal
   */
  runShardJob(job: ComposeJob, loss: Loss<unknown> | null): Omit<ComposeReply, 'id'> {
    const arrays = this.engineArrays();
    if (job.values.length !== arrays.length) {
      throw new ValidationError("the factory's network differs from the main thread's", { field: 'factory', expected: `${job.values.length} tensors`, found: `${arrays.length}` });
    }
    arrays.forEach((a, k) => {
      if (job.values[k].length !== a.length) {
        throw new ValidationError("the factory's network differs from the main thread's", { field: `tensor ${k}`, expected: `${job.values[k].length} values`, found: `${a.length}` });
      }
      a.set(job.values[k]);
    });
    const params = this.parameters();
    for (const p of params) p.grad.fill(0);
    const x = this.toSeq(job.input as NetworkInput);
    const r = this.shard(x, job.targets, loss, job.train, job.record, job.batchSize, job.rngSeed);
    const o = r.output;
    return {
      loss: r.loss,
      spikes: o.spikes === null ? null : Float32Array.from(o.spikes),
      mem: Float32Array.from(o.mem),
      records: Object.fromEntries(Object.entries(o.records).map(([k, v]) => [k, { spikes: v.spikes === null ? null : Float32Array.from(v.spikes), mem: Float32Array.from(v.mem) }])),
      grads: job.train && loss !== null ? params.map((p) => p.grad.slice()) : [],
    };
  }

  /**
   * The arrays a worker thread copies from the calling thread before each job, in a fixed order: every
   * parameter in its engine layout, then every buffer (the layers' own arrays, not copies).
   */
  private engineArrays(): Float32Array[] {
    return [...this.parameters().map((p) => p.value), ...this.root.tensors().filter((t) => !t.trainable).map((t) => t.value)];
  }

  /**
   * The current weights and buffers for the workers: copied once per batch into shared memory (the workers
   * read them before the calling thread writes again, which is after every answer of the batch is in).
   */
  private sharedValues(): Float32Array[] {
    const arrays = this.engineArrays();
    if (this.shared === null || this.shared.length !== arrays.length || this.shared.some((a, k) => a.length !== arrays[k].length)) {
      this.shared = arrays.map((a) => new Float32Array(new SharedArrayBuffer(4 * a.length)));
    }
    const shared = this.shared;
    for (const [k, a] of arrays.entries()) shared[k].set(a);
    return shared;
  }

  private shardSeed(shard: number): number {
    return ((this.seed * 1000003 + this.runs) * 131 + shard) >>> 0;
  }

  private lossSpec(loss: Loss<unknown>): { readonly name: string; readonly options?: Readonly<Record<string, unknown>> } {
    if (loss.spec !== undefined) return loss.spec;
    return { name: loss.name };
  }

  private getPool(): ComposeWorkerPool | null {
    if (this.workers === 1 || this.closed) return null;
    if (this.pool === null) this.pool = new ComposeWorkerPool(this.factory as NetworkFactory, this.inputShape, this.seed, this.workers - 1);
    return this.pool;
  }

  /** Joins the parts' outputs (time-major, samples in part order). */
  private assemble(
    parts: readonly { readonly spikes: FloatArray | null; readonly mem: FloatArray; readonly records: Readonly<Record<string, RecordedOutput>> }[],
    bounds: readonly number[],
    T: number,
    record: readonly string[],
  ): NetworkOutput {
    const B = bounds[bounds.length - 1];
    const size = this.outputSize;
    const join = (pick: (p: (typeof parts)[number]) => FloatArray | null, width: number): Float32Array | null => {
      if (pick(parts[0]) === null) return null;
      const out = new Float32Array(T * B * width);
      parts.forEach((p, w) => {
        const src = pick(p) as FloatArray;
        const first = bounds[w];
        const bw = bounds[w + 1] - first;
        for (let t = 0; t < T; t++) out.set(src.subarray(t * bw * width, (t + 1) * bw * width), (t * B + first) * width);
      });
      return out;
    };
    const spikes = join((p) => p.spikes, size);
    const mem = join((p) => p.mem, size) as Float32Array;
    let counts: Float32Array | null = null;
    if (spikes !== null) {
      counts = new Float32Array(B * size);
      for (let t = 0; t < T; t++) for (let k = 0; k < B * size; k++) counts[k] += spikes[t * B * size + k];
    }
    const records: Record<string, RecordedOutput> = {};
    for (const name of record) {
      const width = parts[0].records[name].mem.length / (T * (bounds[1] - bounds[0]));
      records[name] = { spikes: join((p) => p.records[name].spikes, width), mem: join((p) => p.records[name].mem, width) as Float32Array };
    }
    return { steps: T, batch: B, size, spikes, mem, counts, records };
  }

  /** Used by {@link gradCheck}: replaces every neuron's spike function (null restores them). */
  setSpikeOverride(fire: SpikeFunction | null): void {
    this.spikeOverride = fire;
  }

  /**
   * Parameters and buffers under PyTorch names and layouts (`fc1.weight` `[out, in]`, snnTorch's `lif1.beta`, …), copied.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const t of this.root.tensors()) out[t.name] = { shape: [...t.shape], data: t.value.slice() };
    return out;
  }

  /**
   * Loads a state dict of the same architecture.
   * @param dict - tensors by name (e.g. from {@link Network.stateDict} or a safetensors file)
   * @throws `CheckpointError` naming the tensor and both shapes when the architecture differs, or a missing/unexpected tensor;
   *   `NumericError` for a NaN or infinite value
   */
  loadStateDict(dict: Readonly<Record<string, { readonly shape: readonly number[]; readonly data: ArrayLike<number> }>>): void {
    const tensors = this.root.tensors();
    const expected = new Map<string, NamedTensor>(tensors.map((t) => [t.name, t]));
    for (const name of Object.keys(dict)) {
      if (!expected.has(name)) throw new CheckpointError('state dict has a tensor this network does not', { field: name, expected: `one of ${[...expected.keys()].join(', ')}`, found: name });
    }
    const values = new Map<string, Float32Array>();
    for (const t of tensors) {
      const got = dict[t.name];
      if (got === undefined) throw new CheckpointError('state dict lacks a tensor', { field: t.name, expected: `a tensor of shape ${showShape(t.shape)}`, found: 'none' });
      const same = got.shape.length === t.shape.length && got.shape.every((d, i) => d === t.shape[i]);
      if (!same || got.data.length !== t.value.length) {
        throw new CheckpointError('state dict tensor has another shape (another architecture?)', { field: t.name, expected: showShape(t.shape), found: showShape(got.shape) });
      }
      const v = Float32Array.from(got.data);
      for (let i = 0; i < v.length; i++) {
        if (!Number.isFinite(v[i])) throw new NumericError('non-finite value in state dict', { field: `${t.name}[${i}]`, expected: 'a finite number', found: String(v[i]) });
      }
      values.set(t.name, v);
    }
    for (const [name, v] of values) this.root.loadTensor(name, v);
  }

  /** The state dict as safetensors bytes (`torch` + `safetensors` load it with `load_file`). */
  stateDictBytes(): Uint8Array {
    return encodeSafetensors(this.ndArrays());
  }

  /** Loads a state dict from safetensors bytes; see {@link Network.loadStateDict}. */
  loadStateDictBytes(bytes: Uint8Array, file?: string): void {
    const { tensors } = decodeSafetensors(bytes, file);
    this.loadStateDict(Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { shape: t.shape, data: t.data }])));
  }

  /** Writes the state dict to a safetensors file (atomically). */
  async saveStateDict(path: string): Promise<void> {
    await safetensorsFiles('Network.saveStateDict').saveSafetensors(path, this.ndArrays());
  }

  /** Reads a safetensors file written by {@link Network.saveStateDict} (or by PyTorch for the same model). */
  async loadStateDictFile(path: string): Promise<void> {
    const { tensors } = await safetensorsFiles('Network.loadStateDictFile').loadSafetensors(path);
    try {
      this.loadStateDict(Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { shape: t.shape, data: t.data }])));
    } catch (e) {
      if (e instanceof CheckpointError) throw new CheckpointError(e.message, { file: path, cause: e });
      throw e;
    }
  }

  private ndArrays(): Record<string, { data: Float32Array | Int32Array; shape: readonly number[] }> {
    const out: Record<string, { data: Float32Array | Int32Array; shape: readonly number[] }> = {};
    for (const t of this.root.tensors()) out[t.name] = { shape: [...t.shape], data: t.integer ? Int32Array.from(t.value) : t.value.slice() };
    return out;
  }

  private computeLoss<Y>(loss: Loss<Y>, output: NetworkOutput, targets: Y, wantGrad: boolean, batchSize: number): { value: number; grad: LossGradient | undefined } {
    const input: LossInput = {
      steps: output.steps,
      batch: output.batch,
      batchSize,
      size: output.size,
      spikes: output.spikes,
      mem: output.mem,
      layers: output.records,
    };
    const { value, grad } = loss.compute(input, targets, wantGrad);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new NumericError('the loss is not a finite number', { field: loss.name, expected: 'a finite value', found: String(value) });
    }
    if (!wantGrad) return { value, grad: undefined };
    if (grad === undefined || (grad.spikes === undefined && grad.mem === undefined && grad.layers === undefined)) {
      throw new ValidationError('the loss returned no gradient', { field: `${loss.name}.grad`, expected: 'spikes and/or mem gradients', found: 'none' });
    }
    const n = output.mem.length;
    const shape = `[${output.steps}, ${output.batch}, ${output.size}]`;
    checkGrad(grad.spikes, n, `${loss.name}.grad.spikes`, shape);
    checkGrad(grad.mem, n, `${loss.name}.grad.mem`, shape);
    if (grad.spikes !== undefined && output.spikes === null) {
      throw new ValidationError('spike gradient for a non-spiking output', { field: `${loss.name}.grad.spikes`, expected: 'grad.mem only', found: 'grad.spikes' });
    }
    for (const [name, lg] of Object.entries(grad.layers ?? {})) {
      const rec = output.records[name];
      if (rec === undefined) throw new ValidationError('gradient for a layer the loss did not name', { field: `${loss.name}.grad.layers.${name}`, expected: `one of ${(loss.layers ?? []).join(', ') || '(none)'}`, found: name });
      checkGrad(lg.spikes, rec.mem.length, `${loss.name}.grad.layers.${name}.spikes`, `${rec.mem.length} values`);
      checkGrad(lg.mem, rec.mem.length, `${loss.name}.grad.layers.${name}.mem`, `${rec.mem.length} values`);
    }
    return { value, grad };
  }

  private output(out: LayerOutput, record: readonly string[]): NetworkOutput {
    const T = out.out.steps;
    const B = out.out.batch;
    const size = shapeSize(out.out.shape);
    const spiking = this.outputLayer.spiking;
    const spikes = spiking ? out.out.data : null;
    const mem = spiking ? (out.mem ?? out.out.data) : out.out.data;
    let counts: Float32Array | null = null;
    if (spikes !== null) {
      counts = new Float32Array(B * size);
      for (let t = 0; t < T; t++) for (let k = 0; k < B * size; k++) counts[k] += spikes[t * B * size + k];
    }
    const records: Record<string, RecordedOutput> = {};
    for (const name of record) {
      const layer = this.layer(name);
      records[name] = this.recordOf(layer);
    }
    return { steps: T, batch: B, size, spikes, mem, counts, records };
  }

  private recordOf(layer: Layer): RecordedOutput {
    const last = (layer as Layer & { lastOutput?: () => LayerOutput | null }).lastOutput?.();
    if (last === undefined || last === null) {
      throw new ValidationError('this layer cannot be recorded', { field: layer.name, expected: 'a neuron or linear layer that ran in this pass', found: layer.kind });
    }
    const spikes = layer.spiking ? last.out.data.slice() : null;
    const mem = (last.mem ?? last.out.data).slice();
    return { spikes, mem };
  }

  private toSeq(input: NetworkInput): Seq {
    const size = shapeSize(this.inputShape);
    if (isSparse(input)) return sparseToSeq(input, size, this.inputShape);
    const x = input as Seq;
    if (!(x.data instanceof Float32Array || x.data instanceof Float64Array) || !Number.isInteger(x.steps) || !Number.isInteger(x.batch) || x.steps < 1 || x.batch < 1) {
      throw new ShapeError('invalid input', { field: 'input', expected: 'SparseSpikes or { data: Float32Array [T, B, ...inputShape], steps, batch }', found: typeof input });
    }
    if (x.data.length !== x.steps * x.batch * size) {
      throw new ShapeError('input does not match the input shape', { field: 'input.data', expected: `${x.steps}×${x.batch}×${size} values`, found: `${x.data.length}` });
    }
    return { data: x.data, steps: x.steps, batch: x.batch, shape: this.inputShape };
  }
}

/**
 * Entry point of a `Network` worker thread (started with `workers > 1`; not for direct use).
 */
export function runNetworkWorker(): Promise<void> {
  return runComposeWorker((layers, inputShape, seed) => new Network(layers, { inputShape, seed }));
}

/** Samples [first, end) of a time-major sequence. */
function sliceSeq(x: Seq, first: number, end: number): Seq {
  if (first === 0 && end === x.batch) return x;
  const size = shapeSize(x.shape);
  const T = x.steps;
  const b = end - first;
  const data = x.data instanceof Float64Array ? new Float64Array(T * b * size) : new Float32Array(T * b * size);
  for (let t = 0; t < T; t++) data.set(x.data.subarray((t * x.batch + first) * size, (t * x.batch + end) * size), t * b * size);
  return { data, steps: T, batch: b, shape: x.shape, binary: x.binary };
}

/** Samples [first, end) of the input, in the input's own form (sparse stays sparse). */
function sliceInput(input: NetworkInput, x: Seq, first: number, end: number): NetworkInput {
  if (!isSparse(input)) return sliceSeq(x, first, end);
  const T = input.numSteps;
  const k0 = input.offsets[first * T];
  const k1 = input.offsets[end * T];
  const offsets = new Uint32Array((end - first) * T + 1);
  for (let r = 0; r < offsets.length; r++) offsets[r] = input.offsets[first * T + r] - k0;
  return { batch: end - first, numSteps: T, size: input.size, offsets, indices: input.indices.slice(k0, k1) };
}

/** The targets of samples [first, end) when they are one per sample; else the targets as they are. */
function sliceTargets(targets: unknown, batch: number, first: number, end: number): unknown {
  if (targets !== null && typeof targets === 'object' && (Array.isArray(targets) || ArrayBuffer.isView(targets)) && (targets as ArrayLike<unknown>).length === batch) {
    return Array.prototype.slice.call(targets, first, end);
  }
  return targets;
}

function lastLeaf(seq: Sequential): Layer {
  const last = seq.layers[seq.layers.length - 1];
  return last instanceof Sequential ? lastLeaf(last) : last;
}

function addGrads(a: LayerGrad, b: LayerGrad): LayerGrad {
  const out = a.out.slice();
  for (let i = 0; i < out.length; i++) out[i] += b.out[i];
  let mem = a.mem;
  if (b.mem !== null) {
    mem = mem === null ? b.mem : mem.slice();
    if (a.mem !== null) for (let i = 0; i < mem.length; i++) mem[i] += b.mem[i];
  }
  return { out, mem };
}

function checkGrad(g: FloatArray | undefined, n: number, field: string, shape: string): void {
  if (g === undefined) return;
  if (!(g instanceof Float32Array || g instanceof Float64Array)) {
    throw new ShapeError('loss gradient is not a float array', { field, expected: 'a Float32Array', found: Object.prototype.toString.call(g) });
  }
  if (g.length !== n) throw new ShapeError('loss gradient has the wrong shape', { field, expected: `${n} values (${shape})`, found: `${g.length}` });
}

/**
 * Spike trains `[batch, T, size]` (CSR) as a time-major sequence `[T, B, size]`: checked now, kept as events for
 * a first layer that reads them, made dense only when a layer reads `data`.
 */
export function sparseToSeq(spikes: SparseSpikes, size: number, shape: readonly number[]): Seq {
  if (spikes.size !== size) throw new ShapeError('spike size does not match the input shape', { field: 'spikes.size', expected: `${size}`, found: `${spikes.size}` });
  const { batch: B, numSteps: T, offsets, indices } = spikes;
  if (!Number.isInteger(T) || T < 1 || !Number.isInteger(B) || B < 1) {
    throw new ShapeError('invalid spike batch', { field: 'spikes', expected: 'batch ≥ 1 and numSteps ≥ 1', found: `batch ${B}, numSteps ${T}` });
  }
  const rows = B * T;
  if (offsets.length !== rows + 1 || offsets[0] !== 0 || offsets[rows] !== indices.length) {
    throw new ShapeError('malformed spike rows', { field: 'spikes.offsets', expected: `${rows + 1} offsets from 0 to ${indices.length}`, found: `${offsets.length} offsets` });
  }
  for (let r = 0; r < rows; r++) {
    if (offsets[r + 1] < offsets[r]) throw new ShapeError('malformed spike rows', { field: `spikes.offsets[${r + 1}]`, expected: `≥ ${offsets[r]}`, found: `${offsets[r + 1]}` });
  }
  for (let k = 0; k < indices.length; k++) {
    if (indices[k] >= size) throw new ShapeError('spike index out of range', { field: `spikes.indices[${k}]`, expected: `< ${size}`, found: `${indices[k]}` });
  }
  let dense: Float32Array | null = null;
  return {
    get data(): Float32Array {
      if (dense === null) {
        dense = new Float32Array(T * B * size);
        for (let b = 0; b < B; b++) {
          for (let t = 0; t < T; t++) {
            const r = b * T + t;
            const o = (t * B + b) * size;
            for (let k = offsets[r]; k < offsets[r + 1]; k++) dense[o + indices[k]] = 1;
          }
        }
      }
      return dense;
    },
    steps: T,
    batch: B,
    shape,
    binary: true,
    events: spikes,
  };
}
