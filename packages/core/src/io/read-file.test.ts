import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, FileFormatError } from '../errors/errors.js';
import { readFileBounded, readFileBoundedSync } from './read-file.js';

describe('readFileBounded / readFileBoundedSync', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'snn-read-'));
    await writeFile(join(dir, 'ten.bin'), new Uint8Array(10).fill(7));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the bytes of a file within the limit', async () => {
    const path = join(dir, 'ten.bin');
    expect(Array.from(await readFileBounded(path, { maxBytes: 10 }))).toEqual(new Array(10).fill(7));
    expect(readFileBoundedSync(path, { maxBytes: 10 }).length).toBe(10);
  });

  it('refuses a file over the limit before reading it, naming both sizes', async () => {
    const path = join(dir, 'ten.bin');
    const message = `file ${path}: file too large; expected at most 9 bytes, found 10 bytes`;
    await expect(readFileBounded(path, { maxBytes: 9 })).rejects.toThrow(message);
    expect(() => readFileBoundedSync(path, { maxBytes: 9 })).toThrow(FileFormatError);
    expect(() => readFileBoundedSync(path, { maxBytes: 9 })).toThrow(message);
  });

  it('names a missing file and a directory in the words and error class asked for', async () => {
    const missing = join(dir, 'none.ckpt');
    await expect(readFileBounded(missing, { what: 'checkpoint', expected: 'a checkpoint', errorClass: CheckpointError })).rejects.toThrow(
      new CheckpointError('checkpoint not found', { file: missing, expected: 'a checkpoint', found: 'no such file' }),
    );
    expect(() => readFileBoundedSync(dir)).toThrow(`file ${dir}: file is not a regular file; expected a readable file, found a directory`);
  });
});
