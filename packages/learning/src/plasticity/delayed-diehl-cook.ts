import { ShapeError, ValidationError } from '@snn/core';
import { type DiehlCookStdpParams, powerLawStep, preDelta } from './diehl-cook-stdp.js';
import { type WeightArray, checkCount, checkLength, checkWeights } from './validate.js';

/** Saved state of {@link DelayedDiehlCookSynapses} (spike times in steps; −∞ = never). */
export interface DelayedDiehlCookState {
  /**
   * Emission steps of the last `maxDelaySteps + 1` spikes of every input, `[nPre, maxDelaySteps + 1]` row-major:
   * each row is a ring whose newest entry is at `historyHead[i]`.
   */
  readonly history: Float64Array;
  /** Ring position of the newest entry of each input's history. */
  readonly historyHead: Int32Array;
  /** Step of the last spike of each postsynaptic neuron. */
  readonly lastPostStep: Float64Array;
  /**
   * The last step passed to {@link DelayedDiehlCookSynapses.deliver} (−∞ before the first). With `'emission'`
   * transmission, {@link DelayedDiehlCookSynapses.setState} rebuilds the conductance still in flight from the emissions
   * whose arrival `s + d_ij` is later than this step (with the weights at restore time); omitted, nothing is in flight.
   */
  readonly deliveredStep?: number;
  /**
   * `'emission'` only: the ring of conductance increments still in flight, as kept internally (`[2·slots, nPost]`,
   * slots = maxDelaySteps + 1). Given, it is restored as is (exact even when weights changed while spikes were in
   * flight); omitted, it is rebuilt from `history` as described under `deliveredStep`.
   */
  readonly pendingGe?: Float64Array;
  /**
   * Power-law rule only: the input's (additive) pre trace just after each emission in `history`, same layout. Omitted,
   * it is rebuilt from the kept emissions (exact up to emissions older than the ring, whose share is ≤ e^{−slots·Δt/τ_pre}).
   */
  readonly historyTrace?: Float64Array;
}

/** Largest delay, in steps, that {@link DelayedDiehlCookSynapses} accepts. */
const MAX_DELAY_STEPS = 255;
/** Trace values `exp(−k·Δt/τ)` are tabulated for ages below this many steps (computed beyond). */
const TABLE_STEPS = 4096;

function table(dtMs: number, tauMs: number): Float64Array {
  const t = new Float64Array(TABLE_STEPS);
  for (let k = 0; k < TABLE_STEPS; k++) t[k] = Math.exp((-k * dtMs) / tauMs);
  return t;
}

