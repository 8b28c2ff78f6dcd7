import { SnnError, ValidationError } from '@snn/core';
import { type Command, CommanderError } from 'commander';
import type { ProgressStream } from '../progress/progress.js';

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /**
   * How to read `argv`: `node` (`[node, script, ...args]`, as `process.argv`) or `user` (only the args).
   * Default: `node` when `argv` is omitted, `user` when it is given.
   */
  readonly from?: 'node' | 'user';
  /** Where help and version go; default `process.stdout`. */
  readonly stdout?: ProgressStream;
  /** Where errors go; default `process.stderr`. */
  readonly stderr?: ProgressStream;
  /** Environment for `SNN_DEBUG`; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Set `process.exitCode` to the result; default true. */
  readonly setExitCode?: boolean;
}

/**
 * The exit status for an error: 0 for help/version output, 2 for command-line and validation
 * errors (commander usage errors and `ValidationError`s from `@snn/core`, such as {@link ConfigError}
 * and {@link UsageError}), 1 for everything else.
 *
 * @param error - what was thrown
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof ValidationError) return 2;
  return 1;
}

/**
 * The text printed for an error: every line prefixed `error: `. Toolkit errors (`SnnError`) show
 * their message (and the message of their cause); other errors are shown as unexpected. The stack
 * trace is added only when `debug` is true.
 *
 * @param error - what was thrown
 * @param debug - add stack traces (as with `SNN_DEBUG=1`)
 */
export function formatError(error: unknown, debug = false): string {
  const lines: string[] = [];
  if (error instanceof SnnError) {
    lines.push(...error.message.split('\n').map((l) => `error: ${l}`));
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error && !debug) lines.push(`error: caused by: ${cause.message.split('\n')[0]}`);
    if (debug) {
      lines.push(error.stack ?? '');
      if (cause instanceof Error) lines.push(`caused by: ${cause.stack ?? cause.message}`);
    }
  } else if (error instanceof Error) {
    lines.push(`error: unexpected ${error.name}: ${error.message}`);
    lines.push(debug ? (error.stack ?? '') : 'error: (set SNN_DEBUG=1 to see the stack trace)');
  } else {
    lines.push(`error: unexpected failure: ${String(error)}`);
  }
  return `${lines.join('\n')}\n`;
}

function eachCommand(command: Command, fn: (c: Command) => void): void {
  fn(command);
  for (const sub of command.commands) eachCommand(sub as Command, fn);
}

/**
 * Parses the command line and runs the chosen action with one central error handler.
 *
 * @remarks
 * Commander is told not to call `process.exit`; every error ends here instead. Toolkit errors
 * print their message without a stack trace (set `SNN_DEBUG=1` to see it); commander's own usage
 * errors are printed by commander. Exit status: 0 on success, help or version; 2 on usage and
 * validation errors; 1 otherwise (see {@link exitCodeFor}). `process.exitCode` is set to it
 * (no `process.exit`, so pending output is flushed).
 *
 * @param program - from {@link createApp}, with its commands added
 * @param argv - the command line; default `process.argv`
 * @param options - how to read `argv`, output streams, environment
 * @returns the exit status
 * @example
 * ```ts
 * await runCli(program); // in the app's bin script
 * ```
 */
export async function runCli(program: Command, argv?: readonly string[], options: RunCliOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const debug = env.SNN_DEBUG === '1' || env.SNN_DEBUG === 'true';
  eachCommand(program, (command) => {
    command.exitOverride();
    command.configureOutput({
      writeOut: (s) => {
        stdout.write(s);
      },
      writeErr: (s) => {
        stderr.write(s);
      },
    });
  });
  let code = 0;
  try {
    await program.parseAsync(argv ? [...argv] : process.argv, { from: options.from ?? (argv ? 'user' : 'node') });
  } catch (error) {
    code = exitCodeFor(error);
    if (!(error instanceof CommanderError)) stderr.write(formatError(error, debug));
  }
  if (options.setExitCode ?? true) process.exitCode = code;
  return code;
}
