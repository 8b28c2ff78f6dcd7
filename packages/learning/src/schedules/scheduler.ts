import { ValidationError } from '@snn/core';
import type { Optimizer } from '../optim/optimizer.js';

/** Which schedule wrote an {@link LrSchedulerState}. */
export type LrSchedulerKind = 'step-lr' | 'cosine-annealing-lr' | 'reduce-lr-on-plateau';

/**
 * A schedule's progress, as plain numbers so that a checkpoint can store it.
 *
 * @remarks
 * `options` are the constructor options; restoring a state into a schedule
 * built with other options fails, because the continuation would differ.
 * The optimiser's learning rate itself is part of the optimiser's state
 * ({@link OptimizerState}): restore both to resume.
 */
export interface LrSchedulerState {
  /** The schedule that wrote the state. */
  readonly kind: LrSchedulerKind;
  /** Number of `step()` calls so far (epochs completed). */
  readonly lastEpoch: number;
  /** The constructor options, resolved with their defaults. */
  readonly options: Readonly<Record<string, number | string>>;
  /** The schedule's own counters (e.g. `baseLr`, `best`, `numBadEpochs`); `null` stands for "none yet". */
  readonly values: Readonly<Record<string, number | null>>;
}

/**
 * A learning-rate schedule: changes `optimizer.lr` once per epoch.
 *
 * @remarks
 * Call `step()` once at the end of every epoch, after the optimiser's steps
 * (as in PyTorch); the new rate applies to the next epoch.
 */
export interface LrScheduler {
  /** The optimiser whose `lr` the schedule sets. */
  readonly optimizer: Optimizer;
  /** Number of `step()` calls so far (epochs completed). */
  readonly lastEpoch: number;
  /** The optimiser's current learning rate. */
  readonly lr: number;
  /**
   * Advances one epoch and updates the optimiser's learning rate.
   * @param metric - the monitored value (validation loss or accuracy); required by {@link ReduceLrOnPlateau}, ignored by the others
   */
  step(metric?: number): void;
  /** A copy of the schedule's state. */
  getState(): LrSchedulerState;
  /** Restores a state from `getState()` of a schedule of the same kind and options. */
  setState(state: LrSchedulerState): void;
}

/** Throws a ValidationError unless `value` is one of `allowed`. */
export function checkChoice<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError('invalid option', { field, expected: `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, found: String(value) });
  }
  return value as T;
}

/** Checks the header of a saved schedule state: kind, epoch count and identical options. */
export function checkSchedulerState(
  state: LrSchedulerState,
  kind: LrSchedulerKind,
  owner: string,
  options: Readonly<Record<string, number | string>>,
): void {
  if (state === null || typeof state !== 'object') {
    throw new ValidationError('invalid schedule state', { field: owner, expected: 'an object from getState()', found: String(state) });
  }
  if (state.kind !== kind) {
    throw new ValidationError('schedule state of another kind', { field: `${owner}.state.kind`, expected: JSON.stringify(kind), found: JSON.stringify(state.kind) });
  }
  if (!Number.isInteger(state.lastEpoch) || state.lastEpoch < 0) {
    throw new ValidationError('invalid schedule state', { field: `${owner}.state.lastEpoch`, expected: 'a non-negative integer', found: String(state.lastEpoch) });
  }
  for (const [key, value] of Object.entries(options)) {
    const found = state.options?.[key];
    if (found !== value) {
      throw new ValidationError('schedule state was saved with other options', {
        field: `${owner}.state.options.${key}`,
        expected: JSON.stringify(value),
        found: JSON.stringify(found),
      });
    }
  }
}

/** Reads a finite number (or null when `nullable`) from a saved state's values. */
export function readValue(state: LrSchedulerState, key: string, owner: string, nullable = false): number | null {
  const value = state.values?.[key];
  if (value === null && nullable) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError('invalid schedule state', {
      field: `${owner}.state.values.${key}`,
      expected: nullable ? 'a finite number or null' : 'a finite number',
      found: String(value),
    });
  }
  return value;
}
