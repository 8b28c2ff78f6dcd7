import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type ProgressStream, createLogger, mergeOverrides, parseConfig, readConfigFile } from '@snn/cli';
import { type BackendRequest } from '@snn/core';
import { writeFileAtomic } from '@snn/core/node';
import { saveFigure } from '@snn/viz/node';
import { APP_NAME, type AppIo } from '../app/io.js';
import { type ImageClassificationConfig, configSchema } from '../config/schema.js';
import { runTraining, trainingBackend } from '../training/run-training.js';
import { type Finding, type SweepRow, computeFindings, formatFindings } from './findings.js';
import { pointLabel, sweepFigure } from './figure.js';
import { type SweepConfig, sweepSchema } from './schema.js';

/** Folder (under `<runsDir>/snn-image-classification/`) that holds the sweeps. */
export const SWEEPS_DIR = 'sweeps';

/** One grid point: the values of the seed's factors. */
export interface GridPoint {
  /** Hidden neuron model. */
  readonly neuron: 'lif' | 'alif';
  /** Recurrent hidden weights. */
  readonly recurrent: boolean;
  /** Periodic input signal. */
  readonly periodic: boolean;
  /** Hidden neurons. */
  readonly hiddenSize: number;
  /** Learned decay factors. */
  readonly learnBeta: boolean;
}

/**
 * The grid points of a sweep, in the seed's order (neuron, recurrent, periodic, hidden size, learn-beta).
 *
 * @param grid - the `grid` section
 */
export function gridPoints(grid: SweepConfig['grid']): GridPoint[] {
  const out: GridPoint[] = [];
  for (const neuron of grid.neuron)
    for (const recurrent of grid.recurrent)
      for (const periodic of grid.periodic)
        for (const hiddenSize of grid.hidden_size) for (const learnBeta of grid.learn_beta) out.push({ neuron, recurrent, periodic, hiddenSize, learnBeta });
  return out;
}

/**
 * The train config of one grid point: the sweep's `base` with the point's values (and any
 * command-line overrides) applied, validated by the train config schema.
 *
 * @param sweep - the sweep file
 * @param point - the grid point
 * @param overrides - dotted path -> value applied to `base` first (e.g. from `--set`)
 * @param file - the sweep file, for error messages
 */
export function pointConfig(sweep: SweepConfig, point: GridPoint, overrides: Readonly<Record<string, unknown>> = {}, file?: string): ImageClassificationConfig {
  const base = mergeOverrides(sweep.base, overrides, configSchema, { file });
  return mergeOverrides(
    base,
    {
      'model.neuron': point.neuron,
      'model.recurrent': point.recurrent,
      'encoding.periodic': point.periodic,
      'model.hidden_size': point.hiddenSize,
      'model.learn_beta': point.learnBeta,
    },
    configSchema,
    { file, origin: 'sweep grid' },
  );
}

/**
 * The sweep table as CSV (header + one line per point; accuracies as fractions).
 *
 * @param rows - the table
 */
export function sweepCsv(rows: readonly SweepRow[]): string {
  const header = 'neuron,recurrent,periodic,hidden_size,learn_beta,hash,epochs,best_epoch,train_acc,val_acc,test_acc';
  const lines = rows.map((r) =>
    [r.neuron, r.recurrent, r.periodic, r.hiddenSize, r.learnBeta, r.hash, r.epochs, r.bestEpoch, r.trainAccuracy.toFixed(6), r.valAccuracy.toFixed(6), r.testAccuracy.toFixed(6)].join(','),
  );
  return `${[header, ...lines].join('\n')}\n`;
}

/**
 * The sweep table and findings as Markdown.
 *
 * @param name - sweep name
 * @param rows - the table
 * @param findings - from `computeFindings`
 * @param about - one line on the budget (dataset, subset, epochs, T)
 */
export function sweepMarkdown(name: string, rows: readonly SweepRow[], findings: readonly Finding[], about: string): string {
  const pct = (x: number): string => (100 * x).toFixed(2);
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  const out = [`# Sweep ${name}`, '', about, '', '| neuron | recurrent | periodic | hidden | learn β | train % | val % | test % | best epoch | run |', '| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | --- |'];
  for (const r of rows) {
    out.push(`| ${r.neuron.toUpperCase()} | ${yes(r.recurrent)} | ${yes(r.periodic)} | ${r.hiddenSize} | ${yes(r.learnBeta)} | ${pct(r.trainAccuracy)} | ${pct(r.valAccuracy)} | ${pct(r.testAccuracy)} | ${r.bestEpoch}/${r.epochs} | \`${r.hash}\` |`);
  }
  out.push('', '## Findings of the seed paper on this table', '', '| finding | contrast | mean paired difference (pp) | pairs | rule | holds here |', '| --- | --- | ---: | ---: | --- | --- |');
  for (const f of findings) {
    const effect = Number.isNaN(f.effectPp) ? '–' : `${f.effectPp >= 0 ? '+' : ''}${f.effectPp.toFixed(2)}`;
    out.push(`| ${f.claim} | ${f.contrast} | ${effect} | ${f.pairs} | ${f.rule.replaceAll('|', '\\|')} | ${f.holds === null ? 'n/a (not in the grid)' : yes(f.holds)} |`);
  }
  return `${out.join('\n')}\n`;
}

