import { collectVersions } from '../run-dir/versions.js';
import { type BackendInfo, type MetricValue, createManifest, finishManifest, timePhase, updateManifest, writeManifest } from '../run-dir/manifest.js';
import { MetricsLog } from '../run-dir/metrics-log.js';
import { writeResolvedConfig } from '../run-dir/resolved-config.js';
import { type ReplacedRun, discardReplaced, restoreReplaced } from '../run-dir/run-dir.js';
import { createLogger } from '../progress/log.js';
import { type ProgressStream, createProgress } from '../progress/progress.js';
import { percent } from '../progress/format.js';
import { prepareResume } from '../resume/resume.js';
import type { BestRecord, ModelSelection } from './selection.js';

/** Where an app writes: results to `stdout`, progress and logs to `stderr`; `env` for `CI` and `SNN_*`. */
export interface AppIo {
  /** Results (accuracy, run directory, probabilities). */
  readonly stdout: ProgressStream;
  /** Progress bars or lines, log lines and errors. */
  readonly stderr: ProgressStream;
  /** Environment variables (`CI`, `SNN_BACKEND`, `SNN_DEBUG`). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's own streams and environment, as an {@link AppIo}. */
export function processIo(): AppIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** The command-line side of a training command: backend, figures, verbosity, command line, streams. */
export interface SessionCommandOptions {
  /** The backend training runs on, for the manifest. */
  readonly backend: BackendInfo;
  /** Render figures and report.html at the end; default true. */
  readonly figures?: boolean;
  /** Print only errors and the final results. */
  readonly quiet: boolean;
  /** Command line, for the manifest. */
  readonly argv: readonly string[];
  /** Output streams and environment. */
  readonly io: AppIo;
}

/** The run directory a session writes into (from `createRunDir` or an app's own opener). */
export interface SessionRun extends ReplacedRun {
  /** The run directory. */
  readonly path: string;
  /** Its name. */
  readonly name: string;
  /** True when an existing run is continued from its last checkpoint. */
  readonly resumed: boolean;
}

/** The app a session runs for: its manifest records `@snn-apps/<name>` and the packages it resolves. */
export interface SessionApp {
  /** App name, e.g. `neurospike`. */
  readonly name: string;
  /** App version. */
  readonly version: string;
  /** `import.meta.url` of one of the app's modules (package versions are resolved from there). */
  readonly moduleUrl: string;
}

/** A config with the run's seed. */
export interface SeededConfig {
  /** The run seed. */
  readonly seed: number;
}

/** What {@link RunSession.start} needs. */
export interface SessionInit {
  /** The run directory. */
  readonly run: SessionRun;
  /** The app, for the manifest. */
  readonly app: SessionApp;
  /** Run name in the manifest; default `run.name`. */
  readonly manifestName?: string;
  /** The validated config (written to `config.yaml`). */
  readonly config: SeededConfig;
  /** Config fields a resumed run must share with the saved `config.yaml`. */
  readonly resumeFields?: readonly string[];
  /** The backend that runs, for the manifest. */
  readonly backend: BackendInfo;
  /** Command line, for the manifest. */
  readonly argv: readonly string[];
  /** Output streams. */
  readonly io: AppIo;
  /** Print only errors and results. */
  readonly quiet: boolean;
}

/** One training batch, for the progress bar. */
export interface BatchReport {
  /** Samples in the batch. */
  readonly samples: number;
  /** Mean loss of the batch (NaN for rules without a loss). */
  readonly loss: number;
  /** Correctly classified samples of the batch. */
  readonly correct: number;
}

/** What one training epoch returns. */
export interface EpochTraining {
  /** Mean training loss (NaN for rules without a loss). */
  readonly loss: number;
  /** Training accuracy (fraction) measured during the epoch. */
  readonly accuracy: number;
  /** Samples trained on. */
  readonly samples: number;
  /** Wall time in seconds. */
  readonly seconds: number;
  /** Model-specific metrics of the epoch, logged with a `train_` prefix. */
  readonly extra?: Readonly<Record<string, MetricValue>>;
}

/** What evaluating one split returns. */
export interface SplitScore {
  /** Accuracy (fraction). */
  readonly accuracy: number;
  /** Mean loss (NaN for models without a loss). */
  readonly loss: number;
  /** Wall time in seconds. */
  readonly seconds: number;
  /** Model-specific metrics, logged with the split's prefix (`val_`, `test_`). */
  readonly extra?: Readonly<Record<string, MetricValue>>;
}

/** Everything known about a finished epoch, handed to the app's per-epoch hooks. */
export interface EpochContext<V extends SplitScore = SplitScore, T extends SplitScore = SplitScore> {
  /** The epoch just finished, 1-based. */
  readonly epoch: number;
  /** Its training result. */
  readonly training: EpochTraining;
  /** Its validation score, or null without a validation split. */
  readonly validation: V | null;
  /** Its test score. */
  readonly test: T;
  /** True when this epoch became `best` (highest validation accuracy, or the last epoch without validation). */
  readonly improved: boolean;
  /** The selection record after this epoch. */
  readonly best: BestRecord;
}

/**
 * The part of an epoch loop that is the app's own: one epoch of training, evaluation of a split,
 * checkpoints, extra metrics. {@link RunSession.trainEpochs} does the rest.
 */
export interface EpochLoop<V extends SplitScore = SplitScore, T extends SplitScore = SplitScore> {
  /** Total epochs. */
  readonly epochs: number;
  /** Epochs already done (restored from a checkpoint), 0 for a fresh run. */
  readonly startEpoch: number;
  /** Training samples per epoch (progress bar total). */
  readonly trainSamples: number;
  /** Selection of `best` and early stopping; restored with the checkpoint. */
  readonly selection: ModelSelection;
  /**
   * Trains epoch `epoch` (0-based).
   *
   * @param epoch - 0-based epoch
   * @param onBatch - call after each batch (drives the progress bar)
   */
  train(epoch: number, onBatch: (batch: BatchReport) => void): Promise<EpochTraining>;
  /** Scores the validation split, or null without one. Called after each epoch. */
  validate(): Promise<V | null> | V | null;
  /** Scores the test split (for the log; never for selection). Called after each epoch. */
  test(): Promise<T> | T;
  /** Extra metrics of the epoch for the metrics log (spike rates, learning rate, …). */
  epochMetrics?(context: EpochContext<V, T>): Promise<Record<string, MetricValue>> | Record<string, MetricValue>;
  /**
   * Saves the checkpoint `which` for this epoch (`last` always, then `best` when improved).
   *
   * @param which - `last` or `best`
   * @param context - the epoch (its selection state is in `context.best` and `loop.selection.state`)
   */
  save(which: 'last' | 'best', context: EpochContext<V, T>): Promise<void>;
  /** Optimiser steps so far, for the manifest's `lastCheckpoint.step`; default the epoch. */
  steps?(): number;
  /**
   * Anything else to do after the checkpoints of an epoch (e.g. confusion matrices, a CSV copy of the metrics).
   *
   * @param context - the epoch
   * @param record - its record as appended to `logs/metrics.jsonl`
   */
  afterEpoch?(context: EpochContext<V, T>, record: Readonly<Record<string, MetricValue>>): Promise<void> | void;
  /** Extra text of the epoch's log line (e.g. `lr 1e-3 | hidden rate 0.04`). */
  describe?(context: EpochContext<V, T>, metrics: Readonly<Record<string, MetricValue>>): string;
}

/** What {@link RunSession.trainEpochs} returns. */
export interface EpochsSummary {
  /** Epochs completed in total (including those before a resume). */
  readonly epochs: number;
  /** Epochs trained by this session. */
  readonly trained: number;
  /** Test accuracy after the final epoch, or null when no epoch ran in this session. */
  readonly finalTestAccuracy: number | null;
  /** Test samples (for printing counts), when known. */
  readonly best: BestRecord | null;
  /** True when early stopping ended training. */
  readonly stoppedEarly: boolean;
  /** Training images per second of the last epoch, or null. */
  readonly imagesPerSecond: number | null;
}

function prefixed(prefix: string, score: SplitScore): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = {};
  if (Number.isFinite(score.loss)) out[`${prefix}_loss`] = score.loss;
  out[`${prefix}_acc`] = score.accuracy;
  for (const [k, v] of Object.entries(score.extra ?? {})) out[`${prefix}_${k}`] = v;
  return out;
}

