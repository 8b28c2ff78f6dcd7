import { type Rng, tensor } from '@snn/core';
import { rate } from '@snn/encoding';

/**
 * Rate-codes images (bytes 0..255, 784 per image) into time-major spikes
 * `[T·B, pixels]` (row `t·B + b`), each pixel firing with probability
 * `value / 255` per step (`rate` of @snn/encoding).
 */
export function encodeImages(images: Uint8Array | Float32Array, pixels: number, steps: number, rng: Rng): Float32Array {
  const batch = images.length / pixels;
  const scaled = new Float32Array(images.length);
  const scale = images instanceof Uint8Array ? 1 / 255 : 1;
  for (let i = 0; i < images.length; i++) scaled[i] = Math.min(1, images[i] * scale);
  const spikes = rate(tensor(scaled, [batch, pixels]), { numSteps: steps, rng }).data; // [B, T, pixels]
  const out = new Float32Array(spikes.length);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) out.set(spikes.subarray((b * steps + t) * pixels, (b * steps + t + 1) * pixels), (t * batch + b) * pixels);
  }
  return out;
}

/** Images `indices` of a dataset, back to back. */
export function gather(images: Uint8Array, pixels: number, indices: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(indices.length * pixels);
  for (let k = 0; k < indices.length; k++) out.set(images.subarray(indices[k] * pixels, (indices[k] + 1) * pixels), k * pixels);
  return out;
}
