import { ValidationError, describeValue } from '@snn/core';
import type { SparseSpikes, Tensor } from '@snn/core';
import type { Encoder } from '../api.js';
import { checkBoolean, checkImages, checkPositive, checkPositiveInteger } from '../validation/validation.js';

/**
 * Over which values the data-dependent steps of latency coding (the shift for
 * `firstSpikeTime`, `normalize`, and the overflow rule) take their minimum and
 * maximum: `'batch'` = the whole input tensor (snnTorch's behaviour), or
 * `'sample'` = each image on its own (so an image's code does not depend on
 * the other images of its batch).
 */
export type LatencyScope = 'batch' | 'sample';

/** Options of latency (time-to-first-spike) coding; names and defaults follow snnTorch `spikegen.latency`. */
export interface LatencyOptions {
  /** Number of time steps T (positive integer). */
  readonly numSteps: number;
  /** Values below this never get a meaningful time (see `clip`); in (0, 1), default 0.01. */
  readonly threshold?: number;
  /** Small positive number keeping `x − threshold` away from 0 in the log code; default 1e-7. */
  readonly epsilon?: number;
  /** RC time constant of the charging neuron, in time steps (> 0); default 1. Replaced by `T − 1 − firstSpikeTime` when `linear` and `normalize` are both set. */
  readonly tau?: number;
  /** Step of the earliest spike (integer in [0, T − 1]); default 0. */
  readonly firstSpikeTime?: number;
  /** Linear code `tau · (1 − x)` instead of the logarithmic one; default false. */
  readonly linear?: boolean;
  /** Rescale the spike times so that the latest spike falls on step T − 1; default false. */
  readonly normalize?: boolean;
  /** Remove the spikes of values below `threshold` (compared in float32, as snnTorch does with float32 images); default false. */
  readonly clip?: boolean;
  /** Where minima and maxima are taken; default `'batch'` (as snnTorch). */
  readonly scope?: LatencyScope;
}

/** Continuous spike times of latency coding, before rounding to steps (snnTorch `latency_code`). */
export interface LatencyCode {
  /** Spike time of every value, in time steps, row-major `[B, size]`. */
  readonly times: Float64Array;
  /** 1 where the value was below `threshold` (the values `clip` removes), else 0. */
  readonly belowThreshold: Uint8Array;
  /** Number of images B. */
  readonly batch: number;
  /** Number of values per image. */
  readonly size: number;
}

interface ResolvedLatency {
  readonly numSteps: number;
  readonly threshold: number;
  readonly epsilon: number;
  readonly tau: number;
  readonly firstSpikeTime: number;
  readonly linear: boolean;
  readonly normalize: boolean;
  readonly clip: boolean;
  readonly scope: LatencyScope;
}

function resolveLatencyOptions(options: LatencyOptions): ResolvedLatency {
  if (!options || typeof options !== 'object') {
    throw new ValidationError('missing latency options', { field: 'options', expected: '{ numSteps, ... }', found: describeValue(options) });
  }
  const numSteps = checkPositiveInteger(options.numSteps, 'numSteps', 'invalid number of time steps');
  const threshold = options.threshold ?? 0.01;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1)) {
    throw new ValidationError('invalid latency threshold', { field: 'threshold', expected: 'a number in (0, 1)', found: describeValue(threshold) });
  }
  const epsilon = checkPositive(options.epsilon ?? 1e-7, 'epsilon', 'invalid epsilon');
  const tau = checkPositive(options.tau ?? 1, 'tau', 'invalid time constant');
  const firstSpikeTime = options.firstSpikeTime ?? 0;
  if (typeof firstSpikeTime !== 'number' || !Number.isInteger(firstSpikeTime) || firstSpikeTime < 0 || firstSpikeTime > numSteps - 1) {
    throw new ValidationError('invalid first spike time', {
      field: 'firstSpikeTime',
      expected: `an integer in [0, ${numSteps - 1}] (numSteps − 1)`,
      found: describeValue(firstSpikeTime),
    });
  }
  const scope = options.scope ?? 'batch';
  if (scope !== 'batch' && scope !== 'sample') {
    throw new ValidationError('invalid latency scope', { field: 'scope', expected: '"batch" or "sample"', found: describeValue(scope) });
  }
  return {
    numSteps,
    threshold,
    epsilon,
    tau,
    firstSpikeTime,
    linear: checkBoolean(options.linear, 'linear', false),
    normalize: checkBoolean(options.normalize, 'normalize', false),
    clip: checkBoolean(options.clip, 'clip', false),
    scope,
  };
}

