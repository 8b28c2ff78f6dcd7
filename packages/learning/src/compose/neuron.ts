import { type Rng, ShapeError, ValidationError } from '@snn/core';
import { type Parameter, createParameter } from '../optim/parameter.js';
import type { BuildContext, Layer, LayerGrad, LayerOutput, RunContext } from './layer.js';
import { type FloatArray, type NamedTensor, type Seq, type SpikeBits, type SpikeFunction, newLike, shapeSize } from './types.js';

/**
 * A parameter or buffer of a neuron model, e.g. snnTorch's `beta`.
 *
 * @remarks
 * `value` has one entry (shared by all neurons; stored with shape `[]`, as
 * snnTorch stores a float `beta`) or one per neuron (`[width]`); neuron code
 * reads `p.length === 1 ? p[0] : p[j]` for neuron j.
 */
export interface NeuronParamSpec {
  /** Name under the layer, e.g. `beta` (state dict name `lif1.beta`). */
  readonly name: string;
  /** Initial values: one number for all neurons, or one per neuron, or any shape given by `shape`. */
  readonly value: number | ArrayLike<number>;
  /** Shape in the state dict; default `[]` for one number, `[width]` for one per neuron. */
  readonly shape?: readonly number[];
  /** Trained by BPTT (in `parameters()`), or a fixed buffer. Default false. */
  readonly learn?: boolean;
  /** Saved as an integer tensor (e.g. snnTorch's `reset_mechanism_val`). Default false. */
  readonly integer?: boolean;
  /**
   * A 2-D tensor the neuron keeps as the transpose of its state-dict layout: `shape` is the state dict's
   * (`[out, in]` as `nn.Linear`), `value` and the trainable parameter are `[in, out]`. Only for a trainable
   * tensor (`learn: true`). Default false.
   */
  readonly transposed?: boolean;
}

/** What {@link NeuronModel.step} reads and writes for one time step of all samples. */
export interface NeuronStepIO {
  /** Number of neurons per sample. */
  readonly width: number;
  /** Number of samples. */
  readonly batch: number;
  /** Input current at step t, `[batch, width]`. */
  readonly input: FloatArray;
  /** Each state at step t − 1 (zeros at t = 0), `[batch, width]` each, in {@link NeuronModel.states} order. */
  readonly prev: readonly FloatArray[];
  /** Each state at step t, to write. */
  readonly next: readonly FloatArray[];
  /** Output at step t (spikes, or the value of a non-spiking neuron), to write. */
  readonly out: FloatArray;
  /** Parameter values in {@link NeuronModel.params} order. */
  readonly params: readonly FloatArray[];
  /** The spike function: Heaviside forward with the layer's surrogate derivative (a smooth pair in {@link gradCheck}). */
  readonly fire: SpikeFunction;
}

/** What {@link NeuronModel.backward} reads and writes: the VJP of one step. */
export interface NeuronBackwardIO extends NeuronStepIO {
  /** dL/d(out[t]) from the layers above and the loss. */
  readonly gradOut: FloatArray;
  /** dL/d(state[t]) in full (from step t + 1 and the loss), one array per state. */
  readonly gradNext: readonly FloatArray[];
  /** dL/d(state[t − 1]), to ADD into (zeroed by the engine before the call). */
  readonly gradPrev: readonly FloatArray[];
  /** dL/d(input[t]), to WRITE. */
  readonly gradInput: FloatArray;
  /** dL/d(parameter), to ADD into, in {@link NeuronModel.params} order (also given for fixed buffers; ignored). */
  readonly paramGrads: readonly FloatArray[];
}

/**
 * A neuron model for BPTT: one time step forward and its vector-Jacobian
 * product, for a whole `[batch, width]` slice at once.
 *
 * @remarks
 * The contract a user's own neuron implements to train inside any
 * composition (wrap it with {@link NeuronLayer}, check it with {@link gradCheck}):
 * - `states` names the state variables (e.g. `['mem']`); all start at 0 and
 *   are kept for every step by the engine, so `backward` can read `prev`
 *   and `next` of its step.
 * - `step` computes `next` and `out` from `input`, `prev` and `params` (it
 *   must not keep references to the arrays).
 * - `backward` receives dL/d`out[t]` and dL/d`next` and writes dL/d`input`,
 *   adds dL/d`prev` and dL/d`params`. Reset terms computed with a Heaviside
 *   of the state are constants (detached), as in snnTorch; spikes use
 *   `fire.spike` forward and `fire.derivative` backward.
 * - `membrane` is the index of the state recorded as the membrane (and fed
 *   to membrane losses); `spiking: false` marks a neuron whose output is a
 *   real value (a leaky-integrator readout).
 */
