import { ValidationError } from '@snn/core';
import type { z } from 'zod';

/**
 * Memory a run's settings may ask for, by estimate, before anything is allocated: 8 GiB.
 *
 * @remarks
 * Each app states what it estimates (its largest arrays, e.g. the states BPTT keeps over the
 * time steps of a batch) and checks the estimate against this budget when a config is
 * validated, so a setting such as `hidden_size: 1e9` is an error naming the field instead of a
 * `RangeError` or an out-of-memory crash minutes later.
 */
export const MEMORY_BUDGET_BYTES = 8 * 2 ** 30;

/**
 * Renders a byte count with a binary unit (`1.5 GiB`, `300 MiB`, `12 KiB`, `100 bytes`).
 *
 * @param bytes - a byte count
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} bytes`;
  const units = ['TiB', 'GiB', 'MiB', 'KiB'];
  for (let k = 0; k < units.length; k++) {
    const size = 2 ** (10 * (units.length - k));
    if (bytes >= size) return `${Number((bytes / size).toPrecision(3))} ${units[k]}`;
  }
  return `${bytes} bytes`;
}

/** A memory estimate of some settings and the field most to blame. */
export interface MemoryEstimate {
  /** Estimated bytes. */
  readonly bytes: number;
  /** Path of the field the error names (e.g. `['model', 'hidden_size']`). */
  readonly path: readonly (string | number)[];
  /** What was estimated, in words with the formula (e.g. `BPTT states: batch_size × num_steps × neurons × 12 bytes`). */
  readonly what: string;
}

/** The "expected" text of an estimate over the budget. */
function expectedText(estimate: MemoryEstimate, budget: number): string {
  return `settings whose ${estimate.what} fit in ${formatBytes(budget)} (estimate ${formatBytes(estimate.bytes)})`;
}

/**
 * Adds a config issue on `estimate.path` when the estimate exceeds the budget; for a zod
 * `superRefine` of an app's config schema.
 *
 * @param ctx - the refinement context
 * @param estimate - bytes, the field to name and what was estimated
 * @param budget - bytes allowed (default {@link MEMORY_BUDGET_BYTES})
 * @example
 * ```ts
 * schema.superRefine((c, ctx) =>
 *   checkMemoryEstimate(ctx, { bytes: c.batch * c.steps * c.hidden * 12, path: ['hidden'], what: 'BPTT states' }));
 * // field hidden: expected settings whose BPTT states fit in 8 GiB (estimate 37.3 GiB), found 100000
 * ```
 */
export function checkMemoryEstimate(ctx: z.RefinementCtx, estimate: MemoryEstimate, budget: number = MEMORY_BUDGET_BYTES): void {
  if (!(estimate.bytes <= budget)) ctx.addIssue({ code: 'custom', path: [...estimate.path], message: `expected ${expectedText(estimate, budget)}` });
}

/**
 * Throws a `ValidationError` (of `@snn/core`) naming `field` when the estimate exceeds the budget; for
 * settings that do not come through a config schema (command-line flags, function options).
 *
 * @param estimate - bytes and what was estimated (`path` is not used)
 * @param field - the setting to name (e.g. `--example-time`)
 * @param found - the value found, as written
 * @param budget - bytes allowed (default {@link MEMORY_BUDGET_BYTES})
 * @throws ValidationError when `estimate.bytes > budget`
 */
export function assertMemoryEstimate(estimate: Omit<MemoryEstimate, 'path'>, field: string, found: string, budget: number = MEMORY_BUDGET_BYTES): void {
  if (!(estimate.bytes <= budget)) {
    throw new ValidationError('settings need too much memory', { field, expected: expectedText({ ...estimate, path: [] }, budget), found });
  }
}

/**
 * True when every field of `values` named in `limits` is a finite number at most its limit (fields
 * absent from `values` are ignored). Zod runs an object's refinements even when one of its fields
 * failed; a memory estimate first checks with this that its inputs are valid and in bounds.
 *
 * @param values - e.g. a config's `model` section
 * @param limits - field name → largest allowed value
 */
export function withinLimits(values: object, limits: Readonly<Record<string, number>>): boolean {
  const record = values as Record<string, unknown>;
  return Object.entries(limits).every(([key, max]) => !(key in record) || (typeof record[key] === 'number' && Number.isFinite(record[key]) && (record[key] as number) <= max));
}
