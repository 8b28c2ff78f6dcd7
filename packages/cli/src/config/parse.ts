import { describeValue } from '@snn/core';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { suggest } from './suggest.js';

/** Options of {@link parseConfig}. */
export interface ParseConfigOptions {
  /** The file the object was read from; named in every issue. */
  readonly file?: string;
  /**
   * Dotted paths whose values came from somewhere else than the file (e.g. command-line flags);
   * issues at or below these paths name `origin` instead of the file.
   */
  readonly overriddenPaths?: readonly string[];
  /** Name of that other source; default `"command line"`. */
  readonly origin?: string;
}

type PathKey = PropertyKey;

/** The part of zod's internal definition that the schema walk reads. */
interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, unknown>;
  readonly innerType?: unknown;
  readonly in?: unknown;
  readonly element?: unknown;
  readonly valueType?: unknown;
  readonly items?: readonly unknown[];
  readonly getter?: () => unknown;
}

function defOf(schema: unknown): SchemaDef | undefined {
  const internals = (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod;
  return internals?.def;
}

/** Unwraps optional/default/pipe/lazy wrappers down to the schema that decides the shape. */
function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let guard = 0; guard < 32; guard++) {
    const def = defOf(current);
    if (!def) return current;
    if (def.innerType !== undefined) current = def.innerType;
    else if (def.type === 'pipe' && def.in !== undefined) current = def.in;
    else if (def.type === 'lazy' && def.getter) current = def.getter();
    else return current;
  }
  return current;
}

/** The sub-schema at `path`, or undefined when the walk cannot follow it. */
function schemaAt(schema: unknown, path: readonly PathKey[]): unknown {
  let current = unwrap(schema);
  for (const key of path) {
    const def = defOf(current);
    if (!def) return undefined;
    if (def.type === 'object' && def.shape) current = def.shape[String(key)];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else if (def.type === 'tuple' && def.items) current = def.items[Number(key)];
    else return undefined;
    current = unwrap(current);
  }
  return current;
}

/** Keys an object schema at `path` accepts, or an empty list. */
function knownKeys(schema: unknown, path: readonly PathKey[]): string[] {
  const def = defOf(schemaAt(schema, path));
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/**
 * Renders a path as `model.layers[2].size`.
 *
 * @param path - keys from the root
 */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PathKey[]): { present: boolean; value: unknown } {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) {
      return { present: false, value: undefined };
    }
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return { present: current !== undefined, value: current };
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping of keys to values',
  array: 'a list',
  null: 'null',
  bigint: 'an integer',
  date: 'a date',
};

function boundText(issue: { origin?: string; inclusive?: boolean }, bound: unknown, small: boolean): string {
  const n = String(bound);
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `${small ? 'at least' : 'at most'} ${n} item${n === '1' ? '' : 's'}`;
    case 'string':
      return `${small ? 'at least' : 'at most'} ${n} character${n === '1' ? '' : 's'}`;
    default: {
      const op = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      return `a number ${op} ${n}`;
    }
  }
}

interface LooseIssue {
  readonly code: string;
  readonly path: readonly PathKey[];
  readonly message: string;
  readonly expected?: string;
  readonly origin?: string;
  readonly minimum?: unknown;
  readonly maximum?: unknown;
  readonly inclusive?: boolean;
  readonly values?: readonly unknown[];
  readonly keys?: readonly string[];
  readonly format?: string;
  readonly pattern?: string;
  readonly divisor?: unknown;
}

/**
 * Turns zod issues into {@link ConfigIssue}s with the value found, the expected value in words,
 * and "did you mean" hints for unknown keys and near-miss choices.
 *
 * @param issues - `error.issues` of a failed `safeParse`
 * @param input - the object that was parsed (to report the values found)
 * @param schema - the schema it was parsed with (to list valid keys)
 * @param options - file name and overridden paths
 */