/**
 * A plastic, delayed, all-to-all projection `[nPre, nPost]` with the Diehl & Cook (2015) STDP rule applied at the
 * synapse, as in the authors' Brian code: every synapse has its own delay, a presynaptic spike reaches synapse
 * (i, j) `d_ij` steps after it was emitted, and only then adds `w_ij` to `g_e` of j, sets the synapse's pre trace
 * and depresses the synapse with j's post1 trace of that moment.
 *
 * @remarks
 * Per synapse, with `a_ij` the last arrival time of a spike of i at (i, j) (triplet rule, the default):
 *
 * - arrival at (i, j) at step t: `g_e,j += w_ij`; `pre_ij ← 1`; `w_ij ← clip(w_ij − ν_pre·post1_j(t), w_min, w_max)`
 *   (`+ ν_pre·post1_j` with `preUpdate: 'potentiate'`);
 * - post spike of j at step t: `w_ij ← min(w_ij + ν_post·pre_ij(t)·post2_j⁻, w_max)` for all i, with
 *   `pre_ij(t) = exp(−(t − a_ij)·Δt/τ_pre)` and `post2_j⁻` the post2 trace just before this spike; then
 *   `post1_j ← 1`, `post2_j ← 1` (`post1 = exp(−age/τ_post1)`, `post2 = exp(−age/τ_post2)`).
 *
 * With `rule: 'power-law'` (the paper's Eq. 3, see `DiehlCookStdpParams`) an arrival only adds 1 to the synapse's pre
 * trace `x_ij` (the sum of `exp(−(t − a)·Δt/τ_pre)` over its arrivals a); a post spike of j sets
 * `w_ij ← clip(w_ij + ν_post·(x_ij − x_tar)·(w_max − w_ij)^μ)` for all i.
 *
 * Transmission: with `'arrival'` (the default, Brian 2's `on_pre` with a delay) the weight at the arrival is added to
 * `g_e`; with `'emission'` (Brian 1's `DelayConnection`, the authors' original code) the weight at the emission is
 * written into a ring of future conductance increments, so the emission costs one sequential pass over the input's
 * weight row and each step adds one ring slot to `g_e`; the depression at the arrival then only visits the synapses
 * onto the (few) post neurons whose post1 trace is above `traceCutoff`, listed by arrival step when the spike is
 * emitted (or when the post neuron spikes while it is in flight). The two differ only when a weight changes while its spike
 * is in flight (a post spike of j within the ≤ 10 ms delay).
 *
 * Within a step, arrivals ({@link DelayedDiehlCookSynapses.deliver}) come before post spikes
 * ({@link DelayedDiehlCookSynapses.onPostSpikes}), as in Brian's schedule. Brian 1 (`STDP` on a `DelayConnection`)
 * evaluates the presynaptic variables delayed by `d_ij` and the depression at the arrival time, which is the same.
 *
 * Event-driven: an emitted spike is kept in a ring of the last `maxDelay + 1` steps; each step, the synapses whose
 * delay equals the age of a kept spike are visited (each input's synapses are pre-sorted by delay), so an input
 * spike costs one visit per synapse in all. The pre traces are not stored per synapse: a post spike looks up, for
 * each input, the newest emission that has arrived at its synapse in a per-input history of the last
 * `maxDelay + 1` emissions (exact, since at most `maxDelay` newer emissions can still be in flight). Depression
 * skips post neurons whose post1 trace is below `traceCutoff` (see {@link DiehlCookStdpParams}).
 * Diehl, P. U. & Cook, M. (2015). Front. Comput. Neurosci. 9:99.
 *
 * @example
 * ```ts
 * const w = new Float64Array(2 * 3).fill(0.5);
 * const delays = Uint8Array.from([0, 1, 2, 0, 0, 0]);
 * const syn = new DelayedDiehlCookSynapses(2, 3, w, delays, 0.5, diehlCookStdpParams());
 * const ge = new Float64Array(3);
 * syn.emit([0], 0, 1, 0);
 * syn.deliver(0, ge, true); // ge = [0.5, 0, 0]: only the delay-0 synapse of input 0 has been reached
 * syn.deliver(1, ge, true); // ge = [0.5, 0.5, 0]
 * ```
 */
export class DelayedDiehlCookSynapses {
  /** Presynaptic neurons (rows). */
  readonly nPre: number;
  /** Postsynaptic neurons (columns). */
  readonly nPost: number;
  /** Weights `[nPre, nPost]` row-major (shared, modified in place by the rule). */
  readonly weights: WeightArray;
  /** Delay of each synapse in steps, `[nPre, nPost]`. */
  readonly delaySteps: Uint8Array;
  /** The largest delay, steps. */
  readonly maxDelaySteps: number;
  /** Time step, ms. */
  readonly dtMs: number;
  /** The STDP parameters. */
  readonly params: DiehlCookStdpParams;
  /** Ring length: `maxDelaySteps + 1`. */
  private readonly slots: number;
  /** For row i, the post indices sorted by delay: `order[i·nPost + k]`. */
  private readonly order: Int32Array;
  /** For row i and delay d, the first k of that delay in `order`: `bucket[i·(slots + 1) + d]`. */
  private readonly bucket: Int32Array;
  /** Inputs emitted at step `ringStep[s]`, `ringIdx[s·nPre ..]`, `ringCount[s]` of them. */
  private readonly ringIdx: Int32Array;
  private readonly ringCount: Int32Array;
  private readonly ringStep: Float64Array;
  private readonly history: Float64Array;
  /** Power-law rule: the input's additive pre trace just after each `history` entry (empty for the triplet rule). */
  private readonly historyTrace: Float64Array;
  private readonly powerLaw: boolean;
  /** Whether an arrival changes weights (the triplet rule with ν_pre > 0). */
  private readonly preLearning: boolean;
  private readonly historyHead: Int32Array;
  private readonly lastPost: Float64Array;
  /** post1 of every post neuron at `cachedStep` (0 for those below the cutoff). */
  private readonly post1Now: Float64Array;
  private readonly recent: Int32Array;
  private recentCount = 0;
  private readonly inRecent: Uint8Array;
  private cachedStep = Number.NaN;
  private readonly windowSteps: number;
  private readonly preTable: Float64Array;
  private readonly post1Table: Float64Array;
  private readonly post2Table: Float64Array;
  private sums: Float64Array | null = null;
  /** 1 for post neurons whose weight column changed since the last {@link DelayedDiehlCookSynapses.takeChangedColumns}. */
  private readonly changed: Uint8Array;
  private readonly changedList: Int32Array;
  private changedCount = 0;
  /** How weights reach `g_e` (see the class remarks). */
  readonly transmission: 'arrival' | 'emission';
  /**
   * `'emission'`: conductance increments due at step s, in two rows per ring slot: an emission at step e (slot
   * `e mod slots`) with delay d is written to row `(e mod slots) + d` (< 2·slots, no wrap-around branch), and step s
   * collects rows `s mod slots` and `(s mod slots) + slots`; `[2·slots, nPost]` row-major.
   */
  private readonly pendingGe: Float64Array;
  /** `'emission'`: `d_ij·nPost + j` per synapse, the offset of (i, j)'s increment from its emission slot's row. */
  private readonly pendingOffset: Int32Array;
  /**
   * `'emission'`: synapses (i, j) onto recent post neurons j whose spike arrives at step s, as flat indices
   * `i·nPost + j` in `arrivals[s mod slots]` (`arrivalCount` of them): the depression visits only these.
   */
  private readonly arrivals: Int32Array[];
  private readonly arrivalCount: Int32Array;
  /** Step at which post neuron j last left the recent list (−∞: never); emissions after it are not in `arrivals`. */
  private readonly leftRecentStep: Float64Array;
  private deliveredStep = Number.NEGATIVE_INFINITY;

