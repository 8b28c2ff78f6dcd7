import { getGlobalOptions, readConfigFile, type AppIo } from '@snn/cli';
import type { Command } from 'commander';
import { runOnce } from '../train/run-point.js';

/**
 * Adds `spikenn run <data> <out> <config>` (SpikeNN's `run.py`): one training run with the seed's log lines and
 * this project's run directory.
 * @param program - from `createApp`
 * @param io - output streams
 * @param argv - command line for the manifest
 */
export function addRunCommand(program: Command, io: AppIo, argv: readonly string[]): void {
  program
    .command('run')
    .description('train a readout on <data>/trainset.npy (validation: valset.npy, test: testset.npy) and write the run into <out>')
    .argument('<data>', 'dataset folder with trainset.npy and optional valset.npy / testset.npy (SpikeNN SpikingDataset or .snnspk)')
    .argument('<out>', 'run directory: readout_log.txt, config.yaml, manifest.json, logs/metrics.jsonl, weights.npy, figs/, report.html')
    .argument('<config>', 'SpikeNN JSON config (e.g. configs/seed.json)')
    .option('--init-weights <file.npy>', 'start from these weights [n_neurons, inputs] (e.g. the seed\'s initial weights, for a same-start comparison) instead of drawing them')
    .option('--no-report', 'skip figures and report.html')
    .action(async (data: string, out: string, configPath: string, flags: { report: boolean; initWeights?: string }, cmd: Command) => {
      const global = getGlobalOptions(cmd, io.env);
      const config = await readConfigFile(configPath);
      const result = await runOnce({
        dataDir: data,
        outDir: out,
        config,
        configFile: configPath,
        seed: global.seed ?? 0,
        echo: global.quiet ? undefined : (line) => io.stderr.write(`${line}\n`),
        argv,
        noReport: !flags.report,
        initWeights: flags.initWeights,
      });
      io.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
