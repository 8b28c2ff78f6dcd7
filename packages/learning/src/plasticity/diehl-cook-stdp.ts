import { ValidationError } from '@snn/core';
import { type WeightArray, checkBounds, checkCount, checkLength, checkWeights, nonNegativeNumber, positiveNumber } from './validate.js';

/**
 * Parameters of the Diehl & Cook (2015) STDP rules: the authors' code's rule (one pre trace, two post traces) and the
 * paper's rule with power-law weight dependence.
 *
 * @remarks
 * `rule: 'triplet'` (default; the authors' Brian code, peter-u-diehl/stdp-mnist). Traces (set to 1 at a spike,
 * exponential decay): `dpre/dt = −pre/τ_pre`, `dpost1/dt = −post1/τ_post1`, `dpost2/dt = −post2/τ_post2`.
 *
 * - pre spike of i: `pre_i ← 1`; `w_ij ← clip(w_ij − ν_pre·post1_j, w_min, w_max)` for every j
 *   (`preUpdate: 'potentiate'`: `w_ij ← clip(w_ij + ν_pre·post1_j, w_min, w_max)`);
 * - post spike of j: `w_ij ← clip(w_ij + ν_post·pre_i·post2_j⁻, w_min, w_max)` for every i
 *   (post2_j⁻ = post2 just before this spike); then `post1_j ← 1`, `post2_j ← 1`.
 *
 * `rule: 'power-law'` (the rule the paper writes down, its Eq. 3): only the pre trace, which ADDS 1 at each pre
 * spike (`dx/dt = −x/τ_pre`, `x_i ← x_i + 1`); a pre spike changes no weight; a post spike of j changes every
 * synapse onto j by `Δw_ij = ν_post·(x_i − x_tar)·(w_max − w_ij)^μ`, then clips to [w_min, w_max]. Inputs whose
 * trace is below x_tar (those that rarely precede j's spikes) are depressed. (w_max − w) is taken as 0 where a weight
 * lies above w_max (possible after a column normalisation). ν_pre and the post traces are unused.
 *
 * Diehl, P. U. & Cook, M. (2015). Unsupervised learning of digit recognition using spike-timing-dependent
 * plasticity. Front. Comput. Neurosci. 9:99. Made by {@link diehlCookStdpParams}.
 */
export interface DiehlCookStdpParams {
  /**
   * Which rule: `'triplet'` (default; the authors' code, two post traces) or `'power-law'` (the paper's Eq. 3,
   * `Δw = ν_post·(x_pre − x_tar)·(w_max − w)^μ` at post spikes). See the interface remarks.
   */
  readonly rule: 'triplet' | 'power-law';
  /** `'power-law'`: target value x_tar of the pre trace at a post spike. Default 0.4 (`STDP_offset` of the authors' code). */
  readonly xTar: number;
  /** `'power-law'`: exponent μ of the weight dependence. Default 0.2 (`exp_ee_post` of the authors' code). */
  readonly mu: number;
  /** Depression rate ν_pre (applied at pre spikes). Default 0.0001. */
  readonly nuPre: number;
  /**
   * Sign of the pre-spike change ν_pre·post1. `'depress'` (default): subtracted, as in the authors' Brian 1 code
   * (peter-u-diehl/stdp-mnist: `w -= nu_ee_pre * post1`). `'potentiate'`: added, as in the Brian 2 port
   * (zxzhijia/Brian2STDPMNIST: `w = clip(w + nu_ee_pre * post1, 0, wmax_ee)`), so input spikes arriving just
   * after a post spike strengthen their synapses too.
   */
  readonly preUpdate: 'depress' | 'potentiate';
  /** Potentiation rate ν_post (applied at post spikes). Default 0.01. */
  readonly nuPost: number;
  /** Pre trace time constant τ_pre, ms. Default 20. */
  readonly tauPreMs: number;
  /** First post trace time constant τ_post1 (depression), ms. Default 20. */
  readonly tauPost1Ms: number;
  /** Second post trace time constant τ_post2 (potentiation), ms. Default 40. */
  readonly tauPost2Ms: number;
  /** Lower weight bound. Default 0. */
  readonly wMin: number;
  /** Upper weight bound. Default 1. */
  readonly wMax: number;
  /**
   * Event-driven depression skips post neurons whose post1 trace is below this value (their change
   * ν_pre·post1 would be below ν_pre·cutoff). 0 = exact. Default 1e-6 (changes below 1e-10 are dropped).
   */
  readonly traceCutoff: number;
}

