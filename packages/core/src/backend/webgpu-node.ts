import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebGpuLoader } from './webgpu.js';

/**
 * Finds `node_modules/<name>/package.json` the way Node's ESM resolver looks
 * for a bare specifier: in every parent directory of this module. (CommonJS
 * resolution would also search NODE_PATH, which pnpm sets for its scripts and
 * which then finds gpu.js's own, unusable webgpu 0.2.9 that `import()` never sees.)
 */
function findPackageManifest(name: string, from: string): string | null {
  let dir = dirname(from);
  for (;;) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Finds the user-installed `webgpu` package next to `@snn/core` and imports it (Node only). */
export const nodeWebGpuLoader: WebGpuLoader = {
  installedVersion(): string | null {
    const manifestPath = findPackageManifest('webgpu', fileURLToPath(import.meta.url));
    if (manifestPath === null) return null;
    try {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version?: unknown };
      return typeof manifest.version === 'string' ? manifest.version : 'unknown';
    } catch {
      return 'unknown';
    }
  },
  importModule(): Promise<unknown> {
    // A variable specifier keeps bundlers and the type checker from resolving
    // the optional, user-installed `webgpu` package at build time.
    const specifier = 'webgpu';
    return import(specifier);
  },
};

