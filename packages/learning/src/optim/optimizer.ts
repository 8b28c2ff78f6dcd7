import { ShapeError, ValidationError } from '@snn/core';
import type { Parameter } from './parameter.js';

/** Which optimiser wrote an {@link OptimizerState}. */
export type OptimizerKind = 'adam' | 'sgd';

/** The buffers an optimiser keeps for one parameter, matched by name on restore. */
export interface ParameterSlotState {
  /** Name of the parameter these buffers belong to. */
  readonly name: string;
  /**
   * Per-parameter buffers, each as long as the parameter: Adam keeps `m`
   * (first moment) and `v` (second moment); SGD with momentum keeps
   * `momentum` once the first step has been taken.
   */
  readonly buffers: Readonly<Record<string, Float32Array>>;
}

/**
 * Everything an optimiser needs to continue exactly where it stopped.
 *
 * @remarks
 * Plain data (numbers, strings and Float32Arrays) so that a checkpoint can
 * store it; the arrays are copies, so later steps do not change a saved state.
 */
export interface OptimizerState {
  /** The optimiser that wrote the state; restoring into another kind fails. */
  readonly kind: OptimizerKind;
  /** Number of `step()` calls taken so far (Adam's bias correction uses it). */
  readonly step: number;
  /** Learning rate at the time of saving (schedules change it). */
  readonly lr: number;
  /** The other hyper-parameters (e.g. `beta1`, `momentum`, `nesterov`), restored with the state. */
  readonly hyperparameters: Readonly<Record<string, number | boolean>>;
  /** Buffers per parameter, in the optimiser's parameter order. */
  readonly params: readonly ParameterSlotState[];
}

/**
 * What schedules and training loops need from an optimiser.
 *
 * @remarks
 * Implemented by {@link Adam} and {@link Sgd}. `lr` may be set between steps
 * (that is how the learning-rate schedules work).
 */
export interface Optimizer {
  /** The parameters this optimiser updates. */
  readonly params: readonly Parameter[];
  /** Learning rate used by the next `step()`; setting it accepts any finite value ≥ 0. */
  lr: number;
  /** Updates every parameter's `value` from its `grad`. */
  step(): void;
  /** Sets every parameter's `grad` to zero. */
  zeroGrad(): void;
  /** A copy of the optimiser's state, for checkpoints. */
  getState(): OptimizerState;
  /** Restores a state saved by `getState()` from an optimiser of the same kind and parameters. */
  setState(state: OptimizerState): void;
}

/** Throws a ValidationError unless `value` is a finite number satisfying `ok`. */
export function checkNumber(value: unknown, field: string, expected: string, ok: (x: number) => boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new ValidationError('invalid option', { field, expected, found: String(value) });
  }
  return value;
}

/** Checks a learning rate set between steps: finite and ≥ 0 (schedules may reach 0). */
export function checkLearningRate(value: unknown, field: string): number {
  return checkNumber(value, field, 'a finite number >= 0', (x) => x >= 0);
}

/** Sets every gradient to zero. */
export function zeroGradients(params: readonly Parameter[]): void {
  for (const p of params) p.grad.fill(0);
}

/** Validates the common part of an optimiser state against the live parameters. */
export function checkStateHeader(state: OptimizerState, kind: OptimizerKind, owner: string, params: readonly Parameter[]): void {
  if (state === null || typeof state !== 'object') {
    throw new ValidationError('invalid optimizer state', { field: owner, expected: 'an object from getState()', found: String(state) });
  }
  if (state.kind !== kind) {
    throw new ValidationError('optimizer state of another kind', { field: `${owner}.state.kind`, expected: JSON.stringify(kind), found: JSON.stringify(state.kind) });
  }
  checkNumber(state.step, `${owner}.state.step`, 'a non-negative integer', (x) => Number.isInteger(x) && x >= 0);
  checkLearningRate(state.lr, `${owner}.state.lr`);
  if (!Array.isArray(state.params) || state.params.length !== params.length) {
    throw new ShapeError('optimizer state has a different number of parameters', {
      field: `${owner}.state.params`,
      expected: `${params.length}`,
      found: Array.isArray(state.params) ? `${state.params.length}` : String(state.params),
    });
  }
  for (let i = 0; i < params.length; i++) {
    const found = state.params[i]?.name;
    if (found !== params[i].name) {
      throw new ValidationError('optimizer state belongs to other parameters', {
        field: `${owner}.state.params[${i}].name`,
        expected: JSON.stringify(params[i].name),
        found: JSON.stringify(found),
      });
    }
  }
}

/** Returns the named buffer of a saved slot after checking that it fits the parameter. */
export function checkBuffer(state: OptimizerState, index: number, buffer: string, param: Parameter): Float32Array {
  const b = state.params[index].buffers?.[buffer];
  if (!(b instanceof Float32Array)) {
    throw new ValidationError('optimizer state lacks a buffer', {
      field: `${param.name}.${buffer}`,
      expected: 'a Float32Array',
      found: b === undefined ? 'nothing' : typeof b,
    });
  }
  if (b.length !== param.value.length) {
    throw new ShapeError('optimizer buffer length differs from the parameter', {
      field: `${param.name}.${buffer}`,
      expected: `${param.value.length}`,
      found: `${b.length}`,
    });
  }
  return b;
}
