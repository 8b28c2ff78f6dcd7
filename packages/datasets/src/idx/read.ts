import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { FileFormatError } from '@snn/core';
import { DTYPE_CODES_TEXT, type IdxArray, dtypeFromCode, hexByte } from './dtype.js';

/** True when `bytes` starts with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads a whole file, gunzipping it when it starts with the gzip magic bytes
 * (`1f 8b`), whatever its extension.
 * @throws FileFormatError when the file cannot be read or its gzip data is corrupt or truncated
 */
export function readMaybeGzip(path: string): { bytes: Uint8Array; gzipped: boolean } {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(code === 'ENOENT' ? 'file not found' : 'cannot read file', {
      file: path,
      expected: 'a readable file',
      found: code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
  const plain = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  if (!isGzip(plain)) return { bytes: plain, gzipped: false };
  let out: Buffer;
  try {
    out = gunzipSync(raw);
  } catch (error) {
    throw new FileFormatError('corrupt or truncated gzip data', {
      file: path,
      expected: 'a complete gzip stream',
      found: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
  return { bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), gzipped: true };
}

/**
 * Reads an IDX file (the format of the MNIST distribution), plain or gzip-compressed.
 *
 * @remarks
 * Layout: magic number `00 00 <type code> <ndim>`, then `ndim` big-endian
 * u32 dimensions, then the values row-major, big-endian. Gzip is detected by
 * the magic bytes `1f 8b`, not by the file name. The file must be exactly as
 * long as its header says: a shorter file is "truncated", a longer one has
 * "trailing bytes"; both are errors. u8 and i8 data are views into the file
 * buffer (no copy); wider types are decoded into a new typed array.
 *
 * @param path - the `.idx`/`-ubyte` file, optionally gzip-compressed
 * @returns dtype, shape and row-major data
 * @throws FileFormatError naming the file, what was expected and found
 *
 * @example
 * ```ts
 * const { dtype, shape, data } = readIdx('data/t10k-labels-idx1-ubyte.gz');
 * // dtype 'u8', shape [10000], data: Uint8Array
 * ```
 */
export function readIdx(path: string): IdxArray {
  const { bytes, gzipped } = readMaybeGzip(path);
  return decodeIdx(bytes, path, gzipped);
}

/**
 * Decodes IDX bytes already in memory (not gzip-compressed).
 * @param bytes - the whole IDX file
 * @param file - file name used in error messages (optional)
 * @throws FileFormatError on a bad magic number, unknown type code, or a length that disagrees with the header
 */
export function parseIdx(bytes: Uint8Array, file?: string): IdxArray {
  return decodeIdx(bytes, file, false);
}

function decodeIdx(bytes: Uint8Array, file: string | undefined, gzipped: boolean): IdxArray {
  const found = (n: number) => (gzipped ? `${n} (after gunzip)` : String(n));
  if (bytes.length < 4) {
    throw new FileFormatError('truncated IDX file', {
      file,
      expected: 'at least 4 bytes (magic number)',
      found: found(bytes.length),
    });
  }
  const magicHex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new FileFormatError('not an IDX file (bad magic number)', {
      file,
      expected: 'magic bytes 00 00 <type code> <ndim>',
      found: magicHex,
    });
  }
  const info = dtypeFromCode(bytes[2]);
  if (!info) {
    throw new FileFormatError('unknown IDX data type code', { file, expected: DTYPE_CODES_TEXT, found: hexByte(bytes[2]) });
  }
  const ndim = bytes[3];
  if (ndim === 0) {
    throw new FileFormatError('IDX file has no dimensions', { file, expected: '1 to 255 dimensions in magic byte 4', found: '0' });
  }
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new FileFormatError('truncated IDX header', {
      file,
      expected: `${headerBytes} header bytes for ${ndim} dimensions`,
      found: found(bytes.length),
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < ndim; d++) {
    const dim = view.getUint32(4 + 4 * d, false);
    shape.push(dim);
    count *= dim;
  }
  const expectedBytes = headerBytes + count * info.bytes;
  const headerSays = `(header says ${shape.join('×')} ${info.dtype})`;
  if (bytes.length < expectedBytes) {
    throw new FileFormatError('truncated IDX file', {
      file,
      expected: `${expectedBytes} bytes ${headerSays}`,
      found: found(bytes.length),
    });
  }
  if (bytes.length > expectedBytes) {
    throw new FileFormatError('IDX file has trailing bytes after the data', {
      file,
      expected: `${expectedBytes} bytes ${headerSays}`,
      found: found(bytes.length),
    });
  }
  const start = bytes.byteOffset + headerBytes;
  if (info.dtype === 'u8') return { dtype: 'u8', shape, data: new Uint8Array(bytes.buffer, start, count) };
  if (info.dtype === 'i8') return { dtype: 'i8', shape, data: new Int8Array(bytes.buffer, start, count) };
  const data = info.create(count);
  for (let i = 0, o = headerBytes; i < count; i++, o += info.bytes) data[i] = info.read(view, o);
  return { dtype: info.dtype, shape, data };
}
