import { ShapeError, ValidationError } from '@snn/core';
import { type SimdKernels, createSimdKernels } from '../bptt/simd.js';
import { type Parameter, createParameter } from '../optim/parameter.js';
import { InputRuns } from './events.js';
import type { BuildContext, Layer, LayerGrad, LayerOutput, RunContext } from './layer.js';
import { type FloatArray, type NamedTensor, type Seq, type SpikeBits, newLike, showShape } from './types.js';

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Name in the composition (e.g. `"fc1"`); default: its index, as PyTorch's `nn.Sequential`. */
  readonly name?: string;
  /** Learn a bias. Default true. */
  readonly bias?: boolean;
}

/** Side of the square tiles in which weights and their gradients are transposed. */
const TILE = 32;

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Where the layer's arrays live in its WebAssembly memory (float indices), for T steps. */
interface SimdLayout {
  readonly steps: number;
  readonly k: SimdKernels;
  readonly f: Float32Array;
  /** Output row stride (out padded to 4) and input row stride (in padded to 4). */
  readonly stride: number;
  readonly inStride: number;
  /** wt `[in, stride]`, w `[out, inStride]`, bias `[stride]`. */
  readonly wt: number;
  readonly w: number;
  readonly b: number;
  /** cur `[T, stride]` (currents, then dL/dI), diff `[T, stride]` (run edges, then prefix sums), acc `[stride]`. */
  readonly cur: number;
  readonly diff: number;
  readonly acc: number;
  /** dw `[in, stride]`, db `[stride]`, dx `[T, inStride]`. */
  readonly dw: number;
  readonly db: number;
  readonly dx: number;
  readonly runs: InputRuns;
}

