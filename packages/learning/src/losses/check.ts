import { NumericError, ShapeError, ValidationError } from '@snn/core';

/** Checks batch/classes and the lengths of the arrays a loss reads and writes. */
export function checkLossShapes(
  owner: string,
  input: ArrayLike<number>,
  inputName: string,
  labels: ArrayLike<number>,
  batch: number,
  classes: number,
  gradOut: Float32Array | undefined,
): void {
  if (!Number.isInteger(batch) || batch <= 0) {
    throw new ValidationError('invalid batch size', { field: `${owner}.batch`, expected: 'a positive integer', found: String(batch) });
  }
  if (!Number.isInteger(classes) || classes <= 0) {
    throw new ValidationError('invalid number of classes', { field: `${owner}.classes`, expected: 'a positive integer', found: String(classes) });
  }
  if (input.length !== batch * classes) {
    throw new ShapeError(`${inputName} length does not match batch × classes`, {
      field: `${owner}.${inputName}`,
      expected: `${batch * classes} (${batch} × ${classes})`,
      found: `${input.length}`,
    });
  }
  if (labels.length !== batch) {
    throw new ShapeError('one label per example needed', { field: `${owner}.labels`, expected: `${batch}`, found: `${labels.length}` });
  }
  if (gradOut !== undefined && gradOut.length !== batch * classes) {
    throw new ShapeError('gradient buffer length does not match batch × classes', {
      field: `${owner}.gradOut`,
      expected: `${batch * classes}`,
      found: `${gradOut.length}`,
    });
  }
}

/** Returns labels[b] after checking it is an integer class index. */
export function checkLabel(owner: string, labels: ArrayLike<number>, b: number, classes: number): number {
  const y = labels[b];
  if (!Number.isInteger(y) || y < 0 || y >= classes) {
    throw new ValidationError('label out of range', { field: `${owner}.labels[${b}]`, expected: `an integer in [0, ${classes})`, found: String(y) });
  }
  return y;
}

/** Throws a NumericError naming the element when `x` is NaN or infinite. */
export function checkFiniteAt(owner: string, name: string, x: number, index: number): void {
  if (x - x !== 0) {
    throw new NumericError('non-finite value', { field: `${owner}.${name}[${index}]`, expected: 'a finite number', found: String(x) });
  }
}
