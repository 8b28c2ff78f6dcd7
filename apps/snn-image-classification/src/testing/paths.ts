import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The app's root folder (holds configs/). */
export const APP_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Path of a shipped config, e.g. `configPath('tiny')`.
 *
 * @param name - file name without `.yaml`
 */
export function configPath(name: string): string {
  return join(APP_ROOT, 'configs', `${name}.yaml`);
}

/**
 * A fresh temporary folder.
 *
 * @param prefix - folder name prefix
 */
export function tempDir(prefix = 'snn-image-classification-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

