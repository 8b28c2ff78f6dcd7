import { type SurrogateFunction, atan } from '@snn/neurons';
import { NeuronLayer, type NeuronModel } from '../neuron.js';
import { addAt, at, checkValues } from './common.js';

/** Options of {@link alif}. */
export interface AlifOptions {
  /** Name in the composition. */
  readonly name?: string;
  /** Membrane decay α in [0, 1]: one value or one per neuron. */
  readonly alpha: number | readonly number[];
  /** Adaptation decay ρ in [0, 1]: one value or one per neuron. */
  readonly rho: number | readonly number[];
  /** Base threshold θ0 (> 0). Default 1. */
  readonly threshold?: number;
  /** Adaptation strength β_a (≥ 0). Default 1.8 (Bellec et al. 2018). */
  readonly adaptStrength?: number;
  /** Train α by BPTT. Default false. */
  readonly learnAlpha?: boolean;
  /** Train ρ by BPTT. Default false. */
  readonly learnRho?: boolean;
  /** Surrogate spike function. Default `atan()`. */
  readonly surrogate?: SurrogateFunction;
}

/**
 * A layer of adaptive LIF neurons (ALIF): a threshold that rises with each spike and decays back.
 *
 * @remarks
 * Bellec et al. (2018), "Long short-term memory and learning-to-learn in
 * networks of spiking neurons", NeurIPS; the form of the snn-image-classification
 * model (Yin, Corradi & Bohté 2021), with the detached reset:
 * ```
 * a[t] = ρ·a[t−1] + (1 − ρ)·z[t−1]          (adaptation; A[t] = θ0 + β_a·a[t])
 * v[t] = α·v[t−1] + I[t] − θ0·H(v[t−1] − A[t−1])
 * z[t] = H(v[t] − A[t])
 * ```
 * States `spk`, `mem`, `adapt`; parameters `alpha`, `rho` (trained when asked),
 * buffers `threshold`, `adapt_strength`.
 *
 * @param opts - decays, threshold, adaptation strength, surrogate, name
 * @throws `ValidationError` for a decay outside [0, 1] or a bad threshold
 */
export function alif(opts: AlifOptions): NeuronLayer {
  checkValues(opts.alpha, 'ALIF.alpha', 0, 1);
  checkValues(opts.rho, 'ALIF.rho', 0, 1);
  const theta0 = opts.threshold ?? 1;
  checkValues(theta0, 'ALIF.threshold', Number.MIN_VALUE, Number.MAX_VALUE);
  const strength = opts.adaptStrength ?? 1.8;
  checkValues(strength, 'ALIF.adaptStrength', 0, Number.MAX_VALUE);
  const learnAlpha = opts.learnAlpha ?? false;
  const learnRho = opts.learnRho ?? false;
  const model: NeuronModel = {
    kind: 'ALIF',
    states: ['spk', 'mem', 'adapt'],
    membrane: 1,
    spiking: true,
    binary: true,
    params: () => [
      { name: 'threshold', value: theta0 },
      { name: 'adapt_strength', value: strength },
      { name: 'alpha', value: opts.alpha, learn: learnAlpha },
      { name: 'rho', value: opts.rho, learn: learnRho },
    ],
    step(io) {
      const { input, prev, next, out, params, fire, width } = io;
      const th = params[0][0];
      const ba = params[1][0];
      const [z0, v0, a0] = prev;
      const [z1, v1, a1] = next;
      for (let k = 0, j = 0; k < input.length; k++) {
        const alpha = at(params[2], j);
        const rho = at(params[3], j);
        const r = v0[k] - (th + ba * a0[k]) > 0 ? 1 : 0;
        const a = rho * a0[k] + (1 - rho) * z0[k];
        const v = alpha * v0[k] + input[k] - th * r;
        const z = fire.spike(v - th - ba * a);
        a1[k] = a;
        v1[k] = v;
        z1[k] = z;
        out[k] = z;
        if (++j === width) j = 0;
      }
    },
    backward(io) {
      const { input, prev, next, params, fire, width, gradOut, gradNext, gradPrev, gradInput, paramGrads } = io;
      const th = params[0][0];
      const ba = params[1][0];
      const [z0, v0, a0] = prev;
      const [, v1, a1] = next;
      for (let k = 0, j = 0; k < input.length; k++) {
        const alpha = at(params[2], j);
        const rho = at(params[3], j);
        const gz = gradOut[k] + gradNext[0][k];
        const d = fire.derivative(v1[k] - th - ba * a1[k]);
        const gv = gradNext[1][k] + gz * d;
        const ga = gradNext[2][k] - ba * gz * d;
        gradInput[k] = gv;
        gradPrev[1][k] += alpha * gv;
        gradPrev[2][k] += rho * ga;
        gradPrev[0][k] += (1 - rho) * ga;
        if (learnAlpha) addAt(paramGrads[2], j, gv * v0[k]);
        if (learnRho) addAt(paramGrads[3], j, ga * (a0[k] - z0[k]));
        if (++j === width) j = 0;
      }
    },
  };
  return new NeuronLayer(model, { name: opts.name, fire: opts.surrogate ?? atan() });
}