export interface NeuronModel {
  /** Kind shown in messages, e.g. `"Leaky"`. */
  readonly kind: string;
  /** Names of the state variables, e.g. `['syn', 'mem']`. */
  readonly states: readonly string[];
  /** Index in `states` of the membrane. */
  readonly membrane: number;
  /** True when `out` is spikes. */
  readonly spiking: boolean;
  /**
   * True when `out` is exactly `fire.spike(…)` times `graded_spikes_factor`
   * (0 or 1 with the built-in Heaviside): lets the next layer skip checking
   * for other values. Default false.
   */
  readonly binary?: boolean;
  /** Makes a whole-sequence kernel for one layer (optional; null when these settings have none). */
  readonly sequenceKernel?: () => NeuronSequenceKernel | null;
  /** Initial value of each state (default all 0), e.g. −65 mV for an Izhikevich membrane. */
  readonly initial?: readonly number[];
  /** Parameters and buffers, given the layer width and a generator for random initial values. */
  params(width: number, rng: Rng): readonly NeuronParamSpec[];
  /** One step forward. */
  step(io: NeuronStepIO): void;
  /** One step's VJP. */
  backward(io: NeuronBackwardIO): void;
}

/**
 * A neuron model's optional whole-sequence kernel: all T steps of a float32
 * batch at once (e.g. in WebAssembly SIMD), used in place of the per-step
 * `step`/`backward` when it accepts the settings.
 *
 * @remarks
 * The kernel keeps its results: the layer reads the spikes and the membrane
 * only when something asks for them (a loss, a recording, a layer that reads
 * dense input); a next layer that reads events takes the spike bit masks
 * ({@link NeuronSequenceKernel.bits}) and nothing dense is written.
 */
export interface NeuronSequenceKernel {
  /**
   * Runs T steps over `size` neurons (all samples), time-major `[T, size]`, and keeps the results.
   * @returns false when it cannot run these parameters (then the per-step path runs)
   */
  forward(input: Float32Array, steps: number, size: number, params: readonly Float32Array[]): boolean;
  /** Writes the output (spikes) of the last forward, `[T, size]`. */
  readOutput(out: Float32Array): void;
  /** Writes the membrane of the last forward (after each step's reset), `[T, size]`. */
  readMembrane(mem: Float32Array): void;
  /** The output spikes of the last forward as bit masks (see {@link SpikeBits}), or null when the kernel has none. */
  bits?(): SpikeBits | null;
  /**
   * Optional: the array (e.g. a view of the kernel's memory) that `forward` reads a `[steps, size]` input from;
   * `forward` skips its copy when handed this very array.
   */
  inputBuffer?(steps: number, size: number): Float32Array;
  /** Optional: the same for the dL/d(out) that `backward` reads. */
  gradBuffer?(steps: number, size: number): Float32Array;
  /**
   * VJP of the last forward: dL/d(input) from dL/d(out) and the direct dL/d(mem) (or null).
   * @returns dL/d(input) `[T, size]`, which may be a view of the kernel's memory (valid until its next run)
   */
  backward(gradOut: Float32Array, gradMem: Float32Array | null): Float32Array;
}

/** Options of {@link NeuronLayer}. */
export interface NeuronLayerOptions {
  /** Name in the composition (e.g. `"lif1"`). */
  readonly name?: string;
  /** The spike function (Heaviside forward, surrogate derivative backward). */
  readonly fire: SpikeFunction;
}

interface ParamSlot {
  readonly spec: NeuronParamSpec;
  readonly shape: readonly number[];
  readonly value: Float32Array;
  readonly parameter: Parameter | null;
  readonly grad: Float64Array;
}

/**
 * Runs a {@link NeuronModel} over T steps as a layer: keeps every state of
 * every step for the backward pass, which walks time in reverse calling the
 * model's VJP.
 */
