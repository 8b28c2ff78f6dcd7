import { ValidationError } from '@snn/core';
import { type WeightArray, checkBounds, checkLength, checkWeights, finiteNumber, nonNegativeNumber } from './validate.js';

/**
 * Parameters of the Hebbian rule with weight bounds and an optional weight decay.
 *
 * @remarks
 * `Δw_ij = η·pre_i·post_j − λ·w_ij`, then `w_ij ← clip(w_ij + Δw_ij, w_min, w_max)`.
 * With λ = 0 only synapses between active pre and post neurons change (see {@link hebbianUpdateEvents}).
 * Hebb, D. O. (1949). The Organization of Behavior. Wiley. Made by {@link hebbianParams}.
 */
export interface HebbianParams {
  /** Learning rate η (weight units per unit of pre·post activity). Default 0.001. */
  readonly learningRate: number;
  /** Weight decay λ per update, in [0, 1]. Default 0. */
  readonly decay: number;
  /** Lower weight bound. Default 0. */
  readonly wMin: number;
  /** Upper weight bound. Default 1. */
  readonly wMax: number;
}

/** Options for {@link hebbianParams}; missing fields take the defaults of {@link HebbianParams}. */
export type HebbianParamsInput = Partial<HebbianParams>;

/**
 * Validates Hebbian options and returns frozen params (defaults η 0.001, λ 0, w in [0, 1]).
 *
 * @param input - any subset of {@link HebbianParams}
 * @param field - prefix for error messages (default `"hebbian"`)
 * @throws `ValidationError` naming the field, e.g. `field hebbian.decay: invalid plasticity parameter; expected a number in [0, 1], found 2`
 * @example
 * ```ts
 * const p = hebbianParams({ learningRate: 0.01, decay: 1e-4 });
 * ```
 */
export function hebbianParams(input: HebbianParamsInput = {}, field = 'hebbian'): HebbianParams {
  const wMin = finiteNumber(input.wMin ?? 0, `${field}.wMin`);
  const wMax = finiteNumber(input.wMax ?? 1, `${field}.wMax`);
  checkBounds(wMin, wMax, field);
  const decay = nonNegativeNumber(input.decay ?? 0, `${field}.decay`);
  if (decay > 1) {
    throw new ValidationError('invalid plasticity parameter', { field: `${field}.decay`, expected: 'a number in [0, 1]', found: String(decay) });
  }
  return Object.freeze({ learningRate: finiteNumber(input.learningRate ?? 0.001, `${field}.learningRate`), decay, wMin, wMax });
}

/**
 * Dense Hebbian update `w_ij ← clip(w_ij + η·pre_i·post_j − λ·w_ij)` of a `[nPre, nPost]` matrix, IN PLACE;
 * the plain reference of {@link hebbianKernel}.
 *
 * @remarks
 * Hebb (1949); rule on {@link HebbianParams}.
 *
 * @param weights - `[nPre, nPost]` row-major, modified in place
 * @param pre - presynaptic activity (spikes or rates), length nPre
 * @param post - postsynaptic activity, length nPost
 * @param params - from {@link hebbianParams}
 * @returns `weights`
 * @throws `ShapeError` when the sizes disagree
 * @example
 * ```ts
 * const w = new Float32Array(4).fill(0.5);
 * hebbianUpdate(w, [1, 0], [1, 1], hebbianParams({ learningRate: 0.1 })); // row 0 -> 0.6
 * ```
 */
export function hebbianUpdate<W extends WeightArray>(weights: W, pre: ArrayLike<number>, post: ArrayLike<number>, params: HebbianParams): W {
  const nPre = pre.length;
  const nPost = post.length;
  checkWeights(weights, nPre, nPost);
  const { learningRate, decay, wMin, wMax } = params;
  for (let i = 0; i < nPre; i++) {
    const a = learningRate * pre[i];
    const row = i * nPost;
    for (let j = 0; j < nPost; j++) {
      const w0 = weights[row + j];
      const w = w0 + a * post[j] - decay * w0;
      weights[row + j] = w < wMin ? wMin : Math.min(w, wMax);
    }
  }
  return weights;
}

/**
 * Event-driven Hebbian update: only the synapses between the listed active pre and post neurons change,
 * `w_ij ← clip(w_ij + η·a_i·b_j)`; equal to {@link hebbianUpdate} when every other activity is 0 and λ = 0.
 *
 * @param weights - `[nPre, nPost]` row-major, modified in place
 * @param nPost - number of post neurons (columns)
 * @param preIndices - active pre neurons
 * @param preValues - their activities a_i (same length as `preIndices`)
 * @param postIndices - active post neurons
 * @param postValues - their activities b_j
 * @param params - from {@link hebbianParams}; `decay` must be 0 (decay touches every synapse)
 * @throws `ValidationError` when `params.decay` is not 0; `ShapeError` when index and value lists differ in length
 */
export function hebbianUpdateEvents(
  weights: WeightArray,
  nPost: number,
  preIndices: ArrayLike<number>,
  preValues: ArrayLike<number>,
  postIndices: ArrayLike<number>,
  postValues: ArrayLike<number>,
  params: HebbianParams,
): void {
  if (params.decay !== 0) {
    throw new ValidationError('event-driven Hebbian update needs no decay', { field: 'hebbian.decay', expected: '0 (use hebbianUpdate for decay)', found: String(params.decay) });
  }
  checkLength(preValues, preIndices.length, 'preValues');
  checkLength(postValues, postIndices.length, 'postValues');
  const { learningRate, wMin, wMax } = params;
  for (let a = 0; a < preIndices.length; a++) {
    const row = preIndices[a] * nPost;
    const x = learningRate * preValues[a];
    for (let b = 0; b < postIndices.length; b++) {
      const k = row + postIndices[b];
      const w = weights[k] + x * postValues[b];
      weights[k] = w < wMin ? wMin : Math.min(w, wMax);
    }
  }
}
