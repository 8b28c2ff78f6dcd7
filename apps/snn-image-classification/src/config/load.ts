import { mergeOverrides, readConfigFile } from '@snn/cli';
import { type ImageClassificationConfig, configSchema } from './schema.js';

/**
 * Reads a config file (or none: every default), applies command-line overrides at dotted paths and
 * validates the result.
 *
 * @param file - `.yaml`, `.yml` or `.json` config; undefined for the defaults
 * @param overrides - dotted path -> value (undefined values are skipped), e.g. `{ 'training.epochs': 3 }`
 * @returns the validated config
 * @throws `ConfigError` (from @snn/cli) listing every bad field, naming the file or the command line
 */
export async function loadConfig(file: string | undefined, overrides: Readonly<Record<string, unknown>> = {}): Promise<ImageClassificationConfig> {
  const raw = file === undefined ? {} : await readConfigFile(file);
  return mergeOverrides(raw, overrides, configSchema, { file });
}
