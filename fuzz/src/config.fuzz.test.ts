import { parseConfig, parseConfigText } from '@snn/cli';
import { describe, expect, it } from 'vitest';
import { gradientSchema } from '../../apps/izhikevich-mnist/src/config/schemas.js';
import { configSchema } from '../../apps/neurospike/src/config/schema.js';
import { fuzzReader, utf8 } from './harness.js';

const YAML_SEEDS = [
  'model:\n  hidden_size: 256\n  num_steps: 100\n  num_hidden_layers: 1\n  surrogate:\n    name: atan\n    alpha: 2\nencoding:\n  type: rate\n  gain: 0.8\ntraining:\n  epochs: 12\n  batch_size: 32\n  scheduler:\n    type: cosine\nseed: 0\nworkers: 2\n',
  'base: &base { hidden_size: 64, num_steps: 10 }\nmodel:\n  <<: *base\n  beta: 0.9\ntraining: { batch_size: [1, 2, 3] }\n',
  '- a\n- b: [1, {c: "x"}]\n',
];
const JSON_SEEDS = ['{"model": {"hidden_size": 128, "num_steps": 25}, "training": {"epochs": 2}, "seed": 1}'];

describe('fuzz: config reading and validation give only ConfigErrors, no hang, bounded memory', () => {
  it('YAML', async () => {
    const report = await fuzzReader(YAML_SEEDS.map(utf8), (bytes) => {
      const raw = parseConfigText(new TextDecoder().decode(bytes), 'yaml', 'fuzz.yaml');
      parseConfig(raw, configSchema, { file: 'fuzz.yaml' });
      parseConfig(raw, gradientSchema, { file: 'fuzz.yaml' });
    });
    expect(report.refused.ConfigError).toBeGreaterThan(0);
    expect(Object.keys(report.refused)).toEqual(['ConfigError']);
  });

  it('JSON', async () => {
    const report = await fuzzReader(JSON_SEEDS.map(utf8), (bytes) => {
      const raw = parseConfigText(new TextDecoder().decode(bytes), 'json', 'fuzz.json');
      parseConfig(raw, configSchema, { file: 'fuzz.json' });
    });
    expect(Object.keys(report.refused)).toEqual(['ConfigError']);
  });
});
