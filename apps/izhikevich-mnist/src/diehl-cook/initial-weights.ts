import { NumericError, ValidationError } from '@snn/core';

/** Largest initial weight accepted: w_max of Diehl & Cook's STDP (`wmax_ee = 1.0`), above which STDP clips. */
export const MAX_INITIAL_WEIGHT = 1;

/**
 * Checks initial weights read from a `.npy` file (`--weights-dir`): every value finite and in
 * [0, {@link MAX_INITIAL_WEIGHT}] (excitatory conductances are not negative and STDP keeps them at
 * most w_max), so a bad file is refused when it is loaded, naming it, rather than failing later at
 * a checkpoint save.
 *
 * @param file - the `.npy` file, for the message
 * @param data - the values, row-major `[nPre, nPost]`
 * @param nPost - columns, to name the entry `[i, j]`
 * @throws NumericError for a NaN or infinite value; ValidationError for a value outside [0, 1]
 */
export function checkInitialWeights(file: string, data: ArrayLike<number>, nPost: number): void {
  for (let k = 0; k < data.length; k++) {
    const w = data[k];
    if (w >= 0 && w <= MAX_INITIAL_WEIGHT) continue;
    const field = `[${Math.floor(k / nPost)}, ${k % nPost}]`;
    const expected = `finite weights in [0, ${MAX_INITIAL_WEIGHT}] (Diehl & Cook's w_max)`;
    if (!Number.isFinite(w)) throw new NumericError('initial weights are not finite', { file, field, expected, found: String(w) });
    throw new ValidationError('initial weight out of range', { file, field, expected, found: String(w) });
  }
}
