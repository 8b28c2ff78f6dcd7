import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, createApp, parseConfig, readConfigFile, runCli } from '@snn/cli';
import { NumericError, ValidationError } from '@snn/core';
import { saveNpy } from '@snn/core/node';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { AppIo } from '../app/io.js';
import { addDiehlCookCommands } from '../diehl-cook/commands.js';
import { checkUpdateInterval, diehlCookSettings } from '../diehl-cook/config.js';
import { checkInitialWeights } from '../diehl-cook/initial-weights.js';
import { defaultConnectionOptions, generateConnections } from '../random-connections/generate.js';
import { loadDiehlCookConfig } from '../diehl-cook/config-file.js';
import { cnnSchema, gradientSchema, memoryEstimates, mlpSchema, stdpSchema } from './schemas.js';

const CONFIGS = join(import.meta.dirname, '..', '..', 'configs');

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('no error');
}

function configMessage(schema: z.ZodType, config: unknown): string {
  const message = messageOf(() => parseConfig(config, schema, { file: 'c.yaml' }));
  expect(() => parseConfig(config, schema)).toThrow(ConfigError);
  return message;
}

describe('size limits of the configs', () => {
  it('bounds every size-like field, naming it', () => {
    expect(configMessage(gradientSchema, { model: { hidden_size: 1e9 } })).toBe('file c.yaml, field model.hidden_size: expected an integer in [1, 16384], found 1000000000');
    expect(configMessage(gradientSchema, { model: { num_steps: 1e9 } })).toBe('file c.yaml, field model.num_steps: expected an integer in [1, 10000], found 1000000000');
    expect(configMessage(stdpSchema, { model: { num_steps: 1e9 } })).toBe('file c.yaml, field model.num_steps: expected an integer in [1, 10000], found 1000000000');
    expect(configMessage(mlpSchema, { training: { batch_size: 1e9 } })).toBe('file c.yaml, field training.batch_size: expected an integer in [1, 60000], found 1000000000');
    expect(configMessage(cnnSchema, { model: { conv2_filters: 1e6 } })).toBe('file c.yaml, field model.conv2_filters: expected an integer in [1, 1024], found 1000000');
    expect(configMessage(stdpSchema, { model: { hidden_size: 8 }, training: { stdp_winners: 9 } })).toBe(
      'file c.yaml, field training.stdp_winners: expected at most model.hidden_size (8) winners, found 9',
    );
  });

  it('refuses settings within the bounds that exceed the memory budget', () => {
    expect(configMessage(gradientSchema, { model: { num_steps: 10000 }, training: { batch_size: 60000 } })).toMatch(
      /^file c\.yaml, field model\.num_steps: expected settings whose input spikes of a batch and BPTT states \(.*\) fit in 8 GiB \(estimate [\d.]+ TiB\), found 10000$/,
    );
    expect(configMessage(cnnSchema, { model: { conv1_filters: 1024, conv2_filters: 1024, dense_size: 16384 } })).toMatch(/^file c\.yaml, field model\.dense_size: expected settings whose activations/);
    expect(memoryEstimates.mlp({ hidden_size: 512 }, 128)).toBe(4 * (3 * 128 * (784 + 1024 + 10) + 4 * 794 * 512));
  });

  it('accepts every shipped config', async () => {
    const schemas: Record<string, z.ZodType> = { gradient: gradientSchema, stdp: stdpSchema, mlp: mlpSchema, cnn: cnnSchema };
    let checked = 0;
    for (const name of readdirSync(CONFIGS)) {
      const command = name.replace(/^seed-/, '').replace(/(-tiny)?\.yaml$/, '');
      if (command.startsWith('diehl-cook')) {
        await loadDiehlCookConfig(join(CONFIGS, name));
        checked++;
        continue;
      }
      const schema = schemas[command];
      if (!schema) continue;
      parseConfig(await readConfigFile(join(CONFIGS, name)), schema, { file: name });
      checked++;
    }
    // gradient, stdp, mlp, cnn: ours, -tiny and seed- (12); diehl-cook: 5 of ours and the seed's.
    expect(checked).toBe(18);
  });
});

