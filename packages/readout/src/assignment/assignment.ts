import { ShapeError, ValidationError, describeValue } from '@snn/core';
import { checkLabels, checkPairs } from '../metrics/accuracy.js';

function checkClasses(numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ValidationError('invalid number of classes', { field: 'numClasses', expected: 'a positive integer', found: describeValue(numClasses) });
  }
}

function checkCounts(counts: ArrayLike<number>, nNeurons: number): number {
  if (!Number.isInteger(nNeurons) || nNeurons < 1) {
    throw new ValidationError('invalid number of neurons', { field: 'nNeurons', expected: 'a positive integer', found: describeValue(nNeurons) });
  }
  if (counts.length % nNeurons !== 0) {
    throw new ShapeError('spike counts are not [samples, neurons]', {
      field: 'counts',
      expected: `a multiple of ${nNeurons} values`,
      found: `${counts.length} values`,
    });
  }
  return counts.length / nNeurons;
}

/**
 * Assigns each neuron the class for which its mean response is highest (Diehl & Cook 2015).
 *
 * @remarks
 * `rate_c(k) = (1/N_c) Σ_{n: y_n = c} counts[n, k]`, `assignment(k) = argmax_c rate_c(k)`; a neuron whose best
 * rate is 0 (it never fired) gets −1, as in the original code (`maximum_rate` starts at 0, strict `>`), and ties
 * go to the lowest class. Classes with no sample are skipped.
 * Diehl, P. U. & Cook, M. (2015). Front. Comput. Neurosci. 9:99.
 *
 * @param counts - spike counts `[N, nNeurons]` row-major (one row per labelled sample)
 * @param labels - class of each sample, length N, integers in [0, numClasses)
 * @param nNeurons - neurons per sample
 * @param numClasses - number of classes, e.g. 10
 * @returns the class of each neuron (−1 = never fired)
 * @throws `ShapeError` when counts is not `[labels.length, nNeurons]`; `ValidationError` for a bad label or size
 * @example
 * ```ts
 * // 2 samples (classes 0, 1), 3 neurons
 * assignNeurons([5, 0, 0, 1, 4, 0], [0, 1], 3, 2); // Int32Array [0, 1, -1]
 * ```
 */
export function assignNeurons(counts: ArrayLike<number>, labels: ArrayLike<number>, nNeurons: number, numClasses: number): Int32Array {
  const rates = classMeanRates(counts, labels, nNeurons, numClasses);
  const assignments = new Int32Array(nNeurons).fill(-1);
  const best = new Float64Array(nNeurons);
  for (let c = 0; c < numClasses; c++) {
    for (let k = 0; k < nNeurons; k++) {
      const rate = rates[c * nNeurons + k];
      if (rate > best[k]) {
        best[k] = rate;
        assignments[k] = c;
      }
    }
  }
  return assignments;
}

/** Mean count of each neuron over the samples of each class, `[numClasses, nNeurons]` (0 for a class with no sample). */
function classMeanRates(counts: ArrayLike<number>, labels: ArrayLike<number>, nNeurons: number, numClasses: number): Float64Array {
  checkClasses(numClasses);
  const n = checkCounts(counts, nNeurons);
  if (n !== labels.length) {
    throw new ShapeError('spike counts and labels differ in samples', { field: 'counts', expected: `${labels.length} rows of ${nNeurons}`, found: `${n} rows` });
  }
  checkLabels(labels, numClasses);
  const rates = new Float64Array(numClasses * nNeurons);
  const perClass = new Float64Array(numClasses);
  for (let s = 0; s < n; s++) {
    const c = labels[s];
    perClass[c]++;
    const row = s * nNeurons;
    const out = c * nNeurons;
    for (let k = 0; k < nNeurons; k++) rates[out + k] += counts[row + k];
  }
  for (let c = 0; c < numClasses; c++) {
    if (perClass[c] > 0) for (let k = 0; k < nNeurons; k++) rates[c * nNeurons + k] /= perClass[c];
  }
  return rates;
}

/**
 * Classifies samples by voting of assigned neurons: the class whose assigned neurons have the highest mean spike count.
 *
 * @remarks
 * `score_c(n) = (1/|A_c|) Σ_{k ∈ A_c} counts[n, k]` with `A_c` the neurons assigned to c (score 0 when A_c is empty),
 * prediction `argmax_c score_c(n)`, ties to the lowest class (a sample with no spike gets class 0, or −1 with
 * `abstainWhenSilent`). Diehl & Cook (2015), Front. Comput. Neurosci. 9:99.
 *
 * @param counts - spike counts `[N, nNeurons]` row-major
 * @param assignments - from {@link assignNeurons}, length nNeurons (−1 = unassigned)
 * @param nNeurons - neurons per sample
 * @param numClasses - number of classes
 * @param abstainWhenSilent - predict −1 when every score is 0 (default false)
 * @returns predicted class per sample
 * @throws `ShapeError` when the sizes disagree; `ValidationError` for an assignment out of range
 * @example
 * ```ts
 * classifyByAssignment([5, 0, 0, 1, 4, 0], Int32Array.from([0, 1, -1]), 3, 2); // Int32Array [0, 1]
 * ```
 */
