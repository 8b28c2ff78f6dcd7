import { type Rng, ValidationError } from '@snn/core';

/**
 * Early stopping on validation accuracy with a patience (SpikeNN's `EarlyStopper`; the paper's Sec. 5 protocol).
 *
 * @remarks
 * The best accuracy starts at 0. An epoch whose accuracy exceeds the best resets the counter; any other epoch
 * increments it, and training stops when the counter reaches `patience`. The caller feeds validation accuracy
 * (never test accuracy: nothing is selected on the test set).
 * @example
 * ```ts
 * const stop = new PatienceStopping(2);
 * [0.5, 0.6, 0.6, 0.55].map((a) => stop.observe(a)); // [false, false, false, true]
 * ```
 */
export class PatienceStopping {
  /** Best accuracy seen. */
  best = 0;
  /** Epoch (0-based count of `observe` calls) of the best accuracy, −1 before any improvement. */
  bestEpoch = -1;
  private counter = 0;
  private epochs = 0;

  /** @param patience - epochs without improvement before stopping, a positive integer */
  constructor(readonly patience: number) {
    if (!Number.isInteger(patience) || patience < 1) throw new ValidationError('invalid patience', { field: 'early_stopping', expected: 'a positive integer', found: String(patience) });
  }

  /** Records an epoch's accuracy; returns true when training should stop. */
  observe(accuracy: number): boolean {
    if (accuracy > this.best) {
      this.best = accuracy;
      this.bestEpoch = this.epochs;
      this.counter = 0;
    } else this.counter++;
    this.epochs++;
    return this.counter >= this.patience;
  }
}

/**
 * Draws a dropout mask: each entry is kept (1) with probability `1 − rate`, dropped (0) otherwise.
 *
 * @remarks
 * The paper's regularisation of NCG training (Sec. 4.3, "dropout"): a dropped output neuron cannot fire for the
 * sample; a dropped input is hidden from the STDP update (it still drives the neurons), as in SpikeNN.
 * @param rng - seeded generator
 * @param rate - drop probability in [0, 1)
 * @param mask - output buffer, overwritten
 * @returns `mask`, or `null` when `rate` is 0 (no draw is made)
 */
export function dropoutMask(rng: Rng, rate: number, mask: Uint8Array): Uint8Array | null {
  if (!(rate >= 0 && rate < 1)) throw new ValidationError('invalid dropout rate', { field: 'dropout', expected: 'a number in [0, 1)', found: String(rate) });
  if (rate === 0) return null;
  for (let i = 0; i < mask.length; i++) mask[i] = rng.uniform() < 1 - rate ? 1 : 0;
  return mask;
}
