import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ProgressStream, createLogger, readManifest, readResolvedConfig } from '@snn/cli';
import type { NpyArray } from '@snn/core';
import { loadNpy } from '@snn/core/node';
import { loadMnist } from '@snn/datasets/node';
import { DOG_OFF, DOG_ON, dogFilterImages, latencyBins } from '@snn/encoding';
import { confusionMatrix } from '@snn/readout';
import { type Figure, type ReportFigure, confusionMatrixFigure, imageGrid, renderReport, renderVegaLite } from '@snn/viz';
import { saveFigure } from '@snn/viz/node';
type TopLevelSpec = Parameters<typeof renderVegaLite>[0];
import { configSchema } from '../config/schema.js';
import { NO_SPIKE, RUN_FILES } from '../outputs/files.js';

async function maybe(dir: string, file: string): Promise<NpyArray | undefined> {
  const path = join(dir, file);
  return existsSync(path) ? loadNpy(path) : undefined;
}

function lineChart(rows: Record<string, number | string>[], x: string, y: string, title: string, color?: string): Promise<Figure> {
  const spec = {
    title,
    width: 420,
    height: 220,
    data: { values: rows },
    mark: { type: 'line' },
    encoding: {
      x: { field: x, type: 'quantitative' },
      y: { field: y, type: 'quantitative' },
      ...(color ? { color: { field: color, type: 'nominal' } } : {}),
    },
  } as TopLevelSpec;
  return renderVegaLite(spec);
}

/** Every n-th point so that a curve has at most `max` points. */
function thin<T>(values: T[], max = 1500): T[] {
  const step = Math.max(1, Math.ceil(values.length / max));
  return values.filter((_, i) => i % step === 0 || i === values.length - 1);
}

/**
 * Renders the figures of a run (`figs/`) and its HTML report (`report.html`) from the files `train` and
 * `evaluate` wrote: convergence curves, learned filters, spikes per time step, winners raster and histogram,
 * the temporal encoding of one test image, mean activity per digit and the confusion matrices.
 * @returns the figure files and the report's path
 */
