import { ValidationError, describeValue } from '@snn/core';
import { Resvg } from '@resvg/resvg-js';
import { positiveOr } from '../validation/validation.js';

/** Options of {@link toPng}. */
export interface PngOptions {
  /** Pixels per CSS pixel of the SVG (> 0); default 2 (sharp on high-density screens and in print). */
  readonly scale?: number;
  /** Family used for generic `sans-serif` text and as the fallback when no listed family is installed; default `"DejaVu Sans"`. */
  readonly fontFamily?: string;
  /** Extra font files (.ttf/.otf) to load in addition to the system fonts, e.g. for a machine without fonts. */
  readonly fontFiles?: readonly string[];
}

/**
 * Rasterises an SVG (e.g. `Figure.svg`) to PNG bytes with resvg.
 *
 * @remarks
 * Text is drawn with the system fonts (`loadSystemFonts`); generic
 * `sans-serif` and any family that is not installed fall back to
 * `fontFamily`. The PNG is `round(scale · width) × round(scale · height)`
 * pixels.
 *
 * @param svg - a standalone SVG document
 * @param options - `scale` (default 2), `fontFamily`, `fontFiles`
 * @returns PNG file bytes
 * @throws ValidationError for an empty or unparsable SVG or a bad option
 * @example
 * ```ts
 * const png = toPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"/>', { scale: 1 });
 * png[1] === 0x50; // true: "PNG"
 * ```
 */
export function toPng(svg: string, options: PngOptions = {}): Uint8Array {
  if (typeof svg !== 'string' || !svg.includes('<svg')) {
    throw new ValidationError('not an SVG document', { field: 'svg', expected: 'an SVG string', found: describeValue(typeof svg === 'string' ? svg.slice(0, 40) : svg) });
  }
  const scale = positiveOr(options.scale, 2, 'scale');
  const family = options.fontFamily ?? 'DejaVu Sans';
  try {
    const resvg = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: scale },
      font: {
        loadSystemFonts: true,
        fontFiles: options.fontFiles ? [...options.fontFiles] : undefined,
        defaultFontFamily: family,
        sansSerifFamily: family,
      },
    });
    const png = resvg.render().asPng();
    return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
  } catch (cause) {
    throw new ValidationError('cannot rasterise the SVG', {
      field: 'svg',
      expected: 'a valid SVG document',
      found: describeValue(cause instanceof Error ? cause.message : cause),
      cause,
    });
  }
}
