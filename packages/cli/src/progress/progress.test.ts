import { describe, expect, it } from 'vitest';
import { formatNumber, formatRate, formatValues, percent } from './format.js';
import { createLogger, timeOfDay } from './log.js';
import { createProgress } from './progress.js';

/** A stream that records what is written. */
function fakeStream(isTTY = false): { write(chunk: string): boolean; isTTY: boolean; text(): string; lines(): string[] } {
  const chunks: string[] = [];
  return {
    isTTY,
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
    text: () => chunks.join(''),
    lines: () => chunks.join('').split('\n').filter((l) => l !== ''),
  };
}

/** A clock the test moves by hand (milliseconds). */
function manualClock(): { now: () => number; advance(ms: number): void } {
  let t = 1_000_000;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

describe('formatting', () => {
  it('shortens numbers, percentages, values and rates', () => {
    expect(formatNumber(0.41)).toBe('0.41');
    expect(formatNumber(0.412345)).toBe('0.4123');
    expect(formatNumber(1234.5)).toBe('1235');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(1e-7)).toBe('1e-7');
    expect(formatNumber(2.5e7)).toBe('2.5e7');
    expect(percent(0.912)).toBe('91.2%');
    expect(formatValues({ loss: 0.41, acc: percent(0.912) })).toBe('loss 0.41 acc 91.2%');
    expect(formatRate(850.4, 'img')).toBe('850 img/s');
    expect(formatRate(12.345, 'it')).toBe('12.3 it/s');
  });
});

describe('createProgress in a non-TTY stream', () => {
  it('prints plain lines every 10 % with values and rate', () => {
    const stream = fakeStream(false);
    const clock = manualClock();
    const bar = createProgress({ total: 60000, label: 'epoch 1/3', unit: 'img', stream, env: {}, clock: clock.now });
    expect(bar.mode).toBe('lines');
    for (let i = 1; i <= 50; i++) {
      clock.advance((1200 / 850) * 1000); // 850 img/s at 1200 images per step
      bar.increment(1200, { loss: 0.41, acc: percent(0.912) });
    }
    bar.stop();
    const lines = stream.lines();
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('epoch 1/3 [6000/60000] loss 0.41 acc 91.2% 850 img/s');
    expect(lines[9]).toBe('epoch 1/3 [60000/60000] loss 0.41 acc 91.2% 850 img/s');
    expect(stream.text()).not.toContain('\r');
    expect(stream.text()).not.toContain('\u001b');
  });

  it('prints at most every intervalS seconds between 10 % steps', () => {
    const stream = fakeStream(false);
    const clock = manualClock();
    const bar = createProgress({ total: 1000, label: 'eval', stream, env: {}, clock: clock.now, intervalS: 5 });
    for (let i = 1; i <= 50; i++) {
      clock.advance(1000); // 1 s per item: 5 s per line by time, 10 % every 100 items never reached
      bar.update(i);
    }
    expect(stream.lines()).toEqual(
      [5, 10, 15, 20, 25, 30, 35, 40, 45, 50].map((n) => `eval [${n}/1000] 1 it/s`),
    );
  });

  it('works with an unknown total and prints a last line on stop', () => {
    const stream = fakeStream(false);
    const clock = manualClock();
    const bar = createProgress({ label: 'load', stream, env: {}, clock: clock.now, intervalS: 10 });
    for (let i = 1; i <= 25; i++) {
      clock.advance(1000);
      bar.increment(100);
    }
    bar.stop({ files: 3 });
    expect(stream.lines()).toEqual(['load [1000] 100 it/s', 'load [2000] 100 it/s', 'load [2500] files 3 100 it/s']);
  });

  it('uses lines when CI is set even on a TTY, and nothing when quiet', () => {
    const tty = fakeStream(true);
    expect(createProgress({ total: 10, stream: tty, env: { CI: 'true' } }).mode).toBe('lines');
    expect(createProgress({ total: 10, stream: fakeStream(false), env: { CI: 'false' } }).mode).toBe('lines');
    const quiet = fakeStream(false);
    const bar = createProgress({ total: 10, stream: quiet, env: {}, quiet: true });
    expect(bar.mode).toBe('silent');
    bar.update(10);
    bar.stop();
    expect(quiet.text()).toBe('');
  });

  it('rejects a bad total', () => {
    expect(() => createProgress({ total: -1, stream: fakeStream() })).toThrow(
      'field total: invalid progress total; expected a non-negative number or undefined, found -1',
    );
  });
});

describe('createProgress on a TTY', () => {
  it('draws a cli-progress bar that is redrawn in place', () => {
    const stream = fakeStream(true);
    const bar = createProgress({ total: 100, label: 'epoch 1/1', stream, env: {} });
    expect(bar.mode).toBe('bar');
    bar.update(50, { loss: 0.5 });
    bar.stop();
    const text = stream.text();
    expect(text).toContain('epoch 1/1 ');
    expect(text).toContain('█'.repeat(15) + '░'.repeat(15));
    expect(text).toContain('50% [50/100] loss 0.5');
    expect(text).toContain('\u001b[');
  });
});

describe('log', () => {
  it('prefixes lines with the local time and formats like console.log', () => {
    const stream = fakeStream(false);
    const when = new Date(2025, 2, 1, 9, 5, 7);
    const log = createLogger({ stream, clock: () => when });
    log('loaded %d images', 60000, { from: 'mnist' });
    expect(timeOfDay(when)).toBe('09:05:07');
    expect(stream.text()).toBe("[09:05:07] loaded 60000 images { from: 'mnist' }\n");
    createLogger({ stream, quiet: true })('hidden');
    expect(stream.lines()).toHaveLength(1);
  });
});
