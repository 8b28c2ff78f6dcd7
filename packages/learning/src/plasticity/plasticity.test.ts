import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { DiehlCookStdp, diehlCookPowerLawDenseReference, diehlCookStdpDenseReference, diehlCookStdpParams, powerLawStep } from './diehl-cook-stdp.js';
import { hebbianParams, hebbianUpdate, hebbianUpdateEvents } from './hebbian.js';
import { normalizeColumns, normalizeColumnsWithSums, normalizeSelectedColumns } from './normalize.js';
import { PairStdp, pairStdpDenseReference, pairStdpParams } from './pair-stdp.js';

describe('pair STDP', () => {
  it('gives the Bi & Poo window for one pair: A₊e^{−Δt/τ₊} for pre→post, −A₋e^{Δt/τ₋} for post→pre', () => {
    const p = pairStdpParams();
    const ltp = new PairStdp(1, 1, p);
    const w1 = new Float64Array([0.5]);
    ltp.onPreSpikes(w1, [0], 1, 0);
    ltp.onPostSpikes(w1, [0], 1, 10);
    expect(w1[0]).toBeCloseTo(0.5 + 0.01 * Math.exp(-0.5), 12);
    const ltd = new PairStdp(1, 1, p);
    const w2 = new Float64Array([0.5]);
    ltd.onPostSpikes(w2, [0], 1, 0);
    ltd.onPreSpikes(w2, [0], 1, 10);
    expect(w2[0]).toBeCloseTo(0.5 - 0.0105 * Math.exp(-0.5), 12);
  });
  it('accumulates traces (all-to-all) and clips to the bounds', () => {
    const stdp = new PairStdp(1, 1, pairStdpParams({ aPlus: 0.4, wMax: 1 }));
    const w = new Float64Array([0.5]);
    stdp.onPreSpikes(w, [0], 1, 0);
    stdp.onPreSpikes(w, [0], 1, 0);
    expect(stdp.preTrace(0, 0)).toBe(2);
    stdp.onPostSpikes(w, [0], 1, 0);
    expect(w[0]).toBe(1);
  });
  it('event-driven path equals the dense reference step by step', () => {
    const rng = new Rng(3);
    const nPre = 7;
    const nPost = 5;
    const p = pairStdpParams({ aPlus: 0.05, aMinus: 0.04 });
    const stdp = new PairStdp(nPre, nPost, p);
    const wEvent = Float64Array.from({ length: nPre * nPost }, () => rng.uniform());
    let wDense: Float32Array = Float32Array.from(wEvent);
    const x = new Float64Array(nPre);
    const y = new Float64Array(nPost);
    const dt = 0.5;
    for (let step = 0; step < 200; step++) {
      const t = step * dt;
      for (let i = 0; i < nPre; i++) x[i] *= Math.exp(-dt / p.tauPlusMs);
      for (let j = 0; j < nPost; j++) y[j] *= Math.exp(-dt / p.tauMinusMs);
      const sPre = Float64Array.from({ length: nPre }, () => (rng.bernoulli(0.1) ? 1 : 0));
      const sPost = Float64Array.from({ length: nPost }, () => (rng.bernoulli(0.05) ? 1 : 0));
      // Dense: depression with y before this step's post spikes, potentiation with x including this step's pre spikes.
      for (let i = 0; i < nPre; i++) x[i] += sPre[i];
      wDense = pairStdpDenseReference(wDense, x, y, sPre, sPost, p);
      for (let j = 0; j < nPost; j++) y[j] += sPost[j];
      const pre = [...sPre.keys()].filter((i) => sPre[i] === 1);
      const post = [...sPost.keys()].filter((j) => sPost[j] === 1);
      stdp.onPreSpikes(wEvent, pre, pre.length, t);
      stdp.onPostSpikes(wEvent, post, post.length, t);
    }
    for (let k = 0; k < wEvent.length; k++) expect(wEvent[k]).toBeCloseTo(wDense[k], 5);
  });
  it('rejects bad parameters', () => {
    expect(() => pairStdpParams({ tauPlusMs: 0 })).toThrow('field pairStdp.tauPlusMs: invalid plasticity parameter; expected a finite number > 0, found 0');
    expect(() => pairStdpParams({ wMin: 1, wMax: 0 })).toThrow('field pairStdp.wMax: invalid weight bounds; expected a number >= wMin (1), found 0');
  });
});

