import { ShapeError, ValidationError, describeValue } from '@snn/core';
import type { Tensor } from '@snn/core';
import type { TopLevelSpec } from 'vega-lite';
import type { Figure, FigureOptions } from '../api.js';
import { renderVegaLite } from '../render/render.js';
import { checkFiniteValues, checkTensor, positiveOr } from '../validation/validation.js';

/** Options of {@link membraneTraces}. */
export interface MembraneTracesOptions extends FigureOptions {
  /** Firing threshold drawn as a dashed red line, in the units of the potentials. */
  readonly threshold?: number;
  /** Indices of the neurons to draw; default the first min(N, 10). */
  readonly neurons?: readonly number[];
  /** Time step in ms: when given, the x axis is in ms (`t · dtMs`) instead of steps. */
  readonly dtMs?: number;
  /** Label of the y axis; default `"membrane potential"`. */
  readonly valueLabel?: string;
}

/**
 * Membrane potential over time of a few neurons, one coloured line each,
 * with the firing threshold as a dashed line.
 *
 * @param membrane - potentials `[T, N]`
 * @param options - `threshold`, `neurons` (default the first min(N, 10)), `dtMs`, `title` (default "Membrane potential"), `width` (600), `height` (300), `valueLabel`
 * @returns the rendered figure
 * @throws ShapeError when `membrane` is not `[T, N]`; ValidationError for a neuron index out of range or a non-finite value
 * @example
 * ```ts
 * const fig = await membraneTraces(tensor([0, 0.1, 0.5, 0.3, 1.1, 0.2], [3, 2]), { threshold: 1 });
 * fig.svg.includes('threshold'); // true
 * ```
 */
export async function membraneTraces(membrane: Tensor, options: MembraneTracesOptions = {}): Promise<Figure> {
  checkTensor(membrane, 'membrane');
  if (membrane.shape.length !== 2) {
    throw new ShapeError('membrane traces need time and neuron dimensions', {
      field: 'membrane',
      expected: '[T, N]',
      found: `[${membrane.shape.join(', ')}]`,
    });
  }
  const [numSteps, numNeurons] = membrane.shape as [number, number];
  const neurons = options.neurons ?? Array.from({ length: Math.min(numNeurons, 10) }, (_, i) => i);
  neurons.forEach((n, k) => {
    if (!Number.isInteger(n) || n < 0 || n >= numNeurons) {
      throw new ValidationError('neuron index out of range', {
        field: `neurons[${k}]`,
        expected: `an integer in [0, ${numNeurons - 1}]`,
        found: describeValue(n),
      });
    }
  });
  checkFiniteValues(membrane.data, 'membrane', membrane.shape);
  if (options.threshold !== undefined && (typeof options.threshold !== 'number' || !Number.isFinite(options.threshold))) {
    throw new ValidationError('invalid threshold', { field: 'threshold', expected: 'a finite number', found: describeValue(options.threshold) });
  }
  const width = positiveOr(options.width, 600, 'width');
  const height = positiveOr(options.height, 300, 'height');
  const dt = options.dtMs === undefined ? 1 : positiveOr(options.dtMs, 1, 'dtMs');
  const labels = neurons.map((n) => `neuron ${n}`);
  const values: Array<{ t: number; neuron: string; v: number }> = [];
  neurons.forEach((n, k) => {
    for (let t = 0; t < numSteps; t++) values.push({ t: t * dt, neuron: labels[k], v: membrane.data[t * numNeurons + n] });
  });
  const layers: TopLevelSpec[] = [];
  const lines = {
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: options.dtMs === undefined ? 'time step' : 'time (ms)', scale: { nice: false } },
      y: { field: 'v', type: 'quantitative', title: options.valueLabel ?? 'membrane potential' },
      color: { field: 'neuron', type: 'nominal', sort: labels, title: null, scale: { scheme: 'tableau10' } },
    },
  };
  layers.push(lines as unknown as TopLevelSpec);
  if (options.threshold !== undefined) {
    layers.push({
      data: { values: [{ y: options.threshold, label: 'threshold' }] },
      layer: [
        { mark: { type: 'rule', color: '#d62728', strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        {
          mark: { type: 'text', color: '#d62728', align: 'right', baseline: 'bottom', dy: -3, x: width - 2, fontSize: 11 },
          encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } },
        },
      ],
    } as unknown as TopLevelSpec);
  }
  const spec = { title: options.title ?? 'Membrane potential', width, height, layer: layers } as unknown as TopLevelSpec;
  return renderVegaLite(spec);
}
