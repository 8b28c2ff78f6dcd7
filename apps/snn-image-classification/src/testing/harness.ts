import { main } from '../main.js';

export { APP_ROOT, configPath, tempDir } from './paths.js';

/** Exit status and captured output of one {@link runApp} call. */
export interface AppRun {
  /** Exit status (0 success, 1 run-time error, 2 usage or config error). */
  readonly code: number;
  /** Everything written to stdout. */
  readonly stdout: string;
  /** Everything written to stderr. */
  readonly stderr: string;
}

/**
 * Runs the app's `main` on a command line with captured, non-TTY streams and an empty environment.
 *
 * @param argv - the command line
 */
export async function runApp(argv: readonly string[]): Promise<AppRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: {
      write: (s: string) => {
        stdout += s;
        return true;
      },
      isTTY: false,
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
        return true;
      },
      isTTY: false,
    },
    env: {},
  });
  return { code, stdout, stderr };
}
