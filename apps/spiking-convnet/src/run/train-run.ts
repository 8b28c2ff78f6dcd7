import { join } from 'node:path';
import { type AppIo, MetricsLog, type RunDir, RunSession, createProgress, createRunDir, updateManifest } from '@snn/cli';
import { type Backend, type BackendRequest, Rng, type SparseSpikes, createBackend } from '@snn/core';
import { saveNpy } from '@snn/core/node';
import { APP_NAME, APP_VERSION } from '../app.js';
import type { ConvnetConfig } from '../config/schema.js';
import { encodeSplit, loadSplits } from '../data/mnist.js';
import { renderRunFigures } from '../figures/figures.js';
import type { FeatureKind, SplitFeatures } from '../network/features.js';
import { KernelConvNet } from '../network/kernel-network.js';
import { SpikingConvNet, networkShape } from '../network/network.js';
import { extractFeaturesParallel } from '../network/parallel.js';
import { type ReadoutResult, runReadout } from '../network/readout.js';
import { trainLayer } from '../network/train-layers.js';
import { RUN_FILES, loadWeights, saveSplitFeatures } from '../outputs/files.js';
import { saveReadout } from '../outputs/readout-files.js';

/** What `train` needs besides the config. */
export interface TrainRunOptions {
  /** Folder of the run directories. */
  readonly runsDir: string;
  /** Run name; default a time stamp. */
  readonly name?: string;
  /** Replace an existing run of that name (kept until this run has saved weights). */
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
  /** `--backend`: `js` or `auto` run the event-driven layers; a gpu.js backend runs the layers' kernels. Default `auto`. */
  readonly backend?: BackendRequest;
}

/**
 * The backend the conv layers run on: `js` and `auto` take the event-driven TypeScript layers (on a CPU they are
 * far faster than dense kernels, which compute every neuron at every step; no GPU run has been measured), any other
 * name starts that gpu.js backend (a backend that cannot start is an error, never replaced).
 */
export async function layersBackend(request: BackendRequest): Promise<Backend> {
  if (request !== 'js' && request !== 'auto') return createBackend(request);
  const js = await createBackend('js');
  const why = request === 'auto' ? 'auto: the event-driven layers (the dense gpu.js kernels only on request: --backend cpu|webasm|headlessgl|webgpu)' : 'requested js';
  return { ...js, requested: request, reason: `${why}; conv layers, pooling and STDP in TypeScript + WebAssembly SIMD` };
}

/**
 * `train`, as a list of steps on @snn/cli's `RunSession`: load → encode → conv1 STDP → conv2 STDP →
 * features → linear SVM (MAX and SUM, and the config's features) → files, figures, report. Each step is a
 * manifest phase; images/s of each go into the metrics. Nothing is selected on the test set: the test
 * accuracy of the one trained network is reported (settings are chosen with `evaluate --holdout`).
 * @returns the run directory
 */
export async function trainRun(config: ConvnetConfig, options: TrainRunOptions, io: AppIo): Promise<RunDir> {
  const backend = await layersBackend(options.backend ?? 'auto');
  try {
    return await trainOn(backend, config, options, io);
  } finally {
    await backend.destroy();
  }
}

