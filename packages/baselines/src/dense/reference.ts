import { checkDenseShapes, checkLength } from './check.js';

/**
 * Dense (fully connected) layer forward pass in TypeScript: `y = x·Wᵀ + b`, the reference of {@link denseForwardKernel}.
 *
 * @remarks
 * `y[n][j] = b[j] + Σ_i x[n][i] · W[j][i]`, with W stored `[outputs, inputs]`
 * as PyTorch's `nn.Linear` stores it. Sums run in float64 and are rounded
 * to float32 once. Inputs that are exactly 0 are skipped (they add nothing):
 * MNIST images are about 80 % zeros and ReLU outputs about half, so this
 * event-driven loop does a fraction of the dense work with the same result.
 *
 * @param x - inputs, `[batch, inputs]` row-major
 * @param weight - weights W, `[outputs, inputs]` row-major
 * @param bias - biases b, `[outputs]`
 * @param batch - number of examples
 * @param inputs - input features per example
 * @param outputs - output features per example
 * @returns a new `[batch, outputs]` array
 * @throws `ShapeError` when an array's length does not match the sizes; `ValidationError` for a bad size
 * @example
 * ```ts
 * // one example, 2 inputs, 1 output: 1·3 + 2·4 + 0.5
 * denseForwardReference(Float32Array.of(1, 2), Float32Array.of(3, 4), Float32Array.of(0.5), 1, 2, 1); // [11.5]
 * ```
 */
export function denseForwardReference(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  batch: number,
  inputs: number,
  outputs: number,
): Float32Array {
  checkDenseShapes('denseForwardReference', x, weight, bias, batch, inputs, outputs);
  const y = new Float32Array(batch * outputs);
  const { offsets, index, value } = gatherActive(x, batch, inputs);
  // One weight row at a time (it stays in cache) against every example's active inputs.
  for (let j = 0; j < outputs; j++) {
    const row = j * inputs;
    for (let n = 0; n < batch; n++) {
      let s = bias[j];
      const end = offsets[n + 1];
      for (let k = offsets[n]; k < end; k++) s += value[k] * weight[row + index[k]];
      y[n * outputs + j] = s;
    }
  }
  return y;
}

/**
 * Dense layer backward pass in TypeScript: accumulates dL/dW and dL/db, and (optionally) writes dL/dx.
 *
 * @remarks
 * With g = dL/dy (`[batch, outputs]`):
 *
 * ```
 * dL/dW[j][i] += Σ_n g[n][j] · x[n][i]
 * dL/db[j]    += Σ_n g[n][j]
 * dL/dx[n][i]  = Σ_j g[n][j] · W[j][i]
 * ```
 *
 * Sums over the batch run in float64 and are added to `gradWeight` once.
 * Zero inputs and zero output gradients (e.g. behind a ReLU or a dropped
 * unit) are skipped. The first layer of a network needs no dL/dx: leave
 * `gradInput` out and that work is not done.
 *
 * @param x - the inputs of the forward pass, `[batch, inputs]`
 * @param weight - weights W, `[outputs, inputs]`
 * @param gradOutput - dL/dy, `[batch, outputs]`
 * @param batch - number of examples
 * @param inputs - input features per example
 * @param outputs - output features per example
 * @param gradWeight - receives dL/dW, added to what is there, `[outputs, inputs]`
 * @param gradBias - receives dL/db, added to what is there, `[outputs]`
 * @param gradInput - when given, overwritten with dL/dx, `[batch, inputs]`
 * @throws `ShapeError` when an array's length does not match the sizes
 */
export function denseBackwardReference(
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
  const owner = 'denseBackwardReference';
  checkDenseShapes(owner, x, weight, gradBias, batch, inputs, outputs);
  checkLength(owner, 'gradOutput', gradOutput, batch * outputs, `${batch} × ${outputs}`);
  checkLength(owner, 'gradWeight', gradWeight, outputs * inputs, `${outputs} × ${inputs}`);
  if (gradInput) checkLength(owner, 'gradInput', gradInput, batch * inputs, `${batch} × ${inputs}`);
  const { offsets, index, value } = gatherActive(x, batch, inputs);
  // dW and db: one row j at a time, summed over the batch in float64, then added once.
  const acc = new Float64Array(inputs);
  for (let j = 0; j < outputs; j++) {
    acc.fill(0);
    let db = 0;
    let any = false;
    for (let n = 0; n < batch; n++) {
      const g = gradOutput[n * outputs + j];
      if (g === 0) continue;
      any = true;
      db += g;
      const end = offsets[n + 1];
      for (let k = offsets[n]; k < end; k++) acc[index[k]] += g * value[k];
    }
    if (!any) continue;
    gradBias[j] += db;
    const row = j * inputs;
    for (let i = 0; i < inputs; i++) gradWeight[row + i] += acc[i];
  }
  if (!gradInput) return;
  // dx[n] = Σ_j g[n][j] · W[j].
  for (let n = 0; n < batch; n++) {
    acc.fill(0);
    for (let j = 0; j < outputs; j++) {
      const g = gradOutput[n * outputs + j];
      if (g === 0) continue;
      const row = j * inputs;
      for (let i = 0; i < inputs; i++) acc[i] += g * weight[row + i];
    }
    const base = n * inputs;
    for (let i = 0; i < inputs; i++) gradInput[base + i] = acc[i];
  }
}

/** The non-zero inputs of every example, CSR style: example n owns entries offsets[n] .. offsets[n+1]-1. */
interface ActiveInputs {
  readonly offsets: Int32Array;
  readonly index: Int32Array;
  readonly value: Float64Array;
}

function gatherActive(x: Float32Array, batch: number, inputs: number): ActiveInputs {
  const offsets = new Int32Array(batch + 1);
  const index = new Int32Array(x.length);
  const value = new Float64Array(x.length);
  let count = 0;
  for (let n = 0; n < batch; n++) {
    offsets[n] = count;
    const base = n * inputs;
    for (let i = 0; i < inputs; i++) {
      const v = x[base + i];
      if (v !== 0) {
        index[count] = i;
        value[count] = v;
        count++;
      }
    }
  }
  offsets[batch] = count;
  return { offsets, index, value };
}
