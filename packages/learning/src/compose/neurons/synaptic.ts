import { NeuronLayer, type NeuronBackwardIO, type NeuronModel, type NeuronParamSpec, type NeuronStepIO } from '../neuron.js';
import type { FloatArray } from '../types.js';
import { type SpikingNeuronOptions, type SpikingSettings, addAt, at, checkValues, mechanismOf, potentialGrad, resetMembrane, spikingBuffers, spikingSettings } from './common.js';
import { recurrentBackward, recurrentForward, recurrentParams } from './recurrent.js';

/** Options of {@link synaptic}. */
export interface SynapticOptions extends SpikingNeuronOptions {
  /** Synaptic current decay α in [0, 1]: one value or one per neuron. */
  readonly alpha: number | readonly number[];
  /** Membrane decay β in [0, 1]: one value or one per neuron. */
  readonly beta: number | readonly number[];
  /** Train α by BPTT. Default false. */
  readonly learnAlpha?: boolean;
  /** Train β by BPTT. Default false. */
  readonly learnBeta?: boolean;
}

/**
 * One step of the synaptic core (states `syn` at index `si`, `mem` at `mi`), input `x + extra`:
 * ```
 * R = H(U[t−1] − θ);  syn[t] = α·syn[t−1] + x;  A = β·U[t−1] + syn[t]
 * P = A − R·θ (subtract), A·(1 − R) (zero), A (none);  S = spike(P − θ)
 * U[t] = P, or without reset delay P − (S − R)·θ / P − (S − R)·P
 * ```
 */
function synapticStep(io: NeuronStepIO, si: number, mi: number, extra: FloatArray | null, delayed: boolean): void {
  const { input, prev, next, out, params, fire, width } = io;
  const [thrP, gsfP, mechP, betaP, alphaP] = params;
  const mech = mechanismOf(mechP);
  const g = gsfP[0];
  const n = input.length;
  const syn0 = prev[si];
  const syn1 = next[si];
  const u0 = prev[mi];
  const u1 = next[mi];
  for (let k = 0, j = 0; k < n; k++) {
    const alpha = Math.min(1, Math.max(0, at(alphaP, j)));
    const beta = Math.min(1, Math.max(0, at(betaP, j)));
    const thr = at(thrP, j);
    const u = u0[k];
    const r = u - thr > 0 ? 1 : 0;
    const syn = alpha * syn0[k] + (extra === null ? input[k] : input[k] + extra[k]);
    const a = beta * u + syn;
    const p = mech === 0 ? a - r * thr : mech === 1 ? a * (1 - r) : a;
    const s = fire.spike(p - thr);
    const v = resetMembrane(mech, delayed, p, s, r, thr);
    syn1[k] = syn;
    u1[k] = v;
    out[k] = g * s;
    if (++j === width) j = 0;
  }
}

/** VJP of {@link synapticStep}; `gradS` is dL/dS; writes dL/d(x + extra) into `gradInput`. */
function synapticBackward(
  io: NeuronBackwardIO,
  si: number,
  mi: number,
  extra: FloatArray | null,
  delayed: boolean,
  gradS: FloatArray,
  learn: { readonly alpha: boolean; readonly beta: boolean },
): void {
  const { input, prev, params, fire, width, gradNext, gradPrev, gradInput, paramGrads } = io;
  const [thrP, gsfP, mechP, betaP, alphaP] = params;
  const mech = mechanismOf(mechP);
  const g = gsfP[0];
  const n = input.length;
  const syn0 = prev[si];
  const u0 = prev[mi];
  for (let k = 0, j = 0; k < n; k++) {
    const alphaRaw = at(alphaP, j);
    const betaRaw = at(betaP, j);
    const alpha = Math.min(1, Math.max(0, alphaRaw));
    const beta = Math.min(1, Math.max(0, betaRaw));
    const thr = at(thrP, j);
    const u = u0[k];
    const r = u - thr > 0 ? 1 : 0;
    const syn = alpha * syn0[k] + (extra === null ? input[k] : input[k] + extra[k]);
    const a = beta * u + syn;
    const p = mech === 0 ? a - r * thr : mech === 1 ? a * (1 - r) : a;
    const d = fire.derivative(p - thr);
    const gS = g * gradS[k];
    const gU = gradNext[mi][k];
    const gP = potentialGrad(mech, delayed, gU, gS, d, p, fire.spike(p - thr), r, thr);
    const gA = mech === 1 ? gP * (1 - r) : gP;
    gradPrev[mi][k] += beta * gA;
    const gSyn = gradNext[si][k] + gA;
    gradInput[k] = gSyn;
    gradPrev[si][k] += alpha * gSyn;
    if (learn.beta && betaRaw >= 0 && betaRaw <= 1) addAt(paramGrads[3], j, gA * u);
    if (learn.alpha && alphaRaw >= 0 && alphaRaw <= 1) addAt(paramGrads[4], j, gSyn * syn0[k]);
    if (++j === width) j = 0;
  }
}

