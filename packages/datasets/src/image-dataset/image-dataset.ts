import { type Tensor, ValidationError } from '@snn/core';
import type { ImageDataset } from '../api.js';

/** Checks that every index is an integer in [0, count). */
function checkIndices(indices: ArrayLike<number>, count: number, field: string): void {
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= count) {
      throw new ValidationError('index out of range', {
        field: `${field}[${k}]`,
        expected: `an integer in [0, ${count - 1}]`,
        found: String(i),
      });
    }
  }
}

/**
 * The images of a dataset as a float tensor `[n, rows * cols]` with pixels scaled to [0, 1] (value / 255).
 *
 * @param dataset - the images
 * @param indices - which images, in this order (default: all, in dataset order)
 * @returns a tensor of shape `[indices.length, rows * cols]`
 * @throws ValidationError when an index is outside [0, count)
 *
 * @example
 * ```ts
 * const test = loadMnist({ split: 'test' });
 * const x = imagesToTensor(test, [0, 1, 2]); // shape [3, 784], values in [0, 1]
 * ```
 */
export function imagesToTensor(dataset: ImageDataset, indices?: ArrayLike<number>): Tensor {
  const size = dataset.rows * dataset.cols;
  const n = indices ? indices.length : dataset.count;
  if (indices) checkIndices(indices, dataset.count, 'indices');
  const data = new Float32Array(n * size);
  const scale = 1 / 255;
  const src = dataset.images;
  for (let k = 0; k < n; k++) {
    const from = (indices ? indices[k] : k) * size;
    const to = k * size;
    for (let p = 0; p < size; p++) data[to + p] = src[from + p] * scale;
  }
  return { data, shape: [n, size] };
}

/**
 * A new dataset holding copies of the selected images and labels, in the order given.
 * @param dataset - the source
 * @param indices - which images, in this order (repeats allowed)
 * @throws ValidationError when an index is outside [0, count)
 */
export function subsetDataset(dataset: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  checkIndices(indices, dataset.count, 'indices');
  const size = dataset.rows * dataset.cols;
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    images.set(dataset.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = dataset.labels[i];
  }
  return { images, labels, count: indices.length, rows: dataset.rows, cols: dataset.cols };
}
