import { ShapeError, ValidationError, describeValue } from '@snn/core';
import type { SparseSpikes, Tensor } from '@snn/core';
import type { TopLevelSpec } from 'vega-lite';
import type { Figure, FigureOptions } from '../api.js';
import { renderVegaLite } from '../render/render.js';
import { checkFiniteValues, checkTensor, positiveOr } from '../validation/validation.js';

/** Options of {@link spikeRaster}. */
export interface SpikeRasterOptions extends FigureOptions {
  /** Which sample of a batch `[B, T, ...]` (or of sparse spikes) to draw; default 0. */
  readonly sample?: number;
  /** Time step in ms: when given, the x axis is in ms (`t · dtMs`) instead of steps. */
  readonly dtMs?: number;
  /** Label of the y axis; default `"neuron"`. */
  readonly neuronLabel?: string;
}

interface Raster {
  readonly numSteps: number;
  readonly numNeurons: number;
  readonly events: Array<{ t: number; n: number }>;
}

function rasterFromTensor(spikes: Tensor, sample: number): Raster {
  checkTensor(spikes, 'spikes');
  const shape = spikes.shape;
  if (shape.length < 2) {
    throw new ShapeError('spike raster needs time and neuron dimensions', {
      field: 'spikes',
      expected: '[T, N] or [B, T, ...]',
      found: `[${shape.join(', ')}]`,
    });
  }
  checkFiniteValues(spikes.data, 'spikes', shape);
  const batched = shape.length >= 3;
  const batch = batched ? shape[0] : 1;
  const numSteps = batched ? shape[1] : shape[0];
  const numNeurons = batched ? shape.slice(2).reduce((a, b) => a * b, 1) : shape[1];
  checkSample(sample, batch);
  const events: Array<{ t: number; n: number }> = [];
  const base = sample * numSteps * numNeurons;
  for (let t = 0; t < numSteps; t++) {
    for (let n = 0; n < numNeurons; n++) if (spikes.data[base + t * numNeurons + n] !== 0) events.push({ t, n });
  }
  return { numSteps, numNeurons, events };
}

function rasterFromSparse(spikes: SparseSpikes, sample: number): Raster {
  checkSample(sample, spikes.batch);
  const events: Array<{ t: number; n: number }> = [];
  for (let t = 0; t < spikes.numSteps; t++) {
    const r = sample * spikes.numSteps + t;
    for (let k = spikes.offsets[r]; k < spikes.offsets[r + 1]; k++) events.push({ t, n: spikes.indices[k] });
  }
  return { numSteps: spikes.numSteps, numNeurons: spikes.size, events };
}

function checkSample(sample: number, batch: number): void {
  if (!Number.isInteger(sample) || sample < 0 || sample >= batch) {
    throw new ValidationError('sample index out of range', {
      field: 'sample',
      expected: `an integer in [0, ${batch - 1}]`,
      found: describeValue(sample),
    });
  }
}

/**
 * Spike raster plot: one tick per spike at (time, neuron index).
 *
 * @remarks
 * Accepts a dense `[T, N]` tensor, a batch `[B, T, ...]` (the trailing
 * dimensions are flattened to the neuron index, and `sample` picks the
 * sample) or core `SparseSpikes`. Any non-zero value counts as a spike. The
 * axes span all T steps and N neurons, so silent neurons and steps show as
 * empty space.
 *
 * @param spikes - spikes `[T, N]`, `[B, T, ...]` or sparse spike trains
 * @param options - `sample` (default 0), `dtMs`, `title` (default "Spike raster"), `width` (600), `height` (300), `neuronLabel`
 * @returns the rendered figure
 * @throws ShapeError for a tensor with fewer than two dimensions; ValidationError for a bad sample index, option or non-finite value
 * @example
 * ```ts
 * const fig = await spikeRaster(tensor([1, 0, 0, 1, 1, 1], [3, 2]), { title: 'Input spikes' });
 * fig.svg.includes('Input spikes'); // true
 * ```
 */
export async function spikeRaster(spikes: Tensor | SparseSpikes, options: SpikeRasterOptions = {}): Promise<Figure> {
  const sample = options.sample ?? 0;
  const raster = 'offsets' in spikes ? rasterFromSparse(spikes, sample) : rasterFromTensor(spikes, sample);
  const width = positiveOr(options.width, 600, 'width');
  const height = positiveOr(options.height, 300, 'height');
  const dt = options.dtMs === undefined ? 1 : positiveOr(options.dtMs, 1, 'dtMs');
  const inMs = options.dtMs !== undefined;
  const tickSize = Math.max(2, Math.min(12, (0.9 * height) / Math.max(1, raster.numNeurons)));
  const spec: TopLevelSpec = {
    title: options.title ?? 'Spike raster',
    width,
    height,
    data: { values: raster.events.map((e) => ({ t: e.t * dt, n: e.n })) },
    mark: { type: 'tick', orient: 'vertical', thickness: 1.2, size: tickSize, color: '#1f1f1f', opacity: 0.9 },
    encoding: {
      x: {
        field: 't',
        type: 'quantitative',
        title: inMs ? 'time (ms)' : 'time step',
        scale: { domain: [0, Math.max(1, raster.numSteps - 1) * dt], nice: false },
      },
      y: {
        field: 'n',
        type: 'quantitative',
        title: options.neuronLabel ?? 'neuron',
        scale: { domain: [-0.5, raster.numNeurons - 0.5], nice: false, zero: false },
      },
    },
  };
  return renderVegaLite(spec);
}
