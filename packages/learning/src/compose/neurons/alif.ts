import type { Rng } from '@snn/core';
import { type SurrogateFunction, atan } from '@snn/neurons';
import { type SimdKernels, createSimdKernels } from '../../bptt/simd.js';
import { NeuronLayer, type NeuronModel, type NeuronParamSpec } from '../neuron.js';
import { type FloatArray, type SpikeFunction, newLike } from '../types.js';
import { type DecayParametrisation, addDecayGrad, checkParametrisation, checkValues, decayReader, decaySpec } from './common.js';

/** Options of {@link alif}. */
export interface AlifOptions {
  /** Name in the composition. */
  readonly name?: string;
  /** Membrane decay α in [0, 1] ((0, 1) with the sigmoid parametrisation): one value or one per neuron. */
  readonly alpha: number | readonly number[];
  /** Adaptation decay ρ in [0, 1] ((0, 1) with the sigmoid parametrisation): one value or one per neuron. */
  readonly rho: number | readonly number[];
  /** Base threshold θ0 (> 0). Default 1. */
  readonly threshold?: number;
  /** Adaptation strength β_a (≥ 0). Default 1.8 (Bellec et al. 2018). */
  readonly adaptStrength?: number;
  /** Train α by BPTT. Default false. */
  readonly learnAlpha?: boolean;
  /** Train ρ by BPTT. Default false. */
  readonly learnRho?: boolean;
  /**
   * How α and ρ are stored: `direct` (the tensors `alpha`, `rho` are the decays) or `sigmoid` (the tensors
   * `alpha_logit`, `rho_logit` are logits q with α = σ(q), so learned decays stay in (0, 1)). Default `direct`.
   */
  readonly parametrisation?: DecayParametrisation;
  /**
   * Recurrent weights from the layer's own spikes of the previous step: the input becomes
   * `I[t] + z[t−1]·W_rec (+ b_rec)`. Default false.
   */
  readonly recurrent?: boolean;
  /** With `recurrent`: a recurrent bias `b_rec` too (as `nn.Linear`'s). Default true. */
  readonly recurrentBias?: boolean;
  /** Surrogate spike function. Default `atan()`. */
  readonly surrogate?: SurrogateFunction;
}

/** `recurrent.weight` (engine layout `[from, to]`, state dict `[to, from]`) and `recurrent.bias`, uniform ±1/√n as `nn.Linear(n, n)`. */
function recurrentSpecs(width: number, rng: Rng, bias: boolean): NeuronParamSpec[] {
  const bound = 1 / Math.sqrt(width);
  const w = new Float32Array(width * width);
  for (let k = 0; k < w.length; k++) w[k] = rng.uniformIn(-bound, bound);
  const out: NeuronParamSpec[] = [{ name: 'recurrent.weight', value: w, shape: [width, width], learn: true, transposed: true }];
  if (bias) out.push({ name: 'recurrent.bias', value: Float32Array.from({ length: width }, () => rng.uniformIn(-bound, bound)), shape: [width], learn: true });
  return out;
}

/**
 * A layer of adaptive LIF neurons (ALIF): a threshold that rises with each spike and decays back,
 * optionally with recurrent weights.
 *
 * @remarks
 * Bellec et al. (2018), "Long short-term memory and learning-to-learn in
 * networks of spiking neurons", NeurIPS; the form of the snn-image-classification
 * model (Yin, Corradi & Bohté 2021), with the detached reset:
 * ```
 * a[t] = ρ·a[t−1] + (1 − ρ)·z[t−1]          (adaptation; A[t] = θ0 + β_a·a[t])
 * v[t] = α·v[t−1] + I[t] (+ z[t−1]·W_rec + b_rec) − θ0·H(v[t−1] − A[t−1])
 * z[t] = H(v[t] − A[t])
 * ```
 * States `spk`, `mem`, `adapt`; buffers `threshold`, `adapt_strength`;
 * parameters `alpha`, `rho` (trained when asked; `alpha_logit`, `rho_logit`
 * with the sigmoid parametrisation, α = σ(q)) and, when recurrent,
 * `recurrent.weight` (`[to, from]` in the state dict, as `nn.Linear`; the
 * engine keeps `[from, to]` so that a spike adds one contiguous row) and
 * `recurrent.bias` (always trained). The VJP is derived by hand: with `g_z` = dL/dz[t] (from
 * the layer above and from step t + 1), `d = σ'(v[t] − A[t])`,
 * ```
 * dL/dv[t] = dL/dv[t]|next + g_z·d          → dL/dI[t], dL/dv[t−1] += α·dL/dv[t]
 * dL/da[t] = dL/da[t]|next − β_a·g_z·d      → dL/da[t−1] += ρ·dL/da[t], dL/dz[t−1] += (1 − ρ)·dL/da[t]
 * dL/dz[t−1] += W_rec·dL/dv[t],  dW_rec += z[t−1]ᵀ·dL/dv[t],  db_rec += dL/dv[t]
 * dL/dα += dL/dv[t]·v[t−1],  dL/dρ += dL/da[t]·(a[t−1] − z[t−1])  (× d(1 − d) for a logit)
 * ```
 *
 * @param opts - decays, threshold, adaptation strength, parametrisation, recurrence, surrogate, name
 * @throws `ValidationError` for a decay outside [0, 1] (or (0, 1) for the sigmoid parametrisation) or a bad threshold
 */
