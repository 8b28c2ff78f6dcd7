import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tensor } from '@snn/core';
import type { FirstSpikeReadout } from '@snn/learning';
import { type ReportFigure, imageGrid, renderReport, renderVegaLite } from '@snn/viz';
import { saveFigure } from '@snn/viz/node';
import type { FitResult } from '../train/fit.js';

/**
 * Writes the figures (accuracy curves, thresholds, weights) into `<dir>/figs` and `<dir>/report.html`.
 * @param dir - the run directory
 * @param title - report title
 * @param model - the trained readout
 * @param fit - the fit's history and result
 * @param summary - key facts for the report's table
 * @returns the PNG files written
 */
export async function writeRunReport(dir: string, title: string, model: FirstSpikeReadout, fit: FitResult, summary: Record<string, string | number | boolean>): Promise<string[]> {
  const figures: ReportFigure[] = [];
  const curves = fit.history.flatMap((h) => [
    { epoch: h.epoch, set: 'train', accuracy: h.trainAccuracy },
    ...(h.validationAccuracy === undefined ? [] : [{ epoch: h.epoch, set: 'validation', accuracy: h.validationAccuracy }]),
    ...(h.testAccuracy === undefined ? [] : [{ epoch: h.epoch, set: 'test', accuracy: h.testAccuracy }]),
  ]);
  const accuracy = await renderVegaLite({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Accuracy per epoch',
    width: 360,
    height: 220,
    data: { values: curves },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
      y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { zero: false } },
      color: { field: 'set', type: 'nominal', title: null },
    },
  });
  saveFigure(join(dir, 'figs', 'accuracy'), accuracy);
  figures.push({ title: 'Accuracy', file: 'figs/accuracy.png', caption: 'Training accuracy during learning; validation and test accuracy after each epoch.' });

  const thresholds = model.adaptiveThresholds();
  const perClass = model.map.perClass;
  const rows = Array.from(thresholds, (t, j) => ({ neuron: j, threshold: t, class: String(Math.floor(j / perClass)) }));
  const thresholdFigure = await renderVegaLite({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Training thresholds after the last epoch',
    width: Math.min(720, 12 * thresholds.length + 60),
    height: 200,
    data: { values: rows },
    mark: 'bar',
    encoding: {
      x: { field: 'neuron', type: 'ordinal', title: 'output neuron' },
      y: { field: 'threshold', type: 'quantitative', title: 'threshold', scale: { zero: false } },
      color: { field: 'class', type: 'nominal', title: 'class' },
    },
  });
  saveFigure(join(dir, 'figs', 'thresholds'), thresholdFigure);
  figures.push({ title: 'Thresholds', file: 'figs/thresholds.png', caption: 'Adaptive (NCG) training thresholds per neuron, coloured by class.' });

  const { weights, inputSize, neurons } = model.layer;
  const side = Math.round(Math.sqrt(inputSize));
  if (side * side === inputSize && neurons <= 400) {
    const grid = await imageGrid(tensor(Float32Array.from(weights), [neurons, side, side]), {
      rows: Math.ceil(neurons / perClass),
      cols: perClass,
      normalize: 'per-image',
      title: 'Weights per output neuron (row = class)',
    });
    saveFigure(join(dir, 'figs', 'weights'), grid);
    figures.push({ title: 'Weights', file: 'figs/weights.png', caption: `Each neuron's ${side} × ${side} weights; one row per class group.` });
  } else {
    const bins = 40;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const w of weights) {
      if (w < min) min = w;
      if (w > max) max = w;
    }
    const width = max > min ? (max - min) / bins : 1;
    const counts = new Array<number>(bins).fill(0);
    for (const w of weights) counts[Math.min(bins - 1, Math.floor((w - min) / width))]++;
    const histogram = await renderVegaLite({
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: 'Weight distribution',
      width: 360,
      height: 200,
      data: { values: counts.map((count, b) => ({ weight: min + (b + 0.5) * width, count })) },
      mark: 'bar',
      encoding: { x: { field: 'weight', type: 'quantitative', title: 'weight' }, y: { field: 'count', type: 'quantitative', title: 'synapses' } },
    });
    saveFigure(join(dir, 'figs', 'weights'), histogram);
    figures.push({ title: 'Weights', file: 'figs/weights.png', caption: 'Histogram of the output weights.' });
  }
  const html = renderReport({
    title,
    summary,
    metrics: fit.history.map((h) => ({
      epoch: h.epoch,
      train: h.trainAccuracy,
      validation: h.validationAccuracy ?? null,
      test: h.testAccuracy ?? null,
      'samples/s': Math.round(h.trainSamplesPerSecond),
    })),
    figures,
  });
  await writeFile(join(dir, 'report.html'), html);
  return figures.map((f) => join(dir, f.file));
}