export async function renderRunFigures(dir: string, options: { quiet?: boolean; stderr?: ProgressStream } = {}): Promise<{ figures: string[]; report: string }> {
  const log = createLogger({ stream: options.stderr, quiet: options.quiet });
  const config = configSchema.parse(await readResolvedConfig(dir));
  const figs = join(dir, 'figs');
  const figures: ReportFigure[] = [];
  const save = (name: string, title: string, figure: Figure, caption?: string) => {
    saveFigure(join(figs, name), figure);
    figures.push({ title, file: `figs/${name}.png`, caption });
  };
  for (const layer of [1, 2]) {
    const metric = await maybe(dir, layer === 1 ? RUN_FILES.conv1Metric : RUN_FILES.conv2Metric);
    if (metric && metric.data.length > 0) {
      const rows = thin(Array.from(metric.data, (c, i) => ({ update: i + 1, C: c })));
      save(`conv${layer}_convergence`, `conv${layer} convergence`, await lineChart(rows, 'update', 'C', `conv${layer}: mean w(1−w) after each STDP update`));
    }
    const winners = await maybe(dir, layer === 1 ? RUN_FILES.conv1Winners : RUN_FILES.conv2Winners);
    if (winners && winners.data.length > 0) {
      const n = winners.data.length / 4;
      const points = thin(Array.from({ length: n }, (_, i) => ({ update: i + 1, map: winners.data[i * 4 + 1] })), 3000);
      const raster = {
        title: `conv${layer}: map of the winner of each update`,
        width: 420,
        height: 200,
        data: { values: points },
        mark: { type: 'point', filled: true, size: 6 },
        encoding: { x: { field: 'update', type: 'quantitative' }, y: { field: 'map', type: 'quantitative' } },
      } as TopLevelSpec;
      save(`conv${layer}_winners_raster`, `conv${layer} winners`, await renderVegaLite(raster));
      const counts = new Map<number, number>();
      for (let i = 0; i < n; i++) counts.set(winners.data[i * 4 + 1], (counts.get(winners.data[i * 4 + 1]) ?? 0) + 1);
      const hist = {
        title: `conv${layer}: updates per map`,
        width: 420,
        height: 180,
        data: { values: [...counts].map(([map, updates]) => ({ map, updates })) },
        mark: 'bar',
        encoding: { x: { field: 'map', type: 'ordinal' }, y: { field: 'updates', type: 'quantitative' } },
      } as TopLevelSpec;
      save(`conv${layer}_winners_histogram`, `conv${layer} updates per map`, await renderVegaLite(hist));
    }
    const weights = await maybe(dir, layer === 1 ? RUN_FILES.conv1Weights : RUN_FILES.conv2Weights);
    if (weights) {
      const [maps, channels, k] = weights.shape as [number, number, number];
      // conv1: ON − OFF per map (the seed's way to show a filter); conv2: mean over input maps.
      const data = new Float32Array(maps * k * k);
      for (let o = 0; o < maps; o++) {
        for (let p = 0; p < k * k; p++) {
          let v = 0;
          for (let c = 0; c < channels; c++) {
            const w = weights.data[(o * channels + c) * k * k + p];
            v += layer === 1 ? (c === 0 ? w : -w) : w / channels;
          }
          data[o * k * k + p] = v;
        }
      }
      const cols = Math.min(10, maps);
      const grid = await imageGrid({ data, shape: [maps, k, k] }, { rows: Math.ceil(maps / cols), cols, normalize: 'per-image', pixelSize: 8, title: `conv${layer} filters${layer === 1 ? ' (ON − OFF)' : ' (mean over input maps)'}` });
      save(`conv${layer}_filters`, `conv${layer} learned filters`, grid);
    }
  }
  const perStep = await maybe(dir, RUN_FILES.spikesPerStep);
  if (perStep) {
    const T = perStep.shape[1];
    const names = ['conv1', 'pool1', 'conv2', 'pool2'];
    const rows = names.flatMap((layer, l) => Array.from({ length: T }, (_, t) => ({ step: t, spikes: perStep.data[l * T + t], layer })));
    save('spikes_per_step', 'Spikes per time step', await lineChart(rows, 'step', 'spikes', 'Mean spikes per time step and image (test set)', 'layer'));
  }
  // Temporal encoding of the first test image: spike step per pixel, ON and OFF.
  const test = loadMnist({ split: 'test', dir: config.data.mnist_path ?? undefined });
  const image = { data: Float32Array.from(test.images.subarray(0, 784)), shape: [1, 28, 28] };
  const contrasts = dogFilterImages(image, { filters: config.encoding.dog.length === 2 ? config.encoding.dog : [DOG_ON, DOG_OFF], threshold: config.encoding.threshold, border: config.encoding.border, truncate: config.encoding.truncate });
  const T = config.encoding.timesteps;
  const frames = new Float32Array(3 * 784);
  frames.set(image.data.map((v) => v / 255));
  for (let c = 0; c < 2; c++) {
    const bins = latencyBins(contrasts.data.subarray(c * 784, (c + 1) * 784), T);
    for (let i = 0; i < 784; i++) frames[(c + 1) * 784 + i] = bins[i] < 0 ? 0 : (T - bins[i]) / T;
  }
  save(
    'encoding_example',
    'Temporal encoding of one test image',
    await imageGrid({ data: frames, shape: [3, 28, 28] }, { rows: 1, cols: 3, domain: [0, 1], titles: ['image', 'ON: earlier = brighter', 'OFF'], pixelSize: 5 }),
    `Test image 0 (label ${test.labels[0]}): brightness (T − t)/T of each pixel's spike step t; black = no spike.`,
  );
  const yTest = await maybe(dir, RUN_FILES.yTest);
  const first = await maybe(dir, RUN_FILES.testFirstSpike);
  if (yTest && first) {
    const [count, size] = first.shape as [number, number];
    const maps = config.conv2.maps;
    const plane = size / maps;
    const side = Math.round(Math.sqrt(plane));
    const mean = new Float32Array(10 * plane);
    const perClass = new Float64Array(10);
    for (let r = 0; r < count; r++) {
      const y = yTest.data[r];
      perClass[y]++;
      for (let i = 0; i < size; i++) if (first.data[r * size + i] !== NO_SPIKE) mean[y * plane + (i % plane)] += 1 / maps;
    }
    for (let y = 0; y < 10; y++) for (let p = 0; p < plane; p++) mean[y * plane + p] /= Math.max(1, perClass[y]);
    if (side * side === plane) {
      save('mean_activity_per_digit', 'Mean activity per digit', await imageGrid({ data: mean, shape: [10, side, side] }, { rows: 2, cols: 5, normalize: 'global', pixelSize: 10, titles: Array.from({ length: 10 }, (_, d) => `${d}`) }), 'Fraction of pool2 maps that fired at each position, averaged over the test images of each digit.');
    }
  }
  if (yTest) {
    for (const file of readdirSync(dir).filter((f) => /^y_pred_.*\.npy$/.test(f)).sort()) {
      const pred = await loadNpy(join(dir, file));
      if (pred.data.length !== yTest.data.length) continue;
      const cm = confusionMatrix(pred.data, yTest.data, 10);
      const name = file.replace(/^y_pred_/, '').replace(/\.npy$/, '');
      const title = name.startsWith('rbf_') ? `RBF SVM, ${name.slice(4).toUpperCase()} features` : `linear SVM, ${name.toUpperCase()} features`;
      save(`confusion_${name}`, `Confusion matrix: ${title}`, await confusionMatrixFigure(cm.matrix, 10, undefined, { title }));
    }
  }
  const manifest = await readManifest(dir);
  const summary: Record<string, string | number | boolean> = { run: manifest.name, seed: config.seed, data_prop: config.data.data_prop, timesteps: config.encoding.timesteps };
  for (const [k, v] of Object.entries(manifest.metrics)) if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') summary[k] = typeof v === 'number' ? Number(v.toPrecision(6)) : v;
  const html = renderReport({
    title: `spiking-convnet run ${manifest.name}`,
    summary,
    figures,
    note: 'STDP convolutional SNN with SVM readout (Kheradpisheh et al. 2018; seed Rayene-prog/Spiking-mnist). Weights, convergence metrics, labels, predictions and features are .npy files in this folder.',
  });
  const report = join(dir, 'report.html');
  writeFileSync(report, html);
  log(`figures: ${figures.length} in ${figs}; report ${report}`);
  return { figures: figures.map((f) => join(dir, f.file)), report };
}
