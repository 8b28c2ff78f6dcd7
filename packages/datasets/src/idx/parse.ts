import { FileFormatError } from '@snn/core';
import { DTYPE_CODES_TEXT, type IdxArray, dtypeFromCode, hexByte } from './dtype.js';

/** True when `bytes` starts with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Byte length an IDX file's header promises (header + values), or `undefined` when
 * `head` does not start with a valid, complete IDX header.
 * @param head - the first bytes of the file (1024 suffice for any number of dimensions)
 */
export function idxPromisedBytes(head: Uint8Array): number | undefined {
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0 || head[3] === 0) return undefined;
  const info = dtypeFromCode(head[2]);
  if (!info) return undefined;
  const headerBytes = 4 + 4 * head[3];
  if (head.length < headerBytes) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let count = 1;
  for (let d = 0; d < head[3]; d++) count *= view.getUint32(4 + 4 * d, false);
  return headerBytes + count * info.bytes;
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

export function decodeIdx(bytes: Uint8Array, file: string | undefined, gzipped: boolean): IdxArray {
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
