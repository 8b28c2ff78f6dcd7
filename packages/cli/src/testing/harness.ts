import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppIo } from '../session/session.js';

/**
 * A fresh temporary folder (for a test's runs directory or files).
 *
 * @param prefix - folder name prefix, e.g. `neurospike-test-`
 */
export function tempDir(prefix = 'snn-app-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Paths of an app's shipped files, from a module URL inside the app. */
export interface AppPaths {
  /** The app's root folder (holds `configs/`, `examples/`). */
  readonly root: string;
  /**
   * Path of a shipped config, e.g. `config('tiny')` → `<root>/configs/tiny.yaml`.
   *
   * @param name - file name without `.yaml`
   */
  config(name: string): string;
}

/**
 * The paths of an app whose root is `up` folders above the module `moduleUrl`.
 *
 * @param moduleUrl - `import.meta.url` of a module in the app
 * @param up - relative path from that module's folder to the app root; default `../../` (for `src/testing/*.ts`)
 */
export function appPaths(moduleUrl: string, up = '../../'): AppPaths {
  const root = fileURLToPath(new URL(up, moduleUrl));
  return { root, config: (name) => join(root, 'configs', `${name}.yaml`) };
}

/** Exit status and captured output of one {@link runCaptured} call. */
export interface AppRun {
  /** Exit status (0 success, 1 run-time error, 2 usage or config error). */
  readonly code: number;
  /** Everything written to stdout. */
  readonly stdout: string;
  /** Everything written to stderr. */
  readonly stderr: string;
}

/**
 * Runs an app's `main(argv, io)` with captured, non-TTY streams and an empty environment.
 *
 * @param main - the app's entry (`main` of its `src/main.ts`)
 * @param argv - the command line (without `node` and the script)
 */
export async function runCaptured(main: (argv: readonly string[], io: AppIo) => Promise<number>, argv: readonly string[]): Promise<AppRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: {
      write: (s: string) => {
        stdout += s;
        return true;
      },
      isTTY: false,
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
        return true;
      },
      isTTY: false,
    },
    env: {},
  });
  return { code, stdout, stderr };
}
