import { ShapeError } from '@snn/core';
import type { LifParams, SurrogateFunction } from '@snn/neurons';

/**
 * A feed-forward LIF network as plain arrays, for {@link bpttReferenceForward} and {@link bpttReferenceBackward}.
 */
export interface ReferenceNetwork {
  /** Layer widths, input first. */
  readonly sizes: readonly number[];
  /** Weights of each layer, `[in, out]` row-major. */
  readonly weights: readonly ArrayLike<number>[];
  /** Bias of each layer, `[out]`. */
  readonly biases: readonly ArrayLike<number>[];
  /** LIF parameters of each layer. */
  readonly lif: readonly LifParams[];
  /** Residual skip flag of each layer (input added to the current). */
  readonly residual: readonly boolean[];
  /** Spike function: `spike` forward (Heaviside, or a smooth stand-in for gradient checks), `derivative` backward. */
  readonly surrogate: SurrogateFunction;
}

/** What {@link bpttReferenceForward} records: per layer, `[batch, T, width]` row-major, float64. */
export interface ReferenceTrace {
  /** Number of samples. */
  readonly batch: number;
  /** Number of time steps. */
  readonly numSteps: number;
  /** The input spikes `[batch, T, sizes[0]]`. */
  readonly input: Float64Array;
  /** Input current I[t] of each layer. */
  readonly current: Float64Array[];
  /** The value the spike function is applied to, plus θ: U[t] (delayed reset) or the pre-reset P[t] (immediate). */
  readonly v: Float64Array[];
  /** Membrane U[t] after the step (after the reset for the immediate reset). */
  readonly mem: Float64Array[];
  /** Spike function outputs S[t]. */
  readonly spikes: Float64Array[];
}

/** Gradients from {@link bpttReferenceBackward}, float64, same layouts as the weights and biases. */
export interface ReferenceGradients {
  /** d(loss)/d(weights) of each layer, `[in, out]`. */
  readonly weight: Float64Array[];
  /** d(loss)/d(bias) of each layer, `[out]`. */
  readonly bias: Float64Array[];
}

const heaviside = (x: number): number => (x > 0 ? 1 : 0);

/**
 * Forward pass of a LIF network on dense inputs, in float64, recording everything the backward pass needs (reference).
 *
 * @remarks
 * The plain-loop specification that `LifNetwork`'s event-driven engine is
 * tested against: `I_l[t] = S_{l−1}[t]·W_l + b_l (+ S_{l−1}[t])`, then the LIF
 * update of `lifStep` in float64 with `S = surrogate.spike(v − θ)`. The reset
 * always uses the Heaviside step of the membrane (it is detached from the
 * graph), whatever `surrogate.spike` is.
 *
 * @param net - weights, biases, LIF parameters and spike function
 * @param input - input spikes (or any values) `[batch, T, sizes[0]]`
 * @param batch - number of samples
 * @param numSteps - number of time steps T
 * @throws `ShapeError` when `input.length` is not `batch × T × sizes[0]`
 */
export function bpttReferenceForward(net: ReferenceNetwork, input: ArrayLike<number>, batch: number, numSteps: number): ReferenceTrace {
  const sizes = net.sizes;
  if (input.length !== batch * numSteps * sizes[0]) {
    throw new ShapeError('input length does not match batch × T × inputs', {
      field: 'input',
      expected: `${batch * numSteps * sizes[0]}`,
      found: `${input.length}`,
    });
  }
  const x0 = Float64Array.from(input);
  const trace: ReferenceTrace = { batch, numSteps, input: x0, current: [], v: [], mem: [], spikes: [] };
  let below = x0;
  for (let l = 0; l < sizes.length - 1; l++) {
    const m = sizes[l];
    const n = sizes[l + 1];
    const w = net.weights[l];
    const bias = net.biases[l];
    const { beta, threshold, resetMechanism, resetDelay } = net.lif[l];
    const current = new Float64Array(batch * numSteps * n);
    const v = new Float64Array(batch * numSteps * n);
    const mem = new Float64Array(batch * numSteps * n);
    const spikes = new Float64Array(batch * numSteps * n);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < numSteps; t++) {
        const row = b * numSteps + t;
        for (let j = 0; j < n; j++) {
          let sum = bias[j];
          for (let i = 0; i < m; i++) sum += below[row * m + i] * w[i * n + j];
          if (net.residual[l]) sum += below[row * m + j];
          current[row * n + j] = sum;
          const prev = t > 0 ? mem[(row - 1) * n + j] : 0;
          let u: number;
          let value: number;
          if (resetDelay) {
            const reset = heaviside(prev - threshold);
            const base = beta * prev + sum;
            u = resetMechanism === 'subtract' ? base - reset * threshold : resetMechanism === 'zero' ? base * (1 - reset) : base;
            value = u;
          } else {
            const pre = beta * prev + sum;
            const reset = heaviside(pre - threshold);
            u = resetMechanism === 'subtract' ? pre - reset * threshold : resetMechanism === 'zero' ? pre * (1 - reset) : pre;
            value = pre;
          }
          v[row * n + j] = value;
          mem[row * n + j] = u;
          spikes[row * n + j] = net.surrogate.spike(value - threshold);
        }
      }
    }
    trace.current.push(current);
    trace.v.push(v);
    trace.mem.push(mem);
    trace.spikes.push(spikes);
    below = spikes;
  }
  return trace;
}

