import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { configPath, tempDir } from '../testing/paths.js';
import { PARAMS_HASH_LENGTH, canonicalJson, paramsHash, runParams } from './params.js';
import { PARAMS_FILE, REPLACED_DIR, discardReplaced, openHashRun, writeRunParams } from './run-dir.js';

describe('parameters hash', () => {
  it('is canonical: key order and undefined fields do not matter', () => {
    expect(canonicalJson({ b: 1, a: { d: true, c: null, e: undefined } })).toBe('{"a":{"c":null,"d":true},"b":1}');
    expect(canonicalJson({ a: [3, { y: 1, x: 2 }] })).toBe('{"a":[3,{"x":2,"y":1}]}');
  });

  it('is stable, pinned, and ignores workers (and epochs under a constant schedule) only', async () => {
    const base = await loadConfig(configPath('default'));
    const hash = paramsHash(runParams(base));
    expect(hash).toMatch(new RegExp(`^[0-9a-f]{${PARAMS_HASH_LENGTH}}$`));
    expect(hash).toBe(paramsHash(runParams(await loadConfig(undefined))));
    expect(paramsHash(runParams(await loadConfig(configPath('default'), { workers: 2 })))).toBe(hash);
    // The cosine schedule sets every epoch's rate from the total, so epochs is part of the hash.
    expect(paramsHash(runParams(await loadConfig(configPath('default'), { 'training.epochs': 30 })))).not.toBe(hash);
    for (const [path, value] of [
      ['model.neuron', 'lif'],
      ['model.hidden_size', 64],
      ['model.recurrent', true],
      ['encoding.periodic', true],
      ['model.learn_beta', false],
      ['dataset', 'fashion-mnist'],
      ['training.learning_rate', 0.001],
      ['training.lr_schedule', 'constant'],
      ['seed', 1],
    ] as const) {
      expect(paramsHash(runParams(await loadConfig(configPath('default'), { [path]: value }))), path).not.toBe(hash);
    }
    expect(hash).toBe('7acd31dcac3a');
  });

  it('keeps the hash of runs made before lr_schedule existed: constant drops the field and epochs', async () => {
    const constant = { 'model.learn_beta': false, 'training.lr_schedule': 'constant' } as const;
    const params = runParams(await loadConfig(configPath('default'), { ...constant, 'training.epochs': 15 }));
    expect(params.training).not.toHaveProperty('lr_schedule');
    expect(params.training).not.toHaveProperty('epochs');
    expect(paramsHash(params)).toBe(paramsHash(runParams(await loadConfig(configPath('default'), { ...constant, 'training.epochs': 30 }))));
    // The hash of the seed-settings run (learn_beta false, constant lr) made before the field was added.
    expect(paramsHash(params)).toBe('d302866f82b1');
  });
});

describe('hash run directories', () => {
  it('opens new, refuses other parameters, resumes with a checkpoint, and overwrites without deleting first', async () => {
    const runsDir = tempDir();
    const params = runParams(await loadConfig(configPath('tiny')));
    const fresh = await openHashRun({ runsDir, params, resume: 'auto', forceOverwrite: false });
    expect(fresh).toMatchObject({ mode: 'new', resumed: false, replacedDir: null, name: paramsHash(params) });
    expect(fresh.path).toBe(join(runsDir, 'snn-image-classification', paramsHash(params)));
    await writeRunParams(fresh.path, params);
    expect(JSON.parse(readFileSync(join(fresh.path, PARAMS_FILE), 'utf8'))).toEqual(JSON.parse(canonicalJson(params)));

    // No checkpoint yet: an interrupted run starts again (overwrite), and --resume is refused.
    await expect(openHashRun({ runsDir, params, resume: 'require', forceOverwrite: false })).rejects.toThrow(
      `file ${fresh.path}: no run to resume for these parameters; expected a run directory with checkpoints/last.safetensors, found no checkpoints/last.safetensors`,
    );

    writeFileSync(join(fresh.path, 'checkpoints', 'last.safetensors'), 'old');
    const resumed = await openHashRun({ runsDir, params, resume: 'auto', forceOverwrite: false });
    expect(resumed).toMatchObject({ mode: 'resume', resumed: true });

    const over = await openHashRun({ runsDir, params, resume: 'auto', forceOverwrite: true });
    expect(over.mode).toBe('overwrite');
    expect(over.replacedDir).toBe(join(fresh.path, REPLACED_DIR));
    expect(readFileSync(join(fresh.path, REPLACED_DIR, 'checkpoints', 'last.safetensors'), 'utf8')).toBe('old');
    expect(existsSync(join(fresh.path, 'checkpoints', 'last.safetensors'))).toBe(false);
    await discardReplaced(over);
    expect(existsSync(join(fresh.path, REPLACED_DIR))).toBe(false);

    // Edited params.json (or a hash collision): refused, naming the field and both values.
    await writeRunParams(fresh.path, { ...params, model: { ...params.model, hidden_size: 99 } });
    await expect(openHashRun({ runsDir, params, resume: 'auto', forceOverwrite: true })).rejects.toThrow(
      `file ${join(fresh.path, PARAMS_FILE)}, field model.hidden_size: the run directory holds a run of other parameters; saved 99, requested 16 (move the directory away to train these parameters)`,
    );

    // Killed while being created (run files, no params.json, no checkpoint): recoverable, overwritten.
    const killed = join(runsDir, 'snn-image-classification', paramsHash({ ...params, seed: 98 }));
    mkdirSync(join(killed, 'logs'), { recursive: true });
    writeFileSync(join(killed, 'manifest.json'), '{}');
    writeFileSync(join(killed, 'config.yaml.tmp-4194999-0123456789ab'), 'seed: 9');
    const recovered = await openHashRun({ runsDir, params: { ...params, seed: 98 }, resume: 'auto', forceOverwrite: false });
    expect(recovered.mode).toBe('overwrite');
    expect(JSON.parse(readFileSync(join(killed, PARAMS_FILE), 'utf8')).seed).toBe(98);
    expect(existsSync(join(killed, REPLACED_DIR, 'config.yaml.tmp-4194999-0123456789ab'))).toBe(false);

    // A non-empty directory without params.json is not taken over.
    const other = join(runsDir, 'snn-image-classification', paramsHash({ ...params, seed: 99 }));
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'notes.txt'), 'x');
    await expect(openHashRun({ runsDir, params: { ...params, seed: 99 }, resume: 'auto', forceOverwrite: false })).rejects.toThrow(
      'the directory holds no params.json, so it is not a run of snn-image-classification',
    );
  });
});
