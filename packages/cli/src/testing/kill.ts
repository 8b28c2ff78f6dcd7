import { spawn } from 'node:child_process';
import { Rng } from '@snn/core';

/** How one {@link runKilled} call ended. */
export interface KilledRun {
  /** True when the process was killed (SIGKILL) before it exited by itself. */
  readonly killed: boolean;
  /** Exit code when it exited by itself, else null. */
  readonly code: number | null;
  /** What it wrote to stderr. */
  readonly stderr: string;
}

/**
 * Runs `node <script> <args>` and kills it with SIGKILL after `afterMs` unless it exits first:
 * one fault of a fault-injection test (a kill can land anywhere, inside checkpoint, manifest or
 * config writes included).
 *
 * @param script - the app's built CLI (`dist/cli.js`)
 * @param args - its command line
 * @param afterMs - when to kill; `Infinity` to let it finish
 */
export function runKilled(script: string, args: readonly string[], afterMs: number): Promise<KilledRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: '1' } });
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = Number.isFinite(afterMs)
      ? setTimeout(() => {
          killed = child.kill('SIGKILL');
        }, afterMs)
      : undefined;
    child.on('error', reject);
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ killed: killed && code === null, code, stderr });
    });
  });
}

/** The app-specific side of {@link killUntilDone}. */
export interface KillPlan {
  /** The app's built CLI. */
  readonly script: string;
  /**
   * The command line of attempt `attempt` (0-based): the first starts the run, later ones continue
   * it from the newest checkpoint (or start again where there is none yet).
   */
  args(attempt: number): readonly string[];
  /** Called after attempt `attempt` was killed (e.g. to assert that the last checkpoint still loads). */
  afterKill?(attempt: number): Promise<void>;
}

/**
 * Kills a run up to `kills` times at seeded random moments in `[minMs, maxMs)` (the first in
 * `[minMs, 2·minMs)`), continuing it after each kill, and lets the attempt after the last kill finish.
 * Choose `minMs` and `maxMs` from the duration of an uninterrupted run ({@link timedRun}) so that the
 * kills land inside runs on fast and slow machines alike.
 *
 * @param plan - how to start, continue and check the app
 * @param options - number of kills, kill window, seed
 * @returns the kills that landed (an attempt that finishes before its kill time ends the run) and the attempts made
 * @throws `Error` when an attempt that was not killed exits with another code than 0 (its stderr in the message)
 */
export async function killUntilDone(
  plan: KillPlan,
  options: { readonly kills: number; readonly minMs: number; readonly maxMs: number; readonly seed: number },
): Promise<{ kills: number; attempts: number }> {
  const rng = new Rng(options.seed);
  let kills = 0;
  for (let attempt = 0; ; attempt++) {
    // The first attempt is always killed inside its window, so at least one kill lands however fast the machine is.
    const at = kills < options.kills ? rng.uniformIn(options.minMs, attempt === 0 ? Math.min(options.maxMs, options.minMs * 2) : options.maxMs) : Number.POSITIVE_INFINITY;
    const result = await runKilled(plan.script, plan.args(attempt), at);
    if (!result.killed) {
      if (result.code !== 0) throw new Error(`attempt ${attempt} exited with ${result.code}: ${result.stderr}`);
      return { kills, attempts: attempt + 1 };
    }
    kills++;
    await plan.afterKill?.(attempt);
  }
}

/**
 * Wall time of `node <script> <args>` run to the end, in milliseconds (to place the kills of
 * {@link killUntilDone} inside a run).
 *
 * @param script - the app's built CLI
 * @param args - its command line
 * @throws `Error` when it exits with another code than 0
 */
export async function timedRun(script: string, args: readonly string[]): Promise<number> {
  const start = performance.now();
  const result = await runKilled(script, args, Number.POSITIVE_INFINITY);
  if (result.code !== 0) throw new Error(`the uninterrupted run exited with ${result.code}: ${result.stderr}`);
  return performance.now() - start;
}