async function trainOn(backend: Backend, config: ConvnetConfig, options: TrainRunOptions, io: AppIo): Promise<RunDir> {
  const kernelReason = backend.isGpuJs ? `; conv layers, pooling and STDP updates by the gpu.js kernels convIfKernel, lateralInhibitionKernel, spikingPoolKernel, convStdpKernel` : '';
  const run = await createRunDir({ root: options.runsDir, app: APP_NAME, name: options.name, force: options.force, rng: new Rng(config.seed) });
  const session = await RunSession.start({
    run,
    app: { name: APP_NAME, version: APP_VERSION, moduleUrl: import.meta.url },
    config,
    backend: { name: backend.name, kernelClass: backend.kernelClass, requested: backend.requested, reason: `${backend.reason}${kernelReason}` },
    argv: options.argv,
    io,
    quiet: options.quiet,
  });
  const progress = (label: string, total: number) => createProgress({ total, label, unit: 'img', stream: io.stderr, env: io.env, quiet: options.quiet });
  const results: Record<string, number> = {};
  // One step: a manifest phase; with `images` > 0 its images/s also goes into the metrics.
  const step = async <T>(phase: string, images: number, fn: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const out = await session.phase(phase, fn);
    const seconds = (performance.now() - start) / 1000;
    if (images > 0) {
      results[`${phase}_images_per_s`] = images / Math.max(seconds, 1e-9);
      session.log('%s: %d images in %s s (%s img/s)', phase, images, seconds.toFixed(1), results[`${phase}_images_per_s`].toFixed(0));
    }
    return out;
  };
  await session.run(async () => {
    const metrics = await MetricsLog.open(run.path);
    const { train, test, source } = await session.phase('load', () => loadSplits(config));
    session.log('%s from %s: %d training images (data_prop %s), %d test images; run %s', config.data.dataset === 'fashion-mnist' ? 'Fashion-MNIST' : 'MNIST', source, train.labels.length, config.data.data_prop, test.labels.length, run.path);
    const trainSpikes = await step('encode_train', train.labels.length, () => encodeSplit(train, config));
    const testSpikes = await step('encode_test', test.labels.length, () => encodeSplit(test, config));
    const shape = networkShape(config);
    const initial = SpikingConvNet.initial(shape, config, new Rng(config.seed));
    const net = backend.isGpuJs ? new KernelConvNet(backend, shape, config, initial.conv1.weights, initial.conv2.weights) : initial;
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
      const start = performance.now();
      const record = await step(`${name}_stdp`, 0, () =>
        trainLayer(net, trainSpikes, layer, config, (epoch, done, c) => {
          presented++;
          bar.setLabel(`${name} STDP epoch ${epoch + 1}`);
          bar.update(done, { C: c.toFixed(4) });
        }),
      );
      bar.stop();
      results[`${name}_stdp_images_per_s`] = presented / Math.max(1e-9, (performance.now() - start) / 1000);
      Object.assign(results, { [`${name}_updates`]: record.convergence.length, [`${name}_final_convergence`]: record.convergence.at(-1) ?? 0, [`${name}_images_presented`]: presented });
      for (let e = 0; e < record.imagesPerEpoch.length; e++) metrics.append({ phase: name, epoch: e + 1, images: record.imagesPerEpoch[e], convergence: record.convergence.at(-1) ?? null });
      const conv = layer === 1 ? net.conv1 : net.conv2;
      await saveNpy(join(run.path, layer === 1 ? RUN_FILES.conv1Weights : RUN_FILES.conv2Weights), { data: conv.weights, shape: weightShape(conv.params) });
      await saveNpy(join(run.path, layer === 1 ? RUN_FILES.conv1Metric : RUN_FILES.conv2Metric), { data: record.convergence, shape: [record.convergence.length] });
      await saveNpy(join(run.path, layer === 1 ? RUN_FILES.conv1Winners : RUN_FILES.conv2Winners), { data: record.winners, shape: [record.winners.length / 4, 4] });
      await session.checkpointSaved();
      session.log('%s: %d updates over %d images, C = %s', name, record.convergence.length, presented, (record.convergence.at(-1) ?? Number.NaN).toFixed(4));
    }
    const features = async (split: 'train' | 'test', spikes: SparseSpikes): Promise<SplitFeatures> => {
      const bar = progress(`features ${split}`, spikes.batch);
      const f = await step(`features_${split}`, spikes.batch, () => extractFeaturesParallel(net, config, spikes, config.compute.workers, (d) => bar.increment(d)));
      bar.stop();
      await saveSplitFeatures(run.path, split, f);
      return f;
    };
    const trainFeatures = await features('train', trainSpikes);
    const testFeatures = await features('test', testSpikes);
    await saveNpy(join(run.path, RUN_FILES.yTrain), { data: Int32Array.from(train.labels), shape: [train.labels.length] });
    await saveNpy(join(run.path, RUN_FILES.yTest), { data: Int32Array.from(test.labels), shape: [test.labels.length] });
    await saveNpy(join(run.path, RUN_FILES.spikesPerStep), { data: testFeatures.spikesPerStep.map((v) => v / testFeatures.count), shape: [4, testFeatures.numSteps] });
    // The seed fits MAX and SUM; a config that chooses other features gets its own fit only (a standardised
    // dense MAX fit would cost minutes for nothing); `evaluate --features max` still gives the seed's readout.
    const chosen = config.readout.features;
    const kinds: FeatureKind[] = chosen === 'max' || chosen === 'sum' ? ['max', 'sum'] : [chosen];
    let maxResult: ReadoutResult | undefined;
    for (const kind of kinds) {
      // SUM over time equals MAX here (a pooled neuron fires at most once): the same features give the same
      // fit, so the MAX readout is reused (the seed fits both).
      const r: ReadoutResult =
        kind === 'sum' && maxResult
          ? { ...maxResult, features: 'sum' }
          : await step(`linear_svm_${kind}`, 0, () => runReadout(trainFeatures, train.labels, testFeatures, test.labels, 'linear', kind, config));
      if (kind === 'max') maxResult = r;
      await saveReadout(run.path, r);
      results[`linear_${kind}_accuracy`] = r.accuracy;
      results[`linear_${kind}_fit_seconds`] = r.fitSeconds;
      io.stdout.write(`linear SVM (${kind}): test accuracy ${(100 * r.accuracy).toFixed(2)} % on ${test.labels.length} images (fit ${r.fitSeconds.toFixed(1)} s)\n`);
      metrics.append({ phase: 'readout', readout: 'linear', features: kind, accuracy: r.accuracy, fit_seconds: r.fitSeconds });
    }
    await updateManifest(run.path, { metrics: results });
    await session.complete({
      metrics: results,
      render: options.figures === false ? undefined : async () => renderRunFigures(run.path, { quiet: options.quiet, stderr: io.stderr }),
    });
    io.stdout.write(`run directory: ${run.path}\n`);
  });
  return run;
}

function weightShape(p: { outChannels: number; inChannels: number; kernelSize: number }): number[] {
  return [p.outChannels, p.inChannels, p.kernelSize, p.kernelSize];
}
