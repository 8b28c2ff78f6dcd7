import { ValidationError, describeValue } from '@snn/core';
import type { Figure, FigureOptions } from '../api.js';
import { epochPanels } from './epoch-panels.js';

/** One row of a training history: the metrics after an epoch (any metric may be missing). */
export interface TrainingHistoryEntry {
  /** Epoch number (x axis). */
  readonly epoch: number;
  /** Mean training loss of the epoch. */
  readonly trainLoss?: number;
  /** Loss on the test (or validation) set. */
  readonly testLoss?: number;
  /** Training accuracy (a fraction in [0, 1] or a percentage; drawn as given). */
  readonly trainAcc?: number;
  /** Test (or validation) accuracy, in the same unit as `trainAcc`. */
  readonly testAcc?: number;
  /** Learning rate used in the epoch. */
  readonly lr?: number;
}

const SERIES = [
  { key: 'trainLoss', panel: 'loss', label: 'train' },
  { key: 'testLoss', panel: 'loss', label: 'test' },
  { key: 'trainAcc', panel: 'accuracy', label: 'train' },
  { key: 'testAcc', panel: 'accuracy', label: 'test' },
  { key: 'lr', panel: 'learning rate', label: 'lr' },
] as const;

/**
 * Training curves: loss, accuracy and learning rate against the epoch, one
 * panel each, side by side.
 *
 * @remarks
 * A panel is drawn only when some entry has one of its metrics; train and
 * test series share a panel and are told apart by colour. Missing values are
 * skipped (the line joins the points that exist).
 *
 * @param history - one entry per epoch
 * @param options - `title` (default "Training"), `width` and `height` of each panel (280 × 200)
 * @returns the rendered figure
 * @throws ValidationError for an empty history, a non-finite epoch or metric (named by index), or no metric at all
 * @example
 * ```ts
 * const fig = await trainingCurves([
 *   { epoch: 1, trainLoss: 0.9, testAcc: 0.81 },
 *   { epoch: 2, trainLoss: 0.5, testAcc: 0.9 },
 * ]);
 * fig.svg.includes('accuracy'); // true
 * ```
 */
export async function trainingCurves(history: readonly TrainingHistoryEntry[], options: FigureOptions = {}): Promise<Figure> {
  if (!Array.isArray(history) || history.length === 0) {
    throw new ValidationError('empty training history', { field: 'history', expected: 'at least one epoch', found: describeValue(history) });
  }
  const values: Array<{ epoch: number; panel: string; series: string; value: number }> = [];
  history.forEach((entry, i) => {
    if (!Number.isFinite(entry?.epoch)) {
      throw new ValidationError('invalid epoch', { field: `history[${i}].epoch`, expected: 'a finite number', found: describeValue(entry?.epoch) });
    }
    for (const s of SERIES) {
      const v = entry[s.key];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new ValidationError('non-finite metric', { field: `history[${i}].${s.key}`, expected: 'a finite number', found: describeValue(v) });
      }
      values.push({ epoch: entry.epoch, panel: s.panel, series: s.label, value: v });
    }
  });
  const panels = ['loss', 'accuracy', 'learning rate'].filter((p) => values.some((v) => v.panel === p));
  if (panels.length === 0) {
    throw new ValidationError('no metric in the training history', {
      field: 'history',
      expected: 'entries with trainLoss, testLoss, trainAcc, testAcc or lr',
      found: describeValue(history[0]),
    });
  }
  return epochPanels(
    panels.flatMap((panel) => values.filter((v) => v.panel === panel)),
    { title: options.title ?? 'Training', ...(options.width !== undefined ? { width: options.width } : {}), ...(options.height !== undefined ? { height: options.height } : {}) },
  );
}
