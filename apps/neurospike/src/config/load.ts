import { mergeOverrides, readConfigFile } from '@snn/cli';
import { type NeuroSpikeConfig, configSchema, resolveDependentDefaults } from './schema.js';

/**
 * Reads a config file (or none: every default), applies command-line overrides at dotted paths,
 * validates the result and fills in the dependent defaults.
 *
 * @param file - `.yaml`, `.yml` or `.json` config; undefined for the defaults
 * @param overrides - dotted path -> value (undefined values are skipped), e.g. `{ 'training.epochs': 3 }`
 * @returns the validated config
 * @throws `ConfigError` (from @snn/cli) listing every bad field, naming the file or the command line
 */
export async function loadNeuroSpikeConfig(file: string | undefined, overrides: Readonly<Record<string, unknown>> = {}): Promise<NeuroSpikeConfig> {
  const raw = file === undefined ? {} : await readConfigFile(file);
  const config = mergeOverrides(raw, overrides, configSchema, { file });
  return resolveDependentDefaults(config);
}
