import { format } from 'node:util';
import type { ProgressStream } from './progress.js';

/** Writes one timestamped line, e.g. `[14:22:33] loaded 60000 images`; arguments as in `console.log`. */
export type Logger = (...args: unknown[]) => void;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Output stream; default `process.stderr` (stdout stays free for results). */
  readonly stream?: ProgressStream;
  /** Write nothing; default false. */
  readonly quiet?: boolean;
  /** Time source; default `() => new Date()`. */
  readonly clock?: () => Date;
}

/**
 * The local time of day as `HH:MM:SS`.
 *
 * @param date - the time
 */
export function timeOfDay(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/**
 * Creates a logger that writes `[HH:MM:SS] message` lines (local time).
 *
 * @param options - stream, quiet flag and clock
 * @example
 * ```ts
 * const log = createLogger({ quiet: opts.quiet });
 * log('loaded %d images', 60000); // [14:22:33] loaded 60000 images
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const clock = options.clock ?? (() => new Date());
  return (...args: unknown[]) => {
    if (options.quiet) return;
    (options.stream ?? process.stderr).write(`[${timeOfDay(clock())}] ${format(...args)}\n`);
  };
}

/**
 * Writes one timestamped line to stderr: `[14:22:33] message` (arguments as in `console.log`).
 *
 * @param args - message parts
 * @example
 * ```ts
 * log('backend', backend.name, 'kernel class', backend.kernelClass);
 * ```
 */
export function log(...args: unknown[]): void {
  process.stderr.write(`[${timeOfDay(new Date())}] ${format(...args)}\n`);
}
