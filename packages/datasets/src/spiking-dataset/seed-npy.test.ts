import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileFormatError, PickleError, ValidationError, decodeNpyObject, encodeNpyObject, isPickleDict } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test-utils/temp-dir.js';
import { createSpikingDataset, spikingSample } from './dataset.js';
import { selectSpikingSamples } from './select.js';
import { encodeSpikingDataset } from './format.js';
import {
  decodeSeedSpikingDataset,
  denseToSpikingDataset,
  encodeSeedSpikingDataset,

  spikingDatasetToSeedDict,
} from './seed-npy.js';
import { readAnySpikingDataset } from './seed-npy-file.js';

const tmp = useTempDir('seed-npy');

// SpikeNN's own SpikingDataset.from_numpy(X, y=[7, 3, 7], max_time=1).save(...) (NumPy 1.24) for
// X = [[0.5, 1, 0.1, 0.5, 0.9], [1, 1, 1, 1, 1], [0.2, 0.3, 0, 1.5, 0.999]].
const SEED_FILE = Uint8Array.from(
  Buffer.from(
    'k05VTVBZAQB2AHsnZGVzY3InOiAnfE8nLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAA2NudW1weS5jb3JlLm11bHRpYXJyYXkKX3JlY29uc3RydWN0CnEAY251bXB5Cm5kYXJyYXkKcQFLAIVxAkMBYnEDh3EEUnEFKEsBKWNudW1weQpkdHlwZQpxBlgCAAAATzhxB4mIh3EIUnEJKEsDWAEAAAB8cQpOTk5K/////0r/////Sz90cQtiiV1xDH1xDShYBAAAAGRhdGFxDl1xDyhoAGNudW1weQpyZWNhcnJheQpxEEsAhXERaAOHcRJScRMoSwFLBIVxFGgGY251bXB5CnJlY29yZApxFYmIh3EWUnEXKEsDaApOWAcAAABpbmRpY2VzcRhYCgAAAHRpbWVzdGFtcHNxGYZxGn1xGyhoGGgGWAIAAABpMnEciYiHcR1ScR4oSwNYAQAAADxxH05OTkr/////Sv////9LAHRxIGJLAIZxIWgZaAZYAgAAAGY0cSKJiIdxI1JxJChLA2gfTk5OSv////9K/////0sAdHElYksChnEmdUsGSwFLEHRxJ2KJQxgCAM3MzD0AAAAAAD8DAAAAAD8EAGZmZj9xKHRxKWJoAGgQSwCFcSpoA4dxK1JxLChLAUsAhXEtaAZoFYmIh3EuUnEvKEsDaApOaBhoGYZxMH1xMShoGGgeSwCGcTJoGWgkSwKGcTN1SwZLAUsQdHE0YolDAHE1dHE2YmgAaBBLAIVxN2gDh3E4UnE5KEsBSwSFcTpoBmgViYiHcTtScTwoSwNoCk5oGGgZhnE9fXE+KGgYaB5LAIZxP2gZaCRLAoZxQHVLBksBSxB0cUFiiUMYAgAAAAAAAADNzEw+AQCamZk+BAB3vn8/cUJ0cUNiZVgGAAAAbGFiZWxzcURoAGgBSwCFcUVoA4dxRlJxRyhLAUsDhXFIaB6JQwYBAAAAAQBxSXRxSmJYBQAAAHNoYXBlcUtLA0sFhnFMWAgAAABtYXhfdGltZXFNSwF1YXRxTmIu',
    'base64',
  ),
);

function withDictEntry(key: string, value: unknown): Uint8Array {
  const dict = decodeNpyObject(SEED_FILE);
  if (!isPickleDict(dict)) throw new Error('not a dict');
  dict.entries.set(key, value as never);
  return encodeNpyObject(dict);
}

