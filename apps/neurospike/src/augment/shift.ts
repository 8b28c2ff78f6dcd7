import { type Rng, ValidationError, type Tensor } from '@snn/core';

/**
 * Shifts every image of a batch by a random whole number of pixels (data augmentation).
 *
 * @remarks
 * For each image in order, `dx` then `dy` are drawn uniformly from `{−maxShift, …, maxShift}`
 * (`rng.int(2·maxShift + 1) − maxShift`) and the image is moved right by `dx` and down by `dy`;
 * pixels moved in from outside are 0 (MNIST's background). With a generator seeded from
 * `(seed, epoch)` the shifts of an epoch are reproducible. `maxShift = 0` returns the batch
 * unchanged and draws nothing.
 *
 * @param images - `[B, side·side]` values (row-major square images)
 * @param side - image side in pixels (28 for MNIST)
 * @param maxShift - largest shift in pixels (non-negative integer)
 * @param rng - the draws
 * @returns a new tensor of the same shape (or `images` itself when `maxShift` is 0)
 * @throws `ValidationError` for a negative or fractional `maxShift`, or images that are not `side × side`
 */
export function shiftImages(images: Tensor, side: number, maxShift: number, rng: Rng): Tensor {
  if (!Number.isInteger(maxShift) || maxShift < 0) {
    throw new ValidationError('invalid shift', { field: 'training.augment_shift', expected: 'a non-negative integer', found: String(maxShift) });
  }
  const size = side * side;
  if (images.data.length % size !== 0) {
    throw new ValidationError('images are not square of the given side', { field: 'images', expected: `a multiple of ${size} values`, found: String(images.data.length) });
  }
  if (maxShift === 0) return images;
  const batch = images.data.length / size;
  const out = new Float32Array(images.data.length);
  for (let b = 0; b < batch; b++) {
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    const src = b * size;
    for (let y = 0; y < side; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= side) continue;
      for (let x = 0; x < side; x++) {
        const sx = x - dx;
        if (sx >= 0 && sx < side) out[src + y * side + x] = images.data[src + sy * side + sx];
      }
    }
  }
  return { data: out, shape: [...images.shape] };
}
