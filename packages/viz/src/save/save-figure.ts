import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Figure } from '../api.js';
import { toPng } from '../png/to-png.js';
import type { PngOptions } from '../png/to-png.js';

/** Where {@link saveFigure} wrote a figure. */
export interface SavedFigure {
  /** Path of the .svg file. */
  readonly svgPath: string;
  /** Path of the .png file. */
  readonly pngPath: string;
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Writes a figure as `<path>.svg` and `<path>.png`, creating the folder.
 *
 * @remarks
 * A trailing `.svg` or `.png` on `path` is dropped first, so
 * `saveFigure('figs/raster.png', fig)` writes `figs/raster.svg` and
 * `figs/raster.png`. Each file is written to a temporary name and renamed, so
 * a crash never leaves a half-written figure.
 *
 * @param path - target path without extension (or with .svg/.png)
 * @param figure - a rendered {@link Figure}
 * @param options - PNG options for {@link toPng}
 * @returns the two paths written
 * @example
 * ```ts
 * const fig = await spikeRaster(tensor([1, 0, 0, 1], [2, 2]));
 * const { svgPath, pngPath } = saveFigure(join(runDir, 'figs', 'raster'), fig);
 * // svgPath = <runDir>/figs/raster.svg, pngPath = <runDir>/figs/raster.png
 * ```
 */
export function saveFigure(path: string, figure: Figure, options: PngOptions = {}): SavedFigure {
  const base = path.replace(/\.(svg|png)$/i, '');
  mkdirSync(dirname(base), { recursive: true });
  const svgPath = `${base}.svg`;
  const pngPath = `${base}.png`;
  writeAtomic(svgPath, figure.svg);
  writeAtomic(pngPath, toPng(figure.svg, options));
  return { svgPath, pngPath };
}