export function issuesFromZod(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  schema: z.ZodType,
  options: ParseConfigOptions = {},
): ConfigIssue[] {
  const overridden = options.overriddenPaths ?? [];
  const origin = options.origin ?? 'command line';
  const out: ConfigIssue[] = [];
  const source = (field: string): { file?: string; origin?: string } => {
    const fromOverride = overridden.some(
      (p) => field === p || field.startsWith(`${p}.`) || field.startsWith(`${p}[`),
    );
    return fromOverride ? { origin } : { file: options.file };
  };
  for (const raw of issues) {
    const issue = raw as unknown as LooseIssue;
    const path = issue.path;
    const field = formatPath(path);
    const { present, value } = valueAt(input, path);
    const found = present ? describeValue(value) : undefined;
    // A custom check (e.g. a memory estimate) may name a field left at its default: absent, not missing.
    const missing = present || issue.code === 'custom' ? {} : { summary: 'missing' };
    if (issue.code === 'unrecognized_keys') {
      const parent = field === '' ? 'the top level' : field;
      const keys = knownKeys(schema, path);
      for (const key of issue.keys ?? []) {
        const keyField = formatPath([...path, key]);
        const guess = suggest(key, keys);
        const hint = guess !== undefined ? `did you mean "${guess}"?` : keys.length > 0 ? `valid keys: ${keys.join(', ')}` : undefined;
        out.push({ ...source(keyField), field: keyField, summary: `unknown key "${key}" in ${parent}`, hint });
      }
      continue;
    }
    if (issue.message.startsWith('expected ')) {
      let hint: string | undefined;
      if (issue.code === 'invalid_value' && typeof value === 'string') {
        const guess = suggest(value, (issue.values ?? []).map(String));
        if (guess !== undefined) hint = `did you mean "${guess}"?`;
      }
      out.push({ ...source(field), field, ...missing, expected: issue.message.slice('expected '.length), found, hint });
      continue;
    }
    switch (issue.code) {
      case 'invalid_type':
        out.push({ ...source(field), field, ...missing, expected: TYPE_WORDS[issue.expected ?? ''] ?? `a ${issue.expected}`, found });
        break;
      case 'too_small':
        out.push({ ...source(field), field, expected: boundText(issue, issue.minimum, true), found });
        break;
      case 'too_big':
        out.push({ ...source(field), field, expected: boundText(issue, issue.maximum, false), found });
        break;
      case 'invalid_value': {
        const values = issue.values ?? [];
        const guess = typeof value === 'string' ? suggest(value, values.map(String)) : undefined;
        out.push({
          ...source(field),
          field,
          ...missing,
          expected: values.length === 1 ? describeValue(values[0]) : `one of ${values.map(describeValue).join(', ')}`,
          found,
          hint: guess !== undefined ? `did you mean "${guess}"?` : undefined,
        });
        break;
      }
      case 'not_multiple_of':
        out.push({ ...source(field), field, expected: `a multiple of ${String(issue.divisor)}`, found });
        break;
      case 'invalid_format':
        out.push({
          ...source(field),
          field,
          expected: issue.format === 'regex' ? `a string matching /${issue.pattern}/` : `a string in ${issue.format} format`,
          found,
        });
        break;
      case 'invalid_union':
        out.push({ ...source(field), field, ...missing, expected: 'one of the allowed forms', found });
        break;
      default:
        out.push({ ...source(field), field, summary: issue.message });
    }
  }
  return out;
}

/**
 * Validates a plain object (e.g. parsed from YAML) against a zod schema and returns the typed,
 * defaulted result.
 *
 * @remarks
 * Use strict object schemas (`z.strictObject`) so that a misspelt key is an error with a
 * "did you mean" hint instead of being ignored, and `.prefault({})` (not `.default({})`) on
 * sections whose fields have defaults. Custom messages that start with `expected ` (as the
 * field helpers such as {@link positiveInt} produce) become the "expected" part of the issue.
 *
 * @param obj - the config object
 * @param schema - the zod schema
 * @param options - the file name to put in messages
 * @returns the parsed config (`z.output` of the schema)
 * @throws {@link ConfigError} listing every problem, one line each
 * @example
 * ```ts
 * const schema = z.strictObject({ model: z.strictObject({ beta: unitInterval() }) });
 * parseConfig({ model: { beta: 1.5 } }, schema, { file: 'run.yaml' });
 * // ConfigError: file run.yaml, field model.beta: expected a number in [0, 1], found 1.5
 * ```
 */
export function parseConfig<S extends z.ZodType>(obj: unknown, schema: S, options: ParseConfigOptions = {}): z.output<S> {
  const result = schema.safeParse(obj);
  if (result.success) return result.data;
  throw new ConfigError(issuesFromZod(result.error.issues, obj, schema, options));
}
