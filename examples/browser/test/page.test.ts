// The demo page in headless Chromium (Debian's `chromium`, driven by
// puppeteer-core: nothing downloads a browser). It trains on the `js` backend,
// on `webgl` (gpu.js WebGL 2 on SwiftShader) and briefly on `webgpu` (the
// browser's navigator.gpu, SwiftShader's adapter), checks the test accuracy
// against a floor, draws a "1" with pointer strokes and checks the predicted
// class, and saves a screenshot of each run in test-output/.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const OUT = join(root, 'test-output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface DemoState {
  state: string;
  backend: string | null;
  kernelClass: string | null;
  testAccuracy: number | null;
  testImages: number;
  trainImages: number;
  seconds: number | null;
  error: string | null;
  prediction: { label: number; probabilities: number[]; outputSpikes: number } | null;
}

/**
 * Each backend's run: training images (one epoch), the test-accuracy floor, and whether a drawn 1
 * is read back. `webgpu` (SwiftShader's Vulkan adapter) is a short check that the browser's
 * `navigator.gpu` trains at all; `js` and `webgl` train long enough to read a drawing.
 */
const RUNS = [
  { backend: 'js', kernelClass: null, train: 2000, floor: 0.75, draw: true },
  { backend: 'webgl', kernelClass: 'WebGL2Kernel', train: 640, floor: 0.6, draw: true },
  { backend: 'webgpu', kernelClass: 'WebGPUKernel', train: 192, floor: 0.3, draw: false },
] as const;

let server: PreviewServer;
let browser: Browser;
let url: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);
  }
  if (!existsSync(join(root, 'dist', 'index.html')) || !existsSync(join(root, 'dist', 'data', 'train-images.idx'))) {
    throw new Error('examples/browser is not built: run `npx -y pnpm@10.34.9 build` (the root test script builds first)');
  }
  mkdirSync(OUT, { recursive: true });
  server = await preview({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'silent', preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  url = (server.resolvedUrls?.local ?? [])[0];
  if (!url) throw new Error('vite preview did not report its address');
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // SwiftShader gives WebGL 2 and a WebGPU adapter without a GPU; root (CI) needs --no-sandbox.
    args: [
      '--no-sandbox',
      '--disable-dev-shm-usage',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--ignore-gpu-blocklist',
      '--enable-unsafe-webgpu',
      '--enable-features=Vulkan',
      '--use-webgpu-adapter=swiftshader',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function drawOne(page: Page): Promise<void> {
  const pad = await page.$('#pad');
  const box = await pad?.boundingBox();
  if (!box) throw new Error('no drawing pad on the page');
  await page.mouse.move(box.x + 150, box.y + 40);
  await page.mouse.down();
  for (let k = 1; k <= 20; k++) await page.mouse.move(box.x + 150 - k * 0.5, box.y + 40 + k * 10);
  await page.mouse.up();
}

describe('examples/browser in headless Chromium', () => {
  for (const run of RUNS) {
    it(`trains on ${run.backend} to ≥ ${run.floor * 100}% test accuracy${run.draw ? ' and reads a drawn 1' : ''}`, async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.setViewport({ width: 1080, height: 600 });
      await page.goto(`${url}?backend=${run.backend}&train=${run.train}&test=500&epochs=1`);
      await page.waitForFunction(() => ['done', 'error'].includes((window as unknown as { snnDemo?: DemoState }).snnDemo?.state ?? ''), {
        timeout: 100_000,
        polling: 250,
      });
      const trained = (await page.evaluate(() => (window as unknown as { snnDemo: DemoState }).snnDemo)) as DemoState;
      expect(errors).toEqual([]);
      expect(trained.error).toBeNull();
      expect(trained.state).toBe('done');
      expect(trained.backend).toBe(run.backend);
      expect(trained.kernelClass).toBe(run.kernelClass);
      expect(trained.trainImages).toBe(run.train);
      expect(trained.testImages).toBe(500);
      expect(trained.testAccuracy).toBeGreaterThanOrEqual(run.floor);
      if (!run.draw) {
        await page.screenshot({ path: join(OUT, `browser-demo-${run.backend}.png`) });
        console.log(`browser demo ${run.backend}: test accuracy ${(100 * (trained.testAccuracy ?? 0)).toFixed(1)}% after ${trained.seconds?.toFixed(1)} s of training`);
        await page.close();
        return;
      }

      await drawOne(page);
      await page.waitForFunction(() => (window as unknown as { snnDemo: DemoState }).snnDemo.prediction !== null, { timeout: 20_000 });
      const { prediction } = (await page.evaluate(() => (window as unknown as { snnDemo: DemoState }).snnDemo)) as DemoState;
      await page.screenshot({ path: join(OUT, `browser-demo-${run.backend}.png`) });
      expect(prediction?.probabilities).toHaveLength(10);
      expect(prediction?.label).toBe(1);
      expect(prediction?.outputSpikes).toBeGreaterThan(0);
      console.log(`browser demo ${run.backend}: test accuracy ${(100 * (trained.testAccuracy ?? 0)).toFixed(1)}% after ${trained.seconds?.toFixed(1)} s of training; drawn 1 read as ${prediction?.label} (p = ${prediction?.probabilities[1].toFixed(2)})`);
      await page.close();
    }, 150_000);
  }
});
