import type { SparseSpikes } from '@snn/core';
import { type SurrogateFunction, surrogateFromSpec } from '@snn/neurons';
import { type SimdKernels, createSimdKernels } from '../bptt/simd.js';
import { softmaxCrossEntropy } from '../losses/softmax-cross-entropy.js';

/** Sizes and fixed constants of a recurrent classifier, as the engine sees them (plain data, sent to worker threads). */
export interface RecurrentEngineConfig {
  /** Number of inputs N. */
  readonly inputSize: number;
  /** Number of hidden neurons H. */
  readonly hiddenSize: number;
  /** Number of classes C. */
  readonly outputSize: number;
  /** True for ALIF hidden neurons, false for LIF (no adaptation state). */
  readonly adaptive: boolean;
  /** True when the hidden layer has recurrent weights. */
  readonly recurrent: boolean;
  /** Base threshold θ0. */
  readonly threshold: number;
  /** Adaptation strength β_a (used when `adaptive`). */
  readonly adaptStrength: number;
  /** Readout reduction code: 0 max over time, 1 mean over time, 2 last step. */
  readonly reduction: number;
  /** Whether the decay gradients (dα, dρ, dκ) are needed; without them their traces are not kept. */
  readonly learnDecay: boolean;
  /** Surrogate name and options (rebuilt with `surrogateFromSpec`). */
  readonly surrogate: { readonly name: string; readonly options: Readonly<Record<string, number>> };
}

/** The parameter arrays the engine reads (weights `[in, out]` row-major, decays per neuron). */
export interface RecurrentEngineWeights {
  /** Input weights `[N, H]`. */
  readonly inWeight: Float32Array;
  /** Hidden bias `[H]`. */
  readonly inBias: Float32Array;
  /** Recurrent weights `[H, H]` (`[from, to]`), or null. */
  readonly recWeight: Float32Array | null;
  /** Readout weights `[H, C]`. */
  readonly outWeight: Float32Array;
  /** Readout bias `[C]`. */
  readonly outBias: Float32Array;
  /** Membrane decay α per hidden neuron `[H]`. */
  readonly alpha: Float32Array;
  /** Adaptation decay ρ per hidden neuron `[H]` (read when adaptive). */
  readonly rho: Float32Array;
  /** Readout decay κ per class `[C]`. */
  readonly kappa: Float32Array;
}

/** Gradient buffers, laid out like {@link RecurrentEngineWeights}; decay gradients are with respect to the decays themselves. */
export interface RecurrentEngineGrads {
  /** d(loss)/d(input weights) `[N, H]`. */
  readonly inWeight: Float32Array;
  /** d(loss)/d(hidden bias) `[H]`. */
  readonly inBias: Float32Array;
  /** d(loss)/d(recurrent weights) `[H, H]`, or null. */
  readonly recWeight: Float32Array | null;
  /** d(loss)/d(readout weights) `[H, C]`. */
  readonly outWeight: Float32Array;
  /** d(loss)/d(readout bias) `[C]`. */
  readonly outBias: Float32Array;
  /** d(loss)/dα `[H]`. */
  readonly alpha: Float32Array;
  /** d(loss)/dρ `[H]`. */
  readonly rho: Float32Array;
  /** d(loss)/dκ `[C]`. */
  readonly kappa: Float32Array;
}

/** A range of samples to run forward (and backward when `grads` is set). */
export interface RecurrentEngineJob {
  /** The input spikes `[batch, T, N]`. */
  readonly spikes: SparseSpikes;
  /** First sample (inclusive) and end (exclusive) within `spikes`. */
  readonly first: number;
  /** End of the range (exclusive). */
  readonly end: number;
  /** Labels indexed like the samples of `spikes`; null for inference without a loss. */
  readonly labels: ArrayLike<number> | null;
  /** The B that the loss averages over (the whole batch). */
  readonly batchSize: number;
  /** Gradient buffers to add into; null for a forward-only run. */
  readonly grads: RecurrentEngineGrads | null;
  /** Logits `[end − first, C]`, written. */
  readonly logits: Float32Array;
  /** Hidden spike counts `[end − first, H]`, written. */
  readonly hiddenCounts: Float32Array;
  /** Hidden spikes `[end − first, T, H]` (0/1), written when given. */
  readonly hiddenSpikes: Uint8Array | null;
  /** Readout outputs y[t] `[end − first, T, C]`, written when given. */
  readonly readoutTrace: Float32Array | null;
}

