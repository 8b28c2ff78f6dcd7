import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type FeatureMatrix, LinearSvm, type LinearSvmOptions, type LinearSvmPart } from '@snn/readout';
import type { SvmWorkerInput } from './svm-worker.js';

/** The built worker script, when the app runs from `dist/` (tests run the source: no workers). */
function workerScript(): string | undefined {
  const file = join(dirname(fileURLToPath(import.meta.url)), 'svm-worker.js');
  return existsSync(file) ? file : undefined;
}

/** Fewer training samples than this fit on one thread: starting a worker (≈ 0.3 s) costs more than it saves. */
const PARALLEL_MIN_ROWS = 10_000;

/**
 * The linear SVM with its one-vs-rest problems split over `workers` threads (contiguous ranges; this thread
 * solves the first) from {@link PARALLEL_MIN_ROWS} samples on. Every problem is solved as by
 * {@link LinearSvm.fit}, so the model does not depend on the number of workers. The features are shared with
 * the workers, not copied per worker.
 */
export async function fitLinearSvm(x: FeatureMatrix, labels: ArrayLike<number>, options: LinearSvmOptions, workers: number): Promise<LinearSvm> {
  const problems = LinearSvm.problemsOf(labels).length;
  const script = workerScript();
  const n = Math.max(1, Math.min(workers, problems));
  if (n === 1 || script === undefined || x.rows < PARALLEL_MIN_ROWS) return LinearSvm.fit(x, labels, options);
  let data = x.data;
  if (!(data.buffer instanceof SharedArrayBuffer)) {
    data = new Float32Array(new SharedArrayBuffer(4 * x.data.length));
    data.set(x.data);
  }
  const shared: FeatureMatrix = { data, rows: x.rows, columns: x.columns };
  const labelArray = Int32Array.from(labels);
  const bounds = Array.from({ length: n + 1 }, (_, k) => Math.round((k * problems) / n));
  const others = Array.from({ length: n - 1 }, (_, k) => {
    const input: SvmWorkerInput = { x: shared, labels: labelArray, options, from: bounds[k + 1], to: bounds[k + 2] };
    return new Promise<LinearSvmPart>((resolve, reject) => {
      const worker = new Worker(script, { workerData: input });
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (code !== 0) reject(new Error(`linear SVM worker ${k + 1} stopped with exit code ${code}`));
      });
    });
  });
  const first = LinearSvm.fitPart(shared, labelArray, options, bounds[0], bounds[1]);
  return LinearSvm.merge([first, ...(await Promise.all(others))]);
}
