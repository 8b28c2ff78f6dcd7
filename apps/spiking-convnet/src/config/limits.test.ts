import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@snn/cli';
import { tempDir } from '@snn/cli/testing';
import { ValidationError } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { SIZE_LIMITS, estimateRunBytes } from './limits.js';
import { type ConfigOverrides, loadRunConfig } from './load.js';
import { type ConvnetConfig, configSchema } from './schema.js';

/** The default config with `edit` applied, written to a temp JSON file. */
async function configWith(edit: (c: ConvnetConfig) => void): Promise<string> {
  const config = structuredClone(await loadRunConfig('default'));
  edit(config);
  const file = join(tempDir(), 'edited.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

async function messageOf(file: string, overrides: ConfigOverrides = {}): Promise<string> {
  try {
    await loadRunConfig(file, overrides);
  } catch (error) {
    expect(error instanceof ConfigError || error instanceof ValidationError).toBe(true);
    return (error as Error).message.replace(file, 'FILE');
  }
  throw new Error('no error');
}

describe('size limits of the config', () => {
  it('bounds every size-like field, naming it', async () => {
    const cases: [(c: ConvnetConfig) => void, string][] = [
      [(c) => (c.conv2.maps = 1_000_000), 'field conv2.maps: expected an integer in [1, 1024], found 1000000'],
      [(c) => (c.conv1.kernel = 1e9), 'field conv1.kernel: expected an integer in [1, 28], found 1000000000'],
      [(c) => (c.pool2.kernel = 16), 'field pool2.kernel: expected an integer in [1, 15], found 16'],
      [(c) => (c.encoding.timesteps = 300), 'field encoding.timesteps: expected an integer in [2, 255], found 300'],
      [(c) => (c.encoding.dog = Array.from({ length: 17 }, () => ({ size: 7, sigma1: 1, sigma2: 2 }))), 'field encoding.dog: expected at most 16 items, found'],
      [(c) => (c.readout.rbf.max_train = 1e7), 'field readout.rbf.max_train: expected an integer in [1, 60000], found 10000000'],
      [(c) => (c.readout.linear.max_iter = 1e12), 'field readout.linear.max_iter: expected an integer in [1, 1000000], found 1000000000000'],
      [(c) => (c.conv1.epochs = 1e6), 'field conv1.epochs: expected an integer in [0, 1000], found 1000000'],
    ];
    for (const [edit, text] of cases) expect(await messageOf(await configWith(edit))).toContain(`file FILE, ${text}`);
  });

  it('refuses settings within the bounds whose images and features exceed the memory budget, naming the field most to blame', async () => {
    // 1024 maps × 7 × 7 features of 70,000 images: about 3.5 GiB per byte of a feature.
    const big = await configWith((c) => (c.conv2.maps = 1024));
    expect(await messageOf(big)).toMatch(
      /^file FILE, field conv2\.maps: expected settings whose images, spike trains and features \(50176 per image, estimateRunBytes\) fit in 8 GiB \(estimate [\d.]+ GiB\), found 1024$/,
    );
    // The same maps fit with a tenth of the images: the flag is part of the estimate.
    await expect(loadRunConfig(big, { dataProp: 0.1, testSize: 1000 })).resolves.toMatchObject({ conv2: { maps: 1024 } });
  });

  it('checks the flags within the same bounds', async () => {
    expect(await messageOf('default', { timesteps: 256 })).toBe('field --timesteps: time steps out of range; expected an integer in [2, 255], found 256');
    expect(await messageOf('default', { timesteps: 255 }).catch(() => 'accepted')).toBe('accepted');
  });

  it('estimates the seed config at a few GiB, potential features by their own pooling, and accepts every shipped config', async () => {
    const seed = await loadRunConfig('seed');
    const estimate = estimateRunBytes(seed);
    const images = 70000;
    const features = 100 * 7 * 7;
    expect(estimate?.features).toBe(features);
    // images; spike features (int16 + uint8) and the SVM's float32 matrix; the RBF SVM's rows
    expect(estimate?.bytes).toBe(images * (4 * 784 + 4 * 2 * 784 + 4 * 31) + images * features * 7 + 10000 * features * 16);
    const potential = estimateRunBytes({ ...seed, readout: { ...seed.readout, features: 'potential', potential_pool: { kernel: 6, stride: 4 }, standardize: true } });
    const potentials = 100 * 3 * 3; // 6 × 6 windows, stride 4 over conv2's 14 × 14
    // spike features; potentials, their SVM matrix and standardised copy (float32); the RBF SVM's rows of potentials
    expect(potential?.bytes).toBe(images * (4 * 784 + 4 * 2 * 784 + 4 * 31) + images * (features * 3 + potentials * 12) + 10000 * potentials * 16);
    expect(SIZE_LIMITS.timesteps).toBe(255);
    for (const name of ['seed', 'default', 'tiny']) expect(configSchema.safeParse(await loadRunConfig(name)).success).toBe(true);
  });
});
