import { join } from 'node:path';
import {
  MetricsLog,
  type RunDir,
  createLogger,
  createManifest,
  createProgress,
  createRunDir,
  finishManifest,
  timePhase,
  updateManifest,
  writeManifest,
  writeResolvedConfig,
} from '@snn/cli';
import { Rng, type SparseSpikes, saveNpy } from '@snn/core';
import { APP_NAME, type AppIo } from '../app.js';
import type { ConvnetConfig } from '../config/schema.js';
import { encodeSplit, loadSplits } from '../data/mnist.js';
import { renderRunFigures } from '../figures/figures.js';
import type { SplitFeatures } from '../network/features.js';
import { extractFeaturesParallel } from '../network/parallel.js';
import { SpikingConvNet, networkShape } from '../network/network.js';
import { runReadout } from '../network/readout.js';
import { trainLayer } from '../network/train-layers.js';
import { RUN_FILES, loadWeights, saveSplitFeatures } from '../outputs/files.js';
import { saveReadout } from '../outputs/readout-files.js';

/** What `train` needs besides the config. */
export interface TrainRunOptions {
  /** Folder of the run directories. */
  readonly runsDir: string;
  /** Run name; default a time stamp. */
  readonly name?: string;
  /** Overwrite an existing run of that name. */
  readonly force?: boolean;
  /** Print only results. */
  readonly quiet: boolean;
  /** Command line, for the manifest. */
  readonly argv: readonly string[];
  /** Render figures and the report at the end; default true. */
  readonly figures?: boolean;
  /** Initial conv1 filters (`.npy`), instead of N(mean, std²). */
  readonly conv1Weights?: string;
  /** Initial conv2 filters (`.npy`). */
  readonly conv2Weights?: string;
}

/**
 * `train`: load → encode → conv1 STDP → conv2 STDP → features → linear SVM → files, figures, report.
 * Each step is timed into the manifest (`phases`) with its images/s in the metrics.
 * @returns the run directory
 */