  /**
   * @param nPre - presynaptic neurons
   * @param nPost - postsynaptic neurons
   * @param weights - `[nPre, nPost]` row-major; kept by reference
   * @param delaySteps - delay of each synapse in whole steps, `[nPre, nPost]`, each ≤ 255
   * @param dtMs - time step, ms (> 0)
   * @param params - from `diehlCookStdpParams`
   * @param transmission - `'arrival'` (default) or `'emission'`, see the class remarks
   * @throws `ShapeError` for arrays of the wrong size; `ValidationError` for a bad size, step or transmission
   */
  constructor(
    nPre: number,
    nPost: number,
    weights: WeightArray,
    delaySteps: Uint8Array,
    dtMs: number,
    params: DiehlCookStdpParams,
    transmission: 'arrival' | 'emission' = 'arrival',
  ) {
    this.nPre = checkCount(nPre, 'nPre');
    this.nPost = checkCount(nPost, 'nPost');
    checkWeights(weights, nPre, nPost);
    checkWeights(delaySteps, nPre, nPost, 'delaySteps');
    if (typeof dtMs !== 'number' || !Number.isFinite(dtMs) || dtMs <= 0) {
      throw new ValidationError('invalid time step', { field: 'dtMs', expected: 'a finite number > 0', found: String(dtMs) });
    }
    if (transmission !== 'arrival' && transmission !== 'emission') {
      throw new ValidationError('invalid transmission', { field: 'transmission', expected: "'arrival' or 'emission'", found: String(transmission) });
    }
    this.transmission = transmission;
    this.weights = weights;
    this.delaySteps = delaySteps;
    this.dtMs = dtMs;
    this.params = params;
    let maxDelay = 0;
    for (let k = 0; k < delaySteps.length; k++) if (delaySteps[k] > maxDelay) maxDelay = delaySteps[k];
    this.maxDelaySteps = Math.min(maxDelay, MAX_DELAY_STEPS);
    const slots = this.maxDelaySteps + 1;
    this.slots = slots;
    this.order = new Int32Array(nPre * nPost);
    this.bucket = new Int32Array(nPre * (slots + 1));
    const fill = new Int32Array(slots + 1);
    for (let i = 0; i < nPre; i++) {
      const row = i * nPost;
      fill.fill(0);
      for (let j = 0; j < nPost; j++) fill[delaySteps[row + j] + 1]++;
      for (let d = 0; d < slots; d++) fill[d + 1] += fill[d];
      this.bucket.set(fill, i * (slots + 1));
      for (let j = 0; j < nPost; j++) this.order[row + fill[delaySteps[row + j]]++] = j;
    }
    this.ringIdx = new Int32Array(slots * nPre);
    this.ringCount = new Int32Array(slots);
    this.ringStep = new Float64Array(slots).fill(Number.NEGATIVE_INFINITY);
    this.history = new Float64Array(nPre * slots).fill(Number.NEGATIVE_INFINITY);
    this.powerLaw = params.rule === 'power-law';
    this.preLearning = !this.powerLaw && params.nuPre > 0;
    this.historyTrace = new Float64Array(this.powerLaw ? nPre * slots : 0);
    this.historyHead = new Int32Array(nPre);
    this.lastPost = new Float64Array(nPost).fill(Number.NEGATIVE_INFINITY);
    this.post1Now = new Float64Array(nPost);
    this.recent = new Int32Array(nPost);
    this.inRecent = new Uint8Array(nPost);
    this.windowSteps = params.traceCutoff > 0 ? (-params.tauPost1Ms * Math.log(params.traceCutoff)) / dtMs : Number.POSITIVE_INFINITY;
    this.preTable = table(dtMs, params.tauPreMs);
    this.post1Table = table(dtMs, params.tauPost1Ms);
    this.post2Table = table(dtMs, params.tauPost2Ms);
    this.pendingGe = new Float64Array(transmission === 'emission' ? 2 * slots * nPost : 0);
    this.pendingOffset = new Int32Array(transmission === 'emission' ? nPre * nPost : 0);
    if (transmission === 'emission') {
      for (let i = 0; i < nPre; i++) for (let j = 0; j < nPost; j++) this.pendingOffset[i * nPost + j] = delaySteps[i * nPost + j] * nPost + j;
    }
    this.arrivals = Array.from({ length: transmission === 'emission' ? slots : 0 }, () => new Int32Array(64));
    this.arrivalCount = new Int32Array(transmission === 'emission' ? slots : 0);
    this.leftRecentStep = new Float64Array(nPost).fill(Number.NEGATIVE_INFINITY);
    this.changed = new Uint8Array(nPost);
    this.changedList = new Int32Array(nPost);
  }