/** Options for {@link diehlCookStdpParams}; missing fields take the defaults of {@link DiehlCookStdpParams}. */
export type DiehlCookStdpParamsInput = Partial<DiehlCookStdpParams>;

/**
 * Validates Diehl & Cook STDP options and returns frozen params (defaults: the triplet rule, ν_pre 0.0001
 * (depression), ν_post 0.01, τ_pre 20 ms, τ_post1 20 ms, τ_post2 40 ms, weights in [0, 1], trace cutoff 1e-6;
 * power-law x_tar 0.4, μ 0.2).
 *
 * @param input - any subset of {@link DiehlCookStdpParams}
 * @param field - prefix for error messages (default `"diehlCookStdp"`)
 * @throws `ValidationError` naming the field, e.g.
 *   `field diehlCookStdp.tauPreMs: invalid plasticity parameter; expected a finite number > 0, found -20`
 * @example
 * ```ts
 * const p = diehlCookStdpParams({ nuPost: 0.02 });
 * p.tauPost2Ms; // 40
 * ```
 */
export function diehlCookStdpParams(input: DiehlCookStdpParamsInput = {}, field = 'diehlCookStdp'): DiehlCookStdpParams {
  const wMin = nonNegativeNumber(input.wMin ?? 0, `${field}.wMin`);
  const wMax = positiveNumber(input.wMax ?? 1, `${field}.wMax`);
  checkBounds(wMin, wMax, field);
  const traceCutoff = nonNegativeNumber(input.traceCutoff ?? 1e-6, `${field}.traceCutoff`);
  if (traceCutoff >= 1) {
    throw new ValidationError('invalid plasticity parameter', { field: `${field}.traceCutoff`, expected: 'a number in [0, 1)', found: String(traceCutoff) });
  }
  const preUpdate = input.preUpdate ?? 'depress';
  if (preUpdate !== 'depress' && preUpdate !== 'potentiate') {
    throw new ValidationError('invalid plasticity parameter', { field: `${field}.preUpdate`, expected: "'depress' or 'potentiate'", found: JSON.stringify(preUpdate) });
  }
  const rule = input.rule ?? 'triplet';
  if (rule !== 'triplet' && rule !== 'power-law') {
    throw new ValidationError('invalid plasticity parameter', { field: `${field}.rule`, expected: "'triplet' or 'power-law'", found: JSON.stringify(rule) });
  }
  return Object.freeze({
    rule,
    xTar: nonNegativeNumber(input.xTar ?? 0.4, `${field}.xTar`),
    mu: nonNegativeNumber(input.mu ?? 0.2, `${field}.mu`),
    nuPre: nonNegativeNumber(input.nuPre ?? 0.0001, `${field}.nuPre`),
    preUpdate,
    nuPost: nonNegativeNumber(input.nuPost ?? 0.01, `${field}.nuPost`),
    tauPreMs: positiveNumber(input.tauPreMs ?? 20, `${field}.tauPreMs`),
    tauPost1Ms: positiveNumber(input.tauPost1Ms ?? 20, `${field}.tauPost1Ms`),
    tauPost2Ms: positiveNumber(input.tauPost2Ms ?? 40, `${field}.tauPost2Ms`),
    wMin,
    wMax,
    traceCutoff,
  });
}

/** Saved state of a {@link DiehlCookStdp}: the last spike times (ms; −∞ = never). */
export interface DiehlCookStdpState {
  /** Last spike time of each pre neuron, ms. */
  readonly lastPreMs: Float64Array;
  /** Last spike time of each post neuron, ms. */
  readonly lastPostMs: Float64Array;
  /** `'power-law'`: each pre trace just after its last spike (the trace adds 1 per spike); omitted = 1 per spiked input. */
  readonly preValue?: Float64Array;
}