/**
 * A fully connected layer applied at every step: `y[t] = x[t]·Wᵀ + b`, PyTorch's `nn.Linear`.
 *
 * @remarks
 * In the state dict (`tensors()`, `Network.stateDict()`) `weight` is
 * `[out, in]` and `bias` `[out]`, PyTorch's names and layouts, initialised
 * as PyTorch does: uniform in `±1/√in` (Kaiming-uniform with a = √5), drawn
 * in PyTorch's order. The trainable `weight` of `parameters()` is kept in
 * the engine layout, its transpose `[in, out]` (shape `[in, out]`): the
 * WebAssembly rows are copied from it without a transpose on every forward,
 * and the gradient is added back the same way. For float32 runs it is event-driven with WebAssembly SIMD rows: when
 * the input is spikes (0/1) each input's spike train of one sample is grouped
 * into runs of consecutive active steps and its weight row is added by the
 * cheapest exact way (at every active step; `+W` at a run start and `−W`
 * after its end, summed over time once; or `+W` at every step and `−W` in the
 * gaps), and the weight gradient makes the same choice over prefix sums of
 * dL/dI; other inputs add `x·W` rows for non-zero x only. Backward:
 * `dW = Σ_t dYᵀ·x`, `db = Σ_t dY`, and for a layer that is not first
 * `dX = dY·W`. Float64 runs (checks) use plain loops with the same result.
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
  private simd: SimdLayout | null = null;
  private binary = false;
  /** The input spikes of the last forward as bit masks (binary input only). */
  private bits: SpikeBits | null = null;
  private ownMasks = new Int32Array(0);
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
    const m = this.inFeatures;
    const n = this.outFeatures;
    const bound = 1 / Math.sqrt(m);
    // Drawn in PyTorch's order (row j of [out, in] after row j − 1), kept transposed: [in, out].
    const w = new Float32Array(m * n);
    for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) w[i * n + j] = ctx.rng.uniformIn(-bound, bound);
    this.weight = createParameter(`${this.name}.weight`, [m, n], w);
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

  forward(x: Seq, ctx: RunContext, into?: Float32Array): LayerOutput {
    this.built();
    const rows = x.steps * x.batch;
    const n = this.outFeatures;
    // Events or bit masks: float32 spikes whose dense form is never read here.
    const spikes = x.events !== undefined || x.bits !== undefined;
    const simd = spikes || x.data instanceof Float32Array;
    let out: FloatArray;
    if (simd && into !== undefined && into.length === rows * n) out = into;
    else {
      const like = spikes ? this.out : x.data;
      if (this.out.length !== rows * n || (!spikes && this.out.constructor !== like.constructor)) this.out = spikes ? new Float32Array(rows * n) : newLike(like, rows * n);
      out = this.out;
    }
    if (simd) this.forwardSimd(x, out as Float32Array);
    else this.forwardPlain(x);
    this.input = ctx.train ? x : null;
    this.last = { out: { data: out, steps: x.steps, batch: x.batch, shape: [n] }, mem: null };
    return this.last;
  }

  lastOutput(): LayerOutput | null {
    return this.last;
  }

  backward(grad: LayerGrad, _ctx?: RunContext, into?: Float32Array): FloatArray | null {
    const x = this.input;
    if (x === null) throw new ValidationError('backward without a training forward', { field: this.name, expected: 'forward with train: true first', found: 'no saved input' });
    const rows = x.steps * x.batch;
    const simd = (x.events !== undefined || x.bits !== undefined || x.data instanceof Float32Array) && grad.out instanceof Float32Array;
    let dx: FloatArray | null = null;
    if (this.needInputGrad) {
      if (simd && into !== undefined && into.length === rows * this.inFeatures) dx = into;
      else {
        if (this.dx.length !== rows * this.inFeatures || this.dx.constructor !== grad.out.constructor) this.dx = newLike(grad.out, rows * this.inFeatures);
        dx = this.dx;
      }
    }
    if (simd) this.backwardSimd(x, grad.out as Float32Array, dx as Float32Array | null);
    else this.backwardPlain(x, grad.out);
    return dx;
  }

  /** Lays out the WebAssembly memory for T steps (once per T); with `load`, copies the weights in. */
  private layout(T: number, load: boolean): SimdLayout {
    let s = this.simd;
    const m = this.inFeatures;
    const n = this.outFeatures;
    if (s === null || s.steps !== T) {
      const stride = pad4(n);
      const inStride = pad4(m);
      let top = 0;
      const take = (floats: number): number => {
        const at = top;
        top += (floats + 15) & ~15;
        return at;
      };
      const wt = take(m * stride);
      const w = this.needInputGrad ? take(n * inStride) : -1;
      const b = take(stride);
      const cur = take(T * stride);
      const diff = take(T * stride);
      const acc = take(stride);
      const dw = take(m * stride);
      const db = take(stride);
      const dx = this.needInputGrad ? take(T * inStride) : -1;
      const k = createSimdKernels(4 * top);
      s = { steps: T, k, f: new Float32Array(k.memory.buffer), stride, inStride, wt, w, b, cur, diff, acc, dw, db, dx, runs: new InputRuns(m, T) };
      this.simd = s;
    }
    if (!load) return s;
    const f = s.f;
    const weight = (this.weight as Parameter).value;
    const { stride, inStride } = s;
    // The engine layout is the kernel's: one copy (rows padded to 4), no transpose.
    if (stride === n) f.set(weight, s.wt);
    else for (let i = 0; i < m; i++) f.set(weight.subarray(i * n, i * n + n), s.wt + i * stride);
    if (s.w >= 0) {
      // w[j, i] = weight[i, j] for dL/dx, in tiles so that both sides stay in cache.
      for (let i0 = 0; i0 < m; i0 += TILE) {
        const i1 = Math.min(m, i0 + TILE);
        for (let j0 = 0; j0 < n; j0 += TILE) {
          const j1 = Math.min(n, j0 + TILE);
          for (let j = j0; j < j1; j++) {
            const row = s.w + j * inStride;
            for (let i = i0; i < i1; i++) f[row + i] = weight[i * n + j];
          }
        }
      }
    }
    if (this.bias !== null) f.set(this.bias.value, s.b);
    return s;
  }

  /**
   * The input spikes of all samples as bit masks: the previous layer's own masks when it hands them on,
   * else made once here from the events or the dense 0/1 input (the backward pass reads the same masks).
   */
  private inputBits(x: Seq, B: number, T: number): SpikeBits {
    if (x.bits !== undefined) return x.bits;
    const m = this.inFeatures;
    const stride = B * m;
    const size = ((T + 31) >> 5) * stride;
    if (this.ownMasks.length !== size) this.ownMasks = new Int32Array(size);
    const masks = this.ownMasks;
    masks.fill(0);
    const events = x.events;
    if (events !== undefined) {
      const { offsets, indices } = events;
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          const word = (t >> 5) * stride + b * m;
          const bit = 1 << (t & 31);
          for (let k = offsets[b * T + t]; k < offsets[b * T + t + 1]; k++) masks[word + indices[k]] |= bit;
        }
      }
    } else {
      const xs = x.data;
      for (let t = 0; t < T; t++) {
        const word = (t >> 5) * stride;
        const bit = 1 << (t & 31);
        const xo = t * stride;
        for (let i = 0; i < stride; i++) if (xs[xo + i] !== 0) masks[word + i] |= bit;
      }
    }
    return { words: masks, offset: 0, stride };
  }

  /** Groups sample b's input spikes per input into runs of consecutive active steps. */
  private buildRuns(s: SimdLayout, bits: SpikeBits, b: number, T: number): void {
    const m = this.inFeatures;
    s.runs.build(bits.words, bits.offset + b * m, bits.stride, m, T);
  }

  private forwardSimd(x: Seq, out: Float32Array): void {
    const T = x.steps;
    const B = x.batch;
    const s = this.layout(T, true);
    let binary = x.binary === true;
    if (!binary) {
      const xs = x.data;
      binary = true;
      for (let i = 0; i < xs.length; i++) {
        const v = xs[i];
        if (v !== 0 && v !== 1) {
          binary = false;
          break;
        }
      }
    }
    this.binary = binary;
    this.bits = binary ? this.inputBits(x, B, T) : null;
    const { k, f, stride: S } = s;
    const n = this.outFeatures;
    const m = this.inFeatures;
    const rowBytes = 4 * S;
    const curB = 4 * s.cur;
    for (let b = 0; b < B; b++) {
      if (binary) {
        this.buildRuns(s, this.bits as SpikeBits, b, T);
        this.currents(s, T);
      } else {
        const xs = x.data as Float32Array;
        for (let t = 0; t < T; t++) {
          f.copyWithin(s.cur + t * S, s.b, s.b + S);
          const xo = (t * B + b) * m;
          for (let i = 0; i < m; i++) {
            const v = xs[xo + i];
            if (v !== 0) k.axpy(curB + t * rowBytes, 4 * (s.wt + i * S), v, S);
          }
        }
      }
      for (let t = 0; t < T; t++) out.set(f.subarray(s.cur + t * S, s.cur + t * S + n), (t * B + b) * n);
    }
  }

  /** cur[t, :] = bias + Σ_{inputs on at t} W[i, :], by the cheapest of direct adds, run differences and complements. */
  private currents(s: SimdLayout, T: number): void {
    const { k, f, stride: n } = s;
    const rowBytes = 4 * n;
    const cur = s.cur;
    const diff = s.diff;
    const curB = 4 * cur;
    const diffB = 4 * diff;
    const wB = 4 * s.wt;
    f.fill(0, cur, cur + T * n);
    let usedDiff = false;
    const { active, runPtr, runStart, runEnd } = s.runs;
    for (let a = 0; a < s.runs.count; a++) {
      const r0 = runPtr[a];
      const r1 = runPtr[a + 1];
      let direct = 0;
      for (let r = r0; r < r1; r++) direct += runEnd[r] - runStart[r] + 1;
      const viaRuns = 2 * (r1 - r0) - (runEnd[r1 - 1] === T - 1 ? 1 : 0);
      const viaComplement = 1 + T - direct;
      const row = wB + active[a] * rowBytes;
      if (direct <= viaRuns && direct <= viaComplement) {
        for (let r = r0; r < r1; r++) for (let t = runStart[r]; t <= runEnd[r]; t++) k.addRow(curB + t * rowBytes, row, n);
        continue;
      }
      if (!usedDiff) {
        f.fill(0, diff, diff + T * n);
        usedDiff = true;
      }
      if (viaRuns <= viaComplement) {
        for (let r = r0; r < r1; r++) {
          k.addRow(diffB + runStart[r] * rowBytes, row, n);
          if (runEnd[r] + 1 < T) k.subRow(diffB + (runEnd[r] + 1) * rowBytes, row, n);
        }
      } else {
        // On at every step (+W from step 0) except the gaps between runs (−W there).
        k.addRow(diffB, row, n);
        let t = 0;
        for (let r = r0; r <= r1; r++) {
          const gapEnd = r < r1 ? runStart[r] : T;
          for (; t < gapEnd; t++) k.subRow(curB + t * rowBytes, row, n);
          if (r < r1) t = runEnd[r] + 1;
        }
      }
    }
    const accB = 4 * s.acc;
    f.copyWithin(s.acc, s.b, s.b + n);
    for (let t = 0; t < T; t++) {
      if (usedDiff) k.addRow(accB, diffB + t * rowBytes, n);
      k.addRow(curB + t * rowBytes, accB, n);
    }
  }

  private backwardSimd(x: Seq, dy: Float32Array, dx: Float32Array | null): void {
    const T = x.steps;
    const B = x.batch;
    const s = this.layout(T, false);
    const { k, f, stride: S, inStride: IS } = s;
    const n = this.outFeatures;
    const m = this.inFeatures;
    const rowBytes = 4 * S;
    f.fill(0, s.dw, s.dw + m * S);
    f.fill(0, s.db, s.db + S);
    f.fill(0, s.cur, s.cur + T * S);
    const dIB = 4 * s.cur;
    const pB = 4 * s.diff;
    const dwB = 4 * s.dw;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const o = (t * B + b) * n;
        f.set(dy.subarray(o, o + n), s.cur + t * S);
      }
      // Prefix sums over time of dL/dI: db and the run-difference form of dW.
      f.copyWithin(s.diff, s.cur, s.cur + S);
      for (let t = 1; t < T; t++) k.sumRows(pB + t * rowBytes, pB + (t - 1) * rowBytes, dIB + t * rowBytes, S);
      k.addRow(4 * s.db, pB + (T - 1) * rowBytes, S);
      if (this.binary) {
        this.buildRuns(s, this.bits as SpikeBits, b, T);
        this.weightGrads(s, T);
      } else {
        const xs = x.data as Float32Array;
        for (let t = 0; t < T; t++) {
          const xo = (t * B + b) * m;
          for (let i = 0; i < m; i++) {
            const v = xs[xo + i];
            if (v !== 0) k.axpy(dwB + i * rowBytes, dIB + t * rowBytes, v, S);
          }
        }
      }
      if (dx !== null) {
        f.fill(0, s.dx, s.dx + T * IS);
        for (let t = 0; t < T; t++) {
          const gRow = 4 * (s.dx + t * IS);
          const o = s.cur + t * S;
          for (let j = 0; j < n; j++) {
            const d = f[o + j];
            if (d !== 0) k.axpy(gRow, 4 * (s.w + j * IS), d, IS);
          }
          dx.set(f.subarray(s.dx + t * IS, s.dx + t * IS + m), (t * B + b) * m);
        }
      }
    }
    const gw = (this.weight as Parameter).grad;
    for (let i = 0; i < m; i++) {
      const src = s.dw + i * S;
      const dst = i * n;
      for (let j = 0; j < n; j++) gw[dst + j] += f[src + j];
    }
    if (this.bias !== null) {
      const gb = this.bias.grad;
      for (let j = 0; j < n; j++) gb[j] += f[s.db + j];
    }
  }

  /** dW[i, :] += Σ_{t: input i on} dI[t, :], by direct adds, prefix-sum differences or complements. */
  private weightGrads(s: SimdLayout, T: number): void {
    const { k, stride: n } = s;
    const rowBytes = 4 * n;
    const dIB = 4 * s.cur;
    const pB = 4 * s.diff;
    const dwB = 4 * s.dw;
    const { active, runPtr, runStart, runEnd } = s.runs;
    for (let a = 0; a < s.runs.count; a++) {
      const r0 = runPtr[a];
      const r1 = runPtr[a + 1];
      let direct = 0;
      for (let r = r0; r < r1; r++) direct += runEnd[r] - runStart[r] + 1;
      const viaRuns = 2 * (r1 - r0) - (runStart[r0] === 0 ? 1 : 0);
      const viaComplement = 1 + T - direct;
      const row = dwB + active[a] * rowBytes;
      if (direct <= viaRuns && direct <= viaComplement) {
        for (let r = r0; r < r1; r++) for (let t = runStart[r]; t <= runEnd[r]; t++) k.addRow(row, dIB + t * rowBytes, n);
      } else if (viaRuns <= viaComplement) {
        for (let r = r0; r < r1; r++) {
          const e = pB + runEnd[r] * rowBytes;
          if (runStart[r] === 0) k.addRow(row, e, n);
          else k.addDiff(row, e, pB + (runStart[r] - 1) * rowBytes, n);
        }
      } else {
        // Σ over all steps (the last prefix row) minus the gaps between runs.
        k.addRow(row, pB + (T - 1) * rowBytes, n);
        let t = 0;
        for (let r = r0; r <= r1; r++) {
          const gapEnd = r < r1 ? runStart[r] : T;
          for (; t < gapEnd; t++) k.subRow(row, dIB + t * rowBytes, n);
          if (r < r1) t = runEnd[r] + 1;
        }
      }
    }
  }

  /** Plain loops (float64 runs): out[r] = b + Σ_{x≠0} x·W[:, i]. */
  private forwardPlain(x: Seq): void {
    const m = this.inFeatures;
    const n = this.outFeatures;
    const rows = x.steps * x.batch;
    const w = (this.weight as Parameter).value;
    const out = this.out;
    const xs = x.data;
    const b = this.bias?.value ?? null;
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      for (let j = 0; j < n; j++) out[o + j] = b === null ? 0 : b[j];
      const xo = r * m;
      for (let i = 0; i < m; i++) {
        const v = xs[xo + i];
        if (v === 0) continue;
        const wo = i * n;
        for (let j = 0; j < n; j++) out[o + j] += v * w[wo + j];
      }
    }
  }

  private backwardPlain(x: Seq, dy: FloatArray): void {
    const m = this.inFeatures;
    const n = this.outFeatures;
    const rows = x.steps * x.batch;
    const xs = x.data;
    const w = (this.weight as Parameter).value;
    const gw = (this.weight as Parameter).grad;
    const gb = this.bias?.grad ?? null;
    const dx = this.dx;
    if (this.needInputGrad) dx.fill(0);
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      const xo = r * m;
      for (let j = 0; j < n; j++) {
        const d = dy[o + j];
        if (d === 0) continue;
        if (gb !== null) gb[j] += d;
        for (let i = 0; i < m; i++) {
          const v = xs[xo + i];
          if (v !== 0) gw[i * n + j] += d * v;
          if (this.needInputGrad) dx[xo + i] += d * w[i * n + j];
        }
      }
    }
  }

  parameters(): Parameter[] {
    const w = this.built();
    return this.bias === null ? [w] : [w, this.bias];
  }

  /** `weight` `[out, in]` (a transposed copy of the engine's `[in, out]`) and `bias` `[out]`. */
  tensors(): NamedTensor[] {
    const w = this.built();
    const m = this.inFeatures;
    const n = this.outFeatures;
    const engine = w.value;
    let torch: Float32Array | null = null;
    // The transpose is made only when the value is read (not when a caller only lists names and shapes).
    const weight: NamedTensor = {
      name: w.name,
      shape: [n, m],
      get value(): Float32Array {
        if (torch === null) {
          torch = new Float32Array(m * n);
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) torch[j * m + i] = engine[i * n + j];
        }
        return torch;
      },
      trainable: true,
    };
    const out: NamedTensor[] = [weight];
    if (this.bias !== null) out.push({ name: this.bias.name, shape: this.bias.shape, value: this.bias.value, trainable: true });
    return out;
  }

  loadTensor(name: string, value: Float32Array): void {
    const w = this.built();
    if (name === w.name) {
      const m = this.inFeatures;
      const n = this.outFeatures;
      for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) w.value[i * n + j] = value[j * m + i];
    } else if (this.bias !== null && name === this.bias.name) this.bias.value.set(value);
  }

  children(): readonly Layer[] {
    return [];
  }
}
