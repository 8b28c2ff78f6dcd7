import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { DelayedDiehlCookSynapses } from './delayed-diehl-cook.js';
import { type DiehlCookStdpParams, diehlCookStdpParams } from './diehl-cook-stdp.js';

/**
 * Brian 2-like reference: every synapse holds its own pre trace and a queue of arrival steps; each step, first the
 * traces decay (exactly), then arrivals (g_e += w, pre = 1, depression with post1), then post spikes.
 */
class NaiveSynapses {
  readonly pre: Float64Array;
  readonly post1: Float64Array;
  readonly post2: Float64Array;
  readonly pending: [number, number][][];
  constructor(
    readonly nPre: number,
    readonly nPost: number,
    readonly w: Float64Array,
    readonly delays: Uint8Array,
    readonly dtMs: number,
    readonly p: DiehlCookStdpParams,
    readonly emission = false,
  ) {
    this.pre = new Float64Array(nPre * nPost);
    this.post1 = new Float64Array(nPost);
    this.post2 = new Float64Array(nPost);
    this.pending = Array.from({ length: nPre * nPost }, () => []);
  }
  step(step: number, emitted: number[], posts: number[], ge: Float64Array, learn: boolean): void {
    const { dtMs, p } = this;
    for (let k = 0; k < this.pre.length; k++) this.pre[k] *= Math.exp(-dtMs / p.tauPreMs);
    for (let j = 0; j < this.nPost; j++) {
      this.post1[j] *= Math.exp(-dtMs / p.tauPost1Ms);
      this.post2[j] *= Math.exp(-dtMs / p.tauPost2Ms);
    }
    for (const i of emitted) {
      for (let j = 0; j < this.nPost; j++) {
        const k = i * this.nPost + j;
        this.pending[k].push([step + this.delays[k], this.w[k]]);
      }
    }
    for (let k = 0; k < this.pending.length; k++) {
      const q = this.pending[k];
      while (q.length > 0 && q[0][0] === step) {
        const [, wEmitted] = q.shift() as [number, number];
        const j = k % this.nPost;
        ge[j] += this.emission ? wEmitted : this.w[k];
        if (p.rule === 'power-law') {
          this.pre[k] += 1;
          continue;
        }
        this.pre[k] = 1;
        // Depression only while post1 is above the cutoff, as the implementation.
        if (learn && this.post1[j] > p.traceCutoff) {
          const sign = p.preUpdate === 'potentiate' ? 1 : -1;
          this.w[k] = Math.min(p.wMax, Math.max(p.wMin, this.w[k] + sign * p.nuPre * this.post1[j]));
        }
      }
    }
    if (!learn) return;
    for (const j of posts) {
      if (p.rule === 'power-law') {
        for (let i = 0; i < this.nPre; i++) {
          const k = i * this.nPost + j;
          const room = Math.max(p.wMax - this.w[k], 0);
          this.w[k] = Math.min(p.wMax, Math.max(p.wMin, this.w[k] + p.nuPost * (this.pre[k] - p.xTar) * room ** p.mu));
        }
        continue;
      }
      const before = this.post2[j];
      for (let i = 0; i < this.nPre; i++) {
        const k = i * this.nPost + j;
        this.w[k] = Math.min(p.wMax, this.w[k] + p.nuPost * this.pre[k] * before);
      }
      this.post1[j] = 1;
      this.post2[j] = 1;
    }
  }
}

/**
 * Runs seeded random pre (probability pPre per input and step) and post spikes (pPost) through the synapses and the
 * reference in lockstep, learning, and checks g_e and every weight after each step. Counts the weights that the
 * delivery (the pre-spike part of the rule) lowered and raised.
 */
