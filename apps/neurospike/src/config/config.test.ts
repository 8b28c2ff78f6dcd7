import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configPath, runApp, tempDir } from '../testing/harness.js';
import { loadNeuroSpikeConfig } from './load.js';

function writeConfig(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('config', () => {
  it('fills every default (the seed project settings)', async () => {
    const config = await loadNeuroSpikeConfig(undefined);
    expect(config.model).toEqual({
      input_size: 784,
      hidden_size: 256,
      output_size: 10,
      num_steps: 100,
      beta: 0.95,
      threshold: 1,
      reset: 'subtract',
      num_hidden_layers: 1,
      residual: false,
      surrogate: { name: 'atan' },
    });
    expect(config.training.batch_size).toBe(32);
    expect(config.training.learning_rate).toBe(0.001);
    expect(config.encoding.type).toBe('rate');
    expect(config.seed).toBe(0);
  });

  it('loads every shipped config', async () => {
    for (const name of ['default', 'seed', 'quick', 'tutorial5', 'tiny']) {
      const config = await loadNeuroSpikeConfig(configPath(name));
      expect(config.model.input_size).toBe(784);
    }
    // seed.yaml: the seed project's settings, which are the schema's defaults, with its 100 epochs.
    const seed = await loadNeuroSpikeConfig(configPath('seed'));
    const defaults = await loadNeuroSpikeConfig(undefined);
    expect({ ...seed, training: { ...seed.training, epochs: 1 }, workers: defaults.workers }).toEqual(defaults);
    expect(seed.training.epochs).toBe(100);
    const t5 = await loadNeuroSpikeConfig(configPath('tutorial5'));
    expect([t5.model.hidden_size, t5.model.num_steps, t5.training.batch_size, t5.training.learning_rate, t5.training.loss]).toEqual([1000, 25, 128, 5e-4, 'membrane_ce']);
    const d = await loadNeuroSpikeConfig(configPath('default'));
    expect(d.training.scheduler).toMatchObject({ type: 'cosine', t_max: d.training.epochs });
  });

  it('resolves the cosine t_max to the number of epochs when absent', async () => {
    const config = await loadNeuroSpikeConfig(undefined, { 'training.scheduler.type': 'cosine', 'training.epochs': 4 });
    expect(config.training.scheduler.t_max).toBe(4);
  });

  it('reports a typo, beta 1.5, negative steps and hidden size 0 field by field', async () => {
    const dir = tempDir();
    const file = writeConfig(dir, 'bad.yaml', 'model:\n  hiden_size: 128\n  beta: 1.5\n  num_steps: -5\n');
    const run = await runApp(['train', '--config', file, '--runs-dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      [
        `error: file ${file}, field model.num_steps: expected an integer in [1, 10000], found -5`,
        `error: file ${file}, field model.beta: expected a number in [0, 1], found 1.5`,
        `error: file ${file}, field model.hiden_size: unknown key "hiden_size" in model; did you mean "hidden_size"?`,
        '',
      ].join('\n'),
    );
    const zero = writeConfig(dir, 'zero.json', JSON.stringify({ model: { hidden_size: 0 } }));
    const run0 = await runApp(['train', '--config', zero, '--runs-dir', dir]);
    expect(run0.code).toBe(2);
    expect(run0.stderr).toBe(`error: file ${zero}, field model.hidden_size: expected an integer in [1, 16384], found 0\n`);
  });

  it('names the command line for bad overrides and checks cross-field rules', async () => {
    const dir = tempDir();
    const run = await runApp(['train', '--set', 'model.beta=1.5', '--set', 'training.scheduler.type=cosin', '--runs-dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: command line, field model.beta: expected a number in [0, 1], found 1.5');
    expect(run.stderr).toContain(
      'error: command line, field training.scheduler.type: expected one of "none", "step", "cosine", "plateau", found "cosin"; did you mean "cosine"?',
    );
    const residual = await runApp(['train', '--residual', '--runs-dir', dir]);
    expect(residual.stderr).toBe(
      'error: command line, field model.residual: expected false when num_hidden_layers < 2 (a residual skip joins two hidden layers of equal width), found true\n',
    );
    const surrogate = writeConfig(dir, 's.yaml', 'model:\n  surrogate:\n    name: fast_sigmoid\n    alpha: 2\n');
    const s = await runApp(['train', '--config', surrogate, '--runs-dir', dir]);
    expect(s.stderr).toBe(`error: file ${surrogate}, field model.surrogate.alpha: expected no alpha for surrogate fast_sigmoid (alpha belongs to atan), found 2\n`);
    const epochs = await runApp(['train', '--epochs', '0', '--runs-dir', dir]);
    expect(epochs.code).toBe(2);
    expect(epochs.stderr).toContain('--epochs must be a positive integer, found "0"');
  });
});
