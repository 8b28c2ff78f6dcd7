import { ShapeError, ValidationError } from '@snn/core';
import { type Parameter, createParameter } from '../optim/parameter.js';
import { type BuildContext, type Layer, type LayerGrad, type LayerOutput, ParameterFreeLayer, type RunContext } from './layer.js';
import { type FloatArray, type NamedTensor, type Seq, newLike, showShape } from './types.js';

/** Options of {@link Conv2d}. */
export interface Conv2dOptions {
  /** Name in the composition (e.g. `"conv1"`). */
  readonly name?: string;
  /** Step between kernel positions. Default 1. */
  readonly stride?: number;
  /** Zeros added on each side. Default 0. */
  readonly padding?: number;
  /** Learn a bias. Default true. */
  readonly bias?: boolean;
}

function positiveInt(v: number, field: string, min = 1): number {
  if (!Number.isInteger(v) || v < min) throw new ValidationError('invalid convolution option', { field, expected: `an integer ≥ ${min}`, found: String(v) });
  return v;
}

/**
 * A 2-D convolution applied at every step, PyTorch's `nn.Conv2d` (square kernel, one stride and padding).
 *
 * @remarks
 * Input `[C, H, W]`, output `[O, H′, W′]` with `H′ = ⌊(H + 2p − k)/s⌋ + 1`;
 * `weight` `[O, C, k, k]` and `bias` `[O]` in PyTorch's names and layout,
 * initialised uniform in `±1/√(C·k²)` as PyTorch does. Event-driven: each
 * non-zero input pixel scatters its weights into the outputs it reaches, so a
 * spike map costs in proportion to its spikes; the backward pass gathers
 * `dW` over the same events, `db = Σ dY`, and `dX` (for a layer that is not
 * first) by the transposed convolution.
 */
export class Conv2d implements Layer {
  readonly kind = 'Conv2d';
  name: string;
  readonly spiking = false;
  /** Input channels C. */
  readonly inChannels: number;
  /** Output channels O. */
  readonly outChannels: number;
  /** Kernel size k. */
  readonly kernelSize: number;
  /** Stride s. */
  readonly stride: number;
  /** Padding p. */
  readonly padding: number;
  private readonly hasBias: boolean;
  private weight: Parameter | null = null;
  private bias: Parameter | null = null;
  private needInputGrad = true;
  private inShape: readonly number[] = [];
  private outShape: readonly number[] = [];
  private input: Seq | null = null;
  private out: FloatArray = new Float32Array(0);
  private dx: FloatArray = new Float32Array(0);
  private last: LayerOutput | null = null;

  /**
   * @param inChannels - input channels
   * @param outChannels - output channels
   * @param kernelSize - kernel height and width
   * @param opts - stride, padding, bias, name
   * @throws `ValidationError` for a size that is not a positive integer
   */
  constructor(inChannels: number, outChannels: number, kernelSize: number, opts: Conv2dOptions = {}) {
    this.inChannels = positiveInt(inChannels, 'Conv2d.inChannels');
    this.outChannels = positiveInt(outChannels, 'Conv2d.outChannels');
    this.kernelSize = positiveInt(kernelSize, 'Conv2d.kernelSize');
    this.stride = positiveInt(opts.stride ?? 1, 'Conv2d.stride');
    this.padding = positiveInt(opts.padding ?? 0, 'Conv2d.padding', 0);
    this.hasBias = opts.bias ?? true;
    this.name = opts.name ?? '';
  }

  build(inShape: readonly number[], ctx: BuildContext): readonly number[] {
    const [c, h, w] = inShape;
    const k = this.kernelSize;
    if (inShape.length !== 3 || c !== this.inChannels || h + 2 * this.padding < k || w + 2 * this.padding < k) {
      throw new ShapeError(`layer '${this.name}' (Conv2d) does not take the output of ${ctx.previous}`, {
        field: this.name,
        expected: `input [${this.inChannels}, H, W] with H, W ≥ ${k - 2 * this.padding}`,
        found: `${showShape(inShape)} from ${ctx.previous}`,
      });
    }
    const ho = Math.floor((h + 2 * this.padding - k) / this.stride) + 1;
    const wo = Math.floor((w + 2 * this.padding - k) / this.stride) + 1;
    const fanIn = this.inChannels * k * k;
    const bound = 1 / Math.sqrt(fanIn);
    const weight = new Float32Array(this.outChannels * fanIn);
    for (let i = 0; i < weight.length; i++) weight[i] = ctx.rng.uniformIn(-bound, bound);
    this.weight = createParameter(`${this.name}.weight`, [this.outChannels, this.inChannels, k, k], weight);
    if (this.hasBias) {
      const b = new Float32Array(this.outChannels);
      for (let i = 0; i < b.length; i++) b[i] = ctx.rng.uniformIn(-bound, bound);
      this.bias = createParameter(`${this.name}.bias`, [this.outChannels], b);
    }
    this.needInputGrad = ctx.needInputGrad;
    this.inShape = [c, h, w];
    this.outShape = [this.outChannels, ho, wo];
    return this.outShape;
  }

