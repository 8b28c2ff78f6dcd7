// The `@example` blocks of the exported TSDoc, run as written (so they stay true).
import { tensor } from '@snn/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { confusionMatrixFigure, escapeHtml, imageGrid, membraneTraces, renderReport, renderVegaLite, spikeRaster, trainingCurves } from './index.js';
import { saveFigure, toPng } from './node.js';

const runDir = mkdtempSync(join(tmpdir(), 'snn-viz-example-'));
afterAll(() => rmSync(runDir, { recursive: true, force: true }));

describe('TSDoc examples', () => {
  it('renderVegaLite, toPng, saveFigure', async () => {
    const fig = await renderVegaLite({
      data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
      mark: 'line',
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
    });
    expect(fig.svg.startsWith('<svg')).toBe(true);
    const png = toPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"/>', { scale: 1 });
    expect(png[1] === 0x50).toBe(true);
    const raster = await spikeRaster(tensor([1, 0, 0, 1], [2, 2]));
    const { svgPath, pngPath } = saveFigure(join(runDir, 'figs', 'raster'), raster);
    expect([svgPath, pngPath]).toEqual([join(runDir, 'figs', 'raster.svg'), join(runDir, 'figs', 'raster.png')]);
  });

  it('figures', async () => {
    expect((await spikeRaster(tensor([1, 0, 0, 1, 1, 1], [3, 2]), { title: 'Input spikes' })).svg.includes('Input spikes')).toBe(true);
    expect((await membraneTraces(tensor([0, 0.1, 0.5, 0.3, 1.1, 0.2], [3, 2]), { threshold: 1 })).svg.includes('threshold')).toBe(true);
    const curves = await trainingCurves([
      { epoch: 1, trainLoss: 0.9, testAcc: 0.81 },
      { epoch: 2, trainLoss: 0.5, testAcc: 0.9 },
    ]);
    expect(curves.svg.includes('accuracy')).toBe(true);
    expect((await confusionMatrixFigure([5, 1, 0, 4], 2, ['cat', 'dog'])).svg.includes('dog')).toBe(true);
    expect((await imageGrid(tensor([0, 1, 1, 0, 1, 0, 0, 1], [2, 2, 2]), { rows: 1, cols: 2 })).width > 0).toBe(true);
  });

  it('renderReport, escapeHtml', () => {
    const html = renderReport({
      title: 'neurospike run',
      summary: { seed: 42, testAccuracy: 0.9712 },
      metrics: [
        { epoch: 1, loss: 0.41 },
        { epoch: 2, loss: 0.22 },
      ],
      figures: [{ title: 'Spike raster', file: 'figs/raster.png' }],
    });
    expect(html.includes('<img src="figs/raster.png"')).toBe(true);
    expect(escapeHtml('<script>')).toBe('&lt;script&gt;');
  });
});
