import { ShapeError, ValidationError } from '@snn/core';

/** Sizes of a 2-D convolution with valid padding and stride 1 over NCHW inputs. */
export interface Conv2dShape {
  /** Number of examples N. */
  readonly batch: number;
  /** Input channels C_in. */
  readonly inChannels: number;
  /** Input height H, in pixels. */
  readonly height: number;
  /** Input width W, in pixels. */
  readonly width: number;
  /** Output channels C_out (filters). */
  readonly outChannels: number;
  /** Side K of the square kernel, in pixels (≤ height and ≤ width). */
  readonly kernelSize: number;
}

/**
 * Output height and width of a valid (unpadded), stride-1 convolution: `H − K + 1` and `W − K + 1`.
 *
 * @param shape - the convolution's sizes
 * @returns `[outHeight, outWidth]`
 * @throws `ValidationError` for a size that is not a positive integer or a kernel larger than the image
 * @example
 * ```ts
 * conv2dOutputSize({ batch: 1, inChannels: 1, height: 28, width: 28, outChannels: 32, kernelSize: 3 }); // [26, 26]
 * ```
 */
export function conv2dOutputSize(shape: Conv2dShape): [number, number] {
  for (const key of ['batch', 'inChannels', 'height', 'width', 'outChannels', 'kernelSize'] as const) {
    const v = shape?.[key];
    if (!Number.isInteger(v) || v <= 0) {
      throw new ValidationError('invalid size', { field: `conv2d.${key}`, expected: 'a positive integer', found: String(v) });
    }
  }
  if (shape.kernelSize > shape.height || shape.kernelSize > shape.width) {
    throw new ValidationError('kernel larger than the image', {
      field: 'conv2d.kernelSize',
      expected: `≤ ${Math.min(shape.height, shape.width)}`,
      found: String(shape.kernelSize),
    });
  }
  return [shape.height - shape.kernelSize + 1, shape.width - shape.kernelSize + 1];
}

/** Throws a ShapeError unless `a.length === n`. */
export function checkArray(owner: string, name: string, a: ArrayLike<number>, n: number, what: string): void {
  if (a.length !== n) {
    throw new ShapeError(`${name} has the wrong length`, { field: `${owner}.${name}`, expected: `${n} (${what})`, found: `${a.length}` });
  }
}

/** Checks x, weight and bias of a convolution call against its shape; returns the output size. */
export function checkConv2d(owner: string, shape: Conv2dShape, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>): [number, number] {
  const out = conv2dOutputSize(shape);
  const { batch, inChannels: ci, height: h, width: w, outChannels: co, kernelSize: k } = shape;
  checkArray(owner, 'x', x, batch * ci * h * w, `${batch} × ${ci} × ${h} × ${w}`);
  checkArray(owner, 'weight', weight, co * ci * k * k, `${co} × ${ci} × ${k} × ${k}`);
  checkArray(owner, 'bias', bias, co, `${co}`);
  return out;
}
