import { ValidationError } from '@snn/core';
import type { FloatArray } from './types.js';

/** The recorded outputs of one layer over time, time-major `[T, B, size]`. */
export interface RecordedOutput {
  /** Spikes (null for a non-spiking layer such as an LI readout or a Linear). */
  readonly spikes: FloatArray | null;
  /** Membrane (for a non-spiking layer: its output values). */
  readonly mem: FloatArray;
}

/** What a {@link Loss} reads: the network output and any recorded layers, for one batch (or one worker's part of it). */
export interface LossInput extends RecordedOutput {
  /** Number of steps T. */
  readonly steps: number;
  /** Number of samples B in these arrays. */
  readonly batch: number;
  /** The batch size losses average over: the whole batch, also when workers split it. */
  readonly batchSize: number;
  /** Width of the output layer. */
  readonly size: number;
  /** Outputs of the layers the loss asked for ({@link Loss.layers}), by layer name. */
  readonly layers: Readonly<Record<string, RecordedOutput>>;
}

/** Gradient of a loss with respect to recorded outputs (each `[T, B, size]`, same length as the output). */
export interface LossGradient {
  /** dL/d(output spikes). */
  readonly spikes?: FloatArray;
  /** dL/d(output membrane) (for a non-spiking output: its values). */
  readonly mem?: FloatArray;
  /** dL/d(outputs) of the layers in {@link Loss.layers}, by layer name. */
  readonly layers?: Readonly<Record<string, LayerLossGradient>>;
}

/** dL/d(outputs) of one recorded layer, each `[T, B, width]`. */
export interface LayerLossGradient {
  /** dL/d(its spikes). */
  readonly spikes?: FloatArray;
  /** dL/d(its membrane, or its values for a non-spiking layer). */
  readonly mem?: FloatArray;
}

/** What {@link Loss.compute} returns. */
export interface LossResult {
  /** The loss of these samples, already divided as the loss averages over `batchSize` (so parts add up). */
  readonly value: number;
  /** The gradient, when asked for. */
  readonly grad?: LossGradient;
}

/**
 * A training loss for the composition engine: a value and its gradient with
 * respect to recorded outputs (membranes and/or spikes per step).
 *
 * @remarks
 * The contract: `compute(input, targets, wantGrad)` returns the loss of the
 * samples in `input` normalised by `input.batchSize` (the whole batch), so
 * that the parts computed by worker threads add up to the batch loss, and,
 * when `wantGrad`, dL/d(spikes) and/or dL/d(mem) with the shape of the output
 * `[T, B, size]`. Hidden layers named in `layers` are recorded and passed in
 * `input.layers`; their gradients go in `grad.layers`. The engine checks the
 * value (a `NumericError` for NaN) and the gradient lengths (a `ShapeError`).
 * `targets` is what `trainStep` received, restricted to these samples when it
 * is an array of one entry per sample.
 *
 * @example
 * ```ts
 * // Push the output spike count of class y towards 5, others towards 0 (squared error).
 * const countTo5: Loss = {
 *   name: 'countTo5',
 *   compute({ spikes, steps, batch, size, batchSize }, labels, wantGrad) {
 *     const s = spikes as Float32Array;
 *     const grad = new Float32Array(s.length);
 *     let value = 0;
 *     for (let b = 0; b < batch; b++) for (let c = 0; c < size; c++) {
 *       let n = 0;
 *       for (let t = 0; t < steps; t++) n += s[(t * batch + b) * size + c];
 *       const e = n - (c === labels[b] ? 5 : 0);
 *       value += (e * e) / batchSize;
 *       for (let t = 0; t < steps; t++) grad[(t * batch + b) * size + c] = (2 * e) / batchSize;
 *     }
 *     return { value, grad: wantGrad ? { spikes: grad } : undefined };
 *   },
 * };
 * ```
 */
