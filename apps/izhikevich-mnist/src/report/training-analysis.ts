import { join } from 'node:path';
import type { MetricValue } from '@snn/cli';
import { type ReportFigure, epochPanels } from '@snn/viz';
import { saveFigure } from '@snn/viz/node';

/** One curve of the training-analysis figure: a metrics-record key drawn in a panel. */
export interface AnalysisCurve {
  /** Panel title (with the unit), e.g. `accuracy (%)`. */
  readonly panel: string;
  /** Series name within the panel (`train`, `validation`, `test`, …). */
  readonly series: string;
  /** Key of the per-epoch metrics record, e.g. `test_hidden_spike_rate`. */
  readonly key: string;
  /** Factor applied to the value (e.g. 100 for %). Default 1. */
  readonly scale?: number;
}

/** Accuracy of the three splits, in %. */
export const ACCURACY_CURVES: readonly AnalysisCurve[] = [
  { panel: 'accuracy (%)', series: 'train', key: 'train_acc', scale: 100 },
  { panel: 'accuracy (%)', series: 'validation', key: 'val_acc', scale: 100 },
  { panel: 'accuracy (%)', series: 'test', key: 'test_acc', scale: 100 },
];

/** Training and validation loss. */
export const LOSS_CURVES: readonly AnalysisCurve[] = [
  { panel: 'loss', series: 'train', key: 'train_loss' },
  { panel: 'loss', series: 'validation', key: 'val_loss' },
];

/** Training time and the seed's energy estimate (TDP × training time) per epoch. */
export const COST_CURVES: readonly AnalysisCurve[] = [
  { panel: 'training time per epoch (s)', series: 'train', key: 'train_seconds' },
  { panel: 'TDP × time per epoch (Wh)', series: 'train', key: 'train_tdp_energy_wh' },
];

/** What {@link saveTrainingAnalysis} draws. */
export interface TrainingAnalysisOptions {
  /** The run's `figs/` folder. */
  readonly figsDir: string;
  /** Figure title. */
  readonly title: string;
  /** The curves, panel by panel in order of first appearance. */
  readonly curves: readonly AnalysisCurve[];
  /** Caption in report.html. */
  readonly caption: string;
}

/**
 * The training-analysis figure of a run (the seed scripts' `training_analysis.png`): one panel per quantity, against
 * the epoch, from the per-epoch metrics records. Curves whose key no record has are left out; nothing is drawn
 * when no record has any.
 *
 * @param records - the run's metrics records, one per epoch
 * @param options - folder, title, curves, caption
 * @returns the figure for report.html (`figs/training-analysis.png`), or none
 */
export async function saveTrainingAnalysis(records: readonly Readonly<Record<string, MetricValue>>[], options: TrainingAnalysisOptions): Promise<ReportFigure[]> {
  const values: Array<{ epoch: number; panel: string; series: string; value: number }> = [];
  for (const r of records) {
    const epoch = r.epoch;
    if (typeof epoch !== 'number' || epoch < 1) continue;
    for (const c of options.curves) {
      const v = r[c.key];
      if (typeof v === 'number' && Number.isFinite(v)) values.push({ epoch, panel: c.panel, series: c.series, value: v * (c.scale ?? 1) });
    }
  }
  if (values.length === 0) return [];
  const figure = await epochPanels(values, { title: options.title, width: 230, height: 170, columns: 3 });
  saveFigure(join(options.figsDir, 'training-analysis'), figure);
  return [{ title: 'Training analysis', file: 'figs/training-analysis.png', caption: options.caption }];
}
