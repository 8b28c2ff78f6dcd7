import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@snn/cli';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load.js';
import { estimateTrainingBytes } from './schema.js';

const CONFIGS = join(import.meta.dirname, '..', '..', 'configs');

async function messageOf(overrides: Record<string, unknown>): Promise<string> {
  try {
    await loadConfig(undefined, overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('size limits of the config', () => {
  it('bounds every size-like field, naming it', async () => {
    expect(await messageOf({ 'model.hidden_size': 1e9 })).toBe('command line, field model.hidden_size: expected an integer in [1, 16384], found 1000000000');
    expect(await messageOf({ 'model.num_steps': 1e9 })).toBe('command line, field model.num_steps: expected an integer in [1, 10000], found 1000000000');
    expect(await messageOf({ 'training.batch_size': 1e9 })).toBe('command line, field training.batch_size: expected an integer in [1, 60000], found 1000000000');
    expect(await messageOf({ 'encoding.max_period': 1e9 })).toBe('command line, field encoding.max_period: expected an integer in [1, 10000], found 1000000000');
    expect(await messageOf({ workers: 100_000 })).toBe('command line, field workers: expected an integer in [1, 64], found 100000');
  });

  it('refuses settings within the bounds whose training buffers exceed the memory budget', async () => {
    expect(await messageOf({ 'model.hidden_size': 16384, 'model.recurrent': true, workers: 4 })).toMatch(
      /^command line, field model\.hidden_size: expected settings whose training buffers \(.*\) fit in 8 GiB \(estimate [\d.]+ GiB\), found 16384$/,
    );
    expect(await messageOf({ 'model.num_steps': 10000, 'model.hidden_size': 16384, workers: 16 })).toMatch(/^command line, field model\.num_steps: expected settings whose training buffers/);
  });

  it('estimates the default network at a few MiB and accepts every shipped config', async () => {
    const { bytes } = estimateTrainingBytes({ hidden_size: 128, num_steps: 25, recurrent: false }, 256, 1);
    expect(bytes).toBe(4 * (2 * 3 * (784 * 128 + 1280)) + 4 * (8 * 25 * 784 + 256 * 25 * 10));
    const names = readdirSync(CONFIGS).filter((f) => f.endsWith('.yaml') && !f.startsWith('sweep'));
    expect(names.length).toBeGreaterThan(2);
    for (const name of names) await loadConfig(join(CONFIGS, name));
  });
});
