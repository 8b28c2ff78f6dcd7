import { ShapeError, ValidationError } from '@snn/core';
import type { Parameter } from '../optim/parameter.js';
import { type BuildContext, type Layer, type LayerGrad, type LayerOutput, ParameterFreeLayer, type RunContext, describeLayer } from './layer.js';
import { type FloatArray, type NamedTensor, type Seq, newLike, shapeSize, showShape } from './types.js';

/** Options of {@link Sequential}. */
export interface SequentialOptions {
  /** Name when nested in another block (prefixes the children's names, as PyTorch does). */
  readonly name?: string;
}

/**
 * Layers applied one after the other, PyTorch's `nn.Sequential`.
 *
 * @remarks
 * A child without a name gets its index (`0`, `1`, …), as in PyTorch, so a
 * state dict of `new Sequential([new Linear(784, 10), leaky(...)])` has
 * `0.weight`, `0.bias`, `1.beta`, …; nested blocks prefix their children's
 * names (`block.0.weight`). Forward runs each child over all T steps in
 * turn; backward walks the children in reverse, adding any loss gradient
 * taken on a child's output (recorded layers) on the way.
 */
export class Sequential implements Layer {
  readonly kind = 'Sequential';
  name: string;
  /** The children, first to last. */
  readonly layers: readonly Layer[];
  private outputs: LayerOutput[] = [];
  private outShape: readonly number[] = [];

  /**
   * @param layers - the children (at least one)
   * @param opts - name
   * @throws `ValidationError` for an empty list or a child that is not a layer
   */
  constructor(layers: readonly Layer[], opts: SequentialOptions = {}) {
    if (!Array.isArray(layers) || layers.length === 0) {
      throw new ValidationError('a Sequential needs layers', { field: 'layers', expected: 'a non-empty array of layers', found: Array.isArray(layers) ? 'an empty array' : typeof layers });
    }
    layers.forEach((l, i) => {
      if (l === null || typeof l !== 'object' || typeof (l as Layer).forward !== 'function' || typeof (l as Layer).build !== 'function') {
        throw new ValidationError('not a layer', { field: `layers[${i}]`, expected: 'a Layer (Linear, leaky(...), …)', found: String(l) });
      }
    });
    this.layers = [...layers];
    this.name = opts.name ?? '';
  }

  /** True when the last child spikes. */
  get spiking(): boolean {
    return this.layers[this.layers.length - 1].spiking;
  }

  build(inShape: readonly number[], ctx: BuildContext): readonly number[] {
    const seen = new Set<string>();
    let shape = inShape;
    let previous = ctx.previous;
    this.layers.forEach((layer, i) => {
      const own = layer.name === '' ? String(i) : layer.name;
      layer.name = this.name === '' ? own : `${this.name}.${own}`;
      if (seen.has(layer.name)) throw new ValidationError('two layers have the same name', { field: `layers[${i}].name`, expected: 'unique names', found: JSON.stringify(layer.name) });
      seen.add(layer.name);
      shape = layer.build(shape, { rng: ctx.rng, needInputGrad: i === 0 ? ctx.needInputGrad : true, previous });
      previous = `${describeLayer(layer)} with output ${showShape(shape)}`;
    });
    this.outShape = shape;
    return shape;
  }

  forward(x: Seq, ctx: RunContext, into?: Float32Array): LayerOutput {
    let cur = x;
    this.outputs = [];
    const last = this.layers.length - 1;
    this.layers.forEach((layer, i) => {
      // Each layer may write its output straight into the next one's input buffer (float32 runs).
      const target = i === last ? into : ctx.spikeOverride === null ? (this.layers[i + 1].inputBuffer?.(cur.steps, cur.batch) ?? undefined) : undefined;
      const o = layer.forward(cur, ctx, target);
      this.outputs.push(o);
      cur = o.out;
    });
    return this.outputs[last];
  }

