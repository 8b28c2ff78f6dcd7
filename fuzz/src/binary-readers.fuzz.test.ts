import { decodeNpy, decodeSafetensors, encodeNpy, encodeSafetensors, tensor } from '@snn/core';
import { createSpikingDataset, decodeSpikingDataset, encodeIdx, encodeSpikingDataset, parseIdx } from '@snn/datasets';
import { describe, expect, it } from 'vitest';
import { fuzzReader } from './harness.js';

// In-memory readers: each case is a mutated copy of a valid file, decoded from bytes.
describe('fuzz: binary readers give only typed errors, no hang, bounded memory', () => {
  it('IDX', async () => {
    const seeds = [
      encodeIdx({ dtype: 'u8', shape: [3, 4, 4], data: new Uint8Array(48).map((_, i) => i) }),
      encodeIdx({ dtype: 'u8', shape: [5], data: [1, 2, 3, 4, 5] }),
      encodeIdx({ dtype: 'i16', shape: [2, 3], data: [-1, 2, -3, 4, -5, 6] }),
      encodeIdx({ dtype: 'f64', shape: [2], data: [0.5, -2] }),
    ];
    const report = await fuzzReader(seeds, (bytes) => parseIdx(bytes, 'fuzz.idx'));
    expect(report.accepted + Object.values(report.refused).reduce((a, b) => a + b, 0)).toBe(report.cases);
    expect(report.refused.FileFormatError).toBeGreaterThan(0);
  });

  it('npy', async () => {
    const seeds = [
      encodeNpy(tensor([1, 2, 3, 4, 5, 6], [2, 3])),
      encodeNpy({ data: Float64Array.of(0.1, -0.2), shape: [2] }),
      encodeNpy({ data: Int32Array.of(1, -7, 9), shape: [3, 1] }),
      encodeNpy({ data: Uint8Array.of(1, 0, 1, 1), shape: [2, 2] }),
    ];
    const report = await fuzzReader(seeds, (bytes) => decodeNpy(bytes, 'fuzz.npy'));
    expect(report.refused.FileFormatError).toBeGreaterThan(0);
  });

  it('safetensors', async () => {
    const seeds = [
      encodeSafetensors({ w: tensor([1, 2, 3, 4], [2, 2]), b: tensor([0.5], [1]) }, { epoch: '3' }),
      encodeSafetensors({ counts: { data: Int32Array.of(-7, 8), shape: [2] }, mask: { data: Uint8Array.of(1, 0, 1), shape: [3] } }),
    ];
    const report = await fuzzReader(seeds, (bytes) => decodeSafetensors(bytes, 'fuzz.safetensors'));
    expect(report.refused.FileFormatError).toBeGreaterThan(0);
  });

  it('SpikingDataset', async () => {
    const dataset = createSpikingDataset({
      inputSize: 4,
      duration: 10,
      samples: [
        { label: 1, indices: [0, 3, 2], times: [0.5, 1, 7] },
        { label: 0, indices: [], times: [] },
        { label: 3, indices: [1], times: [9.5] },
      ],
    });
    const report = await fuzzReader([encodeSpikingDataset(dataset)], (bytes) => decodeSpikingDataset(bytes, 'fuzz.spk'));
    expect(Object.keys(report.refused).length).toBeGreaterThan(0);
  });
});
