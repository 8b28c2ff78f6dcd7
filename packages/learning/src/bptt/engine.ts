import type { SparseSpikes } from '@snn/core';
import type { SurrogateFunction } from '@snn/neurons';
import { mseCountLoss } from '../losses/mse-count-loss.js';
import { softmaxCrossEntropy } from '../losses/softmax-cross-entropy.js';
import type { BpttLoss } from './loss.js';
import { InputRuns } from '../compose/events.js';
import { type SimdKernels, createSimdKernels } from './simd.js';

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

/** Where one layer's arrays live in the engine memory (float indices) and its JavaScript-side state. */
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
  /** Membrane state `[stride]`. */
  readonly mem: number;
  /**
   * Value fed to the spike function, `[T + 1, stride]` with a zero row first:
   * row t + 1 holds U[t] (delayed reset) or the pre-reset P[t] (immediate).
   */
  readonly v: number;
  /** Output spikes as bit masks, `[⌈T/32⌉, stride]` int32: bit t mod 32 of word ⌊t/32⌋. */
  readonly masks: number;
  /** Runs of this layer's input spikes. */
  readonly runs: InputRuns;
}

const NO_LABELS: ArrayLike<number> = [];

/** target[to + j] += source[from + j] for j < n (unrolled by 4). */
export function addInto(target: Float32Array, to: number, source: Float32Array, from: number, n: number): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    target[to + j] += source[from + j];
    target[to + j + 1] += source[from + j + 1];
    target[to + j + 2] += source[from + j + 2];
    target[to + j + 3] += source[from + j + 3];
  }
  for (; j < n; j++) target[to + j] += source[from + j];
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * Forward and backward pass of a feed-forward LIF network, one sample at a
 * time, event-driven, with the arithmetic in WebAssembly SIMD. Not
 * thread-safe: one engine per thread.
 *
 * @remarks
 * Input spikes are grouped per input neuron into runs of consecutive active
 * steps. For each input the engine picks the cheapest of three exact ways to
 * add its weight row into the currents of all steps: directly at every active
 * step (cost: its number of spikes k); as a difference, `+W` where a run
 * starts and `−W` after it ends, summed over time once (about two rows per
 * run); or `+W` at every step and `−W` at the inactive ones (1 + T − k rows).
 * The weight gradient makes the same choice with prefix sums over time of
 * dL/dI. Rate-coded MNIST pixels stay on for long runs, so this adds about
 * 600 weight rows per image instead of about 2500 (one per input spike).
 * The LIF dynamics forward and backward run as f32x4 kernels over whole rows.
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
  private kernels: SimdKernels | null = null;
  private f = new Float32Array(0);
  private fi = new Int32Array(0);
  private cur = 0;
  private diff = 0;
  private gs = 0;
  private gm = 0;
  private zeros = 0;
  private sg = 0;
  private acc = 0;
  private inputMasks = new Int32Array(0);
  private outMem = new Float32Array(0);
  private gradMem = new Float32Array(0);
  private stepLabels = new Int32Array(0);
  private readonly outCounts: Float32Array;
  private readonly countGrad: Float32Array;
  private readonly oneLabel = new Int32Array(1);

  constructor(layers: readonly EngineLayer[], surrogate: SurrogateFunction) {
    this.layers = layers;
    this.surrogate = surrogate;
    const classes = layers[layers.length - 1].outSize;
    this.outCounts = new Float32Array(classes);
    this.countGrad = new Float32Array(classes);
  }

  /** Lays out the memory for T steps (once per T). */
  private ensure(numSteps: number): void {
    if (numSteps === this.numSteps) return;
    this.numSteps = numSteps;
    const words = (numSteps + 31) >> 5;
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
        mem: take(stride),
        v: take((numSteps + 1) * stride),
        masks: take(words * stride),
      };
    });
    this.cur = take((numSteps + 1) * maxStride);
    this.diff = take(numSteps * maxStride);
    this.gs = take(numSteps * maxStride);
    this.gm = take(numSteps * maxStride);
    this.zeros = take(numSteps * maxStride);
    this.sg = take(numSteps * maxStride);
    this.acc = take(maxStride);
    this.kernels = createSimdKernels(4 * top);
    this.f = new Float32Array(this.kernels.memory.buffer);
    this.fi = new Int32Array(this.kernels.memory.buffer);
    this.slots = this.layers.map((layer, l) => ({ layer, ...offsets[l], runs: new InputRuns(layer.inSize, numSteps) }));
    this.inputMasks = new Int32Array(words * this.layers[0].inSize);
    const classes = this.layers[this.layers.length - 1].outSize;
    this.outMem = new Float32Array(numSteps * classes);
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
      for (let l = 0; l <= last; l++) this.forwardLayer(l, T);
      this.readOutput(T);
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
      if (accumulate) {
        for (let i = 0; i < m; i++) addInto(weight, i * n, f, slot.dw + i * slot.stride, n);
        addInto(bias, 0, f, slot.db, n);
      } else {
        if (slot.stride === n) weight.set(f.subarray(slot.dw, slot.dw + m * n));
        else for (let i = 0; i < m; i++) weight.set(f.subarray(slot.dw + i * slot.stride, slot.dw + i * slot.stride + n), i * n);
        bias.set(f.subarray(slot.db, slot.db + n));
      }
    });
  }

  /** Builds the layer-0 runs from sample b's CSR rows. */
  private loadInput(spikes: SparseSpikes, b: number): void {
    const T = spikes.numSteps;
    const size = this.layers[0].inSize;
    const masks = this.inputMasks;
    const { offsets, indices } = spikes;
    const row0 = b * T;
    for (let t = 0; t < T; t++) {
      const word = (t >> 5) * size;
      const bit = 1 << (t & 31);
      for (let k = offsets[row0 + t]; k < offsets[row0 + t + 1]; k++) masks[word + indices[k]] |= bit;
    }
    const runs = this.slots[0].runs;
    runs.build(masks, 0, size, size, T);
    const words = (T + 31) >> 5;
    for (let a = 0; a < runs.count; a++) for (let w = 0; w < words; w++) masks[w * size + runs.active[a]] = 0;
  }

  private forwardLayer(l: number, T: number): void {
    const slot = this.slots[l];
    const { beta, threshold, mechanism, delayed } = slot.layer;
    if (l > 0) {
      const below = this.slots[l - 1];
      slot.runs.build(this.fi, below.masks, below.stride, slot.layer.inSize, T);
    }
    this.currents(slot, T);
    const f = this.f;
    f.fill(0, slot.mem, slot.mem + slot.stride);
    this.fi.fill(0, slot.masks, slot.masks + ((T + 31) >> 5) * slot.stride);
    const k = this.kernels as SimdKernels;
    k.lifForward[mechanism][delayed ? 1 : 0](4 * this.cur, 4 * slot.v, 4 * slot.mem, 4 * slot.masks, slot.stride, T, beta, threshold);
  }

  /** cur[t, :] = bias + Σ_{inputs on at t} W[i, :] (+ residual), by the cheapest of direct adds, run differences and complements. */
  private currents(slot: LayerSlot, T: number): void {
    const k = this.kernels as SimdKernels;
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
      const viaComplement = 1 + T - direct;
      const row = wB + active[a] * rowBytes;
      if (direct <= viaRuns && direct <= viaComplement) {
        for (let r = r0; r < r1; r++) {
          for (let t = runStart[r]; t <= runEnd[r]; t++) k.addRow(curB + t * rowBytes, row, n);
        }
        continue;
      }
      if (!usedDiff) {
        f.fill(0, diff, diff + T * n);
        usedDiff = true;
      }
      if (viaRuns <= viaComplement) {
        for (let r = r0; r < r1; r++) {
          k.addRow(diffB + runStart[r] * rowBytes, row, n);
          if (runEnd[r] + 1 < T) k.subRow(diffB + (runEnd[r] + 1) * rowBytes, row, n);
        }
      } else {
        // On at every step (+W from step 0) except the gaps between runs (−W there).
        k.addRow(diffB, row, n);
        let t = 0;
        for (let r = r0; r <= r1; r++) {
          const gapEnd = r < r1 ? runStart[r] : T;
          for (; t < gapEnd; t++) k.subRow(curB + t * rowBytes, row, n);
          if (r < r1) t = runEnd[r] + 1;
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

  /** Output spike counts and membranes (after the reset of each step) of the current sample. */
  private readOutput(T: number): void {
    const slot = this.slots[this.slots.length - 1];
    const { outSize: n, threshold, mechanism, delayed } = slot.layer;
    const stride = slot.stride;
    const f = this.f;
    const fi = this.fi;
    const words = (T + 31) >> 5;
    for (let j = 0; j < n; j++) {
      let count = 0;
      for (let w = 0; w < words; w++) count += popcount(fi[slot.masks + w * stride + j]);
      this.outCounts[j] = count;
    }
    const thr = Math.fround(threshold);
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < n; j++) {
        const x = f[slot.v + (t + 1) * stride + j];
        let u = x;
        if (!delayed && x > thr) u = mechanism === 0 ? Math.fround(x - thr) : mechanism === 1 ? 0 : x;
        this.outMem[t * n + j] = u;
      }
    }
  }

  /** Loss of the current sample (divided by the batch size) and, when training, dL/dU or dL/dS of the output layer. */
  private sampleLoss(loss: BpttLoss, label: number, T: number, batchSize: number, train: boolean): number {
    const slot = this.slots[this.slots.length - 1];
    const classes = slot.layer.outSize;
    const stride = slot.stride;
    const f = this.f;
    if (loss.kind === 'membraneCrossEntropy') {
      this.stepLabels.fill(label);
      // Mean over the T rows, gradient scaled to (softmax − onehot)/B per step.
      const mean = softmaxCrossEntropy(this.outMem, this.stepLabels, T, classes, train ? this.gradMem : undefined, T / batchSize);
      if (train) for (let t = 0; t < T; t++) for (let c = 0; c < classes; c++) f[this.gm + t * stride + c] = this.gradMem[t * classes + c];
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
      f.fill(0, this.gs, this.gs + T * stride);
      for (let t = 0; t < T; t++) for (let c = 0; c < classes; c++) f[this.gs + t * stride + c] = g[c];
    }
    return value;
  }

  /** Writes σ'(v − θ) for rows 1…T of the layer's v into `sg`. */
  private surrogateDerivative(slot: LayerSlot, T: number): void {
    const k = this.kernels as SimdKernels;
    const count = T * slot.stride;
    const from = slot.v + slot.stride;
    const threshold = slot.layer.threshold;
    const sg = this.surrogate;
    if (sg.name === 'atan') {
      const alpha = sg.options.alpha;
      k.surrogateAtan(4 * this.sg, 4 * from, count, threshold, alpha / 2, (Math.PI / 2) * alpha);
    } else if (sg.name === 'fastSigmoid') {
      k.surrogateFastSigmoid(4 * this.sg, 4 * from, count, threshold, sg.options.slope);
    } else if (sg.name === 'straightThrough') {
      this.f.fill(1, this.sg, this.sg + count);
    } else {
      const f = this.f;
      for (let i = 0; i < count; i++) f[this.sg + i] = sg.derivative(f[from + i] - threshold);
    }
  }

  /**
   * Backward through layer l: dL/dI from dL/dS (in `gs`) or, at the output
   * with a membrane loss, from dL/dU (in `gm`); then dW, db and dL/dS of the
   * layer below.
   */
  private backwardLayer(l: number, T: number, membraneLoss: boolean): void {
    const slot = this.slots[l];
    const { beta, threshold, mechanism, delayed } = slot.layer;
    const stride = slot.stride;
    const f = this.f;
    if (membraneLoss) f.fill(0, this.gs, this.gs + T * stride);
    else this.surrogateDerivative(slot, T);
    f.fill(0, this.cur + T * stride, this.cur + (T + 1) * stride);
    const k = this.kernels as SimdKernels;
    const gm = membraneLoss ? this.gm : this.zeros;
    k.lifBackward[mechanism === 1 ? 1 : 0][delayed ? 1 : 0](4 * this.cur, 4 * slot.v, 4 * this.sg, 4 * this.gs, 4 * gm, stride, T, beta, threshold);
    this.weightGrads(slot, T);
    if (l > 0) this.inputGrads(slot, T);
  }

  /** dW[i, :] += Σ_{t: input i on} dI[t, :] and db += Σ_t dI[t, :], by direct adds, prefix-sum differences or complements. */
  private weightGrads(slot: LayerSlot, T: number): void {
    const k = this.kernels as SimdKernels;
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
      const viaComplement = 1 + T - direct;
      const row = dwB + active[a] * rowBytes;
      if (direct <= viaRuns && direct <= viaComplement) {
        for (let r = r0; r < r1; r++) {
          for (let t = runStart[r]; t <= runEnd[r]; t++) k.addRow(row, dIB + t * rowBytes, n);
        }
      } else if (viaRuns <= viaComplement) {
        for (let r = r0; r < r1; r++) {
          const e = pB + runEnd[r] * rowBytes;
          if (runStart[r] === 0) k.addRow(row, e, n);
          else k.addDiff(row, e, pB + (runStart[r] - 1) * rowBytes, n);
        }
      } else {
        // Σ over all steps (the last prefix row) minus the gaps between runs.
        k.addRow(row, pB + (T - 1) * rowBytes, n);
        let t = 0;
        for (let r = r0; r <= r1; r++) {
          const gapEnd = r < r1 ? runStart[r] : T;
          for (; t < gapEnd; t++) k.subRow(row, dIB + t * rowBytes, n);
          if (r < r1) t = runEnd[r] + 1;
        }
      }
    }
  }

  /** gs[t, i] = Σ_j W[i, j]·dI[t, j] (+ dI[t, i] when residual): dL/dS of the layer below, as rows of Wᵀ scaled by dI. */
  private inputGrads(slot: LayerSlot, T: number): void {
    const k = this.kernels as SimdKernels;
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
