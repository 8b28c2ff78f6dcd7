import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '@snn/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import { createManifest, updateManifest, writeManifest } from '../run-dir/manifest.js';
import { MetricsLog } from '../run-dir/metrics-log.js';
import { writeResolvedConfig } from '../run-dir/resolved-config.js';
import { checkpointPath, createRunDir, type RunDir } from '../run-dir/run-dir.js';
import { assertSameArchitecture, compareConfigs, findLastCheckpoint, prepareResume } from './resume.js';

const versions = { node: 'v20.0.0', platform: 'linux', arch: 'x64', packages: {} };
const saved = {
  model: { hidden_size: 256, beta: 0.95, layers: [784, 256, 10], residual: false },
  encoding: { kind: 'rate', num_steps: 100 },
  training: { epochs: 3, lr: 5e-4 },
};
const architecture = ['model', 'encoding.num_steps'];

let run: RunDir;
beforeEach(async () => {
  const root = await mkdtemp(join(tmpdir(), 'snn-cli-resume-'));
  run = await createRunDir({ root, app: 'neurospike', name: 'r1' });
  await writeResolvedConfig(run.path, saved);
  await writeManifest(run.path, createManifest({ app: 'neurospike', name: 'r1', versions, argv: [] }));
});

describe('compareConfigs', () => {
  it('lists each differing leaf with both values', () => {
    const requested = {
      model: { hidden_size: 128, beta: 0.95, layers: [784, 128, 10], residual: true },
      encoding: { kind: 'latency', num_steps: 50 },
      training: { epochs: 10, lr: 1e-3 },
    };
    expect(compareConfigs(saved, requested, architecture)).toEqual([
      { field: 'model.hidden_size', saved: 256, requested: 128 },
      { field: 'model.layers', saved: [784, 256, 10], requested: [784, 128, 10] },
      { field: 'model.residual', saved: false, requested: true },
      { field: 'encoding.num_steps', saved: 100, requested: 50 },
    ]);
    expect(compareConfigs(saved, { ...saved, training: { epochs: 10, lr: 1 } }, architecture)).toEqual([]);
  });

  it('reports fields present on one side only', () => {
    expect(compareConfigs({ model: { a: 1 } }, { model: { a: 1, b: 2 } }, ['model'])).toEqual([
      { field: 'model.b', saved: undefined, requested: 2 },
    ]);
  });

  it('throws a ConfigError naming each field with saved vs requested', () => {
    let caught: unknown;
    try {
      assertSameArchitecture(saved, { ...saved, model: { ...saved.model, hidden_size: 128 }, encoding: { kind: 'rate' } }, architecture, 'runs/neurospike/r1/config.yaml');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message.split('\n')).toEqual([
      'file runs/neurospike/r1/config.yaml, field model.hidden_size: cannot resume with a different value; saved 256, requested 128',
      'file runs/neurospike/r1/config.yaml, field encoding.num_steps: cannot resume with a different value; saved 100, requested nothing',
    ]);
  });
});

describe('prepareResume', () => {
  it('finds the last checkpoint and the epoch from the manifest', async () => {
    expect(await findLastCheckpoint(run.path)).toBeUndefined();
    await writeFile(checkpointPath(run.path, 'last'), 'weights');
    await updateManifest(run.path, {
      lastCheckpoint: { file: 'checkpoints/last.safetensors', epoch: 2, step: 938, savedAt: '2025-03-01T10:00:00.000Z' },
    });
    const state = await prepareResume(run.path, { ...saved, training: { epochs: 5, lr: 5e-4 } }, architecture);
    expect(state.checkpoint).toBe(join(run.checkpointsDir, 'last.safetensors'));
    expect(state.epoch).toBe(2);
    expect(state.step).toBe(938);
    expect(state.savedConfig).toEqual(saved);
    expect(state.manifest.name).toBe('r1');
  });

  it('falls back to the metrics log for the epoch, dropping a truncated line', async () => {
    await writeFile(checkpointPath(run.path, 'last'), 'weights');
    const metrics = await MetricsLog.open(run.path);
    metrics.append({ epoch: 1, loss: 0.5 });
    metrics.append({ epoch: 2, loss: 0.4 });
    await writeFile(metrics.file, '{"epoch":1,"loss":0.5}\n{"epoch":2,"loss":0.4}\n{"epoch":3,"lo');
    const warnings: string[] = [];
    const state = await prepareResume(run.path, saved, architecture, { warn: (m) => warnings.push(m) });
    expect(state.epoch).toBe(2);
    expect(state.step).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  it('refuses a different architecture before looking for weights', async () => {
    await expect(prepareResume(run.path, { ...saved, model: { ...saved.model, beta: 0.9 } }, architecture)).rejects.toThrow(
      `file ${join(run.path, 'config.yaml')}, field model.beta: cannot resume with a different value; saved 0.95, requested 0.9`,
    );
  });

  it('refuses a run without a last checkpoint or without a known epoch', async () => {
    await expect(prepareResume(run.path, saved, architecture)).rejects.toBeInstanceOf(CheckpointError);
    await expect(prepareResume(run.path, saved, architecture)).rejects.toThrow(
      `file ${run.checkpointsDir}: no checkpoint to resume from; expected last.safetensors, found none`,
    );
    await writeFile(checkpointPath(run.path, 'last'), 'weights');
    await expect(prepareResume(run.path, saved, architecture)).rejects.toThrow(
      'cannot tell which epoch the last checkpoint belongs to',
    );
  });
});
