import { ShapeError, ValidationError } from '@snn/core';
import { type WeightArray, checkCount, checkWeights } from './validate.js';

/**
 * Scales every column of a `[nRows, nCols]` weight matrix so that it sums to `target`, IN PLACE
 * (the per-example input-weight normalisation of Diehl & Cook 2015, target 78 for 784 inputs).
 *
 * @remarks
 * `w_ij ← w_ij · target / Σ_k w_kj`. A column that sums to 0 is left as it is (the original code would divide
 * by zero). Diehl, P. U. & Cook, M. (2015), Front. Comput. Neurosci. 9:99. Reference of {@link normalizeColumnsKernel}.
 *
 * @param weights - `[nRows, nCols]` row-major, modified in place
 * @param nRows - rows (pre neurons)
 * @param nCols - columns (post neurons)
 * @param target - the column sum after scaling (> 0), e.g. 78
 * @returns `weights`
 * @throws `ShapeError` when the size is not nRows·nCols; `ValidationError` for a target ≤ 0
 * @example
 * ```ts
 * const w = new Float32Array([1, 2, 3, 6]); // [2, 2]
 * normalizeColumns(w, 2, 2, 1); // [0.25, 0.25, 0.75, 0.75]
 * ```
 */
export function normalizeColumns<W extends WeightArray>(weights: W, nRows: number, nCols: number, target: number): W {
  checkCount(nRows, 'nRows');
  checkCount(nCols, 'nCols');
  checkWeights(weights, nRows, nCols);
  if (typeof target !== 'number' || !Number.isFinite(target) || target <= 0) {
    throw new ValidationError('invalid normalisation target', { field: 'target', expected: 'a finite number > 0', found: String(target) });
  }
  const sums = new Float64Array(nCols);
  for (let i = 0; i < nRows; i++) {
    const row = i * nCols;
    for (let j = 0; j < nCols; j++) sums[j] += weights[row + j];
  }
  for (let j = 0; j < nCols; j++) sums[j] = sums[j] > 0 ? target / sums[j] : 1;
  for (let i = 0; i < nRows; i++) {
    const row = i * nCols;
    for (let j = 0; j < nCols; j++) weights[row + j] *= sums[j];
  }
  return weights;
}

/** Checks the arguments shared by {@link normalizeColumnsWithSums} and {@link normalizeSelectedColumns}. */
function checkWithSums(weights: WeightArray, nRows: number, nCols: number, target: number, sums: Float64Array): void {
  checkCount(nRows, 'nRows');
  checkCount(nCols, 'nCols');
  checkWeights(weights, nRows, nCols);
  if (sums.length !== nCols) {
    throw new ShapeError('column sums have the wrong length', { field: 'sums', expected: `${nCols} values`, found: `${sums.length}` });
  }
  if (typeof target !== 'number' || !Number.isFinite(target) || target <= 0) {
    throw new ValidationError('invalid normalisation target', { field: 'target', expected: 'a finite number > 0', found: String(target) });
  }
}

/**
 * {@link normalizeColumns} in one pass, with the current column sums supplied (e.g. tracked by
 * `DiehlCookStdp.trackColumnSums`): scales column j by `target / sums[j]` and writes the new exact column sums back
 * into `sums` during the same pass.
 *
 * @remarks
 * `w_ij ← w_ij · target / sums_j`, then `sums_j ← Σ_i w_ij` (≈ target). Columns with `sums_j ≤ 0` are left as they
 * are. Diehl & Cook (2015), Front. Comput. Neurosci. 9:99.
 *
 * @param weights - `[nRows, nCols]` row-major, modified in place
 * @param nRows - rows
 * @param nCols - columns
 * @param target - column sum after scaling (> 0)
 * @param sums - the current column sums, length nCols; overwritten with the new sums
 * @returns `weights`
 * @throws `ShapeError` for sizes that disagree; `ValidationError` for a target ≤ 0
 * @example
 * ```ts
 * const w = new Float64Array([1, 2, 3, 6]);
 * const sums = new Float64Array([4, 8]);
 * normalizeColumnsWithSums(w, 2, 2, 1, sums); // w = [0.25, 0.25, 0.75, 0.75], sums = [1, 1]
 * ```
 */
export function normalizeColumnsWithSums<W extends WeightArray>(weights: W, nRows: number, nCols: number, target: number, sums: Float64Array): W {
  checkWithSums(weights, nRows, nCols, target, sums);
  const factors = new Float64Array(nCols);
  for (let j = 0; j < nCols; j++) {
    factors[j] = sums[j] > 0 ? target / sums[j] : 1;
    sums[j] = 0;
  }
  for (let i = 0; i < nRows; i++) {
    const row = i * nCols;
    for (let j = 0; j < nCols; j++) {
      weights[row + j] *= factors[j];
      sums[j] += weights[row + j];
    }
  }
  return weights;
}

/**
 * {@link normalizeColumnsWithSums} for the listed columns only: the event-driven form for a rule that changed few
 * columns since the last normalisation (e.g. Diehl & Cook STDP, where only columns of neurons that spiked recently
 * change; `DelayedDiehlCookSynapses.takeChangedColumns` lists them). The other columns keep their sums, so they
 * need no rescaling.
 *
 * @remarks
 * For each listed column j: `w_ij ← w_ij · target / sums_j`, then `sums_j ← Σ_i w_ij` (≈ target); a column with
 * `sums_j ≤ 0` is left as it is. Each listed column gets exactly the arithmetic of {@link normalizeColumnsWithSums}.
 * Diehl & Cook (2015), Front. Comput. Neurosci. 9:99.
 *
 * @param weights - `[nRows, nCols]` row-major, modified in place
 * @param nRows - rows
 * @param nCols - columns
 * @param target - column sum after scaling (> 0)
 * @param sums - the current column sums, length nCols; the listed entries are overwritten with the new sums
 * @param columns - column indices (each in [0, nCols)); `columns[0 .. count)` are used
 * @param count - how many entries of `columns` to use
 * @returns `weights`
 * @throws `ShapeError` for sizes that disagree; `ValidationError` for a target ≤ 0 or a column out of range
 * @example
 * ```ts
 * const w = new Float64Array([1, 2, 3, 6]);
 * const sums = new Float64Array([4, 8]);
 * normalizeSelectedColumns(w, 2, 2, 1, sums, Int32Array.of(1), 1); // w = [1, 0.25, 3, 0.75], sums = [4, 1]
 * ```
 */
export function normalizeSelectedColumns<W extends WeightArray>(
  weights: W,
  nRows: number,
  nCols: number,
  target: number,
  sums: Float64Array,
  columns: ArrayLike<number>,
  count: number,
): W {
  checkWithSums(weights, nRows, nCols, target, sums);
  if (!Number.isInteger(count) || count < 0 || count > columns.length) {
    throw new ValidationError('invalid column count', { field: 'count', expected: `an integer in [0, ${columns.length}]`, found: String(count) });
  }
  for (let e = 0; e < count; e++) {
    const j = columns[e];
    if (!Number.isInteger(j) || j < 0 || j >= nCols) {
      throw new ValidationError('column index out of range', { field: `columns[${e}]`, expected: `an integer in [0, ${nCols})`, found: String(j) });
    }
    const factor = sums[j] > 0 ? target / sums[j] : 1;
    let sum = 0;
    for (let k = j; k < weights.length; k += nCols) {
      weights[k] *= factor;
      sum += weights[k];
    }
    sums[j] = sum;
  }
  return weights;
}
