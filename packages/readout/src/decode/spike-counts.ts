import { ShapeError, ValidationError, describeValue } from '@snn/core';
import type { Rng, Tensor } from '@snn/core';

/** How {@link spikeCountDecode} resolves classes with equal spike counts. */
export type TieBreak = 'lowest' | 'random' | 'abstain';

/** Options of {@link spikeCountDecode}. */
export interface SpikeCountOptions {
  /**
   * Tie rule among the classes sharing the highest count: `'lowest'` (the
   * lowest class index, default), `'random'` (uniform among them, drawn from
   * `rng`) or `'abstain'` (−1).
   */
  readonly tieBreak?: TieBreak;
  /** Generator for `tieBreak: 'random'`. */
  readonly rng?: Rng;
}

/** Layout of a checked `[B, T, C]` output spike tensor. */
interface OutputLayout {
  readonly batch: number;
  readonly numSteps: number;
  readonly numClasses: number;
}

/** Checks an output spike tensor `[B, T, C]`. */
export function checkOutputSpikes(spikes: Tensor, name = 'spikes'): OutputLayout {
  if (!spikes || !(spikes.data instanceof Float32Array) || !Array.isArray(spikes.shape)) {
    throw new ValidationError('not a tensor', { field: name, expected: 'a Tensor { data: Float32Array, shape }', found: describeValue(spikes) });
  }
  const shape = spikes.shape;
  if (shape.length !== 3) {
    throw new ShapeError('output spikes need batch, time and class dimensions', {
      field: name,
      expected: '[batch, T, classes]',
      found: `[${shape.join(', ')}]`,
    });
  }
  const [batch, numSteps, numClasses] = shape as [number, number, number];
  if (batch * numSteps * numClasses !== spikes.data.length) {
    throw new ShapeError('data length does not match shape', {
      field: name,
      expected: `${batch * numSteps * numClasses} values for shape [${shape.join(', ')}]`,
      found: `${spikes.data.length}`,
    });
  }
  if (numClasses < 1) {
    throw new ShapeError('no output classes', { field: name, expected: 'at least one class', found: `[${shape.join(', ')}]` });
  }
  return { batch, numSteps, numClasses };
}

/**
 * Spike count of every output neuron: `n[b, c] = Σ_t s[b, t, c]`.
 *
 * @param spikes - output spikes `[B, T, C]` (any non-zero value counts its value; use 0/1 spikes)
 * @returns counts `[B, C]`
 * @throws ShapeError when `spikes` is not `[B, T, C]`
 * @example
 * ```ts
 * const counts = spikeCounts(tensor([1, 0, 1, 1], [1, 2, 2]));
 * Array.from(counts.data); // [2, 1]
 * ```
 */
export function spikeCounts(spikes: Tensor): Tensor {
  const { batch, numSteps, numClasses } = checkOutputSpikes(spikes);
  const out = new Float32Array(batch * numClasses);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < numSteps; t++) {
      const row = (b * numSteps + t) * numClasses;
      for (let c = 0; c < numClasses; c++) out[b * numClasses + c] += spikes.data[row + c];
    }
  }
  return { data: out, shape: [batch, numClasses] };
}

/**
 * Rate decoding: the predicted class of each sample is the output neuron that
 * spiked most often.
 *
 * @remarks
 * `ŷ_b = argmax_c Σ_t s[b, t, c]` — the spike-count (rate) readout used with
 * a cross-entropy on counts in Eshraghian et al., "Training spiking neural
 * networks using lessons from deep learning", Proc. IEEE 111(9), 2023
 * (snnTorch `functional.accuracy_rate`). Ties (including
 * a sample with no output spike at all, where all C classes tie at 0) follow
 * `tieBreak`: lowest index by default.
 *
 * @param spikes - output spikes `[B, T, C]`
 * @param options - `tieBreak` (default `'lowest'`), `rng` for `'random'`
 * @returns predicted class per sample (−1 for an abstention)
 * @throws ShapeError when `spikes` is not `[B, T, C]`; ValidationError for a bad option
 * @example
 * ```ts
 * // one sample, T = 3, C = 3: counts [1, 2, 2] -> class 1 (tie with 2 goes to the lowest index)
 * const spikes = tensor([0, 1, 1, 1, 0, 1, 0, 1, 0], [1, 3, 3]);
 * Array.from(spikeCountDecode(spikes)); // [1]
 * Array.from(spikeCountDecode(spikes, { tieBreak: 'abstain' })); // [-1]
 * ```
 */
export function spikeCountDecode(spikes: Tensor, options: SpikeCountOptions = {}): Int32Array {
  const tieBreak = options.tieBreak ?? 'lowest';
  if (tieBreak !== 'lowest' && tieBreak !== 'random' && tieBreak !== 'abstain') {
    throw new ValidationError('invalid tie rule', { field: 'tieBreak', expected: '"lowest", "random" or "abstain"', found: describeValue(tieBreak) });
  }
  if (tieBreak === 'random' && (!options.rng || typeof options.rng.int !== 'function')) {
    throw new ValidationError('random tie breaking needs a seeded random generator', {
      field: 'rng',
      expected: 'an Rng from @snn/core',
      found: describeValue(options.rng),
    });
  }
  const counts = spikeCounts(spikes);
  const [batch, numClasses] = counts.shape as [number, number];
  const out = new Int32Array(batch);
  const tied: number[] = [];
  for (let b = 0; b < batch; b++) {
    const row = b * numClasses;
    let best = counts.data[row];
    tied.length = 0;
    tied.push(0);
    for (let c = 1; c < numClasses; c++) {
      const v = counts.data[row + c];
      if (v > best) {
        best = v;
        tied.length = 0;
        tied.push(c);
      } else if (v === best) {
        tied.push(c);
      }
    }
    if (tied.length === 1 || tieBreak === 'lowest') out[b] = tied[0];
    else if (tieBreak === 'abstain') out[b] = -1;
    else out[b] = tied[(options.rng as Rng).int(tied.length)];
  }
  return out;
}
