import { readFile } from 'node:fs/promises';
import { FileFormatError } from '../../errors/errors.js';
import { writeFileAtomic } from '../atomic.js';
import { decodeNpyObject, encodeNpyObject } from './numpy.js';
import type { PickleValue } from './values.js';

/**
 * Reads a `.npy` file holding a pickled object (see `decodeNpyObject`).
 * @param path - the file
 * @throws `FileFormatError` when the file is missing or not such a file
 * @throws `PickleError` when the pickle holds anything outside the NumPy data subset
 */
export async function loadNpyObject(path: string): Promise<PickleValue> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? (error as Error).message})`, { file: path, cause: error });
  }
  return decodeNpyObject(bytes, path);
}

/**
 * Writes `encodeNpyObject` of a value to a file atomically.
 * @param path - target file
 * @param value - the value
 */
export async function saveNpyObject(path: string, value: PickleValue): Promise<void> {
  await writeFileAtomic(path, encodeNpyObject(value));
}