export class NeuronLayer implements Layer {
  readonly kind: string;
  name: string;
  readonly spiking: boolean;
  /** The neuron model. */
  readonly model: NeuronModel;
  private readonly fire: SpikeFunction;
  private width = 0;
  private slots: ParamSlot[] = [];
  /** Each state over T + 1 steps, `[T + 1, B, width]` (row 0: zeros). */
  private stateSeq: FloatArray[] = [];
  private outSeq: FloatArray = new Float32Array(0);
  private memSeq: FloatArray = new Float32Array(0);
  private inputSeq: Seq | null = null;
  private gradIn: FloatArray = new Float32Array(0);
  private steps = 0;
  private batch = 0;
  private shape: readonly number[] = [];
  private last: LayerOutput | null = null;
  private seq: NeuronSequenceKernel | null | undefined = undefined;
  private usedSeq = false;
  /** Counts forwards, so a lazily read kernel output cannot be read after the next one. */
  private generation = 0;

  /**
   * @param model - the neuron model (built-in or your own)
   * @param opts - name and spike function
   */
  constructor(model: NeuronModel, opts: NeuronLayerOptions) {
    checkModel(model);
    this.model = model;
    this.kind = model.kind;
    this.spiking = model.spiking;
    this.name = opts.name ?? '';
    this.fire = opts.fire;
  }

  build(inShape: readonly number[], ctx: BuildContext): readonly number[] {
    this.shape = [...inShape];
    this.width = shapeSize(inShape);
    this.slots = this.model.params(this.width, ctx.rng).map((spec) => {
      const values = typeof spec.value === 'number' ? [spec.value] : Array.from(spec.value);
      const shape = spec.shape ?? (typeof spec.value === 'number' ? [] : [values.length]);
      const size = shape.reduce((a, b) => a * b, 1);
      if (values.length !== size || (values.length !== 1 && shape.length === 1 && shape[0] !== this.width && spec.shape === undefined)) {
        throw new ShapeError(`parameter of layer '${this.name}' (${this.kind}) has the wrong size`, {
          field: `${this.name}.${spec.name}`,
          expected: spec.shape === undefined ? `1 or ${this.width} values` : `${size} values for shape [${shape.join(', ')}]`,
          found: `${values.length}`,
        });
      }
      const value = Float32Array.from(values);
      if (spec.transposed === true && (shape.length !== 2 || spec.learn !== true)) {
        throw new ValidationError('a transposed neuron tensor must be a trainable matrix', { field: `${this.name}.${spec.name}`, expected: 'learn: true and a 2-D shape', found: `learn ${spec.learn === true}, shape [${shape.join(', ')}]` });
      }
      const engineShape = spec.transposed === true ? [...shape].reverse() : shape;
      const parameter = spec.learn ? createParameter(`${this.name}.${spec.name}`, engineShape.length === 0 ? [1] : engineShape, value) : null;
      return { spec, shape, value, parameter, grad: new Float64Array(value.length) };
    });
    return inShape;
  }

  forward(x: Seq, ctx: RunContext): LayerOutput {
    const { steps: T, batch: B } = x;
    const n = B * this.width;
    const like = x.data;
    const m = this.model;
    this.steps = T;
    this.batch = B;
    const fire = ctx.spikeOverride ?? this.fire;
    const params = this.slots.map((s) => s.value);
    const mi = m.membrane;
    this.usedSeq = false;
    this.generation++;
    if (like instanceof Float32Array && ctx.spikeOverride === null) this.usedSeq = this.kernel()?.forward(like, T, n, params) === true;
    this.inputSeq = ctx.train ? x : null;
    // Spikes of the built-in Heaviside with unit graded factor are 0/1: the next layer need not check.
    const binary = m.spiking && ctx.spikeOverride === null && this.binaryOutput();
    if (this.usedSeq) {
      this.last = this.kernelOutput(this.seq as NeuronSequenceKernel, T, B, binary);
      return this.last;
    }
    // The per-step path keeps every state of every step (arrays made on first use at these sizes: a kernel run needs none).
    this.stateSeq = m.states.map((_, i) => sized(this.stateSeq[i], like, (T + 1) * n));
    this.outSeq = sized(this.outSeq, like, T * n);
    this.memSeq = sized(this.memSeq, like, T * n);
    const initial = m.initial;
    for (let i = 0; i < this.stateSeq.length; i++) this.stateSeq[i].fill(initial?.[i] ?? 0, 0, n);
    for (let t = 0; t < T; t++) {
      const io: NeuronStepIO = {
        width: this.width,
        batch: B,
        input: like.subarray(t * n, (t + 1) * n),
        prev: this.stateSeq.map((s) => s.subarray(t * n, (t + 1) * n)),
        next: this.stateSeq.map((s) => s.subarray((t + 1) * n, (t + 2) * n)),
        out: this.outSeq.subarray(t * n, (t + 1) * n),
        params,
        fire,
      };
      m.step(io);
    }
    this.memSeq.set(this.stateSeq[mi].subarray(n));
    this.last = { out: { data: this.outSeq, steps: T, batch: B, shape: this.shape, binary }, mem: this.memSeq };
    return this.last;
  }