function decaySpecs(opts: SynapticOptions, kind: string): [NeuronParamSpec, NeuronParamSpec] {
  checkValues(opts.beta, `${kind}.beta`, 0, 1);
  checkValues(opts.alpha, `${kind}.alpha`, 0, 1);
  return [
    { name: 'beta', value: opts.beta, learn: opts.learnBeta ?? false },
    { name: 'alpha', value: opts.alpha, learn: opts.learnAlpha ?? false },
  ];
}

function model(opts: SynapticOptions, settings: SpikingSettings): NeuronModel {
  const specs = decaySpecs(opts, 'Synaptic');
  const learn = { alpha: opts.learnAlpha ?? false, beta: opts.learnBeta ?? false };
  const { delayed } = settings;
  return {
    kind: 'Synaptic',
    states: ['syn', 'mem'],
    membrane: 1,
    spiking: true,
    binary: true,
    params: () => [...spikingBuffers(settings), ...specs],
    step: (io) => synapticStep(io, 0, 1, null, delayed),
    backward: (io) => synapticBackward(io, 0, 1, null, delayed, io.gradOut, learn),
  };
}

/**
 * A layer of second-order LIF neurons with a synaptic current, snnTorch 0.9's `snn.Synaptic`.
 *
 * @remarks
 * With the detached reset `R[t] = H(U[t−1] − θ)`:
 * ```
 * syn[t] = α·syn[t−1] + I[t]
 * U[t]   = β·U[t−1] + syn[t] − R[t]·θ        (subtract)
 *        = (β·U[t−1] + syn[t])·(1 − R[t])     (zero; syn is not reset, as in snnTorch 0.9)
 * S[t]   = H(U[t] − θ)
 * ```
 * `resetDelay: false` resets in the step of the spike, as {@link leaky}.
 * State dict: `threshold`, `graded_spikes_factor`, `reset_mechanism_val`,
 * `beta`, `alpha`. Eshraghian et al. (2023), Proc. IEEE 111(9).
 *
 * @param opts - α, β, threshold, reset, surrogate, name
 * @throws `ValidationError` for a decay outside [0, 1] or another bad option
 */
export function synaptic(opts: SynapticOptions): NeuronLayer {
  const settings = spikingSettings('Synaptic', opts);
  return new NeuronLayer(model(opts, settings), { name: settings.name, fire: settings.surrogate });
}

/** Options of {@link rsynaptic}. */
export interface RSynapticOptions extends SynapticOptions {
  /** Train the recurrent weights and bias. Default true. */
  readonly learnRecurrent?: boolean;
}

/**
 * A layer of recurrent synaptic neurons, snnTorch 0.9's `snn.RSynaptic` with `all_to_all=True`.
 *
 * @remarks
 * As {@link synaptic} with `syn[t] = α·syn[t−1] + I[t] + V·S[t−1] + b_V`
 * (`recurrent.weight` `[n, n]`, `recurrent.bias` `[n]`).
 */
export function rsynaptic(opts: RSynapticOptions): NeuronLayer {
  const settings = spikingSettings('RSynaptic', opts);
  const specs = decaySpecs(opts, 'RSynaptic');
  const learn = { alpha: opts.learnAlpha ?? false, beta: opts.learnBeta ?? false };
  const learnRec = opts.learnRecurrent ?? true;
  const { delayed } = settings;
  let rec: FloatArray = new Float32Array(0);
  let gS: FloatArray = new Float32Array(0);
  const m: NeuronModel = {
    kind: 'RSynaptic',
    states: ['spk', 'syn', 'mem'],
    membrane: 2,
    spiking: true,
    binary: true,
    params: (width, rng) => [...spikingBuffers(settings), ...specs, ...recurrentParams(width, rng, learnRec)],
    step(io) {
      if (rec.length !== io.input.length || rec.constructor !== io.input.constructor) rec = io.input.slice();
      recurrentForward(io.prev[0], io.params[5], io.params[6], rec, io.width, io.batch);
      synapticStep(io, 1, 2, rec, delayed);
      io.next[0].set(io.out);
    },
    backward(io) {
      const n = io.input.length;
      if (rec.length !== n || rec.constructor !== io.input.constructor) rec = io.input.slice();
      if (gS.length !== n || gS.constructor !== io.input.constructor) gS = io.input.slice();
      recurrentForward(io.prev[0], io.params[5], io.params[6], rec, io.width, io.batch);
      for (let k = 0; k < n; k++) gS[k] = io.gradOut[k] + io.gradNext[0][k];
      synapticBackward(io, 1, 2, rec, delayed, gS, learn);
      recurrentBackward(io.prev[0], io.params[5], io.gradInput, io.gradPrev[0], io.paramGrads[5], io.paramGrads[6], io.width, io.batch);
    },
  };
  return new NeuronLayer(m, { name: settings.name, fire: settings.surrogate });
}
