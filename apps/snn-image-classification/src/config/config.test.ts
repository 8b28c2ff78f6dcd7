import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configPath, runApp, tempDir } from '../testing/harness.js';
import { loadConfig } from './load.js';

function writeConfig(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('config', () => {
  it('fills every default (the seed model: ALIF, 128 hidden, MNIST, batch 256; learned decays, cosine over 6 epochs)', async () => {
    const config = await loadConfig(undefined);
    expect(config.dataset).toBe('mnist');
    expect(config.model).toEqual({
      neuron: 'alif',
      hidden_size: 128,
      recurrent: false,
      learn_beta: true,
      num_steps: 25,
      dt_ms: 1,
      tau_mem_ms: 20,
      tau_adapt_ms: 200,
      adapt_strength: 1,
      tau_out_ms: 20,
      threshold: 1,
      readout: 'max',
      surrogate: { name: 'fast_sigmoid' },
    });
    expect(config.encoding).toEqual({ periodic: false, gain: 1, min_period: 1 });
    expect([config.training.epochs, config.training.batch_size, config.training.validation_fraction, config.training.lr_schedule]).toEqual([6, 256, 0.1, 'cosine']);
    expect(config.seed).toBe(0);
  });

  it('loads every shipped config; default.yaml equals the built-in defaults', async () => {
    expect(await loadConfig(configPath('default'))).toEqual(await loadConfig(undefined));
    const fashion = await loadConfig(configPath('fashion'));
    expect([fashion.dataset, fashion.model.neuron, fashion.model.hidden_size, fashion.training.epochs]).toEqual(['fashion-mnist', 'alif', 128, 20]);
    const tiny = await loadConfig(configPath('tiny'));
    expect([tiny.model.hidden_size, tiny.model.num_steps, tiny.training.data_prop, tiny.seed]).toEqual([16, 8, 0.005, 7]);
  });

  it("seed.yaml holds the seed project's settings (README example run and the code's defaults)", async () => {
    const seed = await loadConfig(configPath('seed'));
    expect(seed.dataset).toBe('mnist');
    expect(seed.model).toMatchObject({ neuron: 'alif', hidden_size: 128, recurrent: true, learn_beta: false, num_steps: 100, dt_ms: 1, tau_mem_ms: 20, tau_adapt_ms: 200, adapt_strength: 1.6, tau_out_ms: 10, threshold: 0.03, readout: 'max' });
    expect(seed.model.surrogate).toEqual({ name: 'fast_sigmoid', slope: 0.3 });
    expect(seed.encoding).toMatchObject({ periodic: true, gain: 1 });
    expect(seed.training).toMatchObject({ epochs: 30, batch_size: 256, learning_rate: 0.001, lr_schedule: 'constant', beta1: 0.9, beta2: 0.999, weight_decay: 1e-5, validation_fraction: 0.15, data_prop: 1 });
  });

  it('names the valid layer types and surrogates for an unknown one', async () => {
    const dir = tempDir();
    const run = await runApp(['train', '--neuron', 'gif', '--surrogate', 'fast-sigmoid', '--runs-dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      [
        'error: command line, field model.neuron: expected one of "lif", "alif", found "gif"; did you mean "lif"?',
        'error: command line, field model.surrogate.name: expected one of "fast_sigmoid", "atan", "sigmoid", "straight_through", found "fast-sigmoid"; did you mean "fast_sigmoid"?',
        '',
      ].join('\n'),
    );
  });

  it('reports typos, bad values and cross-field rules field by field, naming the file', async () => {
    const dir = tempDir();
    const file = writeConfig(dir, 'bad.yaml', 'dataset: cifar10\nmodel:\n  hiden_size: 64\n  num_steps: 0\nencoding:\n  min_period: 5\n  max_period: 3\n');
    const run = await runApp(['train', '--config', file, '--runs-dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error: file ${file}, field dataset: expected one of "mnist", "fashion-mnist", found "cifar10"`);
    expect(run.stderr).toContain(`error: file ${file}, field model.num_steps: expected an integer in [1, 10000], found 0`);
    expect(run.stderr).toContain(`error: file ${file}, field model.hiden_size: unknown key "hiden_size" in model; did you mean "hidden_size"?`);
    const period = writeConfig(dir, 'period.yaml', 'encoding:\n  min_period: 5\n  max_period: 3\n');
    const p = await runApp(['train', '--config', period, '--runs-dir', dir]);
    expect(p.stderr).toBe(`error: file ${period}, field encoding.max_period: expected an integer >= encoding.min_period (5), found 3\n`);
    const alpha = await runApp(['train', '--set', 'model.surrogate.alpha=2', '--runs-dir', dir]);
    expect(alpha.stderr).toBe('error: command line, field model.surrogate.alpha: expected no alpha for surrogate fast_sigmoid (alpha belongs to atan), found 2\n');
    const epochs = await runApp(['train', '--epochs', '0', '--runs-dir', dir]);
    expect(epochs.code).toBe(2);
    expect(epochs.stderr).toContain('--epochs must be a positive integer, found "0"');
    const both = await runApp(['train', '--resume', '--force-overwrite', '--runs-dir', dir]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--resume and --force-overwrite cannot be used together');
  });

  it('maps the flags onto the config', async () => {
    const { trainOverrides } = await import('../commands/train.js');
    const config = await loadConfig(configPath('default'), trainOverrides({ dataset: 'fashion-mnist', neuron: 'lif', hidden: 64, recurrent: true, periodic: true, learnBeta: true, epochs: 3, batchSize: 64, lr: 0.01, surrogate: 'atan', set: ['model.tau_mem_ms=10'] }, 5));
    expect([config.dataset, config.model.neuron, config.model.hidden_size, config.model.recurrent, config.encoding.periodic, config.model.learn_beta]).toEqual(['fashion-mnist', 'lif', 64, true, true, true]);
    expect([config.training.epochs, config.training.batch_size, config.training.learning_rate, config.model.surrogate.name, config.model.tau_mem_ms, config.seed]).toEqual([3, 64, 0.01, 'atan', 10, 5]);
  });
});
