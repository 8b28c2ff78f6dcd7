import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, loadConfig } from '@snn/cli';
import { ValidationError, describeValue } from '@snn/core';
import { configsDir } from '../app.js';
import { type ConvnetConfig, configSchema } from './schema.js';

/** Command-line settings that override the config file. */
export interface ConfigOverrides {
  /** `--data-prop`. */
  readonly dataProp?: number;
  /** `--timesteps`. */
  readonly timesteps?: number;
  /** `--seed`. */
  readonly seed?: number;
  /** `--test-size`. */
  readonly testSize?: number;
  /** `--mnist-path`. */
  readonly mnistPath?: string;
}

/**
 * Loads a config (a path, or the name of one in the app's `configs/`: `seed`, `default`, `tiny`) and
 * applies the command-line overrides, checking them like the file's fields.
 * @throws `ConfigError` for a bad file; `ValidationError` naming `--data-prop` / `--timesteps` for bad flags
 */
export async function loadRunConfig(nameOrPath: string, overrides: ConfigOverrides = {}): Promise<ConvnetConfig> {
  const bundled = join(configsDir(), `${nameOrPath}.yaml`);
  const path = existsSync(nameOrPath) ? nameOrPath : existsSync(bundled) ? bundled : undefined;
  if (path === undefined) throw new UsageError(`config not found: ${nameOrPath}`, { field: '--config', expected: 'a YAML file or one of seed, default, tiny', found: JSON.stringify(nameOrPath) });
  const config = await loadConfig(path, configSchema);
  if (overrides.dataProp !== undefined && !(overrides.dataProp > 0 && overrides.dataProp <= 1)) {
    throw new ValidationError('data proportion out of range', { field: '--data-prop', expected: 'a fraction in (0, 1]', found: describeValue(overrides.dataProp) });
  }
  if (overrides.timesteps !== undefined && !(Number.isInteger(overrides.timesteps) && overrides.timesteps >= 2)) {
    throw new ValidationError('too few time steps', { field: '--timesteps', expected: 'an integer >= 2', found: describeValue(overrides.timesteps) });
  }
  if (overrides.testSize !== undefined && !(Number.isInteger(overrides.testSize) && overrides.testSize >= 1 && overrides.testSize <= 10000)) {
    throw new ValidationError('test size out of range', { field: '--test-size', expected: 'an integer in [1, 10000]', found: describeValue(overrides.testSize) });
  }
  return {
    ...config,
    seed: overrides.seed ?? config.seed,
    data: {
      ...config.data,
      data_prop: overrides.dataProp ?? config.data.data_prop,
      test_size: overrides.testSize ?? config.data.test_size,
      mnist_path: overrides.mnistPath ?? config.data.mnist_path,
    },
    encoding: { ...config.encoding, timesteps: overrides.timesteps ?? config.encoding.timesteps },
  };
}
