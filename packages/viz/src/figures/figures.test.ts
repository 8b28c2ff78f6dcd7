import { ShapeError, ValidationError, denseToSparse, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { toPng } from '../png/to-png.js';
import { PNG_SIGNATURE, countOf, pngSize } from '../test-helpers.js';
import { confusionMatrixFigure } from './confusion-matrix-figure.js';
import { imageGrid } from './image-grid.js';
import { membraneTraces } from './membrane-traces.js';
import { spikeRaster } from './spike-raster.js';
import { epochPanels, splitCurves } from './epoch-panels.js';
import { trainingCurves } from './training-curves.js';

describe('spikeRaster', () => {
  // sample 1 of a [2, 3, 2, 2] batch: spikes at (t=0, n=3), (t=2, n=0), (t=2, n=1)
  const data = new Float32Array(2 * 3 * 4);
  data[0] = 1; // sample 0
  data[12 + 3] = 1;
  data[12 + 8] = 1;
  data[12 + 9] = 1;
  const batch = tensor(data, [2, 3, 2, 2]);

  it('draws one tick per spike of the chosen sample, dense or sparse', async () => {
    const fig = await spikeRaster(batch, { sample: 1, title: 'Hidden layer' });
    expect(fig.svg).toContain('Hidden layer');
    expect(countOf(fig.svg, 'aria-roledescription="tick"')).toBe(3);
    expect(fig.svg).toContain('aria-label="time step: 2; neuron: 1"');
    expect(fig.svg).toContain('aria-label="time step: 0; neuron: 3"');
    const sparse = await spikeRaster(denseToSparse(batch), { sample: 1, dtMs: 0.5 });
    expect(countOf(sparse.svg, 'aria-roledescription="tick"')).toBe(3);
    expect(sparse.svg).toContain('aria-label="time (ms): 1; neuron: 1"');
    const png = toPng(fig.svg, { scale: 1 });
    expect(Array.from(png.slice(0, 8))).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: fig.width, height: fig.height });
  });

  it('rejects bad input', async () => {
    await expect(spikeRaster(batch, { sample: 2 })).rejects.toThrow('field sample: sample index out of range; expected an integer in [0, 1], found 2');
    await expect(spikeRaster(tensor([1, 0], [2]))).rejects.toThrow(ShapeError);
    await expect(spikeRaster(tensor([1, Number.NaN], [1, 2]))).rejects.toThrow(
      'field spikes[0, 1]: non-finite value; expected a finite number, found NaN',
    );
  });
});

describe('membraneTraces', () => {
  it('draws one line per neuron and the dashed threshold', async () => {
    const mem = tensor([0, 0.1, 0.2, 0.4, 0.3, 0.8, 0.6, 1.1, 0.9, 0, 0.1, 0.2], [4, 3]);
    const fig = await membraneTraces(mem, { threshold: 1, neurons: [0, 2], title: 'LIF membrane' });
    expect(fig.svg).toContain('LIF membrane');
    expect(countOf(fig.svg, 'aria-roledescription="line mark"')).toBe(2);
    expect(countOf(fig.svg, 'aria-roledescription="rule mark"')).toBe(1);
    expect(fig.svg).toContain('stroke-dasharray="6,4"');
    expect(fig.svg).toContain('>threshold</text>');
    expect(fig.svg).toContain('>neuron 2</text>');
    expect(fig.svg).not.toContain('>neuron 1</text>');
  });

  it('rejects bad neurons and shapes', async () => {
    const mem = tensor([0, 1, 2, 3], [2, 2]);
    await expect(membraneTraces(mem, { neurons: [0, 5] })).rejects.toThrow(
      'field neurons[1]: neuron index out of range; expected an integer in [0, 1], found 5',
    );
    await expect(membraneTraces(tensor([0, 1], [1, 1, 2]))).rejects.toThrow(
      'field membrane: membrane traces need time and neuron dimensions; expected [T, N], found [1, 1, 2]',
    );
    await expect(membraneTraces(mem, { threshold: Number.NaN })).rejects.toThrow(ValidationError);
  });
});

