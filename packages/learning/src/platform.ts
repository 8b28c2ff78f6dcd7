import type * as WorkerThreadsModule from 'node:worker_threads';
import { BackendError, type NdArray, type ReadOptions, type SafetensorsContent } from '@snn/core';

/** Node's `worker_threads` module, as the Node entry of this package installs it. */
export type WorkerThreads = typeof WorkerThreadsModule;

/** The safetensors file functions of `@snn/core/node`. */
export interface SafetensorsFiles {
  saveSafetensors(path: string, tensors: Readonly<Record<string, NdArray>>): Promise<void>;
  loadSafetensors(path: string, options?: ReadOptions): Promise<SafetensorsContent>;
}

/** What only Node has: worker threads and files. */
export interface NodePlatform {
  /** Node's `worker_threads`. */
  readonly module: WorkerThreads;
  /** URL of the Node entry, which worker threads import (it installs the platform there too). */
  readonly entryUrl: string;
  /** Safetensors files, for `Network.saveStateDict` / `loadStateDictFile`. */
  readonly files: SafetensorsFiles;
}

let installed: NodePlatform | null = null;

/**
 * Installs Node's worker threads and files (called once by the Node entry,
 * `dist/index.node.js`), so that the browser build imports no Node built-in.
 * In a browser nothing installs them: training runs on one thread there.
 *
 * @param platform - `worker_threads`, the entry's URL and the safetensors file functions
 */
export function installNodePlatform(platform: NodePlatform): void {
  installed = platform;
}

/**
 * The safetensors file functions, in Node.
 *
 * @param what - the method that needs them (for the error message)
 * @throws BackendError in a browser, or when the sources run without the build
 */
export function safetensorsFiles(what: string): SafetensorsFiles {
  if (installed !== null) return installed.files;
  throw new BackendError(`${what} reads or writes files, which needs Node (the Node entry of @snn/learning)`, {
    expected: 'Node, or the bytes API (stateDictBytes / loadStateDictBytes) in a browser',
  });
}

/**
 * Node's `worker_threads` and the module URL worker threads import, for a
 * trainer asked for `workers > 1`.
 *
 * @param workers - the number of threads asked for (for the error message)
 * @throws BackendError when there are no worker threads here (a browser, or the sources run without the build)
 */
export function workerThreads(workers: number): NodePlatform {
  if (installed !== null) return installed;
  const inNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  throw new BackendError(inNode ? 'worker threads load the built module' : 'no worker threads in a browser', {
    field: 'workers',
    expected: inNode
      ? 'workers = 1 when running from source, or @snn/learning from dist/ (its Node entry starts the worker threads)'
      : 'workers = 1 in a browser: training runs on one thread there (Web Workers are not used)',
    found: `workers = ${workers}`,
  });
}
