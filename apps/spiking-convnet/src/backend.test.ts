import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNpy } from '@snn/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (s: string) => out.push(s) > 0 }, stderr: { write: (s: string) => err.push(s) > 0 }, env: { CI: '1' } }, out, err };
}

const root = mkdtempSync(join(tmpdir(), 'spiking-convnet-backend-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The seed's network with fewer maps and steps, so that the dense kernels (every neuron at every step) stay fast.
const config = join(root, 'small.yaml');
writeFileSync(
  config,
  readFileSync(new URL('../configs/tiny.yaml', import.meta.url), 'utf8')
    .replace('maps: 30', 'maps: 4')
    .replace('maps: 100', 'maps: 6')
    .replace('threshold: 15', 'threshold: 4')
    .replace('threshold: 10', 'threshold: 2')
    .replace('seed: 1', 'seed: 3'),
);

async function train(name: string, backend: string) {
  const c = capture();
  const code = await main(['--backend', backend, 'train', '-c', config, '--data-prop', '0.0002', '--test-size', '6', '--timesteps', '10', '--runs-dir', root, '--name', name, '--no-figures', '-q'], c.io);
  expect(c.err.join('')).toBe('');
  expect(code).toBe(0);
  const dir = join(root, 'spiking-convnet', name);
  return {
    manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')),
    w1: (await loadNpy(join(dir, 'conv1_weights.npy'))).data,
    w2: (await loadNpy(join(dir, 'conv2_weights.npy'))).data,
    winners2: Array.from((await loadNpy(join(dir, 'conv2_winners.npy'))).data),
    first: Array.from((await loadNpy(join(dir, 'features_test_first_spike.npy'))).data),
    counts: Array.from((await loadNpy(join(dir, 'features_train_window_counts.npy'))).data),
  };
}

describe('spiking-convnet --backend: the gpu.js kernels give the event-driven results', () => {
  let js: Awaited<ReturnType<typeof train>>;
  it('js (event-driven) reference run', async () => {
    js = await train('js', 'js');
    expect(js.manifest.backend).toMatchObject({ name: 'js', kernelClass: null, requested: 'js' });
    expect(js.winners2.length).toBeGreaterThan(4 * 10);
    expect(js.first.some((v) => v !== 255)).toBe(true);
  }, 30_000);

  for (const [backend, kernelClass] of [
    ['cpu', 'CPUKernel'],
    ['webasm', 'WebAssemblyKernel'],
  ]) {
    it(`${backend}: same STDP winners, weights within 1e-5, same features; backend in the manifest`, async () => {
      const k = await train(backend, backend);
      expect(k.manifest.backend).toMatchObject({ name: backend, kernelClass, requested: backend });
      expect(k.manifest.backend.reason).toContain('convStdpKernel');
      expect(k.winners2).toEqual(js.winners2);
      for (let i = 0; i < js.w1.length; i++) expect(Math.abs(k.w1[i] - js.w1[i]), `conv1 weight ${i}`).toBeLessThanOrEqual(1e-5);
      for (let i = 0; i < js.w2.length; i++) expect(Math.abs(k.w2[i] - js.w2[i]), `conv2 weight ${i}`).toBeLessThanOrEqual(1e-5);
      expect(k.first).toEqual(js.first);
      expect(k.counts).toEqual(js.counts);
    }, 60_000);
  }

  it('a backend that cannot start is an error, not a silent js run', async () => {
    const c = capture();
    expect(await main(['--backend', 'webgl', 'train', '-c', config, '--runs-dir', root, '--name', 'webgl', '-q'], c.io)).toBe(1);
    expect(c.err.join('')).toContain('backend webgl cannot start');
  });
});
