import { type AppRun, runCaptured } from '@snn/cli/testing';
import { main } from '../main.js';

export { APP_ROOT, configPath, tempDir } from './paths.js';

/**
 * Runs the app's `main` on a command line with captured, non-TTY streams and an empty environment.
 *
 * @param argv - the command line
 */
export function runApp(argv: readonly string[]): Promise<AppRun> {
  return runCaptured(main, argv);
}
