import { describe, expect, it } from 'vitest';
import { Leaky, lifInitialState, lifParams, lifStep, type LifParamsInput } from '../index.js';

/** Runs `steps` steps of one neuron under a constant input; returns the membrane and spike traces. */
function trace(input: number, steps: number, opts: LifParamsInput): { mem: number[]; spk: number[] } {
  const p = lifParams(opts);
  let state = lifInitialState(1);
  const mem: number[] = [];
  const spk: number[] = [];
  for (let t = 0; t < steps; t++) {
    const r = lifStep(new Float32Array([input]), state, p);
    state = r.state;
    mem.push(state.mem[0]);
    spk.push(r.spikes[0]);
  }
  return { mem, spk };
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], 6);
}

describe('lifParams', () => {
  it('fills in the snnTorch defaults and freezes', () => {
    const p = lifParams();
    expect(p).toEqual({ beta: 0.95, threshold: 1, resetMechanism: 'subtract', resetDelay: true });
    expect(Object.isFrozen(p)).toBe(true);
  });
  it('names the bad field', () => {
    expect(() => lifParams({ beta: 1.5 })).toThrow('field lif.beta: invalid LIF parameter; expected a number in [0, 1], found 1.5');
    expect(() => lifParams({ beta: Number.NaN })).toThrow('field lif.beta: invalid LIF parameter; expected a number in [0, 1], found NaN');
    expect(() => lifParams({ threshold: 0 }, 'layers[1].lif')).toThrow(
      'field layers[1].lif.threshold: invalid LIF parameter; expected a finite number > 0, found 0',
    );
    expect(() => lifParams({ resetMechanism: 'hard' as never })).toThrow(
      'field lif.resetMechanism: invalid LIF parameter; expected one of subtract, zero, none, found "hard"',
    );
    expect(() => lifParams({ resetDelay: 1 as never })).toThrow('field lif.resetDelay: invalid LIF parameter; expected a boolean, found 1');
  });
});

describe('lifStep golden traces (β 0.5, θ 1, constant input 0.6)', () => {
  it('subtract, delayed reset (snnTorch default)', () => {
    const { mem, spk } = trace(0.6, 8, { beta: 0.5, resetMechanism: 'subtract' });
    expectClose(mem, [0.6, 0.9, 1.05, 0.125, 0.6625, 0.93125, 1.065625, 0.1328125]);
    expect(spk).toEqual([0, 0, 1, 0, 0, 0, 1, 0]);
  });
  it('zero, delayed reset', () => {
    const { mem, spk } = trace(0.6, 8, { beta: 0.5, resetMechanism: 'zero' });
    expectClose(mem, [0.6, 0.9, 1.05, 0, 0.6, 0.9, 1.05, 0]);
    expect(spk).toEqual([0, 0, 1, 0, 0, 0, 1, 0]);
  });
  it('none', () => {
    const { mem, spk } = trace(0.6, 8, { beta: 0.5, resetMechanism: 'none' });
    expectClose(mem, [0.6, 0.9, 1.05, 1.125, 1.1625, 1.18125, 1.190625, 1.1953125]);
    expect(spk).toEqual([0, 0, 1, 1, 1, 1, 1, 1]);
  });
  it('subtract, immediate reset', () => {
    const { mem, spk } = trace(0.6, 8, { beta: 0.5, resetMechanism: 'subtract', resetDelay: false });
    expectClose(mem, [0.6, 0.9, 0.05, 0.625, 0.9125, 0.05625, 0.628125, 0.9140625]);
    expect(spk).toEqual([0, 0, 1, 0, 0, 1, 0, 0]);
  });
  it('zero, immediate reset', () => {
    const { mem, spk } = trace(0.6, 8, { beta: 0.5, resetMechanism: 'zero', resetDelay: false });
    expectClose(mem, [0.6, 0.9, 0, 0.6, 0.9, 0, 0.6, 0.9]);
    expect(spk).toEqual([0, 0, 1, 0, 0, 1, 0, 0]);
  });
  it('spikes only strictly above threshold', () => {
    const r = lifStep(new Float32Array([1, 1.0000001]), lifInitialState(2), lifParams({ beta: 0 }));
    expect(Array.from(r.spikes)).toEqual([0, 1]);
  });
});

describe('lifStep', () => {
  it('is pure: the old state is unchanged', () => {
    const state = { mem: new Float32Array([0.5, 2]) };
    lifStep(new Float32Array([0.1, 0.1]), state, lifParams());
    expect(Array.from(state.mem)).toEqual([0.5, 2]);
  });
  it('rejects a state of another size', () => {
    expect(() => lifStep(new Float32Array(3), lifInitialState(2), lifParams())).toThrow(
      'field state.mem: membrane state and input differ in size; expected 3 values (one per input), found 2',
    );
  });
  it('Leaky wraps the step and resets to rest', () => {
    const layer = new Leaky(2, lifParams({ beta: 0.5 }));
    expect(Array.from(layer.step(new Float32Array([1.5, 0.5])))).toEqual([1, 0]);
    expect(Array.from(layer.mem)).toEqual([1.5, 0.5]);
    // delayed subtract reset: 0.75 + 0 − 1
    layer.step(new Float32Array([0, 0]));
    expect(layer.mem[0]).toBeCloseTo(-0.25, 7);
    layer.reset();
    expect(Array.from(layer.mem)).toEqual([0, 0]);
  });
});
