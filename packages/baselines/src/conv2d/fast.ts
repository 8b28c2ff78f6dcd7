import { ValidationError } from '@snn/core';
import type { Gemm } from '../gemm/gemm.js';
import { checkArray, checkConv2d, type Conv2dShape } from './shape.js';

/**
 * Unrolls image patches into rows (im2col): row `(n, i, j)` of the result holds the K×K×C_in patch under output pixel (i, j).
 *
 * @remarks
 * `cols[((n·H' + i)·W' + j)·(C_in·K²) + (c·K + u)·K + v] = x[n][c][i+u][j+v]`, so
 * the column order `(c, u, v)` matches the flattened filters `W[o]` and the
 * convolution becomes one matrix product `Y = cols · Wᵀ` of size
 * `(N·H'·W') × C_out` (Chellapilla et al., 2006, "High performance
 * convolutional neural networks for document processing").
 *
 * @param x - inputs, `[N, C_in, H, W]`
 * @param shape - sizes; see {@link Conv2dShape}
 * @param cols - receives the rows, `[N·H'·W', C_in·K²]`
 * @throws `ShapeError` when an array's length does not match the shape
 */
export function im2col(x: Float32Array, shape: Conv2dShape, cols: Float32Array): void {
  const [oh, ow] = conv2dSizes('im2col', shape, x);
  const { batch, inChannels: ci, height: h, width: w, kernelSize: k } = shape;
  const kk = ci * k * k;
  checkArray('im2col', 'cols', cols, batch * oh * ow * kk, `${batch * oh * ow} × ${kk}`);
  let row = 0;
  for (let n = 0; n < batch; n++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let d = row;
        for (let c = 0; c < ci; c++) {
          for (let u = 0; u < k; u++) {
            const s = ((n * ci + c) * h + i + u) * w + j;
            for (let v = 0; v < k; v++) cols[d++] = x[s + v];
          }
        }
        row += kk;
      }
    }
  }
}

function conv2dSizes(owner: string, shape: Conv2dShape, x: Float32Array): [number, number] {
  const { outChannels: co, inChannels: ci, kernelSize: k } = shape;
  return checkConv2d(owner, shape, x, { length: co * ci * k * k }, { length: co });
}

/**
 * Convolution forward pass by im2col and {@link Gemm}: the fast path of {@link Cnn}, equal to {@link conv2dForwardReference} up to float32 rounding.
 *
 * @param gemm - the matrix-product engine
 * @param x - inputs, `[N, C_in, H, W]`
 * @param weight - filters, `[C_out, C_in, K, K]`
 * @param bias - biases, `[C_out]`
 * @param shape - sizes; see {@link Conv2dShape}
 * @param cols - receives the im2col rows, `[N·H'·W', C_in·K²]` (kept for the backward pass)
 * @param work - scratch of `N·H'·W'·C_out` floats
 * @returns a new `[N, C_out, H', W']` array
 * @throws `ShapeError` when an array's length does not match the shape
 */
export function conv2dForwardGemm(
  gemm: Gemm,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  shape: Conv2dShape,
  cols: Float32Array,
  work: Float32Array,
): Float32Array {
  const owner = 'conv2dForwardGemm';
  const [oh, ow] = checkConv2d(owner, shape, x, weight, bias);
  const { batch, inChannels: ci, outChannels: co, kernelSize: k } = shape;
  const kk = ci * k * k;
  const p = oh * ow;
  const m = batch * p;
  checkArray(owner, 'work', work, m * co, `${m} × ${co}`);
  im2col(x, shape, cols);
  gemm.multiply({ transA: false, transB: true, m, n: co, k: kk, a: cols, lda: kk, b: weight, ldb: kk, c: work, ldc: co, accumulate: false });
  // [N·P, C_out] → [N, C_out, P], adding the bias.
  const y = new Float32Array(m * co);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < co; o++) {
      const bo = bias[o];
      const dst = (n * co + o) * p;
      let src = n * p * co + o;
      for (let q = 0; q < p; q++, src += co) y[dst + q] = work[src] + bo;
    }
  }
  return y;
}