  /**
   * Keeps `sums[j]` equal to the column sums of the weights: every weight change made by the rule is also added to
   * `sums[j]` (so a column normalisation needs no summing pass). `null` stops tracking.
   * @throws `ShapeError` when the length is not nPost
   */
  trackColumnSums(sums: Float64Array | null): void {
    if (sums) checkLength(sums, this.nPost, 'sums');
    this.sums = sums;
    this.changed.fill(0);
    this.changedCount = 0;
  }

  /**
   * While column sums are tracked: writes the post neurons whose weight column the rule changed since the previous
   * call (or since {@link DelayedDiehlCookSynapses.trackColumnSums}) into `out`, forgets them, and returns how many.
   * A normalisation then needs to rescale only these columns (see `normalizeSelectedColumns`).
   *
   * @param out - length ≥ nPost
   * @returns the number of entries written
   * @throws `ShapeError` when `out` is shorter than nPost
   */
  takeChangedColumns(out: Int32Array): number {
    if (out.length < this.nPost) {
      throw new ShapeError('output array too short', { field: 'out', expected: `at least ${this.nPost} values`, found: `${out.length}` });
    }
    const n = this.changedCount;
    for (let e = 0; e < n; e++) {
      const j = this.changedList[e];
      out[e] = j;
      this.changed[j] = 0;
    }
    this.changedCount = 0;
    return n;
  }

  /** The columns {@link DelayedDiehlCookSynapses.takeChangedColumns} would return now, without forgetting them (for checkpoints). */
  changedColumns(): Int32Array {
    return this.changedList.slice(0, this.changedCount);
  }

  /**
   * Adds columns to the changed list (e.g. restoring {@link DelayedDiehlCookSynapses.changedColumns} from a checkpoint
   * after {@link DelayedDiehlCookSynapses.trackColumnSums}).
   * @throws `ValidationError` for an index outside [0, nPost)
   */
  markColumnsChanged(columns: ArrayLike<number>): void {
    for (let e = 0; e < columns.length; e++) {
      const j = columns[e];
      if (!Number.isInteger(j) || j < 0 || j >= this.nPost) {
        throw new ValidationError('column index out of range', { field: `columns[${e}]`, expected: `an integer in [0, ${this.nPost})`, found: String(j) });
      }
      if (this.changed[j] === 0) this.markChanged(j);
    }
  }

  private markChanged(j: number): void {
    this.changed[j] = 1;
    this.changedList[this.changedCount++] = j;
  }

