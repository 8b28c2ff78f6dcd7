import { ValidationError } from '@snn/core';
import { checkArray } from '../conv2d/shape.js';
import { allocLike, type FloatArray } from '../model/float-array.js';

/** Sizes of a 2×2 max-pool call over NCHW data. */
export interface MaxPoolShape {
  /** Number of examples N. */
  readonly batch: number;
  /** Channels C. */
  readonly channels: number;
  /** Input height H, in pixels (≥ 2). */
  readonly height: number;
  /** Input width W, in pixels (≥ 2). */
  readonly width: number;
}

/**
 * Output height and width of the 2×2, stride-2 max pool: `⌊H/2⌋` and `⌊W/2⌋` (a last odd row or column is dropped, as in PyTorch).
 *
 * @param shape - the input's sizes
 * @throws `ValidationError` for a size that is not a positive integer or an image smaller than 2×2
 */
export function maxPool2dOutputSize(shape: MaxPoolShape): [number, number] {
  for (const key of ['batch', 'channels', 'height', 'width'] as const) {
    const v = shape?.[key];
    if (!Number.isInteger(v) || v <= 0 || ((key === 'height' || key === 'width') && v < 2)) {
      throw new ValidationError('invalid size', { field: `maxPool2d.${key}`, expected: key === 'height' || key === 'width' ? 'an integer ≥ 2' : 'a positive integer', found: String(v) });
    }
  }
  return [Math.floor(shape.height / 2), Math.floor(shape.width / 2)];
}

/**
 * 2×2 max pooling with stride 2 (PyTorch's `nn.MaxPool2d(2)`): forward pass, keeping where each maximum was.
 *
 * @remarks
 * `y[n][c][i][j] = max(x[n][c][2i][2j], x[n][c][2i][2j+1], x[n][c][2i+1][2j], x[n][c][2i+1][2j+1])`;
 * on ties the first in that order wins. `argmax` holds the flat input index
 * of each maximum, which routes the gradient in {@link maxPool2dBackward}.
 *
 * @param x - inputs, `[N, C, H, W]`
 * @param shape - sizes; see {@link MaxPoolShape}
 * @returns `y` `[N, C, ⌊H/2⌋, ⌊W/2⌋]` (same precision as x) and `argmax` (same length)
 * @throws `ShapeError` when `x` does not match the shape; `ValidationError` for a bad size
 * @example
 * ```ts
 * maxPool2dForward(Float32Array.of(1, 5, 3, 2), { batch: 1, channels: 1, height: 2, width: 2 }); // y = [5], argmax = [1]
 * ```
 */
export function maxPool2dForward<T extends FloatArray>(x: T, shape: MaxPoolShape): {
  /** The pooled output, `[N, C, ⌊H/2⌋, ⌊W/2⌋]`. */
  y: T;
  /** Flat input index of each output's maximum. */
  argmax: Int32Array;
} {
  const [oh, ow] = maxPool2dOutputSize(shape);
  const { batch, channels: ch, height: h, width: w } = shape;
  checkArray('maxPool2dForward', 'x', x, batch * ch * h * w, `${batch} × ${ch} × ${h} × ${w}`);
  const y = allocLike(x, batch * ch * oh * ow);
  const argmax = new Int32Array(y.length);
  let o = 0;
  for (let plane = 0; plane < batch * ch; plane++) {
    const base = plane * h * w;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++, o++) {
        const corner = base + 2 * i * w + 2 * j;
        let best = corner;
        if (x[corner + 1] > x[best]) best = corner + 1;
        if (x[corner + w] > x[best]) best = corner + w;
        if (x[corner + w + 1] > x[best]) best = corner + w + 1;
        y[o] = x[best];
        argmax[o] = best;
      }
    }
  }
  return { y, argmax };
}

/**
 * 2×2 max pooling backward pass: each output gradient goes to the input that was the maximum.
 *
 * @param gradOutput - dL/dy, `[N, C, ⌊H/2⌋, ⌊W/2⌋]`
 * @param argmax - from {@link maxPool2dForward}
 * @param inputLength - number of input values N·C·H·W
 * @returns dL/dx, `[N, C, H, W]` (zeros except at the maxima; same precision as gradOutput)
 * @throws `ShapeError` when `argmax` and `gradOutput` differ in length
 */
export function maxPool2dBackward<T extends FloatArray>(gradOutput: T, argmax: Int32Array, inputLength: number): T {
  checkArray('maxPool2dBackward', 'argmax', argmax, gradOutput.length, 'one index per output');
  const dx = allocLike(gradOutput, inputLength);
  for (let o = 0; o < gradOutput.length; o++) dx[argmax[o]] += gradOutput[o];
  return dx;
}