/**
 * The event-driven forward/backward engine of `RecurrentClassifier` (one sample at a time, Float32Array loops).
 *
 * @remarks
 * Per sample it runs the model forward over T steps recording the membranes,
 * adaptation, spikes and surrogate derivatives, then backpropagates through
 * time (the equations are on `RecurrentClassifier`). Input spikes touch only
 * their weight rows (forward and weight gradient); the recurrent current and
 * the readout add only the rows of the hidden neurons that spiked. The row
 * operations (input and recurrent rows, W_rec·ev and W_out·ey as sums of rows
 * of the transposes, prefix sums of ev) run as the WebAssembly SIMD kernels of
 * `bptt/simd.ts` over a private memory with rows padded to a multiple of 4;
 * the weights are copied into it at the start of each run and the weight
 * gradients added out at the end.
 */
export class RecurrentEngine {
  private readonly config: RecurrentEngineConfig;
  private readonly weights: RecurrentEngineWeights;
  private readonly surrogate: SurrogateFunction;
  private capacity = 0;
  private vTrace = new Float32Array(0);
  private aTrace = new Float32Array(0);
  private dTrace = new Float32Array(0);
  private yTrace = new Float32Array(0);
  private spikeIndex = new Int32Array(0);
  private spikePtr = new Int32Array(0);
  /** WebAssembly SIMD kernels over the engine memory (null until the first run). */
  private kernels: SimdKernels | null = null;
  /** The engine memory as floats. */
  private f: Float32Array = new Float32Array(0);
  /** Row stride in floats: H rounded up to a multiple of 4 (SIMD lanes). */
  private readonly stride: number;
  /** Byte offsets in the engine memory. */
  private at = { wIn: 0, gIn: 0, wRec: 0, wRecT: 0, gRec: 0, wOutT: 0, ff: 0, cur: 0, gz: 0, evTrace: 0, prefix: 0 };
  private evTrace: Float32Array = new Float32Array(0);
  private prefix: Float32Array = new Float32Array(0);
  private ff: Float32Array = new Float32Array(0);
  private cur: Float32Array = new Float32Array(0);
  private gz: Float32Array = new Float32Array(0);
  private runInput = new Int32Array(0);
  private runFrom = new Int32Array(0);
  private runTo = new Int32Array(0);
  private runCount = 0;
  private readonly runStart: Int32Array;
  private readonly mem: Float32Array;
  private readonly adapt: Float32Array;
  private readonly prevSpike: Uint8Array;
  private readonly ev: Float32Array;
  private readonly evNext: Float32Array;
  private readonly ea: Float32Array;
  private readonly eaNext: Float32Array;
  private readonly y: Float32Array;
  private readonly ey: Float32Array;
  private readonly best: Float32Array;
  private readonly bestStep: Int32Array;
  private readonly dLogits: Float32Array;
  private readonly rowLogits: Float32Array;

  /**
   * @param config - sizes and constants
   * @param weights - the parameter arrays (read at every run, so updates by an optimiser are seen)
   */
  constructor(config: RecurrentEngineConfig, weights: RecurrentEngineWeights) {
    this.config = config;
    this.weights = weights;
    this.surrogate = surrogateFromSpec(config.surrogate.name, config.surrogate.options);
    const H = config.hiddenSize;
    const C = config.outputSize;
    this.stride = Math.ceil(H / 4) * 4;
    this.mem = new Float32Array(H);
    this.adapt = new Float32Array(H);
    this.prevSpike = new Uint8Array(H);
    this.ev = new Float32Array(H);
    this.evNext = new Float32Array(H);
    this.ea = new Float32Array(H);
    this.eaNext = new Float32Array(H);
    this.y = new Float32Array(C);
    this.ey = new Float32Array(C);
    this.best = new Float32Array(C);
    this.bestStep = new Int32Array(C);
    this.dLogits = new Float32Array(C);
    this.rowLogits = new Float32Array(C);
    this.runStart = new Int32Array(config.inputSize);
  }

