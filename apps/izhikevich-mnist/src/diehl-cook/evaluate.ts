import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readMetricsLog, updateManifest } from '@snn/cli';
import { tensor } from '@snn/core';
import type { ImageDataset } from '@snn/datasets';
import { accuracy, assignNeurons, classifyByAssignment, classifyByProportion, confusionMatrix, proportionWeights, selectMisclassified } from '@snn/readout';
import { type ReportFigure, confusionMatrixFigure, epochPanels, imageGrid, renderVegaLite } from '@snn/viz';
import { saveFigure } from '@snn/viz/node';
import { writeRunReport } from '../report/render.js';
import { readActivity } from './activity.js';
import { loadDiehlCookCheckpoint } from './checkpoint.js';
import { loadMnistSplit } from './train.js';

/** Numbers written by {@link runDiehlCookEvaluate} (also to `<run>/evaluation.json`). */
export interface DiehlCookEvaluation {
  /** Test accuracy of layer 1 (voting of assigned neurons: the paper's classification). */
  readonly accuracy: number;
  /**
   * Test accuracy of layer 1 with proportion-weighted voting (Hazan et al. 2018): each assigned neuron's count is
   * weighted by the share of its training response that belongs to its class. Not the paper's classification.
   */
  readonly accuracyProportion: number;
  /** Accuracy on the training activity the assignments came from (in-sample; paper's voting). */
  readonly assignAccuracy: number;
  /** Test accuracy of layer 2, when present. */
  readonly accuracy2?: number;
  /** Training examples used for the assignments. */
  readonly numAssign: number;
  /** Test examples. */
  readonly numTest: number;
  /** Neurons assigned to each class 0..9 (layer 1). */
  readonly neuronsPerClass: number[];
  /** Confusion matrix (rows true, columns predicted), layer 1. */
  readonly confusion: number[];
  /** Figures written. */
  readonly figures: string[];
  /** `report.html` (the summary, the training intervals and the figures), written with the figures. */
  readonly report?: string;
}

/** Options of {@link runDiehlCookEvaluate}. */
export interface DiehlCookEvaluateOptions {
  /** Run directory with `activity/` (from `diehl-cook test`). */
  readonly runPath: string;
  /** MNIST directory for the error-example figure (default: embedded). */
  readonly mnistPath?: string;
  /** Skip the figures. */
  readonly figures: boolean;
  /** The checkpoint the activity was recorded with (default `<run>/checkpoints/last.safetensors`). */
  readonly checkpoint?: string;
  /** Test images (for tests; default loaded). */
  readonly testData?: ImageDataset;
}

/**
 * Assigns classes from the recorded training activity, classifies the test activity, and writes the accuracy,
 * confusion matrix, misclassified examples and figures (receptive fields, accuracy over training, confusion
 * matrix, error examples, neuron assignments).
 */