/**
 * Event-driven Diehl & Cook STDP on a weight matrix `[nPre, nPost]`: a pre spike touches only its row,
 * a post spike only its column; traces are evaluated lazily from the last spike times.
 *
 * @remarks
 * Because every trace is SET to 1 at a spike, its value at time t is exactly
 * `exp(−(t − t_last)/τ)`, so only the last spike times are stored. Within one time step the caller
 * passes pre spikes first, then post spikes (a simultaneous pre spike counts with pre = 1 at the post spike).
 * Rule and citation: {@link DiehlCookStdpParams}.
 *
 * @example
 * ```ts
 * const weights = new Float64Array(784 * 100).fill(0.5);
 * const stdp = new DiehlCookStdp(784, 100, diehlCookStdpParams());
 * stdp.onPreSpikes(weights, [3, 17], 2, 10.5);
 * stdp.onPostSpikes(weights, [42], 1, 11); // w[3·100 + 42] = 0.5 + 0.01·e^{−0.5/20}·0 (first post spike: post2⁻ = 0)
 * ```
 */
export class DiehlCookStdp {
  /** Number of presynaptic neurons (rows). */
  readonly nPre: number;
  /** Number of postsynaptic neurons (columns). */
  readonly nPost: number;
  /** The rule's parameters. */
  readonly params: DiehlCookStdpParams;
  private readonly lastPre: Float64Array;
  private readonly lastPost: Float64Array;
  /** `'power-law'`: pre trace of each input just after its last spike. */
  private readonly preValue: Float64Array;
  /** Post neurons that may have post1 above the cutoff, and their count. */
  private readonly recent: Int32Array;
  private recentCount = 0;
  private readonly inRecent: Uint8Array;
  private readonly post1Now: Float64Array;
  private cachedTimeMs = Number.NaN;
  private readonly windowMs: number;
  private sums: Float64Array | null = null;

  /**
   * @param nPre - presynaptic neurons (rows of the weights)
   * @param nPost - postsynaptic neurons (columns)
   * @param params - from {@link diehlCookStdpParams}
   */
  constructor(nPre: number, nPost: number, params: DiehlCookStdpParams) {
    this.nPre = checkCount(nPre, 'nPre');
    this.nPost = checkCount(nPost, 'nPost');
    this.params = params;
    this.lastPre = new Float64Array(nPre).fill(Number.NEGATIVE_INFINITY);
    this.lastPost = new Float64Array(nPost).fill(Number.NEGATIVE_INFINITY);
    this.preValue = new Float64Array(nPre);
    this.recent = new Int32Array(nPost);
    this.inRecent = new Uint8Array(nPost);
    this.post1Now = new Float64Array(nPost);
    this.windowMs = params.traceCutoff > 0 ? -params.tauPost1Ms * Math.log(params.traceCutoff) : Number.POSITIVE_INFINITY;
  }

  /**
   * Keeps `sums[j]` equal to the column sums of the weights: from now on every weight change made by this rule is
   * also added to `sums[j]` (so a column normalisation needs no separate summing pass). `null` stops tracking.
   *
   * @param sums - length nPost, holding the current column sums
   * @throws `ShapeError` when the length is not nPost
   */
  trackColumnSums(sums: Float64Array | null): void {
    if (sums) checkLength(sums, this.nPost, 'sums');
    this.sums = sums;
  }

  /** Pre trace of input i at time t (ms): `exp(−age/τ_pre)` for the triplet rule, the decayed sum for the power-law rule. */
  preTrace(i: number, tMs: number): number {
    const decay = Math.exp(-(tMs - this.lastPre[i]) / this.params.tauPreMs);
    return this.params.rule === 'power-law' ? this.preValue[i] * decay : decay;
  }

  /** First post trace (depression) of neuron j at time t (ms). */
  post1Trace(j: number, tMs: number): number {
    return Math.exp(-(tMs - this.lastPost[j]) / this.params.tauPost1Ms);
  }

  /** Second post trace (potentiation) of neuron j at time t (ms). */
  post2Trace(j: number, tMs: number): number {
    return Math.exp(-(tMs - this.lastPost[j]) / this.params.tauPost2Ms);
  }

