import { NeuronLayer, type NeuronBackwardIO, type NeuronModel, type NeuronParamSpec, type NeuronStepIO } from '../neuron.js';
import type { SurrogateFunction } from '@snn/neurons';
import type { FloatArray, SpikeFunction } from '../types.js';
import { type SpikingNeuronOptions, addAt, at, checkValues, mechanismOf, potentialGrad, resetMembrane, spikingBuffers, spikingSettings } from './common.js';
import { leakySequenceKernel } from './leaky-simd.js';
import { recurrentBackward, recurrentForward, recurrentParams } from './recurrent.js';

/** Options of {@link leaky}. */
export interface LeakyOptions extends SpikingNeuronOptions {
  /** Membrane decay β in [0, 1]: one value or one per neuron. */
  readonly beta: number | readonly number[];
  /** Train β by BPTT. Default false. */
  readonly learnBeta?: boolean;
}

/**
 * The potential before this step's reset, from the previous membrane u, its reset flag r = H(u − θ) and
 * the input x: subtract `βu + x − rθ`; zero `β(1 − r)u + x` (snnTorch 0.9), or `(βu + x)(1 − r)` when the
 * input is zeroed too (`zeroAll`, snnTorch ≤ 0.6); none `βu + x`.
 */
function leakyPotential(mech: number, zeroAll: boolean, beta: number, u: number, x: number, r: number, thr: number): number {
  if (mech === 0) return beta * u + x - r * thr;
  if (mech === 1) return zeroAll ? (beta * u + x) * (1 - r) : beta * (1 - r) * u + x;
  return beta * u + x;
}

/**
 * The leaky core shared by Leaky and RLeaky, one step, with the input `x + extra`:
 * ```
 * R = H(U[t−1] − θ)                              (detached)
 * subtract: P = β·U[t−1] + x − R·θ
 * zero:     P = β·(1 − R)·U[t−1] + x            (snnTorch 0.9 Leaky)
 * zeroAll:  P = (β·U[t−1] + x)·(1 − R)          (snnTorch 0.9 RLeaky)
 * S = spike(P − θ);  U[t] = P, or without reset delay P − (S − R)·θ / P − (S − R)·P
 * ```
 */
export function leakyStep(io: NeuronStepIO, mem: number, extra: FloatArray | null, zeroAll: boolean, delayed: boolean): void {
  const { input, prev, next, out, params, fire, width } = io;
  const [thrP, gsfP, mechP, betaP] = params;
  const mech = mechanismOf(mechP);
  const u0 = prev[mem];
  const u1 = next[mem];
  const g = gsfP[0];
  const n = input.length;
  if (extra === null && betaP.length === 1 && thrP.length === 1 && isHeaviside(fire)) {
    leakyStepFast(input, u0, u1, out, Math.min(1, Math.max(0, betaP[0])), thrP[0], g, mech, delayed);
    return;
  }
  for (let k = 0, j = 0; k < n; k++) {
    const beta = Math.min(1, Math.max(0, at(betaP, j)));
    const thr = at(thrP, j);
    const u = u0[k];
    const r = u - thr > 0 ? 1 : 0;
    const x = extra === null ? input[k] : input[k] + extra[k];
    const p = leakyPotential(mech, zeroAll, beta, u, x, r, thr);
    const s = fire.spike(p - thr);
    const v = resetMembrane(mech, delayed, p, s, r, thr);
    u1[k] = v;
    out[k] = g * s;
    if (++j === width) j = 0;
  }
}

/** VJP of {@link leakyStep}; `gradS` is dL/dS (all uses); writes dL/d(x + extra) into `gradInput`. */
export function leakyBackward(
  io: NeuronBackwardIO,
  mem: number,
  extra: FloatArray | null,
  zeroAll: boolean,
  delayed: boolean,
  gradS: FloatArray,
  learnBeta: boolean,
): void {
  const { input, prev, params, fire, width, gradNext, gradPrev, gradInput, paramGrads } = io;
  const [thrP, gsfP, mechP, betaP] = params;
  const mech = mechanismOf(mechP);
  const u0 = prev[mem];
  const gU1 = gradNext[mem];
  const gU0 = gradPrev[mem];
  const gBeta = paramGrads[3];
  const g = gsfP[0];
  const n = input.length;
  const alpha = atanAlpha(fire);
  if (extra === null && !learnBeta && betaP.length === 1 && thrP.length === 1 && alpha !== null) {
    leakyBackwardFast(input, u0, gU1, gU0, gradS, gradInput, Math.min(1, Math.max(0, betaP[0])), thrP[0], g, mech, delayed, alpha);
    return;
  }
  for (let k = 0, j = 0; k < n; k++) {
    const betaRaw = at(betaP, j);
    const beta = Math.min(1, Math.max(0, betaRaw));
    const thr = at(thrP, j);
    const u = u0[k];
    const r = u - thr > 0 ? 1 : 0;
    const x = extra === null ? input[k] : input[k] + extra[k];
    const p = leakyPotential(mech, zeroAll, beta, u, x, r, thr);
    const d = fire.derivative(p - thr);
    const gS = g * gradS[k];
    const gU = gU1[k];
    const gP = potentialGrad(mech, delayed, gU, gS, d, p, fire.spike(p - thr), r, thr);
    let gX = gP;
    let gu = gP * beta;
    let gb = gP * u;
    if (mech === 1) {
      if (zeroAll) {
        gX = gP * (1 - r);
        gu = gX * beta;
        gb = gX * u;
      } else {
        gu *= 1 - r;
        gb *= 1 - r;
      }
    }
    gradInput[k] = gX;
    gU0[k] += gu;
    if (learnBeta && betaRaw >= 0 && betaRaw <= 1) addAt(gBeta, j, gb);
    if (++j === width) j = 0;
  }
}

