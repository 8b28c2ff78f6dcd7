import { ValidationError, describeValue } from '@snn/core';

/** Geometry and threshold of a convolutional integrate-and-fire layer (input `[C, H, W]`, square filters). */
export interface ConvIfParams {
  /** Input channels C_in. */
  readonly inChannels: number;
  /** Input height H_in, in pixels. */
  readonly inHeight: number;
  /** Input width W_in, in pixels. */
  readonly inWidth: number;
  /** Output channels (feature maps) C_out. */
  readonly outChannels: number;
  /** Filter side K, in pixels. */
  readonly kernelSize: number;
  /** Zero padding P on every side, in pixels. */
  readonly padding: number;
  /** Stride S, in pixels. */
  readonly stride: number;
  /** Firing threshold θ (> 0, in units of summed weights): a neuron fires when its potential V > θ. */
  readonly threshold: number;
  /** Output height `⌊(H_in + 2P − K)/S⌋ + 1`. */
  readonly outHeight: number;
  /** Output width `⌊(W_in + 2P − K)/S⌋ + 1`. */
  readonly outWidth: number;
}

/** Input of {@link convIfParams}: everything but the derived output size; padding 0 and stride 1 by default. */
export type ConvIfParamsInput = Omit<ConvIfParams, 'outHeight' | 'outWidth' | 'padding' | 'stride'> & {
  /** Zero padding in pixels (integer ≥ 0); default 0. */
  readonly padding?: number;
  /** Stride in pixels (integer ≥ 1); default 1. */
  readonly stride?: number;
};

function integer(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ValidationError(`${field} must be an integer >= ${min}`, { field, expected: `an integer >= ${min}`, found: describeValue(value) });
  }
  return value;
}

/**
 * Checks the geometry of a convolutional IF layer and derives its output size.
 *
 * @param input - see {@link ConvIfParamsInput}
 * @param prefix - field name prefix for error messages (e.g. `"conv1"`)
 * @throws `ValidationError` naming the field when a size is not a positive integer, the threshold is ≤ 0, or
 *   the filter does not fit the padded input
 * @example
 * ```ts
 * const conv1 = convIfParams({ inChannels: 2, inHeight: 28, inWidth: 28, outChannels: 30, kernelSize: 5, padding: 2, threshold: 15 });
 * conv1.outHeight; // 28
 * ```
 */
export function convIfParams(input: ConvIfParamsInput, prefix = 'conv'): ConvIfParams {
  const inChannels = integer(input.inChannels, `${prefix}.inChannels`, 1);
  const inHeight = integer(input.inHeight, `${prefix}.inHeight`, 1);
  const inWidth = integer(input.inWidth, `${prefix}.inWidth`, 1);
  const outChannels = integer(input.outChannels, `${prefix}.outChannels`, 1);
  const kernelSize = integer(input.kernelSize, `${prefix}.kernelSize`, 1);
  const padding = integer(input.padding ?? 0, `${prefix}.padding`, 0);
  const stride = integer(input.stride ?? 1, `${prefix}.stride`, 1);
  const threshold = input.threshold;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold <= 0) {
    throw new ValidationError('firing threshold must be > 0', { field: `${prefix}.threshold`, expected: 'a finite number > 0', found: describeValue(threshold) });
  }
  if (kernelSize > inHeight + 2 * padding || kernelSize > inWidth + 2 * padding) {
    throw new ValidationError('filter is larger than the padded input', {
      field: `${prefix}.kernelSize`,
      expected: `at most ${Math.min(inHeight, inWidth) + 2 * padding}`,
      found: `${kernelSize}`,
    });
  }
  const outHeight = Math.floor((inHeight + 2 * padding - kernelSize) / stride) + 1;
  const outWidth = Math.floor((inWidth + 2 * padding - kernelSize) / stride) + 1;
  return { inChannels, inHeight, inWidth, outChannels, kernelSize, padding, stride, threshold, outHeight, outWidth };
}