describe('trainingCurves', () => {
  it('draws the panels that have data', async () => {
    const fig = await trainingCurves([
      { epoch: 1, trainLoss: 0.9, trainAcc: 0.7, testAcc: 0.68 },
      { epoch: 2, trainLoss: 0.5, trainAcc: 0.85, testAcc: 0.8 },
      { epoch: 3, trainLoss: 0.3, trainAcc: 0.9, testAcc: 0.86 },
    ]);
    expect(fig.svg).toContain('>Training</text>');
    expect(fig.svg).toContain('>loss</text>');
    expect(fig.svg).toContain('>accuracy</text>');
    expect(fig.svg).not.toContain('>learning rate</text>');
    // loss: train; accuracy: train + test
    expect(countOf(fig.svg, 'aria-roledescription="line mark"')).toBe(3);
    expect(countOf(fig.svg, 'aria-roledescription="point"')).toBe(9);
  });

  it('rejects empty or broken histories', async () => {
    await expect(trainingCurves([])).rejects.toThrow('field history: empty training history; expected at least one epoch');
    await expect(trainingCurves([{ epoch: 1 }])).rejects.toThrow('no metric in the training history');
    await expect(trainingCurves([{ epoch: 1, trainLoss: Number.NaN }])).rejects.toThrow(
      'field history[0].trainLoss: non-finite metric; expected a finite number, found NaN',
    );
  });
});

describe('epochPanels', () => {
  it('draws a panel per name in a grid, a legend entry only for the series that occur, integer epoch ticks', async () => {
    const points = [1, 2].flatMap((epoch) => [
      { epoch, panel: 'accuracy (%)', series: 'train', value: 80 + epoch },
      { epoch, panel: 'accuracy (%)', series: 'validation', value: 78 + epoch },
      { epoch, panel: 'spike rate', series: 'test', value: 0.1 * epoch },
    ]);
    const fig = await epochPanels(points, { title: 'Analysis', columns: 1 });
    expect(fig.svg).toContain('>Analysis</text>');
    expect(fig.svg).toContain('>accuracy (%)</text>');
    expect(fig.svg).toContain('>spike rate</text>');
    expect(countOf(fig.svg, 'aria-roledescription="line mark"')).toBe(3);
    expect(fig.svg).toContain('>validation</text>');
    expect(fig.svg).not.toContain('>lr</text>');
    expect(fig.svg).not.toContain('>1.5</text>');
    expect(fig.svg).toContain('>epoch</text>');
    const examples = await epochPanels([{ epoch: 5000, panel: 'interval accuracy (%)', series: 'layer 1', value: 80 }], { xTitle: 'training examples' });
    expect(examples.svg).toContain('>training examples</text>');
    expect(examples.svg).not.toContain('>epoch</text>');
    await expect(epochPanels([])).rejects.toThrow('field points: nothing to draw');
    await expect(epochPanels([{ epoch: 1, panel: 'a', series: 'b', value: Number.NaN }])).rejects.toThrow('field points[0].value: non-finite value');
  });
});

describe('splitCurves', () => {
  it('draws loss and accuracy of the splits a metrics log has, labelled train / validation / test', async () => {
    const fig = await splitCurves([
      { epoch: 1, train_loss: 0.9, train_acc: 0.7, val_acc: 0.65, test_acc: 0.66 },
      { epoch: 2, train_loss: 0.5, train_acc: 0.8, val_acc: 0.75, test_acc: 0.74 },
    ]);
    expect(fig.svg).toContain('>Training curves</text>');
    expect(fig.svg).toContain('>validation</text>');
    // loss: train; accuracy: train, validation, test
    expect(countOf(fig.svg, 'aria-roledescription="line mark"')).toBe(4);
    await expect(splitCurves([{ epoch: 1, lr: 0.1 }])).rejects.toThrow('nothing to draw');
  });
});

