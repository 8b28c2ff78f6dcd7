import { type ErrorDetails, ValidationError } from '@snn/core';

/**
 * The command line is wrong: a bad flag value, a missing argument, conflicting options.
 * `runCli` exits with status 2 on it.
 *
 * @remarks
 * Unlike other toolkit errors, the message is given whole (e.g.
 * `--epochs must be a positive integer, found "abc"`); `details` only fills the
 * `field`, `expected` and `found` properties for programs.
 *
 * @example
 * ```ts
 * throw new UsageError('--resume and --force cannot be used together', { field: '--force' });
 * ```
 */
export class UsageError extends ValidationError {
  /**
   * @param message - the full message shown to the user
   * @param details - field (the flag), expected and found, kept as properties
   */
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details);
    this.message = message;
  }
}
