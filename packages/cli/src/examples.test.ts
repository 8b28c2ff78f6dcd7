// The `@example` blocks of the exported TSDoc, run as written (so they stay true), and the whole
// flow an app goes through: config + flags -> run directory -> manifest, metrics, progress -> resume.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@snn/core';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  checkpointPath,
  compareConfigs,
  createApp,
  createLogger,
  createManifest,
  createProgress,
  createRunDir,
  editDistance,
  finishManifest,
  formatConfigIssue,
  getGlobalOptions,
  intInRange,
  loadConfig,
  MetricsLog,
  mergeOverrides,
  numberInRange,
  numberOption,
  oneOf,
  parseAssignments,
  parseConfig,
  parseNumberArg,
  percent,
  positive,
  positiveInt,
  prepareResume,
  readConfigFile,
  readManifest,
  runCli,
  suggest,
  timePhase,
  unitInterval,
  UsageError,
  updateManifest,
  writeManifest,
  writeResolvedConfig,
} from './index.js';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

function sink(isTTY = false): { write(s: string): boolean; isTTY: boolean; text(): string } {
  const parts: string[] = [];
  return {
    isTTY,
    write(s: string) {
      parts.push(s);
      return true;
    },
    text: () => parts.join(''),
  };
}

describe('TSDoc examples', () => {
  it('editDistance, suggest, formatConfigIssue', () => {
    expect(editDistance('hiden_size', 'hidden_size')).toBe(1);
    expect(editDistance('ecpohs', 'epochs')).toBe(2);
    expect(editDistance('epcohs', 'epochs')).toBe(1);
    expect(suggest('hiden_size', ['hidden_size', 'beta'])).toBe('hidden_size');
    expect(suggest('zzz', ['hidden_size', 'beta'])).toBeUndefined();
    expect(formatConfigIssue({ file: 'run.yaml', field: 'model.beta', expected: 'a number in [0, 1]', found: '1.5' })).toBe(
      'file run.yaml, field model.beta: expected a number in [0, 1], found 1.5',
    );
  });

  it('field helpers and parseConfig', () => {
    const schema = z.strictObject({ model: z.strictObject({ beta: unitInterval() }) });
    expect(messageOf(() => parseConfig({ model: { beta: 1.5 } }, schema, { file: 'run.yaml' }))).toBe(
      'file run.yaml, field model.beta: expected a number in [0, 1], found 1.5',
    );
    const model = z.strictObject({ hidden_size: positiveInt().default(256) });
    expect(messageOf(() => parseConfig({ hidden_size: 0 }, model))).toBe('field hidden_size: expected a positive integer, found 0');
    const dropout = z.strictObject({ dropout: numberInRange(0, 1, { maxExclusive: true }) });
    expect(messageOf(() => parseConfig({ dropout: 1 }, dropout))).toBe('field dropout: expected a number in [0, 1), found 1');
    const encoding = z.strictObject({ encoding: oneOf(['rate', 'latency']).default('rate') });
    expect(messageOf(() => parseConfig({ encoding: 'rat' }, encoding))).toBe(
      'field encoding: expected one of "rate", "latency", found "rat"; did you mean "rate"?',
    );
    expect(parseConfig({}, encoding).encoding).toBe('rate');
    expect(parseConfig({ kernel_size: 5 }, z.strictObject({ kernel_size: intInRange(1, 15) })).kernel_size).toBe(5);
    expect(parseConfig({}, z.strictObject({ lr: positive().default(1e-3) })).lr).toBe(1e-3);
  });

  it('parseAssignments, parseNumberArg, UsageError', () => {
    expect(parseAssignments(['training.epochs=5', 'encoding.kind=latency'])).toEqual({
      'training.epochs': 5,
      'encoding.kind': 'latency',
    });
    expect(parseNumberArg('5', 'positiveInt', '--epochs')).toBe(5);
    expect(messageOf(() => parseNumberArg('0.5', 'positiveInt', '--epochs'))).toBe(
      '--epochs must be a positive integer, found "0.5"',
    );
    expect(new UsageError('--resume and --force cannot be used together', { field: '--force' }).message).toBe(
      '--resume and --force cannot be used together',
    );
  });

  it('compareConfigs, percent', () => {
    expect(compareConfigs({ model: { hidden: 256 } }, { model: { hidden: 128 } }, ['model'])).toEqual([
      { field: 'model.hidden', saved: 256, requested: 128 },
    ]);
    expect(percent(0.912)).toBe('91.2%');
  });
});

