import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FileFormatError, ShapeError, ValidationError } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test-utils/temp-dir.js';
import type { IdxDtype } from './dtype.js';
import { idxPromisedBytes, parseIdx } from './parse.js';
import { readIdx, readMaybeGzip } from './read.js';
import { encodeIdx } from './write.js';
import { writeIdx } from './write-file.js';

const dir = useTempDir('idx');

const cases: { dtype: IdxDtype; shape: number[]; data: number[]; ctor: string }[] = [
  { dtype: 'u8', shape: [2, 3], data: [0, 1, 2, 253, 254, 255], ctor: 'Uint8Array' },
  { dtype: 'i8', shape: [4], data: [-128, -1, 0, 127], ctor: 'Int8Array' },
  { dtype: 'i16', shape: [2, 2], data: [-32768, -2, 300, 32767], ctor: 'Int16Array' },
  { dtype: 'i32', shape: [3], data: [-2147483648, 65536, 2147483647], ctor: 'Int32Array' },
  { dtype: 'f32', shape: [1, 2, 2], data: [0.5, -1.25, 2 ** 40, -0], ctor: 'Float32Array' },
  { dtype: 'f64', shape: [2], data: [Math.PI, -1e-300], ctor: 'Float64Array' },
];

describe('IDX round trip', () => {
  for (const { dtype, shape, data, ctor } of cases) {
    for (const gzip of [false, true]) {
      it(`${dtype} ${gzip ? 'gzip' : 'plain'}`, async () => {
        const path = join(dir, `rt-${dtype}${gzip ? '.gz' : ''}`);
        await writeIdx(path, { dtype, shape, data });
        const raw = readFileSync(path);
        expect(raw[0] === 0x1f && raw[1] === 0x8b).toBe(gzip);
        const back = readIdx(path);
        expect(back.dtype).toBe(dtype);
        expect(back.shape).toEqual(shape);
        expect(back.data.constructor.name).toBe(ctor);
        expect(Array.from(back.data)).toEqual(data);
      });
    }
  }

  it('writes the documented big-endian header', () => {
    const bytes = encodeIdx({ dtype: 'i16', shape: [2, 1], data: [1, -2] });
    expect(Array.from(bytes)).toEqual([0, 0, 0x0b, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 1, 0xff, 0xfe]);
  });

  it('detects gzip by magic bytes, not by the extension', async () => {
    const path = join(dir, 'compressed-without-extension-idx1-ubyte');
    await writeIdx(path, { dtype: 'u8', shape: [3], data: [7, 2, 1] }, { gzip: true });
    expect(Array.from(readIdx(path).data)).toEqual([7, 2, 1]);
    const plainNamedGz = join(dir, 'plain.gz');
    await writeIdx(plainNamedGz, { dtype: 'u8', shape: [1], data: [9] }, { gzip: false });
    expect(Array.from(readIdx(plainNamedGz).data)).toEqual([9]);
  });
});

