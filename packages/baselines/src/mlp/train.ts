import { type Rng, ShapeError, ValidationError } from '@snn/core';
import { type Optimizer, softmaxCrossEntropy } from '@snn/learning';
import type { BaselineModel } from '../model/model.js';
import type { Mlp } from './mlp.js';

/** Options of {@link trainMlpEpoch}. */
export interface TrainMlpEpochOptions {
  /** Examples per optimiser step (positive integer); the last batch may be smaller. */
  readonly batchSize: number;
  /** Optimiser over `mlp.parameters()` (e.g. `Adam` from `@snn/learning`). */
  readonly optimizer: Optimizer;
  /** Seeded generator for the shuffle and the dropout masks. */
  readonly rng: Rng;
  /** Called after every batch with its index (0-based), the number of batches and the batch's mean loss. */
  readonly onBatch?: (index: number, batches: number, loss: number) => void;
}

/** Mean loss and accuracy over a pass through a data set. */
export interface EpochMetrics {
  /** Mean softmax cross-entropy per example, in nats. */
  readonly loss: number;
  /** Fraction of examples whose largest logit is the label, in [0, 1]. */
  readonly accuracy: number;
  /** Number of examples seen. */
  readonly examples: number;
  /** Number of batches. */
  readonly batches: number;
  /** Wall-clock time of the pass, in seconds. */
  readonly seconds: number;
}

/** Options of {@link evaluateMlp}. */
export interface EvaluateMlpOptions {
  /** Examples per forward pass (positive integer). Default 1000. */
  readonly batchSize?: number;
}

function checkData(owner: string, mlp: BaselineModel, images: Float32Array, labels: ArrayLike<number>): number {
  const n = labels.length;
  if (n === 0) {
    throw new ValidationError('no examples', { field: `${owner}.labels`, expected: 'at least one label', found: '0' });
  }
  if (images.length !== n * mlp.inputs) {
    throw new ShapeError('images do not match labels × inputs', {
      field: `${owner}.images`,
      expected: `${n * mlp.inputs} (${n} × ${mlp.inputs})`,
      found: `${images.length}`,
    });
  }
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= mlp.classes) {
      throw new ValidationError('label out of range', { field: `${owner}.labels[${i}]`, expected: `an integer in [0, ${mlp.classes})`, found: String(y) });
    }
  }
  return n;
}

function checkBatchSize(owner: string, batchSize: unknown): number {
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize <= 0) {
    throw new ValidationError('invalid option', { field: `${owner}.batchSize`, expected: 'a positive integer', found: String(batchSize) });
  }
  return batchSize;
}

/** Number of rows whose largest logit (first on ties) is the label. */
function countCorrect(logits: Float32Array, labels: ArrayLike<number>, batch: number, classes: number): number {
  let correct = 0;
  for (let b = 0; b < batch; b++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[b * classes + c] > logits[b * classes + best]) best = c;
    if (best === labels[b]) correct++;
  }
  return correct;
}

/**
 * Trains an MLP for one epoch: shuffle, then for each mini-batch forward (with dropout), softmax cross-entropy, backward, optimiser step.
 *
 * @remarks
 * The order is a permutation from `opts.rng`; every example is used once,
 * the last batch holding the remainder (PyTorch's `DataLoader(shuffle=True,
 * drop_last=False)`). The loss of a batch is its mean; the reported loss and
 * accuracy are means over examples, measured in training mode (with dropout).
 *
 * @param mlp - the model; its parameters must be the optimiser's
 * @param images - inputs, `[n, inputs]` row-major
 * @param labels - class per example, `n` integers in [0, classes)
 * @param opts - batch size, optimiser, generator; see {@link TrainMlpEpochOptions}
 * @returns the epoch's mean loss, accuracy and time
 * @throws `ShapeError` when images and labels disagree; `ValidationError` for a bad label or option
 * @example
 * ```ts
 * const mlp = createMlp({ layers: [784, 512, 10], dropout: 0.3, rng: new Rng(1) });
 * const optimizer = new Adam(mlp.parameters(), { lr: 1e-3 });
 * const m = await trainMlpEpoch(mlp, trainImages, trainLabels, { batchSize: 128, optimizer, rng: new Rng(2) });
 * ```
 */