export interface Loss<Targets = ArrayLike<number>> {
  /** Name for messages, e.g. `"ceRateLoss"`. */
  readonly name: string;
  /** Hidden layers whose outputs the loss reads (recorded for it). */
  readonly layers?: readonly string[];
  /** For the built-in losses: the name and options that rebuild it in a worker thread ({@link lossFromSpec}). */
  readonly spec?: LossSpec;
  /** Value and gradient; see the contract above. */
  compute(input: LossInput, targets: Targets, wantGrad: boolean): LossResult;
}

/** Name and options of a built-in loss, as plain data (it travels to worker threads). */
export interface LossSpec {
  /** Factory name, e.g. `"ceRateLoss"`. */
  readonly name: string;
  /** Factory options. */
  readonly options?: Readonly<Record<string, unknown>>;
}

function checkLabels(labels: ArrayLike<number>, input: LossInput, loss: string): void {
  if (labels.length !== input.batch) {
    throw new ValidationError('one label per sample needed', { field: `${loss}.targets`, expected: `${input.batch}`, found: `${labels.length}` });
  }
  for (let b = 0; b < input.batch; b++) {
    const y = labels[b];
    if (!Number.isInteger(y) || y < 0 || y >= input.size) {
      throw new ValidationError('label out of range', { field: `${loss}.targets[${b}]`, expected: `an integer in [0, ${input.size})`, found: String(y) });
    }
  }
}

function needSpikes(input: LossInput, loss: string): FloatArray {
  if (input.spikes === null) {
    throw new ValidationError('this loss reads output spikes but the output layer does not spike', {
      field: loss,
      expected: 'a spiking output layer (Leaky, Synaptic, …)',
      found: 'a non-spiking output (LI readout or Linear); use a membrane loss',
    });
  }
  return input.spikes;
}

/** Adds `scale·CE(row, y)` and writes `scale·(softmax − onehot)` into grad; float64 with the row maximum subtracted. */
function crossEntropyRow(z: ArrayLike<number>, off: number, n: number, y: number, scale: number, grad: FloatArray | null, gOff: number, gStride: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < n; c++) max = Math.max(max, z[off + c]);
  let sum = 0;
  for (let c = 0; c < n; c++) sum += Math.exp(z[off + c] - max);
  if (grad !== null) {
    for (let c = 0; c < n; c++) grad[gOff + c * gStride] += (scale * Math.exp(z[off + c] - max)) / sum - (c === y ? scale : 0);
  }
  return scale * (Math.log(sum) + max - z[off + y]);
}

function zerosLike(a: FloatArray): FloatArray {
  return a instanceof Float64Array ? new Float64Array(a.length) : new Float32Array(a.length);
}

/**
 * Cross-entropy of the output membrane at every step, summed over steps (snnTorch tutorial 5).
 *
 * @remarks
 * `L = Σ_t (1/B) Σ_b CE(U[t, b], y_b)`; dL/dU[t, b] = (softmax(U[t, b]) − onehot(y_b))/B.
 */
export function membraneCrossEntropy(): Loss {
  return {
    name: 'membraneCrossEntropy',
    spec: { name: 'membraneCrossEntropy' },
    compute(input, labels, wantGrad) {
      checkLabels(labels, input, 'membraneCrossEntropy');
      const { steps: T, batch: B, size: C, mem, batchSize } = input;
      const grad = wantGrad ? zerosLike(mem) : null;
      let value = 0;
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) value += crossEntropyRow(mem, (t * B + b) * C, C, labels[b], 1 / batchSize, grad, (t * B + b) * C, 1);
      return { value, grad: grad === null ? undefined : { mem: grad } };
    },
  };
}

/**
 * snnTorch's `ce_rate_loss`: cross-entropy of the output spikes at every step, averaged over steps.
 *
 * @remarks
 * `L = (1/T) Σ_t (1/B) Σ_b CE(S[t, b], y_b)`, the log-softmax taken over the
 * classes of each step's spikes (snnTorch 0.9, reduction `'mean'`).
 */
