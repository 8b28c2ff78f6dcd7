import { type Backend, type Rng, ShapeError, type Tensor, ValidationError } from '@snn/core';
import { createParameter, type Parameter } from '@snn/learning';
import { type BatchNormCache, batchNormBackward, batchNormForward } from '../batch-norm/batch-norm.js';
import { conv2dForward } from '../conv2d/conv2d.js';
import { conv2dBackwardGemm, conv2dForwardGemm, im2col } from '../conv2d/fast.js';
import type { Conv2dShape } from '../conv2d/shape.js';
import { denseForward } from '../dense/dense.js';
import { denseBackwardGemm, denseForwardGemm } from '../dense/fast.js';
import { dropoutBackward, dropoutForward, reluBackward, reluForward } from '../elementwise/elementwise.js';
import { Gemm } from '../gemm/gemm.js';
import { maxPool2dBackward, maxPool2dForward } from '../max-pool/max-pool.js';
import type { BaselineForwardOptions, BaselineModel, LayerSummary } from '../model/model.js';
import { loadTensorsInto, type StateEntry, stateToTensors } from '../model/state.js';

/** Options of {@link createCnn}; the defaults build the seed's MNIST CNN. */
export interface CnnOptions {
  /** Seeded generator for the initial weights. */
  readonly rng: Rng;
  /** Backend of the conv2d and dense forward passes (`createBackend` of `@snn/core`); omitted or `js`: the im2col + WebAssembly-SIMD GEMM path. */
  readonly backend?: Backend;
  /** Filters of the two convolutions. Default `[32, 64]`. */
  readonly channels?: readonly [number, number];
  /** Units of the hidden dense layer. Default 512. */
  readonly hidden?: number;
  /** Number of classes. Default 10. */
  readonly classes?: number;
  /** Side of the square single-channel input image, in pixels. Default 28. */
  readonly imageSize?: number;
  /** Side of the square convolution kernels, in pixels. Default 3. */
  readonly kernelSize?: number;
  /** Dropout probability after the hidden dense layer, in [0, 1). Default 0.3. */
  readonly dropout?: number;
  /** Batch-norm momentum (PyTorch convention: weight of the new batch statistic), in [0, 1]. Default 0.1. */
  readonly bnMomentum?: number;
  /** Batch-norm ε, > 0. Default 1e-5. */
  readonly bnEps?: number;
}

/** Weights and bias of a dense layer of {@link Cnn}. */
export interface DenseParameters {
  /** Weights `[outputs, inputs]` (PyTorch `nn.Linear` layout). */
  readonly weight: Parameter;
  /** Biases `[outputs]`. */
  readonly bias: Parameter;
}

/** One conv → batch norm → ReLU → max-pool stage. */
interface Stage {
  readonly index: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly inSize: number;
  readonly convSize: number;
  readonly poolSize: number;
  readonly weight: Parameter;
  readonly bias: Parameter;
  readonly gamma: Parameter;
  readonly beta: Parameter;
  readonly runningMean: Float32Array;
  readonly runningVar: Float32Array;
}

interface StageCache {
  readonly x: Float32Array;
  cols: Float32Array | null;
  readonly bn: BatchNormCache<Float32Array>;
  readonly relu: Float32Array;
  readonly argmax: Int32Array;
}

interface Cache {
  readonly batch: number;
  readonly stages: StageCache[];
  readonly flat: Float32Array;
  readonly hidden: Float32Array;
  readonly mask: Float32Array;
  readonly dropped: Float32Array;
}

/** Largest batch one evaluation-mode forward pass computes at once; larger batches are split. */
const EVALUATION_CHUNK = 128;

function uniformInit(rng: Rng, n: number, bound: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniformIn(-bound, bound);
  return a;
}

