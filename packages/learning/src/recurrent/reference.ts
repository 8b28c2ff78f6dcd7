import type { SurrogateFunction } from '@snn/neurons';

/** A recurrent classifier as plain float64 arrays, for {@link recurrentReferenceForward} and {@link recurrentReferenceBackward}. */
export interface RecurrentReferenceNetwork {
  /** Number of inputs N. */
  readonly inputSize: number;
  /** Number of hidden neurons H. */
  readonly hiddenSize: number;
  /** Number of classes C. */
  readonly outputSize: number;
  /** ALIF (true) or LIF (false) hidden neurons. */
  readonly adaptive: boolean;
  /** Base threshold θ0. */
  readonly threshold: number;
  /** Adaptation strength β_a. */
  readonly adaptStrength: number;
  /** Readout reduction code: 0 max, 1 mean, 2 last. */
  readonly reduction: number;
  /** Input weights `[N, H]`. */
  readonly inWeight: ArrayLike<number>;
  /** Hidden bias `[H]`. */
  readonly inBias: ArrayLike<number>;
  /** Recurrent weights `[H, H]` (`[from, to]`) or null. */
  readonly recWeight: ArrayLike<number> | null;
  /** Readout weights `[H, C]`. */
  readonly outWeight: ArrayLike<number>;
  /** Readout bias `[C]`. */
  readonly outBias: ArrayLike<number>;
  /** Membrane decays α `[H]`. */
  readonly alpha: ArrayLike<number>;
  /** Adaptation decays ρ `[H]`. */
  readonly rho: ArrayLike<number>;
  /** Readout decays κ `[C]`. */
  readonly kappa: ArrayLike<number>;
  /** `spike(x)` forward (Heaviside, or a smooth stand-in for gradient checks) and `derivative(x)` backward. */
  readonly surrogate: Pick<SurrogateFunction, 'spike' | 'derivative'>;
}

/** Everything {@link recurrentReferenceForward} records, float64, `[batch, T, width]` row-major. */
export interface RecurrentReferenceTrace {
  /** Number of samples. */
  readonly batch: number;
  /** Number of steps. */
  readonly numSteps: number;
  /** The dense input `[B, T, N]`. */
  readonly input: ArrayLike<number>;
  /** Membranes v[t] `[B, T, H]`. */
  readonly v: Float64Array;
  /** Adaptation a[t] (the value used at step t) `[B, T, H]`. */
  readonly a: Float64Array;
  /** Spike function outputs z[t] `[B, T, H]`. */
  readonly z: Float64Array;
  /** Surrogate derivatives σ'(v[t] − A[t]) `[B, T, H]`. */
  readonly d: Float64Array;
  /** Readout outputs y[t] `[B, T, C]`. */
  readonly y: Float64Array;
  /** Logits `[B, C]` (the reduction of y over time). */
  readonly logits: Float64Array;
  /** For the max reduction: the step of each logit `[B, C]` (first maximum). */
  readonly argStep: Int32Array;
}

/** Gradients from {@link recurrentReferenceBackward}, float64, laid out like the network's arrays. */
export interface RecurrentReferenceGradients {
  /** d(loss)/d(input weights). */
  readonly inWeight: Float64Array;
  /** d(loss)/d(hidden bias). */
  readonly inBias: Float64Array;
  /** d(loss)/d(recurrent weights), or null. */
  readonly recWeight: Float64Array | null;
  /** d(loss)/d(readout weights). */
  readonly outWeight: Float64Array;
  /** d(loss)/d(readout bias). */
  readonly outBias: Float64Array;
  /** d(loss)/dα. */
  readonly alpha: Float64Array;
  /** d(loss)/dρ. */
  readonly rho: Float64Array;
  /** d(loss)/dκ. */
  readonly kappa: Float64Array;
}

/**
 * Forward pass of the recurrent classifier on dense inputs, in float64 (reference).
 *
 * @remarks
 * The plain-loop specification the event-driven engine is tested against:
 * ```
 * I[t] = x[t]·W_in + b_in + z[t−1]·W_rec
 * v[t] = α ⊙ v[t−1] + I[t] − θ0·H(v[t−1] − A[t−1])      (detached reset)
 * A[t] = θ0 + β_a·a[t],  z[t] = spike(v[t] − A[t]),  a[t+1] = ρ ⊙ a[t] + (1 − ρ) ⊙ z[t]
 * y[t] = κ ⊙ y[t−1] + z[t]·W_out + b_out,  logits = max_t / mean_t / last of y[t]
 * ```
 * The reset uses the Heaviside step whatever `spike` is, so it is piecewise
 * constant in the parameters (detached), as in the engine.
 *
 * @param net - the network
 * @param input - dense inputs `[batch, T, N]`
 * @param batch - number of samples
 * @param numSteps - number of steps T
 */