/**
 * One training run of an app in its run directory: config and manifest, the epoch loop with
 * progress, metrics, checkpoints and selection, the report, and the manifest's end — the app
 * supplies only its model, data, one epoch of training, evaluation and figures.
 *
 * @remarks
 * Lifecycle: {@link RunSession.start} writes `config.yaml` and a `running` manifest (or checks a
 * resumed run's config and finds its last checkpoint); {@link RunSession.run} wraps the app's
 * work so that any error marks the manifest `failed` (and, for a run that replaced an older one
 * and had not saved a checkpoint yet, puts the older run back); {@link RunSession.trainEpochs}
 * runs the epochs; {@link RunSession.complete} writes the final metrics, renders the report and
 * marks the run `completed`.
 *
 * Model selection is validation-only ({@link ModelSelection}): nothing in the session compares
 * test accuracies.
 */
export class RunSession {
  /** Log lines to stderr (silent with `quiet`). */
  readonly log: (format: string, ...args: unknown[]) => void;
  private savedCheckpoint = false;

  private constructor(
    private readonly init: SessionInit,
    /** The checkpoint a resumed run continues from, else undefined. */
    readonly resumeFrom: string | undefined,
  ) {
    this.log = createLogger({ stream: init.io.stderr, quiet: init.quiet });
  }

