#!/usr/bin/env node
// izhikevich-mnist bench: what `pnpm bench` measures for this app.
//
// 1. Izhikevich layer steps/s per backend: the TypeScript reference `izhikevichStep` of @snn/neurons (js)
//    and its gpu.js kernel `izhikevichStepKernel` on the backends that start here (cpu, webasm).
// 2. Training and evaluation throughput of each command (`gradient`, `stdp`, `mlp`, `cnn`) with the built
//    CLI on a subset of MNIST (images/s from the run's metrics, peak RSS from its manifest, wall time).
// 3. bench/diehl-cook.mjs (the Diehl & Cook commands), when present.
//
// Needs the built app and packages (`pnpm build`). Usage:
//   node bench/bench.mjs [--neurons 1024] [--steps 200] [--train-size 1000] [--test-size 500]
//                        [--backends js,cpu,webasm] [--commands gradient,stdp,mlp,cnn] [--skip-diehl-cook]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBackend } from '@snn/core';
import { izhikevichInitialState, izhikevichParams, izhikevichStep, izhikevichStepKernel } from '@snn/neurons';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(APP, 'dist', 'cli.js');

const { values: args } = parseArgs({
  options: {
    neurons: { type: 'string', default: '1024' },
    steps: { type: 'string', default: '200' },
    'train-size': { type: 'string', default: '1000' },
    'test-size': { type: 'string', default: '500' },
    backends: { type: 'string', default: 'js,cpu,webasm' },
    commands: { type: 'string', default: 'gradient,stdp,mlp,cnn' },
    'skip-diehl-cook': { type: 'boolean', default: false },
  },
});

const summary = {};

// 1. Izhikevich layer steps/s.
const n = Number(args.neurons);
const steps = Number(args.steps);
const params = izhikevichParams({ preset: 'RS' });
const input = new Float32Array(n).map((_, i) => 5 + (i % 10));
console.log(`# Izhikevich layer: ${n} RS neurons, ${steps} steps of ${params.dtMs} ms`);
for (const name of args.backends.split(',')) {
  let state = izhikevichInitialState(n, params);
  let spikes = 0;
  let seconds;
  if (name === 'js') {
    const start = performance.now();
    for (let t = 0; t < steps; t++) {
      const r = izhikevichStep(input, state, params);
      state = r.state;
      for (const s of r.spikes) spikes += s;
    }
    seconds = (performance.now() - start) / 1000;
  } else {
    let backend;
    try {
      backend = await createBackend(name);
    } catch (error) {
      console.log(`${name.padEnd(8)} unavailable: ${error.message}`);
      continue;
    }
    await izhikevichStepKernel(backend, input, state, params); // compile
    const start = performance.now();
    for (let t = 0; t < steps; t++) {
      const r = await izhikevichStepKernel(backend, input, state, params);
      state = r.state;
      for (const s of r.spikes) spikes += s;
    }
    seconds = (performance.now() - start) / 1000;
    backend.destroy();
  }
  const rate = steps / seconds;
  summary[`izhikevich_${name}`] = { steps_per_s: rate, neuron_updates_per_s: rate * n, spikes };
  console.log(`${name.padEnd(8)} ${rate.toFixed(1)} steps/s (${((rate * n) / 1e6).toFixed(2)} M neuron updates/s, ${spikes} spikes)`);
}

// 2. The app's commands on a subset of MNIST.
if (!existsSync(CLI)) throw new Error(`${CLI} not found: run \`pnpm --filter @snn-apps/izhikevich-mnist build\` first`);
const runs = mkdtempSync(join(tmpdir(), 'izhikevich-mnist-bench-'));
try {
  for (const command of args.commands.split(',')) {
    const argv = [CLI, command, '-c', join(APP, 'configs', `${command}.yaml`), '--epochs', '1', '--train-size', args['train-size'], '--test-size', args['test-size'], '--runs-dir', runs, '--name', 'bench', '--no-figures', '--quiet'];
    const start = performance.now();
    const result = spawnSync(process.execPath, argv, { encoding: 'utf8', cwd: APP, maxBuffer: 1 << 26 });
    const wall = (performance.now() - start) / 1000;
    if (result.status !== 0) {
      process.stderr.write(result.stderr);
      throw new Error(`izhikevich-mnist ${command} exited with ${result.status}`);
    }
    const dir = join(runs, 'izhikevich-mnist', command, 'bench');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const record = readFileSync(join(dir, 'logs', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).at(-1);
    summary[command] = {
      train_images_per_s: record.train_images_per_s,
      test_images_per_s: Number(args['test-size']) / record.test_seconds,
      test_accuracy: record.test_acc,
      peak_rss_mib: manifest.metrics.peakRssMiB,
      wall_s: wall,
    };
    console.log(`\n# ${command} (1 epoch, ${args['train-size']} training images, ${args['test-size']} test images)`);
    console.log(JSON.stringify(summary[command]));
  }
} finally {
  rmSync(runs, { recursive: true, force: true });
}

// 3. Diehl & Cook.
const diehlCook = join(APP, 'bench', 'diehl-cook.mjs');
if (!args['skip-diehl-cook'] && existsSync(diehlCook)) {
  console.log(`\n# ${diehlCook}`);
  const result = spawnSync(process.execPath, [diehlCook], { encoding: 'utf8', cwd: APP, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`bench/diehl-cook.mjs exited with ${result.status}`);
}

console.log(`\nsummary ${JSON.stringify(summary)}`);
