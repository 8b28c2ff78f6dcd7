import { type Backend, type Rng, ShapeError, type Tensor, ValidationError } from '@snn/core';
import { createParameter, type Parameter } from '@snn/learning';
import { denseForward } from '../dense/dense.js';
import { denseBackwardGemm, denseForwardGemm } from '../dense/fast.js';
import { Gemm } from '../gemm/gemm.js';
import type { BaselineModel, LayerSummary } from '../model/model.js';
import type { ReluActivity } from '../relu-activity/relu-activity.js';
import { loadTensorsInto, stateToTensors } from '../model/state.js';

/** Hidden-layer activation functions of {@link Mlp}. */
export type MlpActivation = 'relu' | 'tanh' | 'sigmoid';

const ACTIVATIONS: readonly MlpActivation[] = ['relu', 'tanh', 'sigmoid'];

/** Options of {@link createMlp}. */
export interface MlpOptions {
  /** Layer sizes `[inputs, hidden…, classes]`, at least 2 positive integers, e.g. `[784, 512, 10]`. */
  readonly layers: readonly number[];
  /** Activation after every hidden layer. Default `'relu'`. */
  readonly activation?: MlpActivation;
  /** Dropout probability p after every hidden activation, in [0, 1); applied only in training. Default 0. */
  readonly dropout?: number;
  /** Seeded generator for the initial weights. */
  readonly rng: Rng;
  /** Compute backend for the forward matmuls (`createBackend` of `@snn/core`); omitted or `js`: the WebAssembly-SIMD GEMM path. */
  readonly backend?: Backend;
}

/** Options of {@link Mlp.forward}. */
export interface MlpForwardOptions {
  /** Training mode: dropout on, and the activations kept for {@link Mlp.backward}. Default false. */
  readonly training?: boolean;
  /** Seeded generator for the dropout masks; required in training when dropout > 0. */
  readonly rng?: Rng;
  /** Counts the active units of each ReLU layer (`relu1`, …; before dropout); not used by tanh or sigmoid. */
  readonly activity?: ReluActivity;
}

/**
 * A multilayer perceptron classifier (dense → activation → dropout → … → dense logits) with hand-written backpropagation.
 *
 * @remarks
 * Layer l computes `z = h·Wᵀ + b` (W stored `[out, in]` as in PyTorch's
 * `nn.Linear`); hidden layers then apply the activation and inverted
 * dropout, `h' = act(z) · m / (1 − p)` with `m ~ Bernoulli(1 − p)` in
 * training and `h' = act(z)` in evaluation. The last layer's output are the
 * logits, trained with softmax cross-entropy. Parameters are named
 * `fc1.weight`, `fc1.bias`, `fc2.weight`, … in layer order, and initialised
 * as `nn.Linear` does: W and b ~ U(−1/√in, 1/√in) (Kaiming-uniform with
 * a = √5; He et al., 2015, "Delving Deep into Rectifiers", ICCV).
 * Dropout: Srivastava et al. (2014), JMLR 15. Without a gpu.js backend every
 * matrix product (forward and backward) runs on {@link Gemm}; with one, the
 * forward products run as {@link denseForwardKernel}.
 *
 * @example
 * ```ts
 * const mlp = createMlp({ layers: [784, 512, 10], dropout: 0.3, rng: new Rng(1) });
 * const logits = await mlp.forward(images, 64);           // [64, 10]
 * ```
 */
export class Mlp implements BaselineModel {
  /** Always `'mlp'`. */
  readonly kind = 'mlp' as const;
  /** Layer sizes `[inputs, hidden…, classes]`. */
  readonly layers: readonly number[];
  /** Hidden activation. */
  readonly activation: MlpActivation;
  /** Dropout probability of the hidden layers. */
  readonly dropout: number;
  /** Backend of the forward matmuls; `undefined` for the TypeScript path. */
  readonly backend: Backend | undefined;
  /** Weights per layer, `[out, in]`, named `fc{l}.weight`. */
  readonly weights: readonly Parameter[];
  /** Biases per layer, `[out]`, named `fc{l}.bias`. */
  readonly biases: readonly Parameter[];
  private cache: { batch: number; inputs: Float32Array[]; derivatives: Float32Array[] } | null = null;
  private readonly gemm: Gemm;

