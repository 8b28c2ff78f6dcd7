import { join } from 'node:path';
import { type RunManifest, readManifest } from '../run-dir/manifest.js';
import { type MetricsRecord, epochRecords, readMetricsLog } from '../run-dir/metrics-log.js';
import { RUN_LAYOUT } from '../run-dir/run-dir.js';

/** A figure of a run's report (the shape `renderReport` of @snn/viz takes). */
export interface ReportEntry {
  /** Heading. */
  readonly title: string;
  /** PNG path relative to the run directory, e.g. `figs/training-curves.png`. */
  readonly file: string;
  /** One line under it. */
  readonly caption: string;
}

/** What a run's report is drawn from, read by {@link startReport}. */
export interface ReportContext {
  /** The run's manifest. */
  readonly manifest: RunManifest;
  /** One metrics record per epoch, in order. */
  readonly records: MetricsRecord[];
  /** The run's `figs/` folder. */
  readonly figsDir: string;
  /** Figures added so far, in report order. */
  readonly figures: ReportEntry[];
  /**
   * Adds a saved figure `figs/<name>.png` to the report.
   *
   * @param name - file name without extension
   * @param title - heading
   * @param caption - one line
   */
  add(name: string, title: string, caption: string): void;
}

/**
 * Reads what every run report starts from: the manifest, the last metrics record of each epoch and
 * the figures folder, with a list the app adds its figures to.
 *
 * @param runDir - the run directory
 * @throws `FileFormatError` for a missing or corrupt manifest
 */
export async function startReport(runDir: string): Promise<ReportContext> {
  const manifest = await readManifest(runDir);
  const records = epochRecords(await readMetricsLog(join(runDir, RUN_LAYOUT.logs, RUN_LAYOUT.metrics)));
  const figures: ReportEntry[] = [];
  return {
    manifest,
    records,
    figsDir: join(runDir, RUN_LAYOUT.figs),
    figures,
    add: (name, title, caption) => {
      figures.push({ title, file: `${RUN_LAYOUT.figs}/${name}.png`, caption });
    },
  };
}
