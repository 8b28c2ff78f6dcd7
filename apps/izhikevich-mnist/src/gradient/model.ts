import type { MetricValue } from '@snn/cli';
import { type Rng, type SparseSpikes, type Tensor, tensor } from '@snn/core';
import { rateSparse } from '@snn/encoding';
import { Adam, IzhikevichNetwork, type IzhikevichNetworkOutput, type OptimizerState } from '@snn/learning';
import type { ReportFigure } from '@snn/viz';
import type { GradientConfig } from '../config/schemas.js';
import { type Split, gather } from '../data/mnist.js';
import { snnEnergyJoules } from '../metrics/energy.js';
import { spikeRate } from '../metrics/spike-rate.js';
import { ACCURACY_CURVES, COST_CURVES, LOSS_CURVES, saveTrainingAnalysis } from '../report/training-analysis.js';
import { izhikevichNetworkFlops } from '../metrics/synops.js';
import { expectTensor } from '../session/checkpoint.js';
import type { BatchReport, EpochOutcome, Evaluation, FigureContext, ModelState, TrainableModel } from '../session/model.js';
import { OPTIMIZER_PREFIX, optimizerTensors, restoreOptimizer } from '../session/optimizer-state.js';
import { streamSeed } from '../session/streams.js';

/** Images per forward pass during evaluation. */
const EVAL_BATCH = 256;

/** Per-image activity totals accumulated over batches. */
class Activity {
  samples = 0;
  inputSpikes = 0;
  hiddenSpikes = 0;
  outputSpikes = 0;
  synOps = 0;

  add(out: IzhikevichNetworkOutput, samples: number): void {
    this.samples += samples;
    this.inputSpikes += out.inputSpikes;
    this.hiddenSpikes += out.layerSpikes[0];
    this.outputSpikes += out.layerSpikes[out.layerSpikes.length - 1];
    this.synOps += out.synapticOps;
  }

  metrics(sizes: readonly number[], numSteps: number): Record<string, MetricValue> {
    const n = Math.max(1, this.samples);
    return {
      input_spike_rate: spikeRate(this.inputSpikes, sizes[0], numSteps, this.samples),
      hidden_spike_rate: spikeRate(this.hiddenSpikes, sizes[1], numSteps, this.samples),
      output_spike_rate: spikeRate(this.outputSpikes, sizes[sizes.length - 1], numSteps, this.samples),
      synops_per_image: this.synOps / n,
      energy_per_image_j: snnEnergyJoules(this.synOps / n),
    };
  }
}

/**
 * The Izhikevich SNN 784-H-10 trained by surrogate gradients with Adam (the `gradient` command):
 * Poisson rate-coded input over T steps, Izhikevich (2003) neurons, softmax cross-entropy on the
 * output spike counts, BPTT through `IzhikevichNetwork` of @snn/learning.
 */
export class GradientModel implements TrainableModel {
  /** Architecture string. */
  readonly description: string;
  private readonly network: IzhikevichNetwork;
  private readonly optimizer: Adam;
  private readonly config: GradientConfig;
  private readonly sizes: readonly number[];

  /** @param config - the validated `gradient` config */
  constructor(config: GradientConfig) {
    this.config = config;
    const m = config.model;
    this.sizes = [784, m.hidden_size, 10];
    const n = m.neuron;
    this.network = new IzhikevichNetwork({
      sizes: this.sizes,
      neuron: { preset: n.preset, a: n.a, b: n.b, c: n.c, d: n.d, dtMs: n.dt_ms },
      currentScale: m.current_scale,
      surrogateScaleMv: m.surrogate_scale_mv,
      readout: m.readout,
      seed: streamSeed(config.seed, 'weights'),
    });
    const t = config.training;
    this.optimizer = new Adam(this.network.parameters(), { lr: t.learning_rate, beta1: t.beta1, beta2: t.beta2 });
    this.description = `Izhikevich SNN ${this.sizes.join('-')} (${n.preset}), T = ${m.num_steps}, rate coding, surrogate gradient + Adam`;
  }

  /** Weights and biases of both layers. */
  parameterCount(): number {
    return this.network.parameters().reduce((s, p) => s + p.value.length, 0);
  }

  /** Dense-equivalent FLOPs per image (matrix products + neuron updates over T steps). */
  staticMetrics(): Record<string, MetricValue> {
    return { flopsPerImage: izhikevichNetworkFlops(this.sizes, this.config.model.num_steps), numSteps: this.config.model.num_steps };
  }

  private encode(images: Float32Array, count: number, rng: Rng): SparseSpikes {
    return rateSparse(tensor(images, [count, 784]), { numSteps: this.config.model.num_steps, gain: this.config.model.input_gain, rng });
  }