function lockstep(
  syn: DelayedDiehlCookSynapses,
  ref: NaiveSynapses,
  w: Float64Array,
  wRef: Float64Array,
  rng: Rng,
  steps: number,
  pPre: number,
  pPost: number,
): { lowered: number; raised: number } {
  const ge = new Float64Array(ref.nPost);
  const geRef = new Float64Array(ref.nPost);
  let lowered = 0;
  let raised = 0;
  for (let step = 0; step < steps; step++) {
    const emitted = [...Array(ref.nPre).keys()].filter(() => rng.bernoulli(pPre));
    const posts = [...Array(ref.nPost).keys()].filter(() => rng.bernoulli(pPost));
    const before = w.slice();
    syn.emit(emitted, 0, emitted.length, step);
    syn.deliver(step, ge, true);
    for (let k = 0; k < w.length; k++) {
      if (w[k] < before[k]) lowered++;
      if (w[k] > before[k]) raised++;
    }
    syn.onPostSpikes(posts, posts.length, step);
    ref.step(step, emitted, posts, geRef, true);
    for (let j = 0; j < ref.nPost; j++) expect(ge[j]).toBeCloseTo(geRef[j], 10);
    for (let k = 0; k < w.length; k++) expect(w[k]).toBeCloseTo(wRef[k], 12);
  }
  return { lowered, raised };
}

function setup(seed: number, nPre: number, nPost: number, maxDelay: number) {
  const rng = new Rng(seed);
  const w = Float64Array.from({ length: nPre * nPost }, () => rng.uniform());
  const delays = Uint8Array.from({ length: nPre * nPost }, () => rng.int(maxDelay + 1));
  return { rng, w, delays };
}

/**
 * Runs seeded random pre and post spikes for `steps` steps through fresh synapses (weights `wa`), and again through
 * synapses saved after step `split - 1` and restored into new ones (weights `wb`); both learn.
 */
function resumeSplit(
  transmission: 'arrival' | 'emission',
  seed: number,
  nPre: number,
  nPost: number,
  steps: number,
  split: number,
  params: Parameters<typeof diehlCookStdpParams>[0],
  preRate: number,
  postRate: number,
) {
  const { rng, w, delays } = setup(seed, nPre, nPost, 9);
  const p = diehlCookStdpParams(params);
  const spikes = Array.from({ length: steps }, () => [...Array(nPre).keys()].filter(() => rng.bernoulli(preRate)));
  const posts = Array.from({ length: steps }, () => [...Array(nPost).keys()].filter(() => rng.bernoulli(postRate)));
  const run = (syn: DelayedDiehlCookSynapses, from: number, to: number, ge: Float64Array) => {
    for (let s = from; s < to; s++) {
      syn.emit(spikes[s], 0, spikes[s].length, s);
      syn.deliver(s, ge, true);
      syn.onPostSpikes(posts[s], posts[s].length, s);
    }
  };
  const wa = w.slice();
  const geA = new Float64Array(nPost);
  run(new DelayedDiehlCookSynapses(nPre, nPost, wa, delays, 0.5, p, transmission), 0, steps, geA);
  const wb = w.slice();
  const geB = new Float64Array(nPost);
  const first = new DelayedDiehlCookSynapses(nPre, nPost, wb, delays, 0.5, p, transmission);
  run(first, 0, split, geB);
  const resumed = new DelayedDiehlCookSynapses(nPre, nPost, wb, delays, 0.5, p, transmission);
  resumed.setState(first.getState());
  run(resumed, split, steps, geB);
  return { w, wa, wb, geA, geB, resumed };
}