export function alif(opts: AlifOptions): NeuronLayer {
  const param = checkParametrisation(opts.parametrisation, 'ALIF.parametrisation');
  const learnAlpha = opts.learnAlpha ?? false;
  const learnRho = opts.learnRho ?? false;
  const alphaSpec = decaySpec('alpha', opts.alpha, learnAlpha, param, 'ALIF.alpha');
  const rhoSpec = decaySpec('rho', opts.rho, learnRho, param, 'ALIF.rho');
  const theta0 = opts.threshold ?? 1;
  checkValues(theta0, 'ALIF.threshold', Number.MIN_VALUE, Number.MAX_VALUE);
  const strength = opts.adaptStrength ?? 1.8;
  checkValues(strength, 'ALIF.adaptStrength', 0, Number.MAX_VALUE);
  const recurrent = opts.recurrent ?? false;
  const recBias = recurrent && (opts.recurrentBias ?? true);
  const readAlpha = decayReader(param);
  const readRho = decayReader(param);
  let rec: FloatArray = new Float32Array(0);
  const simd = new RecurrentSimd();
  let gAlpha = new Float64Array(0);
  let gRho = new Float64Array(0);
  const alphaBuf: { data?: Float64Array } = {};
  const rhoBuf: { data?: Float64Array } = {};
  const model: NeuronModel = {
    kind: 'ALIF',
    states: ['spk', 'mem', 'adapt'],
    membrane: 1,
    spiking: true,
    binary: true,
    params: (width, rng) => [
      { name: 'threshold', value: theta0 },
      { name: 'adapt_strength', value: strength },
      alphaSpec,
      rhoSpec,
      ...(recurrent ? recurrentSpecs(width, rng, recBias) : []),
    ],
    step(io) {
      const { input, prev, next, out, params, fire, width, batch } = io;
      const th = params[0][0];
      const ba = params[1][0];
      const alphaP = perNeuron(readAlpha(params[2]), width, alphaBuf);
      const rhoP = perNeuron(readRho(params[3]), width, rhoBuf);
      const [z0, v0, a0] = prev;
      const [z1, v1, a1] = next;
      let drive: FloatArray = input;
      if (recurrent) {
        if (rec.length !== input.length || rec.constructor !== input.constructor) rec = newLike(input, input.length);
        const bias = recBias ? params[5] : null;
        if (z0 instanceof Float32Array && input instanceof Float32Array && simd.available(width)) simd.current(z0, params[4] as Float32Array, bias, input, rec as Float32Array, batch);
        else recurrentCurrent(z0, params[4], bias, input, rec, width, batch);
        drive = rec;
      }
      // The built-in surrogates fire with the Heaviside (inlined); others (e.g. gradCheck's smooth spike) are called.
      const heaviside = isBuiltIn(fire);
      for (let b = 0, k = 0; b < batch; b++) {
        for (let j = 0; j < width; j++, k++) {
          const rho = rhoP[j];
          const r = v0[k] - (th + ba * a0[k]) > 0 ? 1 : 0;
          const a = rho * a0[k] + (1 - rho) * z0[k];
          const v = alphaP[j] * v0[k] + drive[k] - th * r;
          const x = v - th - ba * a;
          const z = heaviside ? (x > 0 ? 1 : 0) : fire.spike(x);
          a1[k] = a;
          v1[k] = v;
          z1[k] = z;
          out[k] = z;
        }
      }
    },
    backward(io) {
      const { prev, next, params, fire, width, batch, gradOut, gradNext, gradPrev, gradInput, paramGrads } = io;
      const th = params[0][0];
      const ba = params[1][0];
      const alphaP = perNeuron(readAlpha(params[2]), width, alphaBuf);
      const rhoP = perNeuron(readRho(params[3]), width, rhoBuf);
      const [z0, v0, a0] = prev;
      const [, v1, a1] = next;
      const [gzNext, gvNext, gaNext] = gradNext;
      const [gzPrev, gvPrev, gaPrev] = gradPrev;
      // The fast-sigmoid derivative 1/(1 + k|x|)² is inlined (the default of the models that use ALIF).
      if (gAlpha.length !== width) {
        gAlpha = new Float64Array(width);
        gRho = new Float64Array(width);
      }
      gAlpha.fill(0);
      gRho.fill(0);
      const slope = isBuiltIn(fire) && (fire as { name?: unknown }).name === 'fastSigmoid' ? Number((fire as unknown as { options: { slope?: number } }).options.slope) : 0;
      for (let b = 0, k = 0; b < batch; b++) {
        for (let j = 0; j < width; j++, k++) {
          const alpha = alphaP[j];
          const rho = rhoP[j];
          const gz = gradOut[k] + gzNext[k];
          const x = v1[k] - th - ba * a1[k];
          let d: number;
          if (slope > 0) {
            const q = 1 + slope * (x < 0 ? -x : x);
            d = 1 / (q * q);
          } else {
            d = fire.derivative(x);
          }
          const gv = gvNext[k] + gz * d;
          const ga = gaNext[k] - ba * gz * d;
          gradInput[k] = gv;
          gvPrev[k] += alpha * gv;
          gaPrev[k] += rho * ga;
          gzPrev[k] += (1 - rho) * ga;
          gAlpha[j] += gv * v0[k];
          gRho[j] += ga * (a0[k] - z0[k]);
        }
      }
      // dL/dα and dL/dρ summed over the batch, then through the parametrisation once per neuron.
      for (let j = 0; j < width; j++) {
        if (learnAlpha) addDecayGrad(paramGrads[2], j, gAlpha[j], alphaP[j], param);
        if (learnRho) addDecayGrad(paramGrads[3], j, gRho[j], rhoP[j], param);
      }
      if (recurrent) recurrentVjp(z0, params[4], gradInput, gzPrev, paramGrads[4], recBias ? paramGrads[5] : null, width, batch, simd);
    },
  };
  return new NeuronLayer(model, { name: opts.name, fire: opts.surrogate ?? atan() });
}