/** Example schema of an snnTorch-style LIF trainer (the app defines the real one). */
const schema = z.strictObject({
  model: z
    .strictObject({ hidden_size: positiveInt().default(256), beta: unitInterval().default(0.95) })
    .prefault({}),
  encoding: z.strictObject({ kind: oneOf(['rate', 'latency']).default('rate'), num_steps: positiveInt().default(25) }).prefault({}),
  training: z.strictObject({ epochs: positiveInt().default(2), lr: positive().default(5e-4) }).prefault({}),
});
const architecture = ['model', 'encoding.num_steps'];

/** An app like the ones under apps/: `train [--config f] [--epochs n] [--hidden n] [--name n] [--resume] [--force]`. */
function trainerApp(stderr: ReturnType<typeof sink>): Command {
  const program = createApp({ name: 'toy', version: '0.0.1', description: 'toy trainer' });
  program
    .command('train')
    .option('-c, --config <file>', 'YAML or JSON config')
    .addOption(numberOption('--epochs <n>', 'training epochs', 'positiveInt'))
    .addOption(numberOption('--hidden <n>', 'hidden layer size', 'positiveInt'))
    .option('--name <name>', 'run name')
    .option('--resume', 'continue the run named by --name')
    .option('--force', 'overwrite the run named by --name')
    .option('--set <key=value...>', 'override any config field, e.g. training.lr=0.001')
    .action(async (opts, cmd: Command) => {
      const global = getGlobalOptions(cmd, {});
      const raw = opts.config ? await readConfigFile(opts.config) : {};
      // Flags the user did not give are undefined: list them first so that --set values are not masked.
      const overrides = { 'training.epochs': opts.epochs, 'model.hidden_size': opts.hidden, ...parseAssignments(opts.set ?? []) };
      const config = mergeOverrides(raw, overrides, schema, {
        file: opts.config,
      });
      const rng = new Rng(global.seed ?? 0);
      const run = await createRunDir({ root: global.runsDir, app: 'toy', name: opts.name, resume: opts.resume, force: opts.force, rng });
      let firstEpoch = 0;
      if (run.resumed) {
        const state = await prepareResume(run.path, config, architecture, { warn: () => {} });
        firstEpoch = state.epoch;
        await updateManifest(run.path, { status: 'running', resumedAt: [new Date().toISOString()] });
      } else {
        await writeResolvedConfig(run.path, config);
        const manifest = createManifest({ app: 'toy', name: run.name, seed: global.seed ?? 0, backend: { name: 'js', kernelClass: null } });
        await writeManifest(run.path, manifest);
      }
      const metrics = await MetricsLog.open(run.path, { warn: () => {} });
      const log = createLogger({ stream: stderr, quiet: global.quiet });
      await timePhase(run.path, 'train', async () => {
        for (let epoch = firstEpoch; epoch < config.training.epochs; epoch++) {
          const bar = createProgress({ total: 100, label: `epoch ${epoch + 1}/${config.training.epochs}`, unit: 'img', stream: stderr, env: { CI: '1' } });
          for (let i = 0; i < 10; i++) bar.increment(10, { loss: 1 / (epoch + 1), acc: percent(0.5 + epoch / 10) });
          bar.stop();
          metrics.append({ epoch: epoch + 1, loss: 1 / (epoch + 1) });
          await writeFile(checkpointPath(run.path, 'last'), `weights after epoch ${epoch + 1}`);
          await updateManifest(run.path, {
            lastCheckpoint: { file: 'checkpoints/last.safetensors', epoch: epoch + 1, savedAt: new Date().toISOString() },
          });
          log('epoch', epoch + 1, 'done');
        }
      });
      await finishManifest(run.path, { metrics: { finalLoss: 1 / config.training.epochs } });
    });
  return program;
}