export function classifyByAssignment(
  counts: ArrayLike<number>,
  assignments: ArrayLike<number>,
  nNeurons: number,
  numClasses: number,
  abstainWhenSilent = false,
): Int32Array {
  return vote(counts, assignments, null, nNeurons, numClasses, abstainWhenSilent);
}

/**
 * `argmax_c (1/|A_c|) Σ_{k ∈ A_c} weight_k·counts[n, k]` per sample (weight 1 when `weight` is null), ties to the
 * lowest class; −1 for a sample whose best score is 0 when `abstainWhenSilent`.
 */
function vote(
  counts: ArrayLike<number>,
  assignments: ArrayLike<number>,
  weight: Float64Array | null,
  nNeurons: number,
  numClasses: number,
  abstainWhenSilent: boolean,
): Int32Array {
  checkClasses(numClasses);
  const n = checkCounts(counts, nNeurons);
  if (assignments.length !== nNeurons) {
    throw new ShapeError('one assignment per neuron needed', { field: 'assignments', expected: `${nNeurons} values`, found: `${assignments.length}` });
  }
  const members = new Float64Array(numClasses);
  for (let k = 0; k < nNeurons; k++) {
    const a = assignments[k];
    if (!Number.isInteger(a) || a < -1 || a >= numClasses) {
      throw new ValidationError('assignment out of range', { field: `assignments[${k}]`, expected: `an integer in [-1, ${numClasses - 1}]`, found: describeValue(a) });
    }
    if (a >= 0) members[a]++;
  }
  const predictions = new Int32Array(n);
  const score = new Float64Array(numClasses);
  for (let s = 0; s < n; s++) {
    score.fill(0);
    const row = s * nNeurons;
    for (let k = 0; k < nNeurons; k++) {
      const a = assignments[k];
      if (a >= 0) score[a] += (weight ? weight[k] : 1) * counts[row + k];
    }
    let best = 0;
    let bestScore = -1;
    for (let c = 0; c < numClasses; c++) {
      const v = members[c] > 0 ? score[c] / members[c] : 0;
      if (v > bestScore) {
        bestScore = v;
        best = c;
      }
    }
    predictions[s] = abstainWhenSilent && bestScore <= 0 ? -1 : best;
  }
  return predictions;
}

/**
 * Proportion weights of the neurons' class responses (Hazan et al. 2018): each neuron's mean response to each class
 * divided by its summed mean responses over all classes.
 *
 * @remarks
 * `p_c(k) = rate_c(k) / Σ_c' rate_c'(k)` with `rate_c(k)` the mean count of neuron k over the samples of class c (as
 * in {@link assignNeurons}); `p_c(k) = 0` for a neuron that never fired; classes with no sample have rate 0. Used by
 * {@link classifyByProportion}.
 * Hazan, H. et al. (2018). BindsNET: A machine learning-oriented spiking neural networks library in Python.
 * Front. Neuroinform. 12:89.
 *
 * @param counts - spike counts `[N, nNeurons]` row-major (one row per labelled sample)
 * @param labels - class of each sample, length N, integers in [0, numClasses)
 * @param nNeurons - neurons per sample
 * @param numClasses - number of classes
 * @returns `[numClasses, nNeurons]` row-major; each neuron's column sums to 1 (or is all 0)
 * @throws `ShapeError` when counts is not `[labels.length, nNeurons]`; `ValidationError` for a bad label or size
 * @example
 * ```ts
 * // 2 samples (classes 0, 1), 2 neurons: neuron 0 fires 3 then 1 spikes, neuron 1 never
 * proportionWeights([3, 0, 1, 0], [0, 1], 2, 2); // Float64Array [0.75, 0, 0.25, 0]
 * ```
 */
export function proportionWeights(counts: ArrayLike<number>, labels: ArrayLike<number>, nNeurons: number, numClasses: number): Float64Array {
  const rates = classMeanRates(counts, labels, nNeurons, numClasses);
  for (let k = 0; k < nNeurons; k++) {
    let total = 0;
    for (let c = 0; c < numClasses; c++) total += rates[c * nNeurons + k];
    for (let c = 0; c < numClasses; c++) rates[c * nNeurons + k] = total > 0 ? rates[c * nNeurons + k] / total : 0;
  }
  return rates;
}

