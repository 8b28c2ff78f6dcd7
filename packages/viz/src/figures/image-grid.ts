import { ShapeError, ValidationError, describeValue } from '@snn/core';
import type { Tensor } from '@snn/core';
import type { TopLevelSpec } from 'vega-lite';
import type { Figure } from '../api.js';
import { encodeGreyPng } from '../png/grey-png.js';
import { renderVegaLite } from '../render/render.js';
import { checkFiniteValues, checkTensor, positiveIntegerOr, positiveOr } from '../validation/validation.js';

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** Number of rows of the grid. */
  readonly rows: number;
  /** Number of columns of the grid. */
  readonly cols: number;
  /** Image width in pixels; required for flat images `[N, H·W]`, taken from `[N, H, W]` otherwise. */
  readonly width?: number;
  /** Image height in pixels; required for flat images `[N, H·W]`, taken from `[N, H, W]` otherwise. */
  readonly height?: number;
  /**
   * Grey-level scaling: `'global'` (default) maps the smallest value of all
   * images to black and the largest to white; `'per-image'` does so for each
   * image on its own (the usual choice for receptive fields).
   */
  readonly normalize?: 'global' | 'per-image';
  /** Fixed value range `[black, white]` instead of the data's minimum and maximum (with `'global'`); values outside are clamped. */
  readonly domain?: readonly [number, number];
  /** Captions drawn above the images, one per image. */
  readonly titles?: readonly string[];
  /** Title drawn above the grid; default none. */
  readonly title?: string;
  /** CSS pixels per image pixel; default 4. */
  readonly pixelSize?: number;
}

/**
 * A grid of grey-scale images (digits, filters, receptive fields), black =
 * low, white = high.
 *
 * @remarks
 * Image `k` goes to row `floor(k / cols)`, column `k mod cols`, row by row.
 * Grey level `g = (x − lo) / (hi − lo)` clamped to [0, 1], where `[lo, hi]`
 * is `domain`, or the minimum and maximum of all images (`'global'`) or of
 * each image (`'per-image'`); a constant image is drawn black. Each image is
 * embedded as an 8-bit grey PNG (a data URL) drawn with sharp pixels, so even
 * hundreds of receptive fields stay a small SVG.
 *
 * @param images - `[N, H, W]`, or `[N, H·W]` with `width` and `height`
 * @param options - `rows`, `cols`, image `width`/`height`, `normalize`, `domain`, `titles`, `title`, `pixelSize` (default 4)
 * @returns the rendered figure
 * @throws ShapeError when the images do not fit the grid or their size; ValidationError for a bad option or non-finite value
 * @example
 * ```ts
 * const fig = await imageGrid(tensor([0, 1, 1, 0, 1, 0, 0, 1], [2, 2, 2]), { rows: 1, cols: 2 });
 * fig.width > 0; // true
 * ```
 */
