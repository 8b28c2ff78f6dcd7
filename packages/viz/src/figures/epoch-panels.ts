import { ValidationError, describeValue } from '@snn/core';
import type { TopLevelSpec } from 'vega-lite';
import type { Figure, FigureOptions } from '../api.js';
import { renderVegaLite } from '../render/render.js';
import { positiveOr } from '../validation/validation.js';

/** One value of a per-epoch figure: which panel, which line, at which epoch. */
export interface EpochPoint {
  /** Epoch (x axis). */
  readonly epoch: number;
  /** Panel title, e.g. `loss` or `accuracy (%)`. */
  readonly panel: string;
  /** Line within the panel, e.g. `train`, `validation`, `test`. */
  readonly series: string;
  /** The value (y axis). */
  readonly value: number;
}

/** Options of {@link epochPanels}. */
export interface EpochPanelsOptions extends FigureOptions {
  /** Panels per row (default: all in one row). */
  readonly columns?: number;
  /** Title of the x axis (default `epoch`), e.g. `training examples` where the x values count examples. */
  readonly xTitle?: string;
}

/** Colours of the usual splits, the same in every figure; other series take the next palette colours. */
const SERIES_COLOURS: Readonly<Record<string, string>> = { train: '#1f77b4', validation: '#2ca02c', test: '#ff7f0e', lr: '#9467bd' };
const PALETTE = ['#d62728', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/**
 * Per-epoch curves in panels (one per `panel` value, in order of first appearance), each with a
 * line per `series`, coloured alike across panels (train blue, validation green, test orange).
 * Only series that occur get a legend entry.
 *
 * @param points - the values
 * @param options - `title`, `width`/`height` of each panel (280 × 200), `columns`, `xTitle` (default `epoch`)
 * @returns the rendered figure
 * @throws ValidationError for no points or a non-finite epoch or value (named by index)
 */
export async function epochPanels(points: readonly EpochPoint[], options: EpochPanelsOptions = {}): Promise<Figure> {
  if (!Array.isArray(points) || points.length === 0) {
    throw new ValidationError('nothing to draw', { field: 'points', expected: 'at least one value', found: describeValue(points) });
  }
  points.forEach((p, i) => {
    for (const key of ['epoch', 'value'] as const) {
      if (typeof p[key] !== 'number' || !Number.isFinite(p[key])) {
        throw new ValidationError('non-finite value', { field: `points[${i}].${key}`, expected: 'a finite number', found: describeValue(p[key]) });
      }
    }
  });
  const panels = [...new Set(points.map((p) => p.panel))];
  const series = [...new Set(points.map((p) => p.series))];
  let next = 0;
  const range = series.map((s) => SERIES_COLOURS[s] ?? PALETTE[next++ % PALETTE.length]);
  const width = positiveOr(options.width, 280, 'width');
  const height = positiveOr(options.height, 200, 'height');
  const spec = {
    title: { text: options.title ?? 'Training', anchor: 'start', offset: 10 },
    data: { values: points.map((p) => ({ ...p })) },
    concat: panels.map((panel) => ({
      width,
      height,
      title: panel,
      transform: [{ filter: { field: 'panel', equal: panel } }],
      mark: { type: 'line', point: true, strokeWidth: 1.8 },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: options.xTitle ?? 'epoch', axis: { tickMinStep: 1, format: 'd' } },
        y: { field: 'value', type: 'quantitative', title: panel, scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: null, scale: { domain: series, range } },
      },
    })),
    columns: options.columns ?? panels.length,
    resolve: { scale: { y: 'independent' } },
  } as unknown as TopLevelSpec;
  return renderVegaLite(spec);
}

/** A per-epoch metrics record as the run session of @snn/cli logs it (`train_loss`, `val_acc`, `test_acc`, …). */
export type EpochMetricsRecord = Readonly<Record<string, number | string | boolean | null>>;

/**
 * Loss and accuracy (%) per epoch of the training, validation and test splits, from metrics
 * records with the keys `epoch`, `<split>_loss` and `<split>_acc` (`split` = `train`, `val`,
 * `test`; accuracies as fractions). Splits without values are left out (no legend entry).
 *
 * @param records - one record per epoch
 * @param title - figure title; default `Training curves`
 * @throws ValidationError when no record has a loss or an accuracy
 */
export function splitCurves(records: readonly EpochMetricsRecord[], title = 'Training curves'): Promise<Figure> {
  const points: EpochPoint[] = [];
  for (const [panel, key, scale] of [
    ['loss', 'loss', 1],
    ['accuracy (%)', 'acc', 100],
  ] as const) {
    for (const r of records) {
      if (typeof r.epoch !== 'number') continue;
      for (const [split, series] of [
        ['train', 'train'],
        ['val', 'validation'],
        ['test', 'test'],
      ] as const) {
        const value = r[`${split}_${key}`];
        if (typeof value === 'number' && Number.isFinite(value)) points.push({ epoch: r.epoch, panel, series, value: scale * value });
      }
    }
  }
  return epochPanels(points, { title });
}
