import { join } from 'node:path';
import { saveNpy } from '@snn/core/node';
import type { ReadoutResult } from '../network/readout.js';

/**
 * Name of the predictions file of a readout: `y_pred_<features>.npy` for the linear SVM (the seed's
 * `y_pred_max.npy` / `y_pred_sum.npy`), `y_pred_rbf_<features>.npy` for the RBF SVM.
 */
export function predictionFile(readout: 'linear' | 'rbf', features: string): string {
  return readout === 'linear' ? `y_pred_${features}.npy` : `y_pred_rbf_${features}.npy`;
}

/** Saves a readout's test predictions (int32) into the run directory. */
export async function saveReadout(dir: string, r: ReadoutResult): Promise<void> {
  await saveNpy(join(dir, predictionFile(r.readout, r.features)), { data: r.predicted, shape: [r.predicted.length] });
}
