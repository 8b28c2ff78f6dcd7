import { describe, expect, it } from 'vitest';
import { checkSingleSpikeLayer, firingOrder, firstToFire, singleSpikeForward, singleSpikeOutput } from './single-spike.js';

const f = Math.fround;

function layer(weights: number[], neurons: number, leakTau: number[] | null = null, maxTime = 1) {
  return { inputSize: weights.length / neurons, neurons, weights: Float32Array.from(weights), leakTau: leakTau && Float32Array.from(leakTau), maxTime };
}

describe('singleSpikeForward', () => {
  // n0 weights [0.5, 0.4, 0.3, 0.2], n1 [0.2, 0.9, 0.1, 0.5]; spikes (0, 0.1), (1, 0.2), (2, 0.2), (3, 0.6)
  const l = layer([0.5, 0.4, 0.3, 0.2, 0.2, 0.9, 0.1, 0.5], 2);
  const indices = [0, 1, 2, 3];
  const times = [0.1, 0.2, 0.2, 0.6].map(f);

  it('fires after the group of equal times; the last spike can move the potential but never fire', () => {
    // group 0.1: V = [0.5, 0.2]; group 0.2: V = [1.2, 1.2] → n1 (θ 1.0) fires at 0.2, n0 (θ 1.25) does not;
    // the last spike (input 3) adds 0.2 to n0 (1.4 > 1.25) but no check follows it: n0 stays silent.
    const out = singleSpikeForward(l, indices, times, Float32Array.of(1.25, 1.0), singleSpikeOutput(l));
    expect(Array.from(out.outputTimes)).toEqual([1, f(0.2)]);
    expect(out.potentials[0]).toBeCloseTo(1.4, 6);
    expect(out.potentials[1]).toBeCloseTo(1.2, 6);
    expect(Array.from(out.inputTimes)).toEqual(times);
  });

  it('ties go to the higher potential, then the lower index', () => {
    const out = singleSpikeForward(l, indices, times, Float32Array.of(0.8, 1.0), singleSpikeOutput(l));
    expect(Array.from(out.outputTimes)).toEqual([f(0.2), f(0.2)]);
    expect(firstToFire(out.outputTimes, out.potentials)).toBe(0); // equal times and (float32) equal potentials 1.2
    expect(firingOrder([0.5, 0.2, 0.2, 1], [0, 1, 3, 9])).toEqual([2, 1, 0, 3]);
    expect(firstToFire([1, 1, 1], [0.5, 0.7, 0.7])).toBe(1);
  });

  it('leaks between input times (LIF) before the check', () => {
    const lif = layer([1, 1], 1, [1]);
    // V = 1 at t = 0, decays by exp(−0.5) = 0.6065 before the check at t = 0: fires for θ 0.5, not for θ 0.7
    const fired = singleSpikeForward(lif, [0, 1], [0, 0.5], Float32Array.of(0.5), singleSpikeOutput(lif));
    expect(fired.outputTimes[0]).toBe(0);
    expect(fired.potentials[0]).toBeCloseTo(Math.exp(-0.5), 6);
    const silent = singleSpikeForward(lif, [0, 1], [0, 0.5], Float32Array.of(0.7), singleSpikeOutput(lif));
    expect(silent.outputTimes[0]).toBe(1);
    expect(silent.potentials[0]).toBeCloseTo(1 + Math.exp(-0.5), 6);
  });

  it('masks: a dropped neuron never fires, a dropped input still drives but is hidden from the traces', () => {
    const out = singleSpikeForward(l, indices, times, Float32Array.of(0.8, 1.0), singleSpikeOutput(l), {
      input: Uint8Array.of(1, 0, 1, 1),
      output: Uint8Array.of(1, 0),
    });
    expect(Array.from(out.outputTimes)).toEqual([f(0.2), 1]);
    expect(out.potentials[1]).toBe(0);
    expect(out.inputTimes[1]).toBe(1);
    expect(out.potentials[0]).toBeCloseTo(1.2, 6);
  });

  it('an input at max_time ends the simulation', () => {
    const one = layer([0.6, 0.6, 5], 1);
    const out = singleSpikeForward(one, [0, 1, 2], [0.1, 1, 1], Float32Array.of(0.5), singleSpikeOutput(one));
    expect(out.outputTimes[0]).toBe(f(0.1));
    // θ 0.7: the spike of input 2 (w = 5) comes at max_time and is never integrated
    const stopped = singleSpikeForward(one, [0, 2], [0.1, 1], Float32Array.of(0.7), singleSpikeOutput(one));
    expect(stopped.outputTimes[0]).toBe(1);
    expect(stopped.potentials[0]).toBeCloseTo(0.6, 6);
    const empty = singleSpikeForward(one, [], [], Float32Array.of(0.5), singleSpikeOutput(one));
    expect(Array.from(empty.outputTimes)).toEqual([1]);
  });

  it('checks the layer', () => {
    expect(() => checkSingleSpikeLayer({ ...l, weights: new Float32Array(3) })).toThrow(/field layer\.weights: weights do not match the layer size; expected 2 × 4 = 8 values, found 3/);
    expect(() => checkSingleSpikeLayer({ ...l, leakTau: Float32Array.of(1, 0) })).toThrow(/leakTau\[1\]/);
  });
});
