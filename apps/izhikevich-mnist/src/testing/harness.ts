import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../main.js';

/** The app's root folder (holds configs/). */
export const APP_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Path of a shipped config, e.g. `configPath('mlp-tiny')`. */
export function configPath(name: string): string {
  return join(APP_ROOT, 'configs', `${name}.yaml`);
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'izhikevich-mnist-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Exit status and captured output of one {@link runApp} call. */
export interface AppRun {
  /** Exit status (0 success, 1 run-time error, 2 usage or config error). */
  readonly code: number;
  /** Everything written to stdout. */
  readonly stdout: string;
  /** Everything written to stderr. */
  readonly stderr: string;
}

/** Runs the app's `main` on a command line with captured, non-TTY streams and an empty environment. */
export async function runApp(argv: readonly string[]): Promise<AppRun> {
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