/** True for the built-in surrogates, whose spike is the Heaviside `x > 0`. */
function isHeaviside(fire: SpikeFunction): boolean {
  return typeof (fire as SurrogateFunction).name === 'string' && typeof (fire as SurrogateFunction).options === 'object';
}

/** α of the built-in arctan surrogate, or null for any other spike function. */
function atanAlpha(fire: SpikeFunction): number | null {
  const sg = fire as SurrogateFunction;
  return sg.name === 'atan' && typeof sg.options?.alpha === 'number' ? sg.options.alpha : null;
}

/** {@link leakyStep} for one β and θ and the Heaviside spike: the hot loop of most networks. */
function leakyStepFast(input: FloatArray, u0: FloatArray, u1: FloatArray, out: FloatArray, beta: number, thr: number, g: number, mech: number, delayed: boolean): void {
  const n = input.length;
  if (mech === 0 && delayed) {
    for (let k = 0; k < n; k++) {
      const u = u0[k];
      const p = beta * u + input[k] - (u > thr ? thr : 0);
      u1[k] = p;
      out[k] = p > thr ? g : 0;
    }
    return;
  }
  for (let k = 0; k < n; k++) {
    const u = u0[k];
    const r = u - thr > 0 ? 1 : 0;
    const x = input[k];
    const p = mech === 0 ? beta * u + x - r * thr : mech === 1 ? beta * (1 - r) * u + x : beta * u + x;
    const s = p - thr > 0 ? 1 : 0;
    const v = resetMembrane(mech, delayed, p, s, r, thr);
    u1[k] = v;
    out[k] = g * s;
  }
}

/** {@link leakyBackward} for one β and θ, β fixed, and the arctan surrogate `(α/2)/(1 + (π/2·α·x)²)`. */
function leakyBackwardFast(
  input: FloatArray,
  u0: FloatArray,
  gU1: FloatArray,
  gU0: FloatArray,
  gradS: FloatArray,
  gradInput: FloatArray,
  beta: number,
  thr: number,
  g: number,
  mech: number,
  delayed: boolean,
  alpha: number,
): void {
  const half = alpha / 2;
  const scale = (Math.PI / 2) * alpha;
  const n = input.length;
  for (let k = 0; k < n; k++) {
    const u = u0[k];
    const r = u - thr > 0 ? 1 : 0;
    const x = input[k];
    const p = mech === 0 ? beta * u + x - r * thr : mech === 1 ? beta * (1 - r) * u + x : beta * u + x;
    const z = scale * (p - thr);
    const d = half / (1 + z * z);
    const gS = g * gradS[k];
    const gU = gU1[k];
    const gP = potentialGrad(mech, delayed, gU, gS, d, p, (p - thr > 0 ? 1 : 0), r, thr);
    gradInput[k] = gP;
    gU0[k] += mech === 1 ? gP * beta * (1 - r) : gP * beta;
  }
}

function betaSpec(opts: LeakyOptions, kind: string): NeuronParamSpec {
  checkValues(opts.beta, `${kind}.beta`, 0, 1);
  return { name: 'beta', value: opts.beta, learn: opts.learnBeta ?? false };
}

/**
 * The Leaky neuron model of {@link leaky}, for a {@link NeuronLayer} of your own (e.g. with another spike function).
 * @param opts - as {@link leaky}
 */
export function leakyModel(opts: LeakyOptions): NeuronModel {
  const settings = spikingSettings('Leaky', opts);
  const beta = betaSpec(opts, 'Leaky');
  const learnBeta = beta.learn ?? false;
  const { delayed } = settings;
  return {
    kind: 'Leaky',
    states: ['mem'],
    membrane: 0,
    spiking: true,
    binary: true,
    sequenceKernel: delayed && !learnBeta ? () => leakySequenceKernel(settings.mechanism, settings.surrogate) : undefined,
    params: () => [...spikingBuffers(settings), beta],
    step: (io) => leakyStep(io, 0, null, false, delayed),
    backward: (io) => leakyBackward(io, 0, null, false, delayed, io.gradOut, learnBeta),
  };
}

