import { z } from 'zod';

/**
 * A number schema whose every failure (wrong type, NaN, infinite, out of range) reports
 * `expected <description>`; the building block of the field helpers below.
 *
 * @remarks
 * A custom zod error message that starts with `expected ` is read by {@link parseConfig} as the
 * "expected" part of the issue, and the value found is added after it. Use the same convention in
 * app schemas: `z.string({ error: 'expected a path to a PNG file' })`.
 */
function describedNumber(description: string): z.ZodNumber {
  return z.number({ error: `expected ${description}` });
}

function intervalText(min: number, max: number, minExclusive: boolean, maxExclusive: boolean): string {
  return `${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
}

/**
 * A finite number of any sign.
 *
 * @example
 * ```ts
 * z.strictObject({ biasMv: finiteNumber() });
 * ```
 */
export function finiteNumber(): z.ZodNumber {
  return describedNumber('a number');
}

/**
 * An integer of any sign (safe integer range).
 *
 * @example
 * ```ts
 * z.strictObject({ offset: integer() });
 * ```
 */
export function integer(): z.ZodNumber {
  const message = 'expected an integer';
  return describedNumber('an integer').int({ error: message });
}

/**
 * An integer ≥ 1, e.g. a layer size, a number of epochs or time steps.
 *
 * @example
 * ```ts
 * z.strictObject({ hidden_size: positiveInt().default(256) });
 * // hidden_size: 0  ->  field model.hidden_size: expected a positive integer, found 0
 * ```
 */
export function positiveInt(): z.ZodNumber {
  const message = 'expected a positive integer';
  return describedNumber('a positive integer').int({ error: message }).min(1, { error: message });
}

/**
 * An integer ≥ 0, e.g. a number of warm-up epochs or a seed.
 *
 * @example
 * ```ts
 * z.strictObject({ warmup_epochs: nonNegativeInt().default(0) });
 * ```
 */
export function nonNegativeInt(): z.ZodNumber {
  const message = 'expected a non-negative integer';
  return describedNumber('a non-negative integer').int({ error: message }).min(0, { error: message });
}

/**
 * A number > 0, e.g. a learning rate or a time constant in ms.
 *
 * @example
 * ```ts
 * z.strictObject({ lr: positive().default(1e-3), tau_mem_ms: positive() });
 * ```
 */
export function positive(): z.ZodNumber {
  const message = 'expected a positive number';
  return describedNumber('a positive number').gt(0, { error: message });
}

/**
 * A number ≥ 0, e.g. a weight decay or a refractory period in ms.
 *
 * @example
 * ```ts
 * z.strictObject({ weight_decay: nonNegative().default(0) });
 * ```
 */
export function nonNegative(): z.ZodNumber {
  const message = 'expected a non-negative number';
  return describedNumber('a non-negative number').min(0, { error: message });
}

/**
 * A number in [0, 1], e.g. a decay factor `beta`, a probability or a data proportion.
 *
 * @example
 * ```ts
 * z.strictObject({ beta: unitInterval().default(0.95) });
 * // beta: 1.5  ->  field model.beta: expected a number in [0, 1], found 1.5
 * ```
 */
export function unitInterval(): z.ZodNumber {
  return numberInRange(0, 1);
}

/** Options of {@link numberInRange}. */
export interface RangeOptions {
  /** Exclude the lower bound (`(min, …`); default false. */
  readonly minExclusive?: boolean;
  /** Exclude the upper bound (`…, max)`); default false. */
  readonly maxExclusive?: boolean;
}

/**
 * A number in `[min, max]` (bounds included unless excluded by `options`).
 *
 * @param min - lower bound
 * @param max - upper bound
 * @param options - which bounds are excluded
 * @example
 * ```ts
 * z.strictObject({ dropout: numberInRange(0, 1, { maxExclusive: true }) });
 * // dropout: 1  ->  expected a number in [0, 1), found 1
 * ```
 */
export function numberInRange(min: number, max: number, options: RangeOptions = {}): z.ZodNumber {
  const minExclusive = options.minExclusive ?? false;
  const maxExclusive = options.maxExclusive ?? false;
  const description = `a number in ${intervalText(min, max, minExclusive, maxExclusive)}`;
  const message = `expected ${description}`;
  const low = describedNumber(description);
  const lowChecked = minExclusive ? low.gt(min, { error: message }) : low.min(min, { error: message });
  return maxExclusive ? lowChecked.lt(max, { error: message }) : lowChecked.max(max, { error: message });
}

/**
 * An integer in `[min, max]`, both included.
 *
 * @param min - smallest allowed value
 * @param max - largest allowed value
 * @example
 * ```ts
 * z.strictObject({ kernel_size: intInRange(1, 15) });
 * ```
 */
export function intInRange(min: number, max: number): z.ZodNumber {
  const description = `an integer in [${min}, ${max}]`;
  const message = `expected ${description}`;
  return describedNumber(description).int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

/**
 * One of a fixed set of strings; a near miss gets a "did you mean" hint.
 *
 * @param values - the allowed strings
 * @example
 * ```ts
 * z.strictObject({ encoding: oneOf(['rate', 'latency']).default('rate') });
 * // encoding: rat  ->  expected one of "rate", "latency", found "rat"; did you mean "rate"?
 * ```
 */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodEnum<{ [K in T[number]]: K }> {
  const list = values.map((v) => JSON.stringify(v)).join(', ');
  return z.enum(values, { error: `expected one of ${list}` }) as unknown as z.ZodEnum<{ [K in T[number]]: K }>;
}