/**
 * A convolutional classifier: two conv → batch norm → ReLU → 2×2 max-pool stages, then dense → ReLU → dropout → dense logits.
 *
 * @remarks
 * With the defaults (MNIST, 28×28×1): conv 32 3×3 (valid) → BN → ReLU →
 * pool → conv 64 3×3 → BN → ReLU → pool → flatten 64·5·5 = 1600 → dense 512
 * → ReLU → dropout 0.3 → dense 10; 843 850 parameters and 3 249 280
 * multiply-accumulates per example (see {@link BaselineModel} for the
 * counting convention). Layers and initialisation are PyTorch's (`nn.Conv2d`,
 * `nn.BatchNorm2d` with momentum 0.1 and ε 1e-5, `nn.MaxPool2d(2)`,
 * `nn.Linear`; weights and biases ~ U(−1/√fan_in, 1/√fan_in), γ = 1, β = 0),
 * and the parameter names are PyTorch's state-dict names (`conv1.weight`,
 * `bn1.weight`, `bn1.running_mean`, …, `fc2.bias`). Flattening is in (C, H, W) order.
 * The implementation pools before the ReLU, which gives the same values and
 * gradients (max-pool and ReLU commute) with a quarter of the ReLU work.
 *
 * Compute: without a gpu.js backend the convolutions run as im2col +
 * {@link Gemm} (WebAssembly SIMD) and the dense layers as {@link Gemm}, forward
 * and backward; with a gpu.js backend the conv2d and dense forward passes run
 * as {@link conv2dForwardKernel} and {@link denseForwardKernel} (the backward
 * pass stays on the CPU path). Batch norm: Ioffe & Szegedy (2015), ICML;
 * dropout: Srivastava et al. (2014), JMLR 15.
 *
 * @example
 * ```ts
 * const cnn = createCnn({ rng: new Rng(0) });
 * const logits = await cnn.forward(images, 64, { training: true, rng }); // [64, 10]
 * ```
 */
export class Cnn implements BaselineModel {
  /** Always `'cnn'`. */
  readonly kind = 'cnn' as const;
  /** Backend of the forward conv2d and dense passes; `undefined` for the GEMM path. */
  readonly backend: Backend | undefined;
  /** Side of the square input image, in pixels. */
  readonly imageSize: number;
  /** Side of the convolution kernels, in pixels. */
  readonly kernelSize: number;
  /** Units of the hidden dense layer. */
  readonly hidden: number;
  /** Number of classes. */
  readonly classes: number;
  /** Dropout probability after the hidden dense layer. */
  readonly dropout: number;
  /** Batch-norm momentum. */
  readonly bnMomentum: number;
  /** Batch-norm ε. */
  readonly bnEps: number;
  /** Hidden dense layer weights `fc1.weight` `[hidden, features]` and bias `fc1.bias`. */
  readonly fc1: DenseParameters;
  /** Output dense layer weights `fc2.weight` `[classes, hidden]` and bias `fc2.bias`. */
  readonly fc2: DenseParameters;
  private readonly stages: Stage[];
  private readonly gemm: Gemm;
  private cache: Cache | null = null;
  private readonly scratchArrays = new Map<string, Float32Array>();

  /**
   * Use {@link createCnn}, which validates the options.
   * @param opts - validated options with every default filled in
   */
  constructor(opts: Required<Omit<CnnOptions, 'backend'>> & { readonly backend?: Backend }) {
    this.backend = opts.backend;
    this.imageSize = opts.imageSize;
    this.kernelSize = opts.kernelSize;
    this.hidden = opts.hidden;
    this.classes = opts.classes;
    this.dropout = opts.dropout;
    this.bnMomentum = opts.bnMomentum;
    this.bnEps = opts.bnEps;
    const rng = opts.rng;
    const k = opts.kernelSize;
    const stages: Stage[] = [];
    let size = opts.imageSize;
    let cin = 1;
    for (let s = 0; s < 2; s++) {
      const cout = opts.channels[s];
      const fanIn = cin * k * k;
      const bound = 1 / Math.sqrt(fanIn);
      const convSize = size - k + 1;
      const i = s + 1;
      stages.push({
        index: i,
        inChannels: cin,
        outChannels: cout,
        inSize: size,
        convSize,
        poolSize: Math.floor(convSize / 2),
        weight: createParameter(`conv${i}.weight`, [cout, cin, k, k], uniformInit(rng, cout * fanIn, bound)),
        bias: createParameter(`conv${i}.bias`, [cout], uniformInit(rng, cout, bound)),
        gamma: createParameter(`bn${i}.weight`, [cout], new Float32Array(cout).fill(1)),
        beta: createParameter(`bn${i}.bias`, [cout]),
        runningMean: new Float32Array(cout),
        runningVar: new Float32Array(cout).fill(1),
      });
      size = Math.floor(convSize / 2);
      cin = cout;
    }
    this.stages = stages;
    const features = this.features;
    const b1 = 1 / Math.sqrt(features);
    const b2 = 1 / Math.sqrt(opts.hidden);
    this.fc1 = {
      weight: createParameter('fc1.weight', [opts.hidden, features], uniformInit(rng, opts.hidden * features, b1)),
      bias: createParameter('fc1.bias', [opts.hidden], uniformInit(rng, opts.hidden, b1)),
    };
    this.fc2 = {
      weight: createParameter('fc2.weight', [opts.classes, opts.hidden], uniformInit(rng, opts.classes * opts.hidden, b2)),
      bias: createParameter('fc2.bias', [opts.classes], uniformInit(rng, opts.classes, b2)),
    };
    this.gemm = new Gemm();
  }

