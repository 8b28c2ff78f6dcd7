import { ShapeError, ValidationError, describeValue } from '@snn/core';

/**
 * A fully-connected layer of single-spike integrate-and-fire neurons driven by first-spike (TTFS) inputs.
 *
 * @remarks
 * Weights are neuron-major, `weights[n · inputSize + i]` (the layout of SpikeNN's `Fc.weights`, shape
 * `[neurons, inputs]`). `leakTau` (same time unit as the spike times) makes the neurons leaky; `null` is the
 * non-leaky IF neuron of the paper.
 */
export interface SingleSpikeLayer {
  /** Number of inputs M. */
  readonly inputSize: number;
  /** Number of neurons N. */
  readonly neurons: number;
  /** Weights, length N·M, neuron-major. */
  readonly weights: Float32Array;
  /** Membrane time constant per neuron (length N), or `null` for IF neurons. */
  readonly leakTau: Float32Array | null;
  /** The end of the time window: an input at `maxTime` stops the simulation; a neuron that never fires gets `maxTime`. */
  readonly maxTime: number;
}

/** Reusable buffers and results of {@link singleSpikeForward}. */
export interface SingleSpikeOutput {
  /** Input firing time per input (length M); `maxTime` for silent inputs and inputs dropped by the input mask. */
  readonly inputTimes: Float32Array;
  /** Firing time per neuron (length N); `maxTime` when it did not fire. */
  readonly outputTimes: Float32Array;
  /** Membrane potential per neuron: at its firing time for neurons that fired, at the end otherwise. */
  readonly potentials: Float32Array;
}

/** Allocates the buffers of {@link singleSpikeForward} for a layer. */
export function singleSpikeOutput(layer: Pick<SingleSpikeLayer, 'inputSize' | 'neurons'>): SingleSpikeOutput {
  return {
    inputTimes: new Float32Array(layer.inputSize),
    outputTimes: new Float32Array(layer.neurons),
    potentials: new Float32Array(layer.neurons),
  };
}

/** Masks of {@link singleSpikeForward}: 0 drops an input (from the STDP traces only) or a neuron (it cannot fire). */
export interface SingleSpikeMasks {
  /** Per input (length M): 0 hides the input's spike time from `inputTimes` (it still drives the neurons). */
  readonly input?: Uint8Array | null;
  /** Per neuron (length N): 0 silences the neuron for this sample. */
  readonly output?: Uint8Array | null;
}

/**
 * Event-driven simulation of one sample through a {@link SingleSpikeLayer}: each neuron integrates the
 * time-sorted input spikes and fires at most once.
 *
 * @remarks
 * Goupy, Tirilly & Bilasco (NeurIPS 2024), Sec. 3.1 and SpikeNN's `forward_fc`. With input spikes
 * `(i_k, t_k)` sorted by time, the potential of neuron `j` is
 * `V_j(t) = Σ_{t_k ≤ t} w_{j,i_k}` (IF), or with a leak `V_j ← V_j · exp(−Δt/τ_j)` between successive input
 * times (LIF). Spikes sharing a timestamp form a group: the whole group is integrated, then every neuron still
 * able to fire with `V_j > θ_j` fires at that group's time `t_j` and stops integrating (its potential is kept,
 * not reset, for decisions). A neuron that never fires gets `t_j = maxTime`. As in the seed's code:
 * - the threshold check of a group runs when the next group starts, and once more just before the last input
 *   spike is integrated, so the very last spike of a sample can move the potential but never trigger a spike;
 * - with a leak, the decay to the next group's time is applied before that check;
 * - an input at exactly `maxTime` ends the simulation.
 * Cost: at most spikes × neurons additions, each neuron stopping at its own spike — only active inputs touch
 * weights.
 *
 * @param layer - weights, sizes, leak and `maxTime`
 * @param indices - input index of each spike, sorted by time
 * @param times - time of each spike, non-decreasing, in [0, maxTime]
 * @param thresholds - firing threshold per neuron (length N)
 * @param out - buffers from {@link singleSpikeOutput}, overwritten
 * @param masks - optional input and output dropout masks
 * @returns `out`
 * @example
 * ```ts
 * const layer = { inputSize: 2, neurons: 1, weights: Float32Array.from([0.6, 0.6]), leakTau: null, maxTime: 1 };
 * const out = singleSpikeForward(layer, [0, 1, 0], [0.1, 0.2, 0.3], Float32Array.of(1), singleSpikeOutput(layer));
 * out.outputTimes[0]; // 0.2 (0.6 + 0.6 > 1 after the group at 0.2)
 * ```
 */
