// A small spiking network trained by backpropagation through time, written so
// that its dense products run on the chosen compute backend: the gpu.js
// kernel of @snn/neurons (`denseForwardKernel`: WebGL 2 in the browser, cpu
// in Node) or its TypeScript reference on `js`. The LIF dynamics and their
// backward pass are element-wise and stay in TypeScript.
import { type Backend, Rng } from '@snn/core';
import { Adam, createParameter, type Parameter } from '@snn/learning';
import { createDense, type DenseLayer, denseForward, denseForwardKernel } from '@snn/neurons';

/** Settings of {@link BrowserSnn}. */
export interface SnnOptions {
  /** Layer widths, input first, e.g. `[784, 64, 10]`. */
  readonly sizes: readonly number[];
  /** Time steps per sample (T). */
  readonly steps: number;
  /** Membrane decay per step (β). */
  readonly beta: number;
  /** Firing threshold (θ). */
  readonly threshold: number;
  /** Slope k of the fast-sigmoid surrogate 1 / (1 + k·|u − θ|)². */
  readonly slope: number;
  /** Adam learning rate. */
  readonly lr: number;
  /** Seed of the initial weights. */
  readonly seed: number;
}

/** Default settings: 784-64-10 LIF, 8 steps, snnTorch's β, θ and surrogate slope. */
export const DEFAULT_SNN: SnnOptions = Object.freeze({ sizes: [784, 64, 10], steps: 8, beta: 0.9, threshold: 1, slope: 25, lr: 5e-3, seed: 1 });

/** What one forward pass keeps: per layer, membranes and spikes `[T·B, n]` (time-major rows `t·B + b`). */
export interface SnnTrace {
  readonly batch: number;
  readonly inputs: Float32Array[];
  readonly membranes: Float32Array[];
  readonly spikes: Float32Array[];
  /** Mean output membrane over time `[B, C]`: the logits. */
  readonly logits: Float32Array;
}

interface Layer {
  readonly weight: Parameter;
  readonly bias: Parameter;
  readonly inSize: number;
  readonly outSize: number;
}

/** `x[rows, inSize] · w[inSize, outSize] + bias` on the backend (gpu.js kernel) or by the TypeScript reference. */
export function matmul(backend: Backend, x: Float32Array, rows: number, w: Float32Array, inSize: number, outSize: number, bias: Float32Array): Promise<Float32Array> | Float32Array {
  const layer: DenseLayer = { inSize, outSize, weight: w, bias, residual: false };
  return backend.isGpuJs ? denseForwardKernel(backend, x, rows, layer) : denseForward(x, rows, layer);
}

/** Transpose of a row-major `[rows, cols]` matrix. */
export function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c];
  return out;
}

/**
 * LIF layers (snnTorch `Leaky`: `u[t] = β·u[t−1] + I[t] − θ·s[t−1]`, spike
 * `s[t] = u[t] > θ`, reset detached from the gradient), trained by BPTT with
 * a fast-sigmoid surrogate (Zenke & Ganguli 2018) and cross-entropy on the
 * output layer's membrane averaged over time.
 */
export class BrowserSnn {
  readonly options: SnnOptions;
  readonly layers: Layer[];
  private readonly optimizer: Adam;
  private readonly zeros = new Map<number, Float32Array>();

  constructor(
    readonly backend: Backend,
    options: SnnOptions = DEFAULT_SNN,
  ) {
    this.options = options;
    const rng = new Rng(options.seed);
    this.layers = [];
    for (let l = 1; l < options.sizes.length; l++) {
      const inSize = options.sizes[l - 1];
      const outSize = options.sizes[l];
      const dense = createDense(inSize, outSize, rng);
      this.layers.push({
        inSize,
        outSize,
        weight: createParameter(`fc${l}.weight`, [inSize, outSize], dense.weight),
        bias: createParameter(`fc${l}.bias`, [outSize], dense.bias),
      });
    }
    this.optimizer = new Adam(this.layers.flatMap((l) => [l.weight, l.bias]), { lr: options.lr });
  }

  private zero(n: number): Float32Array {
    let z = this.zeros.get(n);
    if (!z) {
      z = new Float32Array(n);
      this.zeros.set(n, z);
    }
    return z;
  }