  /**
   * Use {@link createMlp}, which validates the options.
   * @param layers - layer sizes
   * @param activation - hidden activation
   * @param dropout - dropout probability
   * @param rng - generator for the initial weights
   * @param backend - backend of the forward matmuls
   */
  constructor(layers: readonly number[], activation: MlpActivation, dropout: number, rng: Rng, backend?: Backend) {
    this.layers = [...layers];
    this.activation = activation;
    this.dropout = dropout;
    this.backend = backend;
    const weights: Parameter[] = [];
    const biases: Parameter[] = [];
    for (let l = 0; l + 1 < layers.length; l++) {
      const fanIn = layers[l];
      const fanOut = layers[l + 1];
      const bound = 1 / Math.sqrt(fanIn);
      const w = new Float32Array(fanOut * fanIn);
      for (let i = 0; i < w.length; i++) w[i] = rng.uniformIn(-bound, bound);
      const b = new Float32Array(fanOut);
      for (let i = 0; i < b.length; i++) b[i] = rng.uniformIn(-bound, bound);
      weights.push(createParameter(`fc${l + 1}.weight`, [fanOut, fanIn], w));
      biases.push(createParameter(`fc${l + 1}.bias`, [fanOut], b));
    }
    this.weights = weights;
    this.biases = biases;
    this.gemm = new Gemm();
  }

  /** Input features per example. */
  get inputs(): number {
    return this.layers[0];
  }

  /** Number of classes (outputs of the last layer). */
  get classes(): number {
    return this.layers[this.layers.length - 1];
  }

  /** The trainable parameters in a stable order: `fc1.weight, fc1.bias, fc2.weight, fc2.bias, …`. */
  parameters(): Parameter[] {
    return this.weights.flatMap((w, l) => [w, this.biases[l]]);
  }

  /** Number of trainable scalars: Σ_l (in·out + out); 407 050 for `[784, 512, 10]`. */
  get parameterCount(): number {
    let n = 0;
    for (let l = 0; l + 1 < this.layers.length; l++) n += this.layers[l] * this.layers[l + 1] + this.layers[l + 1];
    return n;
  }

  /**
   * Floating-point operations of one forward pass for one example.
   *
   * @remarks
   * Convention: 2 FLOPs per multiply-accumulate of the dense layers plus 1 per
   * bias addition, i.e. Σ_l (2·in·out + out); activations, dropout and the
   * softmax are not counted, and zero inputs skipped by the TypeScript path
   * are counted as if computed. 813 578 for `[784, 512, 10]`. A training step
   * costs about 3× this (the backward pass is two matmuls per layer).
   */
  get flopsPerExample(): number {
    let n = 0;
    for (let l = 0; l + 1 < this.layers.length; l++) n += 2 * this.layers[l] * this.layers[l + 1] + this.layers[l + 1];
    return n;
  }

  /** Forward multiply-accumulates per example: Σ_l in·out (406 528 for `[784, 512, 10]`). */
  get macsPerExample(): number {
    let n = 0;
    for (let l = 0; l + 1 < this.layers.length; l++) n += this.layers[l] * this.layers[l + 1];
    return n;
  }