  /**
   * Records the spikes of `count` inputs emitted at `step` (`indices[start .. start + count)`, each input at most
   * once per step). Call once per step with spikes, before {@link DelayedDiehlCookSynapses.deliver} of that step.
   */
  emit(indices: ArrayLike<number>, start: number, count: number, step: number): void {
    if (count === 0) return;
    const slots = this.slots;
    const slot = step % slots;
    if (this.ringStep[slot] !== step) {
      this.ringStep[slot] = step;
      this.ringCount[slot] = 0;
    }
    let c = this.ringCount[slot];
    const base = slot * this.nPre;
    const history = this.history;
    const head = this.historyHead;
    const powerLaw = this.powerLaw;
    for (let e = start; e < start + count; e++) {
      const i = indices[e];
      this.ringIdx[base + c++] = i;
      const h = head[i] + 1 === slots ? 0 : head[i] + 1;
      if (powerLaw) {
        // x just after this emission = 1 + x after the previous one, decayed over the steps between.
        const prev = i * slots + head[i];
        this.historyTrace[i * slots + h] = 1 + (history[prev] === Number.NEGATIVE_INFINITY ? 0 : this.historyTrace[prev] * this.preDecay(step - history[prev]));
      }
      head[i] = h;
      history[i * slots + h] = step;
    }
    this.ringCount[slot] = c;
    if (this.transmission === 'emission') {
      const nPost = this.nPost;
      const w = this.weights;
      const offset = this.pendingOffset;
      const pending = this.pendingGe;
      const slotBase = slot * nPost;
      for (let e = start; e < start + count; e++) {
        const row = indices[e] * nPost;
        const end = row + nPost;
        for (let k = row; k < end; k++) pending[slotBase + offset[k]] += w[k];
      }
      const delays = this.delaySteps;
      const recentCount = this.preLearning ? this.recentCount : 0;
      for (let r = 0; r < recentCount; r++) {
        const j = this.recent[r];
        for (let e = start; e < start + count; e++) {
          const idx = indices[e] * nPost + j;
          let t = slot + delays[idx];
          if (t >= slots) t -= slots;
          this.pushArrival(t, idx);
        }
      }
    }
  }

  /** True while an emitted spike has not yet reached all its synapses at `step`. */
  inFlight(step: number): boolean {
    for (let s = 0; s < this.slots; s++) if (this.ringCount[s] > 0 && this.ringStep[s] + this.maxDelaySteps >= step) return true;
    return false;
  }

  private refresh(step: number): void {
    if (step === this.cachedStep) return;
    this.cachedStep = step;
    let k = 0;
    const table1 = this.post1Table;
    for (let r = 0; r < this.recentCount; r++) {
      const j = this.recent[r];
      const age = step - this.lastPost[j];
      if (age < this.windowSteps) {
        this.recent[k++] = j;
        this.post1Now[j] = age < TABLE_STEPS ? table1[age] : Math.exp((-age * this.dtMs) / this.params.tauPost1Ms);
      } else {
        this.inRecent[j] = 0;
        this.post1Now[j] = 0;
        this.leftRecentStep[j] = step;
      }
    }
    this.recentCount = k;
  }

  /**
   * Delivers the spikes that reach their synapses at `step`: `ge[j] += w_ij`, and when `learn`, the depression
   * `w_ij ← clip(w_ij ∓ ν_pre·post1_j, w_min, w_max)` (sign from `preUpdate`) with post1 at this step (before this step's
   * post spikes).
   *
   * @param step - current step (non-decreasing across calls)
   * @param ge - excitatory conductances of the post neurons, length nPost, incremented in place
   * @param learn - apply the depression
   */
  deliver(step: number, ge: Float64Array, learn: boolean): void {
    const slots = this.slots;
    const nPost = this.nPost;
    const w = this.weights;
    const order = this.order;
    const bucket = this.bucket;
    const ringIdx = this.ringIdx;
    const doLearn = learn && this.preLearning;
    // Also when not learning: keeps the recent list (and the arrivals listed for it) short, e.g. in test mode.
    this.refresh(step);
    this.deliveredStep = step;
    if (this.transmission === 'emission') {
      this.deliverPending(step, ge, doLearn);
      return;
    }
    const post1 = this.post1Now;
    const delta = preDelta(this.params);
    const wMin = this.params.wMin;
    const wMax = this.params.wMax;
    const sums = this.sums;
    for (let d = 0; d < slots; d++) {
      const slot = this.emittedSlot(step - d);
      if (slot < 0) continue;
      const n = this.ringCount[slot];
      const base = slot * this.nPre;
      for (let e = 0; e < n; e++) {
        const i = ringIdx[base + e];
        const row = i * nPost;
        const b = i * (slots + 1) + d;
        const k1 = row + bucket[b + 1];
        if (!doLearn) {
          for (let k = row + bucket[b]; k < k1; k++) {
            const j = order[k];
            ge[j] += w[row + j];
          }
        } else {
          for (let k = row + bucket[b]; k < k1; k++) {
            const j = order[k];
            const idx = row + j;
            const old = w[idx];
            ge[j] += old;
            const p = post1[j];
            if (p !== 0) {
              const nw = old + delta * p;
              const c = Math.min(Math.max(nw, wMin), wMax);
              w[idx] = c;
              if (sums) {
                sums[j] += c - old;
                if (this.changed[j] === 0) this.markChanged(j);
              }
            }
          }
        }
      }
    }
  }

  /** The ring slot holding the input spikes emitted at step `s`, or −1 when none are recorded for `s`. */
  private emittedSlot(s: number): number {
    if (s < 0) return -1;
    const slot = s % this.slots;
    return this.ringStep[slot] === s ? slot : -1;
  }

