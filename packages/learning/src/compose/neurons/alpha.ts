import { ValidationError } from '@snn/core';
import { NeuronLayer, type NeuronModel } from '../neuron.js';
import { type SpikingNeuronOptions, at, checkValues, mechanismOf, spikingBuffers, spikingSettings } from './common.js';

/** Options of {@link alphaNeuron}. */
export interface AlphaOptions extends Omit<SpikingNeuronOptions, 'resetDelay'> {
  /** Decay α of the excitatory current, in (β, 1]. */
  readonly alpha: number;
  /** Decay β of the inhibitory current, in (0, α). */
  readonly beta: number;
}

/**
 * A layer of alpha-kernel neurons, snnTorch 0.9's `snn.Alpha`.
 *
 * @remarks
 * Two currents, excitatory and inhibitory, make an alpha-shaped response; with
 * `τ = ln α / (ln β − ln α) + 1` and the detached reset `R = H(U[t−1] − θ)`:
 * ```
 * e = α·e[t−1] + I[t],  i = β·i[t−1] − I[t],  m = τ·(e + i)
 * subtract: e[t] = e − R·θ,     i[t] = i·(1 − R),  U[t] = m + R·i[t−1]
 * zero:     e[t] = e·(1 − R),   i[t] = i·(1 − R),  U[t] = m·(1 − R)
 * none:     e[t] = e,  i[t] = i,  U[t] = m;      S[t] = H(U[t] − θ)
 * ```
 * exactly as snnTorch computes it (no reset delay option there). State dict:
 * `threshold`, `graded_spikes_factor`, `reset_mechanism_val`, `beta`, `alpha`.
 *
 * @param opts - α, β, threshold, reset, surrogate, name
 * @throws `ValidationError` unless 0 < β < α ≤ 1
 */
export function alphaNeuron(opts: AlphaOptions): NeuronLayer {
  const settings = spikingSettings('Alpha', opts);
  checkValues(opts.alpha, 'Alpha.alpha', 0, 1);
  checkValues(opts.beta, 'Alpha.beta', 0, 1);
  if (!(opts.beta > 0 && opts.beta < opts.alpha)) {
    throw new ValidationError('the alpha neuron needs 0 < beta < alpha', { field: 'Alpha.beta', expected: `in (0, ${opts.alpha})`, found: String(opts.beta) });
  }
  const model: NeuronModel = {
    kind: 'Alpha',
    states: ['syn_exc', 'syn_inh', 'mem'],
    membrane: 2,
    spiking: true,
    binary: true,
    params: () => [...spikingBuffers(settings), { name: 'beta', value: opts.beta }, { name: 'alpha', value: opts.alpha }],
    step(io) {
      const { input, prev, next, out, params, fire, width } = io;
      const [thrP, gsfP, mechP, betaP, alphaP] = params;
      const mech = mechanismOf(mechP);
      const a = alphaP[0];
      const b = betaP[0];
      const tau = Math.log(a) / (Math.log(b) - Math.log(a)) + 1;
      const g = gsfP[0];
      for (let k = 0, j = 0; k < input.length; k++) {
        const thr = at(thrP, j);
        const r = prev[2][k] - thr > 0 ? 1 : 0;
        const iPrev = prev[1][k];
        const e = a * prev[0][k] + input[k];
        const i = b * iPrev - input[k];
        const m = tau * (e + i);
        let u: number;
        if (mech === 0) {
          next[0][k] = e - r * thr;
          next[1][k] = i * (1 - r);
          u = m + r * iPrev;
        } else if (mech === 1) {
          next[0][k] = e * (1 - r);
          next[1][k] = i * (1 - r);
          u = m * (1 - r);
        } else {
          next[0][k] = e;
          next[1][k] = i;
          u = m;
        }
        next[2][k] = u;
        out[k] = g * fire.spike(u - thr);
        if (++j === width) j = 0;
      }
    },
    backward(io) {
      const { input, prev, next, params, fire, width, gradOut, gradNext, gradPrev, gradInput } = io;
      const [thrP, gsfP, mechP, betaP, alphaP] = params;
      const mech = mechanismOf(mechP);
      const a = alphaP[0];
      const b = betaP[0];
      const tau = Math.log(a) / (Math.log(b) - Math.log(a)) + 1;
      const g = gsfP[0];
      for (let k = 0, j = 0; k < input.length; k++) {
        const thr = at(thrP, j);
        const r = prev[2][k] - thr > 0 ? 1 : 0;
        const gM = gradNext[2][k] + g * gradOut[k] * fire.derivative(next[2][k] - thr);
        const gE = gradNext[0][k];
        const gI = gradNext[1][k];
        if (mech === 1) {
          gradPrev[0][k] += (1 - r) * (a * gE + tau * a * gM);
          gradPrev[1][k] += (1 - r) * (b * gI + tau * b * gM);
          gradInput[k] = (1 - r) * (gE - gI);
        } else {
          const rr = mech === 0 ? r : 0;
          gradPrev[0][k] += a * gE + tau * a * gM;
          gradPrev[1][k] += b * (1 - rr) * gI + (tau * b + rr) * gM;
          gradInput[k] = gE - (1 - rr) * gI;
        }
        if (++j === width) j = 0;
      }
    },
  };
  return new NeuronLayer(model, { name: settings.name, fire: settings.surrogate });
}