  private refresh(tMs: number): void {
    if (tMs === this.cachedTimeMs) return;
    this.cachedTimeMs = tMs;
    let k = 0;
    for (let r = 0; r < this.recentCount; r++) {
      const j = this.recent[r];
      const age = tMs - this.lastPost[j];
      if (age < this.windowMs) {
        this.recent[k++] = j;
        this.post1Now[j] = Math.exp(-age / this.params.tauPost1Ms);
      } else {
        this.inRecent[j] = 0;
      }
    }
    this.recentCount = k;
  }

  /**
   * Applies the pre-spike part of the rule for `count` inputs that spiked at time t: depression of their rows,
   * `w_ij ← clip(w_ij − ν_pre·post1_j(t))`, then `pre_i ← 1` (power-law rule: only `x_i ← x_i + 1`).
   *
   * @param weights - `[nPre, nPost]` row-major, modified in place
   * @param indices - the spiking inputs (first `count` entries are used)
   * @param count - how many entries of `indices` to use
   * @param tMs - time of the spikes, ms (non-decreasing across calls)
   */
  onPreSpikes(weights: WeightArray, indices: ArrayLike<number>, count: number, tMs: number): void {
    if (this.params.rule === 'power-law') {
      // Only the trace changes: x_i ← x_i·e^{−Δt/τ_pre} + 1.
      for (let e = 0; e < count; e++) {
        const i = indices[e];
        this.preValue[i] = 1 + this.preTrace(i, tMs);
        this.lastPre[i] = tMs;
      }
      return;
    }
    this.refresh(tMs);
    const { nuPre, wMin, wMax } = this.params;
    const delta = preDelta(this.params);
    const nPost = this.nPost;
    const recent = this.recent;
    const n = this.recentCount;
    const post1 = this.post1Now;
    for (let e = 0; e < count; e++) {
      const i = indices[e];
      this.lastPre[i] = tMs;
      if (nuPre === 0) continue;
      const row = i * nPost;
      const sums = this.sums;
      if (sums) {
        for (let r = 0; r < n; r++) {
          const j = recent[r];
          const old = weights[row + j];
          weights[row + j] = clip(old + delta * post1[j], wMin, wMax);
          sums[j] += weights[row + j] - old;
        }
      } else {
        for (let r = 0; r < n; r++) {
          const j = recent[r];
          weights[row + j] = clip(weights[row + j] + delta * post1[j], wMin, wMax);
        }
      }
    }
  }

  /**
   * Applies the post-spike part of the rule for `count` neurons that spiked at time t: potentiation of their
   * columns, `w_ij ← clip(w_ij + ν_post·pre_i(t)·post2_j⁻)`, then `post1_j ← 1`, `post2_j ← 1`.
   *
   * @param weights - `[nPre, nPost]` row-major, modified in place
   * @param indices - the spiking post neurons (first `count` entries are used)
   * @param count - how many entries of `indices` to use
   * @param tMs - time of the spikes, ms (non-decreasing across calls)
   */
  onPostSpikes(weights: WeightArray, indices: ArrayLike<number>, count: number, tMs: number): void {
    if (count === 0) return;
    if (this.params.rule === 'power-law') {
      this.powerLawPost(weights, indices, count, tMs);
      return;
    }
    const { nuPost, wMax, tauPreMs } = this.params;
    const nPre = this.nPre;
    const nPost = this.nPost;
    const lastPre = this.lastPre;
    let preNow: Float64Array | undefined;
    if (nuPost > 0) {
      preNow = new Float64Array(nPre);
      for (let i = 0; i < nPre; i++) preNow[i] = Math.exp(-(tMs - lastPre[i]) / tauPreMs);
    }
    for (let e = 0; e < count; e++) {
      const j = indices[e];
      if (preNow) {
        const scale = nuPost * this.post2Trace(j, tMs);
        if (scale > 0) {
          let delta = 0;
          for (let i = 0; i < nPre; i++) {
            const p = preNow[i];
            if (p === 0) continue;
            const k = i * nPost + j;
            const old = weights[k];
            weights[k] = Math.min(old + scale * p, wMax);
            delta += weights[k] - old;
          }
          if (this.sums) this.sums[j] += delta;
        }
      }
      this.lastPost[j] = tMs;
      this.post1Now[j] = 1;
      if (this.inRecent[j] === 0) {
        this.inRecent[j] = 1;
        this.recent[this.recentCount++] = j;
      }
    }
  }

