import { ValidationError, describeValue } from '@snn/core';
import type { SparseSpikes, Tensor } from '@snn/core';
import type { Encoder } from '../api.js';
import { SparseBuilder } from '../sparse-builder/sparse-builder.js';
import { checkImages, checkPositiveInteger } from '../validation/validation.js';

/** Options of periodic (regular-spiking) coding. */
export interface PeriodicOptions {
  /** Number of time steps T (positive integer). */
  readonly numSteps: number;
  /** Period, in time steps, of a value of 1 (the brightest); positive integer, default 1 (fires every step). */
  readonly minPeriod?: number;
  /** Period, in time steps, approached as a value goes to 0; integer ≥ `minPeriod`, default T (fires once, on the last step). */
  readonly maxPeriod?: number;
}

interface ResolvedPeriodic {
  readonly numSteps: number;
  readonly minPeriod: number;
  readonly maxPeriod: number;
}

function resolvePeriodicOptions(options: PeriodicOptions): ResolvedPeriodic {
  if (!options || typeof options !== 'object') {
    throw new ValidationError('missing periodic options', { field: 'options', expected: '{ numSteps, minPeriod?, maxPeriod? }', found: describeValue(options) });
  }
  const numSteps = checkPositiveInteger(options.numSteps, 'numSteps', 'invalid number of time steps');
  const minPeriod = checkPositiveInteger(options.minPeriod ?? 1, 'minPeriod', 'invalid minimum period');
  const maxPeriod = checkPositiveInteger(options.maxPeriod ?? numSteps, 'maxPeriod', 'invalid maximum period');
  if (maxPeriod < minPeriod) {
    throw new ValidationError('maximum period below minimum period', {
      field: 'maxPeriod',
      expected: `an integer >= minPeriod (${minPeriod})`,
      found: String(maxPeriod),
    });
  }
  return { numSteps, minPeriod, maxPeriod };
}

/**
 * Period in steps of value `x` (0 for "never fires"):
 * `P(x) = round(maxPeriod − (maxPeriod − minPeriod) · x)` for `x > 0`.
 */
function period(o: ResolvedPeriodic, x: number): number {
  if (x <= 0) return 0;
  return Math.floor(o.maxPeriod - (o.maxPeriod - o.minPeriod) * x + 0.5);
}

/**
 * Periodic coding: every value fires regularly, with a period that shrinks
 * linearly as the value grows; a value of 0 never fires. Dense output `[B, T, ...]`.
 *
 * @remarks
 * For a value `x > 0` the period in time steps is
 * `P(x) = round(P_max − (P_max − P_min) · x)` (ties rounded up), so `x = 1`
 * gives `P_min` and `x → 0` gives `P_max`. The value spikes at steps
 * `t = k · P − 1` for `k = 1, 2, …` while `t ≤ T − 1`, i.e. when
 * `(t + 1) mod P = 0`: like a non-leaky integrate-and-fire neuron driven by a
 * constant input `1/P` that starts from rest, so the first spike also comes
 * earlier for brighter values. It fires `floor(T / P)` times. With the
 * defaults (`P_min = 1`, `P_max = T`) every non-zero value fires at least
 * once (the faintest ones on the last step) and a value of 1 fires on every
 * step. Deterministic: no random draws; a regular (zero-variance) stand-in
 * for rate coding ({@link rate}), whose spike count `floor(T / P)` grows
 * with the value as the rate code's expected count `T · x` does.
 *
 * @param images - batch `[B, ...]`, values in [0, 1]
 * @param options - `numSteps`, `minPeriod` (default 1), `maxPeriod` (default `numSteps`)
 * @returns spikes `[B, T, ...]`
 * @throws ValidationError for a bad option or a value outside [0, 1]
 * @example
 * ```ts
 * const spikes = periodic(tensor([1, 0.5, 0], [1, 3]), { numSteps: 4, maxPeriod: 3 });
 * // periods 1, 2 (= round(3 − 2·0.5)) and none: the value 0.5 (index 1) fires at t = 1 and t = 3
 * spikes.data[(0 * 4 + 1) * 3 + 1]; // 1
 * ```
 */
export function periodic(images: Tensor, options: PeriodicOptions): Tensor {
  const o = resolvePeriodicOptions(options);
  const { batch, size, imageShape } = checkImages(images);
  const T = o.numSteps;
  const out = new Float32Array(batch * T * size);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < size; i++) {
      const p = period(o, images.data[b * size + i]);
      if (p === 0) continue;
      for (let t = p - 1; t < T; t += p) out[(b * T + t) * size + i] = 1;
    }
  }
  return { data: out, shape: [batch, T, ...imageShape] };
}

/**
 * Periodic coding straight into core `SparseSpikes` (same spikes as {@link periodic}).
 *
 * @param images - batch `[B, ...]`, values in [0, 1]
 * @param options - `numSteps`, `minPeriod` (default 1), `maxPeriod` (default `numSteps`)
 * @returns sparse spike trains with `size` = values per image
 * @throws ValidationError for a bad option or a value outside [0, 1]
 * @example
 * ```ts
 * const s = periodicSparse(tensor([1, 0.5, 0], [1, 3]), { numSteps: 4, maxPeriod: 3 });
 * Array.from(s.indices); // [0, 0, 1, 0, 0, 1]
 * ```
 */
export function periodicSparse(images: Tensor, options: PeriodicOptions): SparseSpikes {
  const o = resolvePeriodicOptions(options);
  const { batch, size } = checkImages(images);
  const T = o.numSteps;
  const periods = new Int32Array(size);
  let expected = 0;
  for (let i = 0; i < images.data.length; i++) {
    const p = period(o, images.data[i]);
    if (p > 0) expected += Math.floor(T / p);
  }
  const builder = new SparseBuilder(batch, T, size, expected);
  const active = new Uint32Array(size);
  for (let b = 0; b < batch; b++) {
    let n = 0;
    for (let i = 0; i < size; i++) {
      const p = period(o, images.data[b * size + i]);
      if (p > 0 && p <= T) {
        active[n] = i;
        periods[n] = p;
        n++;
      }
    }
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < n; k++) if ((t + 1) % periods[k] === 0) builder.push(active[k]);
      builder.endRow();
    }
  }
  return builder.finish();
}

/**
 * Makes a periodic-coding {@link Encoder} with its options checked once.
 *
 * @remarks
 * `encode` is {@link periodic}, `encodeSparse` is {@link periodicSparse};
 * period `P(x) = round(P_max − (P_max − P_min) · x)`, spikes at `t = kP − 1`.
 *
 * @param options - `numSteps`, `minPeriod` (default 1), `maxPeriod` (default `numSteps`)
 * @throws ValidationError for a bad option
 * @example
 * ```ts
 * const encoder = periodicEncoder({ numSteps: 20, maxPeriod: 10 });
 * encoder.encodeSparse(tensor([0.3], [1, 1])).numSteps; // 20
 * ```
 */
export function periodicEncoder(options: PeriodicOptions): Encoder {
  const resolved = resolvePeriodicOptions(options);
  return {
    kind: 'periodic',
    numSteps: resolved.numSteps,
    encode: (images) => periodic(images, resolved),
    encodeSparse: (images) => periodicSparse(images, resolved),
  };
}