  private ensure(T: number): void {
    if (T <= this.capacity) return;
    const H = this.config.hiddenSize;
    const C = this.config.outputSize;
    this.capacity = T;
    this.vTrace = new Float32Array(T * H);
    this.aTrace = new Float32Array(T * H);
    this.dTrace = new Float32Array(T * H);
    this.yTrace = new Float32Array(T * C);
    this.spikeIndex = new Int32Array(T * H);
    this.spikePtr = new Int32Array(T + 1);
    // Engine memory, rows padded to the stride S: W_in and its gradient [N, S], W_rec, its transpose and its
    // gradient [S, S], W_outᵀ [C, S], the feed-forward and total currents, dL/dz, ev[t] for every step and their
    // prefix sums.
    const S = this.stride;
    const N = this.config.inputSize;
    let top = 0;
    const take = (floats: number): number => {
      const at = top;
      top += floats;
      return 4 * at;
    };
    const rec = this.config.recurrent ? S * S : 0;
    this.at = {
      wIn: take(N * S),
      gIn: take(N * S),
      wRec: take(rec),
      wRecT: take(rec),
      gRec: take(rec),
      wOutT: take(this.config.outputSize * S),
      ff: take(S),
      cur: take(S),
      gz: take(S),
      evTrace: take(T * S),
      prefix: take((T + 1) * S),
    };
    this.kernels = createSimdKernels(4 * top);
    const f = new Float32Array(this.kernels.memory.buffer);
    this.f = f;
    const view = (at: number, floats: number): Float32Array => f.subarray(at / 4, at / 4 + floats);
    this.ff = view(this.at.ff, S);
    this.cur = view(this.at.cur, S);
    this.gz = view(this.at.gz, S);
    this.evTrace = view(this.at.evTrace, T * S);
    this.prefix = view(this.at.prefix, (T + 1) * S);
  }

