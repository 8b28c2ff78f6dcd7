import { BACKEND_ENV_VAR, BACKEND_REQUESTS, type BackendRequest } from '@snn/core';
import { Command, Option } from 'commander';
import { numberOption } from './numbers.js';
import { UsageError } from './usage-error.js';

/** Name, version and one-line description of a command-line app. */
export interface AppInfo {
  /** Program name as typed, e.g. `neurospike`. */
  readonly name: string;
  /** Version shown by `--version`. */
  readonly version: string;
  /** One-line description shown by `--help`. */
  readonly description: string;
}

/** The options {@link createApp} adds to every app, after parsing. */
export interface GlobalOptions {
  /** Requested backend: `--backend`, else `SNN_BACKEND`, else `auto`. */
  readonly backend: BackendRequest;
  /** `--seed`, when given. */
  readonly seed: number | undefined;
  /** `--runs-dir`; default `runs`. */
  readonly runsDir: string;
  /** `--quiet`. */
  readonly quiet: boolean;
}

function isBackendRequest(value: string): value is BackendRequest {
  return (BACKEND_REQUESTS as readonly string[]).includes(value);
}

/**
 * Checks a backend name given by flag or environment variable against `BACKEND_REQUESTS` of `@snn/core`.
 *
 * @param value - the name
 * @param source - `--backend` or `SNN_BACKEND`, for the message; default `--backend`
 * @throws {@link UsageError} such as `--backend must be one of auto, js, …, found "gpu"`
 */
export function parseBackendArg(value: string, source = '--backend'): BackendRequest {
  if (isBackendRequest(value)) return value;
  const found = JSON.stringify(value);
  throw new UsageError(`${source} must be one of ${BACKEND_REQUESTS.join(', ')}, found ${found}`, {
    field: source,
    expected: `one of ${BACKEND_REQUESTS.join(', ')}`,
    found,
  });
}

const HELP_FOOTER = `
Environment:
  SNN_BACKEND  backend when --backend is not given (${BACKEND_REQUESTS.join(', ')})
  SNN_DEBUG=1  print the stack trace of errors
  CI           when set, progress is printed as plain lines instead of a bar

Exit status:
  0 success, 1 run-time error, 2 invalid command line or config`;

/**
 * Creates the commander program of an app with the options every app shares:
 * `--backend <name>`, `--seed <n>`, `--runs-dir <dir>`, `-q, --quiet`, `-V, --version` and `--help`.
 *
 * @remarks
 * Subcommands added to it show the global options in their `--help` too, and the help of every
 * command ends with the environment variables and exit statuses. Run it with {@link runCli};
 * read the shared options in an action with {@link getGlobalOptions}. A bad `SNN_BACKEND` is
 * reported before any action runs.
 *
 * @param info - name, version and description
 * @example
 * ```ts
 * const program = createApp({ name: 'neurospike', version: '0.1.0', description: 'LIF network on MNIST' });
 * program.command('train').addOption(numberOption('--epochs <n>', 'epochs', 'positiveInt', 3))
 *   .action(async (opts, cmd) => { const { backend, seed } = getGlobalOptions(cmd); … });
 * await runCli(program);
 * ```
 */
export function createApp(info: AppInfo): Command {
  const program = new Command(info.name);
  program
    .description(info.description)
    .version(info.version, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show this help')
    .addOption(
      new Option('--backend <name>', 'compute backend (default: $SNN_BACKEND or auto)')
        .choices(BACKEND_REQUESTS)
        .argParser((value: string) => parseBackendArg(value)),
    )
    .addOption(numberOption('--seed <n>', 'seed of the random number generator (non-negative integer)', 'nonNegativeInt'))
    .option('--runs-dir <dir>', 'folder that holds the run directories', 'runs')
    .option('-q, --quiet', 'print only errors and final results')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('afterAll', HELP_FOOTER);
  program.hook('preAction', (_root, actionCommand) => {
    getGlobalOptions(actionCommand);
  });
  return program;
}

/**
 * The shared options of an app, read from the command that runs (its own and its parents' options).
 *
 * @param command - the command passed to an action (last action argument), or the program
 * @param env - environment for `SNN_BACKEND`; default `process.env`
 * @throws {@link UsageError} when `SNN_BACKEND` names no valid backend
 */
export function getGlobalOptions(
  command: Command,
  env: Readonly<Record<string, string | undefined>> = process.env,
): GlobalOptions {
  const opts = command.optsWithGlobals<{ backend?: BackendRequest; seed?: number; runsDir?: string; quiet?: boolean }>();
  const fromEnv = env[BACKEND_ENV_VAR];
  const backend =
    opts.backend ?? (fromEnv !== undefined && fromEnv !== '' ? parseBackendArg(fromEnv, BACKEND_ENV_VAR) : 'auto');
  return { backend, seed: opts.seed, runsDir: opts.runsDir ?? 'runs', quiet: opts.quiet ?? false };
}
