import { getGlobalOptions } from '@snn/cli';
import { type Command, Option } from 'commander';
import type { AppIo } from '../app/io.js';
import { type InferResult, type Readout, runInference } from '../infer/run-infer.js';

interface InferFlags {
  model: string;
  image: string;
  encoding?: 'rate' | 'latency';
  readout: Readout;
  centre: boolean;
  json?: boolean;
}

/** The result as the table printed by `neurospike infer`. */
export function formatInference(r: InferResult, imageFile: string): string {
  const lines: string[] = [];
  const prep = `${r.image.sourceWidth}×${r.image.sourceHeight} -> 28×28${r.image.centred ? ', cropped and centred by mass' : ''}${r.image.inverted ? `, inverted (light background, border mean ${r.image.borderMean.toFixed(0)})` : ''}`;
  lines.push(`image      ${imageFile} (${prep})`);
  lines.push(`model      ${r.checkpoint} (epoch ${r.epoch})`);
  lines.push(`encoding   ${r.settings.encoding.type}, ${r.settings.numSteps} steps`);
  lines.push(`backend    ${r.backend.name}${r.backend.kernelClass ? ` (${r.backend.kernelClass})` : ' (TypeScript references of @snn/neurons)'}`);
  lines.push(`readout    softmax of ${r.readout === 'counts' ? 'output spike counts' : 'mean output membrane'}`);
  lines.push('class  spikes  mean membrane  probability');
  for (let c = 0; c < r.probabilities.length; c++) {
    lines.push(`${String(c).padStart(5)}  ${String(r.counts[c]).padStart(6)}  ${r.meanMembrane[c].toFixed(4).padStart(13)}  ${r.probabilities[c].toFixed(4).padStart(11)}`);
  }
  lines.push(`predicted ${r.predicted} (probability ${r.probabilities[r.predicted].toFixed(4)})`);
  return `${lines.join('\n')}\n`;
}

/**
 * Adds `neurospike infer` to the program: classifies a digit image with a trained network.
 *
 * @param program - from `createApp`
 * @param io - output streams and environment
 */
export function addInferCommand(program: Command, io: AppIo): void {
  program
    .command('infer')
    .description('classify a digit image (PNG, JPEG, BMP, GIF, TIFF) with a trained network and print the class probabilities')
    .requiredOption('--model <path>', 'run directory (uses checkpoints/best, else last) or a .safetensors checkpoint')
    .requiredOption('--image <file>', 'the image; a light background is inverted to MNIST\'s white-on-black')
    .addOption(new Option('--encoding <type>', 'override the trained encoding type').choices(['rate', 'latency']))
    .addOption(new Option('--readout <kind>', 'probabilities from the softmax of the spike counts or of the mean output membrane').choices(['counts', 'membrane']).default('counts'))
    .option('--no-centre', 'only fit the image into 28×28 (no MNIST-style crop and centring by mass)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: InferFlags, cmd: Command) => {
      const global = getGlobalOptions(cmd, io.env);
      const result = await runInference({
        model: flags.model,
        image: flags.image,
        encoding: flags.encoding,
        readout: flags.readout,
        centre: flags.centre,
        backend: global.backend,
        seed: global.seed ?? 0,
      });
      for (const warning of result.image.warnings) io.stderr.write(`warning: file ${flags.image}: ${warning}\n`);
      if (flags.json) {
        const { image, ...rest } = result;
        const { pixels: _pixels, ...imageInfo } = image;
        io.stdout.write(`${JSON.stringify({ ...rest, image: { file: flags.image, ...imageInfo } })}\n`);
      } else {
        io.stdout.write(formatInference(result, flags.image));
      }
    });
}
