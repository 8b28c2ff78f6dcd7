import { readFileSync } from 'node:fs';

/**
 * Version of the app, read from its package.json. This file sits directly in `src/` and is bundled
 * into `dist/cli.js`, so `../package.json` is the app's package.json in both cases.
 */
export const APP_VERSION: string = (() => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
})();
