import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend, FileFormatError } from '@snn/core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createManifest,
  finishManifest,
  readManifest,
  timePhase,
  updateManifest,
  writeManifest,
} from './manifest.js';
import { collectVersions } from './versions.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snn-cli-manifest-'));
});

const versions = { node: 'v20.0.0', platform: 'linux', arch: 'x64', packages: { '@snn/core': '0.1.0' } };

function fixedClock(...isoTimes: string[]): () => Date {
  let i = 0;
  return () => new Date(isoTimes[Math.min(i++, isoTimes.length - 1)]);
}

describe('run manifest', () => {
  it('records app, name, command, seed, backend, versions and start time', async () => {
    const backend = { name: 'webasm', kernelClass: 'WebAssemblyKernel', requested: 'auto', kernel: () => 0 };
    const manifest = createManifest({
      app: 'neurospike',
      name: 'r1',
      argv: ['node', 'neurospike', 'train', '--epochs', '3'],
      cwd: '/work',
      seed: 42,
      backend,
      versions,
      now: new Date('2025-03-01T10:00:00.000Z'),
    });
    const path = await writeManifest(dir, manifest);
    expect(path).toBe(join(dir, 'manifest.json'));
    const json = JSON.parse(await readFile(path, 'utf8'));
    expect(json).toEqual({
      formatVersion: 1,
      app: 'neurospike',
      name: 'r1',
      command: ['node', 'neurospike', 'train', '--epochs', '3'],
      cwd: '/work',
      seed: 42,
      backend: { name: 'webasm', kernelClass: 'WebAssemblyKernel', requested: 'auto' },
      versions,
      status: 'running',
      startTime: '2025-03-01T10:00:00.000Z',
      resumedAt: [],
      endTime: null,
      durationMs: null,
      phases: {},
      metrics: {},
      lastCheckpoint: null,
      error: null,
    });
    expect(await readManifest(dir)).toEqual(json);
  });

  it('keeps name, kernel class, request and reason of a core Backend', async () => {
    const backend = await createBackend('js');
    try {
      const manifest = createManifest({ app: 'a', name: 'b', versions, argv: [], backend });
      const expected = { name: 'js', kernelClass: null, requested: 'js', reason: backend.reason };
      expect(manifest.backend).toEqual(expected);
      expect(backend.reason).toMatch(/^requested js/);
      await writeManifest(dir, manifest);
      expect((await readManifest(dir)).backend).toEqual(expected);
    } finally {
      await backend.destroy();
    }
  });

  it('merges metrics and phases on update and replaces other fields', async () => {
    await writeManifest(dir, createManifest({ app: 'a', name: 'b', versions, argv: [] }));
    await updateManifest(dir, { metrics: { trainLoss: 0.5, acc: Number.NaN } });
    await updateManifest(dir, {
      metrics: { testAccuracy: 0.981 },
      backend: { name: 'js', kernelClass: null },
      lastCheckpoint: { file: 'checkpoints/last.safetensors', epoch: 2, savedAt: '2025-03-01T10:05:00.000Z' },
      resumedAt: ['2025-03-01T11:00:00.000Z'],
    });
    const m = await readManifest(dir);
    expect(m.metrics).toEqual({ trainLoss: 0.5, acc: null, testAccuracy: 0.981 });
    expect(m.backend).toEqual({ name: 'js', kernelClass: null });
    expect(m.lastCheckpoint?.epoch).toBe(2);
    expect(m.resumedAt).toEqual(['2025-03-01T11:00:00.000Z']);
  });

  it('times phases, summing repeated runs, even when the phase throws', async () => {
    await writeManifest(dir, createManifest({ app: 'a', name: 'b', versions, argv: [] }));
    const result = await timePhase(dir, 'train', async () => 7, fixedClock('2025-03-01T10:00:00.000Z', '2025-03-01T10:00:01.500Z'));
    expect(result).toBe(7);
    await expect(
      timePhase(
        dir,
        'train',
        () => {
          throw new Error('boom');
        },
        fixedClock('2025-03-01T10:01:00.000Z', '2025-03-01T10:01:00.250Z'),
      ),
    ).rejects.toThrow('boom');
    const m = await readManifest(dir);
    expect(m.phases.train).toEqual({
      startTime: '2025-03-01T10:00:00.000Z',
      endTime: '2025-03-01T10:01:00.250Z',
      durationMs: 1750,
      count: 2,
    });
  });

  it('finishes a run with status, end time, duration, metrics and error', async () => {
    await writeManifest(
      dir,
      createManifest({ app: 'a', name: 'b', versions, argv: [], now: new Date('2025-03-01T10:00:00.000Z') }),
    );
    const done = await finishManifest(dir, { metrics: { testAccuracy: 0.97 }, now: new Date('2025-03-01T10:02:03.000Z') });
    expect(done.status).toBe('completed');
    expect(done.endTime).toBe('2025-03-01T10:02:03.000Z');
    expect(done.durationMs).toBe(123000);
    expect(done.metrics).toEqual({ testAccuracy: 0.97 });
    const failed = await finishManifest(dir, { error: new Error('NaN loss'), now: new Date('2025-03-01T10:03:00.000Z') });
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('NaN loss');
  });

  it('writes atomically: no temporary files are left and readers never see a partial file', async () => {
    await writeManifest(dir, createManifest({ app: 'a', name: 'b', versions, argv: [] }));
    const big = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`metric${i}`, i / 7]));
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const text = await readFile(join(dir, 'manifest.json'), 'utf8');
        JSON.parse(text); // throws on a half-written file
        reads++;
      }
    })();
    for (let i = 0; i < 20; i++) await updateManifest(dir, { metrics: { ...big, step: i } });
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect((await readManifest(dir)).metrics.step).toBe(19);
    expect(await readdir(dir)).toEqual(['manifest.json']);
  });

  it('rejects a missing, corrupt or incomplete manifest', async () => {
    await expect(readManifest(dir)).rejects.toThrow(`file ${join(dir, 'manifest.json')}: run manifest not found`);
    await writeFile(join(dir, 'manifest.json'), '{"formatVersion": 1, "app": "a"');
    await expect(readManifest(dir)).rejects.toBeInstanceOf(FileFormatError);
    await expect(readManifest(dir)).rejects.toThrow('corrupt run manifest; expected JSON');
    const { seed: _seed, ...noSeed } = createManifest({ app: 'a', name: 'b', versions, argv: [] });
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(noSeed));
    await expect(readManifest(dir)).rejects.toThrow(
      `file ${join(dir, 'manifest.json')}, field seed: invalid run manifest; expected a number`,
    );
  });
});

describe('collectVersions', () => {
  it('reads the installed @snn package versions, node version and platform', () => {
    const here = new URL('.', import.meta.url);
    const cliPkg = JSON.parse(readFileSync(new URL('../../package.json', here), 'utf8'));
    const corePkg = JSON.parse(readFileSync(new URL('../../node_modules/@snn/core/package.json', here), 'utf8'));
    const info = collectVersions({ from: [import.meta.url] });
    expect(info.node).toBe(process.version);
    expect(info.platform).toBe(process.platform);
    expect(info.arch).toBe(process.arch);
    expect(info.packages['@snn/cli']).toBe(cliPkg.version);
    expect(info.packages['@snn/core']).toBe(corePkg.version);
    expect(Object.keys(info.packages).every((name) => name.startsWith('@snn/'))).toBe(true);
    expect(collectVersions({ from: [import.meta.url], scope: '@nothing-here' }).packages).toEqual({});
  });
});
