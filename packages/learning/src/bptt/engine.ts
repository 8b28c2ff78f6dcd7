import type { SparseSpikes } from '@snn/core';
import type { SurrogateFunction } from '@snn/neurons';
import { mseCountLoss } from '../losses/mse-count-loss.js';
import { softmaxCrossEntropy } from '../losses/softmax-cross-entropy.js';
import type { BpttLoss } from './loss.js';

/** One `[Dense → Leaky]` layer as the engine sees it: flat arrays and numeric codes. */
export interface EngineLayer {
  readonly inSize: number;
  readonly outSize: number;
  /** `[inSize, outSize]` row-major. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly beta: number;
  readonly threshold: number;
  /** 0 subtract, 1 zero, 2 none. */
  readonly mechanism: number;
  readonly delayed: boolean;
  readonly residual: boolean;
}

/** Gradient buffers of one layer (added into). */
export interface EngineGrads {
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

/** A range of samples of a spike batch to run forward (and backward when `grads` is set). */
export interface EngineJob {
  readonly spikes: SparseSpikes;
  /** First sample (inclusive) and end (exclusive) within `spikes`. */
  readonly first: number;
  readonly end: number;
  /** Labels indexed like the samples of `spikes`; needed with a loss. */
  readonly labels: ArrayLike<number> | null;
  readonly loss: BpttLoss | null;
  /** The B that losses average over (the whole batch, not only this range). */
  readonly batchSize: number;
  /** Per-layer gradients to add into; null for a forward-only run. */
  readonly grads: readonly EngineGrads[] | null;
  /** Output spike counts `[end − first, classes]`, written. */
  readonly counts: Float32Array;
  /** Output membranes `[end − first, T, classes]`, written when given. */
  readonly membrane: Float32Array | null;
}

/**
 * The spike trains arriving at one layer, grouped per input neuron as runs of
 * consecutive active steps: input `active[k]` is on during
 * `[runStart[r], runEnd[r]]` for `r` in `[runPtr[k], runPtr[k + 1])`.
 */
class InputRuns {
  count = 0;
  readonly active: Int32Array;
  readonly runPtr: Int32Array;
  readonly runStart: Int32Array;
  readonly runEnd: Int32Array;

  constructor(size: number, numSteps: number) {
    this.active = new Int32Array(size);
    this.runPtr = new Int32Array(size + 1);
    const maxRuns = size * ((numSteps + 1) >> 1);
    this.runStart = new Int32Array(maxRuns);
    this.runEnd = new Int32Array(maxRuns);
  }

  /** Reads spikes stored neuron-major (`src[i·T + t]`, 0/1). */
  build(src: Uint8Array, size: number, numSteps: number): void {
    const { active, runPtr, runStart, runEnd } = this;
    let nAct = 0;
    let nRuns = 0;
    for (let i = 0; i < size; i++) {
      const base = i * numSteps;
      const first = nRuns;
      let t = 0;
      while (t < numSteps) {
        if (src[base + t] === 0) {
          t++;
          continue;
        }
        const s = t;
        while (t < numSteps && src[base + t] !== 0) t++;
        runStart[nRuns] = s;
        runEnd[nRuns] = t - 1;
        nRuns++;
      }
      if (nRuns > first) {
        active[nAct] = i;
        runPtr[nAct] = first;
        nAct++;
      }
    }
    runPtr[nAct] = nRuns;
    this.count = nAct;
  }
}

/** Scratch of one layer for one sample. */
class LayerScratch {
  /** Value fed to the spike function per step: U[t] (delayed reset) or the pre-reset P[t] (immediate), `[T, n]`. */
  readonly v: Float64Array;
  /** Output spikes, neuron-major `[n, T]`, 0/1. */
  readonly spikes: Uint8Array;
  /** Runs of this layer's input spikes. */
  readonly runs: InputRuns;

  constructor(inSize: number, outSize: number, numSteps: number) {
    this.v = new Float64Array(numSteps * outSize);
    this.spikes = new Uint8Array(outSize * numSteps);
    this.runs = new InputRuns(inSize, numSteps);
  }
}

const NO_LABELS: ArrayLike<number> = [];

/**
 * Forward and backward pass of a feed-forward LIF network, one sample at a
 * time, event-driven. Not thread-safe: one engine per thread.
 *
 * @remarks
 * Input spikes are grouped per input neuron into runs of consecutive active
 * steps. For each input the engine picks the cheaper of two exact ways to add
 * its weight row into the currents of all steps: directly at every active
 * step (cost: number of spikes), or as a difference `+W` at the start of each
 * run and `−W` after its end, summed over time once (cost: about two per run).
 * The weight gradient uses the same choice with prefix sums over time of
 * dL/dI. Rate-coded MNIST pixels stay on for long runs, so this does a
 * fraction of the row additions of a per-step event-driven pass.
 */
export class BpttEngine {
  private readonly layers: readonly EngineLayer[];
  private readonly surrogate: SurrogateFunction;
  private numSteps = 0;
  private scratch: LayerScratch[] = [];
  private inputSpikes = new Uint8Array(0);
  private cur = new Float64Array(0);
  private diff = new Float64Array(0);
  private gradSpikes = new Float64Array(0);
  private gradMem = new Float64Array(0);
  private readonly mem: Float64Array;
  private readonly acc: Float64Array;
  private outMem = new Float32Array(0);
  private outGrad = new Float32Array(0);
  private stepLabels = new Int32Array(0);
  private readonly outCounts: Float32Array;
  private readonly countGrad: Float32Array;
  private readonly oneLabel = new Int32Array(1);

