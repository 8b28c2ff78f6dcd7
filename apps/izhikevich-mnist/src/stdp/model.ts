import { join } from 'node:path';
import type { MetricValue } from '@snn/cli';
import { Rng, type SparseSpikes, type Tensor, tensor } from '@snn/core';
import { rateSparse } from '@snn/encoding';
import { izhikevichParams } from '@snn/neurons';
import { type ReportFigure, imageGrid } from '@snn/viz';
import { saveFigure } from '@snn/viz/node';
import type { StdpConfig } from '../config/schemas.js';
import { type Split, gather } from '../data/mnist.js';
import { snnEnergyJoules } from '../metrics/energy.js';
import { spikeRate } from '../metrics/spike-rate.js';
import { izhikevichNetworkFlops } from '../metrics/synops.js';
import { ACCURACY_CURVES, COST_CURVES, saveTrainingAnalysis } from '../report/training-analysis.js';
import { expectTensor } from '../session/checkpoint.js';
import type { BatchReport, EpochOutcome, Evaluation, FigureContext, ModelState, TrainableModel } from '../session/model.js';
import { streamSeed } from '../session/streams.js';
import { type SampleActivity, StdpNetwork } from './network.js';
import { StdpLearner } from './learner.js';

/** Images encoded at once (the simulation itself runs one image at a time). */
const ENCODE_CHUNK = 100;

function variance(values: Float32Array): number {
  let sum = 0;
  let sq = 0;
  for (let k = 0; k < values.length; k++) {
    sum += values[k];
    sq += values[k] * values[k];
  }
  const mean = sum / values.length;
  return sq / values.length - mean * mean;
}

/** Activity totals over a set of images. */
class Totals {
  samples = 0;
  correct = 0;
  inputSpikes = 0;
  hiddenSpikes = 0;
  outputSpikes = 0;
  hiddenCurrent = 0;
  outputCurrent = 0;
  silent = 0;
  readonly predictedPerClass = new Float64Array(10);

  add(a: SampleActivity, label: number): void {
    this.samples++;
    if (a.prediction === label) this.correct++;
    this.inputSpikes += a.inputSpikes;
    for (let j = 0; j < a.hiddenCounts.length; j++) this.hiddenSpikes += a.hiddenCounts[j];
    let out = 0;
    for (let k = 0; k < 10; k++) out += a.outputCounts[k];
    this.outputSpikes += out;
    if (out === 0) this.silent++;
    this.hiddenCurrent += a.meanHiddenCurrent;
    this.outputCurrent += a.meanOutputCurrent;
    this.predictedPerClass[a.prediction]++;
  }

  metrics(H: number, T: number): Record<string, MetricValue> {
    const n = Math.max(1, this.samples);
    const synOps = (this.inputSpikes * H + this.hiddenSpikes * 10) / n;
    const out: Record<string, MetricValue> = {
      input_spike_rate: spikeRate(this.inputSpikes, 784, T, this.samples),
      hidden_spike_rate: spikeRate(this.hiddenSpikes, H, T, this.samples),
      output_spike_rate: spikeRate(this.outputSpikes, 10, T, this.samples),
      synops_per_image: synOps,
      energy_per_image_j: snnEnergyJoules(synOps),
      mean_hidden_current: this.hiddenCurrent / n,
      mean_output_current: this.outputCurrent / n,
      silent_output_fraction: this.silent / n,
    };
    for (let k = 0; k < 10; k++) out[`predicted_${k}`] = this.predictedPerClass[k];
    return out;
  }
}

/**
 * The `stdp` command's model: a 784-H-10 Izhikevich network that learns input→hidden weights by
 * pair STDP and hidden→output weights by a supervised Hebbian rule with teacher-forced output
 * spikes (see {@link StdpLearner}); no gradients.
 */
export class StdpModel implements TrainableModel {
  /** Architecture string. */
  readonly description: string;
  private readonly network: StdpNetwork;
  private readonly learner: StdpLearner;
  private readonly config: StdpConfig;

