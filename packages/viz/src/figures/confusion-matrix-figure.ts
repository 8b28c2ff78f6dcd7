import { ShapeError, ValidationError, describeValue } from '@snn/core';
import type { TopLevelSpec } from 'vega-lite';
import type { Figure } from '../api.js';
import { renderVegaLite } from '../render/render.js';
import { positiveOr } from '../validation/validation.js';

/** Options of {@link confusionMatrixFigure}. */
export interface ConfusionMatrixFigureOptions {
  /** Title drawn above the matrix; default "Confusion matrix". */
  readonly title?: string;
  /** Side of one cell in CSS pixels; default 36. */
  readonly cellSize?: number;
}

/**
 * Confusion matrix heatmap: true class down, predicted class across, each
 * cell coloured by its count and labelled with it.
 *
 * @param matrix - row-major `[C × C]` counts, `matrix[y · C + ŷ]` (as `confusionMatrix` of `@snn/readout` returns)
 * @param numClasses - C
 * @param labels - class names (default "0" … "C−1")
 * @param options - `title`, `cellSize` (default 36)
 * @returns the rendered figure
 * @throws ShapeError when `matrix` does not hold C·C values or `labels` not C names; ValidationError for a negative or non-finite count
 * @example
 * ```ts
 * const fig = await confusionMatrixFigure([5, 1, 0, 4], 2, ['cat', 'dog']);
 * fig.svg.includes('dog'); // true
 * ```
 */
export async function confusionMatrixFigure(
  matrix: ArrayLike<number>,
  numClasses: number,
  labels?: readonly string[],
  options: ConfusionMatrixFigureOptions = {},
): Promise<Figure> {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ValidationError('invalid number of classes', { field: 'numClasses', expected: 'a positive integer', found: describeValue(numClasses) });
  }
  const C = numClasses;
  if (!matrix || matrix.length !== C * C) {
    throw new ShapeError('confusion matrix size does not match the number of classes', {
      field: 'matrix',
      expected: `${C * C} counts (${C} × ${C})`,
      found: `${matrix?.length}`,
    });
  }
  const names = labels ? [...labels] : Array.from({ length: C }, (_, i) => String(i));
  if (names.length !== C) {
    throw new ShapeError('wrong number of class labels', { field: 'labels', expected: `${C} labels`, found: `${names.length}` });
  }
  if (new Set(names).size !== C) {
    throw new ValidationError('duplicate class labels', { field: 'labels', expected: 'distinct names', found: describeValue(names) });
  }
  let max = 0;
  const values: Array<{ actual: string; predicted: string; count: number }> = [];
  for (let y = 0; y < C; y++) {
    for (let p = 0; p < C; p++) {
      const count = matrix[y * C + p];
      if (!Number.isFinite(count) || count < 0) {
        throw new ValidationError('invalid count', { field: `matrix[${y}, ${p}]`, expected: 'a finite number >= 0', found: describeValue(count) });
      }
      max = Math.max(max, count);
      values.push({ actual: names[y], predicted: names[p], count });
    }
  }
  const cell = positiveOr(options.cellSize, 36, 'cellSize');
  const axis = (title: string) => ({ field: title === 'true class' ? 'actual' : 'predicted', type: 'ordinal', sort: names, title });
  const spec = {
    title: options.title ?? 'Confusion matrix',
    width: cell * C,
    height: cell * C,
    data: { values },
    encoding: { x: { ...axis('predicted class'), axis: { orient: 'top', labelAngle: 0 } }, y: axis('true class') },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
        encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues', domain: [0, Math.max(1, max)] }, title: 'count' } },
      },
      {
        mark: { type: 'text', fontSize: Math.max(8, Math.min(13, cell / 3)) },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: `datum.count > ${max / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
    config: { axis: { grid: false } },
  } as unknown as TopLevelSpec;
  return renderVegaLite(spec);
}
