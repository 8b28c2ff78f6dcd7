import { NumericError, ShapeError, ValidationError } from '@snn/core';

/**
 * A trainable tensor: its values and the gradient of the loss with respect to them.
 *
 * @remarks
 * `value` and `grad` have the same length, the product of `shape`, and are
 * row-major like every tensor of the toolkit. A model's backward pass adds
 * (or writes) into `grad`; an optimiser reads `grad` and updates `value` in
 * place. The `name` is stable (e.g. `"fc1.weight"`) so that optimiser state
 * and checkpoints can be matched to parameters by name.
 */
export interface Parameter {
  /** Stable name used in checkpoints and error messages (e.g. `"fc1.weight"`). */
  readonly name: string;
  /** The values, row-major; updated in place by optimisers. */
  readonly value: Float32Array;
  /** d(loss)/d(value), same length as `value`; cleared by `zeroGrad()`. */
  readonly grad: Float32Array;
  /** Size of each dimension; the product equals `value.length`. */
  readonly shape: readonly number[];
}

/**
 * Makes a {@link Parameter} with a zero gradient.
 *
 * @param name - stable, non-empty name (e.g. `"fc1.weight"`)
 * @param shape - size of each dimension (positive integers)
 * @param init - initial values; used as the value array itself (not copied), so
 *   a layer can share its weight array with the optimiser. Default: zeros.
 * @throws `ValidationError` for an empty name;
 *   `ShapeError` for a bad shape or an `init` of the wrong length
 * @example
 * ```ts
 * const w = createParameter('fc1.weight', [2, 3]);
 * w.value.length; // 6
 * ```
 */
export function createParameter(name: string, shape: readonly number[], init?: Float32Array): Parameter {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ValidationError('invalid parameter name', { field: 'name', expected: 'a non-empty string', found: JSON.stringify(name) });
  }
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d <= 0) {
      throw new ShapeError('invalid parameter shape', {
        field: `${name}.shape`,
        expected: 'positive integer sizes',
        found: `[${shape.join(', ')}]`,
      });
    }
    size *= d;
  }
  if (init !== undefined && !(init instanceof Float32Array)) {
    throw new ValidationError('invalid initial values', { field: `${name}.value`, expected: 'a Float32Array', found: typeof init });
  }
  if (init !== undefined && init.length !== size) {
    throw new ShapeError('initial values do not match the shape', {
      field: `${name}.value`,
      expected: `${size} values for shape [${shape.join(', ')}]`,
      found: `${init.length}`,
    });
  }
  return { name, value: init ?? new Float32Array(size), grad: new Float32Array(size), shape: [...shape] };
}

/**
 * Throws a `NumericError` naming the first parameter and index whose gradient is NaN or infinite.
 *
 * @param params - the parameters to check
 * @throws `NumericError` e.g. `field fc1.weight.grad[12]: non-finite gradient; expected a finite number, found NaN`
 */
export function assertFiniteGradients(params: readonly Parameter[]): void {
  for (const p of params) {
    const g = p.grad;
    for (let i = 0; i < g.length; i++) {
      const x = g[i];
      // x - x is NaN for NaN and ±Infinity, 0 otherwise: one cheap test in the hot loop.
      if (x - x !== 0) {
        throw new NumericError('non-finite gradient', { field: `${p.name}.grad[${i}]`, expected: 'a finite number', found: String(x) });
      }
    }
  }
}

/** Checks a parameter list for an optimiser: non-empty, unique names, matching lengths. */
export function checkParameterList(params: readonly Parameter[], owner: string): void {
  if (!Array.isArray(params) || params.length === 0) {
    throw new ValidationError('no parameters to optimise', {
      field: `${owner}.params`,
      expected: 'a non-empty array of parameters',
      found: Array.isArray(params) ? 'an empty array' : typeof params,
    });
  }
  const seen = new Set<string>();
  for (const p of params) {
    if (seen.has(p.name)) {
      throw new ValidationError('duplicate parameter name', { field: `${owner}.params`, expected: 'unique names', found: JSON.stringify(p.name) });
    }
    seen.add(p.name);
    if (p.grad.length !== p.value.length) {
      throw new ShapeError('gradient length differs from value length', {
        field: `${p.name}.grad`,
        expected: `${p.value.length}`,
        found: `${p.grad.length}`,
      });
    }
  }
}
