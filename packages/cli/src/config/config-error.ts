import { ValidationError } from '@snn/core';

/**
 * One problem found in a config: where it is and what is wrong.
 *
 * @remarks
 * Rendered by {@link formatConfigIssue} as one line, e.g.
 * `file run.yaml, field model.beta: expected a number in [0, 1], found 1.5`.
 */
export interface ConfigIssue {
  /** Config file that held the value, when it came from a file. */
  readonly file?: string;
  /** Where the value came from when not from a file, e.g. `"command line"`; shown instead of the file. */
  readonly origin?: string;
  /** 1-based line in the file, for syntax errors. */
  readonly line?: number;
  /** 1-based column in the file, for syntax errors. */
  readonly column?: number;
  /** Dotted path of the field (`model.beta`, `layers[2].size`); empty for the whole config. */
  readonly field: string;
  /** What is wrong, when more than "expected X, found Y" needs saying (e.g. `unknown key "x" in model`). */
  readonly summary?: string;
  /** What was required, in words (e.g. `a number in [0, 1]`). */
  readonly expected?: string;
  /** What was found, as written by `describeValue` (e.g. `1.5`, `"abc"`). */
  readonly found?: string;
  /** A hint appended at the end (e.g. `did you mean "hidden_size"?`). */
  readonly hint?: string;
}

/**
 * Renders one {@link ConfigIssue} as a single line:
 * `<origin>, field <path>: <summary>; expected <E>, found <V>; <hint>`, leaving out the parts that are not set.
 *
 * @example
 * ```ts
 * formatConfigIssue({ file: 'run.yaml', field: 'model.beta', expected: 'a number in [0, 1]', found: '1.5' });
 * // 'file run.yaml, field model.beta: expected a number in [0, 1], found 1.5'
 * ```
 */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where: string[] = [];
  if (issue.origin !== undefined) where.push(issue.origin);
  else if (issue.file !== undefined) where.push(`file ${issue.file}`);
  if (issue.line !== undefined) where.push(`line ${issue.line}`);
  if (issue.column !== undefined) where.push(`column ${issue.column}`);
  if (issue.field !== '') where.push(`field ${issue.field}`);
  let body = issue.summary ?? '';
  if (issue.expected !== undefined) body = body ? `${body}; expected ${issue.expected}` : `expected ${issue.expected}`;
  if (issue.found !== undefined) body = body ? `${body}, found ${issue.found}` : `found ${issue.found}`;
  if (issue.hint !== undefined) body = body ? `${body}; ${issue.hint}` : issue.hint;
  return where.length > 0 ? `${where.join(', ')}: ${body}` : body;
}

/**
 * A config (file, object or command-line overrides) failed validation; the message lists every problem,
 * one line each.
 *
 * @remarks
 * A `ValidationError` from `@snn/core`, so command-line apps exit with status 2 on it (see {@link runCli}).
 * `file`, `field`, `expected` and `found` repeat the first issue; {@link ConfigError.issues} has them all.
 *
 * @example
 * ```ts
 * try { parseConfig({ model: { beta: 1.5 } }, schema, { file: 'run.yaml' }); }
 * catch (e) { if (e instanceof ConfigError) for (const issue of e.issues) console.error(issue.field); }
 * ```
 */
export class ConfigError extends ValidationError {
  /** Every problem found, in the order they were found. */
  readonly issues: readonly ConfigIssue[];

  /**
   * @param issues - the problems; at least one
   */
  constructor(issues: readonly ConfigIssue[]) {
    const first: ConfigIssue = issues[0] ?? { field: '', summary: 'invalid config' };
    super(first.summary ?? 'invalid config', {
      file: first.file,
      field: first.field === '' ? undefined : first.field,
      expected: first.expected,
      found: first.found,
    });
    this.issues = issues.length > 0 ? [...issues] : [first];
    this.message = this.issues.map(formatConfigIssue).join('\n');
  }
}
