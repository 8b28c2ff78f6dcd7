import { describe, expect, it } from 'vitest';
import { type SweepRow, computeFindings, formatFindings, pairedEffect } from './findings.js';
import { pointLabel } from './figure.js';
import { gridPoints, sweepCsv, sweepMarkdown } from './run-sweep.js';

function row(neuron: 'lif' | 'alif', recurrent: boolean, periodic: boolean, hiddenSize: number, test: number): SweepRow {
  return { neuron, recurrent, periodic, hiddenSize, learnBeta: false, hash: `${neuron}${recurrent ? 'r' : ''}${periodic ? 'p' : ''}${hiddenSize}`, epochs: 3, bestEpoch: 3, trainAccuracy: test + 0.01, valAccuracy: test, testAccuracy: test };
}

describe('sweep grid and findings', () => {
  it('enumerates the grid in the seed order', () => {
    const points = gridPoints({ neuron: ['lif', 'alif'], recurrent: [false, true], periodic: [false], hidden_size: [64, 128], learn_beta: [false] });
    expect(points).toHaveLength(8);
    expect(points.map(pointLabel).slice(0, 3)).toEqual(['LIF REC✗ P✗ HN64', 'LIF REC✗ P✗ HN128', 'LIF REC✓ P✗ HN64']);
  });

  it('computes the paired effects and whether each finding holds', () => {
    // ALIF +2 pp over LIF; recurrent −10 pp; periodic −4 pp; hidden 128 vs 64: +1 pp.
    const rows: SweepRow[] = [];
    for (const neuron of ['lif', 'alif'] as const)
      for (const recurrent of [false, true])
        for (const periodic of [false, true])
          for (const hidden of [64, 128]) rows.push(row(neuron, recurrent, periodic, hidden, 0.8 + (neuron === 'alif' ? 0.02 : 0) - (recurrent ? 0.1 : 0) - (periodic ? 0.04 : 0) + (hidden === 128 ? 0.01 : 0)));
    expect(pairedEffect(rows, 'neuron', 'alif', 'lif').pairs).toBe(8);
    const findings = computeFindings(rows, { smallEffectPp: 2 });
    expect(findings.map((f) => [f.id, Number(f.effectPp.toFixed(6)), f.pairs, f.holds])).toEqual([
      ['alif-beats-lif', 2, 8, true],
      ['recurrent-lowers', -10, 8, true],
      ['periodic-lowers', -4, 8, true],
      ['hidden-size-matters-little', 1, 8, true],
      ['learn-beta-raises', Number.NaN, 0, null],
    ]);
    // Reversed data: LIF better, hidden size matters a lot.
    const flipped = rows.map((r) => ({ ...r, testAccuracy: r.testAccuracy + (r.neuron === 'lif' ? 0.05 : 0) + (r.hiddenSize === 128 ? 0.05 : 0) }));
    const f2 = computeFindings(flipped, { smallEffectPp: 2 });
    expect(f2[0]).toMatchObject({ holds: false });
    expect(f2[0].effectPp).toBeCloseTo(-3, 6);
    expect(f2[3]).toMatchObject({ holds: false, contrast: '128 − 64' });
    expect(f2[3].effectPp).toBeCloseTo(6, 6);
    const text = formatFindings(findings);
    expect(text.split('\n')[1]).toBe('ALIF beats LIF                               alif − lif            +2.00      8  yes');
    expect(text).toContain('n/a (not in the grid)');
  });

  it('writes the table as CSV and Markdown', () => {
    const rows = [row('lif', false, false, 64, 0.5), row('alif', false, false, 64, 0.75)];
    const csv = sweepCsv(rows);
    expect(csv.split('\n')).toEqual([
      'neuron,recurrent,periodic,hidden_size,learn_beta,hash,epochs,best_epoch,train_acc,val_acc,test_acc',
      'lif,false,false,64,false,lif64,3,3,0.510000,0.500000,0.500000',
      'alif,false,false,64,false,alif64,3,3,0.760000,0.750000,0.750000',
      '',
    ]);
    const md = sweepMarkdown('t', rows, computeFindings(rows), 'about');
    expect(md).toContain('| ALIF | no | no | 64 | no | 76.00 | 75.00 | 75.00 | 3/3 | `alif64` |');
    expect(md).toContain('| ALIF beats LIF | alif − lif | +25.00 | 1 | mean paired difference > 0 | yes |');
    expect(md).toContain('| hidden size matters little | 64 − 64 | – | 0 | \\|mean paired difference\\| <= 2 pp | n/a (not in the grid) |');
  });
});