describe('IDX errors', () => {
  it('rejects a wrong magic number', () => {
    const path = join(dir, 'bad-magic');
    writeFileSync(path, Uint8Array.from([1, 2, 8, 1, 0, 0, 0, 0]));
    expect(() => readIdx(path)).toThrow(FileFormatError);
    expect(() => readIdx(path)).toThrow(`file ${path}: not an IDX file (bad magic number); expected magic bytes 00 00 <type code> <ndim>, found 01 02 08 01`);
  });

  it('rejects an unknown type code', () => {
    expect(() => parseIdx(Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 0]), 'x.idx')).toThrow(
      'file x.idx: unknown IDX data type code; expected 0x08 (u8), 0x09 (i8), 0x0B (i16), 0x0C (i32), 0x0D (f32) or 0x0E (f64), found 0x07',
    );
  });

  it('rejects a file shorter than its header says', () => {
    const path = join(dir, 'train-images-idx3-ubyte');
    const header = encodeIdx({ dtype: 'u8', shape: [60000, 28, 28], data: new Uint8Array(60000 * 784) }).subarray(0, 1000);
    writeFileSync(path, header);
    expect(() => readIdx(path)).toThrow(
      `file ${path}: truncated IDX file; expected 47040016 bytes (header says 60000×28×28 u8), found 1000`,
    );
    writeFileSync(`${path}.gz`, gzipSync(header));
    expect(() => readIdx(`${path}.gz`)).toThrow(`found 1000 (after gunzip)`);
  });

  it('rejects trailing bytes', () => {
    const bytes = new Uint8Array(23);
    bytes.set(encodeIdx({ dtype: 'f32', shape: [3], data: [1, 2, 3] }));
    expect(() => parseIdx(bytes, 'y.idx')).toThrow('file y.idx: IDX file has trailing bytes after the data; expected 20 bytes (header says 3 f32), found 23');
  });

  it('rejects a truncated header and a truncated gzip stream', () => {
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0]), 'h')).toThrow('file h: truncated IDX header; expected 16 header bytes for 3 dimensions, found 6');
    const path = join(dir, 'cut.gz');
    const gz = gzipSync(encodeIdx({ dtype: 'u8', shape: [100], data: new Uint8Array(100).fill(3) }));
    writeFileSync(path, gz.subarray(0, gz.length - 6));
    expect(() => readIdx(path)).toThrow(`file ${path}: corrupt or truncated gzip data`);
  });

  it('stops inflating a gzip bomb at the size the IDX header promises', () => {
    // A valid 10-byte IDX header and data followed by 64 MiB of zeros: ~64 KiB of gzip.
    const bomb = new Uint8Array(8 + 10 + 64 * 2 ** 20);
    bomb.set(encodeIdx({ dtype: 'u8', shape: [10], data: new Uint8Array(10) }));
    const path = join(dir, 'bomb.gz');
    writeFileSync(path, gzipSync(bomb));
    const before = process.memoryUsage().arrayBuffers;
    expect(() => readIdx(path)).toThrow(
      `file ${path}: gzip data inflates past the size its header promises; expected 18 bytes after gunzip, as its header promises, found more than 18 bytes`,
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 2 ** 20);
  });

  it('reports a bad header inside gzip data without inflating the rest', () => {
    const junk = new Uint8Array(64 * 2 ** 20).fill(0xab);
    const path = join(dir, 'junk.gz');
    writeFileSync(path, gzipSync(junk));
    expect(() => readIdx(path)).toThrow(`file ${path}: not an IDX file (bad magic number); expected magic bytes 00 00 <type code> <ndim>, found ab ab ab ab`);
  });

  it('refuses a header that promises more than the size limit', () => {
    const path = join(dir, 'huge.gz');
    writeFileSync(path, gzipSync(Uint8Array.from([0, 0, 0x0e, 2, 0, 1, 0, 0, 0, 1, 0, 0])));
    expect(() => readIdx(path)).toThrow(`file ${path}: file too large; expected at most 1073741824 bytes after gunzip, found a header that promises 34359738380 bytes`);
    const plain = join(dir, 'plain-big');
    writeFileSync(plain, new Uint8Array(100));
    expect(() => readMaybeGzip(plain, { maxBytes: 99 })).toThrow(`file ${plain}: file too large; expected at most 99 bytes, found 100 bytes`);
  });

  it('computes the byte length an IDX header promises', () => {
    expect(idxPromisedBytes(encodeIdx({ dtype: 'f32', shape: [2, 3], data: new Float32Array(6) }))).toBe(12 + 24);
    expect(idxPromisedBytes(Uint8Array.from([0, 0, 8, 2, 0, 0]))).toBeUndefined();
    expect(idxPromisedBytes(Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 1]))).toBeUndefined();
  });

  it('names a missing file', () => {
    const path = join(dir, 'nope');
    expect(() => readIdx(path)).toThrow(`file ${path}: file not found; expected a readable file, found no such file`);
  });

  it('validates what it writes', async () => {
    expect(() => encodeIdx({ dtype: 'u8', shape: [2], data: [1, 256] })).toThrow(ValidationError);
    expect(() => encodeIdx({ dtype: 'u8', shape: [2], data: [1, 256] })).toThrow('field data[1]: value out of range for u8; expected an integer in [0, 255], found 256');
    expect(() => encodeIdx({ dtype: 'i16', shape: [1], data: [1.5] })).toThrow('expected an integer in [-32768, 32767], found 1.5');
    expect(() => encodeIdx({ dtype: 'u8', shape: [2, 2], data: [1, 2, 3] })).toThrow(ShapeError);
    expect(() => encodeIdx({ dtype: 'u16' as IdxDtype, shape: [1], data: [1] })).toThrow('field dtype: unknown IDX dtype');
    expect(() => encodeIdx({ dtype: 'u8', shape: [], data: [] })).toThrow('field shape: invalid IDX shape; expected 1 to 255 dimensions, found []');
    const missing = join(dir, 'missing-dir', 'x');
    await expect(writeIdx(missing, { dtype: 'u8', shape: [1], data: [1] })).rejects.toThrow(FileFormatError);
    await expect(writeIdx(missing, { dtype: 'u8', shape: [1], data: [1] })).rejects.toThrow(`file ${missing}: cannot write file (ENOENT)`);
    await expect(writeIdx(join(dir, 'v'), { dtype: 'u8', shape: [1], data: [-1] })).rejects.toThrow(ValidationError);
  });
});