export function ceRateLoss(): Loss {
  return {
    name: 'ceRateLoss',
    spec: { name: 'ceRateLoss' },
    compute(input, labels, wantGrad) {
      checkLabels(labels, input, 'ceRateLoss');
      const spikes = needSpikes(input, 'ceRateLoss');
      const { steps: T, batch: B, size: C, batchSize } = input;
      const grad = wantGrad ? zerosLike(spikes) : null;
      let value = 0;
      const scale = 1 / (T * batchSize);
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) value += crossEntropyRow(spikes, (t * B + b) * C, C, labels[b], scale, grad, (t * B + b) * C, 1);
      return { value, grad: grad === null ? undefined : { spikes: grad } };
    },
  };
}

function counts(spikes: FloatArray, T: number, B: number, C: number): Float64Array {
  const n = new Float64Array(B * C);
  for (let t = 0; t < T; t++) for (let k = 0; k < B * C; k++) n[k] += spikes[t * B * C + k];
  return n;
}

/**
 * snnTorch's `ce_count_loss` (cross-entropy of the spike counts): `L = (1/B) Σ_b CE(Σ_t S[t, b], y_b)`.
 *
 * @remarks
 * The gradient with respect to each step's spikes is the gradient with
 * respect to the count, `(softmax(n_b) − onehot(y_b))/B`, at every step.
 */
export function ceCountLoss(): Loss {
  return {
    name: 'ceCountLoss',
    spec: { name: 'ceCountLoss' },
    compute(input, labels, wantGrad) {
      checkLabels(labels, input, 'ceCountLoss');
      const spikes = needSpikes(input, 'ceCountLoss');
      const { steps: T, batch: B, size: C, batchSize } = input;
      const n = counts(spikes, T, B, C);
      const gn = wantGrad ? new Float64Array(B * C) : null;
      let value = 0;
      for (let b = 0; b < B; b++) value += crossEntropyRow(n, b * C, C, labels[b], 1 / batchSize, gn, b * C, 1);
      if (gn === null) return { value };
      const grad = zerosLike(spikes);
      for (let t = 0; t < T; t++) for (let k = 0; k < B * C; k++) grad[t * B * C + k] = gn[k];
      return { value, grad: { spikes: grad } };
    },
  };
}

/** Options of {@link mseSpikeCountLoss}; snnTorch's defaults. */
export interface MseCountOptions {
  /** Target rate of the true class in [0, 1]: its target count is ⌊T·correctRate⌋. Default 1. */
  readonly correctRate?: number;
  /** Target rate of the other classes in [0, 1]. Default 0. */
  readonly incorrectRate?: number;
}

function rate(v: number | undefined, fallback: number, field: string): number {
  const r = v ?? fallback;
  if (typeof r !== 'number' || !(r >= 0 && r <= 1)) throw new ValidationError('invalid target rate', { field, expected: 'a number in [0, 1]', found: String(r) });
  return r;
}

/**
 * snnTorch's `mse_count_loss`: squared error of the spike counts against target counts, divided by T.
 *
 * @remarks
 * `target = ⌊T·correctRate⌋` for the true class, `⌊T·incorrectRate⌋` for the
 * others; `L = (1/(B·C)) Σ_bc (n_bc − target_bc)² / T`.
 */
export function mseSpikeCountLoss(opts: MseCountOptions = {}): Loss {
  const correct = rate(opts.correctRate, 1, 'mseCountLoss.correctRate');
  const incorrect = rate(opts.incorrectRate, 0, 'mseCountLoss.incorrectRate');
  return {
    name: 'mseSpikeCountLoss',
    spec: { name: 'mseSpikeCountLoss', options: { correctRate: correct, incorrectRate: incorrect } },
    compute(input, labels, wantGrad) {
      checkLabels(labels, input, 'mseSpikeCountLoss');
      const spikes = needSpikes(input, 'mseSpikeCountLoss');
      const { steps: T, batch: B, size: C, batchSize } = input;
      const n = counts(spikes, T, B, C);
      const on = Math.trunc(T * correct);
      const off = Math.trunc(T * incorrect);
      const scale = 1 / (batchSize * C * T);
      const grad = wantGrad ? zerosLike(spikes) : null;
      let value = 0;
      for (let b = 0; b < B; b++) {
        for (let c = 0; c < C; c++) {
          const e = n[b * C + c] - (c === labels[b] ? on : off);
          value += scale * e * e;
          if (grad !== null) for (let t = 0; t < T; t++) grad[(t * B + b) * C + c] = 2 * scale * e;
        }
      }
      return { value, grad: grad === null ? undefined : { spikes: grad } };
    },
  };
}

