import cliProgress from 'cli-progress';
import { ValidationError } from '@snn/core';
import { formatRate, formatValues, type ProgressValue } from './format.js';

/** Where progress output goes: anything with `write` (e.g. `process.stderr`); `isTTY` selects the bar. */
export interface ProgressStream {
  /** Writes a chunk of text. */
  write(chunk: string): unknown;
  /** True when the stream is an interactive terminal. */
  readonly isTTY?: boolean;
}

/** How a {@link Progress} shows itself: a redrawn bar, plain log lines, or nothing. */
export type ProgressMode = 'bar' | 'lines' | 'silent';

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Number of items (e.g. images in an epoch); undefined when unknown. */
  readonly total?: number;
  /** Text before the counts, e.g. `epoch 1/3`; default empty. */
  readonly label?: string;
  /** Item name for the rate, e.g. `img` -> `850 img/s`; default `it`. */
  readonly unit?: string;
  /** Output stream; default `process.stderr`. */
  readonly stream?: ProgressStream;
  /** Environment (for `CI`); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Lines mode: at least this many seconds between time-triggered lines; default 10. */
  readonly intervalS?: number;
  /** Lines mode: also print each time this fraction of the total is passed; default 0.1 (every 10 %). */
  readonly stepFraction?: number;
  /** Show nothing (e.g. `--quiet`); default false. */
  readonly quiet?: boolean;
  /** Force a mode; default `auto` (bar on a TTY outside CI, lines otherwise, silent when quiet). */
  readonly mode?: ProgressMode | 'auto';
  /** Time source in milliseconds; default `Date.now`. */
  readonly clock?: () => number;
}

/** A progress display for one loop (e.g. one epoch); see {@link createProgress}. */
export interface Progress {
  /** The mode chosen. */
  readonly mode: ProgressMode;
  /**
   * Sets the number of items done and the values to show.
   *
   * @param current - items done so far
   * @param values - e.g. `{ loss: 0.41, acc: percent(0.912) }`; kept until replaced
   */
  update(current: number, values?: Readonly<Record<string, ProgressValue>>): void;
  /**
   * Adds to the number of items done.
   *
   * @param delta - items just finished; default 1
   * @param values - values to show, as in {@link Progress.update}
   */
  increment(delta?: number, values?: Readonly<Record<string, ProgressValue>>): void;
  /**
   * Changes the label (e.g. at the start of the next epoch).
   *
   * @param label - the new label
   */
  setLabel(label: string): void;
  /**
   * Sets or clears the total once it becomes known.
   *
   * @param total - number of items, or undefined when unknown
   */
  setTotal(total: number | undefined): void;
  /**
   * Ends the display: the bar is left on screen, lines mode prints a last line if there is news.
   *
   * @param values - final values to show
   */
  stop(values?: Readonly<Record<string, ProgressValue>>): void;
}

function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

function checkTotal(total: number | undefined): void {
  if (total !== undefined && !(Number.isFinite(total) && total >= 0)) {
    throw new ValidationError('invalid progress total', {
      field: 'total',
      expected: 'a non-negative number or undefined',
      found: String(total),
    });
  }
}

const BAR_WIDTH = 30;

/**
 * Creates a progress display: a redrawn cli-progress bar when the stream is a terminal and `CI`
 * is not set, otherwise plain log lines such as
 * `epoch 1/3 [1200/60000] loss 0.41 acc 91.2% 850 img/s`.
 *
 * @remarks
 * In lines mode a line is printed each time another `stepFraction` of the total is passed
 * (every 10 % by default) or `intervalS` seconds have passed since the last line, whichever
 * comes first, and once more on `stop()` if there is news; with an unknown total only the time
 * rule applies and the counts read `[1200]`. The rate is items done per second since creation.
 *
 * @param options - total, label, unit, stream, environment, intervals, quiet/mode, clock
 * @example
 * ```ts
 * const bar = createProgress({ total: 60000, label: 'epoch 1/3', unit: 'img' });
 * for (const batch of batches) { train(batch); bar.increment(batch.size, { loss, acc: percent(acc) }); }
 * bar.stop();
 * ```
 */