export async function trainRun(config: ConvnetConfig, options: TrainRunOptions, io: AppIo): Promise<RunDir> {
  const run = await createRunDir({ root: options.runsDir, app: APP_NAME, name: options.name, force: options.force });
  const log = createLogger({ stream: io.stderr, quiet: options.quiet });
  await writeResolvedConfig(run.path, config);
  await writeManifest(run.path, createManifest({ app: APP_NAME, name: run.name, argv: options.argv, seed: config.seed, backend: { name: 'js', kernelClass: null, requested: 'js', reason: 'event-driven TypeScript layers' } }));
  const metrics = await MetricsLog.open(run.path);
  const progress = (label: string, total: number) => createProgress({ total, label, unit: 'img', stream: io.stderr, env: io.env, quiet: options.quiet });
  const rates: Record<string, number> = {};
  const seconds: Record<string, number> = {};
  // Runs one step, timed into the manifest's phases; `images` > 0 also records images/s.
  const timed = async <T>(phase: string, images: number, fn: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const out = await timePhase(run.path, phase, fn);
    seconds[phase] = (performance.now() - start) / 1000;
    if (images > 0) {
      rates[`${phase}_images_per_s`] = images / Math.max(seconds[phase], 1e-9);
      await updateManifest(run.path, { metrics: { [`${phase}_images_per_s`]: rates[`${phase}_images_per_s`] } });
      log(`${phase}: ${images} images in ${seconds[phase].toFixed(1)} s (${rates[`${phase}_images_per_s`].toFixed(0)} img/s)`);
    }
    return out;
  };
  try {
    const { train, test, source } = loadSplits(config);
    log(`MNIST from ${source}: ${train.labels.length} training images (data_prop ${config.data.data_prop}), ${test.labels.length} test images; run ${run.path}`);
    const trainSpikes = await timed('encode_train', train.labels.length, () => encodeSplit(train, config));
    const testSpikes = await timed('encode_test', test.labels.length, () => encodeSplit(test, config));
    const shape = networkShape(config);
    const net = SpikingConvNet.initial(shape, config, new Rng(config.seed));
    if (options.conv1Weights) net.conv1.weights.set(await loadWeights(options.conv1Weights, weightShape(shape.conv1)));
    if (options.conv2Weights) net.conv2.weights.set(await loadWeights(options.conv2Weights, weightShape(shape.conv2)));
    for (let o = 0; o < shape.conv1.outChannels; o++) net.conv1.syncFilter(o);
    for (let o = 0; o < shape.conv2.outChannels; o++) net.conv2.syncFilter(o);
    await saveNpy(join(run.path, 'conv1_weights_init.npy'), { data: Float32Array.from(net.conv1.weights), shape: weightShape(shape.conv1) });
    await saveNpy(join(run.path, 'conv2_weights_init.npy'), { data: Float32Array.from(net.conv2.weights), shape: weightShape(shape.conv2) });
    for (const layer of [1, 2] as const) {
      const name = `conv${layer}`;
      let presented = 0;
      const bar = progress(`${name} STDP`, trainSpikes.batch);
      const record = await timed(`${name}_stdp`, 0, () =>
        trainLayer(net, trainSpikes, layer, config, (epoch, done, c) => {
          presented++;
          bar.setLabel(`${name} STDP epoch ${epoch + 1}`);
          bar.update(done, { C: c.toFixed(4) });
        }),
      );
      bar.stop();
      rates[`${name}_stdp_images_per_s`] = presented / Math.max(1e-9, seconds[`${name}_stdp`]);
      await updateManifest(run.path, { metrics: { [`${name}_stdp_images_per_s`]: rates[`${name}_stdp_images_per_s`], [`${name}_updates`]: record.convergence.length, [`${name}_final_convergence`]: record.convergence.at(-1) ?? null, [`${name}_images_presented`]: presented } });
      for (let e = 0; e < record.imagesPerEpoch.length; e++) metrics.append({ phase: name, epoch: e + 1, images: record.imagesPerEpoch[e], convergence: record.convergence.at(-1) ?? null });
      const conv = layer === 1 ? net.conv1 : net.conv2;
      await saveNpy(join(run.path, layer === 1 ? RUN_FILES.conv1Weights : RUN_FILES.conv2Weights), { data: conv.weights, shape: weightShape(conv.params) });
      await saveNpy(join(run.path, layer === 1 ? RUN_FILES.conv1Metric : RUN_FILES.conv2Metric), { data: record.convergence, shape: [record.convergence.length] });
      await saveNpy(join(run.path, layer === 1 ? RUN_FILES.conv1Winners : RUN_FILES.conv2Winners), { data: record.winners, shape: [record.winners.length / 4, 4] });
      log(`${name}: ${record.convergence.length} updates over ${presented} images, C = ${(record.convergence.at(-1) ?? Number.NaN).toFixed(4)}`);
    }
    const features = async (split: 'train' | 'test', spikes: SparseSpikes): Promise<SplitFeatures> => {
      const bar = progress(`features ${split}`, spikes.batch);
      const f = await timed(`features_${split}`, spikes.batch, () => extractFeaturesParallel(net, config, spikes, config.compute.workers, (d) => bar.increment(d)));
      bar.stop();
      await saveSplitFeatures(run.path, split, f);
      return f;
    };
    const trainFeatures = await features('train', trainSpikes);
    const testFeatures = await features('test', testSpikes);
    await saveNpy(join(run.path, RUN_FILES.yTrain), { data: Int32Array.from(train.labels), shape: [train.labels.length] });
    await saveNpy(join(run.path, RUN_FILES.yTest), { data: Int32Array.from(test.labels), shape: [test.labels.length] });
    await saveNpy(join(run.path, RUN_FILES.spikesPerStep), { data: testFeatures.spikesPerStep.map((v) => v / testFeatures.count), shape: [4, testFeatures.numSteps] });
    const results: Record<string, number> = {};
    for (const kind of ['max', 'sum'] as const) {
      const r = await timed(`linear_svm_${kind}`, trainFeatures.count, () => runReadout(trainFeatures, train.labels, testFeatures, test.labels, 'linear', kind, config));
      await saveReadout(run.path, r);
      results[`linear_${kind}_accuracy`] = r.accuracy;
      results[`linear_${kind}_fit_seconds`] = r.fitSeconds;
      io.stdout.write(`linear SVM (${kind}): test accuracy ${(100 * r.accuracy).toFixed(2)} % on ${test.labels.length} images (fit ${r.fitSeconds.toFixed(1)} s)\n`);
      metrics.append({ phase: 'readout', readout: 'linear', features: kind, accuracy: r.accuracy, fit_seconds: r.fitSeconds });
    }
    if (config.readout.features !== 'max' && config.readout.features !== 'sum') {
      const kind = config.readout.features;
      const r = await timed(`linear_svm_${kind}`, trainFeatures.count, () => runReadout(trainFeatures, train.labels, testFeatures, test.labels, 'linear', kind, config));
      await saveReadout(run.path, r);
      results[`linear_${kind}_accuracy`] = r.accuracy;
      io.stdout.write(`linear SVM (${kind}): test accuracy ${(100 * r.accuracy).toFixed(2)} % on ${test.labels.length} images (fit ${r.fitSeconds.toFixed(1)} s)\n`);
      metrics.append({ phase: 'readout', readout: 'linear', features: kind, accuracy: r.accuracy, fit_seconds: r.fitSeconds });
    }
    await finishManifest(run.path, { metrics: results });
    if (options.figures !== false) await renderRunFigures(run.path, { quiet: options.quiet, stderr: io.stderr });
    io.stdout.write(`run directory: ${run.path}\n`);
    return run;
  } catch (error) {
    await finishManifest(run.path, { error }).catch(() => undefined);
    throw error;
  }
}

function weightShape(p: { outChannels: number; inChannels: number; kernelSize: number }): number[] {
  return [p.outChannels, p.inChannels, p.kernelSize, p.kernelSize];
}