  /** Power-law rule at post spikes: `w_ij ← clip(w_ij + ν_post·(x_i − x_tar)·(w_max − w_ij)^μ)` for every i. */
  private powerLawPost(weights: WeightArray, indices: ArrayLike<number>, count: number, tMs: number): void {
    const { nuPost, xTar, mu, wMin, wMax } = this.params;
    const nPre = this.nPre;
    const nPost = this.nPost;
    const x = new Float64Array(nPre);
    for (let i = 0; i < nPre; i++) x[i] = this.preTrace(i, tMs);
    for (let e = 0; e < count; e++) {
      const j = indices[e];
      let delta = 0;
      if (nuPost > 0) {
        for (let i = 0; i < nPre; i++) {
          const k = i * nPost + j;
          const old = weights[k];
          weights[k] = powerLawStep(old, x[i], nuPost, xTar, mu, wMin, wMax);
          delta += weights[k] - old;
        }
      }
      if (this.sums) this.sums[j] += delta;
      this.lastPost[j] = tMs;
    }
  }

  /** Copies the last spike times (and the power-law pre traces) for checkpoints. */
  getState(): DiehlCookStdpState {
    return { lastPreMs: this.lastPre.slice(), lastPostMs: this.lastPost.slice(), preValue: this.preValue.slice() };
  }

  /**
   * Restores the last spike times saved by {@link DiehlCookStdp.getState}.
   * @throws `ShapeError` when the arrays do not match nPre / nPost
   */
  setState(state: DiehlCookStdpState): void {
    checkLength(state.lastPreMs, this.nPre, 'lastPreMs');
    checkLength(state.lastPostMs, this.nPost, 'lastPostMs');
    if (state.preValue) checkLength(state.preValue, this.nPre, 'preValue');
    this.lastPre.set(state.lastPreMs);
    this.lastPost.set(state.lastPostMs);
    if (state.preValue) this.preValue.set(state.preValue);
    else for (let i = 0; i < this.nPre; i++) this.preValue[i] = this.lastPre[i] > Number.NEGATIVE_INFINITY ? 1 : 0;
    this.recentCount = 0;
    this.inRecent.fill(0);
    this.cachedTimeMs = Number.NaN;
    for (let j = 0; j < this.nPost; j++) {
      if (this.lastPost[j] > Number.NEGATIVE_INFINITY) {
        this.inRecent[j] = 1;
        this.recent[this.recentCount++] = j;
      }
    }
  }
}

/**
 * Dense (all synapses) Diehl & Cook STDP update for one time step; the plain reference of {@link diehlCookStdpKernel}.
 *
 * @remarks
 * `w' = clip(clip(w_ij − ν_pre·post1_j·s^pre_i) + ν_post·pre_i·post2⁻_j·s^post_j)`, with `pre` already set to 1
 * for this step's pre spikes and `post1`, `post2⁻` the post traces just before this step's post spikes; the same
 * result as {@link DiehlCookStdp} with pre events before post events (and cutoff 0). Diehl & Cook (2015).
 *
 * @param weights - `[nPre, nPost]` row-major (not modified)
 * @param pre - pre traces, length nPre
 * @param post1 - first post traces, length nPost
 * @param post2Before - second post traces before this step's spikes, length nPost
 * @param preSpikes - 1 where input i spiked this step, length nPre
 * @param postSpikes - 1 where neuron j spiked this step, length nPost
 * @param params - from {@link diehlCookStdpParams}
 * @returns the new weights (Float32)
 * @throws `ShapeError` when a length does not match
 */