describe('sweep command', () => {
  it('trains every grid point in its hash directory, writes the table, figure and findings, and resumes', async () => {
    const { existsSync, readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { runApp, tempDir } = await import('../testing/harness.js');
    const root = tempDir();
    const file = join(root, 'sweep.yaml');
    writeFileSync(
      file,
      [
        'name: tiny',
        'base:',
        '  model: { num_steps: 6 }',
        '  training: { epochs: 1, batch_size: 32, learning_rate: 0.005, data_prop: 0.004, test_prop: 0.01 }',
        '  seed: 3',
        'grid:',
        '  neuron: [lif, alif]',
        '  recurrent: [false]',
        '  periodic: [false]',
        '  hidden_size: [8, 16]',
        '',
      ].join('\n'),
    );
    const run = await runApp(['sweep', '--config', file, '--runs-dir', root, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const dir = join(root, 'snn-image-classification', 'sweeps', 'tiny');
    const csv = readFileSync(join(dir, 'sweep.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(5);
    expect(csv[1]).toMatch(/^lif,false,false,8,false,[0-9a-f]{12},1,1,0\.\d{6},0\.\d{6},0\.\d{6}$/);
    for (const f of ['sweep.md', 'findings.json', 'sweep-accuracy.png', 'sweep-accuracy.svg']) expect(existsSync(join(dir, f)), f).toBe(true);
    const findings = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')).findings as Array<{ id: string; pairs: number; holds: boolean | null }>;
    expect(findings.map((f) => [f.id, f.pairs])).toEqual([
      ['alif-beats-lif', 2],
      ['recurrent-lowers', 0],
      ['periodic-lowers', 0],
      ['hidden-size-matters-little', 2],
      ['learn-beta-raises', 0],
    ]);
    expect([findings[1].holds, findings[2].holds, findings[4].holds]).toEqual([null, null, null]);
    expect(typeof findings[0].holds).toBe('boolean');
    expect(run.stdout).toContain('ALIF beats LIF');
    expect(run.stdout).toContain(`sweep directory: ${dir} (4 points`);
    const hashes = csv.slice(1).map((l) => l.split(',')[5]);
    for (const h of hashes) expect(existsSync(join(root, 'snn-image-classification', h, 'checkpoints', 'best.safetensors'))).toBe(true);
    // Re-running resumes every point (nothing left to train) and gives the same table.
    const again = await runApp(['sweep', '--config', file, '--runs-dir', root, '--quiet']);
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'sweep.csv'), 'utf8').trim().split('\n')).toEqual(csv);
  }, 90_000);
});

describe('shipped sweep files', () => {
  it('give valid grid points with distinct parameters hashes (sweep-beta reuses the 16 of sweep)', async () => {
    const { parseConfig, readConfigFile } = await import('@snn/cli');
    const { configPath } = await import('../testing/paths.js');
    const { sweepSchema } = await import('./schema.js');
    const { pointConfig } = await import('./run-sweep.js');
    const { paramsHash, runParams } = await import('../run/params.js');
    const hashes: Record<string, string[]> = {};
    for (const [name, dataset, points] of [
      ['sweep', 'mnist', 16],
      ['sweep-fashion', 'fashion-mnist', 16],
      ['sweep-beta', 'mnist', 32],
    ] as const) {
      const file = configPath(name);
      const sweep = parseConfig(await readConfigFile(file), sweepSchema, { file });
      const configs = gridPoints(sweep.grid).map((p) => pointConfig(sweep, p, {}, file));
      expect(configs).toHaveLength(points);
      hashes[name] = configs.map((c) => paramsHash(runParams(c)));
      expect(new Set(hashes[name]).size).toBe(points);
      expect(configs.every((c) => c.dataset === dataset && c.model.num_steps === 25 && c.training.epochs === 3 && c.training.data_prop === 0.1)).toBe(true);
    }
    expect(hashes['sweep-beta'].filter((h) => hashes.sweep.includes(h))).toHaveLength(16);
  });
});

describe('sweep file validation', () => {
  it('names the sweep file and field for a bad grid value, and the command line for a bad --set', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { runApp, tempDir } = await import('../testing/harness.js');
    const root = tempDir();
    const file = join(root, 'bad.yaml');
    writeFileSync(file, 'name: bad\ngrid:\n  neuron: [lif, gif]\n  hidden_size: [0]\n');
    const run = await runApp(['sweep', '--config', file, '--runs-dir', root]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error: file ${file}, field grid.neuron[1]: expected one of "lif", "alif", found "gif"`);
    expect(run.stderr).toContain(`error: file ${file}, field grid.hidden_size[0]: expected a positive integer, found 0`);
    const ok = join(root, 'ok.yaml');
    writeFileSync(ok, 'name: ok\n');
    const set = await runApp(['sweep', '--config', ok, '--runs-dir', root, '--set', 'training.epochs=0']);
    expect(set.code).toBe(2);
    expect(set.stderr).toBe('error: command line, field training.epochs: expected a positive integer, found 0\n');
  });

  it('refuses a grid whose lists multiply past the point limit before training anything', async () => {
    const { existsSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { runApp, tempDir } = await import('../testing/harness.js');
    const root = tempDir();
    const file = join(root, 'huge.yaml');
    // 2 × 2 × 2 × 200 hidden sizes × 2 = 3200 training runs from a file of 1 KiB.
    const sizes = Array.from({ length: 200 }, (_, i) => 8 + i).join(', ');
    writeFileSync(file, `name: huge\ngrid:\n  learn_beta: [false, true]\n  hidden_size: [${sizes}]\n`);
    const run = await runApp(['sweep', '--config', file, '--runs-dir', root]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error: file ${file}, field grid: expected at most 1024 grid points (the product of the list lengths; this grid has 3200), found {"learn_beta":[false, true],`);
    expect(existsSync(join(root, 'snn-image-classification', 'sweeps', 'huge'))).toBe(false);
  });
});
