import { type Rng, ShapeError, ValidationError } from '@snn/core';
import { type SingleSpikeLayer, type SingleSpikeOutput, firstToFire, singleSpikeForward, singleSpikeOutput } from '@snn/neurons';
import { type DecisionMap, classOf } from './decision-map.js';
import { type LayerThresholds, type ThresholdRegulator, noRegulation } from './competition.js';
import { dropoutMask } from './dropout.js';
import type { SupervisedRule } from './rules.js';

/** The samples a readout trains on: the flat arrays of a `SpikingDataset` (`@snn/datasets`). */
export interface FirstSpikeSamples {
  /** Number of samples. */
  readonly count: number;
  /** Class label per sample. */
  readonly labels: ArrayLike<number>;
  /** Start of each sample's spikes (length count + 1). */
  readonly offsets: ArrayLike<number>;
  /** Input index per spike, sorted by time within a sample. */
  readonly indices: Uint32Array;
  /** Time per spike. */
  readonly times: Float32Array;
}

/** Options of {@link FirstSpikeReadout}. */
export interface FirstSpikeReadoutOptions {
  /** Number of inputs. */
  readonly inputSize: number;
  /** Output neurons (a multiple of the classes of `map`). */
  readonly map: DecisionMap;
  /** Initial firing threshold of every neuron. */
  readonly threshold: number;
  /** Membrane time constant (IF neurons when absent). */
  readonly leakTau?: number;
  /** End of the time window (the dataset's `max_time`). */
  readonly maxTime: number;
  /** Weight init: normal(mean, std) when `normal`, else uniform in [wMin, wMax]. */
  readonly init: {
    /** Normal (true) or uniform in [wMin, wMax] (false). */
    readonly normal: boolean;
    /** Mean of the normal draw. */
    readonly mean: number;
    /** Standard deviation of the normal draw. */
    readonly std: number;
  };
  /** Start from these weights instead (neuron-major, length neurons × inputSize), e.g. another run's; then normalised and clipped as drawn ones are. */
  readonly initialWeights?: Float32Array;
  /** Weights are clipped to [wMin, wMax] after each update. */
  readonly wMin: number;
  /** See `wMin`. */
  readonly wMax: number;
  /** Keep each neuron's L1 weight norm at its initial value (`w_norm`). */
  readonly normalize: boolean;
  /** The plasticity rule. */
  readonly rule: SupervisedRule;
  /** Threshold regulation (NCG competition) — default none. */
  readonly regulator?: ThresholdRegulator;
  /** Input dropout rate during training (default 0). */
  readonly dropoutIn?: number;
  /** Output dropout rate during training (default 0). */
  readonly dropoutOut?: number;
  /** Seeded generator for the initial weights and dropout. */
  readonly rng: Rng;
}

/** Statistics of one training epoch. */
export interface EpochStats {
  /** Training accuracy (first spike decides, during learning). */
  readonly accuracy: number;
  /** Mean over samples of the earliest output firing time. */
  readonly meanFirstSpike: number;
  /** Mean over samples of the mean output firing time (silent neurons at maxTime). */
  readonly meanFiringTime: number;
  /** Seconds spent. */
  readonly seconds: number;
}

/**
 * A one-layer first-spike readout trained by a supervised STDP rule, as in Goupy, Tirilly & Bilasco (NeurIPS 2024)
 * and their code SpikeNN (`Readout`).
 *
 * @remarks
 * Single-spike IF/LIF neurons (`singleSpikeForward` of `@snn/neurons`) map to classes through a {@link DecisionMap}; the
 * class of the first neuron to fire (ties: higher potential, then lower index) is the prediction. Per training
 * sample: draw dropout masks, let the regulator set the training thresholds, run the forward pass, update the
 * thresholds (NCG competition), then apply the rule; changed rows are clipped to [w_min, w_max] and rescaled to
 * their initial L1 norm `‖w_j‖₁ = Σ_i w_j,i(0)` (`w_norm`). Rows that no rule touched keep their values: they are
 * already clipped and normalised, except a row that normalisation left outside [w_min, w_max], which is
 * clipped and normalised again at the next update, exactly as SpikeNN's every-row pass would.
 */
