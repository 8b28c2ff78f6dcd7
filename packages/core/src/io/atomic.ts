import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FileFormatError } from '../errors/errors.js';

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /**
   * Called after the temporary file is written and flushed to disk and before
   * it is renamed over the target; for tests that simulate a crash at that
   * point (throw, or kill the process). Receives the temporary file's path.
   */
  readonly beforeRename?: (tempPath: string) => void | Promise<void>;
}

/** The temporary name {@link writeFileAtomic} writes to first: `<path>.tmp-<pid>-<random hex>`. */
export function atomicTempPath(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** fsync a directory so that a rename in it survives a power cut; a no-op where directories cannot be opened (Windows). */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Writes a file so that readers see either the old content or the whole new
 * content, never a half-written file, even if the process dies midway.
 *
 * @remarks
 * Writes `<path>.tmp-<pid>-<random>` in the same directory, fsyncs it,
 * renames it over `path` (atomic on POSIX file systems), then fsyncs the
 * directory. On failure the temporary file is removed. A process killed
 * before the rename leaves only that temporary file, whose name never ends in
 * the target's extension, beside the untouched previous file.
 *
 * @param path - the file to write or replace
 * @param bytes - the new content
 * @param options - a hook for crash tests
 * @throws `FileFormatError` naming the file when it cannot be written (e.g. a missing directory);
 * an error thrown by `beforeRename` is rethrown as is
 * @example
 * ```ts
 * await writeFileAtomic('run/manifest.json', JSON.stringify(manifest));
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = atomicTempPath(path);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx');
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    if (options.beforeRename) await options.beforeRename(temp);
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException)?.code;
    if (typeof code === 'string' && error instanceof Error && 'syscall' in error) {
      throw new FileFormatError(`cannot write file (${code})`, { file: path, cause: error });
    }
    throw error;
  }
  await syncDirectory(dirname(resolve(path)));
}
