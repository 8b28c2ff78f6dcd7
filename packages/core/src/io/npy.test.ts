import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFormatError, ShapeError } from '../errors/errors.js';
import { tensor } from '../tensor/tensor.js';
import { decodeNpy, encodeNpy } from './npy.js';
import { loadNpy, saveNpy } from './npy-file.js';

const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

/** A hand-made .npy file: magic, version, header length, header padded to 64 bytes, data. */
function npyFile(header: string, data: number[], major = 1): Uint8Array {
  const lengthBytes = major === 1 ? 2 : 4;
  const unpadded = 8 + lengthBytes + header.length + 1;
  const text = `${header}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const length = major === 1 ? [text.length & 0xff, text.length >> 8] : [text.length & 0xff, text.length >> 8, 0, 0];
  return Uint8Array.from([0x93, ...ascii('NUMPY'), major, 0, ...length, ...ascii(text), ...data]);
}

const F32_0_TO_5 = [0, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40, 0, 0, 0xa0, 0x40];

describe('encodeNpy', () => {
  it('writes a 2x3 float32 array byte for byte as the NumPy format spec (and np.save) lays it out', () => {
    // Header dict, then NumPy's 20 spaces of room for the first axis to grow (21 digits minus "2"),
    // then 38 spaces of padding and "\n" so that magic + version + length + header = 128 bytes (2 × 64).
    const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }${' '.repeat(58)}\n`;
    expect(header.length).toBe(118);
    const expected = Uint8Array.from([
      0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, // \x93NUMPY
      0x01, 0x00, // version 1.0
      0x76, 0x00, // header length 118, little-endian uint16
      ...ascii(header),
      ...F32_0_TO_5, // 0, 1, 2, 3, 4, 5 as little-endian float32
    ]);
    const bytes = encodeNpy(tensor([0, 1, 2, 3, 4, 5], [2, 3]));
    expect(bytes.length).toBe(152);
    expect((10 + 118) % 64).toBe(0);
    expect(Array.from(bytes)).toEqual(Array.from(expected));
  });

  it('writes 1-D, 0-D and empty shapes as Python tuples', () => {
    const header = (bytes: Uint8Array): string => new TextDecoder().decode(bytes.subarray(10, 10 + bytes[8])).trimEnd();
    expect(header(encodeNpy({ data: new Float64Array(3), shape: [3] }))).toBe("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }");
    expect(header(encodeNpy({ data: Int32Array.of(7), shape: [] }))).toBe("{'descr': '<i4', 'fortran_order': False, 'shape': (), }");
    expect(header(encodeNpy({ data: new Uint8Array(0), shape: [0] }))).toBe("{'descr': '|u1', 'fortran_order': False, 'shape': (0,), }");
  });

  it('refuses data that does not match the shape', () => {
    expect(() => encodeNpy({ data: new Float32Array(5), shape: [2, 3] })).toThrow(ShapeError);
    expect(() => encodeNpy({ data: new Float32Array(5), shape: [2, 3] })).toThrow(
      'field array: data length does not match shape; expected 6 values for shape [2, 3], found 5',
    );
  });
});