/** Rounds to the nearest integer, ties to even (as `torch.round`). */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** The [start, end) ranges of values over which minima/maxima are taken. */
function groups(batch: number, size: number, scope: LatencyScope): Array<[number, number]> {
  if (scope === 'batch') return [[0, batch * size]];
  const out: Array<[number, number]> = [];
  for (let b = 0; b < batch; b++) out.push([b * size, (b + 1) * size]);
  return out;
}

function codeTimes(images: Tensor, o: ResolvedLatency): LatencyCode {
  const { batch, size } = checkImages(images);
  const x = images.data;
  const n = batch * size;
  const times = new Float64Array(n);
  const belowThreshold = new Uint8Array(n);
  const fst = o.firstSpikeTime;
  // Compared in float32, as snnTorch compares float32 images with a Python float (cast to the tensor's dtype).
  const threshold32 = Math.fround(o.threshold);
  for (let i = 0; i < n; i++) belowThreshold[i] = x[i] < threshold32 ? 1 : 0;
  if (o.linear) {
    const tau = o.normalize ? o.numSteps - 1 - fst : o.tau;
    const cap = -tau * (o.threshold - 1);
    for (let i = 0; i < n; i++) times[i] = Math.min(-tau * (x[i] - 1), cap) + fst;
    return { times, belowThreshold, batch, size };
  }
  const floor = o.threshold + o.epsilon;
  for (let i = 0; i < n; i++) {
    const xc = Math.max(x[i], floor);
    times[i] = o.tau * Math.log(xc / (xc - o.threshold));
  }
  for (const [start, end] of groups(batch, size, o.scope)) {
    if (start === end) continue;
    if (fst > 0) {
      let min = Number.POSITIVE_INFINITY;
      for (let i = start; i < end; i++) if (times[i] < min) min = times[i];
      for (let i = start; i < end; i++) times[i] = times[i] - fst * (min / fst - 1);
    }
    if (o.normalize) {
      let max = Number.NEGATIVE_INFINITY;
      for (let i = start; i < end; i++) if (times[i] - fst > max) max = times[i] - fst;
      if (max > 0) {
        for (let i = start; i < end; i++) times[i] = ((times[i] - fst) * (o.numSteps - fst - 1)) / max + fst;
      }
    }
  }
  return { times, belowThreshold, batch, size };
}

