import type { ProgressStream } from '@snn/cli';

/** Where a command writes: results to `stdout`, log lines and errors to `stderr`. */
export interface AppIo {
  /** Results (accuracies, scores, rankings). */
  readonly stdout: ProgressStream;
  /** Log lines and errors. */
  readonly stderr: ProgressStream;
  /** Environment variables (`SNN_DEBUG`). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's own streams and environment. */
export function processIo(): AppIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}