export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  const clock = options.clock ?? Date.now;
  checkTotal(options.total);
  let mode: ProgressMode;
  if (options.quiet) mode = 'silent';
  else if (options.mode !== undefined && options.mode !== 'auto') mode = options.mode;
  else mode = stream.isTTY === true && !isCi(env) ? 'bar' : 'lines';

  const unit = options.unit ?? 'it';
  const intervalMs = (options.intervalS ?? 10) * 1000;
  const stepFraction = options.stepFraction ?? 0.1;
  const start = clock();
  let label = options.label ?? '';
  let total = options.total;
  let current = 0;
  let values: Readonly<Record<string, ProgressValue>> = {};

  const counts = (): string => (total === undefined ? `[${current}]` : `[${current}/${total}]`);
  const rate = (): string => {
    const seconds = (clock() - start) / 1000;
    return seconds > 0 && current > 0 ? formatRate(current / seconds, unit) : '';
  };
  const extra = (): string => [formatValues(values), rate()].filter((s) => s !== '').join(' ');
  const line = (): string => [label, counts(), extra()].filter((s) => s !== '').join(' ');

  if (mode === 'silent') {
    return {
      mode,
      update(n, v) {
        current = n;
        if (v) values = v;
      },
      increment(delta = 1, v) {
        current += delta;
        if (v) values = v;
      },
      setLabel(l) {
        label = l;
      },
      setTotal(t) {
        checkTotal(t);
        total = t;
      },
      stop() {},
    };
  }

  if (mode === 'bar') {
    const bar = new cliProgress.SingleBar({
      stream: stream as unknown as NodeJS.WritableStream,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      linewrap: false,
      fps: 10,
      format: () => {
        if (total === undefined || total === 0) return [label, counts(), extra()].filter((s) => s !== '').join(' ');
        const filled = Math.round(Math.min(1, current / total) * BAR_WIDTH);
        const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
        const pct = `${Math.floor((100 * current) / total)}%`;
        return [label, bar, pct, counts(), extra()].filter((s) => s !== '').join(' ');
      },
    });
    bar.start(total ?? 0, 0);
    let stopped = false;
    return {
      mode,
      update(n, v) {
        current = n;
        if (v) values = v;
        bar.update(n);
      },
      increment(delta = 1, v) {
        this.update(current + delta, v);
      },
      setLabel(l) {
        label = l;
        bar.update(current);
      },
      setTotal(t) {
        checkTotal(t);
        total = t;
        bar.setTotal(t ?? 0);
      },
      stop(v) {
        if (stopped) return;
        stopped = true;
        if (v) values = v;
        bar.update(current);
        bar.stop();
      },
    };
  }

  let lastLineAt = start;
  let lastBucket = 0;
  let lastPrinted: number | undefined;
  const print = (): void => {
    stream.write(`${line()}\n`);
    lastLineAt = clock();
    lastPrinted = current;
    if (total !== undefined && total > 0) lastBucket = Math.floor(current / total / stepFraction);
  };
  let stopped = false;
  return {
    mode,
    update(n, v) {
      current = n;
      if (v) values = v;
      if (stopped) return;
      const bucketDue = total !== undefined && total > 0 && Math.floor(current / total / stepFraction) > lastBucket;
      const timeDue = clock() - lastLineAt >= intervalMs;
      if ((bucketDue || timeDue) && current !== lastPrinted) print();
    },
    increment(delta = 1, v) {
      this.update(current + delta, v);
    },
    setLabel(l) {
      label = l;
    },
    setTotal(t) {
      checkTotal(t);
      total = t;
      if (total !== undefined && total > 0) lastBucket = Math.floor(current / total / stepFraction);
    },
    stop(v) {
      if (stopped) return;
      if (v) values = v;
      if (current !== lastPrinted || v) print();
      stopped = true;
    },
  };
}
