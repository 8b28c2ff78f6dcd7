import { ShapeError, ValidationError } from '@snn/core';

/** Checks the sizes and array lengths of a dense layer call. */
export function checkDenseShapes(
  owner: string,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  batch: number,
  inputs: number,
  outputs: number,
): void {
  for (const [name, v] of [['batch', batch], ['inputs', inputs], ['outputs', outputs]] as const) {
    if (!Number.isInteger(v) || v <= 0) {
      throw new ValidationError('invalid size', { field: `${owner}.${name}`, expected: 'a positive integer', found: String(v) });
    }
  }
  checkLength(owner, 'x', x, batch * inputs, `${batch} × ${inputs}`);
  checkLength(owner, 'weight', weight, outputs * inputs, `${outputs} × ${inputs}`);
  checkLength(owner, 'bias', bias, outputs, `${outputs}`);
}

/** Throws a ShapeError unless `a.length === n`. */
export function checkLength(owner: string, name: string, a: ArrayLike<number>, n: number, what: string): void {
  if (a.length !== n) {
    throw new ShapeError(`${name} has the wrong length`, { field: `${owner}.${name}`, expected: `${n} (${what})`, found: `${a.length}` });
  }
}
