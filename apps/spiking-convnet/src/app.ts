import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProgressStream } from '@snn/cli';

/** Name of the app, as in run directories (`runs/spiking-convnet/…`). */
export const APP_NAME = 'spiking-convnet';
/** Version printed by `--version`. */
export const APP_VERSION = '0.1.0';

/** Where a command writes: results to `stdout`, progress and logs to `stderr`. */
export interface AppIo {
  /** Results. */
  readonly stdout: ProgressStream;
  /** Progress and log lines. */
  readonly stderr: ProgressStream;
  /** Environment (`CI`, `SNN_BACKEND`). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's streams and environment. */
export function processIo(): AppIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** The app's `configs/` folder (next to `dist/` and `src/`). */
export function configsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'configs');
}
