import { ValidationError } from '@snn/core';
import { type IzhikevichParamsInput, type SurrogateFunction, atan, izhikevichParams } from '@snn/neurons';
import { NeuronLayer, type NeuronModel } from '../neuron.js';

/** Options of {@link izhikevich}. */
export interface IzhikevichLayerOptions extends IzhikevichParamsInput {
  /** Name in the composition. */
  readonly name?: string;
  /** Input current per unit of the layer's input (mV/ms per unit). Default 10. */
  readonly currentScale?: number;
  /** Membrane scale of the surrogate: spikes are `spike((v − vPeak)/scale)`, in mV. Default 10. */
  readonly surrogateScaleMv?: number;
  /** Lower bound of the membrane after each (half-)step, in mV; no gradient through a floored value. Default −100. */
  readonly membraneFloorMv?: number;
  /** Surrogate spike function. Default `atan()`. */
  readonly surrogate?: SurrogateFunction;
}

/**
 * A layer of Izhikevich neurons for BPTT, the surrogate-gradient form of `IzhikevichNetwork`'s layers.
 *
 * @remarks
 * Izhikevich (2003), "Simple model of spiking neurons", IEEE Trans. Neural
 * Networks 14(6), with `I = currentScale·x[t]` and `f(v, u) = 0.04v² + 5v + 140 − u + I`:
 * ```
 * two half-steps (integration "izhikevich"), h = Δt/2:
 *   v_h = max(floor, v + h·f(v, u)),  v' = max(floor, v_h + h·f(v_h, u)),  u' = u + Δt·a·(b·v' − u)
 * Euler: v' = max(floor, v + Δt·f(v, u)),  u' = u + Δt·a·(b·v − u)
 * S = spike((v' − v_peak)/scale);  reset (detached) where v' ≥ v_peak: v ← c, u ← u' + d
 * ```
 * States `v` (mV, from `vInitMv`) and `u` (from `b·vInitMv`); the output is S.
 *
 * @param opts - Izhikevich parameters (preset, a, b, c, d, v_peak, Δt, integration), current and surrogate scales, floor
 * @throws `ValidationError` for bad parameters
 */
export function izhikevich(opts: IzhikevichLayerOptions = {}): NeuronLayer {
  const p = izhikevichParams(opts, 'izhikevich');
  const scaleI = opts.currentScale ?? 10;
  const scaleMv = opts.surrogateScaleMv ?? 10;
  const floor = opts.membraneFloorMv ?? -100;
  for (const [field, v, ok] of [
    ['currentScale', scaleI, Number.isFinite(scaleI)],
    ['surrogateScaleMv', scaleMv, Number.isFinite(scaleMv) && scaleMv > 0],
    ['membraneFloorMv', floor, floor === Number.NEGATIVE_INFINITY || Number.isFinite(floor)],
  ] as const) {
    if (!ok) throw new ValidationError('invalid Izhikevich layer option', { field: `izhikevich.${field}`, expected: 'a finite number (scale > 0)', found: String(v) });
  }
  const { a, b, c, d, vPeakMv, dtMs } = p;
  const twoHalf = p.integration === 'izhikevich';
  const h = 0.5 * dtMs;
  const f = (v: number, u: number, I: number): number => 0.04 * v * v + 5 * v + 140 - u + I;
  const model: NeuronModel = {
    kind: 'Izhikevich',
    states: ['v', 'u'],
    membrane: 0,
    spiking: true,
    binary: true,
    initial: [p.vInitMv, b * p.vInitMv],
    params: () => [],
    step({ input, prev, next, out, fire }) {
      for (let k = 0; k < input.length; k++) {
        const v = prev[0][k];
        const u = prev[1][k];
        const I = scaleI * input[k];
        let vN: number;
        let uN: number;
        if (twoHalf) {
          const vh = Math.max(floor, v + h * f(v, u, I));
          vN = Math.max(floor, vh + h * f(vh, u, I));
          uN = u + dtMs * a * (b * vN - u);
        } else {
          vN = Math.max(floor, v + dtMs * f(v, u, I));
          uN = u + dtMs * a * (b * v - u);
        }
        const r = vN >= vPeakMv ? 1 : 0;
        out[k] = fire.spike((vN - vPeakMv) / scaleMv);
        next[0][k] = r === 1 ? c : vN;
        next[1][k] = uN + d * r;
      }
    },
    backward({ input, prev, fire, gradOut, gradNext, gradPrev, gradInput }) {
      for (let k = 0; k < input.length; k++) {
        const v = prev[0][k];
        const u = prev[1][k];
        const I = scaleI * input[k];
        const guN = gradNext[1][k];
        let gv = 0;
        let gu = 0;
        let gI = 0;
        if (twoHalf) {
          const vhRaw = v + h * f(v, u, I);
          const vh = Math.max(floor, vhRaw);
          const vNRaw = vh + h * f(vh, u, I);
          const vN = Math.max(floor, vNRaw);
          const r = vN >= vPeakMv ? 1 : 0;
          let gvN = gradNext[0][k] * (1 - r) + (gradOut[k] * fire.derivative((vN - vPeakMv) / scaleMv)) / scaleMv;
          gvN += guN * dtMs * a * b;
          gu += guN * (1 - dtMs * a);
          if (vNRaw > floor) {
            const gvh = gvN * (1 + h * (0.08 * vh + 5));
            gu -= h * gvN;
            gI += h * gvN;
            if (vhRaw > floor) {
              gv += gvh * (1 + h * (0.08 * v + 5));
              gu -= h * gvh;
              gI += h * gvh;
            }
          }
        } else {
          const vNRaw = v + dtMs * f(v, u, I);
          const vN = Math.max(floor, vNRaw);
          const r = vN >= vPeakMv ? 1 : 0;
          const gvN = gradNext[0][k] * (1 - r) + (gradOut[k] * fire.derivative((vN - vPeakMv) / scaleMv)) / scaleMv;
          gv += guN * dtMs * a * b;
          gu += guN * (1 - dtMs * a);
          if (vNRaw > floor) {
            gv += gvN * (1 + dtMs * (0.08 * v + 5));
            gu -= dtMs * gvN;
            gI += dtMs * gvN;
          }
        }
        gradPrev[0][k] += gv;
        gradPrev[1][k] += gu;
        gradInput[k] = scaleI * gI;
      }
    },
  };
  return new NeuronLayer(model, { name: opts.name, fire: opts.surrogate ?? atan() });
}
