import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type MetricValue, RUN_LAYOUT, readManifest } from '@snn/cli';
import { FileFormatError, tensor } from '@snn/core';
import { writeFileAtomic } from '@snn/core/node';
import { type ReportFigure, confusionMatrixFigure, imageGrid, renderReport, splitCurves } from '@snn/viz';
import { saveFigure } from '@snn/viz/node';
import type { Split } from '../data/mnist.js';
import type { TrainableModel } from '../session/model.js';

/** The saved test evaluation (`logs/test-evaluation.json`). */
interface SavedEvaluation {
  readonly epoch: number;
  readonly numClasses: number;
  readonly matrix: number[];
  /** `[index, true label, predicted]` of the first misclassified test images. */
  readonly errors: Array<[number, number, number]>;
}

/** What {@link renderSessionReport} needs. */
export interface RenderOptions {
  /** The run directory. */
  readonly runDir: string;
  /** Title of report.html. */
  readonly title: string;
  /** Note under the title. */
  readonly note: string;
  /** The trained model (for its own figures). */
  readonly model: TrainableModel;
  /** The run's test images. */
  readonly test: Split;
  /** Run seed. */
  readonly seed: number;
  /** Metric records of the run, one per epoch. */
  readonly records: readonly Readonly<Record<string, MetricValue>>[];
}

/** What {@link renderSessionReport} wrote. */
export interface RenderedReport {
  /** Figure files (PNG) relative to the run directory. */
  readonly figures: readonly string[];
  /** Path of report.html. */
  readonly report: string;
}

async function readEvaluation(runDir: string): Promise<SavedEvaluation | null> {
  const file = join(runDir, RUN_LAYOUT.logs, 'test-evaluation.json');
  if (!existsSync(file)) return null;
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as SavedEvaluation;
    if (!Array.isArray(value.matrix) || value.matrix.length !== value.numClasses * value.numClasses || !Array.isArray(value.errors)) throw new Error('bad layout');
    return value;
  } catch (cause) {
    throw new FileFormatError('corrupt test evaluation file', { file, expected: '{ epoch, numClasses, matrix, errors }', cause });
  }
}

/**
 * Renders the figures every command shares (training curves, confusion matrix, grid of
 * misclassified test digits), the model's own figures, and `report.html`.
 *
 * @param options - run directory, model, test images, records
 * @returns the figure files and the report path
 */
export async function renderSessionReport(options: RenderOptions): Promise<RenderedReport> {
  const { runDir, records } = options;
  const figs = join(runDir, RUN_LAYOUT.figs);
  const figures: ReportFigure[] = [];
  const add = (name: string, title: string, caption: string): void => {
    figures.push({ title, file: `${RUN_LAYOUT.figs}/${name}.png`, caption });
  };
  if (records.some((r) => typeof r.epoch === 'number' && (r.epoch as number) > 0 && (typeof r.train_acc === 'number' || typeof r.test_acc === 'number'))) {
    saveFigure(join(figs, 'training-curves'), await splitCurves(records.filter((r) => typeof r.epoch === 'number' && (r.epoch as number) > 0), 'Accuracy (%) and loss per epoch'));
    add('training-curves', 'Accuracy and loss', 'Training, validation and test accuracy (%) and loss per epoch.');
  }
  const evaluation = await readEvaluation(runDir);
  if (evaluation) {
    saveFigure(join(figs, 'confusion-matrix'), await confusionMatrixFigure(evaluation.matrix, evaluation.numClasses, undefined, { title: `Test confusion matrix (epoch ${evaluation.epoch})` }));
    add('confusion-matrix', 'Confusion matrix', 'Rows: true digit; columns: predicted digit.');
    const shown = evaluation.errors.slice(0, 16);
    if (shown.length > 0) {
      const cols = Math.min(8, shown.length);
      const rows = Math.ceil(shown.length / cols);
      const pixels = new Float32Array(rows * cols * 784);
      shown.forEach(([i], k) => {
        pixels.set(options.test.images.subarray(i * 784, (i + 1) * 784), k * 784);
      });
      const titles = [...shown.map(([, t, p]) => `${t}→${p}`), ...Array.from({ length: rows * cols - shown.length }, () => '')];
      saveFigure(
        join(figs, 'error-examples'),
        await imageGrid(tensor(pixels, [rows * cols, 28, 28]), { rows, cols, domain: [0, 1], titles, title: 'Misclassified test digits (true→predicted)', pixelSize: 3 }),
      );
      add('error-examples', 'Error examples', `The first ${shown.length} misclassified test images, labelled true→predicted.`);
    }
  }
  figures.push(...(await options.model.figures({ figsDir: figs, test: options.test, seed: options.seed }, records)));
  const report = await writeRunReport(runDir, { title: options.title, note: options.note, fields: { seed: options.seed, model: options.model.description }, records, figures });
  return { figures: figures.map((f) => f.file), report };
}

/** What {@link writeRunReport} puts on the page. */
export interface RunReportContent {
  /** Page title. */
  readonly title: string;
  /** Note under the title. */
  readonly note: string;
  /** Summary rows shown after the run name and status (seed, model, …). */
  readonly fields: Readonly<Record<string, string | number | boolean>>;
  /** The metrics table, one row per record. */
  readonly records: readonly Readonly<Record<string, MetricValue>>[];
  /** The figures, already saved under the run directory. */
  readonly figures: readonly ReportFigure[];
}

/**
 * Writes `<run>/report.html` (atomically): the summary (run, status, the given fields, backend, every final metric of
 * the manifest, wall time), the metrics table and the figures, through `renderReport` of @snn/viz. Every command of
 * the app (the epoch-based ones and `diehl-cook`) writes its page with it.
 *
 * @param runDir - the run directory (its manifest.json is read)
 * @param content - title, note, fields, records, figures
 * @returns the path of report.html
 */
export async function writeRunReport(runDir: string, content: RunReportContent): Promise<string> {
  const manifest = await readManifest(runDir);
  const summary: Record<string, string | number | boolean> = {
    run: manifest.name,
    status: manifest.status,
    ...content.fields,
    backend: manifest.backend ? `${manifest.backend.name}${manifest.backend.reason ? ` (${manifest.backend.reason})` : ''}` : 'unknown',
  };
  for (const [key, value] of Object.entries(manifest.metrics)) if (value !== null) summary[key] = value;
  if (manifest.durationMs !== null) summary['wall time (s)'] = Math.round(manifest.durationMs / 100) / 10;
  const html = renderReport({ title: content.title, note: content.note, summary, metrics: content.records.map((r) => ({ ...r })), figures: [...content.figures] });
  const report = join(runDir, 'report.html');
  await writeFileAtomic(report, html);
  return report;
}
