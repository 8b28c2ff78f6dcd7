// Izhikevich layer throughput: neuron-steps per second on every backend that works here.
// Usage: pnpm --filter @snn/neurons build && node packages/neurons/bench/izhikevich.mjs [--steps 200] [--sizes 1024,10000]
import { createBackend } from '@snn/core';
import { izhikevichInitialState, izhikevichParams, izhikevichStep, izhikevichStepKernel } from '../dist/index.js';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const steps = Number(arg('steps', '200'));
const sizes = arg('sizes', '1024,10000').split(',').map(Number);
const params = izhikevichParams({ preset: 'RS' });

function inputFor(n) {
  // A fixed current spread over 0..15 so that part of the layer spikes.
  return Float32Array.from({ length: n }, (_, i) => (15 * i) / n);
}

async function timeIt(run) {
  await run(5); // warm-up (kernel compilation, JIT)
  const start = process.hrtime.bigint();
  const spikes = await run(steps);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, spikes };
}

const rows = [];
for (const n of sizes) {
  const input = inputFor(n);
  const js = await timeIt(async (k) => {
    let state = izhikevichInitialState(n, params);
    let spikes = 0;
    for (let t = 0; t < k; t++) {
      const r = izhikevichStep(input, state, params);
      state = r.state;
      for (let i = 0; i < n; i++) spikes += r.spikes[i];
    }
    return spikes;
  });
  rows.push({ backend: 'js (reference)', n, ...js });
  for (const mode of ['cpu', 'webasm']) {
    let backend;
    try {
      backend = await createBackend(mode);
    } catch (error) {
      rows.push({ backend: `gpu.js ${mode}`, n, error: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const r = await timeIt(async (k) => {
      let state = izhikevichInitialState(n, params);
      let spikes = 0;
      for (let t = 0; t < k; t++) {
        const out = await izhikevichStepKernel(backend, input, state, params);
        state = out.state;
        for (let i = 0; i < n; i++) spikes += out.spikes[i];
      }
      return spikes;
    });
    rows.push({ backend: `gpu.js ${mode}`, n, ...r });
    await backend.destroy();
  }
}

console.log(`Izhikevich RS layer, ${steps} steps of 1 ms (paper scheme), Node ${process.version}`);
console.log('| backend | neurons | seconds | neuron-steps/s | spikes |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  if (r.error) console.log(`| ${r.backend} | ${r.n} | — | failed: ${r.error} | — |`);
  else console.log(`| ${r.backend} | ${r.n} | ${r.seconds.toFixed(3)} | ${((r.n * steps) / r.seconds).toExponential(2)} | ${r.spikes} |`);
}
