import { NeuronLayer, type NeuronModel } from '../neuron.js';
import { addAt, at, checkValues } from './common.js';

/** Options of {@link li}. */
export interface LiOptions {
  /** Name in the composition. */
  readonly name?: string;
  /** Decay β (κ) in [0, 1]: one value or one per neuron. */
  readonly beta: number | readonly number[];
  /** Train β by BPTT. Default false. */
  readonly learnBeta?: boolean;
}

/**
 * A leaky-integrator readout (LI): non-spiking neurons whose membrane is the output.
 *
 * @remarks
 * `y[t] = β·y[t−1] + I[t]` — snnTorch's `snn.Leaky(reset_mechanism="none")`
 * read through its membrane, and the readout of the ALIF models (Bellec et
 * al. 2018; Yin et al. 2021). The output and the recorded membrane are both y.
 *
 * @param opts - β, learnBeta, name
 * @throws `ValidationError` for β outside [0, 1]
 */
export function li(opts: LiOptions): NeuronLayer {
  checkValues(opts.beta, 'LI.beta', 0, 1);
  const learn = opts.learnBeta ?? false;
  const model: NeuronModel = {
    kind: 'LI',
    states: ['mem'],
    membrane: 0,
    spiking: false,
    params: () => [{ name: 'beta', value: opts.beta, learn }],
    step(io) {
      const { input, prev, next, out, params, width } = io;
      for (let k = 0, j = 0; k < input.length; k++) {
        const y = at(params[0], j) * prev[0][k] + input[k];
        next[0][k] = y;
        out[k] = y;
        if (++j === width) j = 0;
      }
    },
    backward(io) {
      const { input, prev, params, width, gradOut, gradNext, gradPrev, gradInput, paramGrads } = io;
      for (let k = 0, j = 0; k < input.length; k++) {
        const gy = gradNext[0][k] + gradOut[k];
        gradInput[k] = gy;
        gradPrev[0][k] += at(params[0], j) * gy;
        if (learn) addAt(paramGrads[0], j, gy * prev[0][k]);
        if (++j === width) j = 0;
      }
    },
  };
  return new NeuronLayer(model, { name: opts.name, fire: { spike: () => 0, derivative: () => 0 } });
}
