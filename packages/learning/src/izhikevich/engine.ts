import type { SparseSpikes } from '@snn/core';
import type { IzhikevichParams, SurrogateFunction } from '@snn/neurons';
import { type SimdKernels, addInto, createSimdKernels } from '../bptt/simd.js';

/** One `[Dense → Izhikevich]` layer as the engine sees it. */
export interface IzhikevichEngineLayer {
  readonly inSize: number;
  readonly outSize: number;
  /** `[inSize, outSize]` row-major (the parameter's array). */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly neuron: IzhikevichParams;
  readonly currentScale: number;
}

/** Settings shared by every layer. */
export interface IzhikevichEngineSettings {
  readonly surrogate: SurrogateFunction;
  readonly surrogateScaleMv: number;
  readonly detachReset: boolean;
  readonly stableBackward: boolean;
  /** Lower bound of the membrane after every (half-)step, in mV; `-Infinity` for none. */
  readonly membraneFloorMv: number;
  readonly readout: 'count' | 'membrane';
  readonly membraneScaleMv: number;
}

/** A batch to run forward (and backward when `grads` is set). */
export interface IzhikevichEngineJob {
  readonly spikes: SparseSpikes;
  readonly labels: Int32Array | null;
  /** Per-layer gradients to add into (unpadded `[in, out]` and `[out]`); null for forward only. */
  readonly grads: readonly { readonly weight: Float32Array; readonly bias: Float32Array }[] | null;
  /** Written: output spike counts `[B, C]`. */
  readonly counts: Float32Array;
  /** Written: logits `[B, C]`. */
  readonly scores: Float32Array;
  /** Added into: spikes per layer over the batch. */
  readonly layerSpikes: Float64Array;
}

interface Slot {
  readonly layer: IzhikevichEngineLayer;
  readonly stride: number;
  readonly inStride: number;
  /** Float offsets into the wasm memory. */
  readonly w: number;
  readonly wt: number;
  readonly b: number;
  readonly dw: number;
  readonly db: number;
  /** Traces `[T, n]`: v before the step, the half-step v, the pre-reset v. */
  v0: Float32Array;
  vh: Float32Array;
  v2: Float32Array;
  /** Output spikes as CSR over steps: neurons `idx[ptr[t] … ptr[t+1])` spiked at step t. */
  ptr: Int32Array;
  idx: Int32Array;
  /** Membrane after the reset `[T, n]` (output layer with the membrane readout only). */
  vN: Float32Array;
  /** Running v and u of the current sample. */
  vState: Float32Array;
  uState: Float32Array;
}

