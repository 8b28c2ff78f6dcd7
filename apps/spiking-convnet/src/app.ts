import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Name of the app, as in run directories (`runs/spiking-convnet/…`). */
export const APP_NAME = 'spiking-convnet';
/** Version printed by `--version`. */
export const APP_VERSION = '0.1.0';

/** The app's `configs/` folder (next to `dist/` and `src/`). */
export function configsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'configs');
}