export class FirstSpikeReadout {
  /** The layer: weights neuron-major `[neurons, inputs]`. */
  readonly layer: SingleSpikeLayer;
  /** Test and training thresholds. */
  readonly thresholds: LayerThresholds;
  /** The decision map. */
  readonly map: DecisionMap;
  private readonly norms: Float32Array | null;
  /** Rows to clip and rescale at the next update: the changed rows, then those that rescaling left out of range. */
  private readonly outside: number[] = [];
  private readonly out: SingleSpikeOutput;
  private readonly maskIn: Uint8Array;
  private readonly maskOut: Uint8Array;
  private readonly regulator: ThresholdRegulator;

  /** @param options - sizes, initialisation, bounds, rule, regulator, dropout and generator */
  constructor(private readonly options: FirstSpikeReadoutOptions) {
    const { inputSize, map, threshold, rng } = options;
    const neurons = map.neurons;
    if (!(Number.isFinite(threshold) && threshold > 0)) throw new ValidationError('invalid firing threshold', { field: 'firing_threshold', expected: 'a number > 0', found: String(threshold) });
    if (!(options.wMin < options.wMax)) throw new ValidationError('invalid weight bounds', { field: 'w_min', expected: `w_min < w_max (${options.wMax})`, found: String(options.wMin) });
    const weights = new Float32Array(neurons * inputSize);
    if (options.initialWeights !== undefined) {
      if (options.initialWeights.length !== weights.length) {
        throw new ShapeError('initial weights do not match the layer', { field: 'initialWeights', expected: `${neurons} × ${inputSize} = ${weights.length} values`, found: String(options.initialWeights.length) });
      }
      weights.set(options.initialWeights);
    } else {
      for (let k = 0; k < weights.length; k++) {
        weights[k] = options.init.normal ? rng.normal(options.init.mean, options.init.std) : rng.uniformIn(options.wMin, options.wMax);
      }
    }
    this.map = map;
    this.layer = {
      inputSize,
      neurons,
      weights,
      leakTau: options.leakTau === undefined ? null : new Float32Array(neurons).fill(options.leakTau),
      maxTime: options.maxTime,
    };
    this.norms = null;
    if (options.normalize) {
      // target norm: the signed row sum of the initial weights (SpikeNN's `weights.sum(1)`)
      const norms = new Float32Array(neurons);
      for (let j = 0; j < neurons; j++) {
        let s = 0;
        for (let i = 0; i < inputSize; i++) s += weights[j * inputSize + i];
        norms[j] = s;
      }
      this.norms = norms;
      for (let j = 0; j < neurons; j++) this.normalizeRow(j);
    }
    for (let j = 0; j < neurons; j++) this.clipRow(j);
    this.thresholds = { test: new Float32Array(neurons).fill(threshold), train: new Float32Array(neurons).fill(threshold) };
    this.out = singleSpikeOutput(this.layer);
    this.maskIn = new Uint8Array(inputSize);
    this.maskOut = new Uint8Array(neurons);
    this.regulator = options.regulator ?? noRegulation;
  }

  private clipRow(j: number): void {
    const { weights, inputSize: m } = this.layer;
    const { wMin, wMax } = this.options;
    for (let k = j * m; k < (j + 1) * m; k++) {
      const w = weights[k];
      if (w < wMin) weights[k] = wMin;
      else if (w > wMax) weights[k] = wMax;
    }
  }

  private normalizeRow(j: number): void {
    if (this.norms === null) return;
    const { weights, inputSize: m } = this.layer;
    let abs = 0;
    for (let k = j * m; k < (j + 1) * m; k++) abs += Math.abs(weights[k]);
    const factor = Math.fround(this.norms[j] / Math.fround(abs));
    for (let k = j * m; k < (j + 1) * m; k++) weights[k] *= factor;
  }

  /**
   * Clips row `j` to [w_min, w_max] and rescales it to its L1 norm in two passes; returns false when the rescaled
   * row left [w_min, w_max] (it is then clipped and rescaled again at the next update, as SpikeNN's all-row pass does).
   */
  private constrainRow(j: number): boolean {
    const { weights, inputSize: m } = this.layer;
    const { wMin, wMax } = this.options;
    const start = j * m;
    const end = start + m;
    let abs = 0;
    for (let k = start; k < end; k++) {
      let w = weights[k];
      if (w < wMin) w = weights[k] = wMin;
      else if (w > wMax) w = weights[k] = wMax;
      abs += Math.abs(w);
    }
    if (this.norms === null) return true;
    const factor = Math.fround(this.norms[j] / Math.fround(abs));
    let inside = true;
    for (let k = start; k < end; k++) {
      const w = Math.fround(weights[k] * factor);
      weights[k] = w;
      if (w < wMin || w > wMax) inside = false;
    }
    return inside;
  }

