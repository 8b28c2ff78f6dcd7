import { describe, expect, it } from 'vitest';
import { AdaptiveLeaky, type AlifParamsInput, alifInitialState, alifParams, alifStep } from '../index.js';

/** τ such that exp(−1/τ) = 0.5 with Δt = 1 ms: the decays of the golden traces are exactly one half. */
const HALF_LIFE_TAU = 1 / Math.LN2;

function trace(input: number, steps: number, opts: AlifParamsInput) {
  const p = alifParams(opts);
  let state = alifInitialState(1);
  const mem: number[] = [];
  const spk: number[] = [];
  const thr: number[] = [];
  const adapt: number[] = [];
  for (let t = 0; t < steps; t++) {
    const r = alifStep(new Float32Array([input]), state, p);
    state = r.state;
    mem.push(state.mem[0]);
    spk.push(r.spikes[0]);
    thr.push(r.threshold[0]);
    adapt.push(state.adapt[0]);
  }
  return { mem, spk, thr, adapt };
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i], `index ${i}`).toBeCloseTo(expected[i], 6);
}

describe('alifParams', () => {
  it('fills in the defaults, derives the decays and freezes', () => {
    const p = alifParams();
    expect(p.tauMemMs).toBe(20);
    expect(p.tauAdaptMs).toBe(200);
    expect(p.dtMs).toBe(1);
    expect(p.threshold).toBe(1);
    expect(p.adaptStrength).toBe(1);
    expect(p.alpha).toBeCloseTo(Math.exp(-1 / 20), 12);
    expect(p.rho).toBeCloseTo(Math.exp(-1 / 200), 12);
    expect(Object.isFrozen(p)).toBe(true);
  });
  it('names the bad field', () => {
    expect(() => alifParams({ tauMemMs: -5 })).toThrow('field alif.tauMemMs: invalid ALIF parameter; expected a finite number > 0, found -5');
    expect(() => alifParams({ tauAdaptMs: 0 })).toThrow('field alif.tauAdaptMs: invalid ALIF parameter; expected a finite number > 0, found 0');
    expect(() => alifParams({ dtMs: Number.NaN }, 'hidden')).toThrow('field hidden.dtMs: invalid ALIF parameter; expected a finite number > 0, found NaN');
    expect(() => alifParams({ threshold: 0 })).toThrow('field alif.threshold: invalid ALIF parameter; expected a finite number > 0, found 0');
    expect(() => alifParams({ adaptStrength: -1 })).toThrow('field alif.adaptStrength: invalid ALIF parameter; expected a finite number ≥ 0, found -1');
    expect(alifParams({ adaptStrength: 0 }).adaptStrength).toBe(0);
  });
});

describe('alifStep golden traces (α = ρ = 0.5, θ0 = 1, constant input 0.8)', () => {
  it('adapts: the threshold rises by β_a·(1 − ρ) after each spike and decays back; reset subtracts θ0 one step later', () => {
    const { mem, spk, thr, adapt } = trace(0.8, 8, { tauMemMs: HALF_LIFE_TAU, tauAdaptMs: HALF_LIFE_TAU, adaptStrength: 1 });
    expectClose(mem, [0.8, 1.2, 0.4, 1.0, 1.3, 0.45, 1.025, 1.3125]);
    expect(spk).toEqual([0, 1, 0, 0, 1, 0, 0, 1]);
    expectClose(thr, [1, 1, 1.5, 1.25, 1.125, 1.5625, 1.28125, 1.140625]);
    expectClose(adapt, [0, 0.5, 0.25, 0.125, 0.5625, 0.28125, 0.140625, 0.5703125]);
  });
  it('β_a = 0 is a LIF neuron with delayed subtractive reset (fires at t = 6 where the ALIF neuron does not)', () => {
    const { mem, spk, thr } = trace(0.8, 8, { tauMemMs: HALF_LIFE_TAU, tauAdaptMs: HALF_LIFE_TAU, adaptStrength: 0 });
    expectClose(mem, [0.8, 1.2, 0.4, 1.0, 1.3, 0.45, 1.025, 0.3125]);
    expect(spk).toEqual([0, 1, 0, 0, 1, 0, 1, 0]);
    expectClose(thr, [1, 1, 1, 1, 1, 1, 1, 1]);
  });
  it('does not change the old state and checks lengths', () => {
    const s0 = alifInitialState(2);
    alifStep(new Float32Array([2, 2]), s0, alifParams());
    expect(Array.from(s0.mem)).toEqual([0, 0]);
    expect(() => alifStep(new Float32Array(3), s0, alifParams())).toThrow(
      'field state.mem: ALIF state and input differ in size; expected 3 values (one per input), found 2',
    );
  });
});

describe('AdaptiveLeaky', () => {
  it('steps like alifStep and resets to rest', () => {
    const layer = new AdaptiveLeaky(1, alifParams({ tauMemMs: HALF_LIFE_TAU, tauAdaptMs: HALF_LIFE_TAU }));
    const spikes = [0, 1, 2, 3].map(() => layer.step(new Float32Array([0.8]))[0]);
    expect(spikes).toEqual([0, 1, 0, 0]);
    expect(layer.current.mem[0]).toBeCloseTo(1.0, 6);
    layer.reset();
    expect(layer.current.adapt[0]).toBe(0);
    expect(layer.step(new Float32Array([0.8]))[0]).toBe(0);
  });
});
