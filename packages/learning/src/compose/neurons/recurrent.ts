import type { Rng } from '@snn/core';
import type { NeuronParamSpec } from '../neuron.js';
import type { FloatArray } from '../types.js';

/** `recurrent.weight` `[n, n]` and `recurrent.bias` `[n]`, initialised as PyTorch's `nn.Linear(n, n)`. */
export function recurrentParams(width: number, rng: Rng, learn: boolean): NeuronParamSpec[] {
  const bound = 1 / Math.sqrt(width);
  const w = new Float32Array(width * width);
  for (let k = 0; k < w.length; k++) w[k] = rng.uniformIn(-bound, bound);
  const b = new Float32Array(width);
  for (let k = 0; k < width; k++) b[k] = rng.uniformIn(-bound, bound);
  return [
    { name: 'recurrent.weight', value: w, shape: [width, width], learn },
    { name: 'recurrent.bias', value: b, shape: [width], learn },
  ];
}

/** rec[b, j] = b_V[j] + Σ_i V[j, i]·S[b, i], over the active S only. */
export function recurrentForward(spk: FloatArray, weight: FloatArray, bias: FloatArray, rec: FloatArray, width: number, batch: number): void {
  for (let b = 0; b < batch; b++) {
    const o = b * width;
    for (let j = 0; j < width; j++) rec[o + j] = bias[j];
    for (let i = 0; i < width; i++) {
      const s = spk[o + i];
      if (s === 0) continue;
      for (let j = 0; j < width; j++) rec[o + j] += s * weight[j * width + i];
    }
  }
}

/** Given g = dL/d(rec): adds dL/dS[t−1] = Vᵀ·g into gSpk, dV += g·Sᵀ, db += g. */
export function recurrentBackward(
  spk: FloatArray,
  weight: FloatArray,
  g: FloatArray,
  gSpk: FloatArray,
  gWeight: FloatArray,
  gBias: FloatArray,
  width: number,
  batch: number,
): void {
  for (let b = 0; b < batch; b++) {
    const o = b * width;
    for (let j = 0; j < width; j++) {
      const d = g[o + j];
      if (d === 0) continue;
      gBias[j] += d;
      const wo = j * width;
      for (let i = 0; i < width; i++) {
        gSpk[o + i] += d * weight[wo + i];
        const s = spk[o + i];
        if (s !== 0) gWeight[wo + i] += d * s;
      }
    }
  }
}