export function recurrentReferenceForward(net: RecurrentReferenceNetwork, input: ArrayLike<number>, batch: number, numSteps: number): RecurrentReferenceTrace {
  const { inputSize: N, hiddenSize: H, outputSize: C, adaptive, threshold, adaptStrength } = net;
  const T = numSteps;
  const v = new Float64Array(batch * T * H);
  const a = new Float64Array(batch * T * H);
  const z = new Float64Array(batch * T * H);
  const d = new Float64Array(batch * T * H);
  const y = new Float64Array(batch * T * C);
  const logits = new Float64Array(batch * C);
  const argStep = new Int32Array(batch * C);
  for (let b = 0; b < batch; b++) {
    const mem = new Float64Array(H);
    const ad = new Float64Array(H);
    const zPrev = new Float64Array(H);
    const resetPrev = new Float64Array(H);
    const out = new Float64Array(C);
    for (let t = 0; t < T; t++) {
      const hb = (b * T + t) * H;
      for (let j = 0; j < H; j++) {
        let cur = net.inBias[j];
        for (let i = 0; i < N; i++) cur += input[(b * T + t) * N + i] * net.inWeight[i * H + j];
        if (net.recWeight !== null) for (let i = 0; i < H; i++) cur += zPrev[i] * net.recWeight[i * H + j];
        const vj = net.alpha[j] * mem[j] + cur - threshold * resetPrev[j];
        const limit = threshold + (adaptive ? adaptStrength * ad[j] : 0);
        v[hb + j] = vj;
        a[hb + j] = ad[j];
        z[hb + j] = net.surrogate.spike(vj - limit);
        d[hb + j] = net.surrogate.derivative(vj - limit);
      }
      for (let j = 0; j < H; j++) {
        const limit = threshold + (adaptive ? adaptStrength * ad[j] : 0);
        mem[j] = v[hb + j];
        zPrev[j] = z[hb + j];
        resetPrev[j] = v[hb + j] - limit > 0 ? 1 : 0;
        if (adaptive) ad[j] = net.rho[j] * ad[j] + (1 - net.rho[j]) * z[hb + j];
      }
      const yb = (b * T + t) * C;
      for (let c = 0; c < C; c++) {
        let value = net.kappa[c] * out[c] + net.outBias[c];
        for (let j = 0; j < H; j++) value += z[hb + j] * net.outWeight[j * C + c];
        out[c] = value;
        y[yb + c] = value;
      }
    }
    for (let c = 0; c < C; c++) {
      let best = Number.NEGATIVE_INFINITY;
      let at = 0;
      let sum = 0;
      for (let t = 0; t < T; t++) {
        const value = y[(b * T + t) * C + c];
        sum += value;
        if (value > best) {
          best = value;
          at = t;
        }
      }
      argStep[b * C + c] = at;
      logits[b * C + c] = net.reduction === 0 ? best : net.reduction === 1 ? sum / T : y[(b * T + T - 1) * C + c];
    }
  }
  return { batch, numSteps: T, input, v, a, z, d, y, logits, argStep };
}

/**
 * Mean softmax cross-entropy of the reference logits against labels (float64).
 * @param trace - from {@link recurrentReferenceForward}
 * @param labels - class per sample
 * @param classes - number of classes
 */
