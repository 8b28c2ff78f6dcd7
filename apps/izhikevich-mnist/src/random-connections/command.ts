import { join } from 'node:path';
import { getGlobalOptions, numberOption } from '@snn/cli';
import type { Command } from 'commander';
import type { AppIo } from '../app/io.js';
import { writeConnections } from './write.js';

/**
 * Adds `random-connections`: writes the seeded initial connections of the Diehl & Cook network as `.npy` files.
 *
 * @param program - from `createApp`
 * @param io - streams and environment
 */
export function addRandomConnectionsCommand(program: Command, io: AppIo): void {
  program
    .command('random-connections')
    .description('write the initial Diehl & Cook connections (XeAe weights and delays, XeAi, AeAi, AiAe; AeAe2 … with --n-e2) as .npy files, seeded by --seed')
    .addOption(numberOption('--n-e <n>', 'excitatory (= inhibitory) neurons', 'positiveInt').default(400))
    .addOption(numberOption('--n-e2 <n>', 'neurons of an optional second excitatory layer', 'nonNegativeInt').default(0))
    .option('--out <dir>', 'output directory', join('random'))
    .action(async (flags: { nE: number; nE2: number; out: string }, cmd: Command) => {
      const global = getGlobalOptions(cmd, io.env);
      const files = await writeConnections(flags.out, flags.nE, flags.nE2, global.seed ?? 0);
      for (const f of files) io.stdout.write(`${f}\n`);
    });
}