  /** Copies the weights into the engine memory (padded rows; W_rec also transposed) and clears the gradient rows. */
  private load(train: boolean): void {
    const { inputSize: N, hiddenSize: H } = this.config;
    const S = this.stride;
    const f = this.f;
    const { inWeight, recWeight } = this.weights;
    const wIn = this.at.wIn / 4;
    if (S === H) f.set(inWeight, wIn);
    else for (let i = 0; i < N; i++) f.set(inWeight.subarray(i * H, (i + 1) * H), wIn + i * S);
    if (train) {
      f.fill(0, this.at.gIn / 4, this.at.gIn / 4 + N * S);
      const C = this.config.outputSize;
      const wOutT = this.at.wOutT / 4;
      const outWeight = this.weights.outWeight;
      for (let j = 0; j < H; j++) for (let c = 0; c < C; c++) f[wOutT + c * S + j] = outWeight[j * C + c];
    }
    if (recWeight !== null) {
      const wRec = this.at.wRec / 4;
      const wRecT = this.at.wRecT / 4;
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < H; j++) {
          const w = recWeight[i * H + j];
          f[wRec + i * S + j] = w;
          f[wRecT + j * S + i] = w;
        }
      }
      if (train) f.fill(0, this.at.gRec / 4, this.at.gRec / 4 + S * S);
    }
  }

  /** Adds the gradient rows accumulated in the engine memory into `grads`. */
  private store(grads: RecurrentEngineGrads): void {
    const { inputSize: N, hiddenSize: H } = this.config;
    const S = this.stride;
    const f = this.f;
    const gIn = this.at.gIn / 4;
    for (let i = 0; i < N; i++) {
      const o = gIn + i * S;
      const r = i * H;
      for (let j = 0; j < H; j++) grads.inWeight[r + j] += f[o + j];
    }
    if (grads.recWeight !== null) {
      const gRec = this.at.gRec / 4;
      for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) grads.recWeight[i * H + j] += f[gRec + i * S + j];
    }
  }

  /** Makes room for `n` input runs (at most one per input spike). */
  private ensureRuns(n: number): void {
    if (n <= this.runInput.length) return;
    const size = Math.max(n, 2 * this.runInput.length);
    this.runInput = new Int32Array(size);
    this.runFrom = new Int32Array(size);
    this.runTo = new Int32Array(size);
  }

  /**
   * Runs the samples `[first, end)` forward (and backward into `grads`); returns the summed loss (0 without labels).
   * @param job - see {@link RecurrentEngineJob}
   */
  run(job: RecurrentEngineJob): number {
    const T = job.spikes.numSteps;
    this.ensure(T);
    const train = job.labels !== null && job.grads !== null;
    this.load(train);
    let lossSum = 0;
    for (let b = job.first; b < job.end; b++) {
      const local = b - job.first;
      this.forwardSample(job, b, local, T, train);
      if (job.labels !== null) {
        const C = this.config.outputSize;
        const label = job.labels[b];
        lossSum += softmaxCrossEntropy(this.rowLogits, [label], 1, C, this.dLogits, 1 / job.batchSize);
        if (job.grads !== null) this.backwardSample(T, job.grads);
      }
    }
    if (train) this.store(job.grads as RecurrentEngineGrads);
    return lossSum;
  }

  private forwardSample(job: RecurrentEngineJob, b: number, local: number, T: number, train: boolean): void {
    const { hiddenSize: H, outputSize: C, adaptive, recurrent, threshold, adaptStrength, reduction, learnDecay } = this.config;
    const { inBias, outWeight, outBias, alpha, rho, kappa } = this.weights;
    const { offsets, indices } = job.spikes;
    const { cur, mem, adapt, prevSpike, y, best, bestStep, vTrace, aTrace, dTrace, yTrace, spikeIndex, spikePtr } = this;
    const sg = this.surrogate;
    // The fast-sigmoid derivative is inlined (the default surrogate); others go through the function.
    const fastSlope = sg.name === 'fastSigmoid' ? (sg.options.slope as number) : 0;
    mem.fill(0);
    adapt.fill(0);
    prevSpike.fill(0);
    y.fill(0);
    best.fill(Number.NEGATIVE_INFINITY);
    bestStep.fill(0);
    const counts = job.hiddenCounts;
    const countBase = local * H;
    for (let j = 0; j < H; j++) counts[countBase + j] = 0;
    const record = job.hiddenSpikes;
    const trace = job.readoutTrace;
    let nSpikes = 0;
    spikePtr[0] = 0;
    const ff = this.ff;
    ff.fill(0);
    const kernels = this.kernels as SimdKernels;
    const S = this.stride;
    const rowBytes = 4 * S;
    const ffAt = this.at.ff;
    const curAt = this.at.cur;
    const wInAt = this.at.wIn;
    const wRecAt = this.at.wRec;
    const runStart = this.runStart;
    this.ensureRuns(offsets[(b + 1) * T] - offsets[b * T]);
    const { runInput, runFrom, runTo } = this;
    let runs = 0;
    let prevStart = 0;
    let prevEnd = 0;
    for (let t = 0; t < T; t++) {
      // Feed-forward current, updated from step t − 1 by the inputs that switched on (+ their weight row) or off
      // (− their row): an input active over a run of steps costs two row operations, not one per step. The run
      // [from, to] of each input is recorded for the weight gradient.
      const r = b * T + t;
      let p = prevStart;
      const pEnd = prevEnd;
      let k = offsets[r];
      const kEnd = offsets[r + 1];
      while (p < pEnd || k < kEnd) {
        const ip = p < pEnd ? indices[p] : 0x7fffffff;
        const ik = k < kEnd ? indices[k] : 0x7fffffff;
        if (ip === ik) {
          p++;
          k++;
        } else if (ik < ip) {
          kernels.addRow(ffAt, wInAt + ik * rowBytes, S);
          runStart[ik] = t;
          k++;
        } else {
          kernels.subRow(ffAt, wInAt + ip * rowBytes, S);
          runInput[runs] = ip;
          runFrom[runs] = runStart[ip];
          runTo[runs++] = t - 1;
          p++;
        }
      }
      prevStart = offsets[r];
      prevEnd = kEnd;
      // Recurrent current from the hidden spikes of step t − 1 (into `cur`, cleared first).
      const rec = recurrent && t > 0;
      if (rec) {
        cur.fill(0);
        for (let s = spikePtr[t - 1], sEnd = spikePtr[t]; s < sEnd; s++) kernels.addRow(curAt, wRecAt + spikeIndex[s] * rowBytes, S);
      }
      const base = t * H;
      for (let j = 0; j < H; j++) {
        let v = alpha[j] * mem[j] + inBias[j] + ff[j];
        if (rec) v += cur[j];
        if (prevSpike[j] === 1) v -= threshold;
        const a = adapt[j];
        const x = v - threshold - adaptStrength * a;
        const z = x > 0 ? 1 : 0;
        mem[j] = v;
        prevSpike[j] = z;
        if (adaptive) adapt[j] = rho[j] * a + (1 - rho[j]) * z;
        if (z === 1) {
          spikeIndex[nSpikes++] = j;
          counts[countBase + j] += 1;
        }
        if (train) {
          if (learnDecay) {
            vTrace[base + j] = v;
            aTrace[base + j] = a;
          }
          if (fastSlope > 0) {
            const d = 1 + fastSlope * (x < 0 ? -x : x);
            dTrace[base + j] = 1 / (d * d);
          } else {
            dTrace[base + j] = sg.derivative(x);
          }
        }
      }
      spikePtr[t + 1] = nSpikes;
      if (record !== null) {
        const o = (local * T + t) * H;
        for (let j = 0; j < H; j++) record[o + j] = prevSpike[j];
      }
      // Leaky-integrator readout y[t] = κ·y[t−1] + W_outᵀ·z[t] + b_out.
      for (let c = 0; c < C; c++) y[c] = kappa[c] * y[c] + outBias[c];
      for (let s = spikePtr[t]; s < nSpikes; s++) {
        const row = spikeIndex[s] * C;
        for (let c = 0; c < C; c++) y[c] += outWeight[row + c];
      }
      const yBase = t * C;
      for (let c = 0; c < C; c++) {
        const value = y[c];
        yTrace[yBase + c] = value;
        if (value > best[c]) {
          best[c] = value;
          bestStep[c] = t;
        }
      }
      if (trace !== null) trace.set(y, (local * T + t) * C);
    }
    // Close the runs of the inputs still active at the last step.
    for (let p = prevStart; p < prevEnd; p++) {
      const i = indices[p];
      runInput[runs] = i;
      runFrom[runs] = runStart[i];
      runTo[runs++] = T - 1;
    }
    this.runCount = runs;
    const logits = this.rowLogits;
    if (reduction === 0) logits.set(best);
    else if (reduction === 1) for (let c = 0; c < C; c++) logits[c] = this.meanOver(c, T);
    else logits.set(y);
    job.logits.set(logits, local * C);
  }

  /** Mean of y[t][c] over the T steps, summed in float64. */
  private meanOver(c: number, T: number): number {
    const C = this.config.outputSize;
    let sum = 0;
    for (let t = 0; t < T; t++) sum += this.yTrace[t * C + c];
    return sum / T;
  }

  private backwardSample(T: number, grads: RecurrentEngineGrads): void {
    const { hiddenSize: H, outputSize: C, adaptive, recurrent, adaptStrength, reduction, learnDecay } = this.config;
    const { alpha, rho, kappa } = this.weights;
    const { ev, evNext, ea, eaNext, gz, ey, bestStep, dLogits, vTrace, aTrace, dTrace, yTrace, spikeIndex, spikePtr, evTrace } = this;
    const kernels = this.kernels as SimdKernels;
    const S = this.stride;
    const rowBytes = 4 * S;
    const { gz: gzAt, wRecT: wRecTAt, wOutT: wOutTAt, gRec: gRecAt, gIn: gInAt, evTrace: evAt, prefix: prefixAt } = this.at;
    const gInBias = grads.inBias;
    const gOut = grads.outWeight;
    const gOutBias = grads.outBias;
    const gAlpha = grads.alpha;
    const gRho = grads.rho;
    const gKappa = grads.kappa;
    evNext.fill(0);
    eaNext.fill(0);
    ey.fill(0);
    const invT = 1 / T;
    for (let t = T - 1; t >= 0; t--) {
      // Readout: ey[t] = dL/dy[t] (direct) + κ·ey[t+1].
      for (let c = 0; c < C; c++) {
        let direct = 0;
        if (reduction === 0) direct = bestStep[c] === t ? dLogits[c] : 0;
        else if (reduction === 1) direct = dLogits[c] * invT;
        else direct = t === T - 1 ? dLogits[c] : 0;
        const e = direct + kappa[c] * ey[c];
        ey[c] = e;
        gOutBias[c] += e;
        if (learnDecay && t > 0) gKappa[c] += e * yTrace[(t - 1) * C + c];
      }
      for (let s = spikePtr[t], sEnd = spikePtr[t + 1]; s < sEnd; s++) {
        const row = spikeIndex[s] * C;
        for (let c = 0; c < C; c++) gOut[row + c] += ey[c];
      }
      // dL/dz[t]: through the readout, the recurrent current of step t + 1 (W_rec·ev[t+1], as a sum of rows of
      // W_recᵀ) and the adaptation a[t+1].
      gz.fill(0);
      for (let c = 0; c < C; c++) kernels.axpy(gzAt, wOutTAt + c * rowBytes, ey[c], S);
      if (recurrent && t < T - 1) {
        for (let k = 0; k < H; k++) {
          const e = evNext[k];
          if (e !== 0) kernels.axpy(gzAt, wRecTAt + k * rowBytes, e, S);
        }
      }
      const base = t * H;
      const prevBase = base - H;
      if (adaptive) {
        // a[t+1] = ρ·a[t] + (1 − ρ)·z[t]: z[t] reaches the loss through a[t+1] too, and dρ += ea[t+1]·(a[t] − z[t]).
        for (let j = 0; j < H; j++) gz[j] += (1 - rho[j]) * eaNext[j];
        if (learnDecay) {
          for (let j = 0; j < H; j++) gRho[j] += eaNext[j] * aTrace[base + j];
          for (let s = spikePtr[t], sEnd = spikePtr[t + 1]; s < sEnd; s++) gRho[spikeIndex[s]] -= eaNext[spikeIndex[s]];
        }
      }
      // ev[t] = dL/dv[t] = σ'·dL/dz[t] + α·ev[t+1]; ea[t] = dL/da[t] = −β_a·σ'·dL/dz[t] + ρ·ea[t+1].
      if (adaptive) {
        for (let j = 0; j < H; j++) {
          const gd = gz[j] * dTrace[base + j];
          ev[j] = gd + alpha[j] * evNext[j];
          ea[j] = rho[j] * eaNext[j] - adaptStrength * gd;
        }
      } else {
        for (let j = 0; j < H; j++) ev[j] = gz[j] * dTrace[base + j] + alpha[j] * evNext[j];
      }
      if (learnDecay && t > 0) for (let j = 0; j < H; j++) gAlpha[j] += ev[j] * vTrace[prevBase + j];
      if (adaptive) eaNext.set(ea);
      evTrace.set(ev, t * S);
      // Recurrent weight gradient: only the rows of the hidden neurons that spiked at t − 1.
      if (recurrent && t > 0) {
        const evRow = evAt + t * rowBytes;
        for (let s = spikePtr[t - 1], sEnd = spikePtr[t]; s < sEnd; s++) kernels.addRow(gRecAt + spikeIndex[s] * rowBytes, evRow, S);
      }
      evNext.set(ev);
    }
    // Input weight gradient, dW_in[i] += Σ_{t active} ev[t], by runs: prefix sums P[t] = Σ_{s<t} ev[s] give a run
    // [from, to] as P[to + 1] − P[from]; runs of one or two steps add their rows directly.
    const prefix = this.prefix;
    prefix.fill(0, 0, S);
    for (let t = 0; t < T; t++) kernels.sumRows(prefixAt + (t + 1) * rowBytes, prefixAt + t * rowBytes, evAt + t * rowBytes, S);
    const total = T * S;
    for (let j = 0; j < H; j++) gInBias[j] += prefix[total + j];
    const { runInput, runFrom, runTo } = this;
    for (let q = 0, n = this.runCount; q < n; q++) {
      const row = gInAt + runInput[q] * rowBytes;
      const from = runFrom[q];
      const to = runTo[q];
      if (to - from < 2) {
        for (let t = from; t <= to; t++) kernels.addRow(row, evAt + t * rowBytes, S);
      } else {
        kernels.addDiff(row, prefixAt + (to + 1) * rowBytes, prefixAt + from * rowBytes, S);
      }
    }
  }
}