describe('confusionMatrixFigure', () => {
  it('draws one cell and one count per class pair', async () => {
    const fig = await confusionMatrixFigure(Int32Array.from([5, 1, 0, 2, 7, 1, 0, 0, 9]), 3, ['cat', 'dog', 'owl']);
    expect(fig.svg).toContain('>Confusion matrix</text>');
    expect(countOf(fig.svg, 'aria-roledescription="rect mark"')).toBe(9);
    expect(countOf(fig.svg, 'aria-roledescription="text mark"')).toBe(9);
    expect(fig.svg).toContain('aria-label="predicted class: dog; true class: cat; count: 1"');
    expect(fig.svg).toContain('>owl</text>');
    expect(fig.svg).toContain('>predicted class</text>');
  });

  it('rejects mismatched sizes and labels', async () => {
    await expect(confusionMatrixFigure([1, 2, 3], 2)).rejects.toThrow(
      'field matrix: confusion matrix size does not match the number of classes; expected 4 counts (2 × 2), found 3',
    );
    await expect(confusionMatrixFigure([1, 2, 3, 4], 2, ['a'])).rejects.toThrow('field labels: wrong number of class labels; expected 2 labels, found 1');
    await expect(confusionMatrixFigure([1, -2, 3, 4], 2)).rejects.toThrow('field matrix[0, 1]: invalid count');
  });
});

describe('imageGrid', () => {
  it('embeds one sharp grey PNG per image, with captions', async () => {
    const images = tensor([0, 0.5, 1, 0.25, 1, 1, 0, 0, 0.2, 0.4, 0.6, 0.8], [3, 2, 2]);
    const fig = await imageGrid(images, { rows: 2, cols: 2, titles: ['a', 'b', '<c>'], title: 'Receptive fields', pixelSize: 10 });
    expect(countOf(fig.svg, '<image ')).toBe(3);
    expect(countOf(fig.svg, 'data:image/png;base64,')).toBe(3);
    expect(fig.svg).toContain('image-rendering: pixelated; image-rendering: optimizeSpeed;');
    expect(fig.svg).toContain('>Receptive fields</text>');
    expect(fig.svg).toContain('>&lt;c&gt;</text>');
    expect(fig.svg).toContain('width="20" height="20"'); // 2 × 2 pixels at 10 px each
    const png = toPng(fig.svg, { scale: 1 });
    expect(pngSize(png)).toEqual({ width: fig.width, height: fig.height });
  });

  it('scales grey levels globally or per image', async () => {
    const images = tensor([0, 1, 2, 3], [2, 2]); // two 2 × 1 images
    const decode = (svg: string) =>
      [...svg.matchAll(/data:image\/png;base64,([^"]+)/g)].map((m) => Buffer.from(m[1], 'base64'));
    const global = decode((await imageGrid(images, { rows: 1, cols: 2, width: 2, height: 1 })).svg);
    const perImage = decode((await imageGrid(images, { rows: 1, cols: 2, width: 2, height: 1, normalize: 'per-image' })).svg);
    const { inflateSync } = await import('node:zlib');
    const pixels = (png: Buffer) => Array.from(inflateSync(png.subarray(41, 41 + png.readUInt32BE(33)))).slice(1);
    expect(global.map(pixels)).toEqual([
      [0, 85],
      [170, 255],
    ]);
    expect(perImage.map(pixels)).toEqual([
      [0, 255],
      [0, 255],
    ]);
  });

  it('rejects grids that do not fit', async () => {
    const images = tensor(new Float32Array(5 * 4), [5, 4]);
    await expect(imageGrid(images, { rows: 2, cols: 2, width: 2, height: 2 })).rejects.toThrow(
      'field images: more images than grid cells; expected at most 2 × 2 = 4 images, found 5',
    );
    await expect(imageGrid(images, { rows: 3, cols: 2, width: 3, height: 2 })).rejects.toThrow(
      'field images: image size does not match width × height; expected 3 × 2 = 6 pixels per image, found 4 (shape [5, 4])',
    );
    await expect(imageGrid(images, { rows: 3, cols: 2 })).rejects.toThrow('field height: invalid figure option; expected a positive integer, found undefined');
    await expect(imageGrid(images, { rows: 3, cols: 2, width: 2, height: 2, domain: [1, 0] })).rejects.toThrow(
      'field domain: invalid grey-level domain',
    );
  });
});
