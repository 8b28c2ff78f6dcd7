import { Rng, ShapeError, ValidationError, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { firstSpikeDecode } from './first-spike.js';
import { spikeCountDecode, spikeCounts } from './spike-counts.js';

/** Builds [B, T, C] spikes from per-sample lists of [t, c] events. */
function spikesFrom(batch: number, T: number, C: number, events: Array<Array<[number, number]>>) {
  const data = new Float32Array(batch * T * C);
  events.forEach((list, b) => {
    for (const [t, c] of list) data[(b * T + t) * C + c] = 1;
  });
  return tensor(data, [batch, T, C]);
}

describe('spikeCounts / spikeCountDecode', () => {
  const spikes = spikesFrom(3, 4, 3, [
    [[0, 2], [1, 2], [2, 1], [3, 2]], // counts [0, 1, 3] -> 2
    [[0, 0], [1, 1], [2, 0], [3, 1]], // counts [2, 2, 0] -> tie 0/1
    [], // counts [0, 0, 0] -> tie 0/1/2
  ]);

  it('counts spikes per class', () => {
    const counts = spikeCounts(spikes);
    expect(counts.shape).toEqual([3, 3]);
    expect(Array.from(counts.data)).toEqual([0, 1, 3, 2, 2, 0, 0, 0, 0]);
  });

  it('takes the argmax with the chosen tie rule', () => {
    expect(Array.from(spikeCountDecode(spikes))).toEqual([2, 0, 0]);
    expect(Array.from(spikeCountDecode(spikes, { tieBreak: 'abstain' }))).toEqual([2, -1, -1]);
    const picks = new Set<number>();
    const rng = new Rng(4);
    for (let k = 0; k < 40; k++) {
      const p = spikeCountDecode(spikes, { tieBreak: 'random', rng });
      expect(p[0]).toBe(2);
      expect([0, 1]).toContain(p[1]);
      picks.add(p[2]);
    }
    expect([...picks].sort()).toEqual([0, 1, 2]);
    const again = spikeCountDecode(spikes, { tieBreak: 'random', rng: new Rng(9) });
    expect(again).toEqual(spikeCountDecode(spikes, { tieBreak: 'random', rng: new Rng(9) }));
  });

  it('rejects bad shapes and options', () => {
    expect(() => spikeCountDecode(tensor([1, 0], [1, 2]))).toThrow(ShapeError);
    expect(() => spikeCountDecode(tensor([1, 0], [1, 2]))).toThrow(
      'field spikes: output spikes need batch, time and class dimensions; expected [batch, T, classes], found [1, 2]',
    );
    expect(() => spikeCountDecode(spikes, { tieBreak: 'random' })).toThrow(
      'field rng: random tie breaking needs a seeded random generator; expected an Rng from @snn/core, found undefined',
    );
    expect(() => spikeCountDecode(spikes, { tieBreak: 'first' as 'lowest' })).toThrow(ValidationError);
    expect(() => spikeCounts({ data: new Float32Array(5), shape: [1, 2, 2] })).toThrow('expected 4 values for shape [1, 2, 2], found 5');
  });
});

describe('firstSpikeDecode', () => {
  it('picks the earliest spike, then the larger count, then the lowest index', () => {
    const spikes = spikesFrom(4, 5, 3, [
      [[3, 0], [1, 2], [4, 2], [2, 1]], // first times [3, 2, 1] -> 2
      [[1, 0], [1, 1], [3, 1]], // both at t=1, counts 1 vs 2 -> 1
      [[2, 1], [2, 2]], // same time, same count -> 1
      [], // silent -> -1
    ]);
    expect(Array.from(firstSpikeDecode(spikes))).toEqual([2, 1, 1, -1]);
  });

  it('falls back to the membrane potential for silent samples', () => {
    const spikes = spikesFrom(2, 2, 3, [[[1, 0]], []]);
    const finalV = tensor([0, 0, 9, 0.1, 0.7, 0.3], [2, 3]);
    // sample 0 fired: the membrane is ignored; sample 1 is silent: argmax of [0.1, 0.7, 0.3]
    expect(Array.from(firstSpikeDecode(spikes, { membrane: finalV }))).toEqual([0, 1]);
    // [B, T, C]: the maximum over time, [0.2, 0.5, 0.8] -> 2
    const trace = tensor([0, 0, 0, 0, 0, 0, 0.2, 0.5, 0.1, -1, 0.3, 0.8], [2, 2, 3]);
    expect(Array.from(firstSpikeDecode(spikes, { membrane: trace }))).toEqual([0, 2]);
    expect(() => firstSpikeDecode(spikes, { membrane: tensor([0, 0, 0], [1, 3]) })).toThrow(
      'field membrane: membrane potentials do not match the output spikes; expected [2, 3] or [2, 2, 3], found [1, 3]',
    );
  });
});
