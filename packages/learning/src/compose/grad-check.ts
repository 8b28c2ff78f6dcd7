import { NumericError, Rng, ShapeError, ValidationError } from '@snn/core';
import { type Layer, type RunContext, describeLayer } from './layer.js';
import type { NeuronModel, NeuronStepIO } from './neuron.js';
import type { Seq, SpikeFunction } from './types.js';

/** Options shared by {@link gradCheck} and {@link gradCheckLayer} (defaults: see each). */
export interface GradCheckBaseOptions {
  /** Samples. Default 2. */
  readonly batch?: number;
  /** Time steps. */
  readonly steps?: number;
  /** Seed of the random inputs and loss weights. Default 0. */
  readonly seed?: number;
  /** Central-difference step. */
  readonly epsilon?: number;
  /** Largest relative error accepted, `|a − n| / max(|a|, |n|, floor)`. */
  readonly tolerance?: number;
  /** Steepness k of the smooth spike `σ(k·x)` used in place of the Heaviside. Default 4. */
  readonly sharpness?: number;
  /** Mean of the random input. */
  readonly inputMean?: number;
  /** Spread of the random input. */
  readonly inputStd?: number;
  /** Throw a `NumericError` naming the worst tensor when the check fails. Default true. */
  readonly throwOnFailure?: boolean;
}

/** Options of {@link gradCheck}: steps 6, ε 1e-6, tolerance 1e-4 (floor 1e-3), input currents N(0.6, 0.6²). */
export interface GradCheckOptions extends GradCheckBaseOptions {
  /** Neurons per sample. Default 3. */
  readonly width?: number;
}

/** The check of one tensor (the input or a trained parameter). */
export interface GradCheckEntry {
  /** `input` or the parameter's name. */
  readonly name: string;
  /** Largest relative error over its entries. */
  readonly maxRelError: number;
  /** Entry with that error. */
  readonly index: number;
  /** Analytic (VJP) value at that entry. */
  readonly analytic: number;
  /** Central-difference value at that entry. */
  readonly numeric: number;
}

/** What {@link gradCheck} returns. */
export interface GradCheckReport {
  /** True when every entry is within the tolerance. */
  readonly ok: boolean;
  /** One entry per checked tensor. */
  readonly entries: readonly GradCheckEntry[];
}

/** The smooth spike σ(k·x) with its exact derivative: central differences can check a VJP through it. */
function smoothSpike(k: number): SpikeFunction {
  return {
    spike: (x) => 1 / (1 + Math.exp(-k * x)),
    derivative: (x) => {
      const s = 1 / (1 + Math.exp(-k * x));
      return k * s * (1 - s);
    },
  };
}

function requirePositiveInts(check: string, values: Readonly<Record<string, number>>): void {
  for (const [field, v] of Object.entries(values)) {
    if (!Number.isInteger(v) || v < 1) throw new ValidationError(`invalid ${check} option`, { field: `${check}.${field}`, expected: 'a positive integer', found: String(v) });
  }
}

/**
 * The worst entry of one tensor: each listed entry moved by ±ε in place, the loss taken each time, the
 * difference quotient over the step actually stored (float32 rounds it) compared with the analytic value.
 */
function worstEntry(name: string, values: Float32Array | Float64Array, analytic: ArrayLike<number>, indices: Iterable<number>, eps: number, floor: number, loss: () => number): GradCheckEntry | null {
  let worst: GradCheckEntry | null = null;
  for (const i of indices) {
    const keep = values[i];
    values[i] = keep + eps;
    const upAt = values[i];
    const up = loss();
    values[i] = keep - eps;
    const downAt = values[i];
    const down = loss();
    values[i] = keep;
    const numeric = (up - down) / (upAt - downAt);
    const a = analytic[i];
    const rel = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), floor);
    const err = Number.isNaN(rel) ? Number.POSITIVE_INFINITY : rel;
    if (worst === null || err > worst.maxRelError) worst = { name, maxRelError: err, index: i, analytic: a, numeric };
  }
  return worst;
}

/** The report of the checked tensors; throws for the worst one over the tolerance unless asked not to. */
function reportOf(subject: string, entries: readonly GradCheckEntry[], tol: number, throwOnFailure: boolean, digits: number): GradCheckReport {
  const ok = entries.every((e) => e.maxRelError <= tol);
  if (!ok && throwOnFailure) {
    const bad = entries.reduce((a, b) => (b.maxRelError > a.maxRelError ? b : a));
    throw new NumericError(`${subject}: the VJP does not match central differences`, {
      field: `${bad.name}[${bad.index}]`,
      expected: `d(loss) = ${bad.numeric.toPrecision(digits)} (central difference, relative error ≤ ${tol})`,
      found: `${bad.analytic.toPrecision(digits)} from backward, relative error ${bad.maxRelError.toPrecision(3)}`,
    });
  }
  return { ok, entries };
}

