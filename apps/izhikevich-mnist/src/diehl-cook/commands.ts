import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type GlobalOptions, type RunDir, UsageError, createRunDir, discardReplaced, finishManifest, getGlobalOptions, numberOption, openRunPath, restoreReplaced } from '@snn/cli';
import { CheckpointError, ValidationError } from '@snn/core';
import { type Command, Option } from 'commander';
import { APP_NAME, type AppIo } from '../app/io.js';
import { formatJoules, snnEnergyJoules } from '../metrics/energy.js';
import { type DiehlCookTestResult, runDiehlCookTest } from './activity.js';
import { loadDiehlCookConfig } from './config-file.js';
import { type DiehlCookSettings, type DiehlCookSettingsInput, diehlCookSettings } from './config.js';
import { runDiehlCookEvaluate } from './evaluate.js';
import { checkpointName, runDiehlCookTraining } from './train.js';

interface TrainFlags {
  config?: string;
  nE?: number;
  nE2?: number;
  exampleTime?: number;
  dt?: number;
  restingTime?: number;
  numExamples?: number;
  updateInterval?: number;
  weightUpdateInterval?: number;
  saveInterval?: number;
  inputIntensity?: number;
  weightSum?: number;
  weightMax2?: number;
  weightSum2?: number;
  timerRate?: number;
  preUpdate?: 'depress' | 'potentiate';
  stdpRule?: 'triplet' | 'power-law';
  nuPost?: number;
  thetaPlus?: number;
  tauTheta?: number;
  normalizeInterval?: number;
  resumeFrom?: string;
  mnistPath?: string;
  weightsDir?: string;
  savePath?: string;
  name?: string;
  force?: boolean;
  testMode?: boolean;
  numAssign?: number;
  numThreads?: number;
  tdpWatts?: number;
}

const TDP_OPTION = (): Option =>
  numberOption('--tdp-watts <w>', "device power for the seed's energy estimate, TDP × time, beside SynOps × 0.9 pJ (default 160, the seed's RTX 4060 Ti)", 'positive');

/** The energy line of a frozen pass: the synaptic-operation model beside the seed's TDP × time. */
function testEnergyLine(r: DiehlCookTestResult): string {
  return `energy per test image: ${formatJoules(r.energyPerTestImageJ)} (SynOps × 0.9 pJ, ${Math.round(r.synOpsPerTestImage)} SynOps), ${formatJoules(r.tdpEnergyPerTestImageJ)} (TDP ${r.tdpWatts} W × test time, the seed's estimate)\n`;
}

/**
 * The checkpoint file and run directory named by `--resume-from`: a run directory (its
 * `checkpoints/last.safetensors`), a checkpoint file inside `<run>/checkpoints/`, or (the seed's meaning) an
 * iteration number n: `<save-path>/checkpoints/checkpoint-<n>.safetensors`.
 * @param path - the value of `--resume-from`
 * @param savePath - `--save-path`, the run an iteration number refers to
 * @throws `CheckpointError` naming the file when there is no checkpoint; `UsageError` for an iteration without `--save-path`
 */
export function resolveResume(path: string, savePath?: string): { checkpoint: string; runPath: string } {
  if (/^\d+$/.test(path) && !existsSync(path)) return resolveIteration(Number(path), savePath);
  const isDir = existsSync(path) && statSync(path).isDirectory();
  const checkpoint = isDir ? join(path, 'checkpoints', 'last.safetensors') : path;
  if (!existsSync(checkpoint)) {
    throw new CheckpointError('no checkpoint to resume from', {
      file: checkpoint,
      expected: 'a run directory with checkpoints/last.safetensors, or a checkpoint file',
      found: 'no such file',
    });
  }
  return { checkpoint, runPath: isDir ? path : dirname(dirname(checkpoint)) };
}

