import { Rng, createBackend, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { loadNeuroSpikeConfig } from '../config/load.js';
import { encodeImages } from '../data/encode.js';
import { createNetwork } from '../model/network.js';
import { layerSpikeRates, traceNetwork } from './trace.js';

describe('traceNetwork', () => {
  it('matches the LifNetwork engine on js and the gpu.js cpu kernels', async () => {
    const config = await loadNeuroSpikeConfig(undefined, { 'model.hidden_size': 24, 'model.num_steps': 12, 'model.num_hidden_layers': 2, 'model.residual': true, seed: 3 });
    const net = createNetwork(config, 1);
    for (const p of net.parameters()) for (let i = 0; i < p.value.length; i++) p.value[i] *= 4;
    const rng = new Rng(5);
    const pixels = new Float32Array(3 * 784).map(() => (rng.uniform() < 0.3 ? rng.uniform() : 0));
    const input = encodeImages(tensor(pixels, [3, 784]), { encoding: config.encoding, numSteps: 12 }, new Rng(9));
    const engine = net.forward(input, { membrane: true });
    const js = await traceNetwork(net, input, await createBackend('js'));
    expect(js.layers.map((l) => l.size)).toEqual([24, 24, 10]);
    expect(Array.from(js.counts)).toEqual(Array.from(engine.counts));
    const out = js.layers[2].membrane;
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(engine.membrane![i], 4);
    const rates = layerSpikeRates(js);
    expect(rates[0]).toBeGreaterThan(0);
    expect(rates.every((r) => r >= 0 && r <= 1)).toBe(true);
    const cpuBackend = await createBackend('cpu');
    const cpu = await traceNetwork(net, input, cpuBackend);
    await cpuBackend.destroy();
    expect(cpu.backend).toBe('cpu');
    expect(Array.from(cpu.counts)).toEqual(Array.from(js.counts));
    for (let l = 0; l < 3; l++) {
      expect(Array.from(cpu.layers[l].spikes)).toEqual(Array.from(js.layers[l].spikes));
      const a = cpu.layers[l].membrane;
      const b = js.layers[l].membrane;
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4);
    }
  });
});