  /** Input values per example: imageSize². */
  get inputs(): number {
    return this.imageSize * this.imageSize;
  }

  /** Filters of the two convolutions. */
  get channels(): readonly [number, number] {
    return [this.stages[0].outChannels, this.stages[1].outChannels];
  }

  /** Features after the second pooling (the input size of `fc1`): C₂·P₂² (1600 for the defaults). */
  get features(): number {
    const last = this.stages[this.stages.length - 1];
    return last.outChannels * last.poolSize * last.poolSize;
  }

  /** The trainable parameters in state-dict order: conv1, bn1, conv2, bn2 (weight, bias each), fc1, fc2. */
  parameters(): Parameter[] {
    return [...this.stages.flatMap((s) => [s.weight, s.bias, s.gamma, s.beta]), this.fc1.weight, this.fc1.bias, this.fc2.weight, this.fc2.bias];
  }

  /** Every layer in order; see {@link LayerSummary}. */
  layerSummaries(): LayerSummary[] {
    const out: LayerSummary[] = [];
    const k = this.kernelSize;
    for (const s of this.stages) {
      const conv = [s.outChannels, s.convSize, s.convSize];
      const pool = [s.outChannels, s.poolSize, s.poolSize];
      out.push({
        name: `conv${s.index}`,
        kind: 'conv2d',
        outputShape: conv,
        parameters: s.weight.value.length + s.bias.value.length,
        macs: s.convSize * s.convSize * s.outChannels * s.inChannels * k * k,
        flops: s.convSize * s.convSize * s.outChannels * (2 * s.inChannels * k * k + 1),
      });
      out.push({ name: `bn${s.index}`, kind: 'batchNorm', outputShape: conv, parameters: 2 * s.outChannels, macs: 0, flops: 0 });
      out.push({ name: `relu${s.index}`, kind: 'relu', outputShape: conv, parameters: 0, macs: 0, flops: 0 });
      out.push({ name: `pool${s.index}`, kind: 'maxPool', outputShape: pool, parameters: 0, macs: 0, flops: 0 });
    }
    const f = this.features;
    out.push({ name: 'flatten', kind: 'flatten', outputShape: [f], parameters: 0, macs: 0, flops: 0 });
    out.push({ name: 'fc1', kind: 'dense', outputShape: [this.hidden], parameters: f * this.hidden + this.hidden, macs: f * this.hidden, flops: (2 * f + 1) * this.hidden });
    out.push({ name: 'relu3', kind: 'relu', outputShape: [this.hidden], parameters: 0, macs: 0, flops: 0 });
    out.push({ name: 'dropout', kind: 'dropout', outputShape: [this.hidden], parameters: 0, macs: 0, flops: 0 });
    out.push({
      name: 'fc2',
      kind: 'dense',
      outputShape: [this.classes],
      parameters: this.hidden * this.classes + this.classes,
      macs: this.hidden * this.classes,
      flops: (2 * this.hidden + 1) * this.classes,
    });
    return out;
  }

  /** Trainable scalars: 843 850 for the defaults. */
  get parameterCount(): number {
    return this.layerSummaries().reduce((s, l) => s + l.parameters, 0);
  }

  /** Forward multiply-accumulates per example: 3 249 280 for the defaults. */
  get macsPerExample(): number {
    return this.layerSummaries().reduce((s, l) => s + l.macs, 0);
  }

