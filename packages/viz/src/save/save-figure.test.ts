import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Figure } from '../api.js';
import { PNG_SIGNATURE, pngSize } from '../test-helpers.js';
import { saveFigure } from './save-figure.js';

const dir = mkdtempSync(join(tmpdir(), 'snn-viz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const figure: Figure = {
  svg: '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"><rect width="30" height="20" fill="red"/></svg>',
  width: 30,
  height: 20,
  spec: { mark: 'point', data: { values: [] } },
};

describe('saveFigure', () => {
  it('writes .svg and .png side by side, creating folders', () => {
    const saved = saveFigure(join(dir, 'figs', 'raster'), figure);
    expect(saved).toEqual({ svgPath: join(dir, 'figs', 'raster.svg'), pngPath: join(dir, 'figs', 'raster.png') });
    expect(readFileSync(saved.svgPath, 'utf8')).toBe(figure.svg);
    const png = new Uint8Array(readFileSync(saved.pngPath));
    expect(Array.from(png.slice(0, 8))).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 60, height: 40 });
  });

  it('drops a given .png/.svg extension and leaves no temporary files', () => {
    const saved = saveFigure(join(dir, 'curves.png'), figure, { scale: 1 });
    expect(saved.svgPath).toBe(join(dir, 'curves.svg'));
    expect(pngSize(new Uint8Array(readFileSync(saved.pngPath)))).toEqual({ width: 30, height: 20 });
    expect(readdirSync(dir).sort()).toEqual(['curves.png', 'curves.svg', 'figs']);
  });
});