  constructor(layers: readonly EngineLayer[], surrogate: SurrogateFunction) {
    this.layers = layers;
    this.surrogate = surrogate;
    let maxWidth = 0;
    for (const l of layers) maxWidth = Math.max(maxWidth, l.inSize, l.outSize);
    this.mem = new Float64Array(maxWidth);
    this.acc = new Float64Array(maxWidth);
    const classes = layers[layers.length - 1].outSize;
    this.outCounts = new Float32Array(classes);
    this.countGrad = new Float32Array(classes);
  }

  private ensure(numSteps: number): void {
    if (numSteps === this.numSteps) return;
    this.numSteps = numSteps;
    this.scratch = this.layers.map((l) => new LayerScratch(l.inSize, l.outSize, numSteps));
    let maxWidth = 0;
    for (const l of this.layers) maxWidth = Math.max(maxWidth, l.inSize, l.outSize);
    this.inputSpikes = new Uint8Array(this.layers[0].inSize * numSteps);
    this.cur = new Float64Array(numSteps * maxWidth);
    this.diff = new Float64Array(numSteps * maxWidth);
    this.gradSpikes = new Float64Array(numSteps * maxWidth);
    const classes = this.layers[this.layers.length - 1].outSize;
    this.gradMem = new Float64Array(numSteps * classes);
    this.outMem = new Float32Array(numSteps * classes);
    this.outGrad = new Float32Array(numSteps * classes);
    this.stepLabels = new Int32Array(numSteps);
  }

  /** Runs the job; returns the summed loss of its samples (each already divided by `batchSize`), 0 without a loss. */
  run(job: EngineJob): number {
    const T = job.spikes.numSteps;
    this.ensure(T);
    const last = this.layers.length - 1;
    const classes = this.layers[last].outSize;
    const train = job.grads !== null;
    let lossSum = 0;
    for (let b = job.first; b < job.end; b++) {
      this.loadInput(job.spikes, b);
      for (let l = 0; l <= last; l++) this.forwardLayer(l, T, l === last);
      const local = b - job.first;
      job.counts.set(this.outCounts, local * classes);
      if (job.membrane !== null) job.membrane.set(this.outMem, local * T * classes);
      if (job.loss === null) continue;
      const labels = job.labels ?? NO_LABELS;
      lossSum += this.sampleLoss(job.loss, labels[b], T, job.batchSize, train);
      if (!train) continue;
      const grads = job.grads as readonly EngineGrads[];
      for (let l = last; l >= 0; l--) this.backwardLayer(l, T, l === last ? job.loss.kind === 'membraneCrossEntropy' : false, grads[l]);
    }
    return lossSum;
  }

  /** Fills the layer-0 runs from sample b's CSR rows. */
  private loadInput(spikes: SparseSpikes, b: number): void {
    const T = spikes.numSteps;
    const size = this.layers[0].inSize;
    const src = this.inputSpikes;
    const { offsets, indices } = spikes;
    const row0 = b * T;
    for (let t = 0; t < T; t++) {
      for (let k = offsets[row0 + t]; k < offsets[row0 + t + 1]; k++) src[indices[k] * T + t] = 1;
    }
    this.scratch[0].runs.build(src, size, T);
    for (let t = 0; t < T; t++) {
      for (let k = offsets[row0 + t]; k < offsets[row0 + t + 1]; k++) src[indices[k] * T + t] = 0;
    }
  }

  private forwardLayer(l: number, T: number, isOutput: boolean): void {
    const layer = this.layers[l];
    const sc = this.scratch[l];
    if (l > 0) sc.runs.build(this.scratch[l - 1].spikes, layer.inSize, T);
    this.currents(layer, sc.runs, T);
    this.lif(layer, sc, T, isOutput);
  }