describe('Diehl & Cook STDP', () => {
  it('depresses by ν_pre·post1 at a pre spike and potentiates by ν_post·pre·post2⁻ at a post spike', () => {
    const p = diehlCookStdpParams({ traceCutoff: 0 });
    const stdp = new DiehlCookStdp(2, 1, p);
    const w = new Float64Array([0.5, 0.5]);
    stdp.onPostSpikes(w, [0], 1, 0); // first post spike: post2⁻ = 0, no change
    expect(Array.from(w)).toEqual([0.5, 0.5]);
    stdp.onPreSpikes(w, [0], 1, 10); // post1 = e^{−10/20}
    expect(w[0]).toBeCloseTo(0.5 - 0.0001 * Math.exp(-0.5), 14);
    stdp.onPostSpikes(w, [0], 1, 30); // pre0 = e^{−20/20}, post2⁻ = e^{−30/40}; input 1 never spiked (pre = 0)
    expect(w[0]).toBeCloseTo(0.5 - 0.0001 * Math.exp(-0.5) + 0.01 * Math.exp(-1) * Math.exp(-0.75), 14);
    expect(w[1]).toBe(0.5);
    expect(stdp.post1Trace(0, 30)).toBe(1);
    expect(stdp.post2Trace(0, 70)).toBeCloseTo(Math.exp(-1), 14);
  });
  it('clips to [0, wMax]', () => {
    const stdp = new DiehlCookStdp(1, 1, diehlCookStdpParams({ nuPost: 10, nuPre: 10, traceCutoff: 0 }));
    const w = new Float64Array([0.5]);
    stdp.onPostSpikes(w, [0], 1, 0);
    stdp.onPreSpikes(w, [0], 1, 0);
    expect(w[0]).toBe(0);
    stdp.onPostSpikes(w, [0], 1, 1);
    expect(w[0]).toBe(1);
  });
  it("preUpdate 'potentiate' (the Brian 2 port) adds ν_pre·post1 at a pre spike and clips at wMax; a bad value is named", () => {
    const stdp = new DiehlCookStdp(2, 1, diehlCookStdpParams({ preUpdate: 'potentiate', traceCutoff: 0 }));
    const w = new Float64Array([0.5, 0.99999]);
    stdp.onPostSpikes(w, [0], 1, 0);
    stdp.onPreSpikes(w, [0, 1], 2, 10); // post1 = e^{−10/20}
    expect(w[0]).toBeCloseTo(0.5 + 0.0001 * Math.exp(-0.5), 14);
    expect(w[1]).toBe(1);
    const dense = diehlCookStdpDenseReference([0.5], [1], [Math.exp(-0.5)], [0], [1], [0], diehlCookStdpParams({ preUpdate: 'potentiate' }));
    expect(dense[0]).toBeCloseTo(0.5 + 0.0001 * Math.exp(-0.5), 7);
    expect(() => diehlCookStdpParams({ preUpdate: 'both' as never }, 'stdp')).toThrow(
      `field stdp.preUpdate: invalid plasticity parameter; expected 'depress' or 'potentiate', found "both"`,
    );
  });
  it("rule 'power-law' (the paper's Eq. 3): the event-driven path equals the dense reference with additive traces; state round-trips", () => {
    const rng = new Rng(12);
    const nPre = 8;
    const nPost = 3;
    const p = diehlCookStdpParams({ rule: 'power-law', nuPost: 0.2 });
    expect([p.xTar, p.mu]).toEqual([0.4, 0.2]);
    const stdp = new DiehlCookStdp(nPre, nPost, p);
    const wEvent = Float64Array.from({ length: nPre * nPost }, () => rng.uniform());
    let wDense: Float32Array = Float32Array.from(wEvent);
    const x = new Float64Array(nPre);
    const dt = 0.5;
    let maxTrace = 0;
    for (let step = 0; step < 400; step++) {
      const t = step * dt;
      for (let i = 0; i < nPre; i++) x[i] *= Math.exp(-dt / 20);
      const sPre = Float64Array.from({ length: nPre }, () => (rng.bernoulli(0.01) ? 1 : 0));
      const sPost = Float64Array.from({ length: nPost }, () => (rng.bernoulli(0.03) ? 1 : 0));
      for (let i = 0; i < nPre; i++) if (sPre[i]) x[i] += 1;
      maxTrace = Math.max(maxTrace, ...x);
      wDense = diehlCookPowerLawDenseReference(wDense, x, sPost, p);
      const ip = [...sPre.keys()].filter((i) => sPre[i] === 1);
      const jp = [...sPost.keys()].filter((j) => sPost[j] === 1);
      stdp.onPreSpikes(wEvent, ip, ip.length, t);
      stdp.onPostSpikes(wEvent, jp, jp.length, t);
    }
    expect(maxTrace).toBeGreaterThan(1);
    for (let k = 0; k < wEvent.length; k++) expect(wEvent[k]).toBeCloseTo(wDense[k], 5);
    expect(wEvent.some((w) => w === 0)).toBe(true);
    // diehlCookStdpDenseReference dispatches on the rule.
    expect(Array.from(diehlCookStdpDenseReference([0.5], [1.5], [0], [0], [0], [1], p))).toEqual(Array.from(diehlCookPowerLawDenseReference([0.5], [1.5], [1], p)));
    expect(powerLawStep(0.5, 1.5, 0.2, 0.4, 0.2, 0, 1)).toBeCloseTo(0.5 + 0.2 * 1.1 * 0.5 ** 0.2, 14);
    expect(powerLawStep(1.2, 0, 0.2, 0.4, 0.2, 0, 1)).toBe(1); // above w_max: no room, then clipped
    const copy = new DiehlCookStdp(nPre, nPost, p);
    copy.setState(stdp.getState());
    expect(copy.preTrace(3, 210)).toBe(stdp.preTrace(3, 210));
    expect(() => diehlCookStdpParams({ rule: 'pair' as never })).toThrow(
      `field diehlCookStdp.rule: invalid plasticity parameter; expected 'triplet' or 'power-law', found "pair"`,
    );
  });
  it('event-driven path (cutoff 0) equals the dense reference step by step; state round-trips', () => {
    const rng = new Rng(5);
    const nPre = 9;
    const nPost = 4;
    const p = diehlCookStdpParams({ nuPre: 0.01, nuPost: 0.05, traceCutoff: 0 });
    const stdp = new DiehlCookStdp(nPre, nPost, p);
    const wEvent = Float64Array.from({ length: nPre * nPost }, () => rng.uniform());
    let wDense: Float32Array = Float32Array.from(wEvent);
    const pre = new Float64Array(nPre);
    const post1 = new Float64Array(nPost);
    const post2 = new Float64Array(nPost);
    const dt = 0.5;
    for (let step = 0; step < 300; step++) {
      const t = step * dt;
      for (let i = 0; i < nPre; i++) pre[i] *= Math.exp(-dt / 20);
      for (let j = 0; j < nPost; j++) {
        post1[j] *= Math.exp(-dt / 20);
        post2[j] *= Math.exp(-dt / 40);
      }
      const sPre = Float64Array.from({ length: nPre }, () => (rng.bernoulli(0.1) ? 1 : 0));
      const sPost = Float64Array.from({ length: nPost }, () => (rng.bernoulli(0.05) ? 1 : 0));
      for (let i = 0; i < nPre; i++) if (sPre[i]) pre[i] = 1;
      wDense = diehlCookStdpDenseReference(wDense, pre, post1, post2, sPre, sPost, p);
      for (let j = 0; j < nPost; j++) {
        if (sPost[j]) {
          post1[j] = 1;
          post2[j] = 1;
        }
      }
      const ip = [...sPre.keys()].filter((i) => sPre[i] === 1);
      const jp = [...sPost.keys()].filter((j) => sPost[j] === 1);
      stdp.onPreSpikes(wEvent, ip, ip.length, t);
      stdp.onPostSpikes(wEvent, jp, jp.length, t);
    }
    for (let k = 0; k < wEvent.length; k++) expect(wEvent[k]).toBeCloseTo(wDense[k], 5);
    const copy = new DiehlCookStdp(nPre, nPost, p);
    copy.setState(stdp.getState());
    expect(copy.post2Trace(1, 200)).toBe(stdp.post2Trace(1, 200));
    expect(() => copy.setState({ lastPreMs: new Float64Array(3), lastPostMs: new Float64Array(4) })).toThrow(
      'field lastPreMs: array has the wrong length; expected 9 values, found 3',
    );
  });
  it('the default cutoff drops only changes below ν_pre·1e-6', () => {
    const stdp = new DiehlCookStdp(1, 1, diehlCookStdpParams());
    const w = new Float64Array([0.5]);
    stdp.onPostSpikes(w, [0], 1, 0);
    stdp.onPreSpikes(w, [0], 1, 300); // post1 = e^{−15} ≈ 3e-7 < 1e-6: skipped
    expect(w[0]).toBe(0.5);
    stdp.onPostSpikes(w, [0], 1, 301);
    stdp.onPreSpikes(w, [0], 1, 301 + 20 * Math.log(1e5)); // post1 = 1e-5: applied
    expect(w[0]).toBeLessThan(0.5 + 0.01 * Math.exp(-1 / 20) * Math.exp(-301 / 40));
  });
  it('rejects bad parameters', () => {
    expect(() => diehlCookStdpParams({ tauPreMs: -20 })).toThrow('field diehlCookStdp.tauPreMs: invalid plasticity parameter; expected a finite number > 0, found -20');
    expect(() => diehlCookStdpParams({ traceCutoff: 1 })).toThrow('expected a number in [0, 1), found 1');
  });
});

