import { type AppRun, appPaths, runCaptured, tempDir as newTempDir } from '@snn/cli/testing';
import { main } from '../main.js';

const paths = appPaths(import.meta.url);

/** The app's root folder (holds configs/). */
export const APP_ROOT = paths.root;

/** Path of a shipped config, e.g. `configPath('mlp-tiny')`. */
export const configPath = paths.config;

/** A fresh temporary folder. */
export function tempDir(prefix = 'izhikevich-mnist-test-'): string {
  return newTempDir(prefix);
}

/** Runs the app's `main` on a command line with captured, non-TTY streams and an empty environment. */
export function runApp(argv: readonly string[]): Promise<AppRun> {
  return runCaptured(main, argv);
}