  /** `'emission'` transmission: adds this step's ring slot to `ge`, then depresses the arrivals at recent post neurons. */
  private deliverPending(step: number, ge: Float64Array, doLearn: boolean): void {
    const slots = this.slots;
    const nPost = this.nPost;
    const pending = this.pendingGe;
    const base = (step % slots) * nPost;
    const high = base + slots * nPost;
    for (let j = 0; j < nPost; j++) {
      ge[j] += pending[base + j] + pending[high + j];
      pending[base + j] = 0;
      pending[high + j] = 0;
    }
    const slot = step % slots;
    const n = this.arrivalCount[slot];
    this.arrivalCount[slot] = 0;
    if (!doLearn) return;
    const list = this.arrivals[slot];
    const w = this.weights;
    const delta = preDelta(this.params);
    const wMin = this.params.wMin;
    const wMax = this.params.wMax;
    const sums = this.sums;
    const post1 = this.post1Now;
    for (let e = 0; e < n; e++) {
      const idx = list[e];
      const j = idx % nPost;
      const p = post1[j];
      if (p === 0) continue;
      const old = w[idx];
      const nw = old + delta * p;
      const c = Math.min(Math.max(nw, wMin), wMax);
      w[idx] = c;
      if (sums) {
        sums[j] += c - old;
        if (this.changed[j] === 0) this.markChanged(j);
      }
    }
  }

  /** `'emission'`: records that synapse `idx` (= i·nPost + j) receives a spike at the step of ring slot `slot`. */
  private pushArrival(slot: number, idx: number): void {
    let list = this.arrivals[slot];
    const n = this.arrivalCount[slot];
    if (n === list.length) {
      const grown = new Int32Array(2 * n);
      grown.set(list);
      this.arrivals[slot] = grown;
      list = grown;
    }
    list[n] = idx;
    this.arrivalCount[slot] = n + 1;
  }

  /**
   * `'emission'`: post neuron j joins the recent list at `step` (after this step's arrivals): the spikes in flight
   * towards it, emitted after it last left the list (earlier ones are in `arrivals` already), are added to `arrivals`.
   */
  private subscribeArrivals(j: number, step: number): void {
    const slots = this.slots;
    const nPost = this.nPost;
    const from = Math.max(step - this.maxDelaySteps, this.leftRecentStep[j] + 1, 0);
    for (let s = from; s <= step; s++) {
      const slot = this.emittedSlot(s);
      if (slot < 0) continue;
      const base = slot * this.nPre;
      for (let e = 0; e < this.ringCount[slot]; e++) {
        const idx = this.ringIdx[base + e] * nPost + j;
        const arrival = s + this.delaySteps[idx];
        if (arrival > step) this.pushArrival(arrival % slots, idx);
      }
    }
  }

  /**
   * Applies the post-spike part of the rule for `count` neurons that spiked at `step` (after this step's
   * {@link DelayedDiehlCookSynapses.deliver}): potentiation of their columns with the per-synapse pre traces, then
   * `post1_j ← 1`, `post2_j ← 1`.
   *
   * @param indices - spiking post neurons (`indices[0 .. count)`)
   * @param count - how many
   * @param step - current step
   */
  onPostSpikes(indices: ArrayLike<number>, count: number, step: number): void {
    if (this.powerLaw) {
      this.powerLawPost(indices, count, step);
      return;
    }
    const { nuPost, wMax, tauPreMs, tauPost2Ms } = this.params;
    const slots = this.slots;
    const nPre = this.nPre;
    const nPost = this.nPost;
    const w = this.weights;
    const history = this.history;
    const head = this.historyHead;
    const delays = this.delaySteps;
    const preTable = this.preTable;
    this.refresh(step);
    for (let e = 0; e < count; e++) {
      const j = indices[e];
      const age2 = step - this.lastPost[j];
      const post2 = age2 === Number.POSITIVE_INFINITY ? 0 : age2 < TABLE_STEPS ? this.post2Table[age2] : Math.exp((-age2 * this.dtMs) / tauPost2Ms);
      const scale = nuPost * post2;
      if (scale > 0) {
        let delta = 0;
        for (let i = 0; i < nPre; i++) {
          const idx = i * nPost + j;
          const limit = step - delays[idx];
          // Newest emission of i that has reached synapse (i, j) by now.
          const hb = i * slots;
          let h = head[i];
          let found = Number.NEGATIVE_INFINITY;
          for (let r = 0; r < slots; r++) {
            const t = history[hb + h];
            if (t <= limit) {
              found = t;
              break;
            }
            h = h === 0 ? slots - 1 : h - 1;
          }
          if (found === Number.NEGATIVE_INFINITY) continue;
          const age = limit - found;
          const pre = age < TABLE_STEPS ? preTable[age] : Math.exp((-age * this.dtMs) / tauPreMs);
          if (pre === 0) continue;
          const old = w[idx];
          const nw = old + scale * pre;
          const c = nw > wMax ? wMax : nw;
          w[idx] = c;
          delta += c - old;
        }
        this.addToColumnSum(j, delta);
      }
      this.recordPostSpike(j, step);
    }
  }