  /** Every layer in order (`fc{l}`, then the activation and, with dropout, `dropout{l}` after each hidden layer); see {@link LayerSummary}. */
  layerSummaries(): LayerSummary[] {
    const out: LayerSummary[] = [];
    for (let l = 0; l + 1 < this.layers.length; l++) {
      const [i, o] = [this.layers[l], this.layers[l + 1]];
      out.push({ name: `fc${l + 1}`, kind: 'dense', outputShape: [o], parameters: i * o + o, macs: i * o, flops: 2 * i * o + o });
      if (l + 2 < this.layers.length) {
        out.push({ name: `${this.activation}${l + 1}`, kind: this.activation, outputShape: [o], parameters: 0, macs: 0, flops: 0 });
        if (this.dropout > 0) out.push({ name: `dropout${l + 1}`, kind: 'dropout', outputShape: [o], parameters: 0, macs: 0, flops: 0 });
      }
    }
    return out;
  }

  /** Copies of every parameter by name (`fc1.weight`, `fc1.bias`, …). */
  stateTensors(): Record<string, Tensor> {
    return stateToTensors(this.parameters());
  }

  /**
   * Overwrites the parameters from tensors by name.
   * @param tensors - every name of {@link Mlp.stateTensors} with the same shape, and no other
   * @throws `CheckpointError` naming a missing, unexpected or mis-shaped tensor
   */
  loadStateTensors(tensors: Readonly<Record<string, Tensor>>): void {
    loadTensorsInto('Mlp', this.parameters(), tensors);
  }

  /** Sets every parameter's gradient to zero. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad.fill(0);
  }

  /**
   * Computes the logits of a batch.
   *
   * @param x - inputs, `[batch, inputs]` row-major (e.g. pixel values in [0, 1])
   * @param batch - number of examples
   * @param opts - training mode and the dropout generator; see {@link MlpForwardOptions}
   * @returns logits, `[batch, classes]`
   * @throws `ShapeError` when `x.length` is not `batch · inputs`;
   *   `ValidationError` in training with dropout but no `rng`
   */
  async forward(x: Float32Array, batch: number, opts: MlpForwardOptions = {}): Promise<Float32Array> {
    if (!Number.isInteger(batch) || batch <= 0) {
      throw new ValidationError('invalid batch size', { field: 'Mlp.forward.batch', expected: 'a positive integer', found: String(batch) });
    }
    if (x.length !== batch * this.inputs) {
      throw new ShapeError('input length does not match batch × inputs', {
        field: 'Mlp.forward.x',
        expected: `${batch * this.inputs} (${batch} × ${this.inputs})`,
        found: `${x.length}`,
      });
    }
    const training = opts.training ?? false;
    const dropout = training ? this.dropout : 0;
    if (dropout > 0 && !opts.rng) {
      throw new ValidationError('training with dropout needs a generator', { field: 'Mlp.forward.rng', expected: 'an Rng', found: 'undefined' });
    }
    const inputs: Float32Array[] = [x];
    const derivatives: Float32Array[] = [];
    const keepScale = 1 / (1 - dropout);
    let h = x;
    const last = this.weights.length - 1;
    for (let l = 0; l <= last; l++) {
      const z = this.backend?.isGpuJs
        ? await denseForward(this.backend, h, this.weights[l].value, this.biases[l].value, batch, this.layers[l], this.layers[l + 1])
        : denseForwardGemm(this.gemm, h, this.weights[l].value, this.biases[l].value, batch, this.layers[l], this.layers[l + 1]);
      if (l === last) {
        h = z;
        break;
      }
      // In place: z becomes h' = act(z)·mask; deriv holds d h'/d z.
      const deriv = training ? new Float32Array(z.length) : null;
      const kind = this.activation;
      let active = 0;
      for (let i = 0; i < z.length; i++) {
        const zi = z[i];
        let a: number;
        let da: number;
        if (kind === 'relu') {
          a = Math.max(zi, 0);
          da = zi > 0 ? 1 : 0;
          active += da;
        } else if (kind === 'tanh') {
          a = Math.tanh(zi);
          da = 1 - a * a;
        } else {
          a = 1 / (1 + Math.exp(-zi));
          da = a * (1 - a);
        }
        const keep = dropout === 0 ? 1 : opts.rng!.uniform() < dropout ? 0 : keepScale;
        z[i] = a * keep;
        if (deriv) deriv[i] = da * keep;
      }
      if (kind === 'relu') opts.activity?.add(`relu${l + 1}`, active, z.length);
      h = z;
      if (deriv) {
        inputs.push(z);
        derivatives.push(deriv);
      }
    }
    this.cache = training ? { batch, inputs, derivatives } : null;
    return h;
  }