/** A backward membrane factor limited to `[−cap, cap]`. */
export function clampFactor(factor: number, cap: number): number {
  return factor > cap ? cap : factor < -cap ? -cap : factor;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/**
 * Forward and backward pass of a feed-forward Izhikevich network, one sample
 * at a time, event-driven: only the weight rows of inputs that spike are
 * touched (row additions in WebAssembly SIMD), the neuron dynamics run in
 * float32 arrays. Inputs that are on in more than half of the steps are added
 * once and subtracted where they are off. Not thread-safe.
 */
export class IzhikevichEngine {
  private readonly layers: readonly IzhikevichEngineLayer[];
  private readonly settings: IzhikevichEngineSettings;
  private numSteps = 0;
  private slots: Slot[] = [];
  private kernels: SimdKernels | null = null;
  private f = new Float32Array(0);
  /** `[T, maxStride]` currents, then dL/d(pre-activation) in the backward pass. */
  private cur = 0;
  /** `[maxStride]` scratch row. */
  private base = 0;
  /** `[T, maxInStride]` dL/dS of the layer below. */
  private gs = 0;
  private count = new Int32Array(0);
  private stamp = new Int32Array(0);
  private dense = new Int32Array(0);
  private gSOut = new Float32Array(0);
  private gVOut = new Float32Array(0);
  private inPtr = new Int32Array(0);
  private inIdx = new Int32Array(0);
  private gvRow = new Float64Array(0);
  private guRow = new Float64Array(0);
  /** Logical synaptic operations of the last run: Σ spikes into a layer × its width. */
  synapticOps = 0;
  /** Input spikes of the last run. */
  inputSpikes = 0;

  constructor(layers: readonly IzhikevichEngineLayer[], settings: IzhikevichEngineSettings) {
    this.layers = layers;
    this.settings = settings;
  }

  /** Frees the WebAssembly memory (the engine lays it out again if used later). */
  release(): void {
    this.kernels = null;
    this.f = new Float32Array(0);
    this.slots = [];
    this.numSteps = 0;
  }

  private ensure(T: number): void {
    if (T === this.numSteps && this.kernels !== null) return;
    this.numSteps = T;
    let top = 0;
    const take = (floats: number): number => {
      const at = top;
      top += (floats + 15) & ~15;
      return at;
    };
    let maxStride = 0;
    let maxIn = 0;
    const offsets = this.layers.map((layer, l) => {
      const stride = pad4(layer.outSize);
      const inStride = pad4(layer.inSize);
      maxStride = Math.max(maxStride, stride);
      maxIn = Math.max(maxIn, inStride, layer.inSize);
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
    this.cur = take(T * maxStride);
    this.base = take(maxStride);
    this.gs = take(T * maxIn);
    this.kernels = createSimdKernels(4 * top);
    this.f = new Float32Array(this.kernels.memory.buffer);
    this.slots = this.layers.map((layer, l) => {
      const n = layer.outSize;
      const last = l === this.layers.length - 1;
      return {
        layer,
        ...offsets[l],
        v0: new Float32Array(T * n),
        vh: new Float32Array(layer.neuron.integration === 'izhikevich' ? T * n : 0),
        v2: new Float32Array(T * n),
        ptr: new Int32Array(T + 1),
        idx: new Int32Array(T * n),
        vN: new Float32Array(last && this.settings.readout === 'membrane' ? T * n : 0),
        vState: new Float32Array(n),
        uState: new Float32Array(n),
      };
    });
    const widest = Math.max(...this.layers.map((layer) => layer.inSize));
    this.count = new Int32Array(widest);
    this.stamp = new Int32Array(widest);
    this.dense = new Int32Array(widest);
    const C = this.layers[this.layers.length - 1].outSize;
    this.gSOut = new Float32Array(T * C);
    this.gVOut = new Float32Array(T * C);
    const widestOut = Math.max(...this.layers.map((layer) => layer.outSize));
    this.gvRow = new Float64Array(widestOut);
    this.guRow = new Float64Array(widestOut);
    this.inPtr = new Int32Array(T + 1);
    this.inIdx = new Int32Array(T * this.layers[0].inSize);
  }

  private loadWeights(): void {
    const f = this.f;
    for (const slot of this.slots) {
      const { inSize: m, outSize: n, weight, bias } = slot.layer;
      const { stride, inStride } = slot;
      if (stride === n) f.set(weight, slot.w);
      else for (let i = 0; i < m; i++) f.set(weight.subarray(i * n, i * n + n), slot.w + i * stride);
      f.fill(0, slot.b, slot.b + stride);
      f.set(bias, slot.b);
      if (slot.wt >= 0) {
        for (let j = 0; j < n; j++) {
          const row = slot.wt + j * inStride;
          for (let i = 0; i < m; i++) f[row + i] = weight[i * n + j];
          for (let i = m; i < inStride; i++) f[row + i] = 0;
        }
      }
    }
  }

  /** Runs the batch; returns the summed per-sample loss (not yet averaged), 0 without labels. */
  run(job: IzhikevichEngineJob): number {
    const { spikes } = job;
    const T = spikes.numSteps;
    this.ensure(T);
    this.loadWeights();
    const train = job.grads !== null && job.labels !== null;
    const f = this.f;
    if (train) {
      for (const slot of this.slots) {
        f.fill(0, slot.dw, slot.dw + slot.layer.inSize * slot.stride);
        f.fill(0, slot.db, slot.db + slot.stride);
      }
    }
    const last = this.slots.length - 1;
    const C = this.layers[last].outSize;
    this.synapticOps = 0;
    this.inputSpikes = 0;
    let lossSum = 0;
    const logits = new Float64Array(C);
    for (let b = 0; b < spikes.batch; b++) {
      this.loadInput(spikes, b);
      for (let l = 0; l <= last; l++) {
        this.forwardLayer(l, T);
        const slot = this.slots[l];
        job.layerSpikes[l] += slot.ptr[T];
      }
      const out = this.slots[last];
      // Counts and logits.
      const counts = job.counts;
      for (let c = 0; c < C; c++) counts[b * C + c] = 0;
      for (let k = 0; k < out.ptr[T]; k++) counts[b * C + out.idx[k]] += 1;
      if (this.settings.readout === 'count') {
        for (let c = 0; c < C; c++) logits[c] = counts[b * C + c];
      } else {
        logits.fill(0);
        const norm = 1 / (T * this.settings.membraneScaleMv);
        for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) logits[c] += out.vN[t * C + c] * norm;
      }
      for (let c = 0; c < C; c++) job.scores[b * C + c] = logits[c];
      if (job.labels === null) continue;
      const label = job.labels[b];
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < C; c++) max = Math.max(max, logits[c]);
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(logits[c] - max);
      lossSum += Math.log(sum) + max - logits[label];
      if (!train) continue;
      const invB = 1 / spikes.batch;
      this.gSOut.fill(0);
      this.gVOut.fill(0);
      for (let c = 0; c < C; c++) {
        const dz = (Math.exp(logits[c] - max) / sum - (c === label ? 1 : 0)) * invB;
        if (this.settings.readout === 'count') for (let t = 0; t < T; t++) this.gSOut[t * C + c] = dz;
        else {
          const g = dz / (T * this.settings.membraneScaleMv);
          for (let t = 0; t < T; t++) this.gVOut[t * C + c] = g;
        }
      }
      for (let l = last; l >= 0; l--) this.backwardLayer(l, T);
    }
    if (train) this.storeGrads(job.grads as NonNullable<IzhikevichEngineJob['grads']>);
    return lossSum;
  }

  private storeGrads(grads: NonNullable<IzhikevichEngineJob['grads']>): void {
    const f = this.f;
    this.slots.forEach((slot, l) => {
      const { inSize: m, outSize: n } = slot.layer;
      for (let i = 0; i < m; i++) addInto(grads[l].weight, i * n, f, slot.dw + i * slot.stride, n);
      addInto(grads[l].bias, 0, f, slot.db, n);
    });
  }

  /** Copies sample b's CSR rows into the engine's input lists. */
  private loadInput(spikes: SparseSpikes, b: number): void {
    const T = spikes.numSteps;
    const { offsets, indices } = spikes;
    const start = offsets[b * T];
    for (let t = 0; t <= T; t++) this.inPtr[t] = offsets[b * T + t] - start;
    const total = this.inPtr[T];
    if (this.inIdx.length < total) this.inIdx = new Int32Array(total);
    this.inIdx.set(indices.subarray(start, start + total));
    this.inputSpikes += total;
  }

  /** Marks the inputs that are on in more than half of the steps (cheaper as "always on, minus the gaps"). */
  private denseInputs(ptr: Int32Array, idx: Int32Array, size: number, T: number): number {
    const count = this.count;
    count.fill(0, 0, size);
    for (let k = 0; k < ptr[T]; k++) count[idx[k]]++;
    let nDense = 0;
    for (let i = 0; i < size; i++) if (count[i] > 1 + T - count[i]) this.dense[nDense++] = i;
    return nDense;
  }

  private forwardLayer(l: number, T: number): void {
    const slot = this.slots[l];
    const { inSize: m, outSize: n, neuron, currentScale } = slot.layer;
    const ptr = l === 0 ? this.inPtr : this.slots[l - 1].ptr;
    const idx = l === 0 ? this.inIdx : this.slots[l - 1].idx;
    this.synapticOps += ptr[T] * n;
    const k = this.kernels as SimdKernels;
    const f = this.f;
    const np = slot.stride;
    const rowB = 4 * np;
    const curB = 4 * this.cur;
    const wB = 4 * slot.w;
    const baseB = 4 * this.base;
    // base = bias + Σ_{dense inputs} W[i]; cur[t] = base + Σ_{other inputs on at t} W[i] − Σ_{dense inputs off at t} W[i].
    const nDense = this.denseInputs(ptr, idx, m, T);
    const count = this.count;
    const stamp = this.stamp;
    const dense = this.dense;
    f.copyWithin(this.base, slot.b, slot.b + np);
    for (let a = 0; a < nDense; a++) k.addRow(baseB, wB + dense[a] * rowB, np);
    stamp.fill(-1, 0, m);
    for (let t = 0; t < T; t++) {
      const row = curB + t * rowB;
      f.copyWithin(this.cur + t * np, this.base, this.base + np);
      for (let e = ptr[t]; e < ptr[t + 1]; e++) {
        const i = idx[e];
        stamp[i] = t;
        if (count[i] > 1 + T - count[i]) continue;
        k.addRow(row, wB + i * rowB, np);
      }
      for (let a = 0; a < nDense; a++) {
        const i = dense[a];
        if (stamp[i] !== t) k.subRow(row, wB + i * rowB, np);
      }
    }
    // Neuron dynamics.
    const { a, b, c, d, vPeakMv, dtMs, integration } = neuron;
    const h = 0.5 * dtMs;
    const { v0, vh, v2, ptr: sPtr, idx: sIdx, vN, vState, uState } = slot;
    const keepV = vN.length > 0;
    const paper = integration === 'izhikevich';
    const floor = this.settings.membraneFloorMv;
    const cur = this.cur;
    vState.fill(neuron.vInitMv);
    uState.fill(b * neuron.vInitMv);
    let nSpikes = 0;
    for (let t = 0; t < T; t++) {
      sPtr[t] = nSpikes;
      const o = t * n;
      const co = cur + t * np;
      for (let j = 0; j < n; j++) {
        const v = vState[j];
        const u = uState[j];
        v0[o + j] = v;
        const I = currentScale * f[co + j];
        let vNext: number;
        let uNext: number;
        if (paper) {
          const half = Math.max(floor, v + h * (0.04 * v * v + 5 * v + 140 - u + I));
          vh[o + j] = half;
          vNext = Math.max(floor, half + h * (0.04 * half * half + 5 * half + 140 - u + I));
          uNext = u + dtMs * a * (b * vNext - u);
        } else {
          vNext = Math.max(floor, v + dtMs * (0.04 * v * v + 5 * v + 140 - u + I));
          uNext = u + dtMs * a * (b * v - u);
        }
        v2[o + j] = vNext;
        if (v2[o + j] >= vPeakMv) {
          sIdx[nSpikes++] = j;
          vState[j] = c;
          uState[j] = uNext + d;
        } else {
          vState[j] = v2[o + j];
          uState[j] = uNext;
        }
        if (keepV) vN[o + j] = vState[j];
      }
    }
    sPtr[T] = nSpikes;
  }

  private backwardLayer(l: number, T: number): void {
    const slot = this.slots[l];
    const { inSize: m, outSize: n, neuron, currentScale } = slot.layer;
    const { a, b, c, d, vPeakMv, dtMs, integration } = neuron;
    const h = 0.5 * dtMs;
    const last = l === this.slots.length - 1;
    const f = this.f;
    const np = slot.stride;
    const gsIn = this.gs;
    const inStrideBelow = last ? 0 : this.slots[l + 1].inStride;
    const detach = this.settings.detachReset;
    const cap = this.settings.stableBackward ? 1 : Number.POSITIVE_INFINITY;
    const floor = this.settings.membraneFloorMv;
    const paper = integration === 'izhikevich';
    const { v0, vh, v2 } = slot;
    const cur = this.cur;
    const sg = this.settings.surrogate;
    const scale = this.settings.surrogateScaleMv;
    // Backward through time, one step (row) at a time; gv, gu hold dL/dv and dL/du after the step.
    const gvRow = this.gvRow;
    const guRow = this.guRow;
    gvRow.fill(0, 0, n);
    guRow.fill(0, 0, n);
    const kind = sg.name === 'fastSigmoid' ? 1 : sg.name === 'atan' ? 2 : 0;
    const slope = kind === 1 ? sg.options.slope : kind === 2 ? (Math.PI / 2) * sg.options.alpha : 0;
    const peak = kind === 2 ? sg.options.alpha / 2 : 1;
    const invScale = 1 / scale;
    for (let t = T - 1; t >= 0; t--) {
      const row = t * n;
      const gsRow = last ? row : gsIn + t * inStrideBelow;
      const gsSource = last ? this.gSOut : f;
      const curRow = cur + t * np;
      for (let j = 0; j < n; j++) {
        const o = row + j;
        const x = v2[o];
        const spike = x >= vPeakMv ? 1 : 0;
        let gu = guRow[j];
        const gvN = last ? gvRow[j] + this.gVOut[o] : gvRow[j];
        const gsTot = gsSource[gsRow + j] + (detach ? 0 : gvN * (c - x) + gu * d);
        let gv2 = gvN * (1 - spike);
        if (gsTot !== 0) {
          // Past the cut-off the quadratic term sends v⁺ anywhere; the surrogate sees v⁺ clipped to vPeak.
          const z = spike === 1 ? 0 : (x - vPeakMv) * invScale;
          let dz: number;
          if (kind === 1) {
            const q = 1 + slope * Math.abs(z);
            dz = 1 / (q * q);
          } else if (kind === 2) {
            const q = slope * z;
            dz = peak / (1 + q * q);
          } else dz = sg.derivative(z);
          gv2 += gsTot * dz * invScale;
        }
        let gI: number;
        let gv: number;
        // A (half-)step that ended on the membrane floor passes no gradient to what came before it.
        if (paper) {
          gv2 += gu * dtMs * a * b;
          if (x <= floor) gv2 = 0;
          const gvh = vh[o] <= floor ? 0 : gv2 * clampFactor(1 + h * (0.08 * vh[o] + 5), cap);
          gu = gu * (1 - dtMs * a) - h * gv2 - h * gvh;
          gI = h * (gv2 + gvh);
          gv = gvh * clampFactor(1 + h * (0.08 * v0[o] + 5), cap);
        } else {
          if (x <= floor) gv2 = 0;
          gv = gv2 * clampFactor(1 + dtMs * (0.08 * v0[o] + 5), cap) + gu * dtMs * a * b;
          gu = gu * (1 - dtMs * a) - dtMs * gv2;
          gI = dtMs * gv2;
        }
        gvRow[j] = gv;
        guRow[j] = gu;
        f[curRow + j] = currentScale * gI;
      }
    }
    // Weight and bias gradients from dL/d(pre) rows, event-driven over the layer's input spikes.
    const k = this.kernels as SimdKernels;
    const ptr = l === 0 ? this.inPtr : this.slots[l - 1].ptr;
    const idx = l === 0 ? this.inIdx : this.slots[l - 1].idx;
    const rowB = 4 * np;
    const curB = 4 * cur;
    const baseB = 4 * this.base;
    const dwB = 4 * slot.dw;
    f.fill(0, this.base, this.base + np);
    for (let t = 0; t < T; t++) k.addRow(baseB, curB + t * rowB, np);
    k.addRow(4 * slot.db, baseB, np);
    const nDense = this.denseInputs(ptr, idx, m, T);
    const count = this.count;
    const stamp = this.stamp;
    const dense = this.dense;
    for (let a2 = 0; a2 < nDense; a2++) k.addRow(dwB + dense[a2] * rowB, baseB, np);
    stamp.fill(-1, 0, m);
    for (let t = 0; t < T; t++) {
      const row = curB + t * rowB;
      for (let e = ptr[t]; e < ptr[t + 1]; e++) {
        const i = idx[e];
        stamp[i] = t;
        if (count[i] > 1 + T - count[i]) continue;
        k.addRow(dwB + i * rowB, row, np);
      }
      for (let a2 = 0; a2 < nDense; a2++) {
        const i = dense[a2];
        if (stamp[i] !== t) k.subRow(dwB + i * rowB, row, np);
      }
    }
    // dL/dS of the layer below: gs[t, i] = Σ_j W[i, j]·dL/dpre[t, j].
    if (l > 0) {
      const mp = slot.inStride;
      f.fill(0, gsIn, gsIn + T * mp);
      for (let t = 0; t < T; t++) {
        const gRow = 4 * (gsIn + t * mp);
        const o = cur + t * np;
        for (let j = 0; j < n; j++) {
          const g = f[o + j];
          if (g !== 0) k.axpy(gRow, 4 * (slot.wt + j * mp), g, mp);
        }
      }
    }
  }
}