export async function trainMlpEpoch(mlp: Mlp, images: Float32Array, labels: ArrayLike<number>, opts: TrainMlpEpochOptions): Promise<EpochMetrics> {
  return trainEpochOf('trainMlpEpoch', mlp, images, labels, opts);
}

/** The training epoch of {@link trainMlpEpoch} and {@link trainBaselineEpoch}, with errors named after `owner`. */
export async function trainEpochOf(
  owner: string,
  mlp: BaselineModel,
  images: Float32Array,
  labels: ArrayLike<number>,
  opts: TrainMlpEpochOptions,
): Promise<EpochMetrics> {
  const start = performance.now();
  const n = checkData(owner, mlp, images, labels);
  const batchSize = checkBatchSize(owner, opts?.batchSize);
  const { optimizer, rng } = opts;
  const inputs = mlp.inputs;
  const classes = mlp.classes;
  const order = rng.permutation(n);
  const batches = Math.ceil(n / batchSize);
  const x = new Float32Array(batchSize * inputs);
  const y = new Int32Array(batchSize);
  const grad = new Float32Array(batchSize * classes);
  let lossSum = 0;
  let correct = 0;
  for (let k = 0; k < batches; k++) {
    const from = k * batchSize;
    const size = Math.min(batchSize, n - from);
    for (let b = 0; b < size; b++) {
      const e = order[from + b];
      x.set(images.subarray(e * inputs, (e + 1) * inputs), b * inputs);
      y[b] = labels[e];
    }
    const xb = x.subarray(0, size * inputs);
    const yb = y.subarray(0, size);
    const gb = grad.subarray(0, size * classes);
    optimizer.zeroGrad();
    const logits = await mlp.forward(xb, size, { training: true, rng });
    const loss = softmaxCrossEntropy(logits, yb, size, classes, gb);
    mlp.backward(gb);
    optimizer.step();
    lossSum += loss * size;
    correct += countCorrect(logits, yb, size, classes);
    opts.onBatch?.(k, batches, loss);
  }
  return { loss: lossSum / n, accuracy: correct / n, examples: n, batches, seconds: (performance.now() - start) / 1000 };
}

/**
 * Mean softmax cross-entropy and accuracy of an MLP on a data set, in evaluation mode (no dropout).
 *
 * @param mlp - the model
 * @param images - inputs, `[n, inputs]` row-major
 * @param labels - class per example, `n` integers in [0, classes)
 * @param opts - batch size; see {@link EvaluateMlpOptions}
 * @returns mean loss, accuracy and time (`batches` counts the forward passes)
 * @throws `ShapeError` when images and labels disagree; `ValidationError` for a bad label or option
 */
export async function evaluateMlp(mlp: Mlp, images: Float32Array, labels: ArrayLike<number>, opts: EvaluateMlpOptions = {}): Promise<EpochMetrics> {
  return evaluateOf('evaluateMlp', mlp, images, labels, opts);
}

/** The evaluation of {@link evaluateMlp} and {@link evaluateBaseline}, with errors named after `owner`. */
export async function evaluateOf(
  owner: string,
  mlp: BaselineModel,
  images: Float32Array,
  labels: ArrayLike<number>,
  opts: EvaluateMlpOptions = {},
): Promise<EpochMetrics> {
  const start = performance.now();
  const n = checkData(owner, mlp, images, labels);
  const batchSize = checkBatchSize(owner, opts?.batchSize ?? 1000);
  const inputs = mlp.inputs;
  const classes = mlp.classes;
  const y = new Int32Array(batchSize);
  let lossSum = 0;
  let correct = 0;
  let batches = 0;
  for (let from = 0; from < n; from += batchSize) {
    const size = Math.min(batchSize, n - from);
    for (let b = 0; b < size; b++) y[b] = labels[from + b];
    const yb = y.subarray(0, size);
    const logits = await mlp.forward(images.subarray(from * inputs, (from + size) * inputs), size);
    lossSum += softmaxCrossEntropy(logits, yb, size, classes) * size;
    correct += countCorrect(logits, yb, size, classes);
    batches++;
  }
  return { loss: lossSum / n, accuracy: correct / n, examples: n, batches, seconds: (performance.now() - start) / 1000 };
}
