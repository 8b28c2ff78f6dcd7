import type { ProgressStream } from '@snn/cli';

/** Where a command writes: results to `stdout`, progress and logs to `stderr`; `env` for `CI` and `SNN_*`. */
export interface AppIo {
  /** Results (accuracy, run directory, probabilities). */
  readonly stdout: ProgressStream;
  /** Progress bars or lines, log lines and errors. */
  readonly stderr: ProgressStream;
  /** Environment variables (`CI`, `SNN_BACKEND`, `SNN_DEBUG`). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's own streams and environment. */
export function processIo(): AppIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Name of the app, as in run directories (`runs/izhikevich-mnist/…`). */
export const APP_NAME = 'izhikevich-mnist';