  backward(grad: LayerGrad, ctx: RunContext, into?: Float32Array): FloatArray | null {
    let g: LayerGrad = grad;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i];
      const extra = ctx.extraGrad?.get(layer);
      if (extra !== undefined) g = mergeGrad(g, extra);
      const target = i === 0 ? into : ctx.spikeOverride === null && g.out instanceof Float32Array ? (this.layers[i - 1].gradBuffer?.(this.outputs[i - 1].out.steps, this.outputs[i - 1].out.batch) ?? undefined) : undefined;
      const gin = layer.backward(g, ctx, target);
      if (i === 0) return gin;
      if (gin === null) throw new ValidationError('a layer returned no input gradient', { field: layer.name, expected: 'dL/d(input)', found: 'null' });
      g = { out: gin, mem: null };
    }
    return null;
  }

  /** The first child's input buffer (see {@link Layer.inputBuffer}). */
  inputBuffer(steps: number, batch: number): Float32Array | null {
    return this.layers[0].inputBuffer?.(steps, batch) ?? null;
  }

  /** The last child's gradient buffer (see {@link Layer.gradBuffer}). */
  gradBuffer(steps: number, batch: number): Float32Array | null {
    return this.layers[this.layers.length - 1].gradBuffer?.(steps, batch) ?? null;
  }

  parameters(): Parameter[] {
    return this.layers.flatMap((l) => l.parameters());
  }

  tensors(): NamedTensor[] {
    return this.layers.flatMap((l) => l.tensors());
  }

  loadTensor(name: string, value: Float32Array): void {
    for (const l of this.layers) l.loadTensor(name, value);
  }

  children(): readonly Layer[] {
    return this.layers;
  }

  /** Output shape (after build). */
  get outputShape(): readonly number[] {
    return this.outShape;
  }
}

/** g + extra (extra.out and extra.mem added where given); returns new arrays. */
function mergeGrad(g: LayerGrad, extra: LayerGrad): LayerGrad {
  const out = g.out.slice();
  for (let i = 0; i < out.length; i++) out[i] += extra.out[i];
  let mem = g.mem;
  if (extra.mem !== null) {
    if (mem === null) mem = extra.mem;
    else {
      mem = mem.slice();
      for (let i = 0; i < mem.length; i++) mem[i] += extra.mem[i];
    }
  }
  return { out, mem };
}

/** Options of {@link Flatten} and {@link Dropout}. */
export interface NamedOptions {
  /** Name in the composition. */
  readonly name?: string;
}

/** Flattens each sample's features to one dimension, PyTorch's `nn.Flatten()` (no copy, no parameters). */
export class Flatten extends ParameterFreeLayer implements Layer {
  readonly kind = 'Flatten';
  name: string;
  spiking = false;
  private size = 0;

  /** @param opts - name */
  constructor(opts: NamedOptions = {}) {
    super();
    this.name = opts.name ?? '';
  }

  build(inShape: readonly number[]): readonly number[] {
    this.size = shapeSize(inShape);
    return [this.size];
  }

  forward(x: Seq): LayerOutput {
    // Same values in the same order: spikes stay events or bit masks, and dense data is read only on demand.
    const out: Seq = {
      get data(): FloatArray {
        return x.data;
      },
      steps: x.steps,
      batch: x.batch,
      shape: [this.size],
      ...(x.binary === undefined ? {} : { binary: x.binary }),
      ...(x.events === undefined ? {} : { events: x.events }),
      ...(x.bits === undefined ? {} : { bits: x.bits }),
    };
    return { out, mem: null };
  }

  backward(grad: LayerGrad): FloatArray | null {
    return grad.out;
  }
}

/**
 * Dropout at every step, PyTorch's `nn.Dropout(p)` applied inside the time loop (a new mask per step).
 *
 * @remarks
 * In training each value is zeroed with probability p and the others are
 * scaled by 1/(1 − p); in inference it is the identity. The masks come from
 * the run's generator (seeded per batch by the network), so runs are
 * reproducible.
 */
export class Dropout extends ParameterFreeLayer implements Layer {
  readonly kind = 'Dropout';
  name: string;
  spiking = false;
  /** Drop probability. */
  readonly p: number;
  private mask: FloatArray = new Float32Array(0);
  private out: FloatArray = new Float32Array(0);
  private needInputGrad = true;
  private trained = false;