/**
 * Checks a neuron model's VJP against float64 central differences.
 *
 * @remarks
 * Runs the model for T steps on random input currents in float64 with a
 * smooth spike `σ(k·x)` whose exact derivative is handed to the backward
 * pass, takes the scalar `L = Σ_t Σ (w_out·out[t] + Σ_s w_s·state_s[t])` with
 * random weights, and compares dL/d(input) and dL/d(each trained parameter)
 * from the model's `backward` with `(L(x + ε) − L(x − ε)) / 2ε`. Reset terms
 * computed with a Heaviside of the state are piecewise constant, so they are
 * checked as the detached constants the VJP must treat them as.
 *
 * @param model - the neuron model (e.g. your own, or `leaky(...).model`)
 * @param opts - sizes, seed, ε, tolerance
 * @returns the error of each tensor
 * @throws `NumericError` naming the parameter (or `input`), the entry and both values when the VJP is wrong (unless `throwOnFailure: false`)
 * @example
 * ```ts
 * const report = gradCheck(myNeuron, { width: 4, steps: 8 });
 * report.entries; // [{ name: 'input', maxRelError: 3e-9, … }, { name: 'beta', … }]
 * ```
 */
export function gradCheck(model: NeuronModel, opts: GradCheckOptions = {}): GradCheckReport {
  const width = opts.width ?? 3;
  const batch = opts.batch ?? 2;
  const T = opts.steps ?? 6;
  requirePositiveInts('gradCheck', { width, batch, steps: T });
  const eps = opts.epsilon ?? 1e-6;
  const tol = opts.tolerance ?? 1e-4;
  const k = opts.sharpness ?? 4;
  const rng = new Rng(opts.seed ?? 0);
  const n = width * batch;
  const S = model.states.length;
  const specs = model.params(width, rng);
  const params = specs.map((p) => Float64Array.from(typeof p.value === 'number' ? [p.value] : Array.from(p.value)));
  const mean = opts.inputMean ?? 0.6;
  const std = opts.inputStd ?? 0.6;
  const input = new Float64Array(T * n).map(() => rng.normal(mean, std));
  const wOut = new Float64Array(T * n).map(() => rng.normal());
  const wState = Array.from({ length: S }, () => new Float64Array(T * n).map(() => rng.normal()));
  const fire = smoothSpike(k);
  const initial = model.initial;

  const run = (): { loss: number; states: Float64Array[]; outs: Float64Array } => {
    const states = Array.from({ length: S }, (_, s) => {
      const a = new Float64Array((T + 1) * n);
      a.fill(initial?.[s] ?? 0, 0, n);
      return a;
    });
    const outs = new Float64Array(T * n);
    let loss = 0;
    for (let t = 0; t < T; t++) {
      const io: NeuronStepIO = {
        width,
        batch,
        input: input.subarray(t * n, (t + 1) * n),
        prev: states.map((a) => a.subarray(t * n, (t + 1) * n)),
        next: states.map((a) => a.subarray((t + 1) * n, (t + 2) * n)),
        out: outs.subarray(t * n, (t + 1) * n),
        params,
        fire,
      };
      model.step(io);
      for (let i = 0; i < n; i++) {
        loss += wOut[t * n + i] * outs[t * n + i];
        for (let s = 0; s < S; s++) loss += wState[s][t * n + i] * states[s][(t + 1) * n + i];
      }
    }
    return { loss, states, outs };
  };

  const { states, outs } = run();
  const gInput = new Float64Array(T * n);
  const gParams = params.map((p) => new Float64Array(p.length));
  let gNext = Array.from({ length: S }, () => new Float64Array(n));
  let gPrev = Array.from({ length: S }, () => new Float64Array(n));
  for (let t = T - 1; t >= 0; t--) {
    for (let s = 0; s < S; s++) for (let i = 0; i < n; i++) gNext[s][i] += wState[s][t * n + i];
    for (const g of gPrev) g.fill(0);
    model.backward({
      width,
      batch,
      input: input.subarray(t * n, (t + 1) * n),
      prev: states.map((a) => a.subarray(t * n, (t + 1) * n)),
      next: states.map((a) => a.subarray((t + 1) * n, (t + 2) * n)),
      out: outs.subarray(t * n, (t + 1) * n),
      params,
      fire,
      gradOut: wOut.subarray(t * n, (t + 1) * n),
      gradNext: gNext,
      gradPrev: gPrev,
      gradInput: gInput.subarray(t * n, (t + 1) * n),
      paramGrads: gParams,
    });
    const swap = gNext;
    gNext = gPrev;
    gPrev = swap;
  }

  const all = (length: number) => Array.from({ length }, (_, i) => i);
  const lossOf = () => run().loss;
  const entries = [worstEntry('input', input, gInput, all(input.length), eps, 1e-3, lossOf)];
  specs.forEach((spec, p) => {
    if (spec.learn) entries.push(worstEntry(spec.name, params[p], gParams[p], all(params[p].length), eps, 1e-3, lossOf));
  });
  return reportOf(model.kind, entries.filter((e): e is GradCheckEntry => e !== null), tol, opts.throwOnFailure ?? true, 8);
}

