// Runs the code blocks of the tutorials (docs/tutorials/*.md) as written, so they stay true (SNN_SHOW_TUTORIALS=1 prints their output): the TypeScript
// blocks of one tutorial are joined into one module, its `@snn/*` imports pointed at the packages' sources.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const DIR = join(ROOT, 'docs/tutorials');
const OUT = mkdtempSync(join(tmpdir(), 'snn-tutorials-'));

/** The ```ts blocks of a markdown file, joined, with `@snn/<pkg>` (`@snn/<pkg>/node`) imports pointed at `packages/<pkg>/src/index.ts` (`node.ts`). */
function moduleOf(markdown: string): string {
  const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.join('\n').replace(/from '@snn\/([a-z-]+)(\/node)?'/g, (_, pkg: string, node?: string) => `from '${join(ROOT, 'packages', pkg, node ? 'src/node.ts' : 'src/index.ts')}'`);
}

describe('tutorials', () => {
  afterAll(() => rmSync(OUT, { recursive: true, force: true }));
  const files = readdirSync(DIR).filter((f) => f.endsWith('.md')).sort();

  it('are numbered and each has code', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const [i, f] of files.entries()) expect(f.startsWith(String(i + 1).padStart(2, '0'))).toBe(true);
  });

  for (const file of files) {
    it(`${file} runs`, async () => {
      const source = moduleOf(readFileSync(join(DIR, file), 'utf8'));
      expect(source.length).toBeGreaterThan(0);
      const path = join(OUT, file.replace(/\.md$/, '.ts'));
      writeFileSync(path, source);
      const log: string[] = [];
      const original = console.log;
      console.log = (...args: unknown[]) => log.push(args.map(String).join(' '));
      try {
        await import(/* @vite-ignore */ path);
      } finally {
        console.log = original;
      }
      if (process.env.SNN_SHOW_TUTORIALS) console.log(`${file}\n${log.join("\n")}`);
      expect(log.length).toBeGreaterThan(0);
    }, 60_000);
  }
});