/** Options of {@link mseMembraneLoss}; snnTorch's defaults. */
export interface MseMembraneOptions {
  /** Target membrane of the true class. Default 1. */
  readonly onTarget?: number;
  /** Target membrane of the other classes. Default 0. */
  readonly offTarget?: number;
}

/**
 * snnTorch's `mse_membrane_loss`: squared error of the membrane against fixed targets, averaged over steps.
 *
 * @remarks
 * `L = (1/T) Σ_t (1/(B·C)) Σ_bc (U[t, b, c] − target_bc)²`, target `onTarget`
 * for the true class and `offTarget` for the others.
 */
export function mseMembraneLoss(opts: MseMembraneOptions = {}): Loss {
  const on = opts.onTarget ?? 1;
  const off = opts.offTarget ?? 0;
  for (const [field, v] of [
    ['onTarget', on],
    ['offTarget', off],
  ] as const) {
    if (!Number.isFinite(v)) throw new ValidationError('invalid target', { field: `mseMembraneLoss.${field}`, expected: 'a finite number', found: String(v) });
  }
  return {
    name: 'mseMembraneLoss',
    spec: { name: 'mseMembraneLoss', options: { onTarget: on, offTarget: off } },
    compute(input, labels, wantGrad) {
      checkLabels(labels, input, 'mseMembraneLoss');
      const { steps: T, batch: B, size: C, batchSize, mem } = input;
      const scale = 1 / (T * batchSize * C);
      const grad = wantGrad ? zerosLike(mem) : null;
      let value = 0;
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < B; b++) {
          for (let c = 0; c < C; c++) {
            const k = (t * B + b) * C + c;
            const e = mem[k] - (c === labels[b] ? on : off);
            value += scale * e * e;
            if (grad !== null) grad[k] = 2 * scale * e;
          }
        }
      }
      return { value, grad: grad === null ? undefined : { mem: grad } };
    },
  };
}

/** How a readout's membrane `[T, B, C]` is reduced over time to logits `[B, C]`: maximum, mean, or the last step. */
export type TimeReduction = 'max' | 'mean' | 'last';

/** What {@link reduceOverTime} returns. */
export interface ReducedOverTime {
  /** The reduced value of each cell (length `cells`). */
  readonly values: Float64Array;
  /** For `max`: the step of each cell's maximum (the first on ties); null for `mean` and `last`. */
  readonly argmax: Int32Array | null;
}

/**
 * Reduces a membrane `[T, B, C]` over time to `[B, C]` (float64): `max_t U[t]` (and the step of the first
 * maximum, where the gradient goes), `(1/T) Σ_t U[t]`, or `U[T − 1]`.
 *
 * @param mem - the membrane, time-major
 * @param steps - T
 * @param cells - B·C
 * @param reduction - `max`, `mean` or `last`
 * @returns the reduced values and, for `max`, the step of each maximum
 */
export function reduceOverTime(mem: ArrayLike<number>, steps: number, cells: number, reduction: TimeReduction): ReducedOverTime {
  const values = new Float64Array(cells);
  if (reduction === 'last') {
    const o = (steps - 1) * cells;
    for (let k = 0; k < cells; k++) values[k] = mem[o + k];
    return { values, argmax: null };
  }
  if (reduction === 'mean') {
    for (let t = 0; t < steps; t++) for (let k = 0; k < cells; k++) values[k] += mem[t * cells + k];
    for (let k = 0; k < cells; k++) values[k] /= steps;
    return { values, argmax: null };
  }
  values.fill(Number.NEGATIVE_INFINITY);
  const argmax = new Int32Array(cells);
  for (let t = 0; t < steps; t++) {
    for (let k = 0; k < cells; k++) {
      const v = mem[t * cells + k];
      if (v > values[k]) {
        values[k] = v;
        argmax[k] = t;
      }
    }
  }
  return { values, argmax };
}

