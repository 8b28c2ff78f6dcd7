import { parentPort, workerData } from 'node:worker_threads';
import { type FeatureMatrix, LinearSvm, type LinearSvmOptions } from '@snn/readout';

/** What the main thread sends a linear-SVM worker: the shared features, the labels and its problems. */
export interface SvmWorkerInput {
  readonly x: FeatureMatrix;
  readonly labels: Int32Array;
  readonly options: LinearSvmOptions;
  readonly from: number;
  readonly to: number;
}

// Runs when loaded as a worker thread (dist/svm-worker.js): solves its one-vs-rest problems.
if (parentPort && workerData) {
  const { x, labels, options, from, to } = workerData as SvmWorkerInput;
  parentPort.postMessage(LinearSvm.fitPart(x, labels, options, from, to));
}