/** Options of {@link runSweep}. */
export interface SweepOptions {
  /** The sweep file (YAML or JSON). */
  readonly file: string;
  /** Dotted path -> value applied to the sweep's `base` (from `--set`). */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** Folder of all runs. */
  readonly runsDir: string;
  /** Backend request (training runs on js). */
  readonly backend: BackendRequest;
  /** Render each point's figures and report (slower); default false. */
  readonly runFigures?: boolean;
  /** Print only errors and the final results. */
  readonly quiet: boolean;
  /** Command line, for the manifests. */
  readonly argv: readonly string[];
  /** Output streams and environment. */
  readonly io: AppIo;
}

/** What {@link runSweep} returns. */
export interface SweepResult {
  /** `<runsDir>/snn-image-classification/sweeps/<name>/`. */
  readonly dir: string;
  /** One row per grid point. */
  readonly rows: readonly SweepRow[];
  /** The seed's findings checked on the rows. */
  readonly findings: readonly Finding[];
  /** Wall time of the whole sweep in seconds. */
  readonly seconds: number;
}

const sink: ProgressStream = { write: () => true, isTTY: false };

/**
 * Trains every grid point of a sweep (each in its own parameters-hash run directory, so an
 * interrupted sweep resumes where it stopped and points shared with other sweeps are reused),
 * then writes `sweep.csv`, `sweep.md`, `findings.json` and the grouped bar figure
 * `sweep-accuracy.png` into `<runsDir>/snn-image-classification/sweeps/<name>/`, and prints the
 * table and the seed's findings as computed from it.
 *
 * @param options - sweep file, overrides, runs folder, output
 */
export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const start = performance.now();
  const { io } = options;
  const log = createLogger({ stream: io.stderr, quiet: options.quiet });
  const sweep = parseConfig(await readConfigFile(options.file), sweepSchema, { file: options.file });
  const points = gridPoints(sweep.grid);
  const configs = points.map((p) => pointConfig(sweep, p, options.overrides ?? {}, options.file));
  const dir = join(options.runsDir, APP_NAME, SWEEPS_DIR, sweep.name);
  await mkdir(dir, { recursive: true });
  const rows: SweepRow[] = [];
  for (let i = 0; i < points.length; i++) {
    const point = points[i];
    const config = configs[i];
    log('sweep %s: point %d/%d: %s', sweep.name, i + 1, points.length, pointLabel(point));
    const backend = await trainingBackend(options.backend, config.workers);
    const runIo: AppIo = { stdout: options.quiet ? sink : io.stderr, stderr: options.quiet ? sink : io.stderr, env: io.env };
    const summary = await runTraining({ config, runsDir: options.runsDir, backend, figures: options.runFigures ?? false, quiet: options.quiet, argv: options.argv, io: runIo });
    const best = summary.best;
    if (best === null) throw new Error(`sweep point ${pointLabel(point)} has no trained epoch`);
    rows.push({ ...point, hash: summary.hash, epochs: summary.epochs, bestEpoch: best.epoch, trainAccuracy: best.trainAccuracy ?? Number.NaN, valAccuracy: best.value ?? Number.NaN, testAccuracy: best.testAccuracy ?? Number.NaN });
  }
  const findings = computeFindings(rows, { metric: sweep.findings.metric, smallEffectPp: sweep.findings.small_effect_pp });
  const c = configs[0];
  const about = `Dataset ${c.dataset}, data_prop ${c.training.data_prop} (validation ${c.training.validation_fraction} of it), test_prop ${c.training.test_prop}, ${c.training.epochs} epoch(s), T = ${c.model.num_steps}, batch ${c.training.batch_size}, lr ${c.training.learning_rate}, seed ${c.seed}; accuracies at the best validation epoch; findings compare ${sweep.findings.metric} accuracy.`;
  await writeFileAtomic(join(dir, 'sweep.csv'), sweepCsv(rows));
  await writeFileAtomic(join(dir, 'sweep.md'), sweepMarkdown(sweep.name, rows, findings, about));
  await writeFileAtomic(join(dir, 'findings.json'), `${JSON.stringify({ sweep: sweep.name, about, findings }, null, 2)}\n`);
  saveFigure(join(dir, 'sweep-accuracy'), await sweepFigure(rows, `Sweep ${sweep.name}: accuracy at the best validation epoch`));
  const seconds = (performance.now() - start) / 1000;
  io.stdout.write(`point                              train %   val %  test %\n`);
  for (const r of rows) {
    io.stdout.write(`${pointLabel(r).padEnd(32)} ${(100 * r.trainAccuracy).toFixed(2).padStart(8)} ${(100 * r.valAccuracy).toFixed(2).padStart(7)} ${(100 * r.testAccuracy).toFixed(2).padStart(7)}\n`);
  }
  io.stdout.write(`\n${formatFindings(findings)}`);
  io.stdout.write(`sweep directory: ${dir} (${points.length} points, ${seconds.toFixed(1)} s)\n`);
  return { dir, rows, findings, seconds };
}