/**
 * A layer of leaky integrate-and-fire neurons, snnTorch 0.9's `snn.Leaky`.
 *
 * @remarks
 * With decay β (clamped to [0, 1]), threshold θ, input I[t] and the detached
 * reset `R[t] = H(U[t−1] − θ)`:
 * ```
 * subtract: U[t] = β·U[t−1] + I[t] − R[t]·θ
 * zero:     U[t] = β·(1 − R[t])·U[t−1] + I[t]      (the input is not zeroed, as in snnTorch 0.9)
 * none:     U[t] = β·U[t−1] + I[t]
 * S[t] = H(U[t] − θ)  (surrogate derivative backward)
 * ```
 * With `resetDelay: false` the reset is applied in the step of the spike:
 * `U[t] ← U[t] − (S[t] − R[t])·θ` (subtract) or `U[t] ← U[t] − (S[t] − R[t])·U[t]`
 * (zero), with the gradient flowing through S[t] as in snnTorch. Eshraghian
 * et al. (2023), "Training spiking neural networks using lessons from deep
 * learning", Proc. IEEE 111(9). State dict: `threshold`,
 * `graded_spikes_factor`, `reset_mechanism_val`, `beta` (snnTorch's buffers).
 *
 * @param opts - β, threshold, reset, surrogate, name
 * @throws `ValidationError` for β outside [0, 1] or another bad option
 * @example
 * ```ts
 * const net = new Sequential([new Linear(784, 100, { name: 'fc1' }), leaky({ beta: 0.9, name: 'lif1' })], { inputShape: [784] });
 * ```
 */
export function leaky(opts: LeakyOptions): NeuronLayer {
  const settings = spikingSettings('Leaky', opts);
  return new NeuronLayer(leakyModel(opts), { name: settings.name, fire: settings.surrogate });
}

/** Options of {@link rleaky}. */
export interface RLeakyOptions extends LeakyOptions {
  /** Train the recurrent weights and bias. Default true (snnTorch's `learn_recurrent`). */
  readonly learnRecurrent?: boolean;
}

/**
 * A layer of recurrent leaky neurons, snnTorch 0.9's `snn.RLeaky` with `all_to_all=True`.
 *
 * @remarks
 * As {@link leaky} with the input `I[t] + V·S[t−1] + b_V` (a linear layer over
 * the layer's own spikes of the previous step, `recurrent.weight` `[n, n]`
 * and `recurrent.bias` `[n]`, initialised as `nn.Linear`), and its zero reset
 * zeroing the whole update: `U[t] = (β·U[t−1] + I[t] + V·S[t−1] + b_V)·(1 − R[t])`.
 *
 * @param opts - as {@link leaky}, plus `learnRecurrent`
 */
export function rleaky(opts: RLeakyOptions): NeuronLayer {
  const settings = spikingSettings('RLeaky', opts);
  const beta = betaSpec(opts, 'RLeaky');
  const learnBeta = beta.learn ?? false;
  const learnRec = opts.learnRecurrent ?? true;
  const { delayed } = settings;
  let rec: FloatArray = new Float32Array(0);
  let gRec: FloatArray = new Float32Array(0);
  const model: NeuronModel = {
    kind: 'RLeaky',
    states: ['spk', 'mem'],
    membrane: 1,
    spiking: true,
    binary: true,
    params: (width, rng) => [...spikingBuffers(settings), beta, ...recurrentParams(width, rng, learnRec)],
    step(io) {
      if (rec.length !== io.input.length || rec.constructor !== io.input.constructor) rec = io.input.slice();
      recurrentForward(io.prev[0], io.params[4], io.params[5], rec, io.width, io.batch);
      leakyStep(io, 1, rec, true, delayed);
      io.next[0].set(io.out);
    },
    backward(io) {
      const n = io.input.length;
      if (rec.length !== n || rec.constructor !== io.input.constructor) rec = io.input.slice();
      if (gRec.length !== n || gRec.constructor !== io.input.constructor) gRec = io.input.slice();
      recurrentForward(io.prev[0], io.params[4], io.params[5], rec, io.width, io.batch);
      for (let k = 0; k < n; k++) gRec[k] = io.gradOut[k] + io.gradNext[0][k];
      leakyBackward(io, 1, rec, true, delayed, gRec, learnBeta);
      // gradInput now holds dL/d(I + V·S[t−1] + b): the same for the recurrent input.
      recurrentBackward(io.prev[0], io.params[4], io.gradInput, io.gradPrev[0], io.paramGrads[4], io.paramGrads[5], io.width, io.batch);
    },
  };
  return new NeuronLayer(model, { name: settings.name, fire: settings.surrogate });
}
