import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { FileFormatError } from '@snn/core';
import { readFileBoundedSync } from '@snn/core/node';
import type { IdxArray } from './dtype.js';
import { decodeIdx, idxPromisedBytes, isGzip } from './parse.js';


/** Largest file {@link readMaybeGzip} and {@link readIdx} read by default, after gunzip: 1 GiB (MNIST's training images are 47 MB). */
export const MAX_READ_BYTES = 2 ** 30;

/** Compressed bytes inflated to look at the start of a gzip stream (a few MiB of output at most). */
const PEEK_STEPS = [4096, 65536];

/** Options of {@link readMaybeGzip}. */
export interface ReadMaybeGzipOptions {
  /**
   * Size in bytes the data promises, read from its first bytes (e.g. an IDX header), or
   * `undefined` when these bytes say nothing valid. Gzip data is inflated no further than this
   * promise (plus one byte, to see that more follows); without it, no further than `maxBytes`.
   */
  readonly promisedBytes?: (head: Uint8Array) => number | undefined;
  /** Bytes needed by `promisedBytes` (default 1024). */
  readonly headBytes?: number;
  /** Hard cap on the plain size in bytes (default `MAX_READ_BYTES` (1 GiB)). */
  readonly maxBytes?: number;
}

function corruptGzip(path: string, error: unknown): FileFormatError {
  return new FileFormatError('corrupt or truncated gzip data', {
    file: path,
    expected: 'a complete gzip stream',
    found: error instanceof Error ? error.message : String(error),
    cause: error,
  });
}

/** Inflates a prefix of a gzip stream until `want` plain bytes are out or the prefix steps run out. */
function peekGunzip(raw: Uint8Array, want: number, path: string): Buffer {
  let out = Buffer.alloc(0);
  for (const step of PEEK_STEPS) {
    const prefix = raw.subarray(0, Math.min(step, raw.length));
    try {
      out = gunzipSync(prefix, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch (error) {
      throw corruptGzip(path, error);
    }
    if (out.length >= want || prefix.length === raw.length) break;
  }
  return out;
}

/**
 * Reads a whole file, gunzipping it when it starts with the gzip magic bytes
 * (`1f 8b`), whatever its extension.
 *
 * @remarks
 * Memory stays bounded by what the data promises, not by what a hostile file
 * inflates to: a plain file larger than `maxBytes` is refused before reading;
 * gzip data is first inflated just far enough to read its header (via
 * `promisedBytes`), then inflated with a limit of the promised size + 1 byte,
 * so a small "gzip bomb" fails fast with a FileFormatError.
 *
 * @param path - the file
 * @param options - the size promise of the data inside and a hard cap
 * @throws FileFormatError when the file cannot be read, is too large, or its gzip data is corrupt, truncated or longer than promised
 */
export function readMaybeGzip(path: string, options: ReadMaybeGzipOptions = {}): { bytes: Uint8Array; gzipped: boolean } {
  const maxBytes = options.maxBytes ?? MAX_READ_BYTES;
  const plain = readFileBoundedSync(path, { maxBytes });
  if (!isGzip(plain)) return { bytes: plain, gzipped: false };
  let limit = maxBytes;
  let promise = `at most ${maxBytes} bytes after gunzip (the reader's limit)`;
  if (options.promisedBytes) {
    const head = peekGunzip(plain, options.headBytes ?? 1024, path);
    const promised = options.promisedBytes(new Uint8Array(head.buffer, head.byteOffset, head.byteLength));
    // Data whose head promises nothing valid is decoded from the head alone: its reader then says what is wrong.
    if (promised === undefined) return { bytes: new Uint8Array(head.buffer, head.byteOffset, head.byteLength), gzipped: true };
    if (promised > maxBytes) {
      throw new FileFormatError('file too large', { file: path, expected: `at most ${maxBytes} bytes after gunzip`, found: `a header that promises ${promised} bytes` });
    }
    limit = promised;
    promise = `${promised} bytes after gunzip, as its header promises`;
  }
  let out: Buffer;
  try {
    out = gunzipSync(plain, { maxOutputLength: limit + 1 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new FileFormatError('gzip data inflates past the size its header promises', { file: path, expected: promise, found: `more than ${limit} bytes`, cause: error });
    }
    throw corruptGzip(path, error);
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
 * Gzip data is inflated no further than the size the IDX header promises,
 * and no file over `maxBytes` (default `MAX_READ_BYTES` (1 GiB)) is read.
 *
 * @param path - the `.idx`/`-ubyte` file, optionally gzip-compressed
 * @param options - `maxBytes`, the largest plain size accepted
 * @returns dtype, shape and row-major data
 * @throws FileFormatError naming the file, what was expected and found
 *
 * @example
 * ```ts
 * const { dtype, shape, data } = readIdx('data/t10k-labels-idx1-ubyte.gz');
 * // dtype 'u8', shape [10000], data: Uint8Array
 * ```
 */
export function readIdx(path: string, options: { readonly maxBytes?: number } = {}): IdxArray {
  const { bytes, gzipped } = readMaybeGzip(path, { promisedBytes: idxPromisedBytes, maxBytes: options.maxBytes });
  return decodeIdx(bytes, path, gzipped);
}