describe('Hebbian', () => {
  it('Δw = η·pre·post − λ·w with bounds', () => {
    const w = new Float64Array([0.5, 0.5, 0.5, 0.95]);
    hebbianUpdate(w, [1, 2], [1, 0.5], hebbianParams({ learningRate: 0.1, decay: 0.1 }));
    expect(w[0]).toBeCloseTo(0.5 + 0.1 - 0.05, 14);
    expect(w[1]).toBeCloseTo(0.5 + 0.05 - 0.05, 14);
    expect(w[2]).toBeCloseTo(0.5 + 0.2 - 0.05, 14);
    expect(w[3]).toBeCloseTo(0.95 + 0.1 - 0.095, 14);
    const clipped = hebbianUpdate(new Float64Array([0.95, 0.05]), [1], [1, -1], hebbianParams({ learningRate: 0.1 }));
    expect(Array.from(clipped)).toEqual([1, 0]);
  });
  it('event-driven update equals the dense one for sparse activity', () => {
    const p = hebbianParams({ learningRate: 0.2 });
    const dense = new Float64Array(12).fill(0.3);
    const events = dense.slice();
    hebbianUpdate(dense, [0, 1, 0, 0.5], [0, 2, 1], p);
    hebbianUpdateEvents(events, 3, [1, 3], [1, 0.5], [1, 2], [2, 1], p);
    expect(Array.from(events)).toEqual(Array.from(dense));
    expect(() => hebbianUpdateEvents(events, 3, [1], [1], [1], [1], hebbianParams({ decay: 0.1 }))).toThrow(
      'field hebbian.decay: event-driven Hebbian update needs no decay; expected 0 (use hebbianUpdate for decay), found 0.1',
    );
    expect(() => hebbianUpdate(new Float32Array(5), [1, 1], [1, 1], p)).toThrow('field weights: weight matrix has the wrong size; expected 4 values ([2, 2]), found 5');
  });
});

