import { type Rng, type SparseSpikes, ValidationError } from '@snn/core';
import { type IzhikevichParams, izhikevichInitialState, izhikevichStep } from '@snn/neurons';

/** Settings of {@link StdpNetwork}. */
export interface StdpNetworkOptions {
  /** Hidden neurons H. */
  readonly hiddenSize: number;
  /** Time steps per image T. */
  readonly numSteps: number;
  /** Izhikevich parameters of every neuron. */
  readonly neuron: IzhikevichParams;
  /** Current per unit weight of an input spike (paper units, mV/ms). */
  readonly inputCurrent: number;
  /** Current per unit weight of a hidden spike into the output layer. */
  readonly hiddenCurrent: number;
  /** Lateral inhibition: current subtracted from every hidden neuron, times the fraction of hidden neurons that spiked in the previous step. */
  readonly lateralInhibition: number;
  /** Feed-forward inhibition: fraction of the mean input drive of the hidden layer subtracted from every hidden neuron's drive. */
  readonly feedforwardInhibition: number;
  /** Homeostasis: current θ_j subtracted from hidden neuron j grows by this much at each of its spikes (0 = off). */
  readonly adaptationCurrent: number;
  /** Factor θ is multiplied by after each image (slow decay of the homeostatic current). */
  readonly adaptationDecay: number;
  /** Initial input→hidden weights are uniform in [0, initWeightMax]. */
  readonly initWeightMax: number;
  /** Generator for the initial weights. */
  readonly rng: Rng;
}

/** Per-image activity of one simulation. */
export interface SampleActivity {
  /** Spike counts of the hidden neurons `[H]`. */
  readonly hiddenCounts: Float32Array;
  /** Spike counts of the output neurons `[10]`. */
  readonly outputCounts: Float32Array;
  /** Output currents summed over the steps `[10]` (ties of the counts are broken by these). */
  readonly outputCurrent: Float32Array;
  /** Input spikes of the image. */
  readonly inputSpikes: number;
  /** Mean input current of a hidden neuron per step. */
  readonly meanHiddenCurrent: number;
  /** Mean input current of an output neuron per step (without the teacher current). */
  readonly meanOutputCurrent: number;
  /**
   * Predicted class: most output spikes, ties by the larger summed current; with a teacher (whose
   * current forces the label's spikes), the largest summed current from the hidden layer.
   */
  readonly prediction: number;
}

/** Hooks that learn during a simulation (pre/post spike events of input→hidden, once per step). */
export interface SpikeHooks {
  /** The input pixels that spiked at time tMs (first `count` entries of `indices`). */
  onInputSpikes(indices: ArrayLike<number>, count: number, tMs: number): void;
  /** The hidden neurons that spiked at time tMs (first `count` entries of `indices`). */
  onHiddenSpikes(indices: ArrayLike<number>, count: number, tMs: number): void;
}

/**
 * The 784-H-10 Izhikevich network of the `stdp` command: Poisson input → Izhikevich hidden layer
 * (with uniform lateral inhibition) → Izhikevich output layer, simulated one image at a time.
 *
 * @remarks
 * Per step t (dt from the neuron parameters): `D = inputCurrent · Σ_{i spiking} W1[i,:]`,
 * `I_hid = D − feedforwardInhibition · mean(D) − lateralInhibition · (#hidden spikes at t−1) / H − θ`,
 * θ_j a homeostatic current that grows by `adaptationCurrent` at each spike of neuron j during
 * training and decays by `adaptationDecay` per image (the adaptive threshold of Diehl & Cook 2015,
 * as a current), hidden Izhikevich step; `I_out = hiddenCurrent ·
 * Σ_{j spiking} W2[j,:]`; during training (teacher forcing) the label's output neuron gets an
 * extra teacher current and the other output neurons get none (clamped silent), output step. Weights
 * are row-major `W1 [784, H]`, `W2 [H, 10]`. E. M. Izhikevich (2003), "Simple model of spiking
 * neurons", IEEE Trans. Neural Netw. 14(6).
 */
export class StdpNetwork {
  /** Input→hidden weights `[784, H]`. */
  readonly w1: Float32Array;
  /** Hidden→output weights `[H, 10]`. */
  readonly w2: Float32Array;
  /** Hebbian traces of the hidden→output synapses `[H, 10]`; `w2` is their column-scaled copy. */
  readonly hebbian: Float32Array;
  /** Homeostatic currents θ `[H]` (adaptive thresholds expressed as an inhibitory current). */
  readonly theta: Float32Array;
  /** Settings. */
  readonly options: Omit<StdpNetworkOptions, 'rng'>;

  /** @param options - sizes, neuron, currents, initial weights */
  constructor(options: StdpNetworkOptions) {
    if (!Number.isInteger(options.hiddenSize) || options.hiddenSize < 1) {
      throw new ValidationError('invalid hidden size', { field: 'model.hidden_size', expected: 'a positive integer', found: String(options.hiddenSize) });
    }
    const { rng, ...rest } = options;
    this.options = rest;
    const H = options.hiddenSize;
    this.w1 = new Float32Array(784 * H);
    for (let k = 0; k < this.w1.length; k++) this.w1[k] = rng.uniform() * options.initWeightMax;
    this.w2 = new Float32Array(H * 10);
    this.hebbian = new Float32Array(H * 10);
    this.theta = new Float32Array(H);
  }

