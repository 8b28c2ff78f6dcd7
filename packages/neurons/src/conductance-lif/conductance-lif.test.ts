import { describe, expect, it } from 'vitest';
import { DIEHL_COOK_EXCITATORY, DIEHL_COOK_INHIBITORY, conductanceLifParams } from './params.js';
import {
  type ConductanceLifState,
  cloneConductanceLifState,
  conductanceLifInitialState,
  conductanceLifStep,
  conductanceLifStepInPlace,
  conductanceLifStepSubset,
} from './step.js';

/** Drives one neuron from rest with g_e += drive before every step; returns spike steps and the v trace. */
function drive(preset: object, driveGe: number, steps: number, adaptive = true) {
  const p = conductanceLifParams({ ...preset, ...(adaptive ? {} : { adaptiveThreshold: false }) });
  const s = conductanceLifInitialState(1, p);
  s.v[0] = p.restMv;
  const out = new Uint8Array(1);
  const spikes: number[] = [];
  const v: number[] = [];
  for (let t = 0; t < steps; t++) {
    s.ge[0] += driveGe;
    conductanceLifStepInPlace(s, p, 0.5, out);
    if (out[0]) spikes.push(t);
    v.push(s.v[0]);
  }
  return { spikes, v, state: s };
}

describe('conductanceLifParams', () => {
  it('fills the Diehl & Cook excitatory defaults', () => {
    const p = conductanceLifParams();
    expect(p).toMatchObject({ restMv: -65, resetMv: -65, thresholdMv: -52, tauMemMs: 100, refractoryMs: 5, initialVMv: -105, thetaPlusMv: 0.05 });
    expect(Object.isFrozen(p)).toBe(true);
    const inh = conductanceLifParams(DIEHL_COOK_INHIBITORY);
    expect(inh).toMatchObject({ restMv: -60, resetMv: -45, thresholdMv: -40, tauMemMs: 10, inhReversalMv: -85, refractoryMs: 2, adaptiveThreshold: false });
  });
  it('rejects negative time constants and bad fields, naming field, expectation and value', () => {
    expect(() => conductanceLifParams({ tauMemMs: -1 })).toThrow(
      'field conductanceLif.tauMemMs: invalid conductance LIF parameter; expected a finite number > 0, found -1',
    );
    expect(() => conductanceLifParams({ refractoryMs: -2 }, 'exc')).toThrow('field exc.refractoryMs: invalid conductance LIF parameter; expected a finite number >= 0, found -2');
    expect(() => conductanceLifParams({ restMv: Number.NaN })).toThrow('field conductanceLif.restMv: invalid conductance LIF parameter; expected a finite number, found NaN');
    expect(() => conductanceLifParams({ adaptiveThreshold: 1 as never })).toThrow('expected a boolean, found 1');
  });
  it('rejects a time step above the fastest time constant', () => {
    const p = conductanceLifParams();
    expect(() => conductanceLifStep(conductanceLifInitialState(1, p), p, 2)).toThrow('field dtMs: invalid time step; expected a number in (0, 1] ms (the fastest time constant), found 2');
  });
});

