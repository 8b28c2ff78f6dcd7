import { type WeightArray, checkBounds, checkCount, checkLength, checkWeights, finiteNumber, nonNegativeNumber, positiveNumber } from './validate.js';

/**
 * Parameters of additive pair-based STDP with exponential traces (all-to-all pairing).
 *
 * @remarks
 * Traces: `dx_i/dt = −x_i/τ₊`, `x_i ← x_i + 1` at a pre spike; `dy_j/dt = −y_j/τ₋`, `y_j ← y_j + 1` at a post spike.
 * - pre spike of i at t: `w_ij ← clip(w_ij − A₋·y_j(t), w_min, w_max)` for every j (depression);
 * - post spike of j at t: `w_ij ← clip(w_ij + A₊·x_i(t), w_min, w_max)` for every i (potentiation).
 *
 * For one pair with Δt = t_post − t_pre this gives `Δw = A₊·exp(−Δt/τ₊)` (Δt > 0) and
 * `Δw = −A₋·exp(Δt/τ₋)` (Δt < 0): the window measured by Bi, G. & Poo, M. (1998), J. Neurosci. 18:10464,
 * in the trace form of Song, S., Miller, K. D. & Abbott, L. F. (2000), Nat. Neurosci. 3:919.
 * Made by {@link pairStdpParams}.
 */
export interface PairStdpParams {
  /** Potentiation amplitude A₊ (weight units). Default 0.01. */
  readonly aPlus: number;
  /** Depression amplitude A₋ (weight units). Default 0.0105. */
  readonly aMinus: number;
  /** Pre trace time constant τ₊, ms. Default 20. */
  readonly tauPlusMs: number;
  /** Post trace time constant τ₋, ms. Default 20. */
  readonly tauMinusMs: number;
  /** Lower weight bound. Default 0. */
  readonly wMin: number;
  /** Upper weight bound. Default 1. */
  readonly wMax: number;
}

/** Options for {@link pairStdpParams}; missing fields take the defaults of {@link PairStdpParams}. */
export type PairStdpParamsInput = Partial<PairStdpParams>;

/**
 * Validates pair-STDP options and returns frozen params (defaults A₊ 0.01, A₋ 0.0105, τ₊ = τ₋ = 20 ms, w in [0, 1]).
 *
 * @param input - any subset of {@link PairStdpParams}
 * @param field - prefix for error messages (default `"pairStdp"`)
 * @throws `ValidationError` naming the field, e.g. `field pairStdp.tauPlusMs: invalid plasticity parameter; expected a finite number > 0, found 0`
 * @example
 * ```ts
 * const p = pairStdpParams({ aPlus: 0.005 });
 * ```
 */
export function pairStdpParams(input: PairStdpParamsInput = {}, field = 'pairStdp'): PairStdpParams {
  const wMin = finiteNumber(input.wMin ?? 0, `${field}.wMin`);
  const wMax = finiteNumber(input.wMax ?? 1, `${field}.wMax`);
  checkBounds(wMin, wMax, field);
  return Object.freeze({
    aPlus: nonNegativeNumber(input.aPlus ?? 0.01, `${field}.aPlus`),
    aMinus: nonNegativeNumber(input.aMinus ?? 0.0105, `${field}.aMinus`),
    tauPlusMs: positiveNumber(input.tauPlusMs ?? 20, `${field}.tauPlusMs`),
    tauMinusMs: positiveNumber(input.tauMinusMs ?? 20, `${field}.tauMinusMs`),
    wMin,
    wMax,
  });
}

/** Saved state of a {@link PairStdp}: trace values at their last update times. */
export interface PairStdpState {
  /** Pre traces x_i at `preTimeMs`. */
  readonly preTrace: Float64Array;
  /** Time of the last update of each pre trace, ms. */
  readonly preTimeMs: Float64Array;
  /** Post traces y_j at `postTimeMs`. */
  readonly postTrace: Float64Array;
  /** Time of the last update of each post trace, ms. */
  readonly postTimeMs: Float64Array;
}

/**
 * Event-driven additive pair STDP on a weight matrix `[nPre, nPost]`: a pre spike touches only its row, a post
 * spike only its column; traces decay lazily from their last update time.
 *
 * @remarks
 * Rule and citations: {@link PairStdpParams}. Within one time step pass pre spikes first, then post spikes.
 *
 * @example
 * ```ts
 * const stdp = new PairStdp(2, 1, pairStdpParams());
 * const w = new Float64Array([0.5, 0.5]);
 * stdp.onPreSpikes(w, [0], 1, 0);
 * stdp.onPostSpikes(w, [0], 1, 10); // w[0] = 0.5 + 0.01·exp(−10/20)
 * ```
 */
export class PairStdp {
  /** Number of presynaptic neurons (rows). */
  readonly nPre: number;
  /** Number of postsynaptic neurons (columns). */
  readonly nPost: number;
  /** The rule's parameters. */
  readonly params: PairStdpParams;
  private readonly x: Float64Array;
  private readonly xTime: Float64Array;
  private readonly y: Float64Array;
  private readonly yTime: Float64Array;

  /**
   * @param nPre - presynaptic neurons
   * @param nPost - postsynaptic neurons
   * @param params - from {@link pairStdpParams}
   */
  constructor(nPre: number, nPost: number, params: PairStdpParams) {
    this.nPre = checkCount(nPre, 'nPre');
    this.nPost = checkCount(nPost, 'nPost');
    this.params = params;
    this.x = new Float64Array(nPre);
    this.xTime = new Float64Array(nPre);
    this.y = new Float64Array(nPost);
    this.yTime = new Float64Array(nPost);
  }

