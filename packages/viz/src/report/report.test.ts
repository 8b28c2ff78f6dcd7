import { describe, expect, it } from 'vitest';
import { escapeHtml, renderReport } from './report.js';

describe('renderReport', () => {
  const html = renderReport({
    title: 'Run <script>alert(1)</script>',
    note: 'snn train --config "a&b.yaml"',
    summary: { seed: 42, backend: 'webasm', testAccuracy: 0.971234567, '<b>': "it's" },
    metrics: [
      { epoch: 1, loss: 0.5, acc: 0.8 },
      { epoch: 2, loss: 0.25, lr: 0.001 },
    ],
    figures: [
      { title: 'Raster <1>', file: 'figs/spike raster.png', caption: 'sample 0' },
      { title: 'Curves', file: 'figs/curves.png' },
    ],
  });

  it('escapes every piece of text', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('<title>Run &lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(html).toContain('<h1>Run &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(html).toContain('snn train --config &quot;a&amp;b.yaml&quot;');
    expect(html).toContain('<th title="&lt;b&gt;">&lt;b&gt;</th><td>it&#39;s</td>');
    expect(html).toContain('<h3>Raster &lt;1&gt;</h3>');
  });

  it('lays out summary, metrics (union of columns) and figures with relative paths', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<tr><th title="seed">seed</th><td class="num">42</td></tr>');
    // Accuracies (fractions) read as percentages, keys as words, the raw key in the title.
    expect(html).toContain('<tr><th title="testAccuracy">test accuracy</th><td class="num">97.12 %</td></tr>');
    expect(html).toContain('<thead><tr><th title="epoch">epoch</th><th title="loss">loss</th><th title="acc">accuracy</th><th title="lr">learning rate</th></tr></thead>');
    // The metrics table scrolls inside the page instead of widening it.
    expect(html).toContain('<div class="scroll">\n<table class="metrics">');
    expect(html).toContain('<tr><td class="num">2</td><td class="num">0.25</td><td></td><td class="num">0.001</td></tr>');
    expect(html).toContain('<img src="figs/spike%20raster.png" alt="Raster &lt;1&gt;">');
    expect(html).toContain('<figcaption>sample 0</figcaption>');
    expect(html).not.toMatch(/https?:|<link|<script/);
  });

  it('rejects figure paths that leave the run directory and a missing title', () => {
    for (const file of ['/etc/passwd', '../other/run.png', 'javascript:alert(1)', 'https://example.com/x.png', 'C:\\x.png', '']) {
      expect(() => renderReport({ title: 't', figures: [{ title: 'x', file }] })).toThrow('field figures[0].file: figure path must be relative to the report');
    }
    expect(() => renderReport({ title: '' })).toThrow('field title: report needs a title; expected a non-empty string, found ""');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
