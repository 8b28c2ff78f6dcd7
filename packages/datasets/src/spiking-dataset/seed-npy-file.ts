import { readFileBoundedSync, writeFileAtomic } from '@snn/core/node';
import type { SpikingDataset } from './dataset.js';
import { decodeSpikingDataset } from './format.js';
import { decodeSeedSpikingDataset, encodeSeedSpikingDataset } from './seed-npy.js';

/**
 * Reads a spiking dataset file in either format: a SpikeNN `.npy` (magic `\x93NUMPY`) or this project's
 * SpikingDataset file (magic `SNNSPK1\0`).
 * @param path - the file
 * @throws FileFormatError when the file is missing, of neither format, or invalid
 */
export function readAnySpikingDataset(path: string): SpikingDataset {
  const view = readFileBoundedSync(path, { expected: 'a SpikeNN .npy or SpikingDataset file' });
  if (view[0] === 0x93) return decodeSeedSpikingDataset(view, path);
  return decodeSpikingDataset(view, path);
}

/**
 * Writes a dataset as a SpikeNN `.npy` file, atomically.
 * @param path - target file
 * @param dataset - the dataset
 */
export async function writeSeedSpikingDataset(path: string, dataset: SpikingDataset): Promise<void> {
  await writeFileAtomic(path, encodeSeedSpikingDataset(dataset));
}