  /** cur[t, :] = bias + Σ_{inputs on at t} W[i, :] (+ residual), by the cheaper of direct adds and run differences. */
  private currents(layer: EngineLayer, runs: InputRuns, T: number): void {
    const n = layer.outSize;
    const w = layer.weight;
    const cur = this.cur;
    const diff = this.diff;
    const size = T * n;
    cur.fill(0, 0, size);
    let usedDiff = false;
    const { active, runPtr, runStart, runEnd } = runs;
    for (let k = 0; k < runs.count; k++) {
      const r0 = runPtr[k];
      const r1 = runPtr[k + 1];
      let direct = 0;
      for (let r = r0; r < r1; r++) direct += runEnd[r] - runStart[r] + 1;
      const viaRuns = 2 * (r1 - r0) - (runEnd[r1 - 1] === T - 1 ? 1 : 0);
      const w0 = active[k] * n;
      if (direct <= viaRuns) {
        for (let r = r0; r < r1; r++) {
          for (let t = runStart[r]; t <= runEnd[r]; t++) {
            const o = t * n;
            for (let j = 0; j < n; j++) cur[o + j] += w[w0 + j];
          }
        }
      } else {
        if (!usedDiff) {
          diff.fill(0, 0, size);
          usedDiff = true;
        }
        for (let r = r0; r < r1; r++) {
          const o = runStart[r] * n;
          for (let j = 0; j < n; j++) diff[o + j] += w[w0 + j];
          if (runEnd[r] + 1 < T) {
            const e = (runEnd[r] + 1) * n;
            for (let j = 0; j < n; j++) diff[e + j] -= w[w0 + j];
          }
        }
      }
    }
    const acc = this.acc;
    const bias = layer.bias;
    for (let j = 0; j < n; j++) acc[j] = bias[j];
    for (let t = 0; t < T; t++) {
      const o = t * n;
      if (usedDiff) for (let j = 0; j < n; j++) acc[j] += diff[o + j];
      for (let j = 0; j < n; j++) cur[o + j] += acc[j];
    }
    if (layer.residual) {
      for (let k = 0; k < runs.count; k++) {
        const i = active[k];
        for (let r = runPtr[k]; r < runPtr[k + 1]; r++) {
          for (let t = runStart[r]; t <= runEnd[r]; t++) cur[t * n + i] += 1;
        }
      }
    }
  }

  /** Runs the LIF neurons over T steps from `cur`, recording v and the spikes (and the output membranes/counts). */
  private lif(layer: EngineLayer, sc: LayerScratch, T: number, isOutput: boolean): void {
    const n = layer.outSize;
    const { beta, threshold, mechanism, delayed } = layer;
    const cur = this.cur;
    const v = sc.v;
    const spk = sc.spikes;
    const mem = this.mem;
    const outMem = this.outMem;
    const counts = this.outCounts;
    mem.fill(0, 0, n);
    if (isOutput) counts.fill(0);
    for (let t = 0; t < T; t++) {
      const o = t * n;
      for (let j = 0; j < n; j++) {
        const prev = mem[j];
        const base = beta * prev + cur[o + j];
        let u: number;
        let fired: boolean;
        if (delayed) {
          const reset = prev > threshold;
          u = mechanism === 0 ? (reset ? base - threshold : base) : mechanism === 1 ? (reset ? 0 : base) : base;
          v[o + j] = u;
          fired = u > threshold;
        } else {
          v[o + j] = base;
          fired = base > threshold;
          u = mechanism === 0 ? (fired ? base - threshold : base) : mechanism === 1 ? (fired ? 0 : base) : base;
        }
        mem[j] = u;
        spk[j * T + t] = fired ? 1 : 0;
        if (isOutput) {
          outMem[o + j] = u;
          if (fired) counts[j] += 1;
        }
      }
    }
  }

  /** Loss of the current sample (divided by the batch size) and, when training, dL/dU or dL/dS of the output layer. */
  private sampleLoss(loss: BpttLoss, label: number, T: number, batchSize: number, train: boolean): number {
    const classes = this.layers[this.layers.length - 1].outSize;
    if (loss.kind === 'membraneCrossEntropy') {
      this.stepLabels.fill(label);
      const grad = train ? this.outGrad : undefined;
      // Mean over the T rows, gradient scaled to (softmax − onehot)/B per step.
      const mean = softmaxCrossEntropy(this.outMem, this.stepLabels, T, classes, grad, T / batchSize);
      if (train) {
        const gm = this.gradMem;
        for (let i = 0; i < T * classes; i++) gm[i] = this.outGrad[i];
      }
      return (mean * T) / batchSize;
    }
    this.oneLabel[0] = label;
    const g = this.countGrad;
    let value: number;
    if (loss.kind === 'countCrossEntropy') {
      value = softmaxCrossEntropy(this.outCounts, this.oneLabel, 1, classes, train ? g : undefined, 1 / batchSize) / batchSize;
    } else {
      const opts = { numSteps: T, correctRate: loss.correctRate, incorrectRate: loss.incorrectRate };
      value = mseCountLoss(this.outCounts, this.oneLabel, 1, classes, opts, train ? g : undefined) / batchSize;
      if (train) for (let c = 0; c < classes; c++) g[c] /= batchSize;
    }
    if (train) {
      const gs = this.gradSpikes;
      for (let t = 0; t < T; t++) for (let c = 0; c < classes; c++) gs[t * classes + c] = g[c];
    }
    return value;
  }