  /** Runs `input` (spikes `[T·B, inputs]`, time-major) through every layer. */
  async forward(input: Float32Array, batch: number): Promise<SnnTrace> {
    const { steps: T, beta, threshold } = this.options;
    const rows = T * batch;
    const inputs: Float32Array[] = [];
    const membranes: Float32Array[] = [];
    const spikes: Float32Array[] = [];
    let x = input;
    for (const layer of this.layers) {
      const n = layer.outSize;
      const current = await matmul(this.backend, x, rows, layer.weight.value, layer.inSize, n, layer.bias.value);
      const mem = new Float32Array(rows * n);
      const spk = new Float32Array(rows * n);
      const u = new Float32Array(batch * n);
      const prev = new Float32Array(batch * n);
      for (let t = 0; t < T; t++) {
        const at = t * batch * n;
        for (let k = 0; k < batch * n; k++) {
          const v = beta * u[k] + current[at + k] - threshold * prev[k];
          u[k] = v;
          mem[at + k] = v;
          const s = v > threshold ? 1 : 0;
          spk[at + k] = s;
          prev[k] = s;
        }
      }
      inputs.push(x);
      membranes.push(mem);
      spikes.push(spk);
      x = spk;
    }
    const C = this.layers[this.layers.length - 1].outSize;
    const out = membranes[membranes.length - 1];
    const logits = new Float32Array(batch * C);
    for (let t = 0; t < T; t++) for (let k = 0; k < batch * C; k++) logits[k] += out[t * batch * C + k] / T;
    return { batch, inputs, membranes, spikes, logits };
  }

  /**
   * One Adam step on a batch.
   * @returns the mean cross-entropy and the number of correct predictions (before the step)
   */
  async trainBatch(input: Float32Array, labels: ArrayLike<number>, batch: number): Promise<{ loss: number; correct: number; trace: SnnTrace }> {
    const trace = await this.forward(input, batch);
    const { steps: T, beta, threshold, slope } = this.options;
    const rows = T * batch;
    const C = this.layers[this.layers.length - 1].outSize;
    const { probabilities, loss, correct } = crossEntropy(trace.logits, labels, batch, C);
    // d(loss)/d(mem[t]) of the output layer: (softmax − one-hot) / (B·T) at every step.
    let direct: Float32Array | null = new Float32Array(rows * C);
    for (let b = 0; b < batch; b++) {
      for (let c = 0; c < C; c++) {
        const g = (probabilities[b * C + c] - (labels[b] === c ? 1 : 0)) / (batch * T);
        for (let t = 0; t < T; t++) direct[(t * batch + b) * C + c] = g;
      }
    }
    let fromAbove: Float32Array | null = null; // d(loss)/d(spikes) of this layer, [T·B, n]
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l];
      const n = layer.outSize;
      const mem = trace.membranes[l];
      const dI = new Float32Array(rows * n);
      const du = new Float32Array(batch * n);
      for (let t = T - 1; t >= 0; t--) {
        const at = t * batch * n;
        for (let k = 0; k < batch * n; k++) {
          const x = mem[at + k] - threshold;
          const surrogate = 1 / (1 + slope * Math.abs(x)) ** 2;
          const g = (direct ? direct[at + k] : 0) + (fromAbove ? fromAbove[at + k] * surrogate : 0) + beta * du[k];
          du[k] = g;
          dI[at + k] = g;
        }
      }
      // dW = Xᵀ·dI and db = Σ_rows dI; the input gradient dX = dI·Wᵀ feeds the layer below.
      const xT = transpose(trace.inputs[l], rows, layer.inSize);
      layer.weight.grad.set(await matmul(this.backend, xT, layer.inSize, dI, rows, n, this.zero(n)));
      const db = layer.bias.grad;
      db.fill(0);
      for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) db[j] += dI[r * n + j];
      if (l > 0) {
        const wT = transpose(layer.weight.value, layer.inSize, n);
        fromAbove = await matmul(this.backend, dI, rows, wT, n, layer.inSize, this.zero(layer.inSize));
      }
      direct = null;
    }
    this.optimizer.step();
    return { loss, correct, trace };
  }
}

/** Softmax cross-entropy of logits `[B, C]`; also the probabilities and the number of correct argmax predictions. */
export function crossEntropy(logits: Float32Array, labels: ArrayLike<number>, batch: number, classes: number): { probabilities: Float32Array; loss: number; correct: number } {
  const probabilities = softmaxRows(logits, batch, classes);
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < batch; b++) {
    loss -= Math.log(Math.max(probabilities[b * classes + labels[b]], 1e-12));
    if (argmax(logits, b * classes, classes) === labels[b]) correct++;
  }
  return { probabilities, loss: loss / batch, correct };
}

/** Row-wise softmax of `[rows, cols]`. */
export function softmaxRows(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < cols; c++) max = Math.max(max, x[r * cols + c]);
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(x[r * cols + c] - max);
      out[r * cols + c] = e;
      sum += e;
    }
    for (let c = 0; c < cols; c++) out[r * cols + c] /= sum;
  }
  return out;
}

/** Index of the largest of `count` values starting at `offset`. */
export function argmax(x: ArrayLike<number>, offset: number, count: number): number {
  let best = 0;
  for (let i = 1; i < count; i++) if (x[offset + i] > x[offset + best]) best = i;
  return best;
}
