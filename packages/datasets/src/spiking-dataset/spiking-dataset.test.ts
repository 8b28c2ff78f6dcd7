import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { ChecksumError, FileFormatError, Rng, ShapeError, type SparseSpikes, ValidationError } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test-utils/temp-dir.js';
import { sparseToSpikingDataset, spikingDatasetToSparse, timeToStep } from './convert.js';
import { type SpikingDataset, createSpikingDataset, spikingSample } from './dataset.js';
import { decodeSpikingDataset, encodeSpikingDataset } from './format.js';
import { readSpikingDataset, writeSpikingDataset } from './format-file.js';

const tmp = useTempDir('spiking');

/** A seeded random dataset: each sample has up to `maxSpikes` spikes at random inputs and times. */
function randomDataset(count: number, inputSize: number, maxSpikes: number, seed: number): SpikingDataset {
  const rng = new Rng(seed);
  const samples = Array.from({ length: count }, () => {
    const n = rng.int(maxSpikes + 1);
    const indices = Array.from(rng.permutation(inputSize).subarray(0, n));
    const times = indices.map(() => Math.round(rng.uniformIn(0, 30) * 4) / 4);
    return { label: rng.int(10), indices, times };
  });
  return createSpikingDataset({ inputSize, duration: 30, timeUnit: 'ms', samples });
}

