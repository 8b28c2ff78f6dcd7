import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFormatError, ValidationError } from '../errors/errors.js';
import { tensor } from '../tensor/tensor.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { loadSafetensors, saveSafetensors } from './safetensors-file.js';

/** A hand-made safetensors file: 8-byte little-endian header length, JSON header, byte buffer. */
function stFile(header: unknown, data: number[], declaredLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...values: number[]): number[] => Array.from(new Uint8Array(Float32Array.from(values).buffer));

describe('encodeSafetensors', () => {
  it('lays out header length, JSON header padded to 8 bytes, and little-endian data', () => {
    const bytes = encodeSafetensors({ w: tensor([1, 2, 3, 4], [2, 2]) });
    const json = '{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}';
    expect(json.length).toBe(57);
    const expected = [64, 0, 0, 0, 0, 0, 0, 0, ...Array.from(json, (c) => c.charCodeAt(0)), 32, 32, 32, 32, 32, 32, 32, ...f32(1, 2, 3, 4)];
    expect(Array.from(bytes)).toEqual(expected);
  });

  it('round-trips mixed dtypes and metadata', () => {
    const bytes = encodeSafetensors(
      {
        w: tensor([1.5, -2, 3, 4, 5, 6], [2, 3]),
        mask: { data: Uint8Array.of(1, 0, 1), shape: [3] },
        counts: { data: Int32Array.of(-7, 8), shape: [2] },
        precise: { data: Float64Array.of(0.1), shape: [1, 1] },
      },
      { epoch: '3', note: 'ünïcode' },
    );
    const back = decodeSafetensors(bytes, 'm.safetensors', { keepFloat64: true });
    expect(back.metadata).toEqual({ epoch: '3', note: 'ünïcode' });
    expect(back.dataOffset % 8).toBe(0);
    expect(back.tensors.w).toEqual({ dtype: 'F32', shape: [2, 3], data: Float32Array.of(1.5, -2, 3, 4, 5, 6) });
    expect(back.tensors.mask).toEqual({ dtype: 'U8', shape: [3], data: Uint8Array.of(1, 0, 1) });
    expect(back.tensors.counts).toEqual({ dtype: 'I32', shape: [2], data: Int32Array.of(-7, 8) });
    expect(back.tensors.precise).toEqual({ dtype: 'F64', shape: [1, 1], data: Float64Array.of(0.1) });
    expect(decodeSafetensors(bytes).tensors.precise.data).toEqual(Float32Array.of(0.1));
  });

  it('refuses reserved names and non-string metadata', () => {
    expect(() => encodeSafetensors({ __metadata__: tensor([1], [1]) })).toThrow(ValidationError);
    expect(() => encodeSafetensors({ __metadata__: tensor([1], [1]) })).toThrow(
      'field tensors: invalid tensor name; expected a non-empty name other than __metadata__, found "__metadata__"',
    );
    expect(() => encodeSafetensors({}, { epoch: 3 } as unknown as Record<string, string>)).toThrow(
      'field __metadata__.epoch: safetensors metadata values must be strings; expected a string, found 3',
    );
  });
});