function resolveIteration(iteration: number, savePath?: string): { checkpoint: string; runPath: string } {
  if (!savePath) {
    throw new UsageError(`--resume-from ${iteration} (an iteration, as the seed's --resume_from) needs --save-path <run>: the run whose checkpoints/${checkpointName(iteration)} to continue`, { field: '--resume-from' });
  }
  const checkpoint = join(savePath, 'checkpoints', checkpointName(iteration));
  if (!existsSync(checkpoint)) {
    const dir = join(savePath, 'checkpoints');
    const saved = existsSync(dir)
      ? readdirSync(dir)
          .map((f) => /^checkpoint-(\d+)\.safetensors$/.exec(f)?.[1])
          .filter((n): n is string => n !== undefined)
          .map(Number)
          .sort((a, b) => a - b)
      : [];
    throw new CheckpointError('no checkpoint saved at that iteration', {
      file: checkpoint,
      field: '--resume-from',
      expected: `one of the saved iterations${saved.length > 0 ? ` (${saved.join(', ')})` : ''}`,
      found: saved.length > 0 ? 'no such file' : `no checkpoint-<n>.safetensors in ${dir}`,
    });
  }
  return { checkpoint, runPath: savePath };
}

/**
 * The Diehl & Cook simulation is event-driven TypeScript (the `js` backend); `auto` resolves to it and any other
 * requested backend is refused rather than silently ignored.
 * @throws `UsageError` for a backend other than `auto` or `js`
 */
export function checkDiehlCookBackend(global: GlobalOptions): void {
  if (global.backend !== 'auto' && global.backend !== 'js') {
    throw new UsageError(`diehl-cook runs on the js backend (event-driven simulation); --backend ${global.backend} is not supported`, { field: '--backend' });
  }
}

/** The flag and config key of each validated setting, for error messages (times are given in s, checked in ms). */
const FLAG_OF: Readonly<Record<string, { flag: string; key: string; ms?: true }>> = {
  nE: { flag: '--n-e', key: 'n_e' },
  nE2: { flag: '--n-e2', key: 'n_e2' },
  dtMs: { flag: '--dt', key: 'dt' },
  exampleTimeMs: { flag: '--example-time', key: 'example_time', ms: true },
  restingTimeMs: { flag: '--resting-time', key: 'resting_time', ms: true },
  inputIntensity: { flag: '--input-intensity', key: 'input_intensity' },
  weightSum: { flag: '--weight-sum', key: 'weight_sum' },
  weightMax2: { flag: '--weight-max2', key: 'weight_max2' },
  weightSum2: { flag: '--weight-sum2', key: 'weight_sum2' },
  timerRate: { flag: '--timer-rate', key: 'timer_rate' },
  preUpdate: { flag: '--pre-update', key: 'pre_update' },
  stdpRule: { flag: '--stdp-rule', key: 'stdp_rule' },
  nuPost: { flag: '--nu-post', key: 'nu_post' },
  thetaPlusMv: { flag: '--theta-plus', key: 'theta_plus' },
  tauThetaMs: { flag: '--tau-theta', key: 'tau_theta' },
  normalizeInterval: { flag: '--normalize-interval', key: 'normalize_interval' },
};

/**
 * {@link diehlCookSettings} for the values of `diehl-cook train`'s flags and config: an invalid value is a
 * `UsageError` naming the flag and the config key (e.g. `--dt (config dt): …`), not the internal field.
 * @throws `UsageError` for an invalid setting
 */
export function settingsFromFlags(input: DiehlCookSettingsInput): DiehlCookSettings {
  try {
    return diehlCookSettings(input);
  } catch (e) {
    const names = e instanceof ValidationError && e.field ? FLAG_OF[e.field] : undefined;
    if (!names || !(e instanceof ValidationError)) throw e;
    const found = names.ms ? `${e.found} ms (${Number(e.found) / 1000} s)` : e.found;
    throw new UsageError(`${names.flag} (config ${names.key}): invalid Diehl & Cook setting; expected ${e.expected}, found ${found}`, {
      field: names.flag,
      ...(e.expected !== undefined ? { expected: e.expected } : {}),
      ...(found !== undefined ? { found } : {}),
    });
  }
}

function runAt(path: string, resumed: boolean): RunDir {
  const run: RunDir = {
    path,
    app: APP_NAME,
    name: basename(path),
    checkpointsDir: join(path, 'checkpoints'),
    logsDir: join(path, 'logs'),
    figsDir: join(path, 'figs'),
    resumed,
    replacedDir: null,
  };
  for (const d of [run.checkpointsDir, run.logsDir, run.figsDir]) mkdirSync(d, { recursive: true });
  return run;
}

/**
 * `diehl-cook train --test-mode` (the seed's `--test_mode`): the trained network, frozen, over `--num-assign`
 * training images (assignments) and the test images, then the evaluation; prints the test accuracy of each layer.
 */
