import { type Rng, ValidationError } from '@snn/core';

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