describe('an app built on @snn/cli', () => {
  it('trains, refuses to overwrite, refuses a different architecture on resume, and resumes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'snn-cli-flow-'));
    const configFile = join(root, 'toy.yaml');
    await writeFile(configFile, 'model:\n  hidden_size: 64\ntraining:\n  epochs: 2\n');
    const runsDir = join(root, 'runs');
    const go = async (...args: string[]) => {
      const stderr = sink();
      const code = await runCli(trainerApp(stderr), ['--runs-dir', runsDir, '--seed', '3', ...args], {
        stdout: sink(),
        stderr,
        env: {},
        setExitCode: false,
      });
      return { code, err: stderr.text() };
    };

    const first = await go('train', '-c', configFile, '--name', 'r1');
    expect(first.code).toBe(0);
    expect(first.err).toContain('epoch 1/2 [100/100] loss 1 acc 50.0%');
    expect(first.err).toMatch(/\[\d\d:\d\d:\d\d\] epoch 2 done\n/);
    const dir = join(runsDir, 'toy', 'r1');
    const manifest = await readManifest(dir);
    expect(manifest).toMatchObject({
      app: 'toy',
      name: 'r1',
      seed: 3,
      status: 'completed',
      metrics: { finalLoss: 0.5 },
      lastCheckpoint: { epoch: 2 },
      backend: { name: 'js', kernelClass: null },
    });
    expect(manifest.phases.train.count).toBe(1);
    expect(manifest.versions.packages['@snn/cli']).toMatch(/^\d+\.\d+\.\d+/);
    expect(await readFile(join(dir, 'logs', 'metrics.jsonl'), 'utf8')).toBe('{"epoch":1,"loss":1}\n{"epoch":2,"loss":0.5}\n');
    expect(await loadConfig(join(dir, 'config.yaml'), schema)).toEqual({
      model: { hidden_size: 64, beta: 0.95 },
      encoding: { kind: 'rate', num_steps: 25 },
      training: { epochs: 2, lr: 5e-4 },
    });

    const again = await go('train', '-c', configFile, '--name', 'r1');
    expect(again.code).toBe(2);
    expect(again.err).toBe(`error: run directory ${dir} already exists and is not empty; choose another name, pass --resume to continue it, or --force to overwrite it\n`);

    const mismatch = await go('train', '-c', configFile, '--name', 'r1', '--resume', '--hidden', '128', '--epochs', '4');
    expect(mismatch.code).toBe(2);
    expect(mismatch.err).toBe(
      `error: file ${join(dir, 'config.yaml')}, field model.hidden_size: cannot resume with a different value; saved 64, requested 128\n`,
    );

    const resumed = await go('train', '-c', configFile, '--name', 'r1', '--resume', '--epochs', '4');
    expect(resumed.code).toBe(0);
    expect(resumed.err).not.toContain('epoch 1/4');
    expect(resumed.err).toContain('epoch 3/4 [100/100]');
    const after = await readManifest(dir);
    expect(after.lastCheckpoint?.epoch).toBe(4);
    expect(after.resumedAt).toHaveLength(1);
    expect(after.phases.train.count).toBe(2);
    expect((await readFile(join(dir, 'logs', 'metrics.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(4);

    const badConfig = join(root, 'bad.yaml');
    await writeFile(badConfig, 'model:\n  hiden_size: 64\n  beta: 1.5\n');
    const flag = await go('train', '-c', badConfig, '--epochs', '0');
    expect(flag.code).toBe(2);
    expect(flag.err).toBe('error: --epochs must be a positive integer, found "0"\n');
    const invalid = await go('train', '-c', badConfig, '--set', 'training.epochs=0', 'encoding.kind=rat');
    expect(invalid.code).toBe(2);
    expect(invalid.err).toBe(
      `error: file ${badConfig}, field model.beta: expected a number in [0, 1], found 1.5\n` +
        `error: file ${badConfig}, field model.hiden_size: unknown key "hiden_size" in model; did you mean "hidden_size"?\n` +
        'error: command line, field encoding.kind: expected one of "rate", "latency", found "rat"; did you mean "rate"?\n' +
        'error: command line, field training.epochs: expected a positive integer, found 0\n',
    );
  });

  it('rejects a config error as a ConfigError', () => {
    expect(() => parseConfig({ model: { beta: 2 } }, schema)).toThrow(ConfigError);
  });
});