  /** Calls `visit(o0, w0)` for every (output pixel, weight) pair that input pixel (c, y, x) reaches: output index base and weight index base, channel-strided. */
  private reach(c: number, y: number, x: number, visit: (outPixel: number, weightBase: number) => void): void {
    const k = this.kernelSize;
    const s = this.stride;
    const [, ho, wo] = this.outShape;
    for (let ky = 0; ky < k; ky++) {
      const ny = y + this.padding - ky;
      if (ny < 0 || ny % s !== 0) continue;
      const oy = ny / s;
      if (oy >= ho) continue;
      for (let kx = 0; kx < k; kx++) {
        const nx = x + this.padding - kx;
        if (nx < 0 || nx % s !== 0) continue;
        const ox = nx / s;
        if (ox >= wo) continue;
        visit(oy * wo + ox, (c * k + ky) * k + kx);
      }
    }
  }

  forward(x: Seq, ctx: RunContext): LayerOutput {
    const weight = this.weight as Parameter;
    const [C, H, W] = this.inShape;
    const [O, ho, wo] = this.outShape;
    const inSize = C * H * W;
    const plane = ho * wo;
    const outSize = O * plane;
    const rows = x.steps * x.batch;
    if (this.out.length !== rows * outSize || this.out.constructor !== x.data.constructor) this.out = newLike(x.data, rows * outSize);
    const out = this.out;
    const xs = x.data;
    const wv = weight.value;
    const fan = C * this.kernelSize * this.kernelSize;
    const b = this.bias?.value ?? null;
    for (let r = 0; r < rows; r++) {
      const oo = r * outSize;
      for (let o = 0; o < O; o++) out.fill(b === null ? 0 : b[o], oo + o * plane, oo + (o + 1) * plane);
      const xo = r * inSize;
      for (let i = 0; i < inSize; i++) {
        const v = xs[xo + i];
        if (v === 0) continue;
        const c = Math.floor(i / (H * W));
        const y = Math.floor((i % (H * W)) / W);
        this.reach(c, y, i % W, (pix, wb) => {
          for (let o = 0; o < O; o++) out[oo + o * plane + pix] += v * wv[o * fan + wb];
        });
      }
    }
    this.input = ctx.train ? x : null;
    this.last = { out: { data: out, steps: x.steps, batch: x.batch, shape: this.outShape }, mem: null };
    return this.last;
  }

