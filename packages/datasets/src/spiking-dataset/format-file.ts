import { readFileSync } from 'node:fs';
import { FileFormatError } from '@snn/core';
import { writeFileAtomic } from '@snn/core/node';
import type { SpikingDataset } from './dataset.js';
import { decodeSpikingDataset, encodeSpikingDataset } from './format.js';

/**
 * Writes a dataset to a SpikingDataset file (format in {@link encodeSpikingDataset}), atomically
 * (core's `writeFileAtomic`: temporary file, fsync, rename).
 * @param path - target file; its directory must exist
 * @param dataset - the dataset
 * @throws ValidationError when the dataset breaks an invariant
 * @throws FileFormatError when the file cannot be written
 *
 * @example
 * ```ts
 * await writeSpikingDataset('train.snnspk', ds);
 * readSpikingDataset('train.snnspk').count === ds.count; // true
 * ```
 */
export async function writeSpikingDataset(path: string, dataset: SpikingDataset): Promise<void> {
  await writeFileAtomic(path, encodeSpikingDataset(dataset));
}

/**
 * Reads a SpikingDataset file written by {@link writeSpikingDataset}, checking length, CRC-32 and every invariant.
 * @param path - the file
 * @throws FileFormatError when the file is missing, not a SpikingDataset file, truncated, has trailing bytes, or holds unsorted spikes, an index ≥ input size or a time outside [0, duration]
 * @throws ChecksumError when the CRC-32 differs
 */
export function readSpikingDataset(path: string): SpikingDataset {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(code === 'ENOENT' ? 'file not found' : 'cannot read file', {
      file: path,
      expected: 'a readable SpikingDataset file',
      found: code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
  return decodeSpikingDataset(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
