import { ValidationError, describeValue } from '@snn/core';

/** A figure shown in a run report. */
export interface ReportFigure {
  /** Heading above the figure. */
  readonly title: string;
  /** Path of the image relative to the report file, e.g. `"figs/raster.png"`. */
  readonly file: string;
  /** Optional sentence under the figure. */
  readonly caption?: string;
}

/** Contents of a run report. */
export interface ReportContent {
  /** Page title and top heading. */
  readonly title: string;
  /** Key facts of the run (seed, backend, final accuracy, ...), shown as a two-column table in the given order. */
  readonly summary?: Readonly<Record<string, string | number | boolean>>;
  /** Metrics table, one row per entry (e.g. per epoch); the columns are the keys in order of first appearance. */
  readonly metrics?: readonly Readonly<Record<string, string | number | boolean | null | undefined>>[];
  /** Figures, in order. */
  readonly figures?: readonly ReportFigure[];
  /** Free-text note shown under the title (e.g. the command line). */
  readonly note?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @param text - any text
 * @returns the text with `& < > " '` replaced by entities
 * @example
 * ```ts
 * escapeHtml('<script>'); // '&lt;script&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Formats a table value: integers as is, other numbers to 6 significant digits. */
function formatValue(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    if (!Number.isFinite(v)) return String(v);
    return String(Number(v.toPrecision(6)));
  }
  return String(v);
}

const WORDS: Readonly<Record<string, string>> = { acc: 'accuracy', val: 'validation', lr: 'learning rate', mib: 'MiB', rss: 'RSS', s: 's', fc1: 'fc1' };

/**
 * A metric key as words: `trainAccuracy` and `train_acc` both read `train accuracy`, `val_loss`
 * reads `validation loss`, `peakRssMiB` reads `peak RSS MiB`.
 *
 * @param key - a metrics or summary key
 */
export function readableKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_\s]+/)
    .filter((w) => w.length > 0)
    .map((w) => WORDS[w.toLowerCase()] ?? w.toLowerCase());
  return words.join(' ');
}

/** True for keys whose values are accuracies stored as fractions (shown in %). */
function isAccuracy(key: string): boolean {
  return /(^|_)acc$|accuracy/i.test(key.replace(/([a-z])([A-Z])/g, '$1_$2'));
}

function formatCell(key: string, v: string | number | boolean | null | undefined): string {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1 && isAccuracy(key)) return `${(100 * v).toFixed(2)} %`;
  return formatValue(v);
}

function checkRelativePath(file: unknown, field: string): string {
  const ok =
    typeof file === 'string' &&
    file.length > 0 &&
    !file.startsWith('/') &&
    !file.startsWith('\\') &&
    !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(file) &&
    !file.split(/[\\/]/).includes('..');
  if (!ok) {
    throw new ValidationError('figure path must be relative to the report', {
      field,
      expected: 'a relative path inside the run directory, e.g. "figs/raster.png"',
      found: describeValue(file),
    });
  }
  return file;
}

const STYLE = `
body { font-family: Helvetica, Arial, "DejaVu Sans", sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; margin-bottom: 0.3rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
p.note { color: #555; font-family: monospace; white-space: pre-wrap; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.9rem; }
div.scroll { overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f4f4f4; }
figure { margin: 1rem 0 2rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9rem; margin-top: 0.3rem; }
`;

/**
 * Renders a self-contained one-page HTML report of a run: title, summary
 * table, metrics table and figures.
 *
 * @remarks
 * All text (title, keys, values, captions) is HTML-escaped. Styles are
 * inline; the only outside references are the figure images, given as paths
 * relative to the report (so the run directory can be moved or zipped as a
 * whole). Absolute paths, `..` segments and URLs are rejected.
 *
 * @param content - title, `summary`, `metrics` rows, `figures`, `note`
 * @returns the HTML document
 * @throws ValidationError for a missing title or a figure path that is not relative
 * @example
 * ```ts
 * const html = renderReport({
 *   title: 'neurospike run',
 *   summary: { seed: 42, testAccuracy: 0.9712 },
 *   metrics: [{ epoch: 1, loss: 0.41 }, { epoch: 2, loss: 0.22 }],
 *   figures: [{ title: 'Spike raster', file: 'figs/raster.png' }],
 * });
 * html.includes('<img src="figs/raster.png"'); // true
 * ```
 */
export function renderReport(content: ReportContent): string {
  if (!content || typeof content.title !== 'string' || content.title.length === 0) {
    throw new ValidationError('report needs a title', { field: 'title', expected: 'a non-empty string', found: describeValue(content?.title) });
  }
  const parts: string[] = [];
  parts.push('<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">');
  parts.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  parts.push(`<title>${escapeHtml(content.title)}</title>`, `<style>${STYLE}</style>`, '</head>', '<body>');
  parts.push(`<h1>${escapeHtml(content.title)}</h1>`);
  if (content.note) parts.push(`<p class="note">${escapeHtml(content.note)}</p>`);
  const summary = content.summary ? Object.entries(content.summary) : [];
  if (summary.length > 0) {
    parts.push('<h2>Summary</h2>', '<table class="summary">');
    for (const [key, value] of summary) {
      const cls = typeof value === 'number' ? ' class="num"' : '';
      parts.push(`<tr><th title="${escapeHtml(key)}">${escapeHtml(readableKey(key))}</th><td${cls}>${escapeHtml(formatCell(key, value))}</td></tr>`);
    }
    parts.push('</table>');
  }
  const rows = content.metrics ?? [];
  if (rows.length > 0) {
    const columns: string[] = [];
    for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
    parts.push('<h2>Metrics</h2>', '<div class="scroll">', '<table class="metrics">');
    parts.push(`<thead><tr>${columns.map((c) => `<th title="${escapeHtml(c)}">${escapeHtml(readableKey(c))}</th>`).join('')}</tr></thead>`, '<tbody>');
    for (const row of rows) {
      const cells = columns.map((c) => {
        const v = row[c];
        return `<td${typeof v === 'number' ? ' class="num"' : ''}>${escapeHtml(formatCell(c, v))}</td>`;
      });
      parts.push(`<tr>${cells.join('')}</tr>`);
    }
    parts.push('</tbody>', '</table>', '</div>');
  }
  const figures = content.figures ?? [];
  if (figures.length > 0) {
    parts.push('<h2>Figures</h2>');
    figures.forEach((fig, i) => {
      const file = checkRelativePath(fig?.file, `figures[${i}].file`);
      const src = escapeHtml(encodeURI(file.replace(/\\/g, '/')));
      parts.push('<figure>', `<h3>${escapeHtml(fig.title ?? '')}</h3>`, `<img src="${src}" alt="${escapeHtml(fig.title ?? '')}">`);
      if (fig.caption) parts.push(`<figcaption>${escapeHtml(fig.caption)}</figcaption>`);
      parts.push('</figure>');
    });
  }
  parts.push('</body>', '</html>', '');
  return parts.join('\n');
}
