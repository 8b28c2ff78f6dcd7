
import { join } from 'node:path';
import { startReport, readConfusion, } from '@snn/cli';
import { Rng, tensor } from '@snn/core';
import { writeFileAtomic } from '@snn/core/node';
import { FASHION_MNIST_CLASSES, imagesToTensor } from '@snn/datasets';
import { argmaxRow } from '@snn/readout';
import { confusionMatrixFigure, imageGrid, membraneTraces, renderReport, spikeRaster, splitCurves } from '@snn/viz';
import { saveFigure } from '@snn/viz/node';
import type { ImageClassificationConfig } from '../config/schema.js';
import { encodeImages, encodingSettings } from '../data/encode.js';
import { loadDataSplits } from '../data/splits.js';
import { STREAMS, streamSeed } from '../data/streams.js';
import { describeModel } from '../model/network.js';
import { loadTrainedModel, runCheckpoint } from '../model/trained-model.js';


/**
 * Class names of a dataset: digits for MNIST, clothing names for Fashion-MNIST.
 *
 * @param dataset - `mnist` or `fashion-mnist`
 */
export function classNames(dataset: ImageClassificationConfig['dataset']): string[] {
  return dataset === 'fashion-mnist' ? [...FASHION_MNIST_CLASSES] : Array.from({ length: 10 }, (_, i) => String(i));
}


/** What {@link renderRunReport} wrote. */
export interface RenderedRun {
  /** Figure files (PNG) relative to the run directory. */
  readonly figures: readonly string[];
  /** Path of `report.html`. */
  readonly report: string;
}

/**
 * Renders the figures of a run directory and its `report.html` from what the run saved.
 *
 * @remarks
 * Figures (PNG + SVG in `figs/`): training curves (train/validation/test loss and accuracy) from
 * `logs/metrics.jsonl`; the test confusion matrix of the best-validation epoch
 * (`logs/confusion.json`); for the first test image of the run, the image, its input spikes, the
 * hidden-layer spike raster and the readout traces y[t] of the best checkpoint.
 *
 * @param runDir - the run directory
 * @throws `FileFormatError`/`ConfigError`/`CheckpointError` when the run directory lacks or has corrupt files
 */
export async function renderRunReport(runDir: string): Promise<RenderedRun> {
  const { manifest, records, figsDir: figs, figures, add } = await startReport(runDir);
  if (records.length > 0) {
    saveFigure(join(figs, 'training-curves'), await splitCurves(records));
    add('training-curves', 'Training curves', 'Loss and accuracy (%) per epoch on the training images (running, during the epoch), the validation hold-out and the test images.');
  }
  const { config, loaded, model } = await loadTrainedModel(runDir, runCheckpoint(runDir));
  const names = classNames(config.dataset);
  const confusion = await readConfusion(runDir);
  if (confusion !== null) {
    saveFigure(join(figs, 'confusion-matrix'), await confusionMatrixFigure(confusion.matrix, confusion.numClasses, names, { title: `Test confusion matrix (epoch ${confusion.epoch}, best validation)` }));
    add('confusion-matrix', 'Confusion matrix', 'Rows: true class; columns: predicted class (largest readout logit).');
  }
  try {
    const data = loadDataSplits(config);
    const image = imagesToTensor(data.test, [0]);
    const label = data.test.labels[0];
    const settings = encodingSettings(config);
    const input = encodeImages(image, settings, new Rng(streamSeed(config.seed, STREAMS.probe)));
    const out = model.forward(input, { record: true });
    const T = settings.numSteps;
    const H = config.model.hidden_size;
    const C = model.classes;
    const predicted = argmaxRow(out.logits, 0, C);
    const about = `test image 0 (${names[label]}, predicted ${names[predicted]}), ${config.encoding.periodic ? 'periodic' : 'rate'} input, T = ${T}, checkpoint of epoch ${loaded.meta.epoch}`;
    saveFigure(join(figs, 'sample-image'), await imageGrid(tensor(image.data, [1, 28, 28]), { rows: 1, cols: 1, domain: [0, 1], title: `Test image 0 (${names[label]})`, pixelSize: 6 }));
    add('sample-image', 'Sample image', 'The test image traced below, before encoding.');
    saveFigure(join(figs, 'input-raster'), await spikeRaster(input, { title: 'Input spikes', neuronLabel: 'pixel' }));
    add('input-raster', 'Input spike raster', about);
    if (out.hiddenSpikes !== null) {
      const hidden = new Float32Array(T * H);
      for (let i = 0; i < T * H; i++) hidden[i] = out.hiddenSpikes[i];
      saveFigure(join(figs, 'hidden-raster'), await spikeRaster(tensor(hidden, [T, H]), { title: `Hidden ${config.model.neuron.toUpperCase()} spikes` }));
      add('hidden-raster', 'Hidden spike raster', about);
    }
    if (out.readoutTrace !== null) {
      const trace = tensor(out.readoutTrace.slice(0, T * C), [T, C]);
      saveFigure(join(figs, 'readout-traces'), await membraneTraces(trace, { title: `Leaky readout y[t] (one line per class; logits = ${config.model.readout} over time)`, valueLabel: 'readout y[t]' }));
      add('readout-traces', 'Readout traces', about);
    }
  } finally {
    await model.destroy();
  }
  const last = records[records.length - 1];
  const summary: Record<string, string | number | boolean> = {
    run: manifest.name,
    status: manifest.status,
    dataset: config.dataset,
    model: describeModel(config.model),
    input: config.encoding.periodic ? 'periodic' : `rate (gain ${config.encoding.gain})`,
    'time steps': config.model.num_steps,
    surrogate: config.model.surrogate.name,
    seed: config.seed,
    backend: manifest.backend ? `${manifest.backend.name}${manifest.backend.reason ? ` (${manifest.backend.reason})` : ''}` : 'unknown',
    'epochs completed': last ? (last.epoch as number) : 0,
  };
  for (const [key, value] of Object.entries(manifest.metrics)) if (value !== null) summary[key] = value;
  if (manifest.durationMs !== null) summary['wall time (s)'] = Math.round(manifest.durationMs / 100) / 10;
  const html = renderReport({
    title: `snn-image-classification run ${manifest.name}`,
    note: 'Gince & Lamontagne-Caron (2022) reproduction: spiking hidden layer (LIF/ALIF) and leaky readout trained by BPTT with a surrogate gradient. Accuracies are fractions; the spike rate is spikes per hidden neuron per time step.',
    summary,
    metrics: records.map((r) => ({ ...r })),
    figures,
  });
  const report = join(runDir, 'report.html');
  await writeFileAtomic(report, html);
  return { figures: figures.map((f) => f.file), report };
}