  /** While column sums are tracked: adds a column's weight change to its sum and lists the column as changed. */
  private addToColumnSum(j: number, delta: number): void {
    if (!this.sums) return;
    this.sums[j] += delta;
    if (this.changed[j] === 0) this.markChanged(j);
  }

  /** After j's weight update at a post spike: post traces set (post1 = post2 = 1), j joins the recent list. */
  private recordPostSpike(j: number, step: number): void {
    this.lastPost[j] = step;
    this.post1Now[j] = 1;
    if (this.inRecent[j] === 0) {
      this.inRecent[j] = 1;
      this.recent[this.recentCount++] = j;
      if (this.transmission === 'emission' && this.preLearning) this.subscribeArrivals(j, step);
    }
  }

  /** `exp(−age·Δt/τ_pre)` for an age in steps. */
  private preDecay(age: number): number {
    return age < TABLE_STEPS ? this.preTable[age] : Math.exp((-age * this.dtMs) / this.params.tauPreMs);
  }

  /**
   * Power-law rule at post spikes: `w_ij ← clip(w_ij + ν_post·(x_ij − x_tar)·(w_max − w_ij)^μ)` for every i, with
   * `x_ij` the additive pre trace of the arrivals at (i, j) so far.
   */
  private powerLawPost(indices: ArrayLike<number>, count: number, step: number): void {
    const { nuPost, xTar, mu, wMin, wMax } = this.params;
    const nPre = this.nPre;
    const nPost = this.nPost;
    const w = this.weights;
    this.refresh(step);
    for (let e = 0; e < count; e++) {
      const j = indices[e];
      if (nuPost > 0) {
        let delta = 0;
        for (let i = 0; i < nPre; i++) {
          const idx = i * nPost + j;
          const old = w[idx];
          const c = powerLawStep(old, this.preTrace(i, j, step), nuPost, xTar, mu, wMin, wMax);
          w[idx] = c;
          delta += c - old;
        }
        this.addToColumnSum(j, delta);
      }
      this.recordPostSpike(j, step);
    }
  }

  /**
   * The pre trace of synapse (i, j) at `step` (after this step's arrivals): `exp(−age·Δt/τ_pre)` of the newest arrival
   * for the triplet rule, the decayed sum over all arrivals for the power-law rule.
   */
  preTrace(i: number, j: number, step: number): number {
    const slots = this.slots;
    const limit = step - this.delaySteps[i * this.nPost + j];
    let h = this.historyHead[i];
    for (let r = 0; r < slots; r++) {
      const k = i * slots + h;
      const t = this.history[k];
      if (t <= limit) {
        if (t === Number.NEGATIVE_INFINITY) return 0;
        const decay = this.preDecay(limit - t);
        return this.powerLaw ? this.historyTrace[k] * decay : decay;
      }
      h = h === 0 ? slots - 1 : h - 1;
    }
    return 0;
  }

  /** The post1 (depression) trace of neuron j at `step`. */
  post1Trace(j: number, step: number): number {
    return Math.exp((-(step - this.lastPost[j]) * this.dtMs) / this.params.tauPost1Ms);
  }

  /** Copies the spike history (for checkpoints). */
  getState(): DelayedDiehlCookState {
    return {
      history: this.history.slice(),
      historyHead: this.historyHead.slice(),
      lastPostStep: this.lastPost.slice(),
      deliveredStep: this.deliveredStep,
      ...(this.transmission === 'emission' ? { pendingGe: this.pendingGe.slice() } : {}),
      ...(this.powerLaw ? { historyTrace: this.historyTrace.slice() } : {}),
    };
  }

