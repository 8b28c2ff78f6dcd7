import type { MetricValue } from '@snn/cli';
import type { Rng, Tensor } from '@snn/core';
import { type BaselineModel, ReluActivity } from '@snn/baselines';
import { Adam, type OptimizerState, softmaxCrossEntropy } from '@snn/learning';
import type { ReportFigure } from '@snn/viz';
import type { Split } from '../data/mnist.js';
import { gather } from '../data/mnist.js';
import { annEnergyJoules } from '../metrics/energy.js';
import { ACCURACY_CURVES, COST_CURVES, LOSS_CURVES, saveTrainingAnalysis } from '../report/training-analysis.js';
import type { BatchReport, EpochOutcome, Evaluation, FigureContext, ModelState, TrainableModel } from '../session/model.js';
import { OPTIMIZER_PREFIX, optimizerTensors, restoreOptimizer } from '../session/optimizer-state.js';

/** Training settings of a baseline. */
export interface BaselineTraining {
  /** Images per batch. */
  readonly batch_size: number;
  /** Adam learning rate. */
  readonly learning_rate: number;
  /** Adam β1. */
  readonly beta1: number;
  /** Adam β2. */
  readonly beta2: number;
}

/**
 * The "equivalent spike rate" of a baseline: the fraction of its ReLU units that were active (output > 0), over
 * all ReLU layers and per layer (`<layer>_active_fraction`). The seed's mlp.py / cnn.py assume 50 % for this; here it
 * is counted on the images seen.
 */
function activityMetrics(activity: ReluActivity): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = { equivalent_spike_rate: activity.fraction() };
  for (const layer of activity.layers()) out[`${layer}_active_fraction`] = activity.fraction(layer);
  return out;
}

function argmaxRows(logits: Float32Array, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (logits[r * cols + c] > logits[r * cols + best]) best = c;
    out[r] = best;
  }
  return out;
}

/**
 * Wraps an MLP or CNN of @snn/baselines as a {@link TrainableModel}: Adam on softmax cross-entropy,
 * with parameter, MAC, FLOP and energy figures (energy = MACs × 4.6 pJ, Horowitz 2014).
 */
export class BaselineAdapter implements TrainableModel {
  /** Architecture string. */
  readonly description: string;
  private readonly model: BaselineModel;
  private readonly optimizer: Adam;
  private readonly training: BaselineTraining;

  /**
   * @param model - the network
   * @param training - batch size and Adam settings
   * @param description - architecture string for logs and the report
   */
  constructor(model: BaselineModel, training: BaselineTraining, description: string) {
    this.model = model;
    this.training = training;
    this.description = description;
    this.optimizer = new Adam(model.parameters(), { lr: training.learning_rate, beta1: training.beta1, beta2: training.beta2 });
  }

  /** Trainable scalars. */
  parameterCount(): number {
    return this.model.parameterCount;
  }

  /** MACs, FLOPs and energy per image of one forward pass. */
  staticMetrics(): Record<string, MetricValue> {
    return {
      macsPerImage: this.model.macsPerExample,
      flopsPerImage: this.model.flopsPerExample,
      energyPerImageJ: annEnergyJoules(this.model.macsPerExample),
    };
  }

  /** One epoch of mini-batch Adam on softmax cross-entropy (dropout active); logs the fraction of active ReLUs. */
  async trainEpoch(split: Split, order: Uint32Array, rng: Rng, onBatch: (batch: BatchReport) => void): Promise<EpochOutcome> {
    const start = performance.now();
    const B = this.training.batch_size;
    let lossSum = 0;
    let correct = 0;
    const C = this.model.classes;
    const activity = new ReluActivity();
    for (let from = 0; from < order.length; from += B) {
      const idx = order.subarray(from, Math.min(order.length, from + B));
      const { images, labels } = gather(split, idx);
      const n = idx.length;
      for (const p of this.model.parameters()) p.grad.fill(0);
      const logits = await this.model.forward(images, n, { training: true, rng, activity });
      const grad = new Float32Array(n * C);
      const loss = softmaxCrossEntropy(logits, labels, n, C, grad);
      this.model.backward(grad);
      this.optimizer.step();
      const predicted = argmaxRows(logits, n, C);
      let right = 0;
      for (let k = 0; k < n; k++) if (predicted[k] === labels[k]) right++;
      lossSum += loss * n;
      correct += right;
      onBatch({ samples: n, loss, correct: right });
    }
    const samples = order.length;
    return { loss: lossSum / Math.max(1, samples), accuracy: correct / Math.max(1, samples), samples, seconds: (performance.now() - start) / 1000, extra: activityMetrics(activity) };
  }

  /** Accuracy, loss, predictions and the fraction of active ReLUs (equivalent spike rate) on a split (inference mode). */
  async evaluate(split: Split): Promise<Evaluation> {
    const start = performance.now();
    const C = this.model.classes;
    const predictions = new Int32Array(split.count);
    let lossSum = 0;
    const activity = new ReluActivity();
    const B = 1000;
    for (let from = 0; from < split.count; from += B) {
      const n = Math.min(B, split.count - from);
      const images = split.images.subarray(from * 784, (from + n) * 784);
      const labels = split.labels.subarray(from, from + n);
      const logits = await this.model.forward(images, n, { training: false, activity });
      lossSum += softmaxCrossEntropy(logits, labels, n, C) * n;
      predictions.set(argmaxRows(logits, n, C), from);
    }
    let correct = 0;
    for (let i = 0; i < split.count; i++) if (predictions[i] === split.labels[i]) correct++;
    return {
      predictions,
      loss: lossSum / Math.max(1, split.count),
      accuracy: correct / Math.max(1, split.count),
      seconds: (performance.now() - start) / 1000,
      extra: { macs_per_image: this.model.macsPerExample, energy_per_image_j: annEnergyJoules(this.model.macsPerExample), ...activityMetrics(activity) },
    };
  }

  /** Weights, BN statistics and Adam buffers. */
  getState(): ModelState {
    const opt = optimizerTensors(this.optimizer);
    return { tensors: { ...this.model.stateTensors(), ...opt.tensors }, meta: { optimizer: opt.scalars } };
  }

  /** Loads weights (and Adam state when saved). */
  setState(state: ModelState, file: string): void {
    const weights: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(state.tensors)) if (!name.startsWith(OPTIMIZER_PREFIX)) weights[name] = t;
    this.model.loadStateTensors(weights);
    restoreOptimizer(this.optimizer, state.tensors, state.meta.optimizer as Omit<OptimizerState, 'params'> | undefined, file);
  }

  /**
   * The training-analysis figure (the seed's mlp.py / cnn.py `training_analysis.png`): accuracy, loss, the
   * equivalent spike rate (fraction of active ReLUs, counted rather than the seed's assumed 50 %), training time and
   * TDP × time per epoch.
   */
  async figures(context: FigureContext, records: readonly Readonly<Record<string, MetricValue>>[]): Promise<ReportFigure[]> {
    return saveTrainingAnalysis(records, {
      figsDir: context.figsDir,
      title: `Training analysis: ${this.description}`,
      curves: [
        ...ACCURACY_CURVES,
        ...LOSS_CURVES,
        { panel: 'equivalent spike rate (%)', series: 'train', key: 'train_equivalent_spike_rate', scale: 100 },
        { panel: 'equivalent spike rate (%)', series: 'test', key: 'test_equivalent_spike_rate', scale: 100 },
        ...COST_CURVES,
      ],
      caption: 'Accuracy, loss, equivalent spike rate (fraction of ReLU units with output > 0, all ReLU layers), training time and TDP × time per epoch.',
    });
  }
}