  /**
   * The output of a kernel run: spikes and membrane are read out of the kernel on first use only, and the
   * spikes travel as bit masks when the kernel has them (and they are 0/1).
   */
  private kernelOutput(seq: NeuronSequenceKernel, T: number, B: number, binary: boolean): LayerOutput {
    const generation = this.generation;
    const check = (): void => {
      if (this.generation !== generation) {
        throw new ValidationError('output read after the next forward of its layer', { field: this.name, expected: 'outputs read before the layer runs again', found: 'a stale output' });
      }
    };
    let out: Float32Array | null = null;
    let mem: Float32Array | null = null;
    const size = T * B * this.width;
    const f32 = new Float32Array(0);
    // Dense copies are made (or reused) only when read.
    const readOut = (): Float32Array => {
      this.outSeq = sized(this.outSeq, f32, size);
      seq.readOutput(this.outSeq as Float32Array);
      return this.outSeq as Float32Array;
    };
    const readMem = (): Float32Array => {
      this.memSeq = sized(this.memSeq, f32, size);
      seq.readMembrane(this.memSeq as Float32Array);
      return this.memSeq as Float32Array;
    };
    const bits = binary ? (seq.bits?.() ?? undefined) : undefined;
    const seqOut: Seq = {
      get data(): Float32Array {
        if (out === null) {
          check();
          out = readOut();
        }
        return out;
      },
      steps: T,
      batch: B,
      shape: this.shape,
      binary,
      ...(bits === undefined ? {} : { bits }),
    };
    return {
      out: seqOut,
      get mem(): Float32Array {
        if (mem === null) {
          check();
          mem = readMem();
        }
        return mem;
      },
    };
  }

  private binaryOutput(): boolean {
    const sg = this.fire as SpikeFunction & { readonly name?: unknown; readonly options?: unknown };
    const graded = this.slots.find((s) => s.spec.name === 'graded_spikes_factor');
    return this.model.binary === true && typeof sg.name === 'string' && typeof sg.options === 'object' && (graded === undefined || graded.value[0] === 1);
  }

  lastOutput(): LayerOutput | null {
    return this.last;
  }

  /** The kernel's input array for T steps of B samples (when the model has a kernel). */
  inputBuffer(steps: number, batch: number): Float32Array | null {
    return this.kernel()?.inputBuffer?.(steps, batch * this.width) ?? null;
  }

  /** The kernel's dL/d(output) array, when the last forward ran the kernel over these sizes. */
  gradBuffer(steps: number, batch: number): Float32Array | null {
    if (!this.usedSeq || steps !== this.steps || batch !== this.batch) return null;
    return this.kernel()?.gradBuffer?.(steps, batch * this.width) ?? null;
  }

  private kernel(): NeuronSequenceKernel | null {
    if (this.model.sequenceKernel === undefined) return null;
    if (this.seq === undefined) this.seq = this.model.sequenceKernel();
    return this.seq;
  }