describe('DelayedDiehlCookSynapses', () => {
  it('delivers each spike to each synapse after its own delay', () => {
    const w = Float64Array.from([0.5, 0.25, 0.125, 1, 2, 4]);
    const delays = Uint8Array.from([0, 1, 2, 2, 0, 1]);
    const syn = new DelayedDiehlCookSynapses(2, 3, w, delays, 0.5, diehlCookStdpParams());
    const ge = new Float64Array(3);
    syn.emit([0, 1], 0, 2, 0);
    syn.deliver(0, ge, false);
    expect(Array.from(ge)).toEqual([0.5, 2, 0]);
    expect(syn.inFlight(1)).toBe(true);
    syn.deliver(1, ge, false);
    expect(Array.from(ge)).toEqual([0.5, 2.25, 4]);
    syn.deliver(2, ge, false);
    expect(Array.from(ge)).toEqual([1.5, 2.25, 4.125]);
    expect(syn.inFlight(3)).toBe(false);
    syn.deliver(3, ge, false);
    expect(Array.from(ge)).toEqual([1.5, 2.25, 4.125]);
  });

  it('uses the pre trace of the arrival, not of the emission', () => {
    const p = diehlCookStdpParams({ traceCutoff: 0 });
    const w = new Float64Array([0.5]);
    const syn = new DelayedDiehlCookSynapses(1, 1, w, Uint8Array.from([20]), 0.5, p);
    const ge = new Float64Array(1);
    syn.onPostSpikes([0], 1, 0); // sets post2 (no change: post2⁻ = 0)
    syn.emit([0], 0, 1, 10);
    for (let s = 10; s <= 40; s++) syn.deliver(s, ge, true);
    // Arrival at step 30 (15 ms): depression with post1 = e^{−15/20}.
    const afterDep = 0.5 - 0.0001 * Math.exp(-15 / 20);
    expect(w[0]).toBeCloseTo(afterDep, 15);
    syn.onPostSpikes([0], 1, 40); // 5 ms after the arrival; post2⁻ = e^{−20/40}
    expect(w[0]).toBeCloseTo(afterDep + 0.01 * Math.exp(-5 / 20) * Math.exp(-20 / 40), 15);
    expect(syn.preTrace(0, 0, 40)).toBeCloseTo(Math.exp(-5 / 20), 15);
  });

  it('equals a per-synapse (Brian 2-like) simulation step by step, with column sums tracked', () => {
    const nPre = 6;
    const nPost = 4;
    const { rng, w, delays } = setup(3, nPre, nPost, 7);
    const p = diehlCookStdpParams({ nuPre: 0.02, nuPost: 0.05, traceCutoff: 0 });
    const wRef = w.slice();
    const syn = new DelayedDiehlCookSynapses(nPre, nPost, w, delays, 0.5, p);
    const sums = new Float64Array(nPost);
    for (let i = 0; i < nPre; i++) for (let j = 0; j < nPost; j++) sums[j] += w[i * nPost + j];
    syn.trackColumnSums(sums);
    const ref = new NaiveSynapses(nPre, nPost, wRef, delays, 0.5, p);
    const ge = new Float64Array(nPost);
    const geRef = new Float64Array(nPost);
    for (let step = 0; step < 300; step++) {
      const emitted = [...Array(nPre).keys()].filter(() => rng.bernoulli(0.15));
      const posts = [...Array(nPost).keys()].filter(() => rng.bernoulli(0.08));
      syn.emit(emitted, 0, emitted.length, step);
      syn.deliver(step, ge, true);
      syn.onPostSpikes(posts, posts.length, step);
      ref.step(step, emitted, posts, geRef, true);
      for (let j = 0; j < nPost; j++) expect(ge[j]).toBeCloseTo(geRef[j], 10);
    }
    for (let k = 0; k < w.length; k++) expect(w[k]).toBeCloseTo(wRef[k], 12);
    for (let j = 0; j < nPost; j++) {
      let s = 0;
      for (let i = 0; i < nPre; i++) s += w[i * nPost + j];
      expect(sums[j]).toBeCloseTo(s, 12);
    }
  });

  it("with 'emission' transmission equals a Brian 1-like simulation (weight taken at the emission)", () => {
    const nPre = 7;
    const nPost = 5;
    const { rng, w, delays } = setup(5, nPre, nPost, 6);
    const p = diehlCookStdpParams({ nuPre: 0.02, nuPost: 0.05 });
    const wRef = w.slice();
    const wArr = w.slice();
    const wArrStart = w.slice();
    const syn = new DelayedDiehlCookSynapses(nPre, nPost, w, delays, 0.5, p, 'emission');
    const arrival = new DelayedDiehlCookSynapses(nPre, nPost, wArr, delays, 0.5, p);
    const sums = new Float64Array(nPost);
    for (let i = 0; i < nPre; i++) for (let j = 0; j < nPost; j++) sums[j] += w[i * nPost + j];
    syn.trackColumnSums(sums);
    const ref = new NaiveSynapses(nPre, nPost, wRef, delays, 0.5, p, true);
    const ge = new Float64Array(nPost);
    const geRef = new Float64Array(nPost);
    const geArr = new Float64Array(nPost);
    let maxDiffArrival = 0;
    for (let step = 0; step < 400; step++) {
      const emitted = [...Array(nPre).keys()].filter(() => rng.bernoulli(0.2));
      const posts = [...Array(nPost).keys()].filter(() => rng.bernoulli(0.06));
      syn.emit(emitted, 0, emitted.length, step);
      syn.deliver(step, ge, true);
      syn.onPostSpikes(posts, posts.length, step);
      arrival.emit(emitted, 0, emitted.length, step);
      arrival.deliver(step, geArr, true);
      arrival.onPostSpikes(posts, posts.length, step);
      ref.step(step, emitted, posts, geRef, true);
      for (let j = 0; j < nPost; j++) {
        expect(ge[j]).toBeCloseTo(geRef[j], 10);
        maxDiffArrival = Math.max(maxDiffArrival, Math.abs(ge[j] - geArr[j]));
      }
    }
    for (let k = 0; k < w.length; k++) expect(w[k]).toBeCloseTo(wRef[k], 12);
    for (let j = 0; j < nPost; j++) {
      let s = 0;
      for (let i = 0; i < nPre; i++) s += w[i * nPost + j];
      expect(sums[j]).toBeCloseTo(s, 12);
    }
    // Every column that STDP changed is listed once, then the list is empty.
    const changed = new Int32Array(nPost);
    const peeked = Array.from(syn.changedColumns());
    const n = syn.takeChangedColumns(changed);
    expect(Array.from(changed.subarray(0, n))).toEqual(peeked);
    expect(Array.from(changed.subarray(0, n)).sort()).toEqual([...Array(nPost).keys()].filter((j) => w.some((x, k) => k % nPost === j && x !== wArrStart[k])));
    expect(syn.takeChangedColumns(changed)).toBe(0);
    syn.markColumnsChanged([3, 1, 3]);
    expect(Array.from(syn.changedColumns())).toEqual([3, 1]);
    expect(() => syn.markColumnsChanged([5])).toThrow('field columns[0]: column index out of range; expected an integer in [0, 5), found 5');
    expect(() => syn.takeChangedColumns(new Int32Array(2))).toThrow('field out: output array too short; expected at least 5 values, found 2');
    // The two transmissions differ (through weights that changed while their spike was in flight).
    expect(maxDiffArrival).toBeGreaterThan(0);
    expect(() => new DelayedDiehlCookSynapses(1, 1, new Float64Array(1), new Uint8Array(1), 0.5, p, 'later' as 'arrival')).toThrow(
      "field transmission: invalid transmission; expected 'arrival' or 'emission', found later",
    );
  }, 30_000);

  it("with 'emission' transmission equals the reference when post neurons leave and rejoin the depression window", () => {
    // traceCutoff 0.5: post1 counts for 27 steps (13.5 ms) after a post spike, so with rare post spikes neurons
    // leave the window and come back while input spikes are in flight (delays up to 8 steps).
    const nPre = 9;
    const nPost = 6;
    const { rng, w, delays } = setup(21, nPre, nPost, 8);
    const p = diehlCookStdpParams({ nuPre: 0.03, nuPost: 0.05, traceCutoff: 0.5 });
    const wRef = w.slice();
    const syn = new DelayedDiehlCookSynapses(nPre, nPost, w, delays, 0.5, p, 'emission');
    const ref = new NaiveSynapses(nPre, nPost, wRef, delays, 0.5, p, true);
    const { lowered } = lockstep(syn, ref, w, wRef, rng, 900, 0.3, 0.015);
    expect(lowered).toBeGreaterThan(100);
  });

  it.each(['arrival', 'emission'] as const)("with preUpdate 'potentiate' (the Brian 2 port's sign) and %s transmission equals the reference", (transmission) => {
    const nPre = 8;
    const nPost = 5;
    const { rng, w, delays } = setup(33, nPre, nPost, 6);
    // Large ν_pre so that some weights reach w_max = 1 at a pre spike (the clip at the top is exercised).
    const p = diehlCookStdpParams({ nuPre: 0.2, nuPost: 0.05, traceCutoff: 0.2, preUpdate: 'potentiate' });
    const wRef = w.slice();
    const syn = new DelayedDiehlCookSynapses(nPre, nPost, w, delays, 0.5, p, transmission);
    const ref = new NaiveSynapses(nPre, nPost, wRef, delays, 0.5, p, transmission === 'emission');
    const { raised } = lockstep(syn, ref, w, wRef, rng, 600, 0.3, 0.02);
    // Strengthened at pre arrivals (deliver), not only at post spikes; some weights hit the bound.
    expect(raised).toBeGreaterThan(50);
    expect(w.every((x) => x <= 1)).toBe(true);
    expect(w.some((x) => x === 1)).toBe(true);
  });

  it("with 'emission' transmission and learning resumes exactly from getState/setState", () => {
    const { w, wa, wb, geA, geB } = resumeSplit('emission', 13, 6, 4, 160, 77, { nuPre: 0.02, nuPost: 0.05, traceCutoff: 0.3 }, 0.25, 0.04);
    expect(Array.from(wb)).toEqual(Array.from(wa));
    expect(Array.from(geB)).toEqual(Array.from(geA));
    expect(wb.some((x, k) => x !== w[k])).toBe(true);
  });

  it("with 'emission' transmission resumes exactly from getState/setState, conductance in flight included", () => {
    const nPre = 5;
    const nPost = 3;
    const { rng, w, delays } = setup(9, nPre, nPost, 9);
    const p = diehlCookStdpParams({ nuPre: 0.02, nuPost: 0.05 });
    const spikes = Array.from({ length: 120 }, () => [...Array(nPre).keys()].filter(() => rng.bernoulli(0.2)));
    const run = (syn: DelayedDiehlCookSynapses, from: number, to: number, ge: Float64Array) => {
      for (let s = from; s < to; s++) {
        syn.emit(spikes[s], 0, spikes[s].length, s);
        syn.deliver(s, ge, false);
      }
    };
    const a = new DelayedDiehlCookSynapses(nPre, nPost, w, delays, 0.5, p, 'emission');
    const geA = new Float64Array(nPost);
    run(a, 0, 120, geA);
    const b = new DelayedDiehlCookSynapses(nPre, nPost, w, delays, 0.5, p, 'emission');
    const geB = new Float64Array(nPost);
    run(b, 0, 57, geB);
    const state = b.getState();
    expect(state.deliveredStep).toBe(56);
    const c = new DelayedDiehlCookSynapses(nPre, nPost, w, delays, 0.5, p, 'emission');
    c.setState(state);
    run(c, 57, 120, geB);
    for (let j = 0; j < nPost; j++) expect(geB[j]).toBeCloseTo(geA[j], 12);
  });

  it.each(['arrival', 'emission'] as const)('power-law rule (%s transmission) equals a per-synapse simulation with additive pre traces', (transmission) => {
    const nPre = 7;
    const nPost = 4;
    const { rng, w, delays } = setup(21, nPre, nPost, 9);
    const p = diehlCookStdpParams({ rule: 'power-law', nuPost: 0.3, xTar: 0.4, mu: 0.2 });
    const wRef = w.slice();
    const syn = new DelayedDiehlCookSynapses(nPre, nPost, w, delays, 0.5, p, transmission);
    const sums = new Float64Array(nPost);
    for (let i = 0; i < nPre; i++) for (let j = 0; j < nPost; j++) sums[j] += w[i * nPost + j];
    syn.trackColumnSums(sums);
    const ref = new NaiveSynapses(nPre, nPost, wRef, delays, 0.5, p, transmission === 'emission');
    const { lowered, raised } = lockstep(syn, ref, w, wRef, rng, 600, 0.008, 0.03);
    // An arrival changes no weight under the power-law rule.
    expect(lowered + raised).toBe(0);
    // Traces above 1 occur (the trace adds up), and the post spikes both raised and lowered weights, some to the bounds.
    expect(Math.max(...Array.from(ref.pre))).toBeGreaterThan(1);
    expect(w.some((x) => x === 0)).toBe(true);
    expect(w.some((x) => x === 1)).toBe(true);
    expect(w.some((x) => x > 0 && x < 1)).toBe(true);
    expect(syn.preTrace(2, 1, 599)).toBeCloseTo(ref.pre[2 * nPost + 1], 12);
    for (let j = 0; j < nPost; j++) {
      let sum = 0;
      for (let i = 0; i < nPre; i++) sum += w[i * nPost + j];
      expect(sums[j]).toBeCloseTo(sum, 12);
    }
  });

  it('power-law rule resumes exactly from getState/setState (the additive traces are saved)', () => {
    const { wa, wb, geA, geB, resumed } = resumeSplit('emission', 5, 6, 3, 200, 91, { rule: 'power-law', nuPost: 0.05 }, 0.25, 0.04);
    expect(Array.from(wb)).toEqual(Array.from(wa));
    expect(Array.from(geB)).toEqual(Array.from(geA));
    expect(resumed.getState().historyTrace?.length).toBe(6 * 10);
    expect(() => resumed.setState({ ...resumed.getState(), historyTrace: new Float64Array(4) })).toThrow(
      'field historyTrace: array has the wrong length; expected 60 values, found 4',
    );
  });

  it('resumes exactly from getState/setState, spikes in flight included', () => {
    const nPre = 5;
    const nPost = 3;
    const { wa, wb, geA, geB, resumed: c } = resumeSplit('arrival', 8, nPre, nPost, 120, 57, { nuPre: 0.02, nuPost: 0.05 }, 0.2, 0.05);
    expect(Array.from(wb)).toEqual(Array.from(wa));
    expect(Array.from(geB)).toEqual(Array.from(geA));
    expect(() => c.setState({ history: new Float64Array(3), historyHead: new Int32Array(nPre), lastPostStep: new Float64Array(nPost) })).toThrow(
      'field history: array has the wrong length; expected 50 values, found 3',
    );
  });

  it('learns nothing when learn is false, forgets spikes on reset, and validates its input', () => {
    const { w, delays } = setup(1, 3, 2, 3);
    const w0 = w.slice();
    const syn = new DelayedDiehlCookSynapses(3, 2, w, delays, 0.5, diehlCookStdpParams());
    const ge = new Float64Array(2);
    syn.emit([0, 1, 2], 0, 3, 0);
    for (let s = 0; s < 5; s++) syn.deliver(s, ge, false);
    expect(Array.from(w)).toEqual(Array.from(w0));
    expect(ge[0] + ge[1]).toBeCloseTo(w0.reduce((a, b) => a + b, 0), 12);
    syn.emit([0], 0, 1, 5);
    syn.reset();
    expect(syn.inFlight(5)).toBe(false);
    expect(() => new DelayedDiehlCookSynapses(3, 2, new Float64Array(5), delays, 0.5, diehlCookStdpParams())).toThrow(
      'field weights: weight matrix has the wrong size; expected 6 values ([3, 2]), found 5',
    );
    expect(() => new DelayedDiehlCookSynapses(3, 2, w, delays, 0, diehlCookStdpParams())).toThrow(
      'field dtMs: invalid time step; expected a finite number > 0, found 0',
    );
  });
});
