import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFormatError } from '../errors/errors.js';
import { writeFileAtomic } from './atomic.js';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'snn-atomic-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes and replaces a file, leaving nothing else behind', async () => {
    const path = join(dir, 'a.json');
    await writeFileAtomic(path, '{"v":1}');
    await writeFileAtomic(path, Uint8Array.from([0x7b, 0x7d]));
    expect(await readFile(path, 'utf8')).toBe('{}');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('writes a temporary file <path>.tmp-<pid>-<hex> in the same directory before renaming it', async () => {
    const path = join(dir, 'b.bin');
    let seen = '';
    await writeFileAtomic(path, 'new', {
      beforeRename: async (temp) => {
        seen = temp;
        expect(await readFile(temp, 'utf8')).toBe('new');
      },
    });
    expect(dirname(seen)).toBe(dir);
    expect(basename(seen)).toMatch(new RegExp(`^b\\.bin\\.tmp-${process.pid}-[0-9a-f]{12}$`));
    expect(await readFile(path, 'utf8')).toBe('new');
  });

  it('keeps the old file and removes the temporary one when interrupted before the rename', async () => {
    const path = join(dir, 'c.txt');
    await writeFile(path, 'old');
    const crash = new Error('simulated crash');
    await expect(
      writeFileAtomic(path, 'new', {
        beforeRename: () => {
          throw crash;
        },
      }),
    ).rejects.toBe(crash);
    expect(await readFile(path, 'utf8')).toBe('old');
    expect((await readdir(dir)).filter((f) => f.startsWith('c.txt'))).toEqual(['c.txt']);
  });

  it('names the file it cannot write', async () => {
    const path = join(dir, 'no-such-dir', 'd.txt');
    await expect(writeFileAtomic(path, 'x')).rejects.toThrow(FileFormatError);
    await expect(writeFileAtomic(path, 'x')).rejects.toThrow(`file ${path}: cannot write file (ENOENT)`);
  });
});
