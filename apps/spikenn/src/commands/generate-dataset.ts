import { rm } from 'node:fs/promises';
import { numberOption, type AppIo } from '@snn/cli';
import { ValidationError } from '@snn/core';
import { loadNpy } from '@snn/core/node';
import { denseToSpikingDataset } from '@snn/datasets';
import { writeSeedSpikingDataset, writeSpikingDataset } from '@snn/datasets/node';
import type { Command } from 'commander';

/**
 * Adds `spikenn generate-dataset X.npy y.npy out` (SpikeNN's `generate_dataset.py`): dense first-spike times
 * `[N, D…]` and labels `[N]` → a SpikingDataset (`.npy` in the seed's format, any other extension in this
 * project's binary format). Times ≥ `--max-time` are silences. The inputs are kept unless `--rm-input`.
 * @param program - from `createApp`
 * @param io - output streams
 */
export function addGenerateDatasetCommand(program: Command, io: AppIo): void {
  program
    .command('generate-dataset')
    .description('convert dense first-spike times (X.npy, [N, D…]) and labels (y.npy) into a SpikingDataset file (.npy: SpikeNN format; .snnspk: this project\'s)')
    .argument('<data>', 'X.npy: firing times per input (float32/float64), times ≥ max time are silences')
    .argument('<labels>', 'y.npy: one integer label per sample')
    .argument('<output>', 'output file (.npy for SpikeNN, e.g. trainset.npy; .snnspk for this project)')
    .addOption(numberOption('--max-time <t>', 'end of the time window (the seed uses 1)', 'positive', 1))
    .option('--keep-labels', 'store labels as given instead of mapping the sorted distinct labels to 0..K−1 (the seed maps them)')
    .option('--rm-input', 'delete X.npy and y.npy after a successful conversion (the seed deletes them by default; here they are kept unless asked)')
    .action(async (data: string, labels: string, output: string, flags: { maxTime: number; keepLabels?: boolean; rmInput?: boolean }) => {
      const x = await loadNpy(data);
      const y = await loadNpy(labels);
      if (x.shape.length < 2) throw new ValidationError('data must have a sample axis and inputs', { file: data, field: 'shape', expected: '[N, D1, …]', found: `[${x.shape.join(', ')}]` });
      if (y.shape.length !== 1) throw new ValidationError('labels must be one-dimensional', { file: labels, field: 'shape', expected: '[N]', found: `[${y.shape.join(', ')}]` });
      const dataset = denseToSpikingDataset(x.data, x.shape[0], y.data, { maxTime: flags.maxTime, remapLabels: !flags.keepLabels, files: { data, labels } });
      if (output.endsWith('.npy')) await writeSeedSpikingDataset(output, dataset);
      else await writeSpikingDataset(output, dataset);
      io.stdout.write(`Successfully converted (${data} ; ${labels}) to ${output}: ${dataset.count} samples, ${dataset.inputSize} inputs, ${dataset.indices.length} spikes\n`);
      if (flags.rmInput) {
        await rm(data);
        await rm(labels);
      }
    });
}