/**
 * Latency coding, first half: the continuous spike time of every value
 * (snnTorch `spikegen.latency_code`), before rounding to time steps.
 *
 * @remarks
 * The input is read as the constant current `x` charging an RC (leaky
 * integrate-and-fire) neuron of time constant `τ` (steps) towards 1 from 0;
 * it reaches the threshold `θ` at
 *
 * - logarithmic (default): `t = τ · ln(x' / (x' − θ))` with
 *   `x' = max(x, θ + ε)`: bright values fire early, values at or below
 *   `θ + ε` all get the latest time `τ · ln((θ + ε) / ε)`;
 * - linear (`linear: true`): `t = min(τ · (1 − x), τ · (1 − θ)) + t₀`, where
 *   with `normalize` `τ` is replaced by `T − 1 − t₀` (so `x = 1` fires at
 *   `t₀` and `x = 0` at `t₀ + (T − 1 − t₀)(1 − θ)`).
 *
 * Logarithmic only: with `firstSpikeTime` `t₀ > 0` the times are shifted so
 * that the earliest one equals `t₀` (`t ← t − t₀ (min t / t₀ − 1)`); with
 * `normalize` they are rescaled to
 * `t ← (t − t₀)(T − 1 − t₀) / max(t − t₀) + t₀`, so the latest spike falls
 * on step `T − 1`. Minimum and maximum are over the whole batch (snnTorch) or
 * per image (`scope: 'sample'`). Where all times of a group equal `t₀` the
 * rescaling is skipped (snnTorch would divide 0 by 0 there).
 *
 * Computed in double precision (snnTorch uses float32), from the float32
 * inputs. Reference: snnTorch `spikegen.latency_code`; Eshraghian et al.,
 * "Training spiking neural networks using lessons from deep learning",
 * Proc. IEEE 111(9), 2023 (section on latency coding).
 *
 * @param images - batch `[B, ...]`, values in [0, 1]
 * @param options - see {@link LatencyOptions}
 * @returns times `[B, size]` (time steps) and the below-threshold mask
 * @throws ValidationError for a bad option or a value outside [0, 1]
 * @example
 * ```ts
 * const code = latencyCode(tensor([0.02, 0.5, 1], [1, 3]), { numSteps: 5, normalize: true, linear: true });
 * Array.from(code.times); // ≈ [3.92, 2, 0]
 * ```
 */
export function latencyCode(images: Tensor, options: LatencyOptions): LatencyCode {
  return codeTimes(images, resolveLatencyOptions(options));
}

function stepsFrom(code: LatencyCode, o: ResolvedLatency): Int32Array {
  const { times, belowThreshold, batch, size } = code;
  const last = o.numSteps - 1;
  const steps = new Int32Array(times.length);
  for (let i = 0; i < times.length; i++) steps[i] = roundHalfEven(times[i]);
  for (const [start, end] of groups(batch, size, o.scope)) {
    let overflow = false;
    for (let i = start; i < end; i++) if (steps[i] > last) overflow = true;
    if (!overflow) continue;
    for (let i = start; i < end; i++) if (steps[i] >= last) steps[i] = -1;
  }
  if (o.clip) for (let i = 0; i < steps.length; i++) if (belowThreshold[i]) steps[i] = -1;
  return steps;
}

/**
 * Latency coding, second half: the time step of each value's single spike,
 * or −1 for no spike.
 *
 * @remarks
 * `step = round(t)` of {@link latencyCode} (ties to even, as `torch.round`).
 * Steps past `T − 1` follow snnTorch `spikegen.latency` exactly: when any
 * value of a group (the batch, or the image with `scope: 'sample'`) would
 * fire after `T − 1`, those spikes are clamped to `T − 1` and then the whole
 * step `T − 1` of that group is cleared, so every value whose rounded time
 * is `≥ T − 1` does not fire. With `clip`, values below `threshold` do not
 * fire either. With the defaults (`tau = 1`, no `normalize`) the
 * below-threshold values land at `ln((θ + ε)/ε) ≈ 11.5` steps.
 *
 * @param images - batch `[B, ...]`, values in [0, 1]
 * @param options - see {@link LatencyOptions}
 * @returns `[B, size]` spike steps in `[0, T − 1]`, −1 where a value does not fire
 * @throws ValidationError for a bad option or a value outside [0, 1]
 * @example
 * ```ts
 * const steps = latencySteps(tensor([0.02, 0.5, 1], [1, 3]), { numSteps: 5, normalize: true, linear: true });
 * Array.from(steps); // [4, 2, 0]
 * ```
 */
export function latencySteps(images: Tensor, options: LatencyOptions): Int32Array {
  const o = resolveLatencyOptions(options);
  return stepsFrom(codeTimes(images, o), o);
}