/** True for a surrogate of `@snn/neurons` (named, with options): it fires with the Heaviside `x > 0`. */
function isBuiltIn(fire: SpikeFunction): boolean {
  const f = fire as SpikeFunction & { readonly name?: unknown; readonly options?: unknown };
  return typeof f.name === 'string' && typeof f.options === 'object' && f.options !== null;
}

/** A decay tensor of one or `width` entries as `width` values (a view of `buf` when it must be expanded). */
function perNeuron(p: FloatArray, width: number, buf: { data?: Float64Array }): FloatArray {
  if (p.length === width) return p;
  if (buf.data === undefined || buf.data.length !== width) buf.data = new Float64Array(width);
  buf.data.fill(p[0]);
  return buf.data;
}

/** out[b, j] = input[b, j] (+ bias[j]) + Σ_i z[b, i]·W[i, j], adding one row of W (`[from, to]`) per spike. */
function recurrentCurrent(z: FloatArray, w: FloatArray, bias: FloatArray | null, input: FloatArray, out: FloatArray, width: number, batch: number): void {
  for (let b = 0; b < batch; b++) {
    const o = b * width;
    if (bias === null) for (let j = 0; j < width; j++) out[o + j] = input[o + j];
    else for (let j = 0; j < width; j++) out[o + j] = input[o + j] + bias[j];
    for (let i = 0; i < width; i++) {
      const s = z[o + i];
      if (s === 0) continue;
      const row = i * width;
      for (let j = 0; j < width; j++) out[o + j] += s * w[row + j];
    }
  }
}

/**
 * The recurrent current and the dense part of its VJP in WebAssembly SIMD (float32 runs): W (forward, one row
 * added per spike) or its transpose (backward, dL/dz[t−1] += W·g as one `axpy` of row j per non-zero g[j]), rows
 * padded to a multiple of 4, copied into a private memory at each step.
 */
class RecurrentSimd {
  private kernels: SimdKernels | null = null;
  private f = new Float32Array(0);
  private width = 0;
  private stride = 0;

