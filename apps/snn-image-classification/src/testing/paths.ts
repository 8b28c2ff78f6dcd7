import { appPaths, tempDir as newTempDir } from '@snn/cli/testing';

const paths = appPaths(import.meta.url);

/** The app's root folder (holds configs/). */
export const APP_ROOT = paths.root;

/** Path of a shipped config, e.g. `configPath('tiny')` (file name without `.yaml`). */
export const configPath = paths.config;

/**
 * A fresh temporary folder.
 *
 * @param prefix - folder name prefix
 */
export function tempDir(prefix = 'snn-image-classification-test-'): string {
  return newTempDir(prefix);
}
