import { ShapeError } from '@snn/core';
import type { Tensor } from '@snn/core';
import { checkOutputSpikes } from './spike-counts.js';

/** Options of {@link firstSpikeDecode}. */
export interface FirstSpikeOptions {
  /**
   * Membrane potentials used for samples where no output neuron spiked:
   * `[B, C]` (e.g. the final potential) or `[B, T, C]` (the maximum over time
   * is used). Without it such samples get −1.
   */
  readonly membrane?: Tensor;
}

/**
 * First-spike (time-to-first-spike) decoding: the predicted class of each
 * sample is the output neuron that fired first.
 *
 * @remarks
 * With `t_c = min{t : s[b, t, c] ≠ 0}` (∞ when neuron `c` never fires),
 * `ŷ_b = argmin_c t_c`. Neurons firing on the same earliest step are told
 * apart by their total spike count (more wins), then by the lowest index.
 * When no output neuron fires, the prediction is −1, or, if `membrane` is
 * given, `argmax_c V[b, c]` (lowest index on ties; `V` is the given `[B, C]`
 * potential or the maximum over time of a `[B, T, C]` one). The TTFS readout
 * of e.g. Mostafa, "Supervised learning based on temporal coding in spiking
 * neural networks", IEEE TNNLS 29(7), 2018.
 *
 * @param spikes - output spikes `[B, T, C]`
 * @param options - `membrane` fallback for silent samples
 * @returns predicted class per sample, −1 where nothing fired and no `membrane` was given
 * @throws ShapeError when `spikes` is not `[B, T, C]` or `membrane` does not match it
 * @example
 * ```ts
 * // C = 2, T = 3: class 1 fires at t = 1, class 0 at t = 2
 * const spikes = tensor([0, 0, 0, 1, 1, 0], [1, 3, 2]);
 * Array.from(firstSpikeDecode(spikes)); // [1]
 * ```
 */
export function firstSpikeDecode(spikes: Tensor, options: FirstSpikeOptions = {}): Int32Array {
  const { batch, numSteps, numClasses } = checkOutputSpikes(spikes);
  const membrane = options.membrane;
  let memValues: Float64Array | undefined;
  if (membrane !== undefined) memValues = membraneScores(membrane, batch, numSteps, numClasses);
  const out = new Int32Array(batch);
  const first = new Int32Array(numClasses);
  const counts = new Float64Array(numClasses);
  for (let b = 0; b < batch; b++) {
    first.fill(-1);
    counts.fill(0);
    for (let t = 0; t < numSteps; t++) {
      const row = (b * numSteps + t) * numClasses;
      for (let c = 0; c < numClasses; c++) {
        const v = spikes.data[row + c];
        if (v !== 0) {
          counts[c] += v;
          if (first[c] < 0) first[c] = t;
        }
      }
    }
    let best = -1;
    for (let c = 0; c < numClasses; c++) {
      if (first[c] < 0) continue;
      if (best < 0 || first[c] < first[best] || (first[c] === first[best] && counts[c] > counts[best])) best = c;
    }
    if (best < 0 && memValues) {
      best = 0;
      for (let c = 1; c < numClasses; c++) if (memValues[b * numClasses + c] > memValues[b * numClasses + best]) best = c;
    }
    out[b] = best;
  }
  return out;
}

function membraneScores(membrane: Tensor, batch: number, numSteps: number, numClasses: number): Float64Array {
  const shape = membrane.shape;
  const flat = shape.length === 2 && shape[0] === batch && shape[1] === numClasses;
  const timed = shape.length === 3 && shape[0] === batch && shape[1] === numSteps && shape[2] === numClasses;
  if ((!flat && !timed) || membrane.data.length !== (flat ? batch * numClasses : batch * numSteps * numClasses)) {
    throw new ShapeError('membrane potentials do not match the output spikes', {
      field: 'membrane',
      expected: `[${batch}, ${numClasses}] or [${batch}, ${numSteps}, ${numClasses}]`,
      found: `[${shape.join(', ')}]`,
    });
  }
  if (flat) return Float64Array.from(membrane.data);
  const out = new Float64Array(batch * numClasses).fill(Number.NEGATIVE_INFINITY);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < numSteps; t++) {
      const row = (b * numSteps + t) * numClasses;
      for (let c = 0; c < numClasses; c++) {
        const v = membrane.data[row + c];
        if (v > out[b * numClasses + c]) out[b * numClasses + c] = v;
      }
    }
  }
  return out;
}
