import { allocLike, type FloatArray } from '../model/float-array.js';
import { checkArray, checkConv2d, type Conv2dShape } from './shape.js';

/**
 * 2-D convolution forward pass in TypeScript (valid padding, stride 1, NCHW): the reference of {@link conv2dForwardKernel}.
 *
 * @remarks
 * `y[n][o][i][j] = b[o] + Σ_c Σ_u Σ_v x[n][c][i+u][j+v] · W[o][c][u][v]`
 * (cross-correlation, as PyTorch's `nn.Conv2d`), for `i < H − K + 1`,
 * `j < W − K + 1`. W is stored `[C_out, C_in, K, K]`. Sums run in float64;
 * the result has the precision of `x` (a Float64Array input gives exact
 * float64 results, which the gradient checks use).
 *
 * @param x - inputs, `[N, C_in, H, W]`
 * @param weight - filters, `[C_out, C_in, K, K]`
 * @param bias - biases, `[C_out]`
 * @param shape - sizes; see {@link Conv2dShape}
 * @returns a new `[N, C_out, H − K + 1, W − K + 1]` array
 * @throws `ShapeError` when an array's length does not match the shape; `ValidationError` for a bad size
 * @example
 * ```ts
 * // a 2×2 image, one 2×2 filter of ones: the sum of the pixels plus the bias
 * conv2dForwardReference(Float32Array.of(1, 2, 3, 4), Float32Array.of(1, 1, 1, 1), Float32Array.of(0.5),
 *   { batch: 1, inChannels: 1, height: 2, width: 2, outChannels: 1, kernelSize: 2 }); // [10.5]
 * ```
 */
export function conv2dForwardReference<T extends FloatArray>(x: T, weight: FloatArray, bias: FloatArray, shape: Conv2dShape): T {
  const [oh, ow] = checkConv2d('conv2dForwardReference', shape, x, weight, bias);
  const { batch, inChannels: ci, height: h, width: w, outChannels: co, kernelSize: k } = shape;
  const y = allocLike(x, batch * co * oh * ow);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < co; o++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          let s = bias[o];
          for (let c = 0; c < ci; c++) {
            for (let u = 0; u < k; u++) {
              const xRow = ((n * ci + c) * h + i + u) * w + j;
              const wRow = ((o * ci + c) * k + u) * k;
              for (let v = 0; v < k; v++) s += x[xRow + v] * weight[wRow + v];
            }
          }
          y[((n * co + o) * oh + i) * ow + j] = s;
        }
      }
    }
  }
  return y;
}

/**
 * 2-D convolution backward pass in TypeScript: adds dL/dW and dL/db, and (optionally) writes dL/dx.
 *
 * @remarks
 * With g = dL/dy (`[N, C_out, H', W']`):
 *
 * ```
 * dL/dW[o][c][u][v] += Σ_n Σ_i Σ_j g[n][o][i][j] · x[n][c][i+u][j+v]
 * dL/db[o]          += Σ_n Σ_i Σ_j g[n][o][i][j]
 * dL/dx[n][c][p][q]  = Σ_o Σ_u Σ_v g[n][o][p−u][q−v] · W[o][c][u][v]   (terms inside the output only)
 * ```
 *
 * @param x - the inputs of the forward pass, `[N, C_in, H, W]`
 * @param weight - filters, `[C_out, C_in, K, K]`
 * @param gradOutput - dL/dy, `[N, C_out, H − K + 1, W − K + 1]`
 * @param shape - sizes; see {@link Conv2dShape}
 * @param gradWeight - receives dL/dW, added to what is there, `[C_out, C_in, K, K]`
 * @param gradBias - receives dL/db, added to what is there, `[C_out]`
 * @param gradInput - when given, overwritten with dL/dx, `[N, C_in, H, W]`
 * @throws `ShapeError` when an array's length does not match the shape
 */
export function conv2dBackwardReference(
  x: FloatArray,
  weight: FloatArray,
  gradOutput: FloatArray,
  shape: Conv2dShape,
  gradWeight: FloatArray,
  gradBias: FloatArray,
  gradInput?: FloatArray,
): void {
  const owner = 'conv2dBackwardReference';
  const [oh, ow] = checkConv2d(owner, shape, x, weight, gradBias);
  const { batch, inChannels: ci, height: h, width: w, outChannels: co, kernelSize: k } = shape;
  checkArray(owner, 'gradOutput', gradOutput, batch * co * oh * ow, `${batch} × ${co} × ${oh} × ${ow}`);
  checkArray(owner, 'gradWeight', gradWeight, weight.length, `${co} × ${ci} × ${k} × ${k}`);
  if (gradInput) {
    checkArray(owner, 'gradInput', gradInput, x.length, `${batch} × ${ci} × ${h} × ${w}`);
    gradInput.fill(0);
  }
  for (let o = 0; o < co; o++) {
    let db = 0;
    for (let n = 0; n < batch; n++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          const g = gradOutput[((n * co + o) * oh + i) * ow + j];
          if (g === 0) continue;
          db += g;
          for (let c = 0; c < ci; c++) {
            for (let u = 0; u < k; u++) {
              const xRow = ((n * ci + c) * h + i + u) * w + j;
              const wRow = ((o * ci + c) * k + u) * k;
              for (let v = 0; v < k; v++) {
                gradWeight[wRow + v] += g * x[xRow + v];
                if (gradInput) gradInput[xRow + v] += g * weight[wRow + v];
              }
            }
          }
        }
      }
    }
    gradBias[o] += db;
  }
}
