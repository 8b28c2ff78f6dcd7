import { ValidationError } from '@snn/core';
import { checkFiniteAt, checkLabel, checkLossShapes } from './check.js';

/** Options of {@link mseCountLoss}; the defaults are snnTorch's. */
export interface MseCountLossOptions {
  /** Number of simulation steps T over which the counts were summed (positive integer). */
  readonly numSteps: number;
  /** Target firing rate of the true class, in [0, 1]: its target count is ⌊T·correctRate⌋. Default 1. */
  readonly correctRate?: number;
  /** Target firing rate of the other classes, in [0, 1]: their target count is ⌊T·incorrectRate⌋. Default 0. */
  readonly incorrectRate?: number;
}

/**
 * Mean squared error between output spike counts and target counts, as snnTorch's `functional.mse_count_loss`.
 *
 * @remarks
 * For counts n of shape `[batch, classes]` (spikes summed over T steps) and labels y:
 *
 * ```
 * target_bc = ⌊T·correctRate⌋ if c = y_b, else ⌊T·incorrectRate⌋     (Python int(): truncation)
 * L = (1/(B·C)) Σ_bc (n_bc − target_bc)² / T
 * ∂L/∂n_bc = 2 (n_bc − target_bc) / (B·C·T)
 * ```
 *
 * The reduction is snnTorch's: `nn.MSELoss()` (mean over all B·C elements)
 * of the counts, then divided by `num_steps`. The targets come from
 * `spikegen.targets_convert` with `on_target = int(T·correct_rate)`. The
 * loss is from SLAYER (Shrestha & Orchard, 2018, "SLAYER: Spike Layer Error
 * Reassignment in Time", NeurIPS), as adopted by snnTorch (Eshraghian et
 * al., 2023, Proc. IEEE).
 *
 * @param counts - spike counts per example and class, `[batch, classes]` row-major
 * @param labels - class index per example, integers in [0, classes)
 * @param batch - number of examples B
 * @param classes - number of output classes C
 * @param opts - T and the target rates; see {@link MseCountLossOptions}
 * @param gradOut - when given (length B·C), receives ∂L/∂n (overwritten)
 * @returns the loss (spikes² per step)
 * @throws `ShapeError` for lengths that do not match; `ValidationError` for bad options or labels;
 *   `NumericError` naming a NaN or infinite count
 * @example
 * ```ts
 * // T = 10, counts [8, 1] for true class 0: targets [10, 0]
 * mseCountLoss(new Float32Array([8, 1]), [0], 1, 2, { numSteps: 10 }); // (4 + 1) / 2 / 10 = 0.25
 * ```
 */
export function mseCountLoss(
  counts: Float32Array,
  labels: ArrayLike<number>,
  batch: number,
  classes: number,
  opts: MseCountLossOptions,
  gradOut?: Float32Array,
): number {
  const owner = 'mseCountLoss';
  checkLossShapes(owner, counts, 'counts', labels, batch, classes, gradOut);
  const numSteps = opts?.numSteps;
  if (typeof numSteps !== 'number' || !Number.isInteger(numSteps) || numSteps <= 0) {
    throw new ValidationError('invalid option', { field: `${owner}.numSteps`, expected: 'a positive integer', found: String(numSteps) });
  }
  const correctRate = checkRate(opts.correctRate ?? 1, `${owner}.correctRate`);
  const incorrectRate = checkRate(opts.incorrectRate ?? 0, `${owner}.incorrectRate`);
  const onTarget = Math.trunc(numSteps * correctRate);
  const offTarget = Math.trunc(numSteps * incorrectRate);
  const n = batch * classes;
  const gradFactor = 2 / (n * numSteps);
  let sum = 0;
  for (let b = 0; b < batch; b++) {
    const y = checkLabel(owner, labels, b, classes);
    const row = b * classes;
    for (let c = 0; c < classes; c++) {
      const count = counts[row + c];
      checkFiniteAt(owner, 'counts', count, row + c);
      const diff = count - (c === y ? onTarget : offTarget);
      sum += diff * diff;
      if (gradOut) gradOut[row + c] = diff * gradFactor;
    }
  }
  return sum / n / numSteps;
}

function checkRate(value: unknown, field: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new ValidationError('invalid option', { field, expected: 'a number in [0, 1]', found: String(value) });
  }
  return value;
}
