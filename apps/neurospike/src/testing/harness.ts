import { join } from 'node:path';
import { type AppRun, appPaths, runCaptured, tempDir as newTempDir } from '@snn/cli/testing';
import { main } from '../main.js';

const paths = appPaths(import.meta.url);

/** The app's root folder (holds configs/ and examples/). */
export const APP_ROOT = paths.root;

/** Path of a shipped config, e.g. `configPath('tiny')`. */
export const configPath = paths.config;

/** Path of a shipped example digit, e.g. `digitPath('digit-7.png')`. */
export function digitPath(name: string): string {
  return join(APP_ROOT, 'examples', 'digits', name);
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'neurospike-test-'): string {
  return newTempDir(prefix);
}

/** Runs the app's `main` on a command line with captured, non-TTY streams and an empty environment. */
export function runApp(argv: readonly string[]): Promise<AppRun> {
  return runCaptured(main, argv);
}