export function singleSpikeForward(
  layer: SingleSpikeLayer,
  indices: ArrayLike<number>,
  times: ArrayLike<number>,
  thresholds: Float32Array,
  out: SingleSpikeOutput,
  masks: SingleSpikeMasks = {},
): SingleSpikeOutput {
  const { inputSize: m, neurons: n, weights, leakTau, maxTime } = layer;
  const { inputTimes, outputTimes, potentials } = out;
  const maskIn = masks.input ?? null;
  const maskOut = masks.output ?? null;
  inputTimes.fill(maxTime);
  outputTimes.fill(maxTime);
  potentials.fill(0);
  const spikes = times.length;
  if (spikes === 0) return out;
  // the dense input times, up to an input at maxTime (where the simulation stops)
  for (let k = 0; k < spikes; k++) {
    const time = times[k];
    if (time === maxTime) break;
    const i = indices[k];
    if (maskIn === null || maskIn[i] !== 0) inputTimes[i] = time;
  }
  // Neurons do not interact during the pass, so each one walks the spike list on its own: its weight row stays
  // in the L1 cache and the walk ends at its spike. Potentials are float32 sums, as in the seed.
  for (let j = 0; j < n; j++) {
    if (maskOut !== null && maskOut[j] === 0) continue;
    const base = j * m;
    const threshold = thresholds[j];
    const tau = leakTau === null ? 0 : leakTau[j];
    let v = 0;
    let current = times[0];
    for (let k = 0; k < spikes; k++) {
      const time = times[k];
      if (time !== current || k === spikes - 1) {
        if (tau > 0) v = Math.fround(v * Math.exp(-(time - current) / tau));
        if (v > threshold) {
          outputTimes[j] = current;
          break;
        }
        current = time;
      }
      if (time === maxTime) break;
      v = Math.fround(v + weights[base + indices[k]]);
    }
    potentials[j] = v;
  }
  return out;
}

/**
 * Checks a {@link SingleSpikeLayer}'s sizes and values.
 * @param layer - the layer
 * @param field - prefix for messages
 * @throws ShapeError for a weight or leak array of the wrong length; ValidationError for a bad `maxTime` or τ
 */
export function checkSingleSpikeLayer(layer: SingleSpikeLayer, field = 'layer'): void {
  const { inputSize, neurons, weights, leakTau, maxTime } = layer;
  if (!Number.isInteger(inputSize) || inputSize < 1 || !Number.isInteger(neurons) || neurons < 1) {
    throw new ValidationError('invalid layer size', { field: `${field}.neurons`, expected: 'positive integer sizes', found: `${inputSize} inputs, ${neurons} neurons` });
  }
  if (weights.length !== inputSize * neurons) {
    throw new ShapeError('weights do not match the layer size', { field: `${field}.weights`, expected: `${neurons} × ${inputSize} = ${neurons * inputSize} values`, found: String(weights.length) });
  }
  if (!(Number.isFinite(maxTime) && maxTime > 0)) throw new ValidationError('invalid max time', { field: `${field}.maxTime`, expected: 'a finite number > 0', found: describeValue(maxTime) });
  if (leakTau !== null) {
    if (leakTau.length !== neurons) throw new ShapeError('leak time constants do not match the layer', { field: `${field}.leakTau`, expected: `${neurons} values`, found: String(leakTau.length) });
    for (let j = 0; j < neurons; j++) {
      if (!(leakTau[j] > 0)) throw new ValidationError('invalid leak time constant', { field: `${field}.leakTau[${j}]`, expected: 'a number > 0', found: String(leakTau[j]) });
    }
  }
}

/**
 * The order in which neurons fired: by firing time, ties by higher potential, then by lower index.
 *
 * @remarks
 * The decision rule of SpikeNN (`spike_sort`): the first neuron of this order is the layer's winner; neurons
 * that never fired (time `maxTime`) come last, ordered by potential.
 * @param times - firing times
 * @param potentials - potentials (see {@link SingleSpikeOutput})
 * @param among - the neuron indices to order (default all)
 * @returns the indices of `among`, in firing order
 */
export function firingOrder(times: ArrayLike<number>, potentials: ArrayLike<number>, among?: ArrayLike<number>): number[] {
  const ids = among === undefined ? Array.from({ length: times.length }, (_, j) => j) : Array.from(among);
  return ids.sort((a, b) => times[a] - times[b] || potentials[b] - potentials[a] || a - b);
}

/**
 * The first neuron of {@link firingOrder} (the winner), without sorting: O(neurons).
 * @param times - firing times
 * @param potentials - potentials
 * @param from - first neuron index considered (default 0)
 * @param to - one past the last index considered (default all)
 */
export function firstToFire(times: ArrayLike<number>, potentials: ArrayLike<number>, from = 0, to = times.length): number {
  let best = from;
  for (let j = from + 1; j < to; j++) {
    if (times[j] < times[best] || (times[j] === times[best] && potentials[j] > potentials[best])) best = j;
  }
  return best;
}