  /** Forward FLOPs per example, 2·MACs + bias additions: 6 528 458 for the defaults. */
  get flopsPerExample(): number {
    return this.layerSummaries().reduce((sum, l) => sum + l.flops, 0);
  }

  private stateEntries(): StateEntry[] {
    const entries: StateEntry[] = [];
    for (const s of this.stages) {
      entries.push(s.weight, s.bias, s.gamma, s.beta);
      entries.push({ name: `bn${s.index}.running_mean`, shape: [s.outChannels], value: s.runningMean });
      entries.push({ name: `bn${s.index}.running_var`, shape: [s.outChannels], value: s.runningVar });
    }
    entries.push(this.fc1.weight, this.fc1.bias, this.fc2.weight, this.fc2.bias);
    return entries;
  }

  /** Copies of the parameters and the batch-norm running statistics (`bn{i}.running_mean`, `bn{i}.running_var`), by name. */
  stateTensors(): Record<string, Tensor> {
    return stateToTensors(this.stateEntries());
  }

  /**
   * Overwrites the parameters and running statistics from tensors by name.
   * @param tensors - every name of {@link Cnn.stateTensors} with the same shape, and no other
   * @throws `CheckpointError` naming a missing, unexpected or mis-shaped tensor
   */
  loadStateTensors(tensors: Readonly<Record<string, Tensor>>): void {
    loadTensorsInto('Cnn', this.stateEntries(), tensors);
  }

  /**
   * Computes the logits of a batch.
   *
   * @param x - images, `[batch, imageSize²]` row-major (e.g. pixel values in [0, 1])
   * @param batch - number of examples
   * @param opts - training mode and the dropout generator; see {@link BaselineForwardOptions}
   * @returns logits, `[batch, classes]`
   * @throws `ShapeError` when `x.length` is not `batch · inputs`; `ValidationError` in training with dropout but no `rng`
   */
  async forward(x: Float32Array, batch: number, opts: BaselineForwardOptions = {}): Promise<Float32Array> {
    if (!Number.isInteger(batch) || batch <= 0) {
      throw new ValidationError('invalid batch size', { field: 'Cnn.forward.batch', expected: 'a positive integer', found: String(batch) });
    }
    if (x.length !== batch * this.inputs) {
      throw new ShapeError('input length does not match batch × inputs', {
        field: 'Cnn.forward.x',
        expected: `${batch * this.inputs} (${batch} × ${this.inputs})`,
        found: `${x.length}`,
      });
    }
    const training = opts.training ?? false;
    if (training && this.dropout > 0 && !opts.rng) {
      throw new ValidationError('training with dropout needs a generator', { field: 'Cnn.forward.rng', expected: 'an Rng', found: 'undefined' });
    }
    if (!training && batch > EVALUATION_CHUNK) {
      // Evaluation in chunks keeps the im2col rows small (a 1000-image batch would need 139 MB for conv2).
      const logits = new Float32Array(batch * this.classes);
      for (let from = 0; from < batch; from += EVALUATION_CHUNK) {
        const size = Math.min(EVALUATION_CHUNK, batch - from);
        logits.set(await this.forward(x.subarray(from * this.inputs, (from + size) * this.inputs), size, { activity: opts.activity }), from * this.classes);
      }
      this.cache = null;
      return logits;
    }
    const gpu = this.backend?.isGpuJs === true;
    const stageCaches: StageCache[] = [];
    let h = x;
    for (const s of this.stages) {
      const shape = this.convShape(s, batch);
      let z: Float32Array;
      let cols: Float32Array | null = null;
      if (gpu) {
        z = await conv2dForward(this.backend, h, s.weight.value, s.bias.value, shape);
      } else {
        const colsLength = batch * s.convSize * s.convSize * s.inChannels * this.kernelSize * this.kernelSize;
        // In training the im2col rows are kept for the backward pass (one training step at a time); in evaluation they are scratch.
        cols = this.scratch(`${training ? 'cols' : 'evalCols'}${s.index}`, colsLength);
        const work = this.scratch('work', batch * s.convSize * s.convSize * s.outChannels);
        z = conv2dForwardGemm(this.gemm, h, s.weight.value, s.bias.value, shape, cols, work);
      }
      const bnShape = { batch, channels: s.outChannels, spatial: s.convSize * s.convSize };
      const { y, cache } = batchNormForward(z, s.gamma.value, s.beta.value, s.runningMean, s.runningVar, bnShape, {
        training,
        momentum: this.bnMomentum,
        eps: this.bnEps,
      });
      // max-pool(ReLU(v)) = ReLU(max-pool(v)) (ReLU is monotone): pooling first applies the ReLU to a quarter of the values.
      // The stage's ReLU units are those of the feature map before pooling (its shape in layerSummaries()).
      opts.activity?.record(`relu${s.index}`, y);
      const pooled = maxPool2dForward(y, { batch, channels: s.outChannels, height: s.convSize, width: s.convSize });
      const relu = reluForward(pooled.y);
      stageCaches.push({ x: h, cols, bn: cache, relu, argmax: pooled.argmax });
      h = relu;
    }
    const flat = h;
    const f = this.features;
    const z1 = gpu
      ? await denseForward(this.backend, flat, this.fc1.weight.value, this.fc1.bias.value, batch, f, this.hidden)
      : denseForwardGemm(this.gemm, flat, this.fc1.weight.value, this.fc1.bias.value, batch, f, this.hidden);
    const hidden = reluForward(z1);
    opts.activity?.record('relu3', z1);
    let dropped: Float32Array = hidden;
    let mask: Float32Array = new Float32Array(0);
    if (training && this.dropout > 0) {
      const d = dropoutForward(hidden, this.dropout, opts.rng as Rng);
      dropped = d.y;
      mask = d.mask;
    }
    const logits = gpu
      ? await denseForward(this.backend, dropped, this.fc2.weight.value, this.fc2.bias.value, batch, this.hidden, this.classes)
      : denseForwardGemm(this.gemm, dropped, this.fc2.weight.value, this.fc2.bias.value, batch, this.hidden, this.classes);
    this.cache = training ? { batch, stages: stageCaches, flat, hidden, mask, dropped } : null;
    return logits;
  }

