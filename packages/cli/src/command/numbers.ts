import { Option } from 'commander';
import { UsageError } from './usage-error.js';

/** Kinds of numbers a command-line flag can require. */
export type NumberKind = 'number' | 'positive' | 'nonNegative' | 'unitInterval' | 'int' | 'positiveInt' | 'nonNegativeInt';

const DESCRIPTIONS: Record<NumberKind, string> = {
  number: 'a number',
  positive: 'a positive number',
  nonNegative: 'a non-negative number',
  unitInterval: 'a number in [0, 1]',
  int: 'an integer',
  positiveInt: 'a positive integer',
  nonNegativeInt: 'a non-negative integer',
};

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses the text of a command-line value as a number of the given kind.
 *
 * @param text - the text the user typed
 * @param kind - what the number must be
 * @param name - the flag or argument name for the message, e.g. `--epochs`
 * @param max - largest value accepted (a bound for size-like flags); default none
 * @returns the number
 * @throws {@link UsageError} such as `--epochs must be a positive integer, found "abc"`
 * @example
 * ```ts
 * parseNumberArg('5', 'positiveInt', '--epochs');   // 5
 * parseNumberArg('0.5', 'positiveInt', '--epochs'); // throws: --epochs must be a positive integer, found "0.5"
 * ```
 */
export function parseNumberArg(text: string, kind: NumberKind, name: string, max?: number): number {
  const trimmed = text.trim();
  const value = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
  let ok = Number.isFinite(value);
  if (ok) {
    switch (kind) {
      case 'positive':
        ok = value > 0;
        break;
      case 'nonNegative':
        ok = value >= 0;
        break;
      case 'unitInterval':
        ok = value >= 0 && value <= 1;
        break;
      case 'int':
        ok = Number.isSafeInteger(value);
        break;
      case 'positiveInt':
        ok = Number.isSafeInteger(value) && value >= 1;
        break;
      case 'nonNegativeInt':
        ok = Number.isSafeInteger(value) && value >= 0;
        break;
      case 'number':
        break;
    }
  }
  if (ok && max !== undefined) ok = value <= max;
  if (!ok) {
    const found = JSON.stringify(text);
    const expected = max === undefined ? DESCRIPTIONS[kind] : `${DESCRIPTIONS[kind]} <= ${max}`;
    throw new UsageError(`${name} must be ${expected}, found ${found}`, { field: name, expected, found });
  }
  return Object.is(value, -0) ? 0 : value;
}

/**
 * A commander option whose value is parsed by {@link parseNumberArg}, so a bad value is a
 * {@link UsageError} naming the flag.
 *
 * @param flags - commander flags, e.g. `-e, --epochs <n>`
 * @param description - help text
 * @param kind - what the number must be
 * @param defaultValue - value when the flag is not given (shown in `--help`); default none
 * @param max - largest value accepted (bound every size-like flag: threads, folds, sizes); default none
 * @example
 * ```ts
 * program.addOption(numberOption('--epochs <n>', 'training epochs', 'positiveInt', 3));
 * ```
 */
export function numberOption(flags: string, description: string, kind: NumberKind, defaultValue?: number, max?: number): Option {
  const option = new Option(flags, description);
  const name = option.long ?? option.short ?? option.name();
  option.argParser((value: string) => parseNumberArg(value, kind, name, max));
  if (defaultValue !== undefined) option.default(defaultValue);
  return option;
}