  /** @param config - the validated `stdp` config */
  constructor(config: StdpConfig) {
    this.config = config;
    const m = config.model;
    const n = m.neuron;
    const neuron = izhikevichParams({ preset: n.preset, a: n.a, b: n.b, c: n.c, d: n.d, dtMs: n.dt_ms }, 'model.neuron');
    this.network = new StdpNetwork({
      hiddenSize: m.hidden_size,
      numSteps: m.num_steps,
      neuron,
      inputCurrent: m.input_current,
      hiddenCurrent: m.hidden_current,
      lateralInhibition: m.lateral_inhibition,
      feedforwardInhibition: m.feedforward_inhibition,
      adaptationCurrent: m.adaptation_current,
      adaptationDecay: m.adaptation_decay,
      initWeightMax: m.init_weight_max,
      rng: new Rng(streamSeed(config.seed, 'weights')),
    });
    this.learner = new StdpLearner(this.network, config.training);
    this.learner.normalize();
    this.description = `Izhikevich SNN 784-${m.hidden_size}-10 (${n.preset}), T = ${m.num_steps}, STDP (input→hidden) + Hebbian with teacher (hidden→output)`;
  }

  /** Weights of both layers (no biases). */
  parameterCount(): number {
    return this.network.w1.length + this.network.w2.length;
  }

  /** Dense-equivalent FLOPs per image. */
  staticMetrics(): Record<string, MetricValue> {
    return { flopsPerImage: izhikevichNetworkFlops([784, this.config.model.hidden_size, 10], this.config.model.num_steps), numSteps: this.config.model.num_steps };
  }

  private encode(images: Float32Array, count: number, rng: Rng): SparseSpikes {
    return rateSparse(tensor(images, [count, 784]), { numSteps: this.config.model.num_steps, gain: this.config.model.input_gain, rng });
  }

  /** One pass over the training images: STDP on input→hidden, teacher-forced Hebbian on hidden→output. */
  async trainEpoch(split: Split, order: Uint32Array, rng: Rng, onBatch: (batch: BatchReport) => void): Promise<EpochOutcome> {
    const start = performance.now();
    const totals = new Totals();
    const w1Before = this.network.w1.slice();
    const w2Before = this.network.w2.slice();
    for (let from = 0; from < order.length; from += ENCODE_CHUNK) {
      const idx = order.subarray(from, Math.min(order.length, from + ENCODE_CHUNK));
      const { images, labels } = gather(split, idx);
      const spikes = this.encode(images, idx.length, rng);
      let right = 0;
      for (let b = 0; b < idx.length; b++) {
        const activity = this.learner.trainSample(spikes, b, labels[b]);
        totals.add(activity, labels[b]);
        if (activity.prediction === labels[b]) right++;
      }
      onBatch({ samples: idx.length, loss: Number.NaN, correct: right });
      await new Promise((resolve) => setImmediate(resolve));
    }
    const extra = totals.metrics(this.config.model.hidden_size, this.config.model.num_steps);
    let d1 = 0;
    for (let k = 0; k < w1Before.length; k++) d1 += Math.abs(this.network.w1[k] - w1Before[k]);
    let d2 = 0;
    for (let k = 0; k < w2Before.length; k++) d2 += Math.abs(this.network.w2[k] - w2Before[k]);
    return {
      loss: Number.NaN,
      accuracy: totals.correct / Math.max(1, totals.samples),
      samples: totals.samples,
      seconds: (performance.now() - start) / 1000,
      extra: {
        ...extra,
        w1_mean_abs_change: d1 / w1Before.length,
        w2_mean_abs_change: d2 / w2Before.length,
        w1_variance: variance(this.network.w1),
        w2_variance: variance(this.network.w2),
      },
    };
  }

