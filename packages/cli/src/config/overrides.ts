import { parse as parseYaml } from 'yaml';
import { describeValue } from '@snn/core';
import type { z } from 'zod';
import { UsageError } from '../command/usage-error.js';
import { ConfigError } from './config-error.js';
import { parseConfig } from './parse.js';

/** Options of {@link mergeOverrides}. */
export interface MergeOverridesOptions {
  /** The config file the base object came from; named for problems not caused by an override. */
  readonly file?: string;
  /** How problems caused by an override name their source; default `"command line"`. */
  readonly origin?: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Sets `value` at a dotted path (`training.epochs`, `layers.1.size`) in a copy-safe tree,
 * creating missing sections. Returns an error message when the path runs into a non-container.
 */
function setAtPath(root: Record<string, unknown>, path: string, value: unknown): string | undefined {
  const keys = path.split('.');
  if (keys.some((k) => k === '')) return `"${path}" is not a valid dotted path`;
  let current: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i];
    const next: unknown = Array.isArray(current) ? current[Number(key)] : current[key];
    if (next === undefined || next === null) {
      const created: Record<string, unknown> | unknown[] = /^\d+$/.test(keys[i + 1]) ? [] : {};
      if (Array.isArray(current)) current[Number(key)] = created;
      else current[key] = created;
      current = created;
    } else if (isPlainObject(next) || Array.isArray(next)) {
      current = next;
    } else {
      return `cannot set "${path}" because ${keys.slice(0, i + 1).join('.')} is not a section`;
    }
  }
  const last = keys[keys.length - 1];
  if (Array.isArray(current)) {
    if (!/^\d+$/.test(last)) return `cannot set "${path}" because ${keys.slice(0, -1).join('.')} is a list`;
    current[Number(last)] = value;
  } else {
    current[last] = value;
  }
  return undefined;
}

/**
 * Applies command-line values over a config object at dotted paths and validates the result.
 *
 * @remarks
 * `undefined` values are skipped, so the options object of a commander command can be passed
 * as it is (flags the user did not give stay `undefined`). The input is not modified. Problems
 * with an overridden value name the command line instead of the file. Pass the raw object from
 * {@link readConfigFile} (or an already parsed config whose schema has no transforms).
 *
 * @param config - the config object (raw or parsed)
 * @param overrides - dotted path -> value, e.g. `{ 'training.epochs': 5 }`
 * @param schema - the zod schema the merged config must satisfy
 * @param options - file name and override origin for messages
 * @returns the merged, validated config
 * @throws {@link ConfigError} listing every problem, one line each
 * @example
 * ```ts
 * const raw = await readConfigFile('run.yaml');
 * const config = mergeOverrides(raw, { 'training.epochs': opts.epochs }, schema, { file: 'run.yaml' });
 * ```
 */
export function mergeOverrides<S extends z.ZodType>(
  config: unknown,
  overrides: Readonly<Record<string, unknown>>,
  schema: S,
  options: MergeOverridesOptions = {},
): z.output<S> {
  const origin = options.origin ?? 'command line';
  const base: unknown = config === undefined || config === null ? {} : structuredClone(config);
  if (!isPlainObject(base)) {
    throw new ConfigError([
      {
        file: options.file,
        field: '',
        summary: 'the config must be a mapping of keys to values',
        found: Array.isArray(base) ? `a list ${describeValue(base)}` : describeValue(base),
      },
    ]);
  }
  const paths: string[] = [];
  for (const [path, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const problem = setAtPath(base, path, value);
    if (problem !== undefined) throw new ConfigError([{ origin, field: path, summary: problem }]);
    paths.push(path.replace(/\.(\d+)(?=\.|$)/g, '[$1]'));
  }
  return parseConfig(base, schema, { file: options.file, overriddenPaths: paths, origin });
}

/**
 * Parses `key=value` assignments (e.g. from a repeatable `--set` flag) into an overrides object
 * for {@link mergeOverrides}; values are read as YAML scalars (`5` is a number, `true` a boolean,
 * `[1, 2]` a list, `rate` a string).
 *
 * @param assignments - strings of the form `dotted.path=value`
 * @param flag - the flag name for error messages; default `--set`
 * @throws {@link UsageError} for an assignment without `=` or with an unparsable value
 * @example
 * ```ts
 * parseAssignments(['training.epochs=5', 'encoding.kind=latency']);
 * // { 'training.epochs': 5, 'encoding.kind': 'latency' }
 * ```
 */
export function parseAssignments(assignments: readonly string[], flag = '--set'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(`${flag} expects key=value, found ${JSON.stringify(assignment)}`, {
        field: flag,
        expected: 'key=value',
        found: JSON.stringify(assignment),
      });
    }
    const key = assignment.slice(0, eq).trim();
    const text = assignment.slice(eq + 1);
    try {
      out[key] = text.trim() === '' ? '' : parseYaml(text);
    } catch {
      throw new UsageError(`${flag} ${key}: cannot read the value ${JSON.stringify(text)}`, {
        field: flag,
        expected: 'a YAML scalar or list',
        found: JSON.stringify(text),
      });
    }
  }
  return out;
}

/**
 * Combines parsed `--set` assignments with the values of dedicated flags (e.g. `--epochs` for
 * `training.epochs`) into one overrides object for {@link mergeOverrides}. A flag that was given wins over
 * `--set` for the same field; a flag that was not given (`undefined`) leaves a `--set` value of that field alone.
 *
 * @param assignments - from {@link parseAssignments}
 * @param flags - dotted config path → flag value (`undefined` when the flag was not given)
 * @returns a new object; the inputs are not modified
 * @example
 * ```ts
 * combineOverrides({ 'training.epochs': 5, seed: 1 }, { 'training.epochs': undefined, seed: 3 });
 * // { 'training.epochs': 5, seed: 3 }
 * ```
 */
export function combineOverrides(assignments: Readonly<Record<string, unknown>>, flags: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...assignments };
  for (const [key, value] of Object.entries(flags)) if (value !== undefined) out[key] = value;
  return out;
}
