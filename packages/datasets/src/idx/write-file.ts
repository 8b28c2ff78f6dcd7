import { gzipSync } from 'node:zlib';
import { writeFileAtomic } from '@snn/core/node';
import { encodeIdx, type IdxInput, type WriteIdxOptions } from './write.js';

/**
 * Writes an array as an IDX file, optionally gzip-compressed, atomically
 * (core's `writeFileAtomic`: temporary file, fsync, rename), so a reader never
 * sees a partial file.
 *
 * @param path - target file; its directory must exist
 * @param array - dtype, shape and row-major values
 * @param options - `gzip` (default: true when `path` ends with `.gz`)
 * @throws ValidationError or ShapeError for bad input (see {@link encodeIdx})
 * @throws FileFormatError when the file cannot be written
 *
 * @example
 * ```ts
 * await writeIdx('labels-idx1-ubyte.gz', { dtype: 'u8', shape: [3], data: [7, 2, 1] });
 * readIdx('labels-idx1-ubyte.gz').data; // Uint8Array [7, 2, 1]
 * ```
 */
export async function writeIdx(path: string, array: IdxInput, options: WriteIdxOptions = {}): Promise<void> {
  const bytes = encodeIdx(array);
  const gzip = options.gzip ?? path.endsWith('.gz');
  await writeFileAtomic(path, gzip ? gzipSync(bytes) : bytes);
}