  /**
   * @param p - drop probability in [0, 1)
   * @param opts - name
   * @throws `ValidationError` for p outside [0, 1)
   */
  constructor(p: number, opts: NamedOptions = {}) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p < 1)) throw new ValidationError('invalid dropout probability', { field: 'Dropout.p', expected: 'a number in [0, 1)', found: String(p) });
    this.p = p;
    this.name = opts.name ?? '';
  }

  build(inShape: readonly number[], ctx: BuildContext): readonly number[] {
    this.needInputGrad = ctx.needInputGrad;
    return inShape;
  }

  forward(x: Seq, ctx: RunContext): LayerOutput {
    this.trained = ctx.train && this.p > 0;
    if (!this.trained) return { out: x, mem: null };
    const n = x.data.length;
    if (this.mask.length !== n || this.mask.constructor !== x.data.constructor) {
      this.mask = newLike(x.data, n);
      this.out = newLike(x.data, n);
    }
    const keep = 1 / (1 - this.p);
    for (let i = 0; i < n; i++) {
      const m = ctx.rng.uniform() < this.p ? 0 : keep;
      this.mask[i] = m;
      this.out[i] = x.data[i] * m;
    }
    // A new sequence: the input's events or bit masks describe other values.
    return { out: { data: this.out, steps: x.steps, batch: x.batch, shape: x.shape }, mem: null };
  }

  backward(grad: LayerGrad): FloatArray | null {
    if (!this.needInputGrad) return null;
    if (!this.trained) return grad.out;
    const g = newLike(grad.out, grad.out.length);
    for (let i = 0; i < g.length; i++) g[i] = grad.out[i] * this.mask[i];
    return g;
  }
}

/** Options of {@link Residual}. */
export interface ResidualOptions extends NamedOptions {
  /**
   * Prefix the children's names with the block's (`block.0.weight`, as a
   * nested module in PyTorch). Default true; false keeps their own names,
   * for a skip that is no module of its own in the model's state dict (e.g.
   * `LifNetwork`'s `fc{k}` with a skip).
   */
  readonly prefixChildren?: boolean;
}

/**
 * A skip connection around a block: `y = x + block(x)` (the small graph form for residual networks).
 *
 * @remarks
 * The block's output shape must equal its input shape. Backward:
 * `dL/dx = dL/dy + block.backward(dL/dy)`. Children are named
 * `${name}.${index}`, as a nested `nn.Sequential` in PyTorch.
 */
export class Residual implements Layer {
  readonly kind = 'Residual';
  name: string;
  readonly spiking = false;
  /** The inner block. */
  readonly block: Sequential;
  private out: FloatArray = new Float32Array(0);
  private needInputGrad = true;

  private readonly prefixChildren: boolean;

  /**
   * @param layers - the block's layers
   * @param opts - name, and whether the children's names are prefixed with it
   */
  constructor(layers: readonly Layer[], opts: ResidualOptions = {}) {
    this.block = new Sequential(layers);
    this.name = opts.name ?? '';
    this.prefixChildren = opts.prefixChildren ?? true;
  }

  build(inShape: readonly number[], ctx: BuildContext): readonly number[] {
    this.block.name = this.prefixChildren ? this.name : '';
    const out = this.block.build(inShape, { rng: ctx.rng, needInputGrad: true, previous: ctx.previous });
    if (out.length !== inShape.length || out.some((d, i) => d !== inShape[i])) {
      throw new ShapeError(`residual block '${this.name}' changes the shape of its input`, {
        field: this.name,
        expected: `output ${showShape(inShape)} (the input's shape)`,
        found: showShape(out),
      });
    }
    this.needInputGrad = ctx.needInputGrad;
    return out;
  }

  forward(x: Seq, ctx: RunContext): LayerOutput {
    const inner = this.block.forward(x, ctx).out.data;
    const n = x.data.length;
    if (this.out.length !== n || this.out.constructor !== x.data.constructor) this.out = newLike(x.data, n);
    for (let i = 0; i < n; i++) this.out[i] = x.data[i] + inner[i];
    // A new sequence: the input's events or bit masks describe other values.
    return { out: { data: this.out, steps: x.steps, batch: x.batch, shape: x.shape }, mem: null };
  }

  backward(grad: LayerGrad, ctx: RunContext): FloatArray | null {
    const inner = this.block.backward({ out: grad.out, mem: null }, ctx);
    if (!this.needInputGrad || inner === null) return null;
    const g = newLike(grad.out, grad.out.length);
    for (let i = 0; i < g.length; i++) g[i] = grad.out[i] + inner[i];
    return g;
  }

  parameters(): Parameter[] {
    return this.block.parameters();
  }

  tensors(): NamedTensor[] {
    return this.block.tensors();
  }

  loadTensor(name: string, value: Float32Array): void {
    this.block.loadTensor(name, value);
  }

  children(): readonly Layer[] {
    return this.block.layers;
  }
}