  /** Pre trace x_i at time t (ms). */
  preTrace(i: number, tMs: number): number {
    return this.x[i] * Math.exp(-(tMs - this.xTime[i]) / this.params.tauPlusMs);
  }

  /** Post trace y_j at time t (ms). */
  postTrace(j: number, tMs: number): number {
    return this.y[j] * Math.exp(-(tMs - this.yTime[j]) / this.params.tauMinusMs);
  }

  /**
   * Pre spikes at time t: `w_ij ← clip(w_ij − A₋·y_j(t))` on their rows, then `x_i ← x_i(t) + 1`.
   * @param weights - `[nPre, nPost]` row-major, modified in place
   * @param indices - spiking inputs (first `count` used)
   * @param count - number of spikes
   * @param tMs - spike time, ms
   */
  onPreSpikes(weights: WeightArray, indices: ArrayLike<number>, count: number, tMs: number): void {
    const { aMinus, wMin, wMax } = this.params;
    const nPost = this.nPost;
    let yNow: Float64Array | undefined;
    if (count > 0 && aMinus > 0) {
      yNow = new Float64Array(nPost);
      for (let j = 0; j < nPost; j++) yNow[j] = this.postTrace(j, tMs);
    }
    for (let e = 0; e < count; e++) {
      const i = indices[e];
      if (yNow) {
        const row = i * nPost;
        for (let j = 0; j < nPost; j++) {
          const w = weights[row + j] - aMinus * yNow[j];
          weights[row + j] = w < wMin ? wMin : Math.min(w, wMax);
        }
      }
      this.x[i] = this.preTrace(i, tMs) + 1;
      this.xTime[i] = tMs;
    }
  }

  /**
   * Post spikes at time t: `w_ij ← clip(w_ij + A₊·x_i(t))` on their columns, then `y_j ← y_j(t) + 1`.
   * @param weights - `[nPre, nPost]` row-major, modified in place
   * @param indices - spiking post neurons (first `count` used)
   * @param count - number of spikes
   * @param tMs - spike time, ms
   */
  onPostSpikes(weights: WeightArray, indices: ArrayLike<number>, count: number, tMs: number): void {
    const { aPlus, wMin, wMax } = this.params;
    const nPre = this.nPre;
    const nPost = this.nPost;
    let xNow: Float64Array | undefined;
    if (count > 0 && aPlus > 0) {
      xNow = new Float64Array(nPre);
      for (let i = 0; i < nPre; i++) xNow[i] = this.preTrace(i, tMs);
    }
    for (let e = 0; e < count; e++) {
      const j = indices[e];
      if (xNow) {
        for (let i = 0; i < nPre; i++) {
          const w = weights[i * nPost + j] + aPlus * xNow[i];
          weights[i * nPost + j] = w < wMin ? wMin : Math.min(w, wMax);
        }
      }
      this.y[j] = this.postTrace(j, tMs) + 1;
      this.yTime[j] = tMs;
    }
  }

  /** Copies the traces and their times (for checkpoints). */
  getState(): PairStdpState {
    return { preTrace: this.x.slice(), preTimeMs: this.xTime.slice(), postTrace: this.y.slice(), postTimeMs: this.yTime.slice() };
  }

  /**
   * Restores a state saved by {@link PairStdp.getState}.
   * @throws `ShapeError` when the arrays do not match nPre / nPost
   */
  setState(state: PairStdpState): void {
    checkLength(state.preTrace, this.nPre, 'preTrace');
    checkLength(state.preTimeMs, this.nPre, 'preTimeMs');
    checkLength(state.postTrace, this.nPost, 'postTrace');
    checkLength(state.postTimeMs, this.nPost, 'postTimeMs');
    this.x.set(state.preTrace);
    this.xTime.set(state.preTimeMs);
    this.y.set(state.postTrace);
    this.yTime.set(state.postTimeMs);
  }
}

/**
 * Dense (all synapses) pair-STDP update for one time step; the plain reference of {@link pairStdpKernel}.
 *
 * @remarks
 * `w' = clip(clip(w_ij − A₋·y_j·s^pre_i) + A₊·x_i·s^post_j)` where `x` already includes this step's pre spikes
 * and `y` excludes this step's post spikes: the result of {@link PairStdp} with pre events before post events.
 * Bi & Poo (1998); Song, Miller & Abbott (2000).
 *
 * @param weights - `[nPre, nPost]` row-major (not modified)
 * @param preTrace - x, length nPre
 * @param postTrace - y, length nPost
 * @param preSpikes - 1 where input i spiked, length nPre
 * @param postSpikes - 1 where neuron j spiked, length nPost
 * @param params - from {@link pairStdpParams}
 * @returns the new weights (Float32)
 * @throws `ShapeError` when a length does not match
 */
export function pairStdpDenseReference(
  weights: ArrayLike<number>,
  preTrace: ArrayLike<number>,
  postTrace: ArrayLike<number>,
  preSpikes: ArrayLike<number>,
  postSpikes: ArrayLike<number>,
  params: PairStdpParams,
): Float32Array {
  const nPre = preTrace.length;
  const nPost = postTrace.length;
  checkWeights(weights, nPre, nPost);
  checkLength(preSpikes, nPre, 'preSpikes');
  checkLength(postSpikes, nPost, 'postSpikes');
  const out = new Float32Array(nPre * nPost);
  for (let i = 0; i < nPre; i++) {
    for (let j = 0; j < nPost; j++) {
      let w = weights[i * nPost + j];
      if (preSpikes[i] > 0.5) w = Math.max(params.wMin, Math.min(params.wMax, w - params.aMinus * postTrace[j]));
      if (postSpikes[j] > 0.5) w = Math.max(params.wMin, Math.min(params.wMax, w + params.aPlus * preTrace[i]));
      out[i * nPost + j] = w;
    }
  }
  return out;
}
