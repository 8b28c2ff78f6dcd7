import type { SparseSpikes } from '@snn/core';
import type { SurrogateFunction } from '@snn/neurons';
import { mseCountLoss } from '../losses/mse-count-loss.js';
import { softmaxCrossEntropy } from '../losses/softmax-cross-entropy.js';
import type { BpttLoss } from './loss.js';
import { type RowKernels, createRowKernels } from './simd.js';

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

/** Gradient buffers of one layer, `[inSize, outSize]` and `[outSize]`. */
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
  /** Per-layer gradients; null for a forward-only run. */
  readonly grads: readonly EngineGrads[] | null;
  /** true: add the gradients of this range into `grads`; false: overwrite `grads` with them. */
  readonly accumulate: boolean;
  /** Output spike counts `[end − first, classes]`, written. */
  readonly counts: Float32Array;
  /** Output membranes `[end − first, T, classes]`, written when given. */
  readonly membrane: Float32Array | null;
}

/** Index of the lowest set bit of a non-zero 32-bit integer. */
function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
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

  /**
   * Reads spike bit masks: bit `t mod 32` of `masks[base + ⌊t/32⌋·stride + i]`
   * is set when input i spiked at step t (bits at or after T are 0).
   */
  build(masks: Int32Array, base: number, stride: number, size: number, numSteps: number): void {
    const { active, runPtr, runStart, runEnd } = this;
    const words = (numSteps + 31) >> 5;
    let nAct = 0;
    let nRuns = 0;
    for (let i = 0; i < size; i++) {
      const first = nRuns;
      let open = -1;
      for (let w = 0; w < words; w++) {
        const x = masks[base + w * stride + i];
        if (x === 0 && open < 0) continue;
        let pos = 0;
        while (pos < 32) {
          if (open < 0) {
            const rest = x & (-1 << pos);
            if (rest === 0) break;
            pos = lowestBit(rest);
            open = (w << 5) + pos;
          }
          const zeros = ~x & (-1 << pos);
          if (zeros === 0) break;
          pos = lowestBit(zeros);
          runStart[nRuns] = open;
          runEnd[nRuns] = (w << 5) + pos - 1;
          nRuns++;
          open = -1;
        }
      }
      if (open >= 0) {
        runStart[nRuns] = open;
        runEnd[nRuns] = numSteps - 1;
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

/** Where one layer's arrays live in the engine's memory (float indices) and its JavaScript-side records. */
interface LayerSlot {
  readonly layer: EngineLayer;
  /** outSize rounded up to a multiple of 4: the row stride of every `[·, outSize]` array. */
  readonly stride: number;
  /** inSize rounded up to a multiple of 4: the row stride of the transposed weights. */
  readonly inStride: number;
  /** Weights `[inSize, stride]`. */
  readonly w: number;
  /** Transposed weights `[outSize, inStride]` (layers after the first only, for dL/dS of the layer below). */
  readonly wt: number;
  /** Bias `[stride]`. */
  readonly b: number;
  /** Weight gradient `[inSize, stride]`. */
  readonly dw: number;
  /** Bias gradient `[stride]`. */
  readonly db: number;
  /** Value fed to the spike function per step: U[t] (delayed reset) or the pre-reset P[t] (immediate), `[T, stride]`. */
  readonly v: Float32Array;
  /** Output spikes, neuron-major `[outSize, T]`, 0/1. */
  readonly spikes: Uint8Array;
  /** Runs of this layer's input spikes. */
  readonly runs: InputRuns;
}

const NO_LABELS: ArrayLike<number> = [];

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/**
 * Forward and backward pass of a feed-forward LIF network, one sample at a
 * time, event-driven, with the row arithmetic in WebAssembly SIMD. Not
 * thread-safe: one engine per thread.
 *
 * @remarks
 * Input spikes are grouped per input neuron into runs of consecutive active
 * steps. For each input the engine picks the cheaper of two exact ways to add
 * its weight row into the currents of all steps: directly at every active
 * step (cost: its number of spikes), or as a difference, `+W` where a run
 * starts and `−W` after it ends, summed over time once (cost: about two rows
 * per run). The weight gradient makes the same choice with prefix sums over
 * time of dL/dI. Rate-coded MNIST pixels stay on for long runs, so this adds
 * about 690 weight rows per image instead of about 2500 (one per input spike).
 *
 * The engine keeps its own copy of the weights (rows padded to a multiple of
 * 4) in a private WebAssembly memory, refreshed from the layers' arrays at the
 * start of every {@link BpttEngine.run}.
 */
export class BpttEngine {
  private readonly layers: readonly EngineLayer[];
  private readonly surrogate: SurrogateFunction;
  private numSteps = 0;
  private slots: LayerSlot[] = [];
  private kernels: RowKernels | null = null;
  private f = new Float32Array(0);
  private cur = 0;
  private diff = 0;
  private gs = 0;
  private acc = 0;
  private inputSpikes = new Uint8Array(0);
  private readonly mem: Float32Array;
  private outMem = new Float32Array(0);
  private outGrad = new Float32Array(0);
  private gradMem = new Float32Array(0);
  private stepLabels = new Int32Array(0);
  private readonly outCounts: Float32Array;
  private readonly countGrad: Float32Array;
  private readonly oneLabel = new Int32Array(1);

  constructor(layers: readonly EngineLayer[], surrogate: SurrogateFunction) {
    this.layers = layers;
    this.surrogate = surrogate;
    let maxWidth = 0;
    for (const l of layers) maxWidth = Math.max(maxWidth, l.outSize);
    this.mem = new Float32Array(maxWidth);
    const classes = layers[layers.length - 1].outSize;
    this.outCounts = new Float32Array(classes);
    this.countGrad = new Float32Array(classes);
  }

  /** Lays out the memory for T steps (once per T). */
  private ensure(numSteps: number): void {
    if (numSteps === this.numSteps) return;
    this.numSteps = numSteps;
    let top = 0;
    const take = (floats: number): number => {
      const at = top;
      top += (floats + 15) & ~15; // 64-byte aligned regions
      return at;
    };
    let maxStride = 0;
    const offsets = this.layers.map((layer, l) => {
      const stride = pad4(layer.outSize);
      const inStride = pad4(layer.inSize);
      maxStride = Math.max(maxStride, stride, inStride);
      return {
        stride,
        inStride,
        w: take(layer.inSize * stride),
        wt: l > 0 ? take(layer.outSize * inStride) : -1,
        b: take(stride),
        dw: take(layer.inSize * stride),
        db: take(stride),
      };
    });
    this.cur = take(numSteps * maxStride);
    this.diff = take(numSteps * maxStride);
    this.gs = take(numSteps * maxStride);
    this.acc = take(maxStride);
    this.kernels = createRowKernels(4 * top);
    this.f = new Float32Array(this.kernels.memory.buffer);
    this.slots = this.layers.map((layer, l) => ({
      layer,
      ...offsets[l],
      v: new Float32Array(numSteps * offsets[l].stride),
      spikes: new Uint8Array(layer.outSize * numSteps),
      runs: new InputRuns(layer.inSize, numSteps),
    }));
    this.inputSpikes = new Uint8Array(this.layers[0].inSize * numSteps);
    const classes = this.layers[this.layers.length - 1].outSize;
    this.outMem = new Float32Array(numSteps * classes);
    this.outGrad = new Float32Array(numSteps * classes);
    this.gradMem = new Float32Array(numSteps * classes);
    this.stepLabels = new Int32Array(numSteps);
  }

  /** Copies the layers' weights and biases into the engine memory (padded rows, and transposed where needed). */
  private loadWeights(): void {
    const f = this.f;
    for (const slot of this.slots) {
      const { inSize: m, outSize: n, weight, bias } = slot.layer;
      const { stride, inStride } = slot;
      if (stride === n) f.set(weight, slot.w);
      else for (let i = 0; i < m; i++) f.set(weight.subarray(i * n, i * n + n), slot.w + i * stride);
      f.set(bias, slot.b);
      if (slot.wt >= 0) {
        for (let j = 0; j < n; j++) {
          const row = slot.wt + j * inStride;
          for (let i = 0; i < m; i++) f[row + i] = weight[i * n + j];
        }
      }
    }
  }

  /** Runs the job; returns the summed loss of its samples (each already divided by `batchSize`), 0 without a loss. */
  run(job: EngineJob): number {
    const T = job.spikes.numSteps;
    this.ensure(T);
    this.loadWeights();
    const last = this.layers.length - 1;
    const classes = this.layers[last].outSize;
    const train = job.grads !== null && job.loss !== null;
    const f = this.f;
    if (train) {
      for (const slot of this.slots) {
        f.fill(0, slot.dw, slot.dw + slot.layer.inSize * slot.stride);
        f.fill(0, slot.db, slot.db + slot.stride);
      }
    }
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
      const membraneLoss = job.loss.kind === 'membraneCrossEntropy';
      for (let l = last; l >= 0; l--) this.backwardLayer(l, T, l === last && membraneLoss);
    }
    if (train) this.storeGrads(job.grads as readonly EngineGrads[], job.accumulate);
    return lossSum;
  }

  /** Adds (or writes) the engine's gradients into the caller's unpadded arrays. */
  private storeGrads(grads: readonly EngineGrads[], accumulate: boolean): void {
    const f = this.f;
    this.slots.forEach((slot, l) => {
      const { inSize: m, outSize: n } = slot.layer;
      const { weight, bias } = grads[l];
      for (let i = 0; i < m; i++) {
        const src = slot.dw + i * slot.stride;
        const dst = i * n;
        if (accumulate) for (let j = 0; j < n; j++) weight[dst + j] += f[src + j];
        else for (let j = 0; j < n; j++) weight[dst + j] = f[src + j];
      }
      if (accumulate) for (let j = 0; j < n; j++) bias[j] += f[slot.db + j];
      else for (let j = 0; j < n; j++) bias[j] = f[slot.db + j];
    });
  }

  /** Fills the layer-0 runs from sample b's CSR rows. */
  private loadInput(spikes: SparseSpikes, b: number): void {
    const T = spikes.numSteps;
    const src = this.inputSpikes;
    const { offsets, indices } = spikes;
    const row0 = b * T;
    for (let t = 0; t < T; t++) {
      for (let k = offsets[row0 + t]; k < offsets[row0 + t + 1]; k++) src[indices[k] * T + t] = 1;
    }
    this.slots[0].runs.build(src, this.layers[0].inSize, T);
    for (let t = 0; t < T; t++) {
      for (let k = offsets[row0 + t]; k < offsets[row0 + t + 1]; k++) src[indices[k] * T + t] = 0;
    }
  }

  private forwardLayer(l: number, T: number, isOutput: boolean): void {
    const slot = this.slots[l];
    if (l > 0) slot.runs.build(this.slots[l - 1].spikes, slot.layer.inSize, T);
    this.currents(slot, T);
    this.lif(slot, T, isOutput);
  }

  /** cur[t, :] = bias + Σ_{inputs on at t} W[i, :] (+ residual), by the cheaper of direct adds and run differences. */
  private currents(slot: LayerSlot, T: number): void {
    const k = this.kernels as RowKernels;
    const f = this.f;
    const n = slot.stride;
    const rowBytes = 4 * n;
    const cur = this.cur;
    const diff = this.diff;
    const curB = 4 * cur;
    const diffB = 4 * diff;
    const wB = 4 * slot.w;
    f.fill(0, cur, cur + T * n);
    let usedDiff = false;
    const { active, runPtr, runStart, runEnd } = slot.runs;
    for (let a = 0; a < slot.runs.count; a++) {
      const r0 = runPtr[a];
      const r1 = runPtr[a + 1];
      let direct = 0;
      for (let r = r0; r < r1; r++) direct += runEnd[r] - runStart[r] + 1;
      const viaRuns = 2 * (r1 - r0) - (runEnd[r1 - 1] === T - 1 ? 1 : 0);
      const row = wB + active[a] * rowBytes;
      if (direct <= viaRuns) {
        for (let r = r0; r < r1; r++) {
          for (let t = runStart[r]; t <= runEnd[r]; t++) k.addRow(curB + t * rowBytes, row, n);
        }
      } else {
        if (!usedDiff) {
          f.fill(0, diff, diff + T * n);
          usedDiff = true;
        }
        for (let r = r0; r < r1; r++) {
          k.addRow(diffB + runStart[r] * rowBytes, row, n);
          if (runEnd[r] + 1 < T) k.subRow(diffB + (runEnd[r] + 1) * rowBytes, row, n);
        }
      }
    }
    const accB = 4 * this.acc;
    f.copyWithin(this.acc, slot.b, slot.b + n);
    for (let t = 0; t < T; t++) {
      if (usedDiff) k.addRow(accB, diffB + t * rowBytes, n);
      k.addRow(curB + t * rowBytes, accB, n);
    }
    if (slot.layer.residual) {
      for (let a = 0; a < slot.runs.count; a++) {
        const i = active[a];
        for (let r = runPtr[a]; r < runPtr[a + 1]; r++) {
          for (let t = runStart[r]; t <= runEnd[r]; t++) f[cur + t * n + i] += 1;
        }
      }
    }
  }

  /** Runs the LIF neurons over T steps from the currents, recording v and the spikes (and the output membranes/counts). */
  private lif(slot: LayerSlot, T: number, isOutput: boolean): void {
    const { outSize: n, beta, threshold, mechanism, delayed } = slot.layer;
    const stride = slot.stride;
    const f = this.f;
    const cur = this.cur;
    const v = slot.v;
    const spk = slot.spikes;
    const mem = this.mem;
    const outMem = this.outMem;
    const counts = this.outCounts;
    mem.fill(0, 0, n);
    if (isOutput) counts.fill(0);
    for (let t = 0; t < T; t++) {
      const o = t * stride;
      for (let j = 0; j < n; j++) {
        const prev = mem[j];
        const base = Math.fround(beta * prev + f[cur + o + j]);
        let u: number;
        let fired: boolean;
        if (delayed) {
          const reset = prev > threshold;
          u = mechanism === 0 ? (reset ? Math.fround(base - threshold) : base) : mechanism === 1 ? (reset ? 0 : base) : base;
          v[o + j] = u;
          fired = u > threshold;
        } else {
          v[o + j] = base;
          fired = base > threshold;
          u = mechanism === 0 ? (fired ? Math.fround(base - threshold) : base) : mechanism === 1 ? (fired ? 0 : base) : base;
        }
        mem[j] = u;
        spk[j * T + t] = fired ? 1 : 0;
        if (isOutput) {
          outMem[t * n + j] = u;
          if (fired) counts[j] += 1;
        }
      }
    }
  }

  /** Loss of the current sample (divided by the batch size) and, when training, dL/dU or dL/dS of the output layer. */
  private sampleLoss(loss: BpttLoss, label: number, T: number, batchSize: number, train: boolean): number {
    const slot = this.slots[this.slots.length - 1];
    const classes = slot.layer.outSize;
    if (loss.kind === 'membraneCrossEntropy') {
      this.stepLabels.fill(label);
      // Mean over the T rows, gradient scaled to (softmax − onehot)/B per step.
      const mean = softmaxCrossEntropy(this.outMem, this.stepLabels, T, classes, train ? this.gradMem : undefined, T / batchSize);
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
      const f = this.f;
      for (let t = 0; t < T; t++) for (let c = 0; c < classes; c++) f[this.gs + t * slot.stride + c] = g[c];
    }
    return value;
  }

  /**
   * Backward through layer l: dL/dI from dL/dS (in `gs`) or, at the output
   * with a membrane loss, from dL/dU (`gradMem`); then dW, db and dL/dS of
   * the layer below.
   */
  private backwardLayer(l: number, T: number, membraneLoss: boolean): void {
    const slot = this.slots[l];
    const { outSize: n, beta, threshold, mechanism, delayed } = slot.layer;
    const stride = slot.stride;
    const zero = mechanism === 1;
    const f = this.f;
    const v = slot.v;
    const gs = this.gs;
    const gm = this.gradMem;
    const dI = this.cur;
    const sg = this.surrogate;
    for (let t = T - 1; t >= 0; t--) {
      const o = t * stride;
      const hasNext = t + 1 < T;
      for (let j = 0; j < n; j++) {
        const x = v[o + j];
        const fromSpike = membraneLoss ? 0 : f[gs + o + j] * sg.derivative(x - threshold);
        const carry = (membraneLoss ? gm[t * n + j] : 0) + (hasNext ? beta * f[dI + o + stride + j] : 0);
        let d: number;
        if (delayed) {
          d = zero && t > 0 && v[o - stride + j] > threshold ? 0 : fromSpike + carry;
        } else {
          d = zero && x > threshold ? fromSpike : fromSpike + carry;
        }
        f[dI + o + j] = d;
      }
    }
    this.weightGrads(slot, T);
    if (l > 0) this.inputGrads(slot, T);
  }

  /** dW[i, :] += Σ_{t: input i on} dI[t, :] and db += Σ_t dI[t, :], by direct adds or prefix-sum differences. */
  private weightGrads(slot: LayerSlot, T: number): void {
    const k = this.kernels as RowKernels;
    const f = this.f;
    const n = slot.stride;
    const rowBytes = 4 * n;
    const dIB = 4 * this.cur;
    const prefix = this.diff;
    const pB = 4 * prefix;
    f.copyWithin(prefix, this.cur, this.cur + n);
    for (let t = 1; t < T; t++) k.sumRows(pB + t * rowBytes, pB + (t - 1) * rowBytes, dIB + t * rowBytes, n);
    k.addRow(4 * slot.db, pB + (T - 1) * rowBytes, n);
    const dwB = 4 * slot.dw;
    const { active, runPtr, runStart, runEnd } = slot.runs;
    for (let a = 0; a < slot.runs.count; a++) {
      const r0 = runPtr[a];
      const r1 = runPtr[a + 1];
      let direct = 0;
      for (let r = r0; r < r1; r++) direct += runEnd[r] - runStart[r] + 1;
      const viaRuns = 2 * (r1 - r0) - (runStart[r0] === 0 ? 1 : 0);
      const row = dwB + active[a] * rowBytes;
      if (direct <= viaRuns) {
        for (let r = r0; r < r1; r++) {
          for (let t = runStart[r]; t <= runEnd[r]; t++) k.addRow(row, dIB + t * rowBytes, n);
        }
      } else {
        for (let r = r0; r < r1; r++) {
          const e = pB + runEnd[r] * rowBytes;
          if (runStart[r] === 0) k.addRow(row, e, n);
          else k.addDiff(row, e, pB + (runStart[r] - 1) * rowBytes, n);
        }
      }
    }
  }

  /** gs[t, i] = Σ_j W[i, j]·dI[t, j] (+ dI[t, i] when residual): dL/dS of the layer below, as rows of Wᵀ scaled by dI. */
  private inputGrads(slot: LayerSlot, T: number): void {
    const k = this.kernels as RowKernels;
    const f = this.f;
    const n = slot.layer.outSize;
    const stride = slot.stride;
    const m = slot.inStride;
    const gs = this.gs;
    const dI = this.cur;
    f.fill(0, gs, gs + T * m);
    for (let t = 0; t < T; t++) {
      const gRow = 4 * (gs + t * m);
      const o = dI + t * stride;
      for (let j = 0; j < n; j++) {
        const d = f[o + j];
        if (d !== 0) k.axpy(gRow, 4 * (slot.wt + j * m), d, m);
      }
      if (slot.layer.residual) k.addRow(gRow, 4 * o, m);
    }
  }
}
