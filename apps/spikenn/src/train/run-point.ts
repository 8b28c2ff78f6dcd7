import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { MetricsLog, RunSession, parseConfig, processIo } from '@snn/cli';
import { ShapeError, tensor } from '@snn/core';
import { loadNpy, saveNpy } from '@snn/core/node';
import { type RunConfig, runConfigSchema } from '../config/schema.js';
import { writeRunReport } from '../report/report.js';
import { APP_VERSION } from '../version.js';
import { buildReadout } from './build.js';
import { loadSplits } from './data.js';
import { type FitResult, fitReadout } from './fit.js';

/** Name of the seed's log file in a run directory (what `get_kfold_score.py` and `get_gs_best.py` read). */
export const SEED_LOG_FILE = 'readout_log.txt';

/** What one run stores as its result (`result.json` of K-fold and grid-search points). */
export interface RunResult {
  /** Final training accuracy. */
  readonly trainAccuracy: number;
  /** Final validation accuracy (null without a validation set). */
  readonly validationAccuracy: number | null;
  /** Final test accuracy (null without a test set). */
  readonly testAccuracy: number | null;
  /** Validation accuracy per epoch (for grid-search ranking). */
  readonly validationHistory: readonly number[];
  /** Last epoch run (0-based). */
  readonly lastEpoch: number;
  /** How training ended. */
  readonly stoppedBy: FitResult['stoppedBy'];
  /** Mean training samples per second over the epochs. */
  readonly trainSamplesPerSecond: number;
}

/** Options of {@link runOnce}. */
export interface RunOnceOptions {
  /** Dataset folder (`trainset.npy`, optional `valset.npy`, `testset.npy`). */
  readonly dataDir: string;
  /** Run directory (created). */
  readonly outDir: string;
  /** The config (already parsed, or raw JSON data checked here). */
  readonly config: RunConfig | unknown;
  /** The config's file, named in config errors. */
  readonly configFile?: string;
  /** Seed. */
  readonly seed: number;
  /** Echo log lines here too (e.g. stderr), besides `readout_log.txt`. */
  readonly echo?: (line: string) => void;
  /** Command line for the manifest. */
  readonly argv?: readonly string[];
  /** A `.npy` of initial weights `[n_neurons, inputs]` (e.g. dumped from the seed's own run), instead of drawing them. */
  readonly initWeights?: string;
  /** Skip figures and report (default false). */
  readonly noReport?: boolean;
}

/**
 * One training run in a run directory: SpikeNN's `run.py` plus this project's run files.
 *
 * @remarks
 * Through the run-session kit of `@snn/cli`: writes `readout_log.txt` (the seed's log lines), `config.yaml`
 * (the config and the seed), `manifest.json` (seed, versions, timings,
 * final metrics), `logs/metrics.jsonl` (one line per epoch), `weights.npy` and `thresholds.npy` (NumPy reads
 * them), `figs/` and `report.html`.
 * @returns the run's result
 */
export async function runOnce(options: RunOnceOptions): Promise<RunResult> {
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const config = parseConfig(options.config, runConfigSchema, { file: options.configFile ?? 'config' });
  const logFile = join(outDir, SEED_LOG_FILE);
  writeFileSync(logFile, '');
  const log = (line: string): void => {
    appendFileSync(logFile, `${line}\n`);
    options.echo?.(line);
  };
  const io = processIo();
  const session = await RunSession.start({
    run: { path: outDir, name: basename(outDir), resumed: false },
    app: { name: 'spikenn', version: APP_VERSION, moduleUrl: import.meta.url },
    config: { ...config, seed: options.seed },
    backend: { name: 'js', kernelClass: null, requested: 'js', reason: 'event-driven TypeScript: single-spike neurons learn sample by sample' },
    argv: options.argv ?? [],
    io: { ...io, stderr: { write: () => true } },
    quiet: true,
  });
  const metrics = await MetricsLog.open(outDir);
  return session.run(async () => {
    const { splits, classes } = await session.phase('load', () => loadSplits(options.dataDir));
    let initial: Float32Array | undefined;
    if (options.initWeights !== undefined) {
      const npy = await loadNpy(options.initWeights);
      const expected = [config.network[0].n_neurons, splits.train.inputSize];
      if (npy.shape.length !== 2 || npy.shape[0] !== expected[0] || npy.shape[1] !== expected[1]) {
        throw new ShapeError('initial weights do not match the layer', { file: options.initWeights, expected: `shape [${expected.join(', ')}] (n_neurons, inputs)`, found: `[${npy.shape.join(', ')}]` });
      }
      initial = Float32Array.from(npy.data);
    }
    const model = buildReadout(config, splits.train.inputSize, classes, splits.train.duration, options.seed, initial);
    log(JSON.stringify(config));
    const fit = await session.phase('train', () =>
      fitReadout(model, splits, config, log, (r) =>
      metrics.append({
        epoch: r.epoch,
        trainAccuracy: r.trainAccuracy,
        validationAccuracy: r.validationAccuracy ?? null,
        testAccuracy: r.testAccuracy ?? null,
        trainSamplesPerSecond: r.trainSamplesPerSecond,
        meanFirstSpike: r.meanFirstSpike,
        }),
      ),
    );
    const { weights, neurons, inputSize } = model.layer;
    await saveNpy(join(outDir, 'weights.npy'), tensor(Float32Array.from(weights), [neurons, inputSize]));
    await saveNpy(join(outDir, 'thresholds.npy'), tensor(Float32Array.from(model.adaptiveThresholds()), [neurons]));
    const speed = fit.history.reduce((a, h) => a + h.trainSamplesPerSecond, 0) / Math.max(1, fit.history.length);
    const result: RunResult = {
      trainAccuracy: fit.trainAccuracy,
      validationAccuracy: fit.validationAccuracy,
      testAccuracy: fit.testAccuracy,
      validationHistory: fit.history.map((h) => h.validationAccuracy).filter((v): v is number => v !== undefined),
      lastEpoch: fit.lastEpoch,
      stoppedBy: fit.stoppedBy,
      trainSamplesPerSecond: speed,
    };
    const summary = {
      rule: config.optimizer.method + (config.optimizer.use_time_ranges ? ' (time ranges)' : ''),
      neurons,
      inputs: inputSize,
      classes,
      seed: options.seed,
      'stopped by': fit.stoppedBy,
      'last epoch': fit.lastEpoch,
      'train accuracy': fit.trainAccuracy,
      'validation accuracy': fit.validationAccuracy ?? 'none',
      'test accuracy': fit.testAccuracy ?? 'none',
      'training samples/s': Math.round(speed),
    };
    await session.complete({
      metrics: {
        trainAccuracy: result.trainAccuracy,
        validationAccuracy: result.validationAccuracy,
        testAccuracy: result.testAccuracy,
        lastEpoch: result.lastEpoch,
        stoppedBy: result.stoppedBy,
        trainSamplesPerSecond: speed,
      },
      render:
        options.noReport === true
          ? undefined
          : async () => ({
              figures: await writeRunReport(outDir, `spikenn run ${basename(outDir)}`, model, fit, summary),
              report: join(outDir, 'report.html'),
            }),
    });
    return result;
  });
}