  backward(grad: LayerGrad): FloatArray | null {
    const x = this.input;
    if (x === null) throw new ValidationError('backward without a training forward', { field: this.name, expected: 'forward with train: true first', found: 'no saved input' });
    const weight = this.weight as Parameter;
    const [C, H, W] = this.inShape;
    const [O, ho, wo] = this.outShape;
    const inSize = C * H * W;
    const plane = ho * wo;
    const outSize = O * plane;
    const rows = x.steps * x.batch;
    const xs = x.data;
    const dy = grad.out;
    const fan = C * this.kernelSize * this.kernelSize;
    const gw = new Float64Array(weight.value.length);
    const wv = weight.value;
    if (this.needInputGrad) {
      if (this.dx.length !== rows * inSize || this.dx.constructor !== dy.constructor) this.dx = newLike(dy, rows * inSize);
      this.dx.fill(0);
    }
    const dx = this.dx;
    for (let r = 0; r < rows; r++) {
      const oo = r * outSize;
      const xo = r * inSize;
      for (let i = 0; i < inSize; i++) {
        const v = xs[xo + i];
        if (v === 0 && !this.needInputGrad) continue;
        const c = Math.floor(i / (H * W));
        const y = Math.floor((i % (H * W)) / W);
        let g = 0;
        this.reach(c, y, i % W, (pix, wb) => {
          for (let o = 0; o < O; o++) {
            const d = dy[oo + o * plane + pix];
            if (v !== 0) gw[o * fan + wb] += v * d;
            g += d * wv[o * fan + wb];
          }
        });
        if (this.needInputGrad) dx[xo + i] = g;
      }
    }
    const wg = weight.grad;
    for (let i = 0; i < wg.length; i++) wg[i] += gw[i];
    if (this.bias !== null) {
      const bg = this.bias.grad;
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < O; o++) {
          let sum = 0;
          for (let p = 0; p < plane; p++) sum += dy[r * outSize + o * plane + p];
          bg[o] += sum;
        }
      }
    }
    return this.needInputGrad ? dx : null;
  }

  lastOutput(): LayerOutput | null {
    return this.last;
  }

  parameters(): Parameter[] {
    if (this.weight === null) return [];
    return this.bias === null ? [this.weight] : [this.weight, this.bias];
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

/** Options of {@link MaxPool2d}. */
export interface MaxPool2dOptions {
  /** Name in the composition. */
  readonly name?: string;
  /** Step between windows. Default: the kernel size. */
  readonly stride?: number;
}

/**
 * Max pooling over square windows at every step, PyTorch's `nn.MaxPool2d(k)`.
 *
 * @remarks
 * Input `[C, H, W]`, output `[C, ⌊(H − k)/s⌋ + 1, ⌊(W − k)/s⌋ + 1]`; the
 * gradient goes to the first maximum of each window. Spikes stay spikes
 * (the maximum of 0/1 values is their OR).
 */
export class MaxPool2d extends ParameterFreeLayer implements Layer {
  readonly kind = 'MaxPool2d';
  name: string;
  spiking = false;
  /** Window size k. */
  readonly kernelSize: number;
  /** Stride s. */
  readonly stride: number;
  private inShape: readonly number[] = [];
  private outShape: readonly number[] = [];
  private needInputGrad = true;
  private arg = new Int32Array(0);
  private out: FloatArray = new Float32Array(0);
  private steps = 0;
  private batch = 0;
  private last: LayerOutput | null = null;

  /**
   * @param kernelSize - window size
   * @param opts - stride (default the window size), name
   */
  constructor(kernelSize: number, opts: MaxPool2dOptions = {}) {
    super();
    this.kernelSize = positiveInt(kernelSize, 'MaxPool2d.kernelSize');
    this.stride = positiveInt(opts.stride ?? kernelSize, 'MaxPool2d.stride');
    this.name = opts.name ?? '';
  }

  build(inShape: readonly number[], ctx: BuildContext): readonly number[] {
    const [c, h, w] = inShape;
    const k = this.kernelSize;
    if (inShape.length !== 3 || h < k || w < k) {
      throw new ShapeError(`layer '${this.name}' (MaxPool2d) does not take the output of ${ctx.previous}`, {
        field: this.name,
        expected: `input [C, H, W] with H, W ≥ ${k}`,
        found: `${showShape(inShape)} from ${ctx.previous}`,
      });
    }
    this.inShape = [c, h, w];
    this.outShape = [c, Math.floor((h - k) / this.stride) + 1, Math.floor((w - k) / this.stride) + 1];
    this.needInputGrad = ctx.needInputGrad;
    return this.outShape;
  }

  forward(x: Seq): LayerOutput {
    const [C, H, W] = this.inShape;
    const [, ho, wo] = this.outShape;
    const rows = x.steps * x.batch;
    const inSize = C * H * W;
    const outSize = C * ho * wo;
    if (this.out.length !== rows * outSize || this.out.constructor !== x.data.constructor) {
      this.out = newLike(x.data, rows * outSize);
      this.arg = new Int32Array(rows * outSize);
    }
    const xs = x.data;
    const k = this.kernelSize;
    const s = this.stride;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < C; c++) {
        for (let oy = 0; oy < ho; oy++) {
          for (let ox = 0; ox < wo; ox++) {
            let best = -1;
            let max = Number.NEGATIVE_INFINITY;
            for (let ky = 0; ky < k; ky++) {
              for (let kx = 0; kx < k; kx++) {
                const i = r * inSize + c * H * W + (oy * s + ky) * W + ox * s + kx;
                if (xs[i] > max) {
                  max = xs[i];
                  best = i;
                }
              }
            }
            const o = r * outSize + (c * ho + oy) * wo + ox;
            this.out[o] = max;
            this.arg[o] = best;
          }
        }
      }
    }
    this.steps = x.steps;
    this.batch = x.batch;
    this.last = { out: { data: this.out, steps: x.steps, batch: x.batch, shape: this.outShape, binary: x.binary }, mem: null };
    return this.last;
  }

  backward(grad: LayerGrad): FloatArray | null {
    if (!this.needInputGrad) return null;
    const [C, H, W] = this.inShape;
    const dx = newLike(grad.out, this.steps * this.batch * C * H * W);
    for (let o = 0; o < grad.out.length; o++) dx[this.arg[o]] += grad.out[o];
    return dx;
  }

  lastOutput(): LayerOutput | null {
    return this.last;
  }
}
