import { ValidationError } from '@snn/core';
import { checkArray } from '../conv2d/shape.js';
import { allocLike, type FloatArray } from '../model/float-array.js';

/** Sizes of a batch-norm call over `[N, C, S]` data (S = H·W for images, 1 after a dense layer). */
export interface BatchNormShape {
  /** Number of examples N. */
  readonly batch: number;
  /** Channels C (one γ, β, mean and variance each). */
  readonly channels: number;
  /** Values per channel and example S, e.g. H·W. */
  readonly spatial: number;
}

/** Options of {@link batchNormForward}. */
export interface BatchNormOptions {
  /** Training mode: normalise with the batch statistics and update the running ones. Default false (use the running ones). */
  readonly training?: boolean;
  /** Weight of the new batch statistic in the running averages, in [0, 1] (PyTorch's `momentum`). Default 0.1. */
  readonly momentum?: number;
  /** ε added to the variance, > 0. Default 1e-5. */
  readonly eps?: number;
}

/** What {@link batchNormBackward} needs from the forward pass. */
export interface BatchNormCache<T extends FloatArray = FloatArray> {
  /** The normalised inputs x̂, `[N, C, S]`. */
  readonly xHat: T;
  /** 1/√(σ² + ε) per channel (batch variance in training, running variance in evaluation). */
  readonly invStd: Float64Array;
  /** Whether the batch statistics were used (their gradient is then part of dL/dx). */
  readonly training: boolean;
}

function checkShape(owner: string, shape: BatchNormShape): void {
  for (const key of ['batch', 'channels', 'spatial'] as const) {
    const v = shape?.[key];
    if (!Number.isInteger(v) || v <= 0) {
      throw new ValidationError('invalid size', { field: `${owner}.${key}`, expected: 'a positive integer', found: String(v) });
    }
  }
}

/**
 * Batch normalisation forward pass (PyTorch's `nn.BatchNorm2d` / `BatchNorm1d`), in train or evaluation mode.
 *
 * @remarks
 * Per channel c, over the N·S values of the batch (Ioffe & Szegedy, 2015,
 * "Batch Normalization", ICML):
 *
 * ```
 * training:   μ = mean(x_c), σ² = mean((x_c − μ)²)          (biased)
 *             running_mean ← (1 − m)·running_mean + m·μ
 *             running_var  ← (1 − m)·running_var  + m·σ²·NS/(NS − 1)   (unbiased)
 * evaluation: μ = running_mean, σ² = running_var
 * x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β
 * ```
 *
 * with momentum m = 0.1 and ε = 1e-5 by default, as PyTorch. Statistics are
 * computed in float64. The running arrays are updated in place (training only;
 * with N·S = 1 the unbiased variance is undefined and the batch variance is used).
 *
 * @param x - inputs, `[N, C, S]`
 * @param gamma - scale γ, `[C]`
 * @param beta - shift β, `[C]`
 * @param runningMean - running mean per channel, `[C]`; updated in training
 * @param runningVar - running variance per channel, `[C]`; updated in training
 * @param shape - sizes; see {@link BatchNormShape}
 * @param opts - mode, momentum, ε; see {@link BatchNormOptions}
 * @returns the output y (same precision as x) and the cache for {@link batchNormBackward}
 * @throws `ShapeError` when an array's length does not match the shape; `ValidationError` for a bad size or option
 * @example
 * ```ts
 * const rm = new Float32Array(1), rv = Float32Array.of(1);
 * const { y } = batchNormForward(Float32Array.of(1, 3), Float32Array.of(1), Float32Array.of(0), rm, rv,
 *   { batch: 2, channels: 1, spatial: 1 }, { training: true }); // y ≈ [-1, 1]; rm = [0.2], rv = [1.1]
 * ```
 */
