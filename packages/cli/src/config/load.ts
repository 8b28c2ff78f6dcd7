import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { locateJsonError } from './json-locate.js';
import { type ParseConfigOptions, parseConfig } from './parse.js';

/** Config file formats, chosen by extension. */
export type ConfigFormat = 'yaml' | 'json';

/** Largest config file read, in bytes (1 MiB; configs are a few hundred bytes). */
export const MAX_CONFIG_FILE_BYTES = 2 ** 20;

/** How many times YAML aliases may be expanded, as the yaml library counts them; more is refused. */
const MAX_YAML_ALIAS_COUNT = 100;

const EXTENSIONS: Record<string, ConfigFormat> = { '.yaml': 'yaml', '.yml': 'yaml', '.json': 'json' };

/**
 * The format of a config file, from its extension (`.yaml`, `.yml` or `.json`, any case).
 *
 * @param path - the config file path
 * @throws {@link ConfigError} for any other extension, listing the supported ones
 */
export function configFormatOf(path: string): ConfigFormat {
  const ext = extname(path).toLowerCase();
  const format = EXTENSIONS[ext];
  if (format === undefined) {
    throw new ConfigError([
      {
        file: path,
        field: '',
        summary: 'unsupported config file extension',
        expected: '.yaml, .yml or .json',
        found: ext === '' ? 'no extension' : JSON.stringify(ext),
      },
    ]);
  }
  return format;
}

/** First line of a yaml library message, without its trailing " at line L, column C:" part. */
function yamlSummary(message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  return firstLine.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
}

/**
 * Parses the text of a config file (YAML or JSON) into a plain object, without validating it.
 *
 * @remarks
 * Syntax errors name the file, the line and the column. An empty YAML document (or one with
 * only comments) is read as `{}` so that every default applies. Duplicate keys are errors.
 * Aliases that expand without bound (a "billion laughs" document) are refused with a
 * {@link ConfigError}, not the yaml library's bare `ReferenceError`.
 *
 * @param text - the file content
 * @param format - `yaml` or `json`
 * @param file - the file name for messages
 * @throws {@link ConfigError} on syntax errors, one issue per error
 * @example
 * ```ts
 * parseConfigText('model:\n  beta: [0.9\n', 'yaml', 'run.yaml');
 * // ConfigError: file run.yaml, line 3, column 1: invalid YAML: …
 * ```
 */
export function parseConfigText(text: string, format: ConfigFormat, file?: string): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text);
    } catch (error) {
      const pos = locateJsonError(text);
      const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new ConfigError([
        { file, line: pos?.line, column: pos?.column, field: '', summary: `invalid JSON: ${detail}` },
      ]);
    }
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues: ConfigIssue[] = doc.errors.map((e) => ({
      file,
      line: e.linePos?.[0]?.line,
      column: e.linePos?.[0]?.col,
      field: '',
      summary: `invalid YAML: ${yamlSummary(e.message)}`,
    }));
    throw new ConfigError(issues);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    // The yaml library throws a bare ReferenceError when aliases expand too far (a "billion laughs" file).
    const detail = error instanceof Error ? error.message : String(error);
    const aliases = /alias/i.test(detail);
    throw new ConfigError([
      {
        file,
        field: '',
        summary: aliases ? 'YAML aliases expand too far' : `invalid YAML: ${detail}`,
        expected: aliases ? `at most ${MAX_YAML_ALIAS_COUNT} alias expansions per alias` : undefined,
        found: aliases ? 'aliases that expand to many copies (a "billion laughs" document)' : undefined,
      },
    ]);
  }
  return value === null || value === undefined ? {} : value;
}

/**
 * Reads a YAML or JSON config file (format from the extension) into a plain object, without validating it.
 *
 * @remarks
 * Use it with {@link mergeOverrides} to apply command-line flags before the one validation pass.
 *
 * @param path - `.yaml`, `.yml` or `.json` file
 * @throws {@link ConfigError} when the extension is unknown, the file cannot be read or is over {@link MAX_CONFIG_FILE_BYTES}, or its syntax is invalid
 */
export async function readConfigFile(path: string): Promise<unknown> {
  const format = configFormatOf(path);
  let text: string;
  try {
    const size = (await stat(path)).size;
    if (size > MAX_CONFIG_FILE_BYTES) {
      throw new ConfigError([{ file: path, field: '', summary: 'config file too large', expected: `at most ${MAX_CONFIG_FILE_BYTES} bytes`, found: `${size} bytes` }]);
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const summary = code === 'ENOENT' ? 'config file not found' : `cannot read the config file (${code ?? String(error)})`;
    throw new ConfigError([{ file: path, field: '', summary }]);
  }
  return parseConfigText(text, format, path);
}

/**
 * Loads a YAML or JSON config file and validates it against a zod schema.
 *
 * @param path - `.yaml`, `.yml` or `.json` file
 * @param schema - the zod schema (strict objects recommended, see {@link parseConfig})
 * @returns the parsed, defaulted config
 * @throws {@link ConfigError} listing every problem: unknown extension, unreadable file,
 *   syntax errors with their line, or each invalid field
 * @example
 * ```ts
 * const config = await loadConfig('configs/mnist.yaml', schema);
 * ```
 */
export async function loadConfig<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  const raw = await readConfigFile(path);
  const options: ParseConfigOptions = { file: path };
  return parseConfig(raw, schema, options);
}