  /**
   * One epoch of surrogate-gradient BPTT with Adam (learning rate per batch from `training.lr_schedule`);
   * logs spike rates, SynOps and energy of the training batches.
   */
  async trainEpoch(split: Split, order: Uint32Array, rng: Rng, onBatch: (batch: BatchReport) => void): Promise<EpochOutcome> {
    const start = performance.now();
    const B = this.config.training.batch_size;
    const activity = new Activity();
    let lossSum = 0;
    let correct = 0;
    const t = this.config.training;
    // Cosine over the whole run, read off Adam's step count (checkpointed), so a resumed run follows the same curve.
    const totalSteps = t.epochs * Math.ceil(order.length / B);
    for (let from = 0; from < order.length; from += B) {
      const idx = order.subarray(from, Math.min(order.length, from + B));
      const { images, labels } = gather(split, idx);
      if (t.lr_schedule === 'cosine') {
        const k = Math.min(this.optimizer.stepCount, totalSteps);
        this.optimizer.lr = (t.learning_rate * (1 + Math.cos((Math.PI * k) / totalSteps))) / 2;
      }
      const result = this.network.trainStep(this.encode(images, idx.length, rng), labels, this.optimizer);
      activity.add(result.output, idx.length);
      lossSum += result.loss * idx.length;
      correct += result.correct;
      onBatch({ samples: idx.length, loss: result.loss, correct: result.correct });
    }
    const samples = order.length;
    return {
      loss: lossSum / Math.max(1, samples),
      accuracy: correct / Math.max(1, samples),
      samples,
      seconds: (performance.now() - start) / 1000,
      extra: activity.metrics(this.sizes, this.config.model.num_steps),
    };
  }

  /** Loss, accuracy, spike rates, SynOps and energy per image on a split. */
  async evaluate(split: Split, rng: Rng): Promise<Evaluation> {
    const start = performance.now();
    const predictions = new Int32Array(split.count);
    const activity = new Activity();
    let lossSum = 0;
    for (let from = 0; from < split.count; from += EVAL_BATCH) {
      const n = Math.min(EVAL_BATCH, split.count - from);
      const spikes = this.encode(split.images.subarray(from * 784, (from + n) * 784), n, rng);
      const result = this.network.evaluateLoss(spikes, split.labels.subarray(from, from + n));
      predictions.set(result.output.predictions, from);
      activity.add(result.output, n);
      lossSum += result.loss * n;
    }
    let correct = 0;
    for (let i = 0; i < split.count; i++) if (predictions[i] === split.labels[i]) correct++;
    return {
      predictions,
      loss: lossSum / Math.max(1, split.count),
      accuracy: correct / Math.max(1, split.count),
      seconds: (performance.now() - start) / 1000,
      extra: activity.metrics(this.sizes, this.config.model.num_steps),
    };
  }

  /** Weights, biases and Adam buffers. */
  getState(): ModelState {
    const tensors: Record<string, Tensor> = {};
    for (const p of this.network.parameters()) tensors[p.name] = tensor(p.value.slice(), [...p.shape], p.name);
    const opt = optimizerTensors(this.optimizer);
    return { tensors: { ...tensors, ...opt.tensors }, meta: { optimizer: opt.scalars, network: this.network.spec } };
  }

  /** Loads weights (shapes checked) and the Adam state. */
  setState(state: ModelState, file: string): void {
    for (const p of this.network.parameters()) {
      if (p.name.startsWith(OPTIMIZER_PREFIX)) continue;
      p.value.set(expectTensor(state.tensors, p.name, p.shape, file).data);
    }
    restoreOptimizer(this.optimizer, state.tensors, state.meta.optimizer as Omit<OptimizerState, 'params'> | undefined, file);
  }

  /**
   * The training-analysis figure: accuracy, loss, hidden spike rate, energy per image (SynOps model), SynOps, and
   * the training time with the seed's TDP × time estimate, against the epoch, as in the seed's analysis plot.
   */
  async figures(context: FigureContext, records: readonly Readonly<Record<string, MetricValue>>[]): Promise<ReportFigure[]> {
    return saveTrainingAnalysis(records, {
      figsDir: context.figsDir,
      title: 'Training analysis: Izhikevich SNN (surrogate gradient)',
      curves: [
        ...ACCURACY_CURVES,
        ...LOSS_CURVES,
        { panel: 'hidden spike rate', series: 'train', key: 'train_hidden_spike_rate' },
        { panel: 'hidden spike rate', series: 'test', key: 'test_hidden_spike_rate' },
        { panel: 'energy per image (µJ)', series: 'test', key: 'test_energy_per_image_j', scale: 1e6 },
        { panel: 'SynOps per image (millions)', series: 'test', key: 'test_synops_per_image', scale: 1e-6 },
        ...COST_CURVES,
      ],
      caption: 'Accuracy, loss, hidden-layer spike rate, energy (SynOps × 0.9 pJ) and SynOps per test image, training time and TDP × time per epoch.',
    });
  }
}