/** Rewrites the CRC trailer so a deliberately edited file passes the checksum. */
function fixCrc(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

describe('createSpikingDataset', () => {
  it('sorts spikes by time, then index', () => {
    const ds = createSpikingDataset({
      inputSize: 5,
      duration: 10,
      samples: [
        { label: 3, indices: [4, 1, 2, 0], times: [2, 7.5, 2, 0] },
        { label: 0, indices: [], times: [] },
      ],
    });
    expect(ds.count).toBe(2);
    expect(ds.timeUnit).toBe('ms');
    const s0 = spikingSample(ds, 0);
    expect(s0.label).toBe(3);
    expect(Array.from(s0.indices)).toEqual([0, 2, 4, 1]);
    expect(Array.from(s0.times)).toEqual([0, 2, 2, 7.5]);
    expect(spikingSample(ds, 1).indices.length).toBe(0);
    expect(Array.from(ds.offsets)).toEqual([0, 4, 4]);
    expect(() => spikingSample(ds, 2)).toThrow('field i: sample index out of range; expected an integer in [0, 1], found 2');
  });

  it('rejects invalid samples', () => {
    const make = (sample: { label: number; indices: number[]; times: number[] }, inputSize = 4) => () =>
      createSpikingDataset({ inputSize, duration: 10, samples: [sample] });
    expect(make({ label: 1, indices: [4], times: [1] })).toThrow('field samples[0].indices[0]: spike index out of range; expected an integer in [0, 3], found 4');
    expect(make({ label: 1, indices: [0], times: [10.5] })).toThrow('field samples[0].times[0]: spike time outside the time window; expected a time in [0, 10], found 10.5');
    expect(make({ label: 1, indices: [0], times: [Number.NaN] })).toThrow(ValidationError);
    expect(make({ label: 70000, indices: [], times: [] })).toThrow('field samples[0].label: invalid label; expected an integer in 0..65535, found 70000');
    expect(make({ label: 1, indices: [0, 1], times: [1] })).toThrow('field samples[0].times: indices and times differ in length; expected 2 times (one per index), found 1');
    expect(make({ label: 1, indices: [2, 2], times: [3, 3] })).toThrow('spikes not sorted by time, then index; expected after spike <2, 3>, found <2, 3>');
    expect(() => createSpikingDataset({ inputSize: 0, duration: 1, samples: [] })).toThrow('field inputSize: invalid input size');
    expect(() => createSpikingDataset({ inputSize: 1, duration: 0, samples: [] })).toThrow('field duration: invalid duration; expected a finite number > 0, found 0');
    expect(() => createSpikingDataset({ inputSize: 1, duration: 1, timeUnit: 'milli seconds', samples: [] })).toThrow('field timeUnit: invalid time unit');
  });
});

describe('SpikingDataset files', () => {
  it('round-trips through a file', async () => {
    const ds = randomDataset(50, 784, 40, 7);
    const path = join(tmp, 'rt.snnspk');
    await writeSpikingDataset(path, ds);
    const bytes = readFileSync(path);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x53, 0x4e, 0x4e, 0x53, 0x50, 0x4b, 0x31, 0x00]);
    expect(bytes.length).toBe(64 + 6 * 50 + 8 * ds.indices.length + 4);
    const back = readSpikingDataset(path);
    expect(back).toEqual(ds);
    const empty = createSpikingDataset({ inputSize: 3, duration: 1.5, timeUnit: 'step', samples: [] });
    expect(decodeSpikingDataset(encodeSpikingDataset(empty))).toEqual(empty);
  });

  it('rejects a bad magic number', () => {
    const path = join(tmp, 'magic');
    writeFileSync(path, Uint8Array.from([0x53, 0x4e, 0x4e, 0x53, 0x50, 0x4b, 0x32, 0x00, 1, 0, 0, 0]));
    expect(() => readSpikingDataset(path)).toThrow(
      `file ${path}: not a SpikingDataset file (bad magic number); expected magic bytes 53 4e 4e 53 50 4b 31 00 ("SNNSPK1\\0"), found 53 4e 4e 53 50 4b 32 00`,
    );
    expect(() => decodeSpikingDataset(new Uint8Array(0), 'e')).toThrow('found an empty file');
  });

  it('detects truncation and trailing bytes', () => {
    const ds = randomDataset(5, 20, 6, 3);
    const bytes = encodeSpikingDataset(ds);
    const s = ds.indices.length;
    const path = join(tmp, 'cut.snnspk');
    writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    expect(() => readSpikingDataset(path)).toThrow(FileFormatError);
    expect(() => readSpikingDataset(path)).toThrow(
      `file ${path}: truncated SpikingDataset file; expected ${bytes.length} bytes (header says 5 samples, ${s} spikes), found ${bytes.length - 10}`,
    );
    const longer = new Uint8Array(bytes.length + 2);
    longer.set(bytes);
    expect(() => decodeSpikingDataset(longer, 'x')).toThrow(`file x: SpikingDataset file has trailing bytes; expected ${bytes.length} bytes`);
    expect(() => decodeSpikingDataset(bytes.subarray(0, 40), 'y')).toThrow('file y: truncated SpikingDataset file; expected at least 68 bytes (header and checksum), found 40');
  });

  it('detects corruption by the CRC', () => {
    const bytes = encodeSpikingDataset(randomDataset(5, 20, 6, 4));
    bytes[70] ^= 0x01;
    expect(() => decodeSpikingDataset(bytes, 'c')).toThrow(ChecksumError);
    expect(() => decodeSpikingDataset(bytes, 'c')).toThrow(/^file c: CRC-32 mismatch \(file corrupt\); expected crc32 [0-9a-f]{8}, found crc32 [0-9a-f]{8}$/);
  });

  it('rejects unsorted times and out-of-range indices even with a valid CRC', () => {
    const ds = createSpikingDataset({ inputSize: 8, duration: 5, samples: [{ label: 2, indices: [1, 6], times: [1, 2] }] });
    const record = 64 + 6;
    const unsorted = encodeSpikingDataset(ds);
    const view = new DataView(unsorted.buffer);
    view.setFloat32(record + 8, 3, true);
    fixCrc(unsorted);
    expect(() => decodeSpikingDataset(unsorted, 'u')).toThrow(
      'file u, field samples[0].times[1]: spikes not sorted by time, then index; expected after spike <1, 3>, found <6, 2>',
    );
    const badIndex = encodeSpikingDataset(ds);
    new DataView(badIndex.buffer).setUint32(record + 4, 8, true);
    fixCrc(badIndex);
    expect(() => decodeSpikingDataset(badIndex, 'i')).toThrow('file i, field samples[0].indices[1]: spike index out of range; expected an index < inputSize 8, found 8');
    const badVersion = encodeSpikingDataset(ds);
    new DataView(badVersion.buffer).setUint32(8, 2, true);
    expect(() => decodeSpikingDataset(fixCrc(badVersion), 'v')).toThrow('file v, field version: unsupported SpikingDataset version; expected 1, found 2');
    const badCount = encodeSpikingDataset(ds);
    new DataView(badCount.buffer).setUint32(64 + 2, 3, true);
    expect(() => decodeSpikingDataset(fixCrc(badCount), 'n')).toThrow('file n, field samples[0]: sample spike counts exceed the total; expected at most 2 more spikes (header total 2), found 3');
  });

  it('names a missing file', () => {
    const path = join(tmp, 'missing.snnspk');
    expect(() => readSpikingDataset(path)).toThrow(`file ${path}: file not found`);
  });
});

