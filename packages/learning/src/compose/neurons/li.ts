import { NeuronLayer, type NeuronModel } from '../neuron.js';
import { type DecayParametrisation, addDecayGrad, at, checkParametrisation, decayReader, decaySpec } from './common.js';

/** Options of {@link li}. */
export interface LiOptions {
  /** Name in the composition. */
  readonly name?: string;
  /** Decay β (κ) in [0, 1] ((0, 1) with the sigmoid parametrisation): one value or one per neuron. */
  readonly beta: number | readonly number[];
  /** Train β by BPTT. Default false. */
  readonly learnBeta?: boolean;
  /**
   * How β is stored: `direct` (the tensor `beta` is β) or `sigmoid` (the tensor `beta_logit` is a logit q with
   * β = σ(q) = 1/(1 + e^(−q)), so a learned β stays in (0, 1); dL/dq = dL/dβ·β(1 − β)). Default `direct`.
   */
  readonly parametrisation?: DecayParametrisation;
}

/**
 * A leaky-integrator readout (LI): non-spiking neurons whose membrane is the output.
 *
 * @remarks
 * `y[t] = β·y[t−1] + I[t]` — snnTorch's `snn.Leaky(reset_mechanism="none")`
 * read through its membrane, and the readout of the ALIF models (Bellec et
 * al. 2018; Yin et al. 2021). The output and the recorded membrane are both y.
 * VJP: `dL/dy[t] = dL/dout[t] + β·dL/dy[t+1]` = dL/dI[t], `dL/dβ += dL/dy[t]·y[t−1]`.
 *
 * @param opts - β, learnBeta, parametrisation, name
 * @throws `ValidationError` for β outside [0, 1] (or (0, 1) for the sigmoid parametrisation)
 */
export function li(opts: LiOptions): NeuronLayer {
  const param = checkParametrisation(opts.parametrisation, 'LI.parametrisation');
  const learn = opts.learnBeta ?? false;
  const betaSpec = decaySpec('beta', opts.beta, learn, param, 'LI.beta');
  const readBeta = decayReader(param);
  const model: NeuronModel = {
    kind: 'LI',
    states: ['mem'],
    membrane: 0,
    spiking: false,
    params: () => [betaSpec],
    step(io) {
      const { input, prev, next, out, params, width } = io;
      const beta = readBeta(params[0]);
      for (let k = 0, j = 0; k < input.length; k++) {
        const y = at(beta, j) * prev[0][k] + input[k];
        next[0][k] = y;
        out[k] = y;
        if (++j === width) j = 0;
      }
    },
    backward(io) {
      const { input, prev, params, width, gradOut, gradNext, gradPrev, gradInput, paramGrads } = io;
      const beta = readBeta(params[0]);
      for (let k = 0, j = 0; k < input.length; k++) {
        const gy = gradNext[0][k] + gradOut[k];
        const b = at(beta, j);
        gradInput[k] = gy;
        gradPrev[0][k] += b * gy;
        if (learn) addDecayGrad(paramGrads[0], j, gy * prev[0][k], b, param);
        if (++j === width) j = 0;
      }
    },
  };
  return new NeuronLayer(model, { name: opts.name, fire: { spike: () => 0, derivative: () => 0 } });
}