  /** The run directory. */
  get path(): string {
    return this.init.run.path;
  }

  /** The run directory as opened. */
  get opened(): SessionRun {
    return this.init.run;
  }

  /** Prints a warning to stderr. */
  readonly warn = (message: string): void => {
    this.init.io.stderr.write(`warning: ${message}\n`);
  };

  /**
   * Starts (or resumes) a session: writes `config.yaml` and the manifest.
   *
   * @remarks
   * A resumed run's config must agree with the saved one on `resumeFields`
   * (`prepareResume`); its manifest goes back to `running` with the new command line.
   *
   * @param init - run directory, app, config, backend, output
   * @throws `ConfigError` when a resumed run's config differs on a resume field; `CheckpointError`
   *   when it has no checkpoint to continue from
   */
  static async start(init: SessionInit): Promise<RunSession> {
    const { run } = init;
    const versions = collectVersions({ from: [init.app.moduleUrl, import.meta.url, process.cwd()] });
    const versionInfo = { ...versions, packages: { ...versions.packages, [`@snn-apps/${init.app.name}`]: init.app.version } };
    if (run.resumed) {
      const state = await prepareResume(run.path, init.config, init.resumeFields ?? [], { warn: (m) => init.io.stderr.write(`warning: ${m}\n`) });
      await writeResolvedConfig(run.path, init.config);
      await updateManifest(run.path, {
        status: 'running',
        resumedAt: [new Date().toISOString()],
        command: [...init.argv],
        backend: init.backend,
        versions: versionInfo,
        endTime: null,
        durationMs: null,
        error: null,
      });
      return new RunSession(init, state.checkpoint);
    }
    // The manifest first: a directory with a manifest is recognisable as a run from then on.
    await writeManifest(
      run.path,
      createManifest({ app: init.app.name, name: init.manifestName ?? run.name, seed: init.config.seed, backend: init.backend, argv: [...init.argv], versions: versionInfo }),
    );
    await writeResolvedConfig(run.path, init.config);
    return new RunSession(init, undefined);
  }