/** Options of {@link gradCheckLayer}: steps 4, ε 1e-3, tolerance 1e-2 (floor 1e-2; parameters are float32), input N(0.5, 0.5²). */
export interface GradCheckLayerOptions extends GradCheckBaseOptions {
  /** Most entries checked per tensor (a seeded sample beyond it; each costs two forward passes). Default 64. */
  readonly maxEntries?: number;
}

/**
 * Checks any {@link Layer}'s backward pass (its VJP over all T steps) against central differences: the
 * layer-level counterpart of {@link gradCheck}, for a layer of your own (or a block of layers).
 *
 * @remarks
 * Builds the layer on `inShape` (with `needInputGrad`), runs its forward in float64 on random input with the
 * smooth spike `σ(k·x)` in place of every neuron's Heaviside, takes `L = Σ w_out·out + Σ w_mem·mem` with random
 * weights, and compares dL/d(input) and dL/d(each parameter) from `backward` with
 * `(L(x + ε) − L(x − ε)) / (x₊ − x₋)`. Parameters are float32, so the step actually representable is used
 * and the default tolerance is 1e-2: a wrong VJP is off by far more. Dropout runs with the same generator
 * state in every pass.
 *
 * @param layer - an unbuilt layer (it is built here)
 * @param inShape - shape of one sample at one step, e.g. `[8]` or `[1, 6, 6]`
 * @param opts - sizes, seed, ε, tolerance
 * @returns the error of each tensor (`input` first, then the parameters by name)
 * @throws `NumericError` naming the tensor, the entry and both values when the VJP is wrong (unless `throwOnFailure: false`)
 * @example
 * ```ts
 * const report = gradCheckLayer(new Linear(4, 3), [4]);
 * report.entries.map((e) => e.name); // ['input', '0.weight', '0.bias'] (names follow the layer's)
 * ```
 */
export function gradCheckLayer(layer: Layer, inShape: readonly number[], opts: GradCheckLayerOptions = {}): GradCheckReport {
  const batch = opts.batch ?? 2;
  const T = opts.steps ?? 4;
  const maxEntries = opts.maxEntries ?? 64;
  requirePositiveInts('gradCheckLayer', { batch, steps: T, maxEntries });
  const eps = opts.epsilon ?? 1e-3;
  const tol = opts.tolerance ?? 1e-2;
  const k = opts.sharpness ?? 4;
  const seed = opts.seed ?? 0;
  const rng = new Rng(seed);
  if (layer.name === undefined || layer.name === '') layer.name = '0';
  const outShape = layer.build(inShape, { rng, needInputGrad: true, previous: 'input' });
  const inSize = inShape.reduce((a, b) => a * b, 1);
  const outSize = outShape.reduce((a, b) => a * b, 1);
  const mean = opts.inputMean ?? 0.5;
  const std = opts.inputStd ?? 0.5;
  const input = new Float64Array(T * batch * inSize).map(() => rng.normal(mean, std));
  const wOut = new Float64Array(T * batch * outSize).map(() => rng.normal());
  const wMem = new Float64Array(T * batch * outSize).map(() => rng.normal());
  const fire = smoothSpike(k);
  const context = (): RunContext => ({ train: true, rng: new Rng(seed ^ 0x9e37), spikeOverride: fire });
  const seq: Seq = { data: input, steps: T, batch, shape: inShape };
  const lossOf = (): { loss: number; hasMem: boolean } => {
    const { out, mem } = layer.forward(seq, context());
    let loss = 0;
    for (let i = 0; i < wOut.length; i++) loss += wOut[i] * out.data[i];
    if (mem !== null) for (let i = 0; i < wMem.length; i++) loss += wMem[i] * mem[i];
    return { loss, hasMem: mem !== null };
  };

  const params = layer.parameters();
  for (const p of params) p.grad.fill(0);
  const { hasMem } = lossOf();
  const gInput = layer.backward({ out: wOut, mem: hasMem ? wMem : null }, context());
  if (gInput === null || gInput.length !== input.length) {
    throw new ShapeError(`${describeLayer(layer)}: backward must return dL/d(input) when asked`, { field: 'backward', expected: `${input.length} values`, found: gInput === null ? 'null' : `${gInput.length} values` });
  }
  const analyticInput = Float64Array.from(gInput);
  const analyticParams = params.map((p) => Float64Array.from(p.grad));

  const pick = new Rng(seed ^ 0x51ce);
  const entriesOf = (length: number): number[] => {
    if (length <= maxEntries) return Array.from({ length }, (_, i) => i);
    return Array.from(pick.permutation(length).subarray(0, maxEntries)).sort((a, b) => a - b);
  };
  const lossOnly = () => lossOf().loss;
  const entries = [worstEntry('input', input, analyticInput, entriesOf(input.length), eps, 1e-2, lossOnly)];
  for (const [j, p] of params.entries()) entries.push(worstEntry(p.name, p.value, analyticParams[j], entriesOf(p.value.length), eps, 1e-2, lossOnly));
  return reportOf(describeLayer(layer), entries.filter((e): e is GradCheckEntry => e !== null), tol, opts.throwOnFailure ?? true, 6);
}
