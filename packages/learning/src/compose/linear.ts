import { ShapeError, ValidationError } from '@snn/core';
import { type Parameter, createParameter } from '../optim/parameter.js';
import type { BuildContext, Layer, LayerGrad, LayerOutput, RunContext } from './layer.js';
import { type FloatArray, type NamedTensor, type Seq, newLike, showShape } from './types.js';

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Name in the composition (e.g. `"fc1"`); default: its index, as PyTorch's `nn.Sequential`. */
  readonly name?: string;
  /** Learn a bias. Default true. */
  readonly bias?: boolean;
}

/**
 * A fully connected layer applied at every step: `y[t] = x[t]·Wᵀ + b`, PyTorch's `nn.Linear`.
 *
 * @remarks
 * `weight` is `[out, in]` and `bias` `[out]`, PyTorch's names and layouts,
 * initialised as PyTorch does: uniform in `±1/√in` (Kaiming-uniform with
 * a = √5). The forward pass is event-driven: for each row it adds the weight
 * column of every non-zero input only (one row of a transposed copy kept per
 * batch), so a spike input of k active neurons costs k·out instead of in·out.
 * The backward pass computes `dW = Σ_t dYᵀ·x` over the active inputs only,
 * `db = Σ_t dY` and, for a layer that is not first, `dX = dY·W`.
 */
export class Linear implements Layer {
  readonly kind = 'Linear';
  name: string;
  readonly spiking = false;
  /** Number of input features. */
  readonly inFeatures: number;
  /** Number of output features. */
  readonly outFeatures: number;
  private readonly hasBias: boolean;
  private weight: Parameter | null = null;
  private bias: Parameter | null = null;
  private needInputGrad = true;
  /** Weights transposed, `[in, out]`, refreshed at every forward. */
  private wt = new Float32Array(0);
  private dwt = new Float64Array(0);
  private input: Seq | null = null;
  private out: FloatArray = new Float32Array(0);
  private dx: FloatArray = new Float32Array(0);
  private last: LayerOutput | null = null;

  /**
   * @param inFeatures - input width (positive integer)
   * @param outFeatures - output width (positive integer)
   * @param opts - name and bias
   * @throws `ValidationError` for a bad width
   */
  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    for (const [field, v] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValidationError('invalid layer width', { field: `Linear.${field}`, expected: 'a positive integer', found: String(v) });
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.name = opts.name ?? '';
    this.hasBias = opts.bias ?? true;
  }

  build(inShape: readonly number[], ctx: BuildContext): readonly number[] {
    if (inShape.length !== 1 || inShape[0] !== this.inFeatures) {
      throw new ShapeError(`layer '${this.name}' (Linear) does not take the output of ${ctx.previous}`, {
        field: this.name,
        expected: `input ${showShape([this.inFeatures])}`,
        found: `${showShape(inShape)} from ${ctx.previous}`,
      });
    }
    const bound = 1 / Math.sqrt(this.inFeatures);
    const w = new Float32Array(this.inFeatures * this.outFeatures);
    for (let k = 0; k < w.length; k++) w[k] = ctx.rng.uniformIn(-bound, bound);
    this.weight = createParameter(`${this.name}.weight`, [this.outFeatures, this.inFeatures], w);
    if (this.hasBias) {
      const b = new Float32Array(this.outFeatures);
      for (let k = 0; k < b.length; k++) b[k] = ctx.rng.uniformIn(-bound, bound);
      this.bias = createParameter(`${this.name}.bias`, [this.outFeatures], b);
    }
    this.needInputGrad = ctx.needInputGrad;
    return [this.outFeatures];
  }

  private built(): Parameter {
    if (this.weight === null) throw new ValidationError('layer used before it was built', { field: this.name, expected: 'a layer inside a Sequential', found: 'an unbuilt layer' });
    return this.weight;
  }

  forward(x: Seq, ctx: RunContext): LayerOutput {
    const weight = this.built();
    const m = this.inFeatures;
    const n = this.outFeatures;
    const rows = x.steps * x.batch;
    const w = weight.value;
    if (this.wt.length !== m * n) this.wt = new Float32Array(m * n);
    const wt = this.wt;
    for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) wt[i * n + j] = w[j * m + i];
    if (this.out.length !== rows * n || this.out.constructor !== x.data.constructor) this.out = newLike(x.data, rows * n);
    const out = this.out;
    const xs = x.data;
    const b = this.bias?.value ?? null;
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      if (b !== null) for (let j = 0; j < n; j++) out[o + j] = b[j];
      else out.fill(0, o, o + n);
      const xo = r * m;
      for (let i = 0; i < m; i++) {
        const v = xs[xo + i];
        if (v === 0) continue;
        const wo = i * n;
        if (v === 1) for (let j = 0; j < n; j++) out[o + j] += wt[wo + j];
        else for (let j = 0; j < n; j++) out[o + j] += v * wt[wo + j];
      }
    }
    this.input = ctx.train ? x : null;
    this.last = { out: { data: out, steps: x.steps, batch: x.batch, shape: [n] }, mem: null };
    return this.last;
  }

  lastOutput(): LayerOutput | null {
    return this.last;
  }

  backward(grad: LayerGrad): FloatArray | null {
    const weight = this.built();
    const x = this.input;
    if (x === null) throw new ValidationError('backward without a training forward', { field: this.name, expected: 'forward with train: true first', found: 'no saved input' });
    const m = this.inFeatures;
    const n = this.outFeatures;
    const rows = x.steps * x.batch;
    const dy = grad.out;
    const xs = x.data;
    if (this.dwt.length !== m * n) this.dwt = new Float64Array(m * n);
    const dwt = this.dwt;
    dwt.fill(0);
    for (let r = 0; r < rows; r++) {
      const xo = r * m;
      const o = r * n;
      for (let i = 0; i < m; i++) {
        const v = xs[xo + i];
        if (v === 0) continue;
        const wo = i * n;
        if (v === 1) for (let j = 0; j < n; j++) dwt[wo + j] += dy[o + j];
        else for (let j = 0; j < n; j++) dwt[wo + j] += v * dy[o + j];
      }
    }
    const gw = weight.grad;
    for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) gw[j * m + i] += dwt[i * n + j];
    if (this.bias !== null) {
      const gb = this.bias.grad;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += dy[r * n + j];
        gb[j] += s;
      }
    }
    if (!this.needInputGrad) return null;
    if (this.dx.length !== rows * m || this.dx.constructor !== xs.constructor) this.dx = newLike(xs, rows * m);
    const dx = this.dx;
    dx.fill(0);
    const w = weight.value;
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      const xo = r * m;
      for (let j = 0; j < n; j++) {
        const d = dy[o + j];
        if (d === 0) continue;
        const wo = j * m;
        for (let i = 0; i < m; i++) dx[xo + i] += d * w[wo + i];
      }
    }
    return dx;
  }

  parameters(): Parameter[] {
    const w = this.built();
    return this.bias === null ? [w] : [w, this.bias];
  }

  tensors(): NamedTensor[] {
    return this.parameters().map((p) => ({ name: p.name, shape: p.shape, value: p.value, trainable: true }));
  }

  loadTensor(name: string, value: Float32Array): void {
    const p = this.parameters().find((q) => q.name === name);
    if (p !== undefined) p.value.set(value);
  }

  children(): readonly Layer[] {
    return [];
  }
}
