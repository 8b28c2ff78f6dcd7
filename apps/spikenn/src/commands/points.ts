import { SnnError } from '@snn/core';
import type { RunConfig } from '../config/schema.js';

/** What a K-fold or grid-search point hands its worker. */
export interface PointConfig {
  /** The run config of the point. */
  readonly config: RunConfig;
  /** Dataset folder of the point. */
  readonly dataDir: string;
  /** Write figures and report.html. */
  readonly report: boolean;
  /** Command line, for the manifest. */
  readonly argv: readonly string[];
}

/** The worker module (bundled next to `cli.js` in `dist/`). */
export const WORKER_SCRIPT = new URL('./worker.js', import.meta.url);

/** Points that failed this session: an error listing them (they rerun with --resume). */
export function describeFailures(failures: ReadonlyMap<string, string>, what: string): void {
  if (failures.size === 0) return;
  const list = [...failures].map(([k, e]) => `${what} ${k}: ${e}`).join('; ');
  throw new SnnError(`${failures.size} ${what}(s) failed (finished ones are kept; rerun with --resume)`, { found: list });
}
