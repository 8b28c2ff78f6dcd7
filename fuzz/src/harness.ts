import { writeFileSync } from 'node:fs';
import { Rng, SnnError } from '@snn/core';
import { mutate } from './mutate.js';

/**
 * Cases per reader: a few thousand in CI (the default, 2000); `pnpm fuzz` sets `FUZZ_CASES` higher
 * (e.g. 50000) and `FUZZ_SEED` to explore other inputs.
 */
export const FUZZ_CASES = Number(process.env.FUZZ_CASES ?? 2000);
/** Base seed of the mutations (default 16). */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 16);

/** Options of {@link fuzzReader}. */
export interface FuzzOptions {
  /** Cases to run (default {@link FUZZ_CASES}). */
  readonly cases?: number;
  /** Slowest a single case may be, ms (default 2000): longer counts as a hang. */
  readonly maxCaseMs?: number;
  /** Most the process's peak resident memory may grow over the whole run, bytes (default 512 MiB). */
  readonly maxPeakGrowthBytes?: number;
  /** Most mutation steps per case (default 4). */
  readonly maxSteps?: number;
}

/** What a fuzz run saw. */
export interface FuzzReport {
  /** Cases run. */
  readonly cases: number;
  /** Inputs the reader accepted. */
  readonly accepted: number;
  /** Inputs refused with a typed error (an `SnnError`), by class name. */
  readonly refused: Readonly<Record<string, number>>;
  /** Slowest case, ms. */
  readonly slowestMs: number;
  /** Growth of the process's peak resident memory over the run, bytes. */
  readonly peakGrowthBytes: number;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 48), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Feeds a reader mutated copies of valid inputs and checks that it only ever returns or throws an
 * `SnnError` (a typed error naming what is wrong), that no case takes longer than `maxCaseMs`, and
 * that the process's peak memory grows by less than `maxPeakGrowthBytes` over the run.
 *
 * @param seeds - valid inputs
 * @param read - the reader under test (sync or async)
 * @param options - cases, time and memory bounds
 * @returns what was seen; throws an Error naming the first case that broke a rule (case index, seed,
 *   the input's first bytes and the error), so that it can be reproduced with the same `FUZZ_SEED`
 */
export async function fuzzReader(seeds: readonly Uint8Array[], read: (bytes: Uint8Array, index: number) => unknown, options: FuzzOptions = {}): Promise<FuzzReport> {
  const cases = options.cases ?? FUZZ_CASES;
  const maxCaseMs = options.maxCaseMs ?? 2000;
  const maxPeak = options.maxPeakGrowthBytes ?? 512 * 2 ** 20;
  const rng = new Rng(FUZZ_SEED);
  const startPeak = process.resourceUsage().maxRSS * 1024;
  const refused: Record<string, number> = {};
  let accepted = 0;
  let slowestMs = 0;
  for (let i = 0; i < cases; i++) {
    const input = mutate(rng, seeds, options.maxSteps ?? 4);
    // FUZZ_TRACE=<file>: each input is written there before it is read, so that a case that never returns can be replayed.
    if (process.env.FUZZ_TRACE) writeFileSync(process.env.FUZZ_TRACE, input);
    const started = performance.now();
    try {
      await read(input, i);
      accepted++;
    } catch (error) {
      if (!(error instanceof SnnError)) {
        const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new Error(`case ${i} (FUZZ_SEED ${FUZZ_SEED}): untyped error ${what.slice(0, 300)}; input ${input.length} bytes starting ${hex(input)}`, { cause: error });
      }
      refused[error.name] = (refused[error.name] ?? 0) + 1;
    }
    const ms = performance.now() - started;
    slowestMs = Math.max(slowestMs, ms);
    if (ms > maxCaseMs) throw new Error(`case ${i} (FUZZ_SEED ${FUZZ_SEED}) took ${ms.toFixed(0)} ms (limit ${maxCaseMs} ms); input ${input.length} bytes starting ${hex(input)}`);
  }
  const peakGrowthBytes = process.resourceUsage().maxRSS * 1024 - startPeak;
  if (peakGrowthBytes > maxPeak) throw new Error(`peak memory grew by ${(peakGrowthBytes / 2 ** 20).toFixed(0)} MiB over ${cases} cases (limit ${(maxPeak / 2 ** 20).toFixed(0)} MiB)`);
  return { cases, accepted, refused, slowestMs, peakGrowthBytes };
}

/** UTF-8 bytes of a string; the seeds of text readers. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