describe('SpikeNN SpikingDataset files', () => {
  it("reads the seed's own file: spikes, labels, input size and max_time", () => {
    const ds = decodeSeedSpikingDataset(SEED_FILE, 'trainset.npy');
    expect([ds.count, ds.inputSize, ds.duration]).toEqual([3, 5, 1]);
    expect(Array.from(ds.labels)).toEqual([1, 0, 1]);
    const first = spikingSample(ds, 0);
    expect(Array.from(first.indices)).toEqual([2, 0, 3, 4]);
    expect(Array.from(first.times)).toEqual([Math.fround(0.1), 0.5, 0.5, Math.fround(0.9)]);
    expect(spikingSample(ds, 1).indices.length).toBe(0);
    expect(Array.from(spikingSample(ds, 2).indices)).toEqual([2, 0, 1, 4]);
  });

  it('the dense converter gives what the seed wrote for the same arrays', () => {
    const dense = denseToSpikingDataset(Float32Array.from([0.5, 1, 0.1, 0.5, 0.9, 1, 1, 1, 1, 1, 0.2, 0.3, 0, 1.5, 0.999]), 3, [7, 3, 7]);
    const seed = decodeSeedSpikingDataset(SEED_FILE);
    expect(Array.from(dense.indices)).toEqual(Array.from(seed.indices));
    expect(Array.from(dense.times)).toEqual(Array.from(seed.times));
    expect(Array.from(dense.offsets)).toEqual(Array.from(seed.offsets));
    expect(Array.from(dense.labels)).toEqual(Array.from(seed.labels));
  });

  it('converts both ways: project dataset → seed .npy → project dataset', () => {
    const ds = createSpikingDataset({
      inputSize: 6,
      duration: 1,
      samples: [
        { label: 2, indices: [5, 0, 3], times: [0.75, 0.25, 1] },
        { label: 0, indices: [1], times: [0] },
      ],
    });
    const back = decodeSeedSpikingDataset(encodeSeedSpikingDataset(ds));
    // the spike at exactly max_time is a silence in the seed's format
    expect(Array.from(back.indices)).toEqual([0, 5, 1]);
    expect(Array.from(back.offsets)).toEqual([0, 2, 3]);
    expect(Array.from(back.labels)).toEqual([2, 0]);
    expect(back.inputSize).toBe(6);
  });

  it('readAnySpikingDataset tells the two formats apart', () => {
    const seedPath = join(tmp, 'a.npy');
    const ownPath = join(tmp, 'a.snnspk');
    writeFileSync(seedPath, SEED_FILE);
    writeFileSync(ownPath, encodeSpikingDataset(decodeSeedSpikingDataset(SEED_FILE)));
    expect(readAnySpikingDataset(seedPath).count).toBe(3);
    expect(Array.from(readAnySpikingDataset(ownPath).indices)).toEqual(Array.from(decodeSeedSpikingDataset(SEED_FILE).indices));
    expect(() => readAnySpikingDataset(join(tmp, 'missing.npy'))).toThrow(/file .*missing\.npy: file not found/);
  });

  it('names the key, sample and spike of bad content', () => {
    expect(() => decodeSeedSpikingDataset(withDictEntry('extra', 1), 't.npy')).toThrow(/file t\.npy, field extra: unknown key in a SpikeNN SpikingDataset/);
    expect(() => decodeSeedSpikingDataset(withDictEntry('max_time', 0.5), 't.npy')).toThrow(
      /field data\[0\]\.timestamps\[1\]: spike time outside \[0, max_time\); expected a time in \[0, 0\.5\), found 0\.5/,
    );
    expect(() => decodeSeedSpikingDataset(withDictEntry('shape', { kind: 'tuple', items: [3, 4] }), 't.npy')).toThrow(
      /field data\[0\]\.indices\[3\]: spike index out of range; expected an index in \[0, 4\)/,
    );
    expect(() => decodeSeedSpikingDataset(withDictEntry('shape', { kind: 'tuple', items: [2, 5] }), 't.npy')).toThrow(
      /sizes disagree; expected 2 samples \(shape\[0\]\) in data and labels, found 3 samples and 3 labels/,
    );
    const dict = decodeNpyObject(Uint8Array.from(SEED_FILE)); // a copy: arrays are views of the file bytes
    if (!isPickleDict(dict)) throw new Error('not a dict');
    const data = dict.entries.get('data') as { bytes: Uint8Array }[];
    // swap the two records of sample 0 so that time 0.5 comes before 0.1
    const bytes = data[0].bytes;
    const first = bytes.slice(0, 6);
    bytes.copyWithin(0, 6, 12);
    bytes.set(first, 6);
    expect(() => decodeSeedSpikingDataset(encodeNpyObject(dict), 't.npy')).toThrow(/field data\[0\]\.timestamps\[1\]: spikes not sorted by time/);
    expect(() => decodeSeedSpikingDataset(withDictEntry('data', 'x'), 't.npy')).toThrow(FileFormatError);
  });

  it('refuses a pickle with code in it, without running it', () => {
    const evil = Uint8Array.from(SEED_FILE);
    // rename the global "numpy\nrecarray" to "posix\nsystem\n" (same length, 14 bytes)
    const text = Buffer.from(evil).toString('latin1');
    const at = text.indexOf('numpy\nrecarray\n');
    evil.set(Buffer.from('posix\nsystem\n\n', 'latin1'), at);
    expect(() => decodeSeedSpikingDataset(evil, 'evil.npy')).toThrow(PickleError);
  });

  it('the dense converter checks counts and times', () => {
    expect(() => denseToSpikingDataset([0.1, 0.2], 2, [1], { files: { data: 'X.npy', labels: 'y.npy' } })).toThrow(
      /file y\.npy: labels do not match the sample count; expected 2 labels \(one per sample of X\.npy\), found 1/,
    );
    expect(() => denseToSpikingDataset([0.1, -0.2], 1, [1], { files: { data: 'X.npy' } })).toThrow(/file X\.npy, field \[0, 1\]: firing time is negative or NaN/);
    expect(() => denseToSpikingDataset([0.1, Number.NaN], 1, [1])).toThrow(ValidationError);
    expect(Array.from(denseToSpikingDataset([0.1, 0.2], 1, [5], { remapLabels: false }).labels)).toEqual([5]);
  });

  it('writes int16 labels and indices as the seed does', () => {
    const dict = spikingDatasetToSeedDict(decodeSeedSpikingDataset(SEED_FILE));
    if (!isPickleDict(dict)) throw new Error('not a dict');
    const labels = dict.entries.get('labels') as { dtype: { code: string } };
    expect(labels.dtype.code).toBe('i2');
    const sample = (dict.entries.get('data') as { dtype: { fields: { name: string; dtype: { code: string } }[] } }[])[0];
    expect(sample.dtype.fields.map((f) => `${f.name}:${f.dtype.code}`)).toEqual(['indices:i2', 'timestamps:f4']);
  });

  it('selectSpikingSamples takes samples in the given order', () => {
    const ds = decodeSeedSpikingDataset(SEED_FILE);
    const picked = selectSpikingSamples(ds, [2, 0]);
    expect(Array.from(picked.labels)).toEqual([1, 1]);
    expect(Array.from(picked.offsets)).toEqual([0, 4, 8]);
    expect(Array.from(picked.indices)).toEqual([2, 0, 1, 4, 2, 0, 3, 4]);
    expect(() => selectSpikingSamples(ds, [3])).toThrow(/field indices\[0\]: sample index out of range/);
  });
});
