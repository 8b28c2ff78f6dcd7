import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@snn/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UsageError } from '../command/usage-error.js';
import { ConfigError } from './config-error.js';
import { intInRange, nonNegative, numberInRange, oneOf, positive, positiveInt, unitInterval } from './fields.js';
import { locateJsonError } from './json-locate.js';
import { configFormatOf, loadConfig, parseConfigText, readConfigFile } from './load.js';
import { combineOverrides, mergeOverrides, parseAssignments } from './overrides.js';
import { parseConfig } from './parse.js';
import { editDistance, suggest } from './suggest.js';

/** Example schema of an snnTorch-style LIF trainer (the app defines the real one). */
const exampleSchema = z.strictObject({
  model: z.strictObject({
    hidden_size: positiveInt().default(256),
    beta: unitInterval().default(0.95),
    threshold: positive().default(1),
    layers: z.array(positiveInt()).min(1).default([784, 256, 10]),
  }),
  encoding: z
    .strictObject({
      kind: oneOf(['rate', 'latency']).default('rate'),
      num_steps: positiveInt().default(100),
      gain: numberInRange(0, 1, { minExclusive: true }).default(1),
    })
    .prefault({}),
  training: z
    .strictObject({
      epochs: positiveInt().default(3),
      lr: positive().default(5e-4),
      weight_decay: nonNegative().default(0),
      batch_size: intInRange(1, 4096).default(128),
      name: z.string().optional(),
    })
    .prefault({}),
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snn-cli-config-'));
});

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