  /** A reused scratch array of exactly n floats (contents undefined). */
  private scratch(key: string, n: number): Float32Array {
    let a = this.scratchArrays.get(key);
    if (!a || a.length !== n) {
      a = new Float32Array(n);
      this.scratchArrays.set(key, a);
    }
    return a;
  }

  private convShape(s: Stage, batch: number): Conv2dShape {
    return { batch, inChannels: s.inChannels, height: s.inSize, width: s.inSize, outChannels: s.outChannels, kernelSize: this.kernelSize };
  }

  /**
   * Backpropagates dL/dlogits through the batch of the last training-mode {@link Cnn.forward}; adds into every `grad`.
   *
   * @param gradLogits - dL/dlogits, `[batch, classes]` (e.g. from `softmaxCrossEntropy` with a gradient buffer)
   * @throws `ValidationError` when no training-mode forward pass came first; `ShapeError` when `gradLogits` has the wrong length
   */
  backward(gradLogits: Float32Array): void {
    const cache = this.cache;
    if (!cache) {
      throw new ValidationError('backward needs a training-mode forward pass first', {
        field: 'Cnn.backward',
        expected: 'forward(x, batch, { training: true }) before backward',
        found: 'no cached activations',
      });
    }
    const batch = cache.batch;
    if (gradLogits.length !== batch * this.classes) {
      throw new ShapeError('gradient length does not match batch × classes', {
        field: 'Cnn.backward.gradLogits',
        expected: `${batch * this.classes} (${batch} × ${this.classes})`,
        found: `${gradLogits.length}`,
      });
    }
    const gemm = this.gemm;
    const f = this.features;
    let gHidden = new Float32Array(batch * this.hidden);
    denseBackwardGemm(gemm, cache.dropped, this.fc2.weight.value, gradLogits, batch, this.hidden, this.classes, this.fc2.weight.grad, this.fc2.bias.grad, gHidden);
    if (cache.mask.length > 0) gHidden = dropoutBackward(gHidden, cache.mask);
    const gz1 = reluBackward(gHidden, cache.hidden);
    let g = new Float32Array(batch * f);
    denseBackwardGemm(gemm, cache.flat, this.fc1.weight.value, gz1, batch, f, this.hidden, this.fc1.weight.grad, this.fc1.bias.grad, g);
    for (let i = this.stages.length - 1; i >= 0; i--) {
      const s = this.stages[i];
      const c = cache.stages[i];
      const convLength = batch * s.outChannels * s.convSize * s.convSize;
      const gBn = maxPool2dBackward(reluBackward(g, c.relu), c.argmax, convLength);
      const gConv = batchNormBackward(gBn, c.bn, s.gamma.value, { batch, channels: s.outChannels, spatial: s.convSize * s.convSize }, s.gamma.grad, s.beta.grad);
      const shape = this.convShape(s, batch);
      const kk = s.inChannels * this.kernelSize * this.kernelSize;
      const rows = batch * s.convSize * s.convSize;
      if (!c.cols) {
        c.cols = new Float32Array(rows * kk);
        im2col(c.x, shape, c.cols);
      }
      const work = this.scratch('work', rows * s.outChannels);
      if (i > 0) {
        const gx = new Float32Array(c.x.length);
        conv2dBackwardGemm(gemm, c.cols, s.weight.value, gConv, shape, s.weight.grad, s.bias.grad, work, gx, this.scratch('colsWork', rows * kk));
        g = gx;
      } else {
        conv2dBackwardGemm(gemm, c.cols, s.weight.value, gConv, shape, s.weight.grad, s.bias.grad, work);
      }
    }
    this.cache = null;
  }
}