  /** Before each training epoch. */
  startEpoch(): void {
    this.regulator.startEpoch(this.thresholds);
  }

  /** After each training epoch: rate annealing and threshold bookkeeping. */
  endEpoch(): void {
    this.options.rule.endEpoch();
    this.regulator.endEpoch(this.thresholds);
  }

  /**
   * Trains on one sample; returns the predicted class (before the update).
   * @param indices - spike input indices, time-sorted
   * @param times - spike times
   * @param label - the class
   */
  trainSample(indices: ArrayLike<number>, times: ArrayLike<number>, label: number): number {
    const { map, thresholds, layer, options } = this;
    const maskIn = dropoutMask(options.rng, options.dropoutIn ?? 0, this.maskIn);
    const maskOut = dropoutMask(options.rng, options.dropoutOut ?? 0, this.maskOut);
    this.regulator.prepare(label, map, thresholds);
    const forward = singleSpikeForward(layer, indices, times, thresholds.train, this.out, { input: maskIn, output: maskOut });
    const predicted = classOf(map, firstToFire(forward.outputTimes, forward.potentials));
    this.regulator.update(forward, label, map, thresholds);
    const changed = options.rule.update(layer, forward, label, map);
    const outside = this.outside;
    for (const j of changed) if (!outside.includes(j)) outside.push(j);
    let kept = 0;
    for (let a = 0; a < outside.length; a++) if (!this.constrainRow(outside[a])) outside[kept++] = outside[a];
    outside.length = kept;
    return predicted;
  }

  /** Predicts the class of one sample with the test thresholds and no dropout. */
  predict(indices: ArrayLike<number>, times: ArrayLike<number>): number {
    const forward = singleSpikeForward(this.layer, indices, times, this.thresholds.test, this.out);
    return classOf(this.map, firstToFire(forward.outputTimes, forward.potentials));
  }

  /** The last forward pass's output (firing times and potentials). */
  lastOutput(): SingleSpikeOutput {
    return this.out;
  }

  /**
   * One pass over `data` in the given order (default stored order), training on every sample.
   * @param data - the samples
   * @param order - sample order (e.g. a seeded shuffle)
   * @param onSample - progress callback (sample count so far)
   */
  trainEpoch(data: FirstSpikeSamples, order?: ArrayLike<number>, onSample?: (done: number) => void): EpochStats {
    const started = performance.now();
    this.startEpoch();
    let correct = 0;
    let firstSum = 0;
    let meanSum = 0;
    const n = this.layer.neurons;
    for (let k = 0; k < data.count; k++) {
      const s = order === undefined ? k : order[k];
      const start = data.offsets[s];
      const end = data.offsets[s + 1];
      const label = data.labels[s];
      if (this.trainSample(data.indices.subarray(start, end), data.times.subarray(start, end), label) === label) correct++;
      const times = this.out.outputTimes;
      let min = Number.POSITIVE_INFINITY;
      let sum = 0;
      for (let j = 0; j < n; j++) {
        if (times[j] < min) min = times[j];
        sum += times[j];
      }
      firstSum += min;
      meanSum += sum / n;
      if (onSample !== undefined && (k & 255) === 255) onSample(k + 1);
    }
    this.endEpoch();
    const count = Math.max(1, data.count);
    return { accuracy: correct / count, meanFirstSpike: firstSum / count, meanFiringTime: meanSum / count, seconds: (performance.now() - started) / 1000 };
  }

  /** Accuracy on `data` (test thresholds, no learning). */
  evaluate(data: FirstSpikeSamples): number {
    let correct = 0;
    for (let s = 0; s < data.count; s++) {
      const start = data.offsets[s];
      const end = data.offsets[s + 1];
      if (this.predict(data.indices.subarray(start, end), data.times.subarray(start, end)) === data.labels[s]) correct++;
    }
    return data.count === 0 ? 0 : correct / data.count;
  }

  /** The adaptive (training) thresholds of the regulator, or the training thresholds. */
  adaptiveThresholds(): Float32Array {
    return this.regulator.adaptive() ?? this.thresholds.train;
  }
}