describe('decodeNpy', () => {
  it('round-trips float32, float64, int32 and uint8 arrays', () => {
    const cases = [
      { data: Float32Array.of(1.5, -2, 3.25, 0), shape: [2, 2] },
      { data: Float64Array.of(0.1, 1e300), shape: [2] },
      { data: Int32Array.of(-5, 2147483647, 0, 1, 2, 3), shape: [3, 1, 2] },
      { data: Uint8Array.of(0, 255, 7), shape: [3] },
      { data: Float32Array.of(9), shape: [] },
      { data: new Float32Array(0), shape: [0, 4] },
    ];
    for (const array of cases) {
      const back = decodeNpy(encodeNpy(array), 'x.npy', { keepFloat64: true });
      expect(back.shape).toEqual(array.shape);
      expect(back.data.constructor).toBe(array.data.constructor);
      expect(Array.from(back.data)).toEqual(Array.from(array.data));
    }
  });

  it('returns 64-bit floats as Float32Array unless asked to keep them', () => {
    const bytes = encodeNpy({ data: Float64Array.of(0.1, 2), shape: [2] });
    const narrow = decodeNpy(bytes);
    expect(narrow.dtype).toBe('<f8');
    expect(narrow.data).toBeInstanceOf(Float32Array);
    expect(Array.from(narrow.data)).toEqual([Math.fround(0.1), 2]);
    expect(decodeNpy(bytes, undefined, { keepFloat64: true }).data).toEqual(Float64Array.of(0.1, 2));
  });

  it('reads int64 (NumPy’s default integer) into an Int32Array and refuses values that do not fit', () => {
    const i8 = (values: bigint[]): number[] => Array.from(new Uint8Array(BigInt64Array.from(values).buffer));
    const labels = decodeNpy(npyFile("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", i8([1n, -2n, 9n])), 'y.npy');
    expect(labels.dtype).toBe('<i8');
    expect(labels.data).toEqual(Int32Array.of(1, -2, 9));
    expect(() => decodeNpy(npyFile("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", i8([1n, 1n << 40n])), 'y.npy')).toThrow(
      'file y.npy, field data[1]: int64 value does not fit in an Int32Array; expected values in [-2147483648, 2147483647], found 1099511627776',
    );
  });

  it('reads bool arrays and format versions 2.0 and 3.0', () => {
    const bools = decodeNpy(npyFile("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", [1, 0, 1]));
    expect([bools.dtype, Array.from(bools.data)]).toEqual(['|b1', [1, 0, 1]]);
    for (const major of [2, 3]) {
      const v = decodeNpy(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", F32_0_TO_5, major));
      expect(v.shape).toEqual([2, 3]);
      expect(Array.from(v.data)).toEqual([0, 1, 2, 3, 4, 5]);
    }
  });

  it('refuses a file without the magic', () => {
    const bytes = Uint8Array.from(ascii('hello world, not numpy'));
    expect(() => decodeNpy(bytes, 'a.npy')).toThrow(FileFormatError);
    expect(() => decodeNpy(bytes, 'a.npy')).toThrow('file a.npy: not a .npy file (bad magic); expected the magic bytes \\x93NUMPY, found "\\x68\\x65\\x6c\\x6c\\x6f\\x20"');
  });

  it('refuses unsupported dtypes, naming the dtype found and the supported ones', () => {
    for (const [descr, found] of [
      ["'>f4'", "'>f4'"],
      ["'<c8'", "'<c8'"],
      ["'|O'", "'|O'"],
      ["[('a', '<f4')]", "[['a', '<f4']]"],
    ]) {
      const bytes = npyFile(`{'descr': ${descr}, 'fortran_order': False, 'shape': (1,), }`, [0, 0, 0, 0]);
      expect(() => decodeNpy(bytes, 'b.npy')).toThrow(
        `file b.npy, field descr: unsupported .npy dtype; expected one of <f4, <f8, <i4, <i8, |u1, |b1, found ${found}`,
      );
    }
  });

  it('refuses Fortran-order arrays', () => {
    const bytes = npyFile("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", F32_0_TO_5);
    expect(() => decodeNpy(bytes, 'c.npy')).toThrow(
      'file c.npy, field fortran_order: Fortran-order .npy arrays are not supported; expected False (C order; save with np.ascontiguousarray), found True',
    );
  });

  it('refuses a header whose shape needs more bytes than the file holds (and a file with extra bytes)', () => {
    const lying = npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 3), }", F32_0_TO_5);
    expect(() => decodeNpy(lying, 'd.npy')).toThrow('file d.npy: .npy data size does not match its header; expected 36 bytes of data for shape (3, 3) of <f4, found 24 bytes');
    const extra = npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", F32_0_TO_5);
    expect(() => decodeNpy(extra, 'd.npy')).toThrow('file d.npy: .npy data size does not match its header; expected 20 bytes of data for shape (5,) of <f4, found 24 bytes');
  });

  it('refuses a header that is not a dict, not a literal, or lacks a key', () => {
    expect(() => decodeNpy(npyFile("['descr', '<f4']", []), 'e.npy')).toThrow(
      `file e.npy, field header: .npy header is not a dict; expected a dict like {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }, found "['descr', '<f4']"`,
    );
    expect(() => decodeNpy(npyFile("{'descr': <f4}", []), 'e.npy')).toThrow(
      `file e.npy, field header: .npy header is not a Python literal (unexpected "<" at 10); expected a dict like {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }, found "{'descr': <f4}"`,
    );
    expect(() => decodeNpy(npyFile("{'descr': '<f4', 'shape': (1,)}", [0, 0, 0, 0]), 'e.npy')).toThrow(
      `file e.npy, field header: .npy header lacks 'fortran_order'; expected keys 'descr', 'fortran_order' and 'shape', found "{'descr': '<f4', 'shape': (1,)}"`,
    );
  });

  it('refuses a truncated header and an unknown version', () => {
    const full = encodeNpy(tensor([1, 2], [2]));
    expect(() => decodeNpy(full.subarray(0, 40), 'f.npy')).toThrow('file f.npy: truncated .npy header; expected 128 bytes of magic, version and header, found 40 bytes');
    const v9 = full.slice();
    v9[6] = 9;
    expect(() => decodeNpy(v9, 'f.npy')).toThrow('file f.npy: unsupported .npy format version; expected 1.0, 2.0 or 3.0, found 9.0');
  });
});

describe('saveNpy / loadNpy', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'snn-npy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trip through a file written atomically', async () => {
    const path = join(dir, 'w.npy');
    await saveNpy(path, tensor([1, 2, 3, 4, 5, 6], [3, 2]));
    await saveNpy(path, tensor([6, 5, 4, 3, 2, 1], [2, 3]));
    const back = await loadNpy(path);
    expect([back.dtype, back.shape, Array.from(back.data)]).toEqual(['<f4', [2, 3], [6, 5, 4, 3, 2, 1]]);
    expect(await readdir(dir)).toEqual(['w.npy']);
  });

  it('name a missing file', async () => {
    const path = join(dir, 'missing.npy');
    await expect(loadNpy(path)).rejects.toThrow(FileFormatError);
    await expect(loadNpy(path)).rejects.toThrow(`file ${path}: file not found`);
  });
});
