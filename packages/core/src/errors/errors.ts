/**
 * Where a problem was found: a file path, a config field, or both.
 * At least one should be set so that a message can point the user at it.
 */
export interface ErrorLocation {
  /** Path of the file that held the bad value, when there is one. */
  readonly file?: string;
  /** Name of the field, option or tensor that held the bad value (e.g. `"model.beta"`). */
  readonly field?: string;
}

/** What a check expected and what it found; both rendered into the message. */
export interface ErrorDetails extends ErrorLocation {
  /** What the check required, in words (e.g. `"a value in [0, 1]"`). */
  readonly expected?: string;
  /** What it found instead (e.g. `"1.5"`). */
  readonly found?: string;
  /** The underlying error, when this one wraps another. */
  readonly cause?: unknown;
}

function renderMessage(summary: string, details: ErrorDetails): string {
  const where = [details.file && `file ${details.file}`, details.field && `field ${details.field}`]
    .filter(Boolean)
    .join(', ');
  let message = where ? `${where}: ${summary}` : summary;
  if (details.expected !== undefined) message += `; expected ${details.expected}`;
  if (details.found !== undefined) message += `${details.expected !== undefined ? ',' : ';'} found ${details.found}`;
  return message;
}

/**
 * Base class of every error the toolkit throws on purpose.
 *
 * @remarks
 * The message names the file and/or field, what was expected and what was
 * found, e.g. `file data/train.idx: truncated IDX file; expected 47040016 bytes, found 1000`.
 * The same parts are kept as properties so that programs can react to them.
 *
 * @example
 * ```ts
 * try { tensor([1, 2, 3], [2, 2]); }
 * catch (e) { if (e instanceof SnnError) console.error(e.field, e.expected, e.found); }
 * ```
 */
export class SnnError extends Error {
  /** File that held the bad value, if any. */
  readonly file?: string;
  /** Field, option or tensor name that held the bad value, if any. */
  readonly field?: string;
  /** What was expected, in words. */
  readonly expected?: string;
  /** What was found instead. */
  readonly found?: string;

  /**
   * @param summary - one sentence saying what is wrong
   * @param details - where it is, what was expected and found, and the cause
   */
  constructor(summary: string, details: ErrorDetails = {}) {
    super(renderMessage(summary, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.file = details.file;
    this.field = details.field;
    this.expected = details.expected;
    this.found = details.found;
  }
}

/** A value (option, config field, argument) is outside its valid range or of the wrong kind. */
export class ValidationError extends SnnError {}

/** Array shapes disagree with each other or with the data length. */
export class ShapeError extends SnnError {}

/** A file is missing, truncated, corrupt, or of an unsupported format. */
export class FileFormatError extends SnnError {}

/** A checksum (e.g. md5 of a dataset file) does not match the expected value. */
export class ChecksumError extends SnnError {}

/** A requested compute backend cannot start here; the message says why. */
export class BackendError extends SnnError {}

/** A checkpoint is missing, incomplete, or belongs to another model. */
export class CheckpointError extends SnnError {}

/** Numbers went bad (NaN or infinite weights, states or losses). */
export class NumericError extends SnnError {}

/** Longest rendering {@link describeValue} returns, in characters. */
const DESCRIBE_MAX_CHARS = 120;
/** Array items and object keys shown per level by {@link describeValue}. */
const DESCRIBE_MAX_ITEMS = 8;
/** Nesting levels shown by {@link describeValue}; deeper values render as `…`. */
const DESCRIBE_MAX_DEPTH = 4;

function describeNested(value: unknown, depth: number): string {
  if (typeof value === 'string') return JSON.stringify(value.length > DESCRIBE_MAX_CHARS ? `${value.slice(0, DESCRIBE_MAX_CHARS)}…` : value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null) return String(value);
  if (typeof value !== 'object') return typeof value;
  if (depth >= DESCRIBE_MAX_DEPTH) return Array.isArray(value) ? '[…]' : '{…}';
  if (Array.isArray(value)) {
    const items = value.slice(0, DESCRIBE_MAX_ITEMS).map((item) => describeNested(item, depth + 1));
    return `[${items.join(', ')}${value.length > DESCRIBE_MAX_ITEMS ? ', …' : ''}]`;
  }
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.byteLength} bytes)`;
  const keys = Object.keys(value);
  const parts = keys.slice(0, DESCRIBE_MAX_ITEMS).map((key) => `${JSON.stringify(key)}:${describeNested((value as Record<string, unknown>)[key], depth + 1)}`);
  return `{${parts.join(',')}${keys.length > DESCRIBE_MAX_ITEMS ? ',…' : ''}}`;
}

/**
 * Renders a value briefly for an error message.
 *
 * @remarks
 * Bounded whatever the value: at most 8 items or keys per level, 4 levels deep and
 * 120 characters in all, without recursion deeper than that, so a hostile file
 * (e.g. a JSON header nested thousands of brackets deep) cannot make the error
 * formatter itself fail.
 */
export function describeValue(value: unknown): string {
  const text = describeNested(value, 0);
  return text.length > DESCRIBE_MAX_CHARS ? `${text.slice(0, DESCRIBE_MAX_CHARS)}…` : text;
}
