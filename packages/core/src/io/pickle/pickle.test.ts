import { describe, expect, it } from 'vitest';
import { FileFormatError } from '../../errors/errors.js';
import { decodeNpyObject, encodeNpyObject, pickleArrayNumbers } from './numpy.js';
import { PickleError, parsePickle } from './read.js';
import { encodePickle } from './write.js';
import { type PickleDict, type PickleValue, isPickleDict, isPickleNdArray, isPickleTuple } from './values.js';

const b64 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'base64'));

// np.save('tiny.npy', {"data": [rec(indices=[3, 1], timestamps=[0.25, 0.5]), rec()], "labels": int16 [1, 0],
// "shape": (2, 4), "max_time": 1}, allow_pickle=True) with NumPy 1.24 — what SpikeNN's SpikingDataset.save writes.
const SEED_NPY = b64(
  'k05VTVBZAQB2AHsnZGVzY3InOiAnfE8nLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAA2NudW1weS5jb3JlLm11bHRpYXJyYXkKX3JlY29uc3RydWN0CnEAY251bXB5Cm5kYXJyYXkKcQFLAIVxAkMBYnEDh3EEUnEFKEsBKWNudW1weQpkdHlwZQpxBlgCAAAATzhxB4mIh3EIUnEJKEsDWAEAAAB8cQpOTk5K/////0r/////Sz90cQtiiV1xDH1xDShYBAAAAGRhdGFxDl1xDyhoAGNudW1weQpyZWNhcnJheQpxEEsAhXERaAOHcRJScRMoSwFLAoVxFGgGY251bXB5CnJlY29yZApxFYmIh3EWUnEXKEsDaApOWAcAAABpbmRpY2VzcRhYCgAAAHRpbWVzdGFtcHNxGYZxGn1xGyhoGGgGWAIAAABpMnEciYiHcR1ScR4oSwNYAQAAADxxH05OTkr/////Sv////9LAHRxIGJLAIZxIWgZaAZYAgAAAGY0cSKJiIdxI1JxJChLA2gfTk5OSv////9K/////0sAdHElYksChnEmdUsGSwFLEHRxJ2KJQwwDAAAAgD4BAAAAAD9xKHRxKWJoAGgQSwCFcSpoA4dxK1JxLChLAUsAhXEtaAZoFYmIh3EuUnEvKEsDaApOaBhoGYZxMH1xMShoGGgeSwCGcTJoGWgkSwKGcTN1SwZLAUsQdHE0YolDAHE1dHE2YmVYBgAAAGxhYmVsc3E3aABoAUsAhXE4aAOHcTlScTooSwFLAoVxO2geiUMEAQAAAHE8dHE9YlgFAAAAc2hhcGVxPksCSwSGcT9YCAAAAG1heF90aW1lcUBLAXVhdHFBYi4=',
);
// pickle.dumps(((float32 [[0, .25, .5], [.75, 1, 1.25]], int64 [7, -2]),), protocol=2): the mnist.pkl layout, bytes via _codecs.encode
const PROTOCOL2 = b64(
  'gAJjbnVtcHkuY29yZS5tdWx0aWFycmF5Cl9yZWNvbnN0cnVjdApxAGNudW1weQpuZGFycmF5CnEBSwCFcQJjX2NvZGVjcwplbmNvZGUKcQNYAQAAAGJxBFgGAAAAbGF0aW4xcQWGcQZScQeHcQhScQkoSwFLAksDhnEKY251bXB5CmR0eXBlCnELWAIAAABmNHEMiYiHcQ1ScQ4oSwNYAQAAADxxD05OTkr/////Sv////9LAHRxEGKJaANYGwAAAAAAAAAAAMKAPgAAAD8AAEA/AADCgD8AAMKgP3ERaAWGcRJScRN0cRRiaABoAUsAhXEVaAeHcRZScRcoSwFLAoVxGGgLWAIAAABpOHEZiYiHcRpScRsoSwNoD05OTkr/////Sv////9LAHRxHGKJaANYGAAAAAcAAAAAAAAAw77Dv8O/w7/Dv8O/w7/Dv3EdaAWGcR5ScR90cSBihnEhhXEiLg==',
);
// pickle.dumps(os.system-reducing object, protocol=3)
const EVIL = b64('gANjcG9zaXgKc3lzdGVtCnEAWAcAAABlY2hvIGhpcQGFcQJScQMu');
// pickle.dumps({'t': np.float32(0.5), 'n': np.int64(3)}, protocol=3)
const SCALARS = b64(
  'gAN9cQAoWAEAAAB0cQFjbnVtcHkuY29yZS5tdWx0aWFycmF5CnNjYWxhcgpxAmNudW1weQpkdHlwZQpxA1gCAAAAZjRxBImIh3EFUnEGKEsDWAEAAAA8cQdOTk5K/////0r/////SwB0cQhiQwQAAAA/cQmGcQpScQtYAQAAAG5xDGgCaANYAgAAAGk4cQ2JiIdxDlJxDyhLA2gHTk5OSv////9K/////0sAdHEQYkMIAwAAAAAAAABxEYZxElJxE3Uu',
);
// pickle.dumps([np.array([1.5, 2.5])], protocol=4): FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL
const PROTOCOL4 = b64(
  'gASVmwAAAAAAAABdlIwVbnVtcHkuY29yZS5tdWx0aWFycmF5lIwMX3JlY29uc3RydWN0lJOUjAVudW1weZSMB25kYXJyYXmUk5RLAIWUQwFilIeUUpQoSwFLAoWUaASMBWR0eXBllJOUjAJmOJSJiIeUUpQoSwOMATyUTk5OSv////9K/////0sAdJRiiUMQAAAAAAAA+D8AAAAAAAAEQJR0lGJhLg==',
);