export function batchNormForward<T extends FloatArray>(
  x: T,
  gamma: FloatArray,
  beta: FloatArray,
  runningMean: FloatArray,
  runningVar: FloatArray,
  shape: BatchNormShape,
  opts: BatchNormOptions = {},
): {
  /** The output y, `[N, C, S]`. */
  y: T;
  /** What {@link batchNormBackward} needs. */
  cache: BatchNormCache<T>;
} {
  const owner = 'batchNormForward';
  checkShape(owner, shape);
  const { batch, channels: ch, spatial: sp } = shape;
  checkArray(owner, 'x', x, batch * ch * sp, `${batch} × ${ch} × ${sp}`);
  for (const [name, a] of [['gamma', gamma], ['beta', beta], ['runningMean', runningMean], ['runningVar', runningVar]] as const) checkArray(owner, name, a, ch, `${ch}`);
  const training = opts.training ?? false;
  const momentum = opts.momentum ?? 0.1;
  const eps = opts.eps ?? 1e-5;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
    throw new ValidationError('invalid option', { field: `${owner}.momentum`, expected: 'a number in [0, 1]', found: String(momentum) });
  }
  if (typeof eps !== 'number' || !(eps > 0) || !Number.isFinite(eps)) {
    throw new ValidationError('invalid option', { field: `${owner}.eps`, expected: 'a finite number > 0', found: String(eps) });
  }
  const y = allocLike(x, x.length);
  const xHat = allocLike(x, x.length);
  const invStd = new Float64Array(ch);
  const count = batch * sp;
  for (let c = 0; c < ch; c++) {
    let mean: number;
    let variance: number;
    if (training) {
      let s = 0;
      for (let n = 0; n < batch; n++) {
        const base = (n * ch + c) * sp;
        for (let q = 0; q < sp; q++) s += x[base + q];
      }
      mean = s / count;
      let v = 0;
      for (let n = 0; n < batch; n++) {
        const base = (n * ch + c) * sp;
        for (let q = 0; q < sp; q++) {
          const d = x[base + q] - mean;
          v += d * d;
        }
      }
      variance = v / count;
      runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean;
      runningVar[c] = (1 - momentum) * runningVar[c] + momentum * (count > 1 ? v / (count - 1) : variance);
    } else {
      mean = runningMean[c];
      variance = runningVar[c];
    }
    const inv = 1 / Math.sqrt(variance + eps);
    invStd[c] = inv;
    const g = gamma[c];
    const b = beta[c];
    for (let n = 0; n < batch; n++) {
      const base = (n * ch + c) * sp;
      for (let q = 0; q < sp; q++) {
        const h = (x[base + q] - mean) * inv;
        xHat[base + q] = h;
        y[base + q] = g * h + b;
      }
    }
  }
  return { y, cache: { xHat, invStd, training } };
}

/**
 * Batch normalisation backward pass: adds dL/dγ and dL/dβ, returns dL/dx.
 *
 * @remarks
 * With g = dL/dy and M = N·S values per channel:
 *
 * ```
 * dL/dβ_c += Σ g,   dL/dγ_c += Σ g·x̂
 * training:   dL/dx = γ·invStd/M · (M·g − Σ g − x̂·Σ g·x̂)
 * evaluation: dL/dx = γ·invStd·g
 * ```
 *
 * @param gradOutput - dL/dy, `[N, C, S]`
 * @param cache - from {@link batchNormForward}
 * @param gamma - scale γ, `[C]`
 * @param shape - sizes; see {@link BatchNormShape}
 * @param gradGamma - receives dL/dγ, added to what is there, `[C]`
 * @param gradBeta - receives dL/dβ, added to what is there, `[C]`
 * @returns dL/dx (same precision as gradOutput)
 * @throws `ShapeError` when an array's length does not match the shape
 */
export function batchNormBackward<T extends FloatArray>(
  gradOutput: T,
  cache: BatchNormCache,
  gamma: FloatArray,
  shape: BatchNormShape,
  gradGamma: FloatArray,
  gradBeta: FloatArray,
): T {
  const owner = 'batchNormBackward';
  checkShape(owner, shape);
  const { batch, channels: ch, spatial: sp } = shape;
  const size = batch * ch * sp;
  checkArray(owner, 'gradOutput', gradOutput, size, `${batch} × ${ch} × ${sp}`);
  checkArray(owner, 'cache.xHat', cache.xHat, size, `${batch} × ${ch} × ${sp}`);
  for (const [name, a] of [['gamma', gamma], ['gradGamma', gradGamma], ['gradBeta', gradBeta], ['cache.invStd', cache.invStd]] as const) checkArray(owner, name, a, ch, `${ch}`);
  const dx = allocLike(gradOutput, size);
  const count = batch * sp;
  const { xHat, invStd } = cache;
  for (let c = 0; c < ch; c++) {
    let sg = 0;
    let sgx = 0;
    for (let n = 0; n < batch; n++) {
      const base = (n * ch + c) * sp;
      for (let q = 0; q < sp; q++) {
        const g = gradOutput[base + q];
        sg += g;
        sgx += g * xHat[base + q];
      }
    }
    gradBeta[c] += sg;
    gradGamma[c] += sgx;
    const scale = gamma[c] * invStd[c];
    for (let n = 0; n < batch; n++) {
      const base = (n * ch + c) * sp;
      if (cache.training) {
        for (let q = 0; q < sp; q++) dx[base + q] = (scale / count) * (count * gradOutput[base + q] - sg - xHat[base + q] * sgx);
      } else {
        for (let q = 0; q < sp; q++) dx[base + q] = scale * gradOutput[base + q];
      }
    }
  }
  return dx;
}