describe('normalizeColumns', () => {
  it('scales each column to the target sum (78 for Diehl & Cook)', () => {
    const rng = new Rng(1);
    const nRows = 784;
    const nCols = 10;
    const w = Float64Array.from({ length: nRows * nCols }, () => (rng.uniform() + 0.01) * 0.3);
    normalizeColumns(w, nRows, nCols, 78);
    for (let j = 0; j < nCols; j++) {
      let s = 0;
      for (let i = 0; i < nRows; i++) s += w[i * nCols + j];
      expect(s).toBeCloseTo(78, 9);
    }
    expect(Array.from(normalizeColumns(new Float32Array([1, 2, 3, 6]), 2, 2, 1))).toEqual([0.25, 0.25, 0.75, 0.75]);
    expect(Array.from(normalizeColumns(new Float32Array([0, 2, 0, 6]), 2, 2, 1))).toEqual([0, 0.25, 0, 0.75]);
    const w2 = new Float64Array([1, 2, 3, 6]);
    const sums = new Float64Array([4, 8]);
    expect(Array.from(normalizeColumnsWithSums(w2, 2, 2, 1, sums))).toEqual([0.25, 0.25, 0.75, 0.75]);
    expect(Array.from(sums)).toEqual([1, 1]);
    expect(() => normalizeColumnsWithSums(w2, 2, 2, 1, new Float64Array(3))).toThrow('field sums: column sums have the wrong length; expected 2 values, found 3');
    expect(() => normalizeColumns(w, nRows, nCols, -1)).toThrow('field target: invalid normalisation target; expected a finite number > 0, found -1');
  });

  it('normalizeSelectedColumns rescales only the listed columns, as normalizeColumnsWithSums does them', () => {
    const rng = new Rng(4);
    const nRows = 11;
    const nCols = 7;
    const w = Float64Array.from({ length: nRows * nCols }, () => rng.uniform());
    const sums = new Float64Array(nCols);
    for (let k = 0; k < w.length; k++) sums[k % nCols] += w[k];
    const full = w.slice();
    const fullSums = sums.slice();
    normalizeColumnsWithSums(full, nRows, nCols, 3, fullSums);
    const listed = Int32Array.of(5, 1, 6, 0);
    normalizeSelectedColumns(w, nRows, nCols, 3, sums, listed, 3);
    for (let k = 0; k < w.length; k++) {
      const j = k % nCols;
      if (j === 5 || j === 1 || j === 6) expect(w[k]).toBe(full[k]);
      else expect(w[k]).not.toBe(full[k]);
    }
    expect(sums[1]).toBe(fullSums[1]);
    expect(sums[1]).toBeCloseTo(3, 12);
    expect(Array.from(normalizeSelectedColumns(new Float64Array([1, 2, 3, 6]), 2, 2, 1, new Float64Array([4, 8]), [1], 1))).toEqual([1, 0.25, 3, 0.75]);
    expect(() => normalizeSelectedColumns(w, nRows, nCols, 3, sums, [7], 1)).toThrow('field columns[0]: column index out of range; expected an integer in [0, 7), found 7');
    expect(() => normalizeSelectedColumns(w, nRows, nCols, 3, sums, [1], 2)).toThrow('field count: invalid column count; expected an integer in [0, 1], found 2');
  });
});