export async function imageGrid(images: Tensor, options: ImageGridOptions): Promise<Figure> {
  checkTensor(images, 'images');
  if (!options || typeof options !== 'object') {
    throw new ValidationError('missing image grid options', { field: 'options', expected: '{ rows, cols, ... }', found: describeValue(options) });
  }
  const rows = positiveIntegerOr(options.rows, undefined, 'rows');
  const cols = positiveIntegerOr(options.cols, undefined, 'cols');
  const shape = images.shape;
  if (shape.length !== 2 && shape.length !== 3) {
    throw new ShapeError('image grid needs [N, H, W] or [N, H·W]', { field: 'images', expected: '[N, H, W] or [N, H·W]', found: `[${shape.join(', ')}]` });
  }
  const count = shape[0];
  const h = shape.length === 3 ? positiveIntegerOr(options.height, shape[1], 'height') : positiveIntegerOr(options.height, undefined, 'height');
  const w = shape.length === 3 ? positiveIntegerOr(options.width, shape[2], 'width') : positiveIntegerOr(options.width, undefined, 'width');
  const pixels = shape.length === 3 ? shape[1] * shape[2] : shape[1];
  if (w * h !== pixels) {
    throw new ShapeError('image size does not match width × height', {
      field: 'images',
      expected: `${w} × ${h} = ${w * h} pixels per image`,
      found: `${pixels} (shape [${shape.join(', ')}])`,
    });
  }
  if (count > rows * cols) {
    throw new ShapeError('more images than grid cells', { field: 'images', expected: `at most ${rows} × ${cols} = ${rows * cols} images`, found: `${count}` });
  }
  if (count === 0) {
    throw new ShapeError('no images', { field: 'images', expected: 'at least one image', found: '0' });
  }
  checkFiniteValues(images.data, 'images', shape);
  const normalize = options.normalize ?? 'global';
  if (normalize !== 'global' && normalize !== 'per-image') {
    throw new ValidationError('invalid normalization', { field: 'normalize', expected: '"global" or "per-image"', found: describeValue(normalize) });
  }
  const domain = options.domain;
  if (domain !== undefined && !(Array.isArray(domain) && domain.length === 2 && Number.isFinite(domain[0]) && Number.isFinite(domain[1]) && domain[0] < domain[1])) {
    throw new ValidationError('invalid grey-level domain', { field: 'domain', expected: '[low, high] with low < high', found: describeValue(domain) });
  }
  const titles = options.titles;
  if (titles !== undefined && titles.length !== count) {
    throw new ShapeError('wrong number of image titles', { field: 'titles', expected: `${count} titles`, found: `${titles.length}` });
  }
  const pixelSize = positiveOr(options.pixelSize, 4, 'pixelSize');
  const gap = Math.max(1, Math.round(Math.max(w, h) / 14));
  const captionSpace = titles ? Math.max(3, Math.ceil(12 / pixelSize) + 1) : 0;
  const cellW = w + gap;
  const cellH = h + gap + captionSpace;
  const totalW = cols * cellW - gap;
  const totalH = rows * cellH - gap;

  const range = (start: number, end: number): [number, number] => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = start; i < end; i++) {
      lo = Math.min(lo, images.data[i]);
      hi = Math.max(hi, images.data[i]);
    }
    return [lo, hi];
  };
  const globalRange: [number, number] = domain ? [domain[0], domain[1]] : range(0, images.data.length);
  const tiles: Array<{ x: number; y: number; url: string }> = [];
  const captions: Array<{ x: number; y: number; text: string }> = [];
  const grey = new Uint8Array(pixels);
  for (let k = 0; k < count; k++) {
    const left = (k % cols) * cellW;
    const top = Math.floor(k / cols) * cellH + captionSpace;
    if (titles) captions.push({ x: left + w / 2, y: top - 0.6, text: titles[k] });
    const [lo, hi] = normalize === 'per-image' && !domain ? range(k * pixels, (k + 1) * pixels) : globalRange;
    const span = hi - lo;
    for (let i = 0; i < pixels; i++) {
      const g = span > 0 ? Math.min(1, Math.max(0, (images.data[k * pixels + i] - lo) / span)) : 0;
      grey[i] = Math.round(255 * g);
    }
    tiles.push({ x: left, y: top, url: `data:image/png;base64,${Buffer.from(encodeGreyPng(w, h, grey)).toString('base64')}` });
  }
  const scales = {
    x: { scale: { domain: [0, totalW], nice: false, zero: false }, axis: null },
    y: { scale: { domain: [0, totalH], nice: false, zero: false, reverse: true }, axis: null },
  };
  const layer: unknown[] = [
    {
      data: { values: tiles },
      mark: { type: 'image', width: w * pixelSize, height: h * pixelSize, align: 'left', baseline: 'top', smooth: false, aspect: false, aria: false },
      encoding: {
        x: { field: 'x', type: 'quantitative', ...scales.x },
        y: { field: 'y', type: 'quantitative', ...scales.y },
        url: { field: 'url', type: 'nominal' },
      },
    },
  ];
  if (titles) {
    layer.push({
      data: { values: captions },
      mark: { type: 'text', baseline: 'bottom', align: 'center', fontSize: 10, color: '#222' },
      encoding: {
        x: { field: 'x', type: 'quantitative', ...scales.x },
        y: { field: 'y', type: 'quantitative', ...scales.y },
        text: { field: 'text' },
      },
    });
  }
  const spec = {
    ...(options.title ? { title: options.title } : {}),
    width: totalW * pixelSize,
    height: totalH * pixelSize,
    layer,
    config: { view: { stroke: null } },
  } as unknown as TopLevelSpec;
  const figure = await renderVegaLite(spec);
  // vega writes `optimizeSpeed; pixelated`; resvg knows only the first, and the last one wins:
  // swap them so that both resvg and browsers draw the pixels as sharp squares.
  return { ...figure, svg: figure.svg.replaceAll(PIXELATED_VEGA, PIXELATED_SWAPPED) };
}

const PIXELATED_VEGA = 'image-rendering: optimizeSpeed; image-rendering: pixelated;';
const PIXELATED_SWAPPED = 'image-rendering: pixelated; image-rendering: optimizeSpeed;';
