import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError } from '@snn/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { lastEpochInMetrics, MetricsLog, readMetricsLog } from './metrics-log.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snn-cli-metrics-'));
});

describe('MetricsLog', () => {
  it('appends JSON lines to logs/metrics.jsonl and reads them back', async () => {
    const log = await MetricsLog.open(dir);
    expect(log.file).toBe(join(dir, 'logs', 'metrics.jsonl'));
    log.append({ epoch: 1, split: 'train', loss: 0.41, accuracy: 0.912 });
    log.append({ epoch: 1, split: 'test', loss: Number.POSITIVE_INFINITY, done: true, note: null });
    expect(await readFile(log.file, 'utf8')).toBe(
      '{"epoch":1,"split":"train","loss":0.41,"accuracy":0.912}\n{"epoch":1,"split":"test","loss":null,"done":true,"note":null}\n',
    );
    expect(await log.read()).toEqual([
      { epoch: 1, split: 'train', loss: 0.41, accuracy: 0.912 },
      { epoch: 1, split: 'test', loss: null, done: true, note: null },
    ]);
  });

  it('drops the records of epochs after a resumed checkpoint, atomically and with a warning', async () => {
    const warnings: string[] = [];
    const log = await MetricsLog.open(dir, { warn: (m) => warnings.push(m) });
    for (const epoch of [1, 2, 3, 3]) log.append({ epoch, loss: 1 / epoch });
    log.append({ note: 'no epoch' });
    expect(await log.dropEpochsAfter(3)).toBe(0);
    expect(warnings).toEqual([]);
    expect(await log.dropEpochsAfter(2)).toBe(2);
    expect(await log.read()).toEqual([{ epoch: 1, loss: 1 }, { epoch: 2, loss: 0.5 }, { note: 'no epoch' }]);
    expect(warnings).toEqual([`file ${log.file}: dropped 2 record(s) of epochs after 2, logged after the last saved checkpoint`]);
    log.append({ epoch: 3, loss: 0.25 });
    expect(lastEpochInMetrics(await log.read())).toBe(3);
  });

  it('rejects records that are not flat', async () => {
    const log = await MetricsLog.open(join(dir, 'm.jsonl'));
    expect(() => log.append({ epoch: 1, nested: { a: 1 } as unknown as number })).toThrow(
      'field nested: invalid metrics value; expected a number, string, boolean or null, found {"a":1}',
    );
  });

  it('drops a truncated last line with a warning when reading', async () => {
    const file = join(dir, 'metrics.jsonl');
    await writeFile(file, '{"epoch":1,"loss":0.5}\n{"epoch":2,"loss":0.4}\n{"epoch":3,"lo');
    const warnings: string[] = [];
    const records = await readMetricsLog(file, { warn: (m) => warnings.push(m) });
    expect(records).toEqual([
      { epoch: 1, loss: 0.5 },
      { epoch: 2, loss: 0.4 },
    ]);
    expect(warnings).toEqual([`file ${file}, line 3: dropped a truncated last line (the run was probably interrupted)`]);
    expect(lastEpochInMetrics(records)).toBe(2);
  });

  it('keeps a complete last line that lacks only its newline', async () => {
    const file = join(dir, 'metrics.jsonl');
    await writeFile(file, '{"epoch":1}\n{"epoch":2}');
    const warnings: string[] = [];
    expect(await readMetricsLog(file, { warn: (m) => warnings.push(m) })).toEqual([{ epoch: 1 }, { epoch: 2 }]);
    expect(warnings).toEqual([]);
  });

  it('repairs the tail on open so that new lines start clean', async () => {
    const file = join(dir, 'logs', 'metrics.jsonl');
    const first = await MetricsLog.open(dir);
    first.append({ epoch: 1 });
    await writeFile(file, `${await readFile(file, 'utf8')}{"epoch":2,"lo`);
    const warnings: string[] = [];
    const log = await MetricsLog.open(dir, { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([`file ${file}, line 2: dropped a truncated last line (the run was probably interrupted)`]);
    log.append({ epoch: 2 });
    expect(await readFile(file, 'utf8')).toBe('{"epoch":1}\n{"epoch":2}\n');
  });

  it('rejects a corrupt line that is not the last one', async () => {
    const file = join(dir, 'metrics.jsonl');
    await writeFile(file, '{"epoch":1}\nnot json\n{"epoch":3}\n');
    await expect(readMetricsLog(file)).rejects.toBeInstanceOf(FileFormatError);
    await expect(readMetricsLog(file)).rejects.toThrow(
      `file ${file}: corrupt metrics log at line 2; expected one JSON object per line, found "not json"`,
    );
  });

  it('reads a missing log as empty and finds no epoch in it', async () => {
    expect(await readMetricsLog(join(dir, 'none.jsonl'))).toEqual([]);
    expect(lastEpochInMetrics([{ loss: 1 }])).toBeUndefined();
  });
});
