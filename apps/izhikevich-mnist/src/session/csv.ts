import type { MetricValue } from '@snn/cli';

/**
 * Renders metric records as CSV: one header line with the union of the keys (in first-seen
 * order), one line per record; missing or null values are empty cells.
 *
 * @param records - e.g. one per epoch
 * @returns CSV text ending in a newline (empty string for no records)
 */
export function toCsv(records: readonly Readonly<Record<string, MetricValue>>[]): string {
  if (records.length === 0) return '';
  const keys: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  const cell = (v: MetricValue | undefined): string => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[keys.join(','), ...records.map((r) => keys.map((k) => cell(r[k])).join(','))].join('\n')}\n`;
}