async function runTestMode(flags: TrainFlags, numExamples: number, examplesGiven: boolean, seed: number, quiet: boolean, io: AppIo): Promise<void> {
  let source: { checkpoint: string; runPath: string };
  if (flags.resumeFrom) source = resolveResume(flags.resumeFrom, flags.savePath);
  else if (flags.savePath) source = resolveResume(flags.savePath);
  else throw new UsageError('--test-mode needs a trained network: --resume-from <run | checkpoint | iteration> or --save-path <run>', { field: '--test-mode' });
  const numTest = examplesGiven ? Math.min(numExamples, 10000) : 10000;
  const out = await runDiehlCookTest({
    runPath: source.runPath,
    checkpoint: source.checkpoint,
    numAssign: flags.numAssign ?? 10000,
    numTest,
    seed: seed + 1,
    threads: flags.numThreads ?? 1,
    ...(flags.mnistPath ? { mnistPath: flags.mnistPath } : {}),
    ...(flags.tdpWatts !== undefined ? { tdpWatts: flags.tdpWatts } : {}),
    io,
    quiet,
  });
  const r = await runDiehlCookEvaluate({ runPath: source.runPath, checkpoint: source.checkpoint, figures: true, ...(flags.mnistPath ? { mnistPath: flags.mnistPath } : {}) });
  io.stdout.write(`activity ${out.dir}\n${out.msPerExample.toFixed(2)} ms/example\n`);
  io.stdout.write(`test accuracy ${(100 * r.accuracy).toFixed(2)} % (${r.numTest} test images, assignments from ${r.numAssign} training images)\n`);
  if (r.accuracy2 !== undefined) io.stdout.write(`layer 2 test accuracy ${(100 * r.accuracy2).toFixed(2)} %\n`);
  io.stdout.write(testEnergyLine(out));
}

/**
 * Adds `diehl-cook` with `train`, `test` and `evaluate`: the Diehl & Cook (2015) STDP network on MNIST.
 *
 * @param program - from `createApp`
 * @param io - streams and environment
 * @param argv - the command line, for run manifests
 */