/**
 * Backward pass through time of a LIF network (reference, float64): gradients of the loss from dL/dU and dL/dS of the output layer.
 *
 * @remarks
 * Written in the textbook form, one derivative per forward equation, with the
 * reset treated as a constant (detached, as in snnTorch):
 *
 * ```
 * delayed reset, R[t] = H(U[t−1] − θ):
 *   dU[t] = gU[t] + gS[t]·σ'(U[t] − θ) + dU[t+1]·∂U[t+1]/∂U[t],  ∂U[t+1]/∂U[t] = β (subtract, none) or β(1 − R[t+1]) (zero)
 *   dI[t] = dU[t]·∂U[t]/∂I[t],  ∂U[t]/∂I[t] = 1 (subtract, none) or 1 − R[t] (zero)
 * immediate reset, P[t] = β·U[t−1] + I[t], S[t] = H(P[t] − θ):
 *   dP[t] = gS[t]·σ'(P[t] − θ) + dU[t]·(1 or 1 − S[t] for zero),  dU[t] = gU[t] + β·dP[t+1],  dI[t] = dP[t]
 * dW += S_below[t]ᵀ·dI[t],  db += dI[t],  gS_below[t] = W·dI[t] (+ dI[t] with a residual skip)
 * ```
 *
 * @param net - the network of the forward pass
 * @param trace - from {@link bpttReferenceForward}
 * @param gradMem - dL/dU of the output layer `[batch, T, classes]`, or null
 * @param gradSpikes - dL/dS of the output layer `[batch, T, classes]`, or null
 */
export function bpttReferenceBackward(
  net: ReferenceNetwork,
  trace: ReferenceTrace,
  gradMem: ArrayLike<number> | null,
  gradSpikes: ArrayLike<number> | null,
): ReferenceGradients {
  const sizes = net.sizes;
  const L = sizes.length - 1;
  const { batch, numSteps } = trace;
  const out: ReferenceGradients = { weight: [], bias: [] };
  for (let l = 0; l < L; l++) {
    out.weight.push(new Float64Array(sizes[l] * sizes[l + 1]));
    out.bias.push(new Float64Array(sizes[l + 1]));
  }
  let gS: Float64Array = gradSpikes ? Float64Array.from(gradSpikes) : new Float64Array(batch * numSteps * sizes[L]);
  for (let l = L - 1; l >= 0; l--) {
    const m = sizes[l];
    const n = sizes[l + 1];
    const { beta, threshold, resetMechanism, resetDelay } = net.lif[l];
    const zero = resetMechanism === 'zero';
    const v = trace.v[l];
    const gU = l === L - 1 ? gradMem : null;
    const dI = new Float64Array(batch * numSteps * n);
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < n; j++) {
        let dNext = 0; // dU[t+1] (delayed) or dP[t+1] (immediate)
        for (let t = numSteps - 1; t >= 0; t--) {
          const idx = (b * numSteps + t) * n + j;
          const direct = gU ? gU[idx] : 0;
          const surrogate = gS[idx] * net.surrogate.derivative(v[idx] - threshold);
          if (resetDelay) {
            const resetNext = t + 1 < numSteps ? heaviside(v[idx] - threshold) : 0;
            const dUdU = zero ? beta * (1 - resetNext) : beta;
            const dU = direct + surrogate + (t + 1 < numSteps ? dNext * dUdU : 0);
            const resetNow = t > 0 ? heaviside(v[idx - n] - threshold) : 0;
            dI[idx] = dU * (zero ? 1 - resetNow : 1);
            dNext = dU;
          } else {
            const dU = direct + (t + 1 < numSteps ? beta * dNext : 0);
            const fired = heaviside(v[idx] - threshold);
            const dP = surrogate + dU * (zero ? 1 - fired : 1);
            dI[idx] = dP;
            dNext = dP;
          }
        }
      }
    }
    const below = l === 0 ? trace.input : trace.spikes[l - 1];
    const w = net.weights[l];
    const gBelow = new Float64Array(batch * numSteps * m);
    for (let row = 0; row < batch * numSteps; row++) {
      for (let j = 0; j < n; j++) {
        const d = dI[row * n + j];
        out.bias[l][j] += d;
        for (let i = 0; i < m; i++) {
          out.weight[l][i * n + j] += below[row * m + i] * d;
          gBelow[row * m + i] += w[i * n + j] * d;
        }
        if (net.residual[l]) gBelow[row * m + j] += d;
      }
    }
    gS = gBelow;
  }
  return out;
}
