import type { SparseSpikes, Tensor } from '@snn/core';

/** The encoders this package provides, as named in {@link Encoder.kind}. */
export type EncoderKind = 'rate' | 'latency' | 'periodic';

/**
 * An image-to-spike encoder with its options bound, so that it can be passed
 * around and swapped (e.g. chosen from a config file).
 *
 * @remarks
 * Made by the factories {@link rateEncoder}, {@link latencyEncoder} and
 * {@link periodicEncoder}, which check the options once. `encode` and
 * `encodeSparse` give the same spikes for the same input (and, for rate
 * coding, the same state of the injected random generator).
 */
export interface Encoder {
  /** Which encoding this is. */
  readonly kind: EncoderKind;
  /** Number of time steps T of every spike train it makes. */
  readonly numSteps: number;
  /**
   * Encodes a batch of images `[B, ...]` with values in [0, 1] into a dense
   * 0/1 tensor `[B, T, ...]`.
   */
  encode(images: Tensor): Tensor;
  /**
   * Encodes a batch of images `[B, ...]` with values in [0, 1] into sparse
   * spike trains (`size` = number of values per image), without building the
   * dense tensor.
   */
  encodeSparse(images: Tensor): SparseSpikes;
}
