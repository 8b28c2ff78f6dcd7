// Bundles the entry of every @snn package (except @snn/cli, which is Node-only
// tooling) for the browser with esbuild, no shims: a Node built-in anywhere in
// the import graph is a "Could not resolve" error.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const packagesDir = resolve(here, '../../../packages');

/** Names of the packages whose main entry must bundle for the browser. */
export function browserPackages() {
  return readdirSync(packagesDir)
    .map((dir) => JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')).name)
    .filter((name) => name !== '@snn/cli')
    .sort();
}

/**
 * Bundles `import * as m from name` for the browser.
 * @returns {{ok: boolean, errors: string[], bytes: number, inputs: string[]}}
 */
export async function bundleForBrowser(name) {
  try {
    const result = await build({
      stdin: { contents: `import * as m from ${JSON.stringify(name)}; globalThis.snnExports = Object.keys(m);`, resolveDir: resolve(here, '..'), loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    return { ok: true, errors: [], bytes: result.outputFiles[0].contents.length, inputs: Object.keys(result.metafile.inputs) };
  } catch (error) {
    const errors = (error.errors ?? [{ text: String(error) }]).map(
      (e) => `${e.text}${e.location ? ` (${e.location.file}:${e.location.line})` : ''}`,
    );
    return { ok: false, errors, bytes: 0, inputs: [] };
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const name of browserPackages()) {
    const r = await bundleForBrowser(name);
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${name} ${r.ok ? `${(r.bytes / 1024).toFixed(0)} KiB` : ''}`);
    for (const e of r.errors) console.log(`     ${e}`);
  }
}