  backward(grad: LayerGrad, ctx: RunContext): FloatArray | null {
    const x = this.inputSeq;
    if (x === null) throw new ValidationError('backward without a training forward', { field: this.name, expected: 'forward with train: true first', found: 'no saved input' });
    if (this.usedSeq) return (this.seq as NeuronSequenceKernel).backward(grad.out as Float32Array, grad.mem as Float32Array | null);
    const { steps: T, batch: B } = x;
    const n = B * this.width;
    const like = x.data;
    const m = this.model;
    const k = m.states.length;
    this.gradIn = sized(this.gradIn, like, T * n);
    let gNext = Array.from({ length: k }, () => newLike(like, n));
    let gPrev = Array.from({ length: k }, () => newLike(like, n));
    const fire = ctx.spikeOverride ?? this.fire;
    const params = this.slots.map((s) => s.value);
    const paramGrads = this.slots.map((s) => {
      s.grad.fill(0);
      return s.grad;
    });
    const mi = m.membrane;
    for (let t = T - 1; t >= 0; t--) {
      if (grad.mem !== null) {
        const gm = gNext[mi];
        const o = t * n;
        for (let i = 0; i < n; i++) gm[i] += grad.mem[o + i];
      }
      for (const g of gPrev) g.fill(0);
      m.backward({
        width: this.width,
        batch: B,
        input: like.subarray(t * n, (t + 1) * n),
        prev: this.stateSeq.map((s) => s.subarray(t * n, (t + 1) * n)),
        next: this.stateSeq.map((s) => s.subarray((t + 1) * n, (t + 2) * n)),
        out: this.outSeq.subarray(t * n, (t + 1) * n),
        params,
        fire,
        gradOut: grad.out.subarray(t * n, (t + 1) * n),
        gradNext: gNext,
        gradPrev: gPrev,
        gradInput: this.gradIn.subarray(t * n, (t + 1) * n),
        paramGrads,
      });
      const swap = gNext;
      gNext = gPrev;
      gPrev = swap;
    }
    for (const s of this.slots) {
      if (s.parameter === null) continue;
      const g = s.parameter.grad;
      for (let i = 0; i < g.length; i++) g[i] += s.grad[i];
    }
    return this.gradIn;
  }

  parameters(): Parameter[] {
    return this.slots.flatMap((s) => (s.parameter === null ? [] : [s.parameter]));
  }

  tensors(): NamedTensor[] {
    return this.slots.map((s) => ({
      name: `${this.name}.${s.spec.name}`,
      shape: s.shape,
      value: s.spec.transposed === true ? transpose2d(s.value, s.shape[1], s.shape[0]) : s.value,
      trainable: s.parameter !== null,
      integer: s.spec.integer ?? false,
    }));
  }

  loadTensor(name: string, value: Float32Array): void {
    const slot = this.slots.find((s) => `${this.name}.${s.spec.name}` === name);
    if (slot !== undefined) slot.value.set(slot.spec.transposed === true ? transpose2d(value, slot.shape[0], slot.shape[1]) : value);
  }

  children(): readonly Layer[] {
    return [];
  }
}

/** The transpose `[cols, rows]` of a row-major `[rows, cols]` matrix (a copy). */
function transpose2d(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c];
  return out;
}

/** `a` when it has `length` entries of the same kind as `like`, else a new zeroed array. */
function sized(a: FloatArray | undefined, like: FloatArray, length: number): FloatArray {
  return a !== undefined && a.length === length && a.constructor === like.constructor ? a : newLike(like, length);
}

function checkModel(model: NeuronModel): void {
  const bad = (field: string, expected: string, found: string): never => {
    throw new ValidationError('invalid neuron model', { field: `neuron.${field}`, expected, found });
  };
  if (model === null || typeof model !== 'object') bad('', 'an object with kind, states, membrane, spiking, params, step, backward', String(model));
  if (typeof model.kind !== 'string' || model.kind === '') bad('kind', 'a non-empty string', String(model.kind));
  if (!Array.isArray(model.states) || model.states.length === 0) bad('states', 'a non-empty array of names', JSON.stringify(model.states));
  if (!Number.isInteger(model.membrane) || model.membrane < 0 || model.membrane >= model.states.length) {
    bad('membrane', `an index in [0, ${model.states.length})`, String(model.membrane));
  }
  for (const fn of ['params', 'step', 'backward'] as const) if (typeof model[fn] !== 'function') bad(fn, 'a function', typeof model[fn]);
}