describe('decodeSafetensors refuses inconsistent files', () => {
  const entry = (dtype: string, shape: number[], offsets: number[]) => ({ dtype, shape, data_offsets: offsets });

  it('a header length larger than the file', () => {
    const bytes = stFile({ w: entry('F32', [1], [0, 4]) }, f32(1), 1000);
    expect(() => decodeSafetensors(bytes, 'a.st')).toThrow(FileFormatError);
    expect(() => decodeSafetensors(bytes, 'a.st')).toThrow(`file a.st, field header length: safetensors header length larger than the file; expected at most ${bytes.length - 8} bytes, found 1000 bytes`);
    expect(() => decodeSafetensors(Uint8Array.of(1, 2, 3), 'a.st')).toThrow('file a.st: file too short for a safetensors header; expected at least 8 bytes, found 3 bytes');
  });

  it('a header that is not a JSON object', () => {
    expect(() => decodeSafetensors(stFile('[1, 2]', []), 'b.st')).toThrow(
      'file b.st, field header: safetensors header is not a JSON object; expected a JSON object, found [1, 2]',
    );
    expect(() => decodeSafetensors(stFile('{"w": ', []), 'b.st')).toThrow(/^file b\.st, field header: safetensors header is not valid JSON/);
  });

  it('an unsupported dtype', () => {
    expect(() => decodeSafetensors(stFile({ w: entry('BF16', [2], [0, 4]) }, [0, 0, 0, 0]), 'c.st')).toThrow(
      'file c.st, field w: unsupported safetensors dtype; expected one of F32, F64, I32, U8, found "BF16"',
    );
  });

  it('offsets out of range', () => {
    expect(() => decodeSafetensors(stFile({ w: entry('F32', [2], [0, 8]) }, f32(1)), 'd.st')).toThrow(
      "file d.st, field w: safetensors data_offsets out of range; expected end <= 4 (the byte buffer's length), found [0, 8]",
    );
    expect(() => decodeSafetensors(stFile({ w: entry('F32', [1], [4, 0]) }, f32(1)), 'd.st')).toThrow(
      'file d.st, field w: invalid safetensors data_offsets; expected [begin, end] with 0 <= begin <= end, found [4, 0]',
    );
  });

  it('offsets that do not match the shape', () => {
    expect(() => decodeSafetensors(stFile({ w: entry('F32', [3], [0, 8]) }, f32(1, 2)), 'e.st')).toThrow(
      'file e.st, field w: safetensors data_offsets do not match the shape; expected 12 bytes for F32 [3], found 8 bytes [0, 8]',
    );
  });

  it('overlapping tensors', () => {
    const header = { a: entry('F32', [2], [0, 8]), b: entry('F32', [2], [4, 12]) };
    expect(() => decodeSafetensors(stFile(header, f32(1, 2, 3)), 'f.st')).toThrow(
      'file f.st, field b: safetensors tensors overlap; expected data starting at or after 8 (end of a), found [4, 12]',
    );
  });

  it('holes and uncovered bytes', () => {
    expect(() => decodeSafetensors(stFile({ a: entry('F32', [1], [4, 8]) }, f32(1, 2)), 'g.st')).toThrow(
      'file g.st, field a: safetensors byte buffer has a hole; expected data starting at 0, found [4, 8]',
    );
    expect(() => decodeSafetensors(stFile({ a: entry('F32', [1], [0, 4]) }, f32(1, 2)), 'g.st')).toThrow(
      'file g.st: safetensors byte buffer has bytes no tensor covers; expected 4 bytes of tensor data, found 8 bytes',
    );
  });

  it('metadata that is not a string map', () => {
    expect(() => decodeSafetensors(stFile({ __metadata__: { epoch: 3 } }, []), 'h.st')).toThrow(
      'file h.st, field __metadata__.epoch: safetensors metadata values must be strings; expected a string, found 3',
    );
  });
});

describe('saveSafetensors / loadSafetensors', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'snn-st-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trip through a file and name a missing one', async () => {
    const path = join(dir, 'w.safetensors');
    await saveSafetensors(path, { w: tensor([1, 2], [2]) }, { k: 'v' });
    const back = await loadSafetensors(path);
    expect([back.metadata, Array.from(back.tensors.w.data)]).toEqual([{ k: 'v' }, [1, 2]]);
    await expect(loadSafetensors(join(dir, 'none.safetensors'))).rejects.toThrow(`file ${join(dir, 'none.safetensors')}: file not found`);
  });
});

describe('decodeSafetensors on a deeply nested header', () => {
  it('throws a FileFormatError naming the entry, not a stack overflow from the error message', () => {
    const depth = 50_000;
    const header = `{"w":{"dtype":"F32","shape":${'['.repeat(depth)}${']'.repeat(depth)},"data_offsets":[0,0]}}`;
    let error: unknown;
    try {
      decodeSafetensors(stFile(header, []), 'deep.safetensors');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as FileFormatError).message).toMatch(/^file deep\.safetensors, field w: invalid safetensors shape/);
  });
});