function entry(dict: PickleValue, key: string): PickleValue | undefined {
  if (!isPickleDict(dict)) throw new Error('not a dict');
  return dict.entries.get(key);
}

describe('parsePickle', () => {
  it("reads NumPy's pickle of the SpikeNN SpikingDataset dict", () => {
    const dict = decodeNpyObject(SEED_NPY, 'tiny.npy');
    expect(isPickleDict(dict)).toBe(true);
    expect([...(dict as PickleDict).entries.keys()]).toEqual(['data', 'labels', 'shape', 'max_time']);
    const data = entry(dict, 'data') as PickleValue[];
    expect(data.length).toBe(2);
    const first = data[0];
    if (!isPickleNdArray(first)) throw new Error('not an array');
    expect(first.subclass).toBe('recarray');
    expect(first.dtype.isRecord).toBe(true);
    expect(first.dtype.fields.map((f) => [f.name, f.dtype.code, f.offset])).toEqual([
      ['indices', 'i2', 0],
      ['timestamps', 'f4', 2],
    ]);
    expect(Array.from(pickleArrayNumbers(first, 'indices'))).toEqual([3, 1]);
    expect(Array.from(pickleArrayNumbers(first, 'timestamps'))).toEqual([0.25, 0.5]);
    expect((data[1] as { shape: number[] }).shape).toEqual([0]);
    const labels = entry(dict, 'labels');
    if (!isPickleNdArray(labels)) throw new Error('not an array');
    expect(Array.from(pickleArrayNumbers(labels))).toEqual([1, 0]);
    const shape = entry(dict, 'shape');
    expect(isPickleTuple(shape) && shape.items).toEqual([2, 4]);
    expect(entry(dict, 'max_time')).toBe(1);
  });

  it('reads a protocol-2 pickle whose bytes come through _codecs.encode (mnist.pkl layout)', () => {
    const value = parsePickle(PROTOCOL2);
    if (!isPickleTuple(value) || !isPickleTuple(value.items[0])) throw new Error('not a tuple');
    const [x, y] = value.items[0].items;
    if (!isPickleNdArray(x) || !isPickleNdArray(y)) throw new Error('not arrays');
    expect(x.shape).toEqual([2, 3]);
    expect(Array.from(pickleArrayNumbers(x))).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    expect(Array.from(pickleArrayNumbers(y))).toEqual([7, -2]);
  });

  it('reads NumPy scalars and protocol-4 framing', () => {
    const dict = parsePickle(SCALARS);
    expect(entry(dict, 't')).toBe(0.5);
    expect(entry(dict, 'n')).toBe(3);
    const list = parsePickle(PROTOCOL4) as PickleValue[];
    expect(Array.from(pickleArrayNumbers(list[0] as never))).toEqual([1.5, 2.5]);
  });

  it('refuses a global outside the NumPy subset, naming it, without running anything', () => {
    expect(() => parsePickle(EVIL, { file: 'evil.pkl' })).toThrow(PickleError);
    expect(() => parsePickle(EVIL, { file: 'evil.pkl' })).toThrow(/file evil\.pkl, field pickle byte 2: pickle names a global outside .*found posix\.system/);
  });

  it('refuses opcodes outside the subset, truncation and trailing bytes', () => {
    // protocol 2, EMPTY_SET (0x8f)
    expect(() => parsePickle(Uint8Array.from([0x80, 2, 0x8f, 0x2e]))).toThrow(/opcode outside .*found opcode 0x8f EMPTY_SET/);
    // BINBYTES claiming 1e9 bytes: refused before any slice
    expect(() => parsePickle(Uint8Array.from([0x80, 3, 0x42, 0x00, 0xca, 0x9a, 0x3b, 0x2e]))).toThrow(/truncated pickle \(BINBYTES\); expected 1000000000 more bytes, found 1/);
    expect(() => parsePickle(Uint8Array.from([0x80, 2, 0x4e]))).toThrow(/expected a STOP opcode/);
    expect(() => parsePickle(Uint8Array.from([0x80, 2, 0x4e, 0x2e, 0x4e]))).toThrow(/trailing bytes/);
    expect(() => parsePickle(Uint8Array.from([0x80, 2, 0x4e, 0x2e, 0x4e]))).toThrow(FileFormatError);
  });

  it('refuses an array whose data does not match its shape', () => {
    const bad = encodePickle({
      kind: 'ndarray',
      subclass: 'ndarray',
      shape: [3],
      dtype: { kind: 'dtype', code: 'i2', byteOrder: '<', itemSize: 2, fields: [], isRecord: false },
      fortranOrder: false,
      bytes: new Uint8Array(4),
      objects: [],
    });
    expect(() => parsePickle(bad)).toThrow(/ndarray data size does not match its shape; expected 6 bytes for shape \(3\) of i2, found 4 bytes/);
  });

  it('writes what it reads: the seed dict round-trips through encodeNpyObject', () => {
    const dict = decodeNpyObject(SEED_NPY);
    const again = decodeNpyObject(encodeNpyObject(dict));
    const data = entry(again, 'data') as PickleValue[];
    expect(Array.from(pickleArrayNumbers(data[0] as never, 'timestamps'))).toEqual([0.25, 0.5]);
    expect(Array.from(pickleArrayNumbers(entry(again, 'labels') as never))).toEqual([1, 0]);
    expect(entry(again, 'max_time')).toBe(1);
    expect(encodePickle([-(2 ** 40), 2.5, 'é', null, true])).toEqual(encodePickle(parsePickle(encodePickle([-(2 ** 40), 2.5, 'é', null, true]))));
    expect(parsePickle(encodePickle([-(2 ** 40), 70000, -5, 2.5, 'é', null, true]))).toEqual([-(2 ** 40), 70000, -5, 2.5, 'é', null, true]);
  });

  it('refuses a .npy that is not an object array', () => {
    const npy = Uint8Array.from(SEED_NPY);
    npy.set(Buffer.from("'<f4'"), 19);
    expect(() => decodeNpyObject(npy, 'x.npy')).toThrow(/file x\.npy, field descr: \.npy file does not hold a pickled object/);
  });
});
