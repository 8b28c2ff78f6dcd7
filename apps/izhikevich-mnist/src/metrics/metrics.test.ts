import { describe, expect, it } from 'vitest';
import { HOROWITZ_45NM_PJ, SEED_TDP_WATTS, annEnergyJoules, snnEnergyJoules, tdpEnergyWh } from './energy.js';
import { memoryUsage, toMiB } from './memory.js';
import { spikeRate } from './spike-rate.js';
import { IZHIKEVICH_FLOPS_PER_UPDATE, denseMacs, denseSynOps, izhikevichNetworkFlops } from './synops.js';

describe('metrics', () => {
  it('uses the Horowitz 45 nm energies: MAC = mult + add, AC = add', () => {
    expect(HOROWITZ_45NM_PJ.mac).toBeCloseTo(HOROWITZ_45NM_PJ.floatAdd + HOROWITZ_45NM_PJ.floatMult, 12);
    expect(snnEnergyJoules(1e6)).toBeCloseTo(0.9e-6, 15);
    expect(annEnergyJoules(1e6)).toBeCloseTo(4.6e-6, 15);
  });

  it("the seed's energy estimate: TDP (160 W by default) × time, in Wh", () => {
    expect(SEED_TDP_WATTS).toBe(160);
    expect(tdpEnergyWh(160, 3600)).toBe(160);
    expect(tdpEnergyWh(SEED_TDP_WATTS, 45)).toBe(2); // a 45 s epoch at 160 W
  });

  it('counts synaptic operations and MACs of dense layers', () => {
    expect(denseSynOps([100, 20, 7], [784, 512, 10])).toBe(100 * 512 + 20 * 10);
    expect(denseMacs([784, 512, 10])).toBe(784 * 512 + 512 * 10);
    expect(izhikevichNetworkFlops([4, 3, 2], 5)).toBe(5 * (2 * (12 + 6) + IZHIKEVICH_FLOPS_PER_UPDATE * 5));
    expect(() => denseSynOps([1, 2], [3, 4, 5])).toThrow('field spikeCounts: one spike count per layer; expected 3 counts, found 2');
  });

  it('computes spike rates and memory figures', () => {
    expect(spikeRate(50, 10, 5, 2)).toBe(0.5);
    expect(spikeRate(0, 10, 0, 2)).toBe(0);
    const m = memoryUsage(1000);
    expect(m.parameterBytes).toBe(4000);
    expect(m.rssBytes).toBeGreaterThan(1e6);
    expect(m.peakRssBytes).toBeGreaterThanOrEqual(m.rssBytes * 0.5);
    expect(toMiB(3 * 1048576 + 52429)).toBe(3.1);
  });
});