describe('size limits of Diehl & Cook settings', () => {
  it('refuses an example time past a million steps or the memory budget, naming the field', () => {
    expect(messageOf(() => diehlCookSettings({ exampleTimeMs: 1e9 }))).toBe(
      'field exampleTimeMs: invalid Diehl & Cook setting; expected a number >= dt (0.5 ms) and at most 100000 ms (100000 ms and 1000000 steps of dt 0.5 ms), found 1000000000',
    );
    expect(messageOf(() => diehlCookSettings({ exampleTimeMs: 50_000, dtMs: 0.01 }))).toMatch(/^field exampleTimeMs: invalid Diehl & Cook setting; expected .* and at most 10000 ms/);
    expect(messageOf(() => diehlCookSettings({ exampleTimeMs: 100_000, maxIntensity: 1000 }))).toMatch(
      /^field exampleTimeMs: settings need too much memory; expected settings whose Poisson input spikes of one example .* fit in 8 GiB \(estimate [\d.]+ GiB\), found 100000$/,
    );
    expect(messageOf(() => diehlCookSettings({ nE: 1e6 }))).toBe('field nE: invalid Diehl & Cook setting; expected an integer in [1, 10000], found 1000000');
    expect(() => diehlCookSettings({ restingTimeMs: 1e12 })).toThrow(ValidationError);
    expect(diehlCookSettings({ nE: 6400, exampleTimeMs: 350 }).nE).toBe(6400);
  });

  it('random-connections refuses sizes past the network limits before allocating the weights', () => {
    expect(messageOf(() => generateConnections(defaultConnectionOptions(1e9, 0), 0))).toBe('field nE: invalid network size; expected an integer in [1, 10000], found 1000000000');
    expect(messageOf(() => generateConnections(defaultConnectionOptions(10, 1e7), 0))).toBe('field nE2: invalid network size; expected an integer in [0, 10000], found 10000000');
  });

  it('refuses an update interval whose spike counts exceed the memory budget', () => {
    expect(() => checkUpdateInterval(10000, { nE: 6400, nE2: 0 })).not.toThrow();
    expect(messageOf(() => checkUpdateInterval(1e9, { nE: 400, nE2: 0 }))).toMatch(
      /^field --update-interval: settings need too much memory; expected settings whose spike counts of an update interval .* fit in 8 GiB \(estimate [\d.]+ TiB\), found 1000000000$/,
    );
  });
});

describe('initial weights from --weights-dir', () => {
  it('refuses NaN, infinite, negative and absurd values, naming the file and the entry', () => {
    expect(() => checkInitialWeights('w.npy', [0, 0.3, 1], 3)).not.toThrow();
    expect(messageOf(() => checkInitialWeights('w.npy', [0, 0.3, Number.NaN, 0], 2))).toBe(
      "file w.npy, field [1, 0]: initial weights are not finite; expected finite weights in [0, 1] (Diehl & Cook's w_max), found NaN",
    );
    expect(() => checkInitialWeights('w.npy', [Number.POSITIVE_INFINITY], 1)).toThrow(NumericError);
    expect(messageOf(() => checkInitialWeights('w.npy', [0.1, 1e30], 2))).toBe(
      "file w.npy, field [0, 1]: initial weight out of range; expected finite weights in [0, 1] (Diehl & Cook's w_max), found 1e+30",
    );
    expect(() => checkInitialWeights('w.npy', [-0.5], 1)).toThrow(ValidationError);
  });

  it('diehl-cook train --weights-dir refuses a weight file with NaN before training', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-limits-'));
    mkdirSync(join(dir, 'w'));
    const weights = new Float64Array(784 * 10).fill(0.1);
    weights[7] = Number.NaN;
    await saveNpy(join(dir, 'w', 'XeAe.npy'), { data: weights, shape: [784, 10] });
    let stderr = '';
    const sink = {
      write: (s: string) => {
        stderr += s;
        return true;
      },
      isTTY: false,
    };
    const io: AppIo = { stdout: { write: () => true, isTTY: false }, stderr: sink, env: {} };
    const program = createApp({ name: 'izhikevich-mnist', version: '0.0.0', description: 'test' });
    const argv = ['diehl-cook', 'train', '--n-e', '10', '--example-time', '0.05', '--resting-time', '0.02', '--num-examples', '1', '--weights-dir', join(dir, 'w'), '--save-path', join(dir, 'run')];
    addDiehlCookCommands(program, io, argv);
    const code = await runCli(program, argv, { from: 'user', stdout: io.stdout, stderr: io.stderr, env: {}, setExitCode: false });
    expect(code).toBe(1);
    expect(stderr).toContain(`file ${join(dir, 'w', 'XeAe.npy')}, field [0, 7]: initial weights are not finite`);
  });
});