  /**
   * Simulates one image.
   *
   * @param spikes - encoded images
   * @param b - which image of `spikes`
   * @param teacher - label whose output neuron gets the teacher current, or -1 (no teacher)
   * @param teacherCurrent - that current (paper units)
   * @param hooks - learning hooks for the input→hidden spikes, or undefined
   * @param adapt - update the homeostatic currents θ (training); default false
   */
  run(spikes: SparseSpikes, b: number, teacher: number, teacherCurrent: number, hooks?: SpikeHooks, adapt = false): SampleActivity {
    const { hiddenSize: H, numSteps: T, neuron, inputCurrent, hiddenCurrent, lateralInhibition, feedforwardInhibition } = this.options;
    const w1 = this.w1;
    const w2 = this.w2;
    let hidden = izhikevichInitialState(H, neuron);
    let output = izhikevichInitialState(10, neuron);
    const iHidden = new Float32Array(H);
    const drive = new Float64Array(H);
    const iOut = new Float32Array(10);
    const hiddenCounts = new Float32Array(H);
    const outputCounts = new Float32Array(10);
    const outputCurrent = new Float32Array(10);
    let inputSpikes = 0;
    let hiddenCurrentSum = 0;
    let outputCurrentSum = 0;
    let lastHiddenSpikes = 0;
    const active: number[] = [];
    for (let t = 0; t < T; t++) {
      const tMs = t * neuron.dtMs;
      const row = b * T + t;
      const inhibition = (lateralInhibition * lastHiddenSpikes) / H;
      drive.fill(0);
      const first = spikes.offsets[row];
      const last = spikes.offsets[row + 1];
      for (let k = first; k < last; k++) {
        const base = spikes.indices[k] * H;
        for (let j = 0; j < H; j++) drive[j] += w1[base + j];
      }
      for (let j = 0; j < H; j++) iHidden[j] = inputCurrent * drive[j] - inhibition;
      inputSpikes += last - first;
      hooks?.onInputSpikes(spikes.indices.subarray(first, last), last - first, tMs);
      if (feedforwardInhibition > 0) {
        // Feed-forward inhibition: subtract (a fraction of) the mean drive, so only neurons whose
        // weights match the input better than average are excited.
        let mean = 0;
        for (let j = 0; j < H; j++) mean += iHidden[j] + inhibition;
        mean /= H;
        for (let j = 0; j < H; j++) iHidden[j] -= feedforwardInhibition * mean;
      }
      const theta = this.theta;
      for (let j = 0; j < H; j++) {
        iHidden[j] -= theta[j];
        hiddenCurrentSum += iHidden[j];
      }
      const h = izhikevichStep(iHidden, hidden, neuron);
      hidden = h.state;
      active.length = 0;
      for (let j = 0; j < H; j++) {
        if (h.spikes[j] !== 0) {
          active.push(j);
          hiddenCounts[j]++;
        }
      }
      hooks?.onHiddenSpikes(active, active.length, tMs);
      if (adapt) for (const j of active) this.theta[j] += this.options.adaptationCurrent;
      lastHiddenSpikes = active.length;
      iOut.fill(0);
      for (const j of active) {
        const base = j * 10;
        for (let k = 0; k < 10; k++) iOut[k] += hiddenCurrent * w2[base + k];
      }
      for (let k = 0; k < 10; k++) {
        outputCurrent[k] += iOut[k];
        outputCurrentSum += iOut[k];
      }
      if (teacher >= 0) {
        // Teacher forcing: the label's neuron is driven to fire, the others are clamped silent.
        for (let k = 0; k < 10; k++) iOut[k] = k === teacher ? iOut[k] + teacherCurrent : 0;
      }
      const o = izhikevichStep(iOut, output, neuron);
      output = o.state;
      for (let k = 0; k < 10; k++) outputCounts[k] += o.spikes[k];
    }
    if (adapt) for (let j = 0; j < H; j++) this.theta[j] *= this.options.adaptationDecay;
    // With a teacher the counts are forced: judge the network by the currents the hidden layer drives.
    let prediction = 0;
    for (let k = 1; k < 10; k++) {
      const byCurrent = outputCurrent[k] > outputCurrent[prediction];
      const better = teacher >= 0 ? byCurrent : outputCounts[k] > outputCounts[prediction] || (outputCounts[k] === outputCounts[prediction] && byCurrent);
      if (better) prediction = k;
    }
    return {
      hiddenCounts,
      outputCounts,
      outputCurrent,
      inputSpikes,
      meanHiddenCurrent: hiddenCurrentSum / (H * T),
      meanOutputCurrent: outputCurrentSum / (10 * T),
      prediction,
    };
  }
}