/**
 * Makes a {@link Cnn} after validating its options.
 *
 * @param opts - see {@link CnnOptions}
 * @throws `ValidationError` naming the bad option, e.g. `field createCnn.dropout: invalid option; expected a number in [0, 1), found 1`
 * @example
 * ```ts
 * const cnn = createCnn({ rng: new Rng(0) });
 * cnn.parameterCount; // 843850
 * cnn.macsPerExample; // 3249280
 * ```
 */
export function createCnn(opts: CnnOptions): Cnn {
  const bad = (field: string, expected: string, found: unknown): ValidationError =>
    new ValidationError('invalid option', { field: `createCnn.${field}`, expected, found: Array.isArray(found) ? `[${found.join(', ')}]` : String(found) });
  if (!opts?.rng || typeof opts.rng.uniformIn !== 'function') throw bad('rng', 'an Rng from @snn/core', opts?.rng);
  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
  const channels = opts.channels ?? [32, 64];
  if (!Array.isArray(channels) || channels.length !== 2 || !channels.every(positive)) throw bad('channels', 'two positive integers', channels);
  const hidden = opts.hidden ?? 512;
  if (!positive(hidden)) throw bad('hidden', 'a positive integer', hidden);
  const classes = opts.classes ?? 10;
  if (!positive(classes) || classes < 2) throw bad('classes', 'an integer ≥ 2', classes);
  const kernelSize = opts.kernelSize ?? 3;
  if (!positive(kernelSize)) throw bad('kernelSize', 'a positive integer', kernelSize);
  const imageSize = opts.imageSize ?? 28;
  // Two stages of conv (−(K−1)) and pool (÷2) must leave at least one pixel.
  const after = Math.floor((Math.floor((imageSize - kernelSize + 1) / 2) - kernelSize + 1) / 2);
  if (!positive(imageSize) || imageSize - kernelSize + 1 < 2 || after < 1) {
    throw bad('imageSize', `an integer large enough for two conv ${kernelSize}×${kernelSize} + pool 2 stages`, imageSize);
  }
  const dropout = opts.dropout ?? 0.3;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw bad('dropout', 'a number in [0, 1)', dropout);
  const bnMomentum = opts.bnMomentum ?? 0.1;
  if (typeof bnMomentum !== 'number' || !(bnMomentum >= 0 && bnMomentum <= 1)) throw bad('bnMomentum', 'a number in [0, 1]', bnMomentum);
  const bnEps = opts.bnEps ?? 1e-5;
  if (typeof bnEps !== 'number' || !(bnEps > 0) || !Number.isFinite(bnEps)) throw bad('bnEps', 'a finite number > 0', bnEps);
  return new Cnn({ rng: opts.rng, backend: opts.backend, channels: [channels[0], channels[1]], hidden, classes, imageSize, kernelSize, dropout, bnMomentum, bnEps });
}
