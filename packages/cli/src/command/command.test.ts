import { BackendError, NumericError, ValidationError } from '@snn/core';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import { createApp, getGlobalOptions, parseBackendArg } from './app.js';
import { numberOption, parseNumberArg } from './numbers.js';
import { exitCodeFor, formatError, runCli } from './run-cli.js';
import { UsageError } from './usage-error.js';

function sink(): { write(s: string): boolean; text(): string } {
  const parts: string[] = [];
  return {
    write(s: string) {
      parts.push(s);
      return true;
    },
    text: () => parts.join(''),
  };
}

/** A small app: `train` records its options, `fail` throws what the test puts in `toThrow`. */
function exampleApp(): { program: Command; seen: Record<string, unknown>[]; failWith: { error: unknown } } {
  const program = createApp({ name: 'demo', version: '1.2.3', description: 'A demo app.' });
  const seen: Record<string, unknown>[] = [];
  const failWith: { error: unknown } = { error: undefined };
  program
    .command('train')
    .description('train the network')
    .addOption(numberOption('-e, --epochs <n>', 'training epochs', 'positiveInt', 3))
    .addOption(numberOption('--lr <x>', 'learning rate', 'positive'))
    .action((opts: Record<string, unknown>, cmd: Command) => {
      seen.push({ ...opts, ...getGlobalOptions(cmd, {}) });
    });
  program.command('fail').action(async () => {
    throw failWith.error;
  });
  return { program, seen, failWith };
}

async function run(argv: string[], setup?: (app: ReturnType<typeof exampleApp>) => void, env: Record<string, string> = {}) {
  const app = exampleApp();
  setup?.(app);
  const stdout = sink();
  const stderr = sink();
  const code = await runCli(app.program, argv, { stdout, stderr, env, setExitCode: false });
  return { code, out: stdout.text(), err: stderr.text(), seen: app.seen };
}

