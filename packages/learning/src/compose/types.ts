import type { SparseSpikes } from '@snn/core';
import type { Parameter } from '../optim/parameter.js';

/** The float arrays the composition engine computes in: float32 for training, float64 for checks ({@link gradCheck}). */
export type FloatArray = Float32Array | Float64Array;

/**
 * A sequence of tensors over time, time-major: `data[t, b, ...shape]` for T
 * steps and B samples, like snnTorch's `spk_rec` (`[T, B, ...]`).
 */
export interface Seq {
  /** Values, row-major `[steps, batch, ...shape]`. */
  readonly data: FloatArray;
  /** Number of time steps T. */
  readonly steps: number;
  /** Number of samples B. */
  readonly batch: number;
  /** Shape of one sample at one step, e.g. `[784]` or `[1, 28, 28]`. */
  readonly shape: readonly number[];
  /** True when every value is 0 or 1 (spikes): the next layer may group them into runs without checking. */
  readonly binary?: boolean;
  /**
   * The same spikes as batch-major CSR rows `b·T + t` (the network's sparse
   * input), for a first layer that reads events directly; `data` is then
   * built only when a layer reads it.
   */
  readonly events?: SparseSpikes;
  /**
   * The same spikes as bit masks (a neuron layer's kernel output), for a next
   * layer that reads events directly; `data` is then built only when a layer
   * reads it.
   */
  readonly bits?: SpikeBits;
}

/**
 * Spikes of a sequence `[T, B, size]` as bit masks over time: bit `t mod 32`
 * of `words[offset + ⌊t/32⌋·stride + b·size + i]` is set when feature i of
 * sample b is on at step t (bits at or after T are 0). The words may live in
 * a layer's WebAssembly memory: valid until that layer's next forward.
 */
export interface SpikeBits {
  /** The masks. */
  readonly words: Int32Array;
  /** Index of word 0 of sample 0. */
  readonly offset: number;
  /** Distance between the words of steps t and t + 32 (at least B·size). */
  readonly stride: number;
}

/**
 * The spike non-linearity a neuron fires with: Heaviside forward, a
 * surrogate derivative backward (snnTorch's `spike_grad`).
 *
 * @remarks
 * {@link gradCheck} hands neurons a smooth `spike` whose true derivative is
 * `derivative`, so that central differences can check a VJP.
 */
export interface SpikeFunction {
  /** S = spike(U − θ): 1 for x > 0 else 0 in training. */
  spike(x: number): number;
  /** dS/dx used by the backward pass. */
  derivative(x: number): number;
}

/** A layer's parameter or buffer as it appears in a state dict. */
export interface NamedTensor {
  /** Full name, e.g. `fc1.weight`. */
  readonly name: string;
  /** PyTorch shape, e.g. `[out, in]` for a linear weight; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** The values in PyTorch's layout. */
  readonly value: Float32Array;
  /** True for a trainable parameter (in `parameters()`), false for a buffer (e.g. snnTorch's `beta`). */
  readonly trainable: boolean;
  /** Saved as an integer tensor (I32), e.g. snnTorch's `reset_mechanism_val`. */
  readonly integer?: boolean;
}

/** Number of values of one sample at one step. */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `[a, b, c]` for messages. */
export function showShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** A new array of the same kind as `like`. */
export function newLike(like: FloatArray, length: number): FloatArray {
  return like instanceof Float64Array ? new Float64Array(length) : new Float32Array(length);
}

export type { Parameter };