describe('conversion to and from SparseSpikes', () => {
  it('bins times into steps, merging repeats within a step', () => {
    const ds = createSpikingDataset({
      inputSize: 4,
      duration: 10,
      samples: [
        { label: 0, indices: [3, 1, 3, 0, 2], times: [0, 2.4, 2.6, 9.99, 10] },
        { label: 1, indices: [2], times: [5] },
      ],
    });
    const sparse = spikingDatasetToSparse(ds, { numSteps: 5 });
    expect(sparse.batch).toBe(2);
    expect(sparse.size).toBe(4);
    expect(Array.from(sparse.offsets)).toEqual([0, 1, 3, 3, 3, 5, 5, 5, 6, 6, 6]);
    expect(Array.from(sparse.indices)).toEqual([3, 1, 3, 0, 2, 2]);
    const only1 = spikingDatasetToSparse(ds, { numSteps: 1, samples: [1] });
    expect(Array.from(only1.indices)).toEqual([2]);
    expect(() => spikingDatasetToSparse(ds, { numSteps: 0 })).toThrow('field numSteps: invalid number of time steps');
    expect(timeToStep(10, 10, 5)).toBe(4);
    expect(timeToStep(3.999, 10, 5)).toBe(1);
  });

  it('round-trips SparseSpikes for several step lengths', () => {
    const rng = new Rng(21);
    const batch = 6;
    const numSteps = 100;
    const size = 50;
    const offsets = new Uint32Array(batch * numSteps + 1);
    const indices: number[] = [];
    for (let r = 0; r < batch * numSteps; r++) {
      offsets[r] = indices.length;
      for (let i = 0; i < size; i++) if (rng.bernoulli(0.05)) indices.push(i);
    }
    offsets[batch * numSteps] = indices.length;
    const spikes: SparseSpikes = { batch, numSteps, size, offsets, indices: Uint32Array.from(indices) };
    const labels = [1, 2, 3, 4, 5, 6];
    for (const dtStep of [1, 0.1, 0.25, 1 / 3, 0.7]) {
      const ds = sparseToSpikingDataset(spikes, labels, { dtStep, timeUnit: 'ms' });
      expect(ds.duration).toBeCloseTo(numSteps * dtStep, 10);
      expect(ds.indices.length).toBe(indices.length);
      const back = spikingDatasetToSparse(ds, { numSteps });
      expect(back.offsets).toEqual(spikes.offsets);
      expect(back.indices).toEqual(spikes.indices);
    }
    expect(() => sparseToSpikingDataset(spikes, [1])).toThrow(ShapeError);
    expect(() => sparseToSpikingDataset(spikes, labels, { dtStep: -1 })).toThrow('field dtStep: invalid step length');
  });
});
