import type { Gemm } from '../gemm/gemm.js';
import { checkDenseShapes, checkLength } from './check.js';

/**
 * Dense layer forward pass `y = x·Wᵀ + b` by {@link Gemm}: the fast path of {@link Mlp} and {@link Cnn}, equal to
 * {@link denseForwardReference} up to float32 rounding.
 *
 * @param gemm - the matrix-product engine
 * @param x - inputs, `[batch, inputs]`
 * @param weight - weights, `[outputs, inputs]`
 * @param bias - biases, `[outputs]`
 * @param batch - number of examples
 * @param inputs - input features per example
 * @param outputs - output features per example
 * @returns a new `[batch, outputs]` array
 * @throws `ShapeError` when an array's length does not match the sizes
 */
export function denseForwardGemm(gemm: Gemm, x: Float32Array, weight: Float32Array, bias: Float32Array, batch: number, inputs: number, outputs: number): Float32Array {
  checkDenseShapes('denseForwardGemm', x, weight, bias, batch, inputs, outputs);
  const y = new Float32Array(batch * outputs);
  for (let n = 0; n < batch; n++) y.set(bias, n * outputs);
  gemm.multiply({ transA: false, transB: true, m: batch, n: outputs, k: inputs, a: x, lda: inputs, b: weight, ldb: inputs, c: y, ldc: outputs, accumulate: true });
  return y;
}

/**
 * Dense layer backward pass by {@link Gemm}: `dW += gᵀ·x`, `db += Σ_n g`, and `dx = g·W` when `gradInput` is given;
 * equal to {@link denseBackwardReference} up to float32 rounding.
 *
 * @param gemm - the matrix-product engine
 * @param x - the inputs of the forward pass, `[batch, inputs]`
 * @param weight - weights, `[outputs, inputs]`
 * @param gradOutput - dL/dy, `[batch, outputs]`
 * @param batch - number of examples
 * @param inputs - input features per example
 * @param outputs - output features per example
 * @param gradWeight - receives dL/dW, added to what is there
 * @param gradBias - receives dL/db, added to what is there
 * @param gradInput - when given, overwritten with dL/dx, `[batch, inputs]`
 * @throws `ShapeError` when an array's length does not match the sizes
 */
export function denseBackwardGemm(
  gemm: Gemm,
  x: Float32Array,
  weight: Float32Array,
  gradOutput: Float32Array,
  batch: number,
  inputs: number,
  outputs: number,
  gradWeight: Float32Array,
  gradBias: Float32Array,
  gradInput?: Float32Array,
): void {
  const owner = 'denseBackwardGemm';
  checkDenseShapes(owner, x, weight, gradBias, batch, inputs, outputs);
  checkLength(owner, 'gradOutput', gradOutput, batch * outputs, `${batch} × ${outputs}`);
  checkLength(owner, 'gradWeight', gradWeight, outputs * inputs, `${outputs} × ${inputs}`);
  for (let n = 0; n < batch; n++) {
    const row = n * outputs;
    for (let j = 0; j < outputs; j++) gradBias[j] += gradOutput[row + j];
  }
  gemm.multiply({ transA: true, transB: false, m: outputs, n: inputs, k: batch, a: gradOutput, lda: outputs, b: x, ldb: inputs, c: gradWeight, ldc: inputs, accumulate: true });
  if (gradInput) {
    checkLength(owner, 'gradInput', gradInput, batch * inputs, `${batch} × ${inputs}`);
    gemm.multiply({ transA: false, transB: false, m: batch, n: inputs, k: outputs, a: gradOutput, lda: outputs, b: weight, ldb: inputs, c: gradInput, ldc: inputs, accumulate: false });
  }
}