export function diehlCookStdpDenseReference(
  weights: ArrayLike<number>,
  pre: ArrayLike<number>,
  post1: ArrayLike<number>,
  post2Before: ArrayLike<number>,
  preSpikes: ArrayLike<number>,
  postSpikes: ArrayLike<number>,
  params: DiehlCookStdpParams,
): Float32Array {
  const nPre = pre.length;
  const nPost = post1.length;
  checkWeights(weights, nPre, nPost);
  checkLength(post2Before, nPost, 'post2Before');
  checkLength(preSpikes, nPre, 'preSpikes');
  checkLength(postSpikes, nPost, 'postSpikes');
  const out = new Float32Array(nPre * nPost);
  if (params.rule === 'power-law') return diehlCookPowerLawDenseReference(weights, pre, postSpikes, params);
  for (let i = 0; i < nPre; i++) {
    for (let j = 0; j < nPost; j++) {
      let w = weights[i * nPost + j];
      if (preSpikes[i] > 0.5) w = Math.max(params.wMin, Math.min(params.wMax, w + preDelta(params) * post1[j]));
      if (postSpikes[j] > 0.5) w = Math.max(params.wMin, Math.min(params.wMax, w + params.nuPost * pre[i] * post2Before[j]));
      out[i * nPost + j] = w;
    }
  }
  return out;
}

/**
 * Dense (all synapses) power-law Diehl & Cook STDP update for one time step; the plain reference of
 * {@link diehlCookPowerLawKernel}.
 *
 * @remarks
 * `w'_ij = clip(w_ij + ν_post·(x_i − x_tar)·max(w_max − w_ij, 0)^μ)` (factor 1 when μ = 0) for the columns j with a post spike, unchanged
 * elsewhere; `x` are the (additive) pre traces after this step's pre spikes. Diehl & Cook (2015), Eq. 3.
 *
 * @param weights - `[nPre, nPost]` row-major (not modified)
 * @param pre - pre traces x, length nPre
 * @param postSpikes - 1 where neuron j spiked this step, length nPost
 * @param params - from {@link diehlCookStdpParams} (ν_post, x_tar, μ, bounds are used)
 * @returns the new weights (Float32)
 * @throws `ShapeError` when a length does not match
 */
export function diehlCookPowerLawDenseReference(
  weights: ArrayLike<number>,
  pre: ArrayLike<number>,
  postSpikes: ArrayLike<number>,
  params: DiehlCookStdpParams,
): Float32Array {
  const nPre = pre.length;
  const nPost = postSpikes.length;
  checkWeights(weights, nPre, nPost);
  const out = new Float32Array(nPre * nPost);
  for (let i = 0; i < nPre; i++) {
    for (let j = 0; j < nPost; j++) {
      const w = weights[i * nPost + j];
      out[i * nPost + j] = postSpikes[j] > 0.5 ? powerLawStep(w, pre[i], params.nuPost, params.xTar, params.mu, params.wMin, params.wMax) : w;
    }
  }
  return out;
}

/**
 * One power-law STDP change of a weight at a post spike: `clip(w + ν·(x − x_tar)·max(w_max − w, 0)^μ, w_min, w_max)`
 * (Diehl & Cook 2015, Eq. 3).
 *
 * @param w - the weight
 * @param x - the synapse's pre trace at the post spike
 * @param nu - learning rate ν_post
 * @param xTar - target trace x_tar
 * @param mu - exponent μ
 * @param wMin - lower bound
 * @param wMax - upper bound
 */
export function powerLawStep(w: number, x: number, nu: number, xTar: number, mu: number, wMin: number, wMax: number): number {
  const room = wMax - w;
  // μ = 0 means no weight dependence (factor 1, also at w ≥ w_max); otherwise no room means no change.
  const nw = w + nu * (x - xTar) * (mu === 0 ? 1 : room > 0 ? room ** mu : 0);
  return Math.min(Math.max(nw, wMin), wMax);
}

/**
 * The signed pre-spike rate: `−ν_pre` for `preUpdate: 'depress'`, `+ν_pre` for `'potentiate'`; a pre spike changes
 * `w_ij` by this times post1_j (then clipped to [w_min, w_max]).
 *
 * @param params - from {@link diehlCookStdpParams}
 */
export function preDelta(params: Pick<DiehlCookStdpParams, 'nuPre' | 'preUpdate'>): number {
  return params.preUpdate === 'potentiate' ? params.nuPre : -params.nuPre;
}

function clip(w: number, lo: number, hi: number): number {
  return Math.min(Math.max(w, lo), hi);
}
