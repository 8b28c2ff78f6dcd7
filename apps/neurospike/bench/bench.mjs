#!/usr/bin/env node
// neurospike bench: the snnTorch tutorial-5 timing (784-1000-10, T = 25, batch 128, Adam 5e-4) plus the
// app's own numbers per backend.
//
// 1. Runs packages/learning/bench/tutorial5.mjs (owned by @snn/learning): it times the BPTT trainer and
//    runs the PyTorch peer /work/shared/peers/torch_lif_bench.py in the same run, printing the ratio.
// 2. Trains configs/tutorial5.yaml on a stratified subset with the built CLI (`neurospike train`):
//    training images/s and peak RSS from the run manifest, wall time of the whole command.
// 3. `neurospike evaluate` on that network for each backend the app runs inference on: js (the
//    event-driven LifNetwork engine of @snn/learning) and the dense/LIF kernels of @snn/neurons on the
//    gpu.js cpu and webasm backends; prints forward-pass images/s and each process's peak RSS.
//
// Needs the built app and packages (`pnpm build`). Usage:
//   node bench/bench.mjs [--batches 30] [--no-torch] [--skip-tutorial5] [--data-prop 0.05]
//                        [--js-images 2000] [--gpu-images 100] [--backends js,cpu,webasm]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(APP, 'dist', 'cli.js');
const TUTORIAL5 = resolve(APP, '..', '..', 'packages', 'learning', 'bench', 'tutorial5.mjs');

const { values: args } = parseArgs({
  options: {
    batches: { type: 'string', default: '30' },
    'no-torch': { type: 'boolean', default: false },
    'skip-tutorial5': { type: 'boolean', default: false },
    'data-prop': { type: 'string', default: '0.05' },
    'js-images': { type: 'string', default: '2000' },
    'gpu-images': { type: 'string', default: '100' },
    backends: { type: 'string', default: 'js,cpu,webasm' },
  },
});

function run(command, argv, options = {}) {
  const start = performance.now();
  const result = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 1 << 26, ...options });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0) {
    process.stderr.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    throw new Error(`${command} ${argv.join(' ')} exited with ${result.status}`);
  }
  return { stdout: result.stdout, seconds };
}

if (!existsSync(CLI)) throw new Error(`${CLI} not found: run \`pnpm --filter @snn-apps/neurospike build\` first`);
const summary = {};

// 1. Tutorial-5 timing of @snn/learning, with the PyTorch peer in the same run.
if (!args['skip-tutorial5']) {
  if (!existsSync(TUTORIAL5)) throw new Error(`${TUTORIAL5} not found`);
  const t5args = [TUTORIAL5, '--batches', args.batches, ...(args['no-torch'] ? ['--no-torch'] : [])];
  console.log(`# tutorial 5 (${TUTORIAL5})`);
  const { stdout } = run(process.execPath, t5args, { cwd: dirname(dirname(TUTORIAL5)) });
  process.stdout.write(stdout);
  for (const line of stdout.split('\n')) {
    const m = /^(ours|torch|ratio)\s+(?:ours\/PyTorch\s+)?(\{.*\})\s*$/.exec(line);
    if (m) summary[`tutorial5_${m[1]}`] = JSON.parse(m[2]);
  }
}

// 2. The app's own training run of the tutorial-5 network on a subset.
const runs = mkdtempSync(join(tmpdir(), 'neurospike-bench-'));
try {
  const trainArgs = [CLI, 'train', '--config', join(APP, 'configs', 'tutorial5.yaml'), '--set', `training.data_prop=${args['data-prop']}`, '--runs-dir', runs, '--name', 'bench', '--no-figures', '--quiet'];
  console.log(`\n# neurospike train (tutorial5.yaml, data_prop ${args['data-prop']}, all 10,000 test images)`);
  const train = run(process.execPath, trainArgs, { cwd: APP });
  process.stdout.write(train.stdout);
  const runDir = join(runs, 'neurospike', 'bench');
  const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8'));
  summary.app_train = {
    backend: manifest.backend.name,
    train_images_per_s: manifest.metrics.trainImagesPerSecond,
    test_accuracy: manifest.metrics.testAccuracy,
    peak_rss_mib: manifest.metrics.peakRssMiB,
    wall_s: train.seconds,
  };
  console.log(JSON.stringify(summary.app_train));

  // 3. Inference per backend.
  console.log('\n# neurospike evaluate per backend (forward passes only)');
  summary.app_infer = {};
  for (const backend of args.backends.split(',').filter(Boolean)) {
    const limit = backend === 'js' ? args['js-images'] : args['gpu-images'];
    const { stdout } = run(process.execPath, [CLI, 'evaluate', '--model', runDir, '--backend', backend, '--limit', limit, '--json'], { cwd: APP });
    const r = JSON.parse(stdout.trim().split('\n').pop());
    summary.app_infer[backend] = { path: r.path, kernel_class: r.kernelClass, images: r.images, images_per_s: r.imagesPerSecond, accuracy: r.accuracy, peak_rss_mib: r.peakRssMiB };
    console.log(`${backend.padEnd(7)} ${String(r.kernelClass ?? 'LifNetwork engine').padEnd(22)} ${r.imagesPerSecond.toFixed(1).padStart(9)} images/s  (${r.images} images, accuracy ${(100 * r.accuracy).toFixed(2)}%, peak RSS ${r.peakRssMiB.toFixed(0)} MiB)`);
  }
} finally {
  rmSync(runs, { recursive: true, force: true });
}
console.log(`\nsummary ${JSON.stringify(summary)}`);