export function recurrentReferenceLoss(trace: RecurrentReferenceTrace, labels: ArrayLike<number>, classes: number): number {
  let total = 0;
  for (let b = 0; b < trace.batch; b++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) max = Math.max(max, trace.logits[b * classes + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(trace.logits[b * classes + c] - max);
    total += Math.log(sum) + max - trace.logits[b * classes + labels[b]];
  }
  return total / trace.batch;
}

/**
 * Backward pass through time of the mean softmax cross-entropy (reference, float64, dense).
 *
 * @remarks
 * With ey, ev, ea the total derivatives of the loss with respect to y[t],
 * v[t], a[t], and gz[t] that with respect to z[t]:
 * ```
 * ey[t] = ∂L/∂y[t]|direct + κ ⊙ ey[t+1]
 * gz[t] = W_out·ey[t] + W_rec·ev[t+1] + (1 − ρ) ⊙ ea[t+1]
 * ev[t] = σ'[t] ⊙ gz[t] + α ⊙ ev[t+1]
 * ea[t] = −β_a·σ'[t] ⊙ gz[t] + ρ ⊙ ea[t+1]
 * dW_in += x[t]ᵀ·ev[t], db_in += ev[t], dW_rec += z[t−1]ᵀ·ev[t], dW_out += z[t]ᵀ·ey[t], db_out += ey[t]
 * dα += ev[t] ⊙ v[t−1], dρ += ea[t+1] ⊙ (a[t] − z[t]), dκ += ey[t] ⊙ y[t−1]
 * ```
 *
 * @param net - the network
 * @param trace - its forward trace
 * @param labels - class per sample
 */
export function recurrentReferenceBackward(net: RecurrentReferenceNetwork, trace: RecurrentReferenceTrace, labels: ArrayLike<number>): RecurrentReferenceGradients {
  const { inputSize: N, hiddenSize: H, outputSize: C, adaptive, adaptStrength } = net;
  const { batch: B, numSteps: T, input, v, a, z, d, y, logits, argStep } = trace;
  const g: RecurrentReferenceGradients = {
    inWeight: new Float64Array(N * H),
    inBias: new Float64Array(H),
    recWeight: net.recWeight === null ? null : new Float64Array(H * H),
    outWeight: new Float64Array(H * C),
    outBias: new Float64Array(C),
    alpha: new Float64Array(H),
    rho: new Float64Array(H),
    kappa: new Float64Array(C),
  };
  for (let b = 0; b < B; b++) {
    const dLogits = new Float64Array(C);
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[b * C + c]);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(logits[b * C + c] - max);
    for (let c = 0; c < C; c++) dLogits[c] = (Math.exp(logits[b * C + c] - max) / sum - (c === labels[b] ? 1 : 0)) / B;
    const ey = new Float64Array(C);
    let evNext = new Float64Array(H);
    let eaNext = new Float64Array(H);
    for (let t = T - 1; t >= 0; t--) {
      const hb = (b * T + t) * H;
      const yb = (b * T + t) * C;
      for (let c = 0; c < C; c++) {
        const direct =
          net.reduction === 0 ? (argStep[b * C + c] === t ? dLogits[c] : 0) : net.reduction === 1 ? dLogits[c] / T : t === T - 1 ? dLogits[c] : 0;
        ey[c] = direct + net.kappa[c] * ey[c];
        g.outBias[c] += ey[c];
        if (t > 0) g.kappa[c] += ey[c] * y[yb - C + c];
        for (let j = 0; j < H; j++) g.outWeight[j * C + c] += z[hb + j] * ey[c];
      }
      const ev = new Float64Array(H);
      const ea = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        let gz = 0;
        for (let c = 0; c < C; c++) gz += net.outWeight[j * C + c] * ey[c];
        if (net.recWeight !== null) for (let k = 0; k < H; k++) gz += net.recWeight[j * H + k] * evNext[k];
        if (adaptive) {
          gz += (1 - net.rho[j]) * eaNext[j];
          g.rho[j] += eaNext[j] * (a[hb + j] - z[hb + j]);
        }
        ev[j] = d[hb + j] * gz + net.alpha[j] * evNext[j];
        if (adaptive) ea[j] = -adaptStrength * d[hb + j] * gz + net.rho[j] * eaNext[j];
        g.inBias[j] += ev[j];
        if (t > 0) g.alpha[j] += ev[j] * v[hb - H + j];
      }
      for (let i = 0; i < N; i++) {
        const x = input[(b * T + t) * N + i];
        if (x !== 0) for (let j = 0; j < H; j++) g.inWeight[i * H + j] += x * ev[j];
      }
      if (g.recWeight !== null && t > 0) {
        for (let i = 0; i < H; i++) {
          const zi = z[hb - H + i];
          if (zi !== 0) for (let j = 0; j < H; j++) g.recWeight[i * H + j] += zi * ev[j];
        }
      }
      evNext = ev;
      eaNext = ea;
    }
  }
  return g;
}
