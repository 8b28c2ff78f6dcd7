import { renderVegaLite } from '@snn/viz';
import type { SweepRow } from './findings.js';

/**
 * The label of a grid point on the sweep figure, as in the seed's bar plot:
 * `ALIF REC✓ P✗ HN128` (plus `β✓` when the decays are learned).
 *
 * @param row - the grid point
 */
export function pointLabel(row: Pick<SweepRow, 'neuron' | 'recurrent' | 'periodic' | 'hiddenSize' | 'learnBeta'>): string {
  const mark = (b: boolean): string => (b ? '✓' : '✗');
  return `${row.neuron.toUpperCase()} REC${mark(row.recurrent)} P${mark(row.periodic)} HN${row.hiddenSize}${row.learnBeta ? ' β✓' : ''}`;
}

type VegaSpec = Parameters<typeof renderVegaLite>[0];

/**
 * Grouped bar figure of a sweep (like the seed's): one group per grid point, bars for the
 * training, validation and test accuracy (%) at the best validation epoch.
 *
 * @param rows - the sweep table
 * @param title - figure title
 */
export async function sweepFigure(rows: readonly SweepRow[], title: string): ReturnType<typeof renderVegaLite> {
  const values: Array<{ point: string; split: string; accuracy: number }> = [];
  for (const r of rows) {
    const point = pointLabel(r);
    values.push({ point, split: 'train', accuracy: 100 * r.trainAccuracy });
    values.push({ point, split: 'validation', accuracy: 100 * r.valAccuracy });
    values.push({ point, split: 'test', accuracy: 100 * r.testAccuracy });
  }
  const spec = {
    title: { text: title, anchor: 'start', offset: 10 },
    data: { values },
    width: Math.max(360, 48 * rows.length),
    height: 260,
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'point', type: 'nominal', title: null, sort: null, axis: { labelAngle: -50 } },
      xOffset: { field: 'split', sort: ['train', 'validation', 'test'] },
      y: { field: 'accuracy', type: 'quantitative', title: 'accuracy (%)', scale: { domain: [0, 100] } },
      color: { field: 'split', type: 'nominal', title: null, scale: { domain: ['train', 'validation', 'test'], range: ['#1f77b4', '#2ca02c', '#ff7f0e'] } },
    },
  } as unknown as VegaSpec;
  return renderVegaLite(spec);
}
