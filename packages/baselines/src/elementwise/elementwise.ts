import { type Rng, ValidationError } from '@snn/core';
import { checkArray } from '../conv2d/shape.js';
import { allocLike, type FloatArray } from '../model/float-array.js';

/**
 * ReLU forward pass: `y = max(x, 0)`.
 *
 * @param x - inputs, any shape
 * @returns a new array (same precision as x)
 * @example
 * ```ts
 * reluForward(Float32Array.of(-1, 2)); // [0, 2]
 * ```
 */
export function reluForward<T extends FloatArray>(x: T): T {
  const y = allocLike(x, x.length);
  for (let i = 0; i < x.length; i++) y[i] = Math.max(x[i], 0);
  return y;
}

/**
 * ReLU backward pass: `dL/dx = dL/dy · [y > 0]` (the derivative at 0 taken as 0, as PyTorch).
 *
 * @param gradOutput - dL/dy
 * @param y - the forward pass's output (or input: the sign test is the same)
 * @returns dL/dx (same precision as gradOutput)
 * @throws `ShapeError` when the arrays differ in length
 */
export function reluBackward<T extends FloatArray>(gradOutput: T, y: FloatArray): T {
  checkArray('reluBackward', 'y', y, gradOutput.length, 'the length of gradOutput');
  const dx = allocLike(gradOutput, gradOutput.length);
  for (let i = 0; i < dx.length; i++) dx[i] = y[i] > 0 ? gradOutput[i] : 0;
  return dx;
}

/**
 * Inverted dropout forward pass (training): each value is kept with probability 1 − p and scaled by 1/(1 − p).
 *
 * @remarks
 * `mask_i = u_i < p ? 0 : 1/(1 − p)` with one `u_i = rng.uniform()` per
 * value, in order; `y = x ⊙ mask`, so evaluation needs no rescaling
 * (Srivastava et al., 2014, "Dropout", JMLR 15). With p = 0 the mask is all
 * ones and no random number is drawn.
 *
 * @param x - inputs, any shape
 * @param p - drop probability, in [0, 1)
 * @param rng - seeded generator (from `@snn/core`)
 * @returns the output and the mask (for {@link dropoutBackward})
 * @throws `ValidationError` for p outside [0, 1)
 * @example
 * ```ts
 * const { y, mask } = dropoutForward(Float32Array.of(1, 1, 1, 1), 0.5, new Rng(0)); // y values are 0 or 2
 * ```
 */
export function dropoutForward<T extends FloatArray>(x: T, p: number, rng: Rng): {
  /** The output x ⊙ mask. */
  y: T;
  /** 0 or 1/(1 − p) per value. */
  mask: Float32Array;
} {
  if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
    throw new ValidationError('invalid option', { field: 'dropoutForward.p', expected: 'a number in [0, 1)', found: String(p) });
  }
  const mask = new Float32Array(x.length);
  const y = allocLike(x, x.length);
  if (p === 0) {
    mask.fill(1);
    y.set(x);
    return { y, mask };
  }
  const keep = 1 / (1 - p);
  for (let i = 0; i < x.length; i++) {
    const m = rng.uniform() < p ? 0 : keep;
    mask[i] = m;
    y[i] = x[i] * m;
  }
  return { y, mask };
}

/**
 * Inverted dropout backward pass: `dL/dx = dL/dy ⊙ mask`.
 *
 * @param gradOutput - dL/dy
 * @param mask - from {@link dropoutForward}
 * @returns dL/dx (same precision as gradOutput)
 * @throws `ShapeError` when the arrays differ in length
 */
export function dropoutBackward<T extends FloatArray>(gradOutput: T, mask: Float32Array): T {
  checkArray('dropoutBackward', 'mask', mask, gradOutput.length, 'the length of gradOutput');
  const dx = allocLike(gradOutput, gradOutput.length);
  for (let i = 0; i < dx.length; i++) dx[i] = gradOutput[i] * mask[i];
  return dx;
}
