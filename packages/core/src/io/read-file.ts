import { readFileSync, statSync, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { type ErrorDetails, FileFormatError, type SnnError } from '../errors/errors.js';

/** Largest file {@link readFileBounded} reads when not told otherwise: 2 GiB, the largest typed array Node allocates cheaply. */
export const MAX_FILE_BYTES = 2 ** 31;

/** A project error class (a subclass of `SnnError`), for options that choose which one a function throws. */
export interface SnnErrorClass {
  /** Makes the error from its one-line summary and its details (file/field, expected, found). */
  new (summary: string, details: ErrorDetails): SnnError;
}

/** Options of {@link readFileBounded} and {@link readFileBoundedSync}. */
export interface ReadFileBoundedOptions {
  /** Largest size in bytes read; a larger file is refused before it is read. Default {@link MAX_FILE_BYTES}. */
  readonly maxBytes?: number;
  /** What the file is, for the messages: `'checkpoint'` gives "checkpoint not found". Default `'file'`. */
  readonly what?: string;
  /** What a good file is, for the messages' "expected" part. Default `'a readable file'`. */
  readonly expected?: string;
  /** The error class thrown. Default `FileFormatError`. */
  readonly errorClass?: SnnErrorClass;
}

/**
 * Reads a whole file after checking that it exists, is a regular file and is at most `maxBytes` long, so
 * that a wrong path or a huge file gives a typed error naming the file instead of exhausting memory.
 * @param path - the file
 * @param options - size limit and the words used in errors
 * @returns the file's bytes
 * @throws `FileFormatError` (or `options.errorClass`) naming the file when it is missing, not a regular file, too large or unreadable
 * @example
 * ```ts
 * const bytes = await readFileBounded('weights.npy', { maxBytes: 64 * 2 ** 20 });
 * ```
 */
export async function readFileBounded(path: string, options: ReadFileBoundedOptions = {}): Promise<Uint8Array> {
  try {
    checkStats(path, await stat(path), options);
    return await readFile(path);
  } catch (error) {
    throw readFailure(path, error, options);
  }
}

/**
 * The synchronous form of {@link readFileBounded}, for readers whose API is synchronous.
 * @param path - the file
 * @param options - size limit and the words used in errors
 * @returns the file's bytes
 * @throws `FileFormatError` (or `options.errorClass`) naming the file when it is missing, not a regular file, too large or unreadable
 */
export function readFileBoundedSync(path: string, options: ReadFileBoundedOptions = {}): Uint8Array {
  try {
    checkStats(path, statSync(path), options);
    return readFileSync(path);
  } catch (error) {
    throw readFailure(path, error, options);
  }
}

function checkStats(path: string, stats: Stats, options: ReadFileBoundedOptions): void {
  const what = options.what ?? 'file';
  if (!stats.isFile()) {
    throw failure(options, `${what} is not a regular file`, path, stats.isDirectory() ? 'a directory' : 'not a regular file');
  }
  const maxBytes = options.maxBytes ?? MAX_FILE_BYTES;
  if (stats.size > maxBytes) {
    throw failure(options, `${what} too large`, path, `${stats.size} bytes`, `at most ${maxBytes} bytes`);
  }
}

function readFailure(path: string, error: unknown, options: ReadFileBoundedOptions): SnnError {
  const ErrorClass = options.errorClass ?? FileFormatError;
  if (error instanceof ErrorClass) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const what = options.what ?? 'file';
  if (code === 'ENOENT') return failure(options, `${what} not found`, path, 'no such file', undefined, error);
  return failure(options, `cannot read ${what}`, path, code ?? (error instanceof Error ? error.message : String(error)), undefined, error);
}

function failure(options: ReadFileBoundedOptions, message: string, file: string, found: string, expected?: string, cause?: unknown): SnnError {
  const ErrorClass = options.errorClass ?? FileFormatError;
  return new ErrorClass(message, {
    file,
    expected: expected ?? options.expected ?? 'a readable file',
    found,
    ...(cause === undefined ? {} : { cause }),
  });
}