describe('suggest', () => {
  it('measures edit distance with swaps', () => {
    expect(editDistance('hiden_size', 'hidden_size')).toBe(1);
    expect(editDistance('epcohs', 'epochs')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('suggests only close candidates', () => {
    expect(suggest('hiden_size', ['beta', 'hidden_size', 'threshold'])).toBe('hidden_size');
    expect(suggest('hiddenSize', ['hidden_size'])).toBe('hidden_size');
    expect(suggest('zzz', ['hidden_size', 'beta'])).toBeUndefined();
  });
});

describe('parseConfig', () => {
  it('fills defaults', () => {
    const config = parseConfig({ model: {} }, exampleSchema);
    expect(config.model).toEqual({ hidden_size: 256, beta: 0.95, threshold: 1, layers: [784, 256, 10] });
    expect(config.training.epochs).toBe(3);
    expect(config.encoding.kind).toBe('rate');
  });

  it('reports a misspelt key with a suggestion', () => {
    const error = (() => {
      try {
        parseConfig({ model: { hiden_size: 128 } }, exampleSchema, { file: 'run.yaml' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(ValidationError);
    const e = error as ConfigError;
    expect(e.message).toBe('file run.yaml, field model.hiden_size: unknown key "hiden_size" in model; did you mean "hidden_size"?');
    expect(e.issues).toHaveLength(1);
    expect(e.file).toBe('run.yaml');
    expect(e.field).toBe('model.hiden_size');
  });

  it('lists valid keys when nothing is close, and names the top level', () => {
    const message = messageOf(() => parseConfig({ model: {}, trainig: {}, zzz: 1 }, exampleSchema, { file: 'c.yaml' }));
    expect(message.split('\n')).toEqual([
      'file c.yaml, field trainig: unknown key "trainig" in the top level; did you mean "training"?',
      'file c.yaml, field zzz: unknown key "zzz" in the top level; valid keys: model, encoding, training',
    ]);
  });

  it('reports beta 1.5, negative steps, hidden size 0 and a wrong type, one line each', () => {
    const message = messageOf(() =>
      parseConfig(
        { model: { hidden_size: 0, beta: 1.5 }, encoding: { num_steps: -5 }, training: { lr: 'fast' } },
        exampleSchema,
        { file: 'configs/mnist.yaml' },
      ),
    );
    expect(message.split('\n')).toEqual([
      'file configs/mnist.yaml, field model.hidden_size: expected a positive integer, found 0',
      'file configs/mnist.yaml, field model.beta: expected a number in [0, 1], found 1.5',
      'file configs/mnist.yaml, field encoding.num_steps: expected a positive integer, found -5',
      'file configs/mnist.yaml, field training.lr: expected a positive number, found "fast"',
    ]);
  });

  it('reports fractional integers, list items, enums with a hint, open bounds and plain zod types', () => {
    const message = messageOf(() =>
      parseConfig(
        {
          model: { hidden_size: 2.5, layers: [784, 0] },
          encoding: { kind: 'rat', gain: 0 },
          training: { batch_size: 5000, name: 7 },
        },
        exampleSchema,
      ),
    );
    expect(message.split('\n')).toEqual([
      'field model.hidden_size: expected a positive integer, found 2.5',
      'field model.layers[1]: expected a positive integer, found 0',
      'field encoding.kind: expected one of "rate", "latency", found "rat"; did you mean "rate"?',
      'field encoding.gain: expected a number in (0, 1], found 0',
      'field training.batch_size: expected an integer in [1, 4096], found 5000',
      'field training.name: expected a string, found 7',
    ]);
  });

  it('reports missing required sections and wrong container types', () => {
    expect(messageOf(() => parseConfig({}, exampleSchema, { file: 'a.json' }))).toBe(
      'file a.json, field model: missing; expected a mapping of keys to values',
    );
    expect(messageOf(() => parseConfig({ model: { layers: [] } }, exampleSchema))).toBe(
      'field model.layers: expected at least 1 item, found []',
    );
    expect(messageOf(() => parseConfig({ model: [] }, exampleSchema))).toBe(
      'field model: expected a mapping of keys to values, found []',
    );
  });
});

describe('parseConfigText and loadConfig', () => {
  it('chooses the format by extension and rejects others', () => {
    expect(configFormatOf('a.YAML')).toBe('yaml');
    expect(configFormatOf('a.yml')).toBe('yaml');
    expect(configFormatOf('dir/a.json')).toBe('json');
    expect(messageOf(() => configFormatOf('run.toml'))).toBe(
      'file run.toml: unsupported config file extension; expected .yaml, .yml or .json, found ".toml"',
    );
  });

  it('names the line of a YAML syntax error', () => {
    const text = 'model:\n  hidden_size: 128\n  layers: [784, 256\n  beta: 0.9\n';
    const error = (() => {
      try {
        parseConfigText(text, 'yaml', 'bad.yaml');
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.issues[0]).toMatchObject({ file: 'bad.yaml', line: 4, column: 3 });
    expect(error!.message.split('\n')[0]).toMatch(/^file bad\.yaml, line 4, column 3: invalid YAML: Flow sequence/);
  });

  it('reports duplicate YAML keys with their line', () => {
    expect(messageOf(() => parseConfigText('a: 1\nb: 2\na: 3\n', 'yaml', 'dup.yaml'))).toBe(
      'file dup.yaml, line 3, column 1: invalid YAML: Map keys must be unique',
    );
  });

  it('reads an empty YAML document as {}', () => {
    expect(parseConfigText('# nothing yet\n', 'yaml')).toEqual({});
  });

  it('names the line of a JSON syntax error', () => {
    expect(locateJsonError('{\n  "a": 1,\n  "b": }\n')).toEqual({ offset: 19, line: 3, column: 8 });
    expect(locateJsonError('{"a": [1, 2.5e3, -0.1, true, null, "x\\n"]}')).toBeUndefined();
    expect(locateJsonError('{"a": 1')).toEqual({ offset: 7, line: 1, column: 8 });
    expect(locateJsonError('[01]')).toEqual({ offset: 2, line: 1, column: 3 });
    expect(messageOf(() => parseConfigText('{\n  "a": 1,\n  "b": }\n', 'json', 'bad.json'))).toMatch(
      /^file bad\.json, line 3, column 8: invalid JSON: /,
    );
  });

  it('loads and validates YAML and JSON files', async () => {
    const yamlPath = join(dir, 'ok.yaml');
    await writeFile(yamlPath, 'model:\n  hidden_size: 128\n  beta: 0.9\ntraining:\n  epochs: 5\n');
    const config = await loadConfig(yamlPath, exampleSchema);
    expect(config.model.hidden_size).toBe(128);
    expect(config.model.beta).toBe(0.9);
    expect(config.training.epochs).toBe(5);
    expect(config.training.lr).toBe(5e-4);

    const jsonPath = join(dir, 'bad.json');
    await writeFile(jsonPath, JSON.stringify({ model: { beta: 1.5 } }));
    await expect(loadConfig(jsonPath, exampleSchema)).rejects.toThrow(
      `file ${jsonPath}, field model.beta: expected a number in [0, 1], found 1.5`,
    );
  });

  it('refuses a "billion laughs" YAML document with a ConfigError', () => {
    let text = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
    let previous = 'a';
    for (const name of 'bcdefghi') {
      text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]\n`;
      previous = name;
    }
    let error: unknown;
    try {
      parseConfigText(text, 'yaml', 'laughs.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'file laughs.yaml: YAML aliases expand too far; expected at most 100 alias expansions per alias, found aliases that expand to many copies (a "billion laughs" document)',
    );
  });

  it('refuses a config file over 1 MiB before reading it', async () => {
    const path = join(dir, 'big.yaml');
    await writeFile(path, `# ${'x'.repeat(2 ** 20)}\n`);
    await expect(readConfigFile(path)).rejects.toThrow(`file ${path}: config file too large; expected at most 1048576 bytes, found 1048579 bytes`);
  });

  it('says "a list" when the whole config is a list', () => {
    expect(messageOf(() => mergeOverrides(parseConfigText('- a\n- b\n', 'yaml', 'l.yaml'), {}, exampleSchema, { file: 'l.yaml' }))).toBe(
      'file l.yaml: the config must be a mapping of keys to values, found a list ["a", "b"]',
    );
  });

  it('reports a missing file', async () => {
    const path = join(dir, 'missing.yml');
    await expect(readConfigFile(path)).rejects.toThrow(`file ${path}: config file not found`);
    await expect(readConfigFile(path)).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('mergeOverrides', () => {
  it('applies dotted paths, skips undefined and re-validates', () => {
    const raw = { model: { hidden_size: 128, layers: [784, 256, 10] }, training: { epochs: 2 } };
    const config = mergeOverrides(
      raw,
      { 'training.epochs': 7, 'encoding.kind': 'latency', 'model.beta': undefined, 'model.layers.1': 64 },
      exampleSchema,
      { file: 'run.yaml' },
    );
    expect(config.training.epochs).toBe(7);
    expect(config.encoding.kind).toBe('latency');
    expect(config.model.beta).toBe(0.95);
    expect(config.model.layers).toEqual([784, 64, 10]);
    expect(raw.training.epochs).toBe(2);
    expect(raw.model.layers).toEqual([784, 256, 10]);
  });

  it('names the command line for bad overridden values and the file for the rest', () => {
    const message = messageOf(() =>
      mergeOverrides({ model: { beta: 2 } }, { 'training.epochs': 0 }, exampleSchema, { file: 'run.yaml' }),
    );
    expect(message.split('\n')).toEqual([
      'file run.yaml, field model.beta: expected a number in [0, 1], found 2',
      'command line, field training.epochs: expected a positive integer, found 0',
    ]);
  });

  it('rejects an override below a value that is not a section, and unknown override keys', () => {
    expect(messageOf(() => mergeOverrides({ model: { beta: 0.5 } }, { 'model.beta.x': 1 }, exampleSchema))).toBe(
      'command line, field model.beta.x: cannot set "model.beta.x" because model.beta is not a section',
    );
    expect(messageOf(() => mergeOverrides({ model: {} }, { 'training.epoch': 4 }, exampleSchema))).toBe(
      'command line, field training.epoch: unknown key "epoch" in training; did you mean "epochs"?',
    );
  });

  it('parses key=value assignments as YAML scalars', () => {
    expect(parseAssignments(['training.epochs=5', 'encoding.kind=latency', 'model.layers=[784, 64, 10]', 'x='])).toEqual({
      'training.epochs': 5,
      'encoding.kind': 'latency',
      'model.layers': [784, 64, 10],
      x: '',
    });
    expect(() => parseAssignments(['epochs'])).toThrow(UsageError);
    expect(messageOf(() => parseAssignments(['epochs']))).toBe('--set expects key=value, found "epochs"');
  });

  it('combines --set with dedicated flags: a given flag wins, a missing one keeps the --set value', () => {
    const set = parseAssignments(['training.epochs=5', 'data.train_size=300', 'seed=1']);
    const combined = combineOverrides(set, { 'training.epochs': undefined, 'data.train_size': 200, 'training.lr': undefined });
    expect(combined).toEqual({ 'training.epochs': 5, 'data.train_size': 200, seed: 1 });
    expect(set['data.train_size']).toBe(300);
  });
});
