import { nonNegative, nonNegativeInt, parseConfig, positive, positiveInt, readConfigFile } from '@snn/cli';
import { z } from 'zod';

/** Schema of a `diehl-cook train --config` file: the train flags in snake_case, all optional. */
export const diehlCookConfigSchema = z.strictObject({
  n_e: positiveInt().optional(),
  n_e2: nonNegativeInt().optional(),
  example_time: positive().optional(),
  dt: positive().optional(),
  resting_time: nonNegative().optional(),
  num_examples: positiveInt().optional(),
  update_interval: positiveInt().optional(),
  weight_update_interval: positiveInt().optional(),
  save_interval: positiveInt().optional(),
  input_intensity: positive().optional(),
  weight_sum: positive().optional(),
  weight_max2: positive().optional(),
  weight_sum2: positive().optional(),
  timer_rate: nonNegative().optional(),
  pre_update: z.enum(['depress', 'potentiate']).optional(),
  stdp_rule: z.enum(['triplet', 'power-law']).optional(),
  nu_post: nonNegative().optional(),
  theta_plus: nonNegative().optional(),
  tau_theta: positive().optional(),
  normalize_interval: positiveInt().optional(),
  seed: nonNegativeInt().optional(),
});

/** A parsed `diehl-cook train` config. */
export type DiehlCookConfigFile = z.output<typeof diehlCookConfigSchema>;

/**
 * Reads and validates a YAML/JSON config of `diehl-cook train`.
 * @throws `ConfigError` listing every bad field with the file name
 */
export async function loadDiehlCookConfig(path: string): Promise<DiehlCookConfigFile> {
  return parseConfig(await readConfigFile(path), diehlCookConfigSchema, { file: path });
}