export async function runDiehlCookEvaluate(options: DiehlCookEvaluateOptions): Promise<DiehlCookEvaluation> {
  const { runPath } = options;
  const train = await readActivity(runPath, 'train');
  const test = await readActivity(runPath, 'test');
  const nE = train.nNeurons;
  const assignments = assignNeurons(train.counts, train.labels, nE, 10);
  const predictions = classifyByAssignment(test.counts, assignments, nE, 10);
  const acc = accuracy(predictions, test.labels);
  const assignAccuracy = accuracy(classifyByAssignment(train.counts, assignments, nE, 10), train.labels);
  const proportions = proportionWeights(train.counts, train.labels, nE, 10);
  const accuracyProportion = accuracy(classifyByProportion(test.counts, assignments, proportions, nE, 10), test.labels);
  const cm = confusionMatrix(predictions, test.labels, 10);
  const neuronsPerClass = new Array(10).fill(0);
  for (const a of assignments) if (a >= 0) neuronsPerClass[a]++;
  let accuracy2: number | undefined;
  const { net } = await loadDiehlCookCheckpoint(options.checkpoint ?? join(runPath, 'checkpoints', 'last.safetensors'));
  if (net.settings.nE2 > 0) {
    const train2 = await readActivity(runPath, 'train', 2);
    const test2 = await readActivity(runPath, 'test', 2);
    const a2 = assignNeurons(train2.counts, train2.labels, train2.nNeurons, 10);
    accuracy2 = accuracy(classifyByAssignment(test2.counts, a2, train2.nNeurons, 10), test2.labels);
  }
  const errors = selectMisclassified(predictions, test.labels, 25);
  const figures: string[] = [];
  const reportFigures: ReportFigure[] = [];
  if (options.figures) {
    const figs = join(runPath, 'figs');
    const side = Math.ceil(Math.sqrt(nE));
    const rf = new Float32Array(nE * 784);
    const w = net.layers[0].weights;
    for (let i = 0; i < 784; i++) for (let j = 0; j < nE; j++) rf[j * 784 + i] = w[i * nE + j];
    const save = (name: string, fig: Awaited<ReturnType<typeof imageGrid>>, title: string, caption: string) => {
      saveFigure(join(figs, name), fig);
      figures.push(`figs/${name}.png`);
      reportFigures.push({ title, file: `figs/${name}.png`, caption });
    };
    save(
      'receptive-fields',
      await imageGrid(tensor(rf, [nE, 28, 28]), {
        rows: Math.ceil(nE / side),
        cols: side,
        normalize: 'per-image',
        pixelSize: nE > 100 ? 2 : 3,
        title: `Input → excitatory weights (${nE} neurons)`,
      }),
      'Receptive fields',
      'Input → excitatory weights of each layer-1 neuron, one 28×28 tile per neuron, each scaled to its own range.',
    );
    // Interval accuracy of each layer against the number of training examples presented.
    const points = (await readMetricsLog(join(runPath, 'logs', 'metrics.jsonl')))
      .filter((r) => r.mode === 'train' && typeof r.example === 'number')
      .flatMap((r) =>
        (['accuracy', 'accuracy2'] as const)
          .filter((key) => typeof r[key] === 'number')
          .map((key) => ({ epoch: r.example as number, panel: 'interval accuracy (%)', series: key === 'accuracy' ? 'layer 1' : 'layer 2', value: 100 * (r[key] as number) })),
      );
    if (points.length > 0) {
      save(
        'accuracy-over-training',
        await epochPanels(points, { title: 'Accuracy over training (assignments of the previous interval)', xTitle: 'training examples' }),
        'Accuracy over training',
        'Interval accuracy of the plastic network while it trains (each interval classified with the assignments of the previous one), against the training examples presented.',
      );
    }
    save(
      'confusion-matrix',
      await confusionMatrixFigure(cm.matrix, 10, undefined, { title: `Test confusion matrix (accuracy ${(100 * acc).toFixed(2)} %)` }),
      'Confusion matrix',
      'Rows: true digit; columns: predicted digit (layer 1, the paper\'s voting).',
    );
    if (errors.indices.length > 0) {
      const testData = options.testData ?? loadMnistSplit('test', options.mnistPath);
      const k = errors.indices.length;
      const imgs = new Float32Array(k * 784);
      errors.indices.forEach((idx, r) => {
        for (let p = 0; p < 784; p++) imgs[r * 784 + p] = testData.images[idx * 784 + p];
      });
      const cols = Math.min(5, k);
      save(
        'error-examples',
        await imageGrid(tensor(imgs, [k, 28, 28]), {
          rows: Math.ceil(k / cols),
          cols,
          domain: [0, 255],
          titles: Array.from(errors.indices, (idx, r) => `#${idx}: ${errors.predicted[r]} (true ${errors.actual[r]})`),
          title: 'Misclassified test examples: predicted (true)',
        }),
        'Error examples',
        `The first ${k} misclassified test images: predicted (true).`,
      );
    }
    // Which class each neuron is assigned to, the neurons on the grid of the receptive-field figure.
    const classes = [...Array.from({ length: 10 }, (_, c) => String(c)), 'none'];
    const cell = { field: 'col', type: 'ordinal' as const, axis: null };
    save(
      'neuron-assignments',
      await renderVegaLite({
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: `Class assigned to each neuron (grid of the receptive fields; ${nE - neuronsPerClass.reduce((a, b) => a + b, 0)} unassigned)`,
        data: { values: Array.from(assignments, (a, j) => ({ row: Math.floor(j / side), col: j % side, class: a < 0 ? 'none' : String(a) })) },
        encoding: { x: cell, y: { ...cell, field: 'row' } },
        layer: [
          { mark: 'rect', encoding: { color: { field: 'class', type: 'nominal', scale: { domain: classes }, title: 'class' } } },
          { mark: { type: 'text', fontSize: 9 }, encoding: { text: { field: 'class' } } },
        ],
        width: 16 * side,
        height: 16 * Math.ceil(nE / side),
      }),
      'Neuron assignments',
      'The class each layer-1 neuron is assigned to (its highest mean response on the assignment images), on the grid of the receptive fields.',
    );
  }
  const result: DiehlCookEvaluation = {
    accuracy: acc,
    accuracyProportion,
    assignAccuracy,
    ...(accuracy2 !== undefined ? { accuracy2 } : {}),
    numAssign: train.labels.length,
    numTest: test.labels.length,
    neuronsPerClass,
    confusion: Array.from(cm.matrix),
    figures,
  };
  writeFileSync(join(runPath, 'evaluation.json'), `${JSON.stringify({ ...result, misclassified: { indices: Array.from(errors.indices), predicted: Array.from(errors.predicted), actual: Array.from(errors.actual) } }, null, 2)}\n`);
  await updateManifest(runPath, { metrics: { test_accuracy: acc, test_accuracy_proportion: accuracyProportion, assign_accuracy: assignAccuracy, ...(accuracy2 !== undefined ? { test_accuracy2: accuracy2 } : {}), num_assign: result.numAssign, num_test: result.numTest } });
  if (!options.figures) return result;
  const s = net.settings;
  const records = (await readMetricsLog(join(runPath, 'logs', 'metrics.jsonl'))).filter((r) => r.mode === 'train').map(({ mode: _mode, ...rest }) => rest);
  const report = await writeRunReport(runPath, {
    title: `izhikevich-mnist diehl-cook run ${basename(runPath)}`,
    note:
      "Diehl & Cook (2015): unsupervised STDP on the input weights of conductance-LIF excitatory neurons with adaptive thresholds and lateral inhibition; each neuron is assigned the class of its highest mean response on the assignment images, and a test image is classified by the class whose assigned neurons fire most on average. Metrics: one row per training interval (interval accuracy of the plastic network, spikes and presentations per example, time).",
    fields: {
      'excitatory neurons (n_e)': s.nE,
      ...(s.nE2 > 0 ? { 'layer-2 neurons (n_e2)': s.nE2 } : {}),
      'STDP rule': `${s.stdpRule}, pre-spike change ${s.preUpdate}, timer rate ${s.timerRate}`,
      'neurons per class 0–9': neuronsPerClass.join(', '),
    },
    records,
    figures: reportFigures,
  });
  return { ...result, report };
}