/**
 * Latency (time-to-first-spike) coding into a dense 0/1 tensor `[B, T, ...]`:
 * each value fires at most once, brighter values earlier.
 *
 * @remarks
 * Equal to snnTorch `spikegen.latency` (batch first instead of time first);
 * the spike times are those of {@link latencyCode} rounded as in
 * {@link latencySteps}, where the equations are. Latency coding after
 * Eshraghian et al., Proc. IEEE 111(9), 2023. Deterministic: no random draws.
 *
 * @param images - batch `[B, ...]`, values in [0, 1]
 * @param options - see {@link LatencyOptions}
 * @returns spikes `[B, T, ...]` with at most one spike per value
 * @throws ValidationError for a bad option or a value outside [0, 1]
 * @example
 * ```ts
 * const spikes = latency(tensor([0.02, 0.5, 1], [1, 3]), { numSteps: 5, normalize: true, linear: true });
 * spikes.data[(0 * 5 + 2) * 3 + 1]; // 1: value 0.5 fires at step 2
 * ```
 */
export function latency(images: Tensor, options: LatencyOptions): Tensor {
  const o = resolveLatencyOptions(options);
  const code = codeTimes(images, o);
  const steps = stepsFrom(code, o);
  const { batch, size } = code;
  const T = o.numSteps;
  const out = new Float32Array(batch * T * size);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < size; i++) {
      const s = steps[b * size + i];
      if (s >= 0) out[(b * T + s) * size + i] = 1;
    }
  }
  return { data: out, shape: [batch, T, ...images.shape.slice(1)] };
}

/**
 * Latency coding straight into core `SparseSpikes` (same spikes as {@link latency}).
 *
 * @param images - batch `[B, ...]`, values in [0, 1]
 * @param options - see {@link LatencyOptions}
 * @returns sparse spike trains with `size` = values per image, at most one spike per value
 * @throws ValidationError for a bad option or a value outside [0, 1]
 * @example
 * ```ts
 * const s = latencySparse(tensor([0.02, 0.5, 1], [1, 3]), { numSteps: 5, normalize: true, linear: true });
 * Array.from(s.offsets); // [0, 1, 1, 2, 2, 3]: value 2 at t=0, value 1 at t=2, value 0 at t=4
 * ```
 */
export function latencySparse(images: Tensor, options: LatencyOptions): SparseSpikes {
  const o = resolveLatencyOptions(options);
  const code = codeTimes(images, o);
  const steps = stepsFrom(code, o);
  const { batch, size } = code;
  const T = o.numSteps;
  const rows = batch * T;
  const offsets = new Uint32Array(rows + 1);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < size; i++) {
      const s = steps[b * size + i];
      if (s >= 0) offsets[b * T + s + 1]++;
    }
  }
  for (let r = 0; r < rows; r++) offsets[r + 1] += offsets[r];
  const indices = new Uint32Array(offsets[rows]);
  const fill = offsets.slice(0, rows);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < size; i++) {
      const s = steps[b * size + i];
      if (s >= 0) indices[fill[b * T + s]++] = i;
    }
  }
  return { batch, numSteps: T, size, offsets, indices };
}

/**
 * Makes a latency-coding {@link Encoder} with its options checked once.
 *
 * @remarks
 * `encode` is {@link latency}, `encodeSparse` is {@link latencySparse}; see
 * {@link latencyCode} for the equations (snnTorch `spikegen.latency`,
 * Eshraghian et al., Proc. IEEE 2023).
 *
 * @param options - see {@link LatencyOptions}
 * @throws ValidationError for a bad option
 * @example
 * ```ts
 * const encoder = latencyEncoder({ numSteps: 30, tau: 5, normalize: true, clip: true });
 * encoder.encode(tensor([0.5, 0], [1, 2])).shape; // [1, 30, 2]
 * ```
 */
export function latencyEncoder(options: LatencyOptions): Encoder {
  const resolved = resolveLatencyOptions(options);
  return {
    kind: 'latency',
    numSteps: resolved.numSteps,
    encode: (images) => latency(images, resolved),
    encodeSparse: (images) => latencySparse(images, resolved),
  };
}
