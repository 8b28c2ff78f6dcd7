import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FileFormatError } from '@snn/core';

/**
 * Writes `chunks` to `path` atomically: into a temporary file next to it,
 * fsync, then rename over the target. A reader sees either the old file or
 * the complete new one, never a half-written file.
 *
 * Internal to this package; `@snn/core` will own the shared version.
 * @throws FileFormatError when the file cannot be written (missing directory, permissions, full disk)
 */
export function writeFileAtomic(path: string, chunks: readonly Uint8Array[]): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx');
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.length) written += writeSync(fd, chunk, written, chunk.length - written);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw new FileFormatError('cannot write file', {
      file: path,
      expected: 'a writable path in an existing directory',
      found: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
  fsyncDirectory(dirname(path));
}

/** Flushes the directory entry after a rename where the platform allows it. */
function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