describe('parseNumberArg', () => {
  it('accepts numbers of each kind', () => {
    expect(parseNumberArg('5', 'positiveInt', '--epochs')).toBe(5);
    expect(parseNumberArg(' 1e3 ', 'positiveInt', '--n')).toBe(1000);
    expect(parseNumberArg('0', 'nonNegativeInt', '--seed')).toBe(0);
    expect(parseNumberArg('-3', 'int', '--offset')).toBe(-3);
    expect(parseNumberArg('5e-4', 'positive', '--lr')).toBe(5e-4);
    expect(parseNumberArg('0', 'nonNegative', '--decay')).toBe(0);
    expect(parseNumberArg('1', 'unitInterval', '--beta')).toBe(1);
    expect(parseNumberArg('-0.5', 'number', '--bias')).toBe(-0.5);
    expect(parseNumberArg('.5', 'number', '--x')).toBe(0.5);
  });

  it('rejects bad values with the flag, the expectation and what was found', () => {
    const cases: [string, Parameters<typeof parseNumberArg>[1], string, string][] = [
      ['abc', 'positiveInt', '--epochs', '--epochs must be a positive integer, found "abc"'],
      ['0', 'positiveInt', '--epochs', '--epochs must be a positive integer, found "0"'],
      ['2.5', 'positiveInt', '--epochs', '--epochs must be a positive integer, found "2.5"'],
      ['', 'number', '--x', '--x must be a number, found ""'],
      ['0x10', 'number', '--x', '--x must be a number, found "0x10"'],
      ['Infinity', 'positive', '--lr', '--lr must be a positive number, found "Infinity"'],
      ['0', 'positive', '--lr', '--lr must be a positive number, found "0"'],
      ['1.5', 'unitInterval', '--beta', '--beta must be a number in [0, 1], found "1.5"'],
      ['-1', 'nonNegativeInt', '--seed', '--seed must be a non-negative integer, found "-1"'],
      ['-1e-9', 'nonNegative', '--decay', '--decay must be a non-negative number, found "-1e-9"'],
    ];
    for (const [text, kind, name, message] of cases) {
      let caught: unknown;
      try {
        parseNumberArg(text, kind, name);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(UsageError);
      expect((caught as UsageError).message).toBe(message);
      expect((caught as UsageError).field).toBe(name);
    }
  });

  it('bounds a size-like value by its maximum', () => {
    expect(parseNumberArg('64', 'positiveInt', '--n-proc', 64)).toBe(64);
    expect(() => parseNumberArg('100000', 'positiveInt', '--n-proc', 64)).toThrow('--n-proc must be a positive integer <= 64, found "100000"');
  });

  it('checks backend names', () => {
    expect(parseBackendArg('webasm')).toBe('webasm');
    expect(() => parseBackendArg('gpu')).toThrow(
      '--backend must be one of auto, js, cpu, webasm, webgl, headlessgl, webgpu, found "gpu"',
    );
  });
});

describe('createApp and runCli', () => {
  it('parses global and command options', async () => {
    const r = await run(['--backend', 'cpu', '--seed', '42', '--runs-dir', 'out', 'train', '--epochs', '5', '--lr', '0.01']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.seen).toEqual([{ epochs: 5, lr: 0.01, backend: 'cpu', seed: 42, runsDir: 'out', quiet: false }]);
  });

  it('uses defaults, and SNN_BACKEND when --backend is not given', async () => {
    const r = await run(['train', '-q']);
    expect(r.seen).toEqual([{ epochs: 3, backend: 'auto', seed: undefined, runsDir: 'runs', quiet: true }]);
    const app = exampleApp();
    await runCli(app.program, ['train'], { stdout: sink(), stderr: sink(), setExitCode: false });
    const program = app.program.commands.find((c) => c.name() === 'train')!;
    expect(getGlobalOptions(program, { SNN_BACKEND: 'webasm' }).backend).toBe('webasm');
    expect(() => getGlobalOptions(program, { SNN_BACKEND: 'cuda' })).toThrow(
      'SNN_BACKEND must be one of auto, js, cpu, webasm, webgl, headlessgl, webgpu, found "cuda"',
    );
  });

  it('exits 2 with a clear message for a bad number', async () => {
    const r = await run(['train', '--epochs', 'abc']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('error: --epochs must be a positive integer, found "abc"\n');
    expect(r.seen).toEqual([]);
  });

  it('exits 2 for a bad backend and for commander usage errors', async () => {
    const backend = await run(['--backend', 'gpu', 'train']);
    expect(backend.code).toBe(2);
    expect(backend.err).toBe('error: --backend must be one of auto, js, cpu, webasm, webgl, headlessgl, webgpu, found "gpu"\n');
    const unknown = await run(['train', '--epoch', '3']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("error: unknown option '--epoch'");
    expect(unknown.err).toContain('(Did you mean --epochs?)');
    const missing = await run(['train', '--epochs']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("error: option '-e, --epochs <n>' argument missing");
  });

  it('prints every line of a config error and exits 2', async () => {
    const r = await run(['fail'], (app) => {
      app.failWith.error = new ConfigError([
        { file: 'run.yaml', field: 'model.beta', expected: 'a number in [0, 1]', found: '1.5' },
        { file: 'run.yaml', field: 'model.hiden_size', summary: 'unknown key "hiden_size" in model', hint: 'did you mean "hidden_size"?' },
      ]);
    });
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'error: file run.yaml, field model.beta: expected a number in [0, 1], found 1.5\n' +
        'error: file run.yaml, field model.hiden_size: unknown key "hiden_size" in model; did you mean "hidden_size"?\n',
    );
  });

  it('exits 1 for other toolkit errors, without a stack trace unless SNN_DEBUG=1', async () => {
    const setup = (app: ReturnType<typeof exampleApp>): void => {
      app.failWith.error = new BackendError('cannot start the webgpu backend', {
        field: 'backend',
        cause: new Error('no adapter'),
      });
    };
    const r = await run(['fail'], setup);
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: field backend: cannot start the webgpu backend\nerror: caused by: no adapter\n');
    const debug = await run(['fail'], setup, { SNN_DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.err).toContain('error: field backend: cannot start the webgpu backend\n');
    expect(debug.err).toMatch(/\n\s+at /);
    expect(debug.err).toContain('caused by: Error: no adapter');
  });

  it('reports unexpected errors as such, exit 1', async () => {
    const r = await run(['fail'], (app) => {
      app.failWith.error = new TypeError('x is not a function');
    });
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: unexpected TypeError: x is not a function\nerror: (set SNN_DEBUG=1 to see the stack trace)\n');
  });

  it('exits 0 for --help and --version, and the help lists everything', async () => {
    const version = await run(['--version']);
    expect(version.code).toBe(0);
    expect(version.out).toBe('1.2.3\n');
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const text of [
      'Usage: demo [options] [command]',
      'A demo app.',
      '--backend <name>',
      'choices:',
      '"webgl", "headlessgl",',
      '--seed <n>',
      '--runs-dir <dir>',
      '(default: "runs")',
      '-q, --quiet',
      '-V, --version',
      'train [options]',
      'train the network',
      'SNN_BACKEND',
      'SNN_DEBUG=1',
      'CI ',
      'Exit status:',
    ]) {
      expect(help.out).toContain(text);
    }
    const sub = await run(['train', '--help']);
    expect(sub.code).toBe(0);
    for (const text of ['Usage: demo train [options]', '-e, --epochs <n>', '(default: 3)', '--lr <x>', 'Global Options:', '--backend <name>', 'Exit status:']) {
      expect(sub.out).toContain(text);
    }
  });

  it('exits 2 when no command is given to an app with commands', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Usage: demo [options] [command]');
  });

  it('sets process.exitCode by default', async () => {
    const app = exampleApp();
    const before = process.exitCode;
    try {
      const code = await runCli(app.program, ['train', '--epochs', '0'], { stdout: sink(), stderr: sink() });
      expect(code).toBe(2);
      expect(process.exitCode).toBe(2);
    } finally {
      process.exitCode = before;
    }
  });
});

describe('exitCodeFor and formatError', () => {
  it('maps error classes to exit codes', () => {
    expect(exitCodeFor(new ValidationError('bad'))).toBe(2);
    expect(exitCodeFor(new UsageError('bad'))).toBe(2);
    expect(exitCodeFor(new NumericError('NaN loss'))).toBe(1);
    expect(exitCodeFor(new Error('x'))).toBe(1);
    expect(exitCodeFor('string')).toBe(1);
  });
  it('formats non-errors', () => {
    expect(formatError('oops')).toBe('error: unexpected failure: oops\n');
  });
});