  /** False when this engine has no WebAssembly SIMD (the caller then runs the plain loops). */
  available(width: number): boolean {
    if (this.width === width) return this.kernels !== null;
    this.width = width;
    this.stride = Math.ceil(width / 4) * 4;
    try {
      this.kernels = createSimdKernels(4 * (2 * width + 2) * this.stride);
      this.f = new Float32Array(this.kernels.memory.buffer);
    } catch {
      this.kernels = null;
    }
    return this.kernels !== null;
  }

  /** out[b, j] = input[b, j] (+ bias[j]) + Σ_i z[b, i]·w[i, j]: one row of w added per spike (w `[from, to]`). */
  current(z: Float32Array, w: Float32Array, bias: FloatArray | null, input: Float32Array, out: Float32Array, batch: number): void {
    const { f, width, stride: S } = this;
    const { addRow, axpy } = this.kernels as SimdKernels;
    for (let i = 0; i < width; i++) f.set(w.subarray(i * width, (i + 1) * width), i * S);
    const acc = width * S;
    for (let b = 0; b < batch; b++) {
      const o = b * width;
      f.set(input.subarray(o, o + width), acc);
      if (bias !== null) for (let j = 0; j < width; j++) f[acc + j] += bias[j];
      for (let i = 0; i < width; i++) {
        const s = z[o + i];
        if (s === 1) addRow(4 * acc, 4 * i * S, S);
        else if (s !== 0) axpy(4 * acc, 4 * i * S, s, S);
      }
      out.set(f.subarray(acc, acc + width), o);
    }
  }

  /**
   * gz[b, i] += Σ_j w[i, j]·g[b, j] (w `[from, to]`) and gw[i, :] += z[b, i]·g[b, :] for the spiking i, the rows
   * summed in float32 over the batch of this step, then added into the float64 gradient.
   */
  backward(z: Float32Array, w: Float32Array, g: Float32Array, gz: Float32Array, gw: FloatArray, batch: number): void {
    const { f, width, stride: S } = this;
    const { axpy, addRow } = this.kernels as SimdKernels;
    for (let i = 0; i < width; i++) for (let j = 0; j < width; j++) f[j * S + i] = w[i * width + j];
    const acc = width * S;
    const gRow = acc + S;
    const gW = gRow + S;
    f.fill(0, gW, gW + width * S);
    let spikes = 0;
    for (let b = 0; b < batch; b++) {
      const o = b * width;
      f.fill(0, acc, acc + S);
      f.set(g.subarray(o, o + width), gRow);
      for (let j = 0; j < width; j++) {
        const e = g[o + j];
        if (e !== 0) axpy(4 * acc, 4 * j * S, e, S);
      }
      for (let i = 0; i < width; i++) {
        gz[o + i] += f[acc + i];
        const s = z[o + i];
        if (s === 0) continue;
        spikes++;
        if (s === 1) addRow(4 * (gW + i * S), 4 * gRow, S);
        else axpy(4 * (gW + i * S), 4 * gRow, s, S);
      }
    }
    if (spikes === 0) return;
    for (let i = 0; i < width; i++) {
      const from = gW + i * S;
      const to = i * width;
      for (let j = 0; j < width; j++) gw[to + j] += f[from + j];
    }
  }
}

/**
 * Given g = dL/d(recurrent current) = dL/dv[t]: dL/dz[t−1] += W·g, dW += z[t−1]ᵀ·g (rows of spiking neurons only),
 * db += g; in WebAssembly SIMD on float32 runs.
 */
function recurrentVjp(z: FloatArray, w: FloatArray, g: FloatArray, gz: FloatArray, gw: FloatArray, gb: FloatArray | null, width: number, batch: number, simd: RecurrentSimd): void {
  if (gb !== null) for (let b = 0; b < batch; b++) for (let j = 0; j < width; j++) gb[j] += g[b * width + j];
  if (z instanceof Float32Array && w instanceof Float32Array && g instanceof Float32Array && gz instanceof Float32Array && simd.available(width)) {
    simd.backward(z, w, g, gz, gw, batch);
    return;
  }
  for (let b = 0; b < batch; b++) {
    const o = b * width;
    for (let i = 0; i < width; i++) {
      const row = i * width;
      let acc = 0;
      for (let j = 0; j < width; j++) acc += w[row + j] * g[o + j];
      gz[o + i] += acc;
      const s = z[o + i];
      if (s === 0) continue;
      for (let j = 0; j < width; j++) gw[row + j] += s * g[o + j];
    }
  }
}
