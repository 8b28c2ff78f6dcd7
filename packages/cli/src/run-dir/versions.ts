import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Software versions recorded in a run manifest. */
export interface VersionInfo {
  /** Node.js version, e.g. `v20.19.0`. */
  readonly node: string;
  /** `process.platform`, e.g. `linux`. */
  readonly platform: string;
  /** `process.arch`, e.g. `x64`. */
  readonly arch: string;
  /** Installed packages of the scope, name -> version, sorted by name (e.g. `{"@snn/core": "0.1.0"}`). */
  readonly packages: Readonly<Record<string, string>>;
}

/** Options of {@link collectVersions}. */
export interface CollectVersionsOptions {
  /**
   * Where to start looking: directories, files or `file:` URLs (e.g. the app's `import.meta.url`).
   * Each one and its ancestors are searched. Default: this package's location and the working directory.
   */
  readonly from?: readonly string[];
  /** Package scope to collect; default `@snn`. */
  readonly scope?: string;
}

function readPackage(path: string): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
}

function startDir(from: string): string {
  const path = from.startsWith('file:') ? fileURLToPath(from) : resolve(from);
  try {
    return statSync(path).isDirectory() ? path : dirname(path);
  } catch {
    return dirname(path);
  }
}

/**
 * Collects the versions of the installed packages of a scope (default `@snn`) plus Node.js,
 * platform and architecture, for the run manifest.
 *
 * @remarks
 * From each start location up to the file-system root, it reads every
 * `node_modules/<scope>/<pkg>/package.json` and every `package.json` whose name is in the scope
 * (the app or package itself). The first version found for a name wins (the nearest install).
 *
 * @param options - start locations and scope
 * @example
 * ```ts
 * const versions = collectVersions({ from: [import.meta.url] });
 * versions.packages['@snn/core']; // '0.1.0'
 * ```
 */
export function collectVersions(options: CollectVersionsOptions = {}): VersionInfo {
  const scope = options.scope ?? '@snn';
  const starts = options.from ?? [fileURLToPath(import.meta.url), process.cwd()];
  const found = new Map<string, string>();
  const record = (pkg: { name?: string; version?: string } | undefined): void => {
    if (pkg?.name?.startsWith(`${scope}/`) && typeof pkg.version === 'string' && !found.has(pkg.name)) {
      found.set(pkg.name, pkg.version);
    }
  };
  for (const start of starts) {
    let dir = startDir(start);
    for (;;) {
      record(readPackage(join(dir, 'package.json')));
      const scopeDir = join(dir, 'node_modules', scope);
      if (existsSync(scopeDir)) {
        for (const entry of readdirSync(scopeDir).sort()) record(readPackage(join(scopeDir, entry, 'package.json')));
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  const packages: Record<string, string> = {};
  for (const name of [...found.keys()].sort()) packages[name] = found.get(name)!;
  return { node: process.version, platform: process.platform, arch: process.arch, packages };
}
