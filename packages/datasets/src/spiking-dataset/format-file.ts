import { readFileBoundedSync, writeFileAtomic } from '@snn/core/node';
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
  return decodeSpikingDataset(readFileBoundedSync(path, { expected: 'a SpikingDataset file' }), path);
}
