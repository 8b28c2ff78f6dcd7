/**
 * `@snn/viz/node`: PNG rendering through resvg's native Node addon, and
 * saving figures to files. The figures themselves (Vega-Lite specs rendered
 * to SVG) and the HTML report are in the main entry, which also runs in a
 * browser.
 *
 * @packageDocumentation
 */
export { toPng } from './png/to-png.js';
export type { PngOptions } from './png/to-png.js';
export { saveFigure } from './save/save-figure.js';
export type { SavedFigure } from './save/save-figure.js';