/**
 * Classifies samples by proportion-weighted voting of assigned neurons (Hazan et al. 2018, BindsNET's
 * `proportion_weighting`): like {@link classifyByAssignment}, but each assigned neuron's count is weighted by the
 * share of its response that belongs to its class.
 *
 * @remarks
 * `score_c(n) = (1/|A_c|) Σ_{k ∈ A_c} p_c(k)·counts[n, k]` with `A_c` the neurons assigned to c and `p` from
 * {@link proportionWeights} (score 0 when A_c is empty); prediction `argmax_c score_c(n)`, ties to the lowest class.
 * A neuron that responds to several classes then counts less than one tuned to its class alone.
 * Hazan, H. et al. (2018). Front. Neuroinform. 12:89.
 *
 * @param counts - spike counts `[N, nNeurons]` row-major
 * @param assignments - from {@link assignNeurons}, length nNeurons (−1 = unassigned)
 * @param proportions - from {@link proportionWeights}, `[numClasses, nNeurons]`
 * @param nNeurons - neurons per sample
 * @param numClasses - number of classes
 * @returns predicted class per sample
 * @throws `ShapeError` when the sizes disagree; `ValidationError` for an assignment out of range
 * @example
 * ```ts
 * // [numClasses = 2, nNeurons = 2]: neuron 0 answers class 0 with 90 % of its response, neuron 1 is untuned (50 %)
 * const p = Float64Array.from([0.9, 0.5, 0.1, 0.5]);
 * classifyByProportion([3, 4], Int32Array.from([0, 1]), p, 2, 2); // Int32Array [0]: 0.9·3 = 2.7 > 0.5·4 = 2
 * classifyByAssignment([3, 4], Int32Array.from([0, 1]), 2, 2); // Int32Array [1]: 4 > 3
 * ```
 */
export function classifyByProportion(
  counts: ArrayLike<number>,
  assignments: ArrayLike<number>,
  proportions: ArrayLike<number>,
  nNeurons: number,
  numClasses: number,
): Int32Array {
  if (proportions.length !== numClasses * nNeurons) {
    throw new ShapeError('proportions are not [numClasses, nNeurons]', {
      field: 'proportions',
      expected: `${numClasses * nNeurons} values`,
      found: `${proportions.length}`,
    });
  }
  // Each neuron's weight is its proportion for its own class (bad assignments are rejected by vote).
  const weight = new Float64Array(nNeurons);
  for (let k = 0; k < Math.min(nNeurons, assignments.length); k++) {
    const a = assignments[k];
    if (Number.isInteger(a) && a >= 0 && a < numClasses) weight[k] = proportions[a * nNeurons + k];
  }
  return vote(counts, assignments, weight, nNeurons, numClasses, false);
}

/** Misclassified samples picked by {@link selectMisclassified}, for a figure grid of errors. */
export interface MisclassifiedExamples {
  /** Sample indices, ascending. */
  readonly indices: Int32Array;
  /** Predicted class of each (−1 = no decision). */
  readonly predicted: Int32Array;
  /** True class of each. */
  readonly actual: Int32Array;
}

/**
 * Picks the first `limit` samples whose prediction differs from the label.
 *
 * @param predictions - predicted class per sample (−1 allowed)
 * @param labels - true class per sample
 * @param limit - the most to return (integer ≥ 0)
 * @returns indices with their predicted and true classes
 * @throws `ShapeError` naming both lengths when they differ; `ValidationError` for a bad limit
 * @example
 * ```ts
 * selectMisclassified([1, 2, 0], [1, 3, 1], 10).indices; // Int32Array [1, 2]
 * ```
 */
export function selectMisclassified(predictions: ArrayLike<number>, labels: ArrayLike<number>, limit: number): MisclassifiedExamples {
  const n = checkPairs(predictions, labels);
  if (!Number.isInteger(limit) || limit < 0) {
    throw new ValidationError('invalid limit', { field: 'limit', expected: 'an integer >= 0', found: describeValue(limit) });
  }
  const picked: number[] = [];
  for (let s = 0; s < n && picked.length < limit; s++) if (predictions[s] !== labels[s]) picked.push(s);
  return {
    indices: Int32Array.from(picked),
    predicted: Int32Array.from(picked, (s) => predictions[s]),
    actual: Int32Array.from(picked, (s) => labels[s]),
  };
}
