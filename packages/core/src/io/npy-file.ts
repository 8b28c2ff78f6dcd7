import { writeFileAtomic } from './atomic.js';
import type { NdArray, ReadOptions } from './nd-array.js';
import { decodeNpy, encodeNpy, type NpyArray } from './npy.js';
import { readFileBounded } from './read-file.js';

/**
 * Writes an array to a `.npy` file atomically (see `writeFileAtomic`).
 *
 * @param path - the file to write (replaced if it exists)
 * @param array - a `Tensor` or any `NdArray`
 * @throws `ShapeError` when the data length does not match the shape
 * @throws `FileFormatError` when the file cannot be written
 */
export async function saveNpy(path: string, array: NdArray): Promise<void> {
  await writeFileAtomic(path, encodeNpy(array));
}

/**
 * Reads a `.npy` file (see `decodeNpy`).
 *
 * @param path - the file to read
 * @param options - how to return 64-bit floats
 * @throws `FileFormatError` naming the file when it is missing or not a valid `.npy` file
 */
export async function loadNpy(path: string, options: ReadOptions = {}): Promise<NpyArray> {
  return decodeNpy(await readFileBounded(path, { expected: 'a .npy file' }), path, options);
}