  /** Classifies a split without learning (no teacher): most output spikes wins. */
  async evaluate(split: Split, rng: Rng): Promise<Evaluation> {
    const start = performance.now();
    const predictions = new Int32Array(split.count);
    const totals = new Totals();
    for (let from = 0; from < split.count; from += ENCODE_CHUNK) {
      const n = Math.min(ENCODE_CHUNK, split.count - from);
      const spikes = this.encode(split.images.subarray(from * 784, (from + n) * 784), n, rng);
      for (let b = 0; b < n; b++) {
        const activity = this.network.run(spikes, b, -1, 0);
        predictions[from + b] = activity.prediction;
        totals.add(activity, split.labels[from + b]);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    return {
      predictions,
      loss: Number.NaN,
      accuracy: totals.correct / Math.max(1, totals.samples),
      seconds: (performance.now() - start) / 1000,
      extra: totals.metrics(this.config.model.hidden_size, this.config.model.num_steps),
    };
  }

  /** `w1 [784, H]`, `w2 [H, 10]` and the Hebbian traces `hebbian [H, 10]`, homeostatic currents `theta [H]`. */
  getState(): ModelState {
    const H = this.config.model.hidden_size;
    return {
      tensors: {
        w1: tensor(this.network.w1.slice(), [784, H], 'w1'),
        w2: tensor(this.network.w2.slice(), [H, 10], 'w2'),
        hebbian: tensor(this.network.hebbian.slice(), [H, 10], 'hebbian'),
        theta: tensor(this.network.theta.slice(), [H], 'theta'),
      },
      meta: {},
    };
  }

  /** Loads `w1`, `w2`, `hebbian` and `theta` (shapes checked). */
  setState(state: ModelState, file: string): void {
    const H = this.config.model.hidden_size;
    const w1: Tensor = expectTensor(state.tensors, 'w1', [784, H], file);
    const w2: Tensor = expectTensor(state.tensors, 'w2', [H, 10], file);
    this.network.w1.set(w1.data);
    this.network.w2.set(w2.data);
    this.network.hebbian.set(expectTensor(state.tensors, 'hebbian', [H, 10], file).data);
    this.network.theta.set(expectTensor(state.tensors, 'theta', [H], file).data);
  }

  /** Receptive fields: the input weights of the first 100 hidden neurons as 28×28 images. */
  async figures(context: FigureContext, records: readonly Readonly<Record<string, MetricValue>>[]): Promise<ReportFigure[]> {
    const H = this.config.model.hidden_size;
    const shown = Math.min(100, H);
    const cols = Math.min(10, shown);
    const rows = Math.ceil(shown / cols);
    const pixels = new Float32Array(rows * cols * 784);
    for (let j = 0; j < shown; j++) for (let i = 0; i < 784; i++) pixels[j * 784 + i] = this.network.w1[i * H + j];
    saveFigure(
      join(context.figsDir, 'receptive-fields'),
      await imageGrid(tensor(pixels, [rows * cols, 28, 28]), { rows, cols, normalize: 'per-image', title: `Input weights of hidden neurons 0–${shown - 1} (STDP receptive fields)`, pixelSize: 2 }),
    );
    const analysis = await saveTrainingAnalysis(records, {
      figsDir: context.figsDir,
      title: 'Training analysis: Izhikevich SNN (STDP + Hebbian)',
      curves: [
        ...ACCURACY_CURVES,
        { panel: 'hidden spike rate', series: 'train', key: 'train_hidden_spike_rate' },
        { panel: 'hidden spike rate', series: 'test', key: 'test_hidden_spike_rate' },
        { panel: 'energy per image (µJ)', series: 'test', key: 'test_energy_per_image_j', scale: 1e6 },
        { panel: 'mean current', series: 'hidden (test)', key: 'test_mean_hidden_current' },
        { panel: 'mean current', series: 'output (test)', key: 'test_mean_output_current' },
        { panel: 'weight variance', series: 'W1 (input→hidden)', key: 'train_w1_variance' },
        { panel: 'weight variance', series: 'W2 (hidden→output)', key: 'train_w2_variance' },
        { panel: 'mean |Δw| per epoch', series: 'W1 (input→hidden)', key: 'train_w1_mean_abs_change' },
        { panel: 'mean |Δw| per epoch', series: 'W2 (hidden→output)', key: 'train_w2_mean_abs_change' },
        { panel: 'silent outputs (%)', series: 'test', key: 'test_silent_output_fraction', scale: 100 },
        ...COST_CURVES,
      ],
      caption:
        'Accuracy, hidden spike rate, energy per test image (SynOps × 0.9 pJ), mean input currents, variance and mean absolute change of both weight matrices, test images without an output spike, training time and TDP × time per epoch.',
    });
    return [{ title: 'Receptive fields', file: 'figs/receptive-fields.png', caption: 'Input→hidden weights learned by STDP, one 28×28 tile per hidden neuron, each scaled to its own range.' }, ...analysis];
  }
}