export function addDiehlCookCommands(program: Command, io: AppIo, argv: readonly string[]): void {
  const dc = program
    .command('diehl-cook')
    .description('Diehl & Cook (2015): unsupervised STDP network (Poisson input, excitatory + inhibitory conductance LIF, adaptive threshold), neuron class assignment');

  dc.command('train')
    .description(
      "train the network on MNIST training images (in order) and write a run directory (checkpoints, weights/*.npy, logs); the seed script's spellings are accepted too: --n_e --n_e2 --example_time --resting_time --num_examples --update_interval --weight_update_interval --save_interval --input_intensity --weight_sum --num_threads --resume_from --mnist_path --data_path (= --weights-dir) --save_path --test_mode",
    )
    .addOption(numberOption('--n-e <n>', 'excitatory (= inhibitory) neurons (default 400)', 'positiveInt'))
    .addOption(numberOption('--n-e2 <n>', 'neurons of an optional second excitatory layer (0 = none) (default 0)', 'nonNegativeInt'))
    .addOption(numberOption('--dt <ms>', 'simulation step in ms, at most 1 (default 0.5 = the Brian 1 code; the Brian 2 port runs at Brian 2\'s default 0.1)', 'positive'))
    .addOption(numberOption('--example-time <s>', 'input presentation per example, seconds (default 0.35)', 'positive'))
    .addOption(numberOption('--resting-time <s>', 'rest after each example, seconds (default 0.15)', 'nonNegative'))
    .addOption(numberOption('--num-examples <n>', 'examples to present (cycling through the 60,000 training images) (default 60000)', 'positiveInt'))
    .addOption(numberOption('--update-interval <n>', 'examples between neuron-assignment updates and accuracy log lines (default 10000)', 'positiveInt'))
    .addOption(numberOption('--weight-update-interval <n>', 'examples between weight snapshots weights/XeAe-<n>.npy (default 10000)', 'positiveInt'))
    .addOption(numberOption('--save-interval <n>', 'examples between checkpoints (checkpoints/last.safetensors) (default 10000)', 'positiveInt'))
    .addOption(numberOption('--input-intensity <x>', 'starting input intensity: rate = pixel/8 × intensity Hz (default 2)', 'positive'))
    .addOption(numberOption('--weight-sum <x>', 'column sum of the input weights after normalisation (default 78)', 'positive'))
    .addOption(
      numberOption('--weight-max2 <x>', "layer 2: upper bound of the layer-1 → layer-2 weights; layer 2's STDP rates are layer 1's times it (default 300)", 'positive'),
    )
    .addOption(numberOption('--weight-sum2 <x>', 'layer 2: column sum of the layer-1 → layer-2 weights (default weight-max2 × weight-sum × n-e / 784)', 'positive'))
    .addOption(
      numberOption('--timer-rate <x>', 'excitatory timer growth, ms per ms; a spike needs timer > 5 ms: 100 = original Brian 1 code, 0.1 = Brian 2 port (50 ms) (default 100)', 'nonNegative'),
    )
    .addOption(
      new Option('--pre-update <sign>', "STDP change at an input spike, ν_pre·post1: 'depress' = original Brian 1 code (w −= …), 'potentiate' = Brian 2 port (w += …) (default depress)").choices([
        'depress',
        'potentiate',
      ]),
    )
    .addOption(
      new Option(
        '--stdp-rule <rule>',
        "STDP on the input weights: 'triplet' = the authors' code (two post traces), 'power-law' = the paper's Eq. 3, Δw = ν_post·(x_pre − 0.4)·(1 − w)^0.2 at post spikes (default triplet)",
      ).choices(['triplet', 'power-law']),
    )
    .addOption(numberOption('--nu-post <x>', 'STDP rate ν_post at post spikes (both rules) (default 0.01)', 'nonNegative'))
    .addOption(numberOption('--theta-plus <mV>', 'adaptive-threshold increment per excitatory spike, mV (default 0.05, the authors\' and BindsNET\'s)', 'nonNegative'))
    .addOption(numberOption('--tau-theta <ms>', 'decay time constant of the adaptive threshold while learning, ms (default 1e7, the authors\' and BindsNET\'s)', 'positive'))
    .addOption(
      numberOption('--normalize-interval <n>', 'examples between input-weight normalisations: 1 = before every presentation, repeats included (the authors\'); n > 1 = before examples 0, n, 2n, … only (default 1)', 'positiveInt'),
    )
    .option('-c, --config <file>', 'YAML or JSON config with these settings in snake_case (n_e, example_time, …, seed); flags override it')
    .option('--resume-from <path|n>', 'continue a run: its directory, a checkpoint file in it, or an iteration n: <save-path>/checkpoints/checkpoint-<n>.safetensors (every --save-interval checkpoint is kept)')
    .option('--mnist-path <dir>', 'directory with the MNIST IDX files (default: the embedded copy)')
    .option('--weights-dir <dir>', 'initial weights written by `random-connections` (XeAe.npy, AeAe2.npy)')
    .option('--save-path <dir>', 'run directory (default <runs-dir>/izhikevich-mnist/<name>)')
    .option('--name <name>', 'run name (default diehl-cook-<n_e>-<time in base 36>)')
    .option('--force', 'overwrite an existing run directory of the same name')
    .option('--test-mode', 'evaluate the trained network (--resume-from, else --save-path\'s last checkpoint) frozen: assignments from --num-assign training images, then --num-examples test images (at most 10,000); prints the test accuracy (= diehl-cook test + evaluate)')
    .addOption(numberOption('--num-assign <n>', 'with --test-mode: training images presented for the neuron assignments (default 10000)', 'positiveInt'))
    .addOption(numberOption('--num-threads <n>', 'worker threads for the frozen passes of --test-mode (training stays sequential: each example learns from the state the previous one left) (default 1)', 'positiveInt'))
    .addOption(TDP_OPTION())
    .action(async (flags: TrainFlags, cmd: Command) => {
      const global = getGlobalOptions(cmd, io.env);
      checkDiehlCookBackend(global);
      const file = flags.config ? await loadDiehlCookConfig(flags.config) : {};
      const f = {
        nE: flags.nE ?? file.n_e ?? 400,
        nE2: flags.nE2 ?? file.n_e2 ?? 0,
        exampleTime: flags.exampleTime ?? file.example_time ?? 0.35,
        dt: flags.dt ?? file.dt ?? 0.5,
        restingTime: flags.restingTime ?? file.resting_time ?? 0.15,
        numExamples: flags.numExamples ?? file.num_examples ?? 60000,
        updateInterval: flags.updateInterval ?? file.update_interval ?? 10000,
        weightUpdateInterval: flags.weightUpdateInterval ?? file.weight_update_interval ?? 10000,
        saveInterval: flags.saveInterval ?? file.save_interval ?? 10000,
        inputIntensity: flags.inputIntensity ?? file.input_intensity ?? 2,
        weightSum: flags.weightSum ?? file.weight_sum ?? 78,
        weightMax2: flags.weightMax2 ?? file.weight_max2,
        weightSum2: flags.weightSum2 ?? file.weight_sum2,
        timerRate: flags.timerRate ?? file.timer_rate ?? 100,
        preUpdate: flags.preUpdate ?? file.pre_update ?? 'depress',
        stdpRule: flags.stdpRule ?? file.stdp_rule ?? 'triplet',
        nuPost: flags.nuPost ?? file.nu_post ?? 0.01,
        thetaPlus: flags.thetaPlus ?? file.theta_plus ?? 0.05,
        tauTheta: flags.tauTheta ?? file.tau_theta ?? 1e7,
        normalizeInterval: flags.normalizeInterval ?? file.normalize_interval ?? 1,
        seed: global.seed ?? file.seed ?? 0,
      };
      const settings = settingsFromFlags({
        nE: f.nE,
        nE2: f.nE2,
        dtMs: f.dt,
        exampleTimeMs: f.exampleTime * 1000,
        restingTimeMs: f.restingTime * 1000,
        inputIntensity: f.inputIntensity,
        weightSum: f.weightSum,
        ...(f.weightMax2 !== undefined ? { weightMax2: f.weightMax2 } : {}),
        ...(f.weightSum2 !== undefined ? { weightSum2: f.weightSum2 } : {}),
        timerRate: f.timerRate,
        preUpdate: f.preUpdate,
        stdpRule: f.stdpRule,
        nuPost: f.nuPost,
        thetaPlusMv: f.thetaPlus,
        tauThetaMs: f.tauTheta,
        normalizeInterval: f.normalizeInterval,
      });
      if (flags.testMode) {
        await runTestMode(flags, f.numExamples, flags.numExamples !== undefined || file.num_examples !== undefined, global.seed ?? file.seed ?? 0, global.quiet, io);
        return;
      }
      if ((flags.numThreads ?? 1) > 1 && !global.quiet) {
        io.stderr.write(`--num-threads ${flags.numThreads}: training stays sequential (each example learns from the state the previous one left); threads split only --test-mode and diehl-cook test\n`);
      }
      let run: RunDir;
      let resumeFrom: string | undefined;
      if (flags.resumeFrom) {
        const r = resolveResume(flags.resumeFrom, flags.savePath);
        resumeFrom = r.checkpoint;
        run = runAt(r.runPath, true);
      } else if (flags.savePath) {
        // An existing run at --save-path is kept unless --force (then it is put back if this run fails).
        run = await openRunPath(flags.savePath, { app: APP_NAME, force: flags.force ?? false });
      } else {
        run = await createRunDir({ root: global.runsDir, app: APP_NAME, name: flags.name ?? `diehl-cook-${f.nE}-${Date.now().toString(36)}`, force: flags.force ?? false });
      }
      const training = runDiehlCookTraining({
        settings,
        numExamples: f.numExamples,
        updateInterval: f.updateInterval,
        weightUpdateInterval: f.weightUpdateInterval,
        saveInterval: f.saveInterval,
        seed: f.seed,
        ...(flags.mnistPath ? { mnistPath: flags.mnistPath } : {}),
        ...(flags.weightsDir ? { weightsDir: flags.weightsDir } : {}),
        ...(resumeFrom ? { resumeFrom } : {}),
        run,
        io,
        quiet: global.quiet,
        argv,
        backendRequest: global.backend,
        ...(flags.tdpWatts !== undefined ? { tdpWatts: flags.tdpWatts } : {}),
        requestedSizes: { ...(flags.nE !== undefined ? { nE: flags.nE } : {}), ...(flags.nE2 !== undefined ? { nE2: flags.nE2 } : {}) },
      });
      const result = await training.catch(async (error: unknown) => {
        await finishManifest(run.path, { status: 'failed', error }).catch(() => undefined);
        await restoreReplaced(run);
        throw error;
      });
      await discardReplaced(run);
      io.stdout.write(`run ${run.path}\nexamples ${f.numExamples} (${result.presented} this session), ${result.msPerExample.toFixed(2)} ms/example\n`);
      if (result.lastAccuracy !== null) io.stdout.write(`last interval accuracy ${(100 * result.lastAccuracy).toFixed(2)} %\n`);
      if (result.presented > 0) {
        const perExampleJ = (result.tdpTrainingEnergyWh * 3600) / result.presented;
        io.stdout.write(
          `energy per training example: ${formatJoules(snnEnergyJoules(result.synOpsPerExample))} (SynOps × 0.9 pJ, ${Math.round(result.synOpsPerExample)} SynOps), ${formatJoules(perExampleJ)} (TDP ${result.tdpWatts} W × training time, the seed's estimate); training: ${result.tdpTrainingEnergyWh.toPrecision(3)} Wh (TDP × training time)\n`,
        );
      }
    });

  dc.command('test')
    .description('run the trained network frozen over training images (for assignments) and test images; writes <run>/activity/*.npy')
    .requiredOption('--run <dir>', 'run directory of `diehl-cook train`')
    .option('--checkpoint <file>', 'checkpoint (default <run>/checkpoints/last.safetensors)')
    .addOption(numberOption('--num-assign <n>', 'training images presented for the neuron assignments (the original evaluation uses 10,000)', 'positiveInt').default(10000))
    .addOption(numberOption('--num-test <n>', 'test images', 'positiveInt').default(10000))
    .addOption(numberOption('--num-threads <n>', 'worker threads; every example has its own Poisson generator, so the counts do not depend on it', 'positiveInt').default(1))
    .option('--mnist-path <dir>', 'directory with the MNIST IDX files (default: the embedded copy)')
    .addOption(TDP_OPTION())
    .action(async (flags: { run: string; checkpoint?: string; numAssign: number; numTest: number; numThreads: number; mnistPath?: string; tdpWatts?: number }, cmd: Command) => {
      const global = getGlobalOptions(cmd, io.env);
      checkDiehlCookBackend(global);
      const out = await runDiehlCookTest({
        runPath: flags.run,
        ...(flags.checkpoint ? { checkpoint: flags.checkpoint } : {}),
        numAssign: flags.numAssign,
        numTest: flags.numTest,
        seed: (global.seed ?? 0) + 1,
        threads: flags.numThreads,
        ...(flags.mnistPath ? { mnistPath: flags.mnistPath } : {}),
        ...(flags.tdpWatts !== undefined ? { tdpWatts: flags.tdpWatts } : {}),
        io,
        quiet: global.quiet,
      });
      io.stdout.write(`activity ${out.dir}\n${out.msPerExample.toFixed(2)} ms/example\n`);
      io.stdout.write(testEnergyLine(out));
    });

  dc.command('evaluate')
    .description('assign neuron classes from the recorded training activity, classify the test activity; accuracy, confusion matrix, errors, figures')
    .requiredOption('--run <dir>', 'run directory with activity/ from `diehl-cook test`')
    .option('--mnist-path <dir>', 'directory with the MNIST IDX files (for the error-example figure)')
    .option('--no-figures', 'skip the figures')
    .action(async (flags: { run: string; mnistPath?: string; figures: boolean }) => {
      const r = await runDiehlCookEvaluate({ runPath: flags.run, figures: flags.figures, ...(flags.mnistPath ? { mnistPath: flags.mnistPath } : {}) });
      io.stdout.write(`test accuracy ${(100 * r.accuracy).toFixed(2)} % (${r.numTest} test images, assignments from ${r.numAssign} training images)\n`);
      io.stdout.write(`proportion-weighted voting (Hazan et al. 2018, not the paper's classification): ${(100 * r.accuracyProportion).toFixed(2)} %\n`);
      io.stdout.write(`accuracy on the ${r.numAssign} assignment images (in-sample): ${(100 * r.assignAccuracy).toFixed(2)} %\n`);
      if (r.accuracy2 !== undefined) io.stdout.write(`layer 2 test accuracy ${(100 * r.accuracy2).toFixed(2)} %\n`);
      for (const f of r.figures) io.stdout.write(`figure ${join(flags.run, f)}\n`);
      if (r.report) io.stdout.write(`report ${r.report}\n`);
    });
}
