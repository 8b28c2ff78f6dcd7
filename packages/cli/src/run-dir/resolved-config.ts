import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileFormatError } from '@snn/core';
import { writeFileAtomic } from '@snn/core/node';
import { stringify } from 'yaml';
import { parseConfigText } from '../config/load.js';
import { RUN_LAYOUT } from './run-dir.js';

/**
 * Writes the config a run actually uses (after defaults and command-line overrides) to
 * `<dir>/config.yaml`, atomically, so the run can be repeated and resumed.
 *
 * @param dir - the run directory
 * @param config - the resolved config (plain data: numbers, strings, booleans, lists, mappings)
 * @returns the path written
 * @example
 * ```ts
 * await writeResolvedConfig(run.path, config);
 * ```
 */
export async function writeResolvedConfig(dir: string, config: unknown): Promise<string> {
  const path = join(dir, RUN_LAYOUT.config);
  const header = '# Resolved config of this run (defaults and command-line overrides applied).\n';
  await writeFileAtomic(path, header + stringify(config, { aliasDuplicateObjects: false }));
  return path;
}

/**
 * Reads `<dir>/config.yaml` written by {@link writeResolvedConfig}, as a plain object.
 *
 * @param dir - the run directory
 * @throws `FileFormatError` (from `@snn/core`) when the file is missing
 * @throws {@link ConfigError} when it is not valid YAML
 */
export async function readResolvedConfig(dir: string): Promise<unknown> {
  const path = join(dir, RUN_LAYOUT.config);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FileFormatError('the run has no saved config', {
      file: path,
      expected: 'the config.yaml written when the run started',
      found: (error as NodeJS.ErrnoException).code ?? String(error),
      cause: error,
    });
  }
  return parseConfigText(text, 'yaml', path);
}
