import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, parseConfig, readConfigFile } from '@snn/cli';
import { ValidationError, describeValue } from '@snn/core';
import { configsDir } from '../app.js';
import { SIZE_LIMITS } from './limits.js';
import { type ConvnetConfig, configFieldsSchema, configSchema } from './schema.js';

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
  /** `--dataset`. */
  readonly dataset?: 'mnist' | 'fashion-mnist';
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
  const raw = await readConfigFile(path);
  const config = parseConfig(raw, configFieldsSchema, { file: path });
  if (overrides.dataProp !== undefined && !(overrides.dataProp > 0 && overrides.dataProp <= 1)) {
    throw new ValidationError('data proportion out of range', { field: '--data-prop', expected: 'a fraction in (0, 1]', found: describeValue(overrides.dataProp) });
  }
  if (overrides.timesteps !== undefined && !(Number.isInteger(overrides.timesteps) && overrides.timesteps >= 2 && overrides.timesteps <= SIZE_LIMITS.timesteps)) {
    throw new ValidationError('time steps out of range', { field: '--timesteps', expected: `an integer in [2, ${SIZE_LIMITS.timesteps}]`, found: describeValue(overrides.timesteps) });
  }
  if (overrides.testSize !== undefined && !(Number.isInteger(overrides.testSize) && overrides.testSize >= 1 && overrides.testSize <= 10000)) {
    throw new ValidationError('test size out of range', { field: '--test-size', expected: 'an integer in [1, 10000]', found: describeValue(overrides.testSize) });
  }
  const merged = {
    ...config,
    seed: overrides.seed ?? config.seed,
    data: {
      ...config.data,
      data_prop: overrides.dataProp ?? config.data.data_prop,
      test_size: overrides.testSize ?? config.data.test_size,
      mnist_path: overrides.mnistPath ?? config.data.mnist_path,
      dataset: overrides.dataset ?? config.data.dataset,
    },
    encoding: { ...config.encoding, timesteps: overrides.timesteps ?? config.encoding.timesteps },
  };
  // Checked again as a whole: the memory estimate depends on the flags too.
  const overriddenPaths = [
    ['data.data_prop', overrides.dataProp],
    ['data.test_size', overrides.testSize],
    ['encoding.timesteps', overrides.timesteps],
  ].flatMap(([field, value]) => (value === undefined ? [] : [field as string]));
  return parseConfig(merged, configSchema, { file: path, overriddenPaths });
}