/**
 * Convolution backward pass by {@link Gemm} over the im2col rows of the forward pass; equal to {@link conv2dBackwardReference} up to float32 rounding.
 *
 * @remarks
 * With `G` = dL/dy rearranged to `[N·H'·W', C_out]`: `dW += Gᵀ · cols`,
 * `db += Σ_rows G`, and `dcols = G · W` scattered back onto the image (col2im)
 * for dL/dx.
 *
 * @param gemm - the matrix-product engine
 * @param cols - the im2col rows of the forward pass, `[N·H'·W', C_in·K²]`
 * @param weight - filters, `[C_out, C_in, K, K]`
 * @param gradOutput - dL/dy, `[N, C_out, H', W']`
 * @param shape - sizes; see {@link Conv2dShape}
 * @param gradWeight - receives dL/dW, added to what is there
 * @param gradBias - receives dL/db, added to what is there
 * @param work - scratch of `N·H'·W'·C_out` floats
 * @param gradInput - when given, overwritten with dL/dx, `[N, C_in, H, W]`; then `colsWork` is needed
 * @param colsWork - scratch of the size of `cols`, needed with `gradInput`
 * @throws `ShapeError` when an array's length does not match the shape
 */
export function conv2dBackwardGemm(
  gemm: Gemm,
  cols: Float32Array,
  weight: Float32Array,
  gradOutput: Float32Array,
  shape: Conv2dShape,
  gradWeight: Float32Array,
  gradBias: Float32Array,
  work: Float32Array,
  gradInput?: Float32Array,
  colsWork?: Float32Array,
): void {
  const owner = 'conv2dBackwardGemm';
  const { batch, inChannels: ci, height: h, width: w, outChannels: co, kernelSize: k } = shape;
  const [oh, ow] = checkConv2d(owner, shape, { length: batch * ci * h * w }, weight, gradBias);
  const kk = ci * k * k;
  const p = oh * ow;
  const m = batch * p;
  checkArray(owner, 'cols', cols, m * kk, `${m} × ${kk}`);
  checkArray(owner, 'gradOutput', gradOutput, m * co, `${batch} × ${co} × ${oh} × ${ow}`);
  checkArray(owner, 'gradWeight', gradWeight, weight.length, `${co} × ${kk}`);
  checkArray(owner, 'work', work, m * co, `${m} × ${co}`);
  // [N, C_out, P] → G = [N·P, C_out]; bias gradient on the way.
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < co; o++) {
      const src = (n * co + o) * p;
      let dst = n * p * co + o;
      let db = 0;
      for (let q = 0; q < p; q++, dst += co) {
        const g = gradOutput[src + q];
        work[dst] = g;
        db += g;
      }
      gradBias[o] += db;
    }
  }
  gemm.multiply({ transA: true, transB: false, m: co, n: kk, k: m, a: work, lda: co, b: cols, ldb: kk, c: gradWeight, ldc: kk, accumulate: true });
  if (!gradInput) return;
  checkArray(owner, 'gradInput', gradInput, batch * ci * h * w, `${batch} × ${ci} × ${h} × ${w}`);
  if (!colsWork) {
    throw new ValidationError('gradInput needs a scratch array', { field: `${owner}.colsWork`, expected: `${m * kk} floats`, found: 'undefined' });
  }
  checkArray(owner, 'colsWork', colsWork, m * kk, `${m} × ${kk}`);
  gemm.multiply({ transA: false, transB: false, m, n: kk, k: co, a: work, lda: co, b: weight, ldb: kk, c: colsWork, ldc: kk, accumulate: false });
  // col2im: scatter-add every patch row back onto the image.
  gradInput.fill(0);
  let row = 0;
  for (let n = 0; n < batch; n++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let s = row;
        for (let c = 0; c < ci; c++) {
          for (let u = 0; u < k; u++) {
            const d = ((n * ci + c) * h + i + u) * w + j;
            for (let v = 0; v < k; v++) gradInput[d + v] += colsWork[s++];
          }
        }
        row += kk;
      }
    }
  }
}