  /**
   * Times `fn` as a phase of the manifest (`load`, `train`, `eval`, `figures`, …).
   *
   * @param name - phase name
   * @param fn - the work
   */
  phase<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    return timePhase(this.path, name, fn);
  }

  /**
   * Runs the app's work; on any error marks the manifest `failed` with the message, puts back a
   * replaced older run when no checkpoint was saved yet, and rethrows.
   *
   * @param body - the app's work
   * @param cleanup - called on error before the manifest is marked (e.g. to stop worker threads)
   */
  async run<T>(body: () => Promise<T>, cleanup?: () => Promise<void> | void): Promise<T> {
    try {
      return await body();
    } catch (error) {
      await Promise.resolve(cleanup?.()).catch(() => undefined);
      await finishManifest(this.path, { status: 'failed', error }).catch(() => undefined);
      if (!this.savedCheckpoint) await restoreReplaced(this.init.run).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Records that a checkpoint of the new run exists: a replaced older run is deleted now.
   * {@link RunSession.trainEpochs} calls it after the first `last` checkpoint.
   */
  async checkpointSaved(): Promise<void> {
    if (this.savedCheckpoint) return;
    this.savedCheckpoint = true;
    await discardReplaced(this.init.run);
  }

  /**
   * Runs epochs `loop.startEpoch … loop.epochs − 1`: progress bar, training, validation and test
   * scores, selection, one record in `logs/metrics.jsonl`, `last` (and `best`) checkpoints, the
   * manifest's `lastCheckpoint` and metrics, a log line, early stopping.
   *
   * @remarks
   * A resumed run first drops metrics records of epochs after its checkpoint (logged by an
   * interrupted session after its last save), so each epoch appears once.
   *
   * @param loop - the app's epoch
   */
  async trainEpochs<V extends SplitScore, T extends SplitScore>(loop: EpochLoop<V, T>): Promise<EpochsSummary> {
    const { io, quiet } = this.init;
    const metrics = await MetricsLog.open(this.path, { warn: this.warn });
    if (this.resumeFrom !== undefined || loop.startEpoch > 0) await metrics.dropEpochsAfter(loop.startEpoch);
    let finalTest: number | null = null;
    let epochsDone = loop.startEpoch;
    let stoppedEarly = false;
    let imagesPerSecond: number | null = null;
    for (let e = loop.startEpoch; e < loop.epochs; e++) {
      const label = `epoch ${e + 1}/${loop.epochs}`;
      const progress = createProgress({ total: loop.trainSamples, label, unit: 'img', stream: io.stderr, env: io.env, quiet });
      let seen = 0;
      let correct = 0;
      const training = await this.phase('train', () =>
        loop.train(e, (b) => {
          seen += b.samples;
          correct += b.correct;
          progress.increment(b.samples, { ...(Number.isFinite(b.loss) ? { loss: b.loss } : {}), acc: percent(correct / Math.max(1, seen)) });
        }),
      );
      progress.stop();
      imagesPerSecond = training.samples / Math.max(training.seconds, 1e-9);
      const { validation, test } = await this.phase('eval', async () => ({ validation: await loop.validate(), test: await loop.test() }));
      finalTest = test.accuracy;
      const step = loop.selection.observe(e + 1, validation?.accuracy ?? null, { train: training.accuracy, test: test.accuracy });
      const context: EpochContext<V, T> = { epoch: e + 1, training, validation, test, improved: step.improved, best: loop.selection.best as BestRecord };
      const extra = loop.epochMetrics ? await loop.epochMetrics(context) : {};
      const record: Record<string, MetricValue> = {
        epoch: e + 1,
        ...(Number.isFinite(training.loss) ? { train_loss: training.loss } : {}),
        train_acc: training.accuracy,
        ...Object.fromEntries(Object.entries(training.extra ?? {}).map(([k, v]) => [`train_${k}`, v])),
        ...(validation ? prefixed('val', validation) : {}),
        ...prefixed('test', test),
        ...extra,
        train_seconds: training.seconds,
        eval_seconds: (validation?.seconds ?? 0) + test.seconds,
        seconds: training.seconds + (validation?.seconds ?? 0) + test.seconds,
        images_per_s: imagesPerSecond,
      };
      metrics.append(record);
      await loop.save('last', context);
      if (step.improved) await loop.save('best', context);
      await loop.afterEpoch?.(context, record);
      await this.checkpointSaved();
      await updateManifest(this.path, {
        lastCheckpoint: { file: 'checkpoints/last.safetensors', epoch: e + 1, step: loop.steps?.() ?? e + 1, savedAt: new Date().toISOString() },
        metrics: {
          epochs: e + 1,
          trainAccuracy: training.accuracy,
          ...(validation ? { valAccuracy: validation.accuracy } : {}),
          testAccuracy: test.accuracy,
          trainImagesPerSecond: imagesPerSecond,
        },
      });
      epochsDone = e + 1;
      const tail = loop.describe ? loop.describe(context, record) : '';
      this.log(
        '%s: train%s acc %s |%s test acc %s%s | %ss',
        label,
        Number.isFinite(training.loss) ? ` loss ${training.loss.toFixed(4)}` : '',
        percent(training.accuracy),
        validation ? ` val acc ${percent(validation.accuracy)} |` : '',
        percent(test.accuracy),
        tail ? ` | ${tail}` : '',
        (record.seconds as number).toFixed(1),
      );
      if (step.stop && e + 1 < loop.epochs) {
        const best = loop.selection.best;
        this.log('early stopping: validation accuracy has not improved for %d epochs (best %s at epoch %d)', loop.selection.state.staleEpochs, percent(best?.value ?? 0), best?.epoch ?? 0);
        stoppedEarly = true;
        break;
      }
    }
    if (loop.startEpoch >= loop.epochs) this.log('nothing to train: the run already has %d epochs (pass --epochs N to train longer)', loop.startEpoch);
    return { epochs: Math.max(epochsDone, loop.startEpoch), trained: epochsDone - loop.startEpoch, finalTestAccuracy: finalTest, best: loop.selection.best, stoppedEarly, imagesPerSecond };
  }

  /**
   * Ends the run: final metrics (peak RSS and the selection record added), the report rendered
   * (timed as phase `figures`) when `render` is given, and the manifest marked `completed`.
   *
   * @param end - final metrics, the selection record, and the report renderer
   */
  async complete(end: {
    readonly metrics?: Readonly<Record<string, MetricValue>>;
    readonly best?: BestRecord | null;
    readonly render?: () => Promise<{ readonly figures: readonly string[]; readonly report: string }>;
  }): Promise<void> {
    const finalMetrics: Record<string, MetricValue> = { ...end.metrics, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
    const best = end.best ?? null;
    if (best) {
      finalMetrics.bestMetric = best.metric;
      finalMetrics.bestEpoch = best.epoch;
      if (best.value !== null) finalMetrics.bestValAccuracy = best.value;
      if (best.trainAccuracy !== null) finalMetrics.trainAccuracyAtBest = best.trainAccuracy;
      if (best.testAccuracy !== null) finalMetrics.testAccuracyAtBest = best.testAccuracy;
    }
    await finishManifest(this.path, { metrics: finalMetrics });
    if (end.render) {
      const render = end.render;
      const rendered = await this.phase('figures', render);
      this.log('wrote %d figures and %s', rendered.figures.length, rendered.report);
      // Once more so that the end time and duration include the figures.
      await finishManifest(this.path, { metrics: finalMetrics });
    }
  }

  /**
   * Prints the results of a training run to stdout: the final-epoch test accuracy and, with a
   * validation split, the best validation epoch and the test accuracy at that epoch.
   *
   * @param summary - from {@link RunSession.trainEpochs}
   * @param testSamples - number of test samples (for the count of right answers)
   */
  printResults(summary: EpochsSummary, testSamples: number): void {
    const out = this.init.io.stdout;
    const epochs = summary.epochs;
    if (summary.finalTestAccuracy !== null) {
      const right = Math.round(summary.finalTestAccuracy * testSamples);
      out.write(`final test accuracy: ${(100 * summary.finalTestAccuracy).toFixed(2)}% (${right}/${testSamples}) after ${epochs} epoch${epochs === 1 ? '' : 's'}\n`);
    }
    printBest(out, summary.best);
  }
}

/**
 * Prints the selection record: `best validation accuracy: V% at epoch E (test accuracy at that
 * epoch: T%)`, or that `best` is the last epoch when the run has no validation split.
 *
 * @param out - stdout
 * @param best - the record, or null
 */
export function printBest(out: ProgressStream, best: BestRecord | null): void {
  if (best === null) return;
  const atBest = best.testAccuracy === null ? '' : ` (test accuracy at that epoch: ${(100 * best.testAccuracy).toFixed(2)}%)`;
  if (best.metric === 'val_acc' && best.value !== null) {
    out.write(`best validation accuracy: ${(100 * best.value).toFixed(2)}% at epoch ${best.epoch}${atBest}\n`);
  } else {
    out.write(`best checkpoint: the last epoch (${best.epoch}); no validation split to select on\n`);
  }
}
