import { readdirSync } from 'node:fs';
import { ConfigError } from '@snn/cli';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { APP_ROOT } from '../testing/harness.js';
import { loadNeuroSpikeConfig } from './load.js';
import { SIZE_LIMITS, estimateTrainingBytes } from './schema.js';

async function messageOf(overrides: Record<string, unknown>): Promise<string> {
  try {
    await loadNeuroSpikeConfig(undefined, overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('size limits of the config', () => {
  it('bounds every size-like field, naming it', async () => {
    expect(await messageOf({ 'model.num_hidden_layers': 1_000_000 })).toBe(
      'command line, field model.num_hidden_layers: expected an integer in [0, 64], found 1000000',
    );
    expect(await messageOf({ workers: 100_000 })).toBe('command line, field workers: expected an integer in [1, 64], found 100000');
    expect(await messageOf({ 'model.hidden_size': 1e9 })).toBe('command line, field model.hidden_size: expected an integer in [1, 16384], found 1000000000');
    expect(await messageOf({ 'model.num_steps': 1e9 })).toBe('command line, field model.num_steps: expected an integer in [1, 10000], found 1000000000');
    expect(await messageOf({ 'training.batch_size': 1e9 })).toBe('command line, field training.batch_size: expected an integer in [1, 60000], found 1000000000');
    expect(SIZE_LIMITS.workers).toBe(64);
  });

  it('refuses settings within the bounds whose training buffers exceed the memory budget', async () => {
    const message = await messageOf({ 'model.hidden_size': 16384, 'model.num_hidden_layers': 8, workers: 4 });
    expect(message).toMatch(
      /^command line, field model\.hidden_size: expected settings whose training buffers \(weights and BPTT states .*\) fit in 8 GiB \(estimate [\d.]+ GiB\), found 16384$/,
    );
    expect(await messageOf({ 'model.num_steps': 10000, 'model.hidden_size': 16384, workers: 64 })).toMatch(/^command line, field model\.num_steps: expected settings whose training buffers/);
  });

  it('estimates the default network at a few MiB and accepts every shipped config', async () => {
    const { bytes } = estimateTrainingBytes({ hidden_size: 256, num_hidden_layers: 1, num_steps: 100 }, 2);
    expect(bytes).toBe(4 * (3 * 3 * (784 * 256 + 2560)) + 4 * 2 * (101 * 266 + 6 * 100 * 784));
    const dir = join(APP_ROOT, 'configs');
    const names = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(names.length).toBeGreaterThan(2);
    for (const name of names) await loadNeuroSpikeConfig(join(dir, name));
  });
});
