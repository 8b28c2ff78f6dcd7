import { type AtomicWriteOptions, writeFileAtomic } from './atomic.js';
import type { NdArray, ReadOptions } from './nd-array.js';
import { readFileBounded } from './read-file.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsContent } from './safetensors.js';

/**
 * Writes tensors to a safetensors file atomically (see `writeFileAtomic`).
 *
 * @param path - the file to write (replaced if it exists)
 * @param tensors - tensors by name
 * @param metadata - strings stored under `__metadata__`
 * @param options - a hook for crash tests
 */
export async function saveSafetensors(
  path: string,
  tensors: Readonly<Record<string, NdArray>>,
  metadata: Readonly<Record<string, string>> = {},
  options: AtomicWriteOptions = {},
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata), options);
}

/**
 * Reads a safetensors file (see `decodeSafetensors`).
 *
 * @param path - the file to read
 * @param options - how to return 64-bit floats
 * @throws `FileFormatError` naming the file when it is missing or invalid
 */
export async function loadSafetensors(path: string, options: ReadOptions = {}): Promise<SafetensorsContent> {
  return decodeSafetensors(await readFileBounded(path, { expected: 'a safetensors file' }), path, options);
}
