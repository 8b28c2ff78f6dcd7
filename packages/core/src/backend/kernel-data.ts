import { BackendError, ShapeError, describeValue } from '../errors/errors.js';
import { shapeSize } from '../tensor/tensor.js';

/**
 * A flat array tagged with its shape, in the form gpu.js kernels read as a
 * 1-, 2- or 3-dimensional argument: a gpu.js backend's runner hands it to
 * gpu.js as its `Input` (so building one does not load gpu.js).
 */
export interface KernelInput {
  /** The values, row-major. */
  readonly value: Float32Array;
  /** gpu.js size `[x, y, z]`: the row-major shape reversed (innermost dimension first). */
  readonly size: number[];
}

/**
 * Wraps a flat row-major array so that a gpu.js kernel reads it as
 * `x[i]`, `x[row][col]` or `x[plane][row][col]`, without building nested arrays.
 *
 * @param data - the values, row-major
 * @param shape - the row-major shape, 1 to 3 dimensions (e.g. `[batch, inputs]`)
 * @throws {@link ShapeError} when the shape has 0 or more than 3 dimensions, or its size is not `data.length`
 * @example
 * ```ts
 * const x = kernelInput(new Float32Array(6), [2, 3]); // read in a kernel as x[row][col]
 * x.size; // [3, 2]
 * ```
 */
export function kernelInput(data: Float32Array, shape: readonly number[]): KernelInput {
  if (shape.length < 1 || shape.length > 3) {
    throw new ShapeError('gpu.js kernel arguments have 1 to 3 dimensions', {
      field: 'shape',
      expected: '1 to 3 dimensions',
      found: `[${shape.join(', ')}]`,
    });
  }
  if (shapeSize(shape) !== data.length) {
    throw new ShapeError('data length does not match shape', {
      field: 'shape',
      expected: `${shapeSize(shape)} values for shape [${shape.join(', ')}]`,
      found: `${data.length}`,
    });
  }
  return new KernelInputArray(data, [...shape].reverse());
}

/** The class behind {@link KernelInput}, recognised by the gpu.js runner. */
export class KernelInputArray implements KernelInput {
  constructor(
    readonly value: Float32Array,
    readonly size: number[],
  ) {}
}

function collectLeaves(value: unknown, leaves: ArrayLike<number>[]): void {
  if (value instanceof Float32Array) {
    leaves.push(value);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length > 0 && typeof value[0] === 'number') {
      leaves.push(value as number[]);
      return;
    }
    for (const item of value) collectLeaves(item, leaves);
    return;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array)) {
    leaves.push(value as unknown as ArrayLike<number>);
    return;
  }
  throw new BackendError('cannot flatten kernel output', {
    expected: 'a number, a Float32Array, or nested arrays of them',
    found: describeValue(value),
  });
}

/**
 * Turns a gpu.js kernel output (a number, a `Float32Array`, or nested arrays of
 * rows) into one row-major `Float32Array`.
 *
 * @remarks
 * A `Float32Array` is returned as is, and rows that already lie back to back in
 * one buffer (as gpu.js's WebAssembly kernels return them) are viewed, not
 * copied; otherwise the rows are copied into a new array. A pipeline result
 * (an object with `toArray()`) is read back first when that is synchronous.
 *
 * @param out - what a kernel runner resolved to
 * @throws {@link BackendError} for values that are not kernel outputs, or a pipeline result whose readback is asynchronous
 */
export function flattenKernelOutput(out: unknown): Float32Array {
  if (out instanceof Float32Array) return out;
  if (typeof out === 'number') return Float32Array.of(out);
  if (out !== null && typeof out === 'object' && !Array.isArray(out) && !ArrayBuffer.isView(out)) {
    const toArray = (out as { toArray?: unknown }).toArray;
    if (typeof toArray === 'function') {
      const read = toArray.call(out) as unknown;
      if (read instanceof Promise) {
        throw new BackendError('pipeline output reads back asynchronously', {
          expected: 'the awaited result of output.toArray()',
          found: 'a Promise',
        });
      }
      return flattenKernelOutput(read);
    }
  }
  const leaves: ArrayLike<number>[] = [];
  collectLeaves(out, leaves);
  let total = 0;
  for (const leaf of leaves) total += leaf.length;
  const first = leaves[0];
  if (first instanceof Float32Array) {
    let contiguous = true;
    let nextOffset = first.byteOffset;
    for (const leaf of leaves) {
      if (!(leaf instanceof Float32Array) || leaf.buffer !== first.buffer || leaf.byteOffset !== nextOffset) {
        contiguous = false;
        break;
      }
      nextOffset += leaf.byteLength;
    }
    if (contiguous) return new Float32Array(first.buffer, first.byteOffset, total);
  }
  const flat = new Float32Array(total);
  let at = 0;
  for (const leaf of leaves) {
    if (leaf instanceof Float32Array) flat.set(leaf, at);
    else for (let i = 0; i < leaf.length; i++) flat[at + i] = leaf[i];
    at += leaf.length;
  }
  return flat;
}
