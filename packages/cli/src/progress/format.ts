/** A value shown after the counts on a progress line: numbers are shortened, strings shown as they are. */
export type ProgressValue = number | string;

/**
 * A number with at most 4 significant digits, without trailing zeros (`0.4123` -> `0.4123`,
 * `0.41` -> `0.41`, `1234.5` -> `1235`, `1e-7` -> `1e-7`).
 *
 * @param value - the number
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e6) {
    if (abs >= 1000) return String(Math.round(value));
    return String(Number(value.toPrecision(4)));
  }
  const [mantissa, exponent] = value.toExponential(3).split('e');
  return `${Number(mantissa)}e${Number(exponent)}`;
}

/**
 * A fraction as a percentage with one decimal: `percent(0.9123)` -> `"91.2%"`.
 *
 * @param fraction - value in [0, 1] (others are shown as they scale)
 * @example
 * ```ts
 * progress.update(1200, { loss: 0.41, acc: percent(0.912) }); // … loss 0.41 acc 91.2% …
 * ```
 */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/**
 * `key value` pairs joined by spaces, e.g. `loss 0.41 acc 91.2%`.
 *
 * @param values - name -> value
 */
export function formatValues(values: Readonly<Record<string, ProgressValue>>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key} ${typeof value === 'number' ? formatNumber(value) : value}`)
    .join(' ');
}

/**
 * A throughput, e.g. `850 img/s`: whole numbers from 100 up, 3 significant digits below.
 *
 * @param perSecond - items per second
 * @param unit - item name, e.g. `img`
 */
export function formatRate(perSecond: number, unit: string): string {
  const text = perSecond >= 100 ? String(Math.round(perSecond)) : String(Number(perSecond.toPrecision(3)));
  return `${text} ${unit}/s`;
}
