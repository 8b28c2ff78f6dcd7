// Every @snn package but @snn/cli bundles for the browser with no shims: esbuild
// --platform=browser fails on any Node built-in anywhere in the import graph.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper shared with the command line (node test/bundle-packages.mjs)
import { browserPackages, bundleForBrowser } from './bundle-packages.mjs';

const NODE_BUILTIN = /^(node:)?(fs|path|url|crypto|module|worker_threads|zlib|os|child_process|util|stream|events|buffer|process|perf_hooks|v8)(\/|$)/;

describe('browser bundle of every package entry (esbuild --platform=browser, no shims)', () => {
  const names: string[] = browserPackages();

  it('covers the eight browser packages', () => {
    expect(names).toEqual(['@snn/baselines', '@snn/core', '@snn/datasets', '@snn/encoding', '@snn/learning', '@snn/neurons', '@snn/readout', '@snn/viz']);
  });

  for (const name of names) {
    it(`${name} bundles with no Node built-in`, async () => {
      const result = await bundleForBrowser(name);
      expect(result.errors).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.inputs.filter((input: string) => NODE_BUILTIN.test(input))).toEqual([]);
      expect(result.bytes).toBeGreaterThan(1000);
    }, 60_000);
  }
});
