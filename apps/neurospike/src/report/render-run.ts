import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_LAYOUT, type MetricsRecord, applyWeights, checkpointPath, startReport, parseConfig, readConfusion, readResolvedConfig } from '@snn/cli';
import { type Backend, Rng, tensor } from '@snn/core';
import { writeFileAtomic } from '@snn/core/node';
import { imagesToTensor } from '@snn/datasets';
import { loadMnist } from '@snn/datasets/node';
import { type TrainingHistoryEntry, confusionMatrixFigure, imageGrid, membraneTraces, renderReport, spikeRaster, trainingCurves } from '@snn/viz';
import { saveFigure } from '@snn/viz/node';
import { type NeuroSpikeConfig, configSchema } from '../config/schema.js';
import { encodeImages } from '../data/encode.js';
import { STREAMS, streamSeed } from '../data/streams.js';
import { type NetworkTrace, traceNetwork } from '../inspect/trace.js';
import { loadRunCheckpoint } from '../model/checkpoint.js';
import { createNetwork, networkSizes } from '../model/network.js';


/** Reads a run's resolved config (`config.yaml`) and validates it. */
export async function readRunConfig(runDir: string): Promise<NeuroSpikeConfig> {
  const raw = await readResolvedConfig(runDir);
  return parseConfig(raw, configSchema, { file: join(runDir, RUN_LAYOUT.config) });
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Training history for the curves figure: losses and accuracies in %, learning rate. */
function historyOf(records: readonly MetricsRecord[]): TrainingHistoryEntry[] {
  return records.map((r) => {
    const trainAcc = num(r.train_acc);
    const testAcc = num(r.test_acc);
    return {
      epoch: r.epoch as number,
      trainLoss: num(r.train_loss),
      testLoss: num(r.test_loss),
      trainAcc: trainAcc === undefined ? undefined : 100 * trainAcc,
      testAcc: testAcc === undefined ? undefined : 100 * testAcc,
      lr: num(r.lr),
    };
  });
}

/** The layer's `[T, N]` slice of sample 0 of a trace. */
function sampleSlice(trace: NetworkTrace, layer: number, which: 'spikes' | 'membrane'): Float32Array {
  const l = trace.layers[layer];
  return l[which].slice(0, trace.numSteps * l.size);
}

/** What {@link renderRunReport} wrote. */
export interface RenderedRun {
  /** Figure files (PNG) relative to the run directory. */
  readonly figures: readonly string[];
  /** Path of `report.html`. */
  readonly report: string;
  /** Backend that computed the traced sample. */
  readonly backend: string;
}

/**
 * Renders the figures of a run directory and its `report.html` from what the run saved.
 *
 * @remarks
 * Figures (PNG + SVG in `figs/`): training curves from `logs/metrics.jsonl`; the confusion
 * matrix of the last test evaluation (`logs/confusion.json`); for the first test image, the
 * digit, input/hidden/output spike rasters and output/hidden membrane traces, computed from
 * `checkpoints/last.safetensors` by {@link traceNetwork} on the given backend.
 *
 * @param runDir - the run directory
 * @param backend - backend that traces the sample (js references or gpu.js kernels)
 * @throws `FileFormatError`/`ConfigError`/`CheckpointError` when the run directory lacks or has corrupt files
 */
export async function renderRunReport(runDir: string, backend: Backend): Promise<RenderedRun> {
  const config = await readRunConfig(runDir);
  const { manifest, records, figsDir: figs, figures, add } = await startReport(runDir);

  if (records.length > 0) {
    saveFigure(join(figs, 'training-curves'), await trainingCurves(historyOf(records), { title: 'Training (accuracy in %)' }));
    add('training-curves', 'Training curves', 'Loss, accuracy (%) and learning rate per epoch.');
  }
  const confusion = await readConfusion(runDir);
  if (confusion !== null) {
    saveFigure(join(figs, 'confusion-matrix'), await confusionMatrixFigure(confusion.matrix, confusion.numClasses, undefined, { title: `Test confusion matrix (epoch ${confusion.epoch})` }));
    add('confusion-matrix', 'Confusion matrix', 'Rows: true digit; columns: predicted digit (largest output spike count).');
  }

  const checkpoint = checkpointPath(runDir, 'last');
  if (existsSync(checkpoint)) {
    const sizes = networkSizes(config.model);
    const loaded = await loadRunCheckpoint(checkpoint, sizes);
    const network = createNetwork(config, 1);
    applyWeights(network.parameters(), loaded.weights);
    const test = loadMnist({ split: 'test', dir: config.data_path });
    const image = imagesToTensor(test, [0]);
    const label = test.labels[0];
    const settings = { encoding: config.encoding, numSteps: config.model.num_steps };
    const input = encodeImages(image, settings, new Rng(streamSeed(config.seed, STREAMS.probe)));
    const trace = await traceNetwork(network, input, backend);
    const T = trace.numSteps;
    const outLayer = trace.layers.length - 1;
    const counts = Array.from(trace.counts);
    const predicted = counts.indexOf(Math.max(...counts));
    const about = `test image 0 (label ${label}, predicted ${predicted}), ${config.encoding.type} coding, T = ${T}, computed on backend ${trace.backend}`;
    saveFigure(join(figs, 'sample-digit'), await imageGrid(tensor(image.data, [1, 28, 28]), { rows: 1, cols: 1, domain: [0, 1], title: `Test image 0 (label ${label})`, pixelSize: 6 }));
    add('sample-digit', 'Sample digit', 'The test image traced below, as the network sees it before encoding.');
    saveFigure(join(figs, 'input-raster'), await spikeRaster(input, { title: 'Input spikes', neuronLabel: 'pixel' }));
    add('input-raster', 'Input spike raster', about);
    for (let l = 0; l < outLayer; l++) {
      const size = trace.layers[l].size;
      saveFigure(join(figs, `hidden${l + 1}-raster`), await spikeRaster(tensor(sampleSlice(trace, l, 'spikes'), [T, size]), { title: `Hidden layer ${l + 1} spikes` }));
      add(`hidden${l + 1}-raster`, `Hidden layer ${l + 1} spike raster`, about);
    }
    const outSize = trace.layers[outLayer].size;
    saveFigure(join(figs, 'output-raster'), await spikeRaster(tensor(sampleSlice(trace, outLayer, 'spikes'), [T, outSize]), { title: 'Output spikes', neuronLabel: 'digit' }));
    add('output-raster', 'Output spike raster', `${about}; spike counts ${counts.join(', ')}`);
    saveFigure(
      join(figs, 'output-membrane'),
      await membraneTraces(tensor(sampleSlice(trace, outLayer, 'membrane'), [T, outSize]), { threshold: config.model.threshold, title: 'Output membrane potentials (one line per digit)' }),
    );
    add('output-membrane', 'Output membrane traces', about);
    if (outLayer > 0) {
      const size = trace.layers[0].size;
      const neurons = Array.from({ length: Math.min(8, size) }, (_, i) => i);
      saveFigure(
        join(figs, 'hidden1-membrane'),
        await membraneTraces(tensor(sampleSlice(trace, 0, 'membrane'), [T, size]), { threshold: config.model.threshold, neurons, title: 'Hidden layer 1 membrane potentials (neurons 0–7)' }),
      );
      add('hidden1-membrane', 'Hidden membrane traces', about);
    }
  }

  const last = records[records.length - 1];
  const summary: Record<string, string | number | boolean> = {
    run: manifest.name,
    status: manifest.status,
    seed: config.seed,
    backend: manifest.backend ? `${manifest.backend.name}${manifest.backend.reason ? ` (${manifest.backend.reason})` : ''}` : 'unknown',
    network: networkSizes(config.model).join('-'),
    'time steps': config.model.num_steps,
    encoding: config.encoding.type,
    loss: config.training.loss,
    'epochs completed': last ? (last.epoch as number) : 0,
  };
  for (const [key, value] of Object.entries(manifest.metrics)) if (value !== null) summary[key] = value;
  if (manifest.durationMs !== null) summary['wall time (s)'] = Math.round(manifest.durationMs / 100) / 10;
  const html = renderReport({
    title: `neurospike run ${manifest.name}`,
    note: 'LIF network trained by BPTT with surrogate gradients on MNIST (NeuroSpike-MNIST reproduction). Accuracies are fractions; spike rates are spikes per neuron per time step.',
    summary,
    metrics: records.map((r) => ({ ...r })),
    figures,
  });
  const report = join(runDir, 'report.html');
  await writeFileAtomic(report, html);
  return { figures: figures.map((f) => f.file), report, backend: backend.name };
}