describe('DiehlCookStdp column-sum tracking', () => {
  it('keeps the tracked sums equal to the column sums', () => {
    const rng = new Rng(9);
    const nPre = 30;
    const nPost = 6;
    const stdp = new DiehlCookStdp(nPre, nPost, diehlCookStdpParams({ nuPre: 0.05, nuPost: 0.2 }));
    const w = Float64Array.from({ length: nPre * nPost }, () => rng.uniform());
    const sums = new Float64Array(nPost);
    for (let k = 0; k < w.length; k++) sums[k % nPost] += w[k];
    stdp.trackColumnSums(sums);
    for (let step = 0; step < 200; step++) {
      const pre = [...Array(nPre).keys()].filter(() => rng.bernoulli(0.1));
      const post = [...Array(nPost).keys()].filter(() => rng.bernoulli(0.05));
      stdp.onPreSpikes(w, pre, pre.length, step * 0.5);
      stdp.onPostSpikes(w, post, post.length, step * 0.5);
    }
    for (let j = 0; j < nPost; j++) {
      let s = 0;
      for (let i = 0; i < nPre; i++) s += w[i * nPost + j];
      expect(sums[j]).toBeCloseTo(s, 10);
    }
    expect(() => stdp.trackColumnSums(new Float64Array(2))).toThrow('field sums: array has the wrong length; expected 6 values, found 2');
  });
});