  /**
   * Backward through layer l: dL/dI from dL/dS (`gradSpikes`) and, at the
   * output with a membrane loss, dL/dU (`gradMem`); then dW, db and dL/dS of
   * the layer below.
   */
  private backwardLayer(l: number, T: number, membraneLoss: boolean, grads: EngineGrads): void {
    const layer = this.layers[l];
    const n = layer.outSize;
    const { beta, threshold, mechanism, delayed } = layer;
    const zero = mechanism === 1;
    const v = this.scratch[l].v;
    const gs = this.gradSpikes;
    const gm = this.gradMem;
    const dI = this.cur;
    const sg = this.surrogate;
    const useSpikes = !membraneLoss;
    for (let t = T - 1; t >= 0; t--) {
      const o = t * n;
      const next = o + n;
      const hasNext = t + 1 < T;
      for (let j = 0; j < n; j++) {
        const x = v[o + j];
        const fromSpike = useSpikes ? gs[o + j] * sg.derivative(x - threshold) : 0;
        const carry = (membraneLoss ? gm[o + j] : 0) + (hasNext ? beta * dI[next + j] : 0);
        let d: number;
        if (delayed) {
          d = fromSpike + carry;
          if (zero && t > 0 && v[o - n + j] > threshold) d = 0;
        } else {
          d = zero && x > threshold ? fromSpike : fromSpike + carry;
        }
        dI[o + j] = d;
      }
    }
    this.weightGrads(layer, this.scratch[l].runs, T, grads);
    if (l > 0) this.inputGrads(layer, T);
  }

  /** dW[i, :] += Σ_{t: input i on} dI[t, :] and db += Σ_t dI[t, :], by direct adds or prefix-sum differences. */
  private weightGrads(layer: EngineLayer, runs: InputRuns, T: number, grads: EngineGrads): void {
    const n = layer.outSize;
    const dI = this.cur;
    const prefix = this.diff;
    for (let j = 0; j < n; j++) prefix[j] = dI[j];
    for (let t = 1; t < T; t++) {
      const o = t * n;
      for (let j = 0; j < n; j++) prefix[o + j] = prefix[o - n + j] + dI[o + j];
    }
    const db = grads.bias;
    const lastRow = (T - 1) * n;
    for (let j = 0; j < n; j++) db[j] += prefix[lastRow + j];
    const dw = grads.weight;
    const { active, runPtr, runStart, runEnd } = runs;
    for (let k = 0; k < runs.count; k++) {
      const r0 = runPtr[k];
      const r1 = runPtr[k + 1];
      let direct = 0;
      for (let r = r0; r < r1; r++) direct += runEnd[r] - runStart[r] + 1;
      const viaRuns = 2 * (r1 - r0) - (runStart[r0] === 0 ? 1 : 0);
      const w0 = active[k] * n;
      if (direct <= viaRuns) {
        for (let r = r0; r < r1; r++) {
          for (let t = runStart[r]; t <= runEnd[r]; t++) {
            const o = t * n;
            for (let j = 0; j < n; j++) dw[w0 + j] += dI[o + j];
          }
        }
      } else {
        for (let r = r0; r < r1; r++) {
          const e = runEnd[r] * n;
          if (runStart[r] === 0) {
            for (let j = 0; j < n; j++) dw[w0 + j] += prefix[e + j];
          } else {
            const s = (runStart[r] - 1) * n;
            for (let j = 0; j < n; j++) dw[w0 + j] += prefix[e + j] - prefix[s + j];
          }
        }
      }
    }
  }

  /** gradSpikes[t, i] = Σ_j W[i, j]·dI[t, j] (+ dI[t, i] when residual): dL/dS of the layer below. */
  private inputGrads(layer: EngineLayer, T: number): void {
    const n = layer.outSize;
    const m = layer.inSize;
    const w = layer.weight;
    const dI = this.cur;
    const gs = this.gradSpikes;
    for (let i = 0; i < m; i++) {
      const w0 = i * n;
      for (let t = 0; t < T; t++) {
        const o = t * n;
        let s = 0;
        for (let j = 0; j < n; j++) s += w[w0 + j] * dI[o + j];
        gs[t * m + i] = s;
      }
    }
    if (layer.residual) {
      for (let t = 0; t < T; t++) for (let i = 0; i < m; i++) gs[t * m + i] += dI[t * n + i];
    }
  }
}