  /**
   * Backpropagates dL/dlogits through the batch of the last training-mode {@link Mlp.forward}; adds into every `grad`.
   *
   * @param gradLogits - dL/dlogits, `[batch, classes]` (e.g. from `softmaxCrossEntropy` with a gradient buffer)
   * @throws `ValidationError` when no training-mode forward pass came first;
   *   `ShapeError` when `gradLogits` has the wrong length
   */
  backward(gradLogits: Float32Array): void {
    const cache = this.cache;
    if (!cache) {
      throw new ValidationError('backward needs a training-mode forward pass first', {
        field: 'Mlp.backward',
        expected: 'forward(x, batch, { training: true }) before backward',
        found: 'no cached activations',
      });
    }
    const batch = cache.batch;
    if (gradLogits.length !== batch * this.classes) {
      throw new ShapeError('gradient length does not match batch × classes', {
        field: 'Mlp.backward.gradLogits',
        expected: `${batch * this.classes} (${batch} × ${this.classes})`,
        found: `${gradLogits.length}`,
      });
    }
    let g = gradLogits;
    for (let l = this.weights.length - 1; l >= 0; l--) {
      const fanIn = this.layers[l];
      const gradInput = l > 0 ? new Float32Array(batch * fanIn) : undefined;
      denseBackwardGemm(this.gemm, cache.inputs[l], this.weights[l].value, g, batch, fanIn, this.layers[l + 1], this.weights[l].grad, this.biases[l].grad, gradInput);
      if (gradInput) {
        const deriv = cache.derivatives[l - 1];
        for (let i = 0; i < gradInput.length; i++) gradInput[i] *= deriv[i];
        g = gradInput;
      }
    }
    this.cache = null;
  }
}

/**
 * Makes an {@link Mlp} after validating its options.
 *
 * @param opts - see {@link MlpOptions}
 * @throws `ValidationError` naming the bad option, e.g. `field createMlp.dropout: invalid option; expected a number in [0, 1), found 1`
 * @example
 * ```ts
 * const mlp = createMlp({ layers: [784, 512, 10], activation: 'relu', dropout: 0.3, rng: new Rng(0) });
 * mlp.parameterCount; // 407050
 * ```
 */
export function createMlp(opts: MlpOptions): Mlp {
  const layers = opts?.layers;
  if (!Array.isArray(layers) || layers.length < 2 || !layers.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ValidationError('invalid option', {
      field: 'createMlp.layers',
      expected: 'at least 2 positive integers [inputs, hidden…, classes]',
      found: Array.isArray(layers) ? `[${layers.join(', ')}]` : String(layers),
    });
  }
  const activation = opts.activation ?? 'relu';
  if (!ACTIVATIONS.includes(activation)) {
    throw new ValidationError('invalid option', {
      field: 'createMlp.activation',
      expected: `one of ${ACTIVATIONS.map((a) => JSON.stringify(a)).join(', ')}`,
      found: String(activation),
    });
  }
  const dropout = opts.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new ValidationError('invalid option', { field: 'createMlp.dropout', expected: 'a number in [0, 1)', found: String(dropout) });
  }
  if (!opts.rng || typeof opts.rng.uniformIn !== 'function') {
    throw new ValidationError('invalid option', { field: 'createMlp.rng', expected: 'an Rng from @snn/core', found: String(opts.rng) });
  }
  return new Mlp(layers, activation, dropout, opts.rng, opts.backend);
}
