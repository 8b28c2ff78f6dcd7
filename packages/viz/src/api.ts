import type { TopLevelSpec } from 'vega-lite';

/** A rendered figure: its SVG markup, its size, and the Vega-Lite spec it came from. */
export interface Figure {
  /** Complete standalone SVG document (white background). */
  readonly svg: string;
  /** Width of the SVG in CSS pixels. */
  readonly width: number;
  /** Height of the SVG in CSS pixels. */
  readonly height: number;
  /** The Vega-Lite spec that was rendered (with data inlined), e.g. to save next to the figure. */
  readonly spec: TopLevelSpec;
}

/** Size and title options shared by the figure builders. */
export interface FigureOptions {
  /** Title drawn above the plot; each builder has its own default. */
  readonly title?: string;
  /** Width of the plotting area in CSS pixels (axes and legends come on top). */
  readonly width?: number;
  /** Height of the plotting area in CSS pixels. */
  readonly height?: number;
}
