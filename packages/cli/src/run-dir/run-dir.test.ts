import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, Rng, ValidationError } from '@snn/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../command/usage-error.js';
import { readResolvedConfig, writeResolvedConfig } from './resolved-config.js';
import { REPLACED_DIR, checkpointPath, createRunDir, defaultRunName, discardReplaced, findLatestRun, openRunPath, restoreReplaced } from './run-dir.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'snn-cli-runs-'));
});

describe('defaultRunName', () => {
  it('stamps UTC time and a seeded random suffix', () => {
    const now = new Date(Date.UTC(2025, 2, 1, 14, 22, 33));
    const a = defaultRunName(now, new Rng(7));
    expect(a).toMatch(/^20250301-142233-[0-9a-f]{6}$/);
    expect(defaultRunName(now, new Rng(7))).toBe(a);
    expect(defaultRunName(now, new Rng(8))).not.toBe(a);
    expect(defaultRunName(now)).toMatch(/^20250301-142233-[0-9a-f]{6}$/);
  });
});

describe('createRunDir', () => {
  it('creates runs/<app>/<name>/ with checkpoints, logs and figs', async () => {
    const run = await createRunDir({ root, app: 'neurospike', name: 'first' });
    expect(run.path).toBe(join(root, 'neurospike', 'first'));
    expect(run.resumed).toBe(false);
    expect((await readdir(run.path)).sort()).toEqual(['checkpoints', 'figs', 'logs']);
    expect((await stat(run.checkpointsDir)).isDirectory()).toBe(true);
    expect(run.logsDir).toBe(join(run.path, 'logs'));
    expect(run.figsDir).toBe(join(run.path, 'figs'));
  });

  it('names a run from the clock and the injected RNG by default', async () => {
    const now = new Date(Date.UTC(2024, 11, 31, 23, 59, 59));
    const run = await createRunDir({ root, app: 'neurospike', now, rng: new Rng(1) });
    expect(run.name).toBe(defaultRunName(now, new Rng(1)));
    expect(run.name.startsWith('20241231-235959-')).toBe(true);
  });

  it('accepts an existing empty directory', async () => {
    await mkdir(join(root, 'app', 'empty'), { recursive: true });
    const run = await createRunDir({ root, app: 'app', name: 'empty' });
    expect((await readdir(run.path)).length).toBe(3);
  });

  it('refuses to overwrite a non-empty run directory, naming it', async () => {
    const run = await createRunDir({ root, app: 'app', name: 'r1' });
    await writeFile(join(run.path, 'manifest.json'), '{}');
    const attempt = createRunDir({ root, app: 'app', name: 'r1' });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(createRunDir({ root, app: 'app', name: 'r1' })).rejects.toThrow(
      `run directory ${run.path} already exists and is not empty; choose another name, pass --resume to continue it, or --force to overwrite it`,
    );
    expect(await readFile(join(run.path, 'manifest.json'), 'utf8')).toBe('{}');
  });

  it('with force, moves the old run aside: deleted once the new run has a checkpoint, put back if it fails first', async () => {
    const run = await createRunDir({ root, app: 'app', name: 'r1' });
    await writeFile(join(run.checkpointsDir, 'last.safetensors'), 'old');
    const again = await createRunDir({ root, app: 'app', name: 'r1', force: true });
    expect(again.path).toBe(run.path);
    expect(await readdir(again.checkpointsDir)).toEqual([]);
    expect(again.replacedDir).toBe(join(run.path, REPLACED_DIR));
    expect(await readFile(join(run.path, REPLACED_DIR, 'checkpoints', 'last.safetensors'), 'utf8')).toBe('old');
    // The new run fails before saving anything: the old run comes back as it was.
    await writeFile(join(again.path, 'manifest.json'), '{"new":true}');
    await restoreReplaced(again);
    expect((await readdir(run.path)).sort()).toEqual(['checkpoints', 'figs', 'logs']);
    expect(await readFile(join(run.checkpointsDir, 'last.safetensors'), 'utf8')).toBe('old');
    // A replacement killed before its first checkpoint leaves REPLACED_DIR: the next --force keeps that older run.
    const third = await createRunDir({ root, app: 'app', name: 'r1', force: true });
    await writeFile(join(third.path, 'manifest.json'), '{"unfinished":true}');
    const fourth = await createRunDir({ root, app: 'app', name: 'r1', force: true });
    expect(await readFile(join(run.path, REPLACED_DIR, 'checkpoints', 'last.safetensors'), 'utf8')).toBe('old');
    expect(existsSync(join(run.path, 'manifest.json'))).toBe(false);
    await discardReplaced(fourth);
    expect(existsSync(join(run.path, REPLACED_DIR))).toBe(false);
  });

  it('openRunPath refuses an existing run at an explicit path without force', async () => {
    const path = join(root, 'explicit');
    await openRunPath(path, { app: 'app' });
    await writeFile(join(path, 'checkpoints', 'last.safetensors'), 'old');
    await expect(openRunPath(path, { app: 'app' })).rejects.toThrow(`run directory ${path} already exists and is not empty`);
    expect(await readFile(join(path, 'checkpoints', 'last.safetensors'), 'utf8')).toBe('old');
  });

  it('removes temporary files of dead writers on open, and keeps those of live ones', async () => {
    const run = await createRunDir({ root, app: 'app', name: 'tmp' });
    const dead = join(run.checkpointsDir, 'last.safetensors.tmp-4194999-0123456789ab');
    const live = join(run.path, `manifest.json.tmp-${process.pid}-0123456789ab`);
    await writeFile(dead, 'partial');
    await writeFile(live, 'being written');
    await createRunDir({ root, app: 'app', name: 'tmp', resume: true });
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it('reopens an existing run with resume, and the latest one without a name', async () => {
    for (const [name, startTime] of [
      ['old', '2025-01-01T00:00:00.000Z'],
      ['new', '2025-02-01T00:00:00.000Z'],
    ] as const) {
      const run = await createRunDir({ root, app: 'app', name });
      await writeFile(join(run.path, 'manifest.json'), JSON.stringify({ startTime }));
      await writeFile(join(run.checkpointsDir, 'last.safetensors'), name);
    }
    const named = await createRunDir({ root, app: 'app', name: 'old', resume: true });
    expect(named.resumed).toBe(true);
    expect(await readFile(join(named.checkpointsDir, 'last.safetensors'), 'utf8')).toBe('old');
    expect(await findLatestRun(root, 'app')).toBe('new');
    const latest = await createRunDir({ root, app: 'app', resume: true });
    expect(latest.name).toBe('new');
  });

  it('fails to resume a run that does not exist', async () => {
    await expect(createRunDir({ root, app: 'app', name: 'nope', resume: true })).rejects.toBeInstanceOf(CheckpointError);
    await expect(createRunDir({ root, app: 'app', name: 'nope', resume: true })).rejects.toThrow(
      `file ${join(root, 'app', 'nope')}: no run to resume; expected an existing run directory, found nothing`,
    );
    await expect(createRunDir({ root, app: 'app', resume: true })).rejects.toThrow('no run to resume');
  });

  it('rejects resume with force, and unsafe names', async () => {
    await expect(createRunDir({ root, app: 'app', name: 'x', resume: true, force: true })).rejects.toThrow(
      '--resume and --force cannot be used together',
    );
    await expect(createRunDir({ root, app: 'app', name: '../escape' })).rejects.toBeInstanceOf(ValidationError);
    await expect(createRunDir({ root, app: 'a/b' })).rejects.toThrow('field app: invalid app name');
  });
});

describe('resolved config and checkpoint paths', () => {
  it('round-trips the resolved config as YAML', async () => {
    const run = await createRunDir({ root, app: 'app', name: 'cfg' });
    const config = { model: { hidden_size: 256, beta: 0.95, layers: [784, 256, 10] }, encoding: { kind: 'rate' } };
    const path = await writeResolvedConfig(run.path, config);
    expect(path).toBe(join(run.path, 'config.yaml'));
    const text = await readFile(path, 'utf8');
    expect(text).toContain('hidden_size: 256');
    expect(await readResolvedConfig(run.path)).toEqual(config);
    await expect(readResolvedConfig(join(root, 'none'))).rejects.toThrow('the run has no saved config');
  });

  it('names checkpoints', () => {
    expect(checkpointPath('runs/a/b', 'last')).toBe(join('runs/a/b', 'checkpoints', 'last.safetensors'));
    expect(checkpointPath('runs/a/b', 'best')).toBe(join('runs/a/b', 'checkpoints', 'best.safetensors'));
    expect(checkpointPath('runs/a/b', 3)).toBe(join('runs/a/b', 'checkpoints', 'epoch-0003.safetensors'));
    expect(() => checkpointPath('runs/a/b', -1)).toThrow('field epoch: invalid epoch for a checkpoint name');
  });
});
