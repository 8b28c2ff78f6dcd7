import { ValidationError } from '@snn/core';
import { inflateSync } from 'node:zlib';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { crc32, encodeGreyPng } from '../png/grey-png.js';
import { toPng } from '../png/to-png.js';
import { PNG_SIGNATURE, countOf, pngSize } from '../test-helpers.js';
import { FIGURE_FONT, renderVegaLite } from './render.js';

const lineSpec: TopLevelSpec = {
  title: 'Two points',
  width: 200,
  height: 100,
  data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
  mark: { type: 'point' },
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
};

describe('renderVegaLite / toPng', () => {
  it('renders an SVG with the marks, title and font, then a PNG of scale × its size', async () => {
    const fig = await renderVegaLite(lineSpec);
    expect(fig.svg.startsWith('<svg')).toBe(true);
    expect(fig.svg).toContain('Two points');
    expect(countOf(fig.svg, 'aria-roledescription="point"')).toBe(2);
    expect(fig.svg).toContain('font-family="Helvetica, Arial, &quot;DejaVu Sans&quot;, sans-serif"');
    expect(FIGURE_FONT).toContain('DejaVu Sans');
    expect(fig.width).toBeGreaterThan(200);
    expect(fig.height).toBeGreaterThan(100);
    const png = toPng(fig.svg);
    expect(Array.from(png.slice(0, 8))).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: Math.round(2 * fig.width), height: Math.round(2 * fig.height) });
    expect(pngSize(toPng(fig.svg, { scale: 1 }))).toEqual({ width: fig.width, height: fig.height });
  });

  it('wraps vega-lite errors and rejects bad PNG input', async () => {
    const bad = { data: { values: [] }, mark: 'nonsense' } as unknown as TopLevelSpec;
    await expect(renderVegaLite(bad)).rejects.toThrow(ValidationError);
    await expect(renderVegaLite(bad)).rejects.toThrow('field spec: cannot render the figure spec; expected a valid Vega-Lite spec');
    expect(() => toPng('hello')).toThrow('field svg: not an SVG document; expected an SVG string, found "hello"');
    expect(() => toPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', { scale: 0 })).toThrow(
      'field scale: invalid figure option; expected a finite number > 0, found 0',
    );
  });
});

describe('encodeGreyPng', () => {
  it('writes IHDR, filtered rows and valid CRCs', () => {
    const grey = Uint8Array.from([0, 64, 128, 255, 10, 20]);
    const png = encodeGreyPng(3, 2, grey);
    expect(Array.from(png.slice(0, 8))).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 3, height: 2 });
    expect(png[24]).toBe(8); // bit depth
    expect(png[25]).toBe(0); // grey
    const view = new DataView(png.buffer, png.byteOffset);
    // IHDR CRC covers type + data (bytes 12..29)
    expect(view.getUint32(29)).toBe(crc32(png.subarray(12, 29)));
    const idatLength = view.getUint32(33);
    expect(String.fromCharCode(...png.subarray(37, 41))).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(Array.from(raw)).toEqual([0, 0, 64, 128, 0, 255, 10, 20]);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926); // the standard check value
  });
});