/** Cross-entropy of the membrane reduced over time (the three losses below). */
function ceReducedMembrane(name: string, reduction: TimeReduction): Loss {
  return {
    name,
    spec: { name },
    compute(input, labels, wantGrad) {
      checkLabels(labels, input, name);
      const { steps: T, batch: B, size: C, mem, batchSize } = input;
      const { values, argmax } = reduceOverTime(mem, T, B * C, reduction);
      const gz = wantGrad ? new Float64Array(B * C) : null;
      let value = 0;
      for (let b = 0; b < B; b++) value += crossEntropyRow(values, b * C, C, labels[b], 1 / batchSize, gz, b * C, 1);
      if (gz === null) return { value };
      const grad = zerosLike(mem);
      const n = B * C;
      if (argmax !== null) for (let k = 0; k < n; k++) grad[argmax[k] * n + k] = gz[k];
      else if (reduction === 'last') grad.set(gz, (T - 1) * n);
      else for (let t = 0; t < T; t++) for (let k = 0; k < n; k++) grad[t * n + k] = gz[k] / T;
      return { value, grad: { mem: grad } };
    },
  };
}

/**
 * snnTorch's `ce_max_membrane_loss`: cross-entropy of each output neuron's maximum membrane over time.
 *
 * @remarks
 * `L = (1/B) Σ_b CE(max_t U[t, b], y_b)`; the gradient goes to the step of
 * each maximum (the first one on ties). The readout of the ALIF models of
 * Yin, Corradi & Bohté (2021) (an LI readout with the logits taken as the
 * maximum over time).
 */
export function ceMaxMembraneLoss(): Loss {
  return ceReducedMembrane('ceMaxMembraneLoss', 'max');
}

/**
 * Cross-entropy of each output neuron's mean membrane over time: `L = (1/B) Σ_b CE((1/T) Σ_t U[t, b], y_b)`.
 *
 * @remarks
 * dL/dU[t, b] = (softmax − onehot)/(B·T) at every step. A readout of an LI
 * layer reduced by its mean (Gince & Lamontagne-Caron 2022, "SNN Image
 * Classification", `readout: mean`).
 */
export function ceMeanMembraneLoss(): Loss {
  return ceReducedMembrane('ceMeanMembraneLoss', 'mean');
}

/**
 * Cross-entropy of each output neuron's membrane at the last step: `L = (1/B) Σ_b CE(U[T − 1, b], y_b)`.
 *
 * @remarks
 * The gradient reaches the last step only (earlier steps through the
 * neuron's recursion). Gince & Lamontagne-Caron 2022, `readout: last`.
 */
export function ceLastMembraneLoss(): Loss {
  return ceReducedMembrane('ceLastMembraneLoss', 'last');
}

/**
 * Rebuilds a built-in loss from its {@link LossSpec} (e.g. in a worker thread).
 * @param spec - name and options
 * @throws `ValidationError` for a name that is not a built-in loss
 */
export function lossFromSpec(spec: LossSpec): Loss {
  const o = (spec.options ?? {}) as Record<string, number | undefined>;
  switch (spec.name) {
    case 'membraneCrossEntropy':
      return membraneCrossEntropy();
    case 'ceRateLoss':
      return ceRateLoss();
    case 'ceCountLoss':
      return ceCountLoss();
    case 'ceMaxMembraneLoss':
      return ceMaxMembraneLoss();
    case 'ceMeanMembraneLoss':
      return ceMeanMembraneLoss();
    case 'ceLastMembraneLoss':
      return ceLastMembraneLoss();
    case 'mseSpikeCountLoss':
      return mseSpikeCountLoss({ correctRate: o.correctRate, incorrectRate: o.incorrectRate });
    case 'mseMembraneLoss':
      return mseMembraneLoss({ onTarget: o.onTarget, offTarget: o.offTarget });
    default:
      throw new ValidationError('this loss cannot be rebuilt in a worker thread', {
        field: 'loss',
        expected: 'a built-in loss, or a custom loss returned by the factory under its name',
        found: JSON.stringify(spec.name),
      });
  }
}
