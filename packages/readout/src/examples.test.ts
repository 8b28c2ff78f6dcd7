// The `@example` blocks of the exported TSDoc, run as written (so they stay true).
import { tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  classMetrics,
  classProbabilities,
  confusionMatrix,
  firstSpikeDecode,
  spikeCountDecode,
  spikeCounts,
} from './index.js';

describe('TSDoc examples', () => {
  it('decoders', () => {
    expect(Array.from(spikeCounts(tensor([1, 0, 1, 1], [1, 2, 2])).data)).toEqual([2, 1]);
    const spikes = tensor([0, 1, 1, 1, 0, 1, 0, 1, 0], [1, 3, 3]);
    expect(Array.from(spikeCountDecode(spikes))).toEqual([1]);
    expect(Array.from(spikeCountDecode(spikes, { tieBreak: 'abstain' }))).toEqual([-1]);
    expect(Array.from(firstSpikeDecode(tensor([0, 0, 0, 1, 1, 0], [1, 3, 2])))).toEqual([1]);
  });

  it('metrics', () => {
    expect(accuracy([1, 2, 0, -1], [1, 2, 1, 0])).toBe(0.5);
    const cm = confusionMatrix([0, 1, 1, -1], [0, 1, 0, 1], 2);
    expect(Array.from(cm.matrix)).toEqual([1, 1, 0, 1]);
    expect(Array.from(cm.abstained)).toEqual([0, 1]);
    const m = classMetrics(cm);
    expect(Array.from(m.precision)).toEqual([1, 0.5]);
    expect(Array.from(m.recall)).toEqual([0.5, 0.5]);
    expect(Array.from(classProbabilities(tensor([0, Math.log(3)], [1, 2])).data)).toEqual([0.25, 0.75]);
  });
});