  /**
   * Restores a state saved by {@link DelayedDiehlCookSynapses.getState} (also the spikes still in flight, which are
   * the history entries of the last `maxDelaySteps` steps).
   * @throws `ShapeError` when an array does not match the sizes
   */
  setState(state: DelayedDiehlCookState): void {
    const slots = this.slots;
    checkLength(state.history, this.nPre * slots, 'history');
    checkLength(state.historyHead, this.nPre, 'historyHead');
    checkLength(state.lastPostStep, this.nPost, 'lastPostStep');
    if (this.transmission === 'emission' && state.pendingGe) checkLength(state.pendingGe, this.pendingGe.length, 'pendingGe');
    if (this.powerLaw && state.historyTrace) checkLength(state.historyTrace, this.nPre * slots, 'historyTrace');
    this.history.set(state.history);
    this.historyHead.set(state.historyHead);
    if (this.powerLaw) {
      if (state.historyTrace) this.historyTrace.set(state.historyTrace);
      else this.rebuildHistoryTrace();
    }
    this.lastPost.set(state.lastPostStep);
    this.recentCount = 0;
    this.inRecent.fill(0);
    this.post1Now.fill(0);
    this.cachedStep = Number.NaN;
    for (let j = 0; j < this.nPost; j++) {
      if (this.lastPost[j] > Number.NEGATIVE_INFINITY) {
        this.inRecent[j] = 1;
        this.recent[this.recentCount++] = j;
      }
    }
    // Rebuild the ring of emissions from the newest history entries, oldest step first per slot.
    this.ringCount.fill(0);
    this.ringStep.fill(Number.NEGATIVE_INFINITY);
    this.pendingGe.fill(0);
    if (this.transmission === 'emission' && state.pendingGe) this.pendingGe.set(state.pendingGe);
    this.arrivalCount.fill(0);
    this.leftRecentStep.fill(Number.NEGATIVE_INFINITY);
    this.deliveredStep = state.deliveredStep ?? Number.NEGATIVE_INFINITY;
    let newest = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < this.history.length; k++) if (this.history[k] > newest) newest = this.history[k];
    if (newest === Number.NEGATIVE_INFINITY) return;
    for (let s = newest - this.maxDelaySteps; s <= newest; s++) {
      if (s < 0) continue;
      const slot = s % slots;
      this.ringStep[slot] = s;
      for (let i = 0; i < this.nPre; i++) {
        for (let r = 0; r < slots; r++) {
          if (this.history[i * slots + r] === s) {
            this.ringIdx[slot * this.nPre + this.ringCount[slot]++] = i;
            if (this.transmission === 'emission' && state.deliveredStep !== undefined && !state.pendingGe) this.restorePending(i, s, state.deliveredStep);
            break;
          }
        }
      }
    }
    if (this.transmission === 'emission' && this.preLearning && state.deliveredStep !== undefined) {
      for (let r = 0; r < this.recentCount; r++) this.subscribeArrivals(this.recent[r], state.deliveredStep);
    }
  }

  /** `'emission'`: re-adds the conductance of input i's emission at step s that arrives after `delivered`. */
  private restorePending(i: number, s: number, delivered: number): void {
    const nPost = this.nPost;
    const row = i * nPost;
    for (let j = 0; j < nPost; j++) {
      const arrival = s + this.delaySteps[row + j];
      if (arrival > delivered) this.pendingGe[(s % this.slots) * nPost + this.pendingOffset[row + j]] += this.weights[row + j];
    }
  }

  /** Power-law rule: the additive traces of the kept emissions, oldest first (older emissions are not known). */
  private rebuildHistoryTrace(): void {
    const slots = this.slots;
    for (let i = 0; i < this.nPre; i++) {
      let prevStep = Number.NEGATIVE_INFINITY;
      let prevX = 0;
      // The ring is oldest-first starting just after the head.
      for (let r = 1; r <= slots; r++) {
        const k = i * slots + ((this.historyHead[i] + r) % slots);
        const t = this.history[k];
        if (t === Number.NEGATIVE_INFINITY) {
          this.historyTrace[k] = 0;
          continue;
        }
        prevX = 1 + (prevStep === Number.NEGATIVE_INFINITY ? 0 : prevX * this.preDecay(t - prevStep));
        prevStep = t;
        this.historyTrace[k] = prevX;
      }
    }
  }

  /** Forgets all spikes (history, traces, spikes in flight); the weights are kept. */
  reset(): void {
    this.historyTrace.fill(0);
    this.pendingGe.fill(0);
    this.arrivalCount.fill(0);
    this.leftRecentStep.fill(Number.NEGATIVE_INFINITY);
    this.deliveredStep = Number.NEGATIVE_INFINITY;
    this.history.fill(Number.NEGATIVE_INFINITY);
    this.historyHead.fill(0);
    this.lastPost.fill(Number.NEGATIVE_INFINITY);
    this.ringCount.fill(0);
    this.ringStep.fill(Number.NEGATIVE_INFINITY);
    this.recentCount = 0;
    this.inRecent.fill(0);
    this.post1Now.fill(0);
    this.cachedStep = Number.NaN;
  }
}
