import { writeFileAtomic } from '../atomic.js';
import { readFileBounded } from '../read-file.js';
import { decodeNpyObject, encodeNpyObject } from './numpy.js';
import type { PickleValue } from './values.js';

/**
 * Reads a `.npy` file holding a pickled object (see `decodeNpyObject`).
 * @param path - the file
 * @throws `FileFormatError` when the file is missing or not such a file
 * @throws `PickleError` when the pickle holds anything outside the NumPy data subset
 */
export async function loadNpyObject(path: string): Promise<PickleValue> {
  return decodeNpyObject(await readFileBounded(path, { expected: 'a .npy file holding a pickled object' }), path);
}

/**
 * Writes `encodeNpyObject` of a value to a file atomically.
 * @param path - target file
 * @param value - the value
 */
export async function saveNpyObject(path: string, value: PickleValue): Promise<void> {
  await writeFileAtomic(path, encodeNpyObject(value));
}
