import { NumericError } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { Dropout, Flatten, Residual, Sequential } from './containers.js';
import { Conv2d, MaxPool2d } from './conv.js';
import { gradCheckLayer } from './grad-check.js';
import { type Layer, type LayerGrad, type LayerOutput, ParameterFreeLayer, type RunContext } from './layer.js';
import { Linear } from './linear.js';
import { alif } from './neurons/alif.js';
import { leaky } from './neurons/leaky.js';
import { li } from './neurons/li.js';
import { synaptic } from './neurons/synaptic.js';
import type { FloatArray, Seq } from './types.js';

describe('gradCheckLayer', () => {
  it('passes every built-in layer and a composition of them', () => {
    const cases: [string, () => Layer, number[]][] = [
      ['Linear', () => new Linear(5, 3), [5]],
      ['Conv2d', () => new Conv2d(2, 3, 3, { padding: 1 }), [2, 4, 4]],
      ['MaxPool2d', () => new MaxPool2d(2), [2, 4, 4]],
      ['Flatten', () => new Flatten(), [2, 3, 3]],
      ['Dropout', () => new Dropout(0.3), [6]],
      ['Leaky', () => leaky({ beta: 0.8, learnBeta: true }), [4]],
      ['Synaptic', () => synaptic({ alpha: 0.7, beta: 0.8, learnAlpha: true, learnBeta: true }), [4]],
      ['ALIF', () => alif({ alpha: 0.9, rho: 0.95, learnAlpha: true }), [4]],
      ['recurrent ALIF, sigmoid-parametrised decays', () => alif({ alpha: [0.9, 0.8, 0.85, 0.7], rho: 0.9, learnAlpha: true, learnRho: true, adaptStrength: 0.7, recurrent: true, parametrisation: 'sigmoid' }), [4]],
      ['recurrent ALIF without bias', () => alif({ alpha: 0.8, rho: 0.9, learnRho: true, recurrent: true, recurrentBias: false }), [5]],
      ['LI, sigmoid-parametrised decay', () => li({ beta: [0.8, 0.6, 0.9], learnBeta: true, parametrisation: 'sigmoid' }), [3]],
      ['Sequential', () => new Sequential([new Linear(6, 5), leaky({ beta: 0.9 }), new Linear(5, 3), li({ beta: 0.8, learnBeta: true })]), [6]],
      ['Residual', () => new Residual([new Linear(4, 4), leaky({ beta: 0.8 })]), [4]],
    ];
    for (const [kind, make, shape] of cases) {
      const report = gradCheckLayer(make(), shape, { throwOnFailure: false });
      expect(report.entries.length, kind).toBeGreaterThan(0);
      if (kind.startsWith('recurrent')) expect(report.entries.map((e) => e.name)).toContain('0.recurrent.weight');
      for (const e of report.entries) expect(e.maxRelError, `${kind} ${e.name}[${e.index}]: ${e.analytic} vs ${e.numeric}`).toBeLessThan(1e-2);
    }
  });

  it('checks the input and each parameter by name, sampling large tensors', () => {
    const report = gradCheckLayer(new Linear(40, 30, { name: 'fc1' }), [40], { maxEntries: 8 });
    expect(report.entries.map((e) => e.name)).toEqual(['input', 'fc1.weight', 'fc1.bias']);
    expect(report.ok).toBe(true);
  });

  it('names the tensor and entry of a wrong VJP of a custom layer, and by how much', () => {
    // y = x², with a backward that forgets the factor 2.
    class Square extends ParameterFreeLayer implements Layer {
      readonly kind = 'Square';
      name = 'sq';
      readonly spiking = false;
      private x: Seq | null = null;
      build(inShape: readonly number[]): readonly number[] {
        return inShape;
      }
      forward(x: Seq, _ctx: RunContext): LayerOutput {
        this.x = x;
        return { out: { ...x, data: x.data.map((v) => v * v) as FloatArray, binary: false }, mem: null };
      }
      backward(grad: LayerGrad): FloatArray {
        const x = (this.x as Seq).data;
        return grad.out.map((g, i) => g * x[i]) as FloatArray;
      }
    }
    const report = gradCheckLayer(new Square(), [3], { throwOnFailure: false });
    expect(report.ok).toBe(false);
    expect(report.entries[0].maxRelError).toBeCloseTo(0.5, 2);
    expect(() => gradCheckLayer(new Square(), [3])).toThrow(NumericError);
    expect(() => gradCheckLayer(new Square(), [3])).toThrow(/^field input\[\d+\]: 'sq' \(Square\): the VJP does not match central differences; expected d\(loss\) = /);
  });
});