describe('conductance LIF golden traces', () => {
  it('excitatory: the timer quirk allows a spike only every 50.5 ms, v is held 5 ms at reset, θ += 0.05 mV per spike', () => {
    const { spikes, v, state } = drive(DIEHL_COOK_EXCITATORY, 2, 400);
    // timer grows 0.05 ms per 0.5 ms step and must exceed 5 ms: 101 steps between spikes.
    expect(spikes).toEqual([100, 201, 302]);
    // After the spike v is reset and then frozen for the 10 refractory steps (5 ms), then integrates again.
    for (let k = 0; k <= 10; k++) expect(v[100 + k]).toBe(-65);
    expect(v[111]).toBeCloseTo(-63.7, 10);
    // θ: 20 mV decayed by (1 − 0.5/1e7)^400, plus 3 × 0.05 mV (each decayed from its spike on).
    const decay = 1 - 0.5 / 1e7;
    expect(state.theta[0]).toBeCloseTo(20 * decay ** 400 + 0.05 * (decay ** 299 + decay ** 198 + decay ** 97), 12);
    expect(state.timerMs[0]).toBeCloseTo(97 * 0.05, 9);
  });
  it('excitatory with a weak drive: first spike when v crosses −52 mV', () => {
    const { spikes, v } = drive(DIEHL_COOK_EXCITATORY, 0.2, 400);
    expect(spikes).toEqual([172, 355]);
    expect(v[171]).toBeCloseTo(-52.0156, 4);
  });
  it('test mode (adaptiveThreshold false) freezes θ', () => {
    const { spikes, state } = drive(DIEHL_COOK_EXCITATORY, 2, 400, false);
    expect(spikes).toEqual([100, 201, 302]);
    expect(state.theta[0]).toBe(20);
  });
  it('inhibitory: refractory 2 ms (4 steps held at −45 mV), no timer condition', () => {
    const { spikes, v } = drive(DIEHL_COOK_INHIBITORY, 2, 40);
    expect(spikes).toEqual([2, 7, 12, 17, 22, 27, 32, 37]);
    expect(v.slice(2, 7)).toEqual([-45, -45, -45, -45, -45]);
    expect(v[7]).toBe(-45);
  });
  it('takes the exact step where Euler would overshoot (Δt/τ·(1 + g_e + g_i) > 1) and stays Euler below', () => {
    const p = conductanceLifParams({ ...DIEHL_COOK_EXCITATORY, timerRate: 100 });
    const st = conductanceLifInitialState(3, p);
    st.v.set([-60, -60, -60]);
    st.gi.set([17 * 30, 17 * 100, 100]); // x = 0.005·511 = 2.555, 0.005·1701 = 8.505, 0.005·101 = 0.505
    const out = new Uint8Array(3);
    conductanceLifStepInPlace(st, p, 0.5, out);
    const exact = (gi: number) => {
      const vInf = (-65 + gi * -100) / (1 + gi);
      return vInf + (-60 - vInf) * Math.exp(-0.005 * (1 + gi));
    };
    expect(st.v[0]).toBeCloseTo(exact(510), 12);
    expect(st.v[1]).toBeCloseTo(exact(1700), 12);
    // Euler would give −60 + 2.555·(v∞ + 60) ≈ −162 mV (and −60 − 8.5·40 ≈ −400 mV): the exact step stays in [−100, −60].
    expect(st.v[0]).toBeGreaterThan(-100);
    expect(st.v[1]).toBeGreaterThan(-100);
    expect(st.v[2]).toBeCloseTo(-60 + 0.005 * (-65 + 60 + 100 * (-100 + 60)), 12);
    // 100 simultaneous inhibitory spikes of weight 17, stepped on: v stays within [E_inh, v₀], never fires.
    const q = conductanceLifInitialState(1, p);
    q.v[0] = -55;
    q.gi[0] = 1700;
    let spikes = 0;
    let lo = 0;
    let hi = -200;
    for (let t = 0; t < 400; t++) {
      spikes += conductanceLifStepInPlace(q, p, 0.5, out);
      lo = Math.min(lo, q.v[0]);
      hi = Math.max(hi, q.v[0]);
    }
    expect(spikes).toBe(0);
    expect(lo).toBeGreaterThan(-100);
    expect(hi).toBeLessThan(-55);
  });

  it('is pure: conductanceLifStep leaves its input untouched', () => {
    const p = conductanceLifParams(DIEHL_COOK_INHIBITORY);
    const s: ConductanceLifState = conductanceLifInitialState(2, p);
    s.ge[0] = 5;
    const r = conductanceLifStep(s, p, 0.5);
    expect(s.v[0]).toBe(-100);
    expect(r.state.v[0]).toBeCloseTo(-100 + 0.05 * (-60 + 100 + 5 * 100), 10);
    expect(r.state.ge[0]).toBe(2.5);
    expect(r.state.v[0]).toBeGreaterThan(r.state.v[1]);
  });
});

describe('conductanceLifStepSubset', () => {
  it('advances only the listed neurons, exactly as the full step does', () => {
    const p = conductanceLifParams(DIEHL_COOK_INHIBITORY);
    const a = conductanceLifInitialState(5, p);
    for (let i = 0; i < 5; i++) a.ge[i] = i;
    const b = cloneConductanceLifState(a);
    const sa = new Uint8Array(5);
    const sb = new Uint8Array(5);
    const ca = conductanceLifStepInPlace(a, p, 0.5, sa);
    const cb = conductanceLifStepSubset(b, p, 0.5, [1, 3, 4], 3, sb);
    expect(cb).toBe(ca);
    for (const i of [1, 3, 4]) expect(b.v[i]).toBe(a.v[i]);
    expect(b.v[0]).toBe(-100);
    expect(b.ge[2]).toBe(2);
  });
});
