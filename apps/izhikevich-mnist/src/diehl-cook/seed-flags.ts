/**
 * The flag spellings of the seed's Brian 2 script (`MNIST_Brian2.py`) and the `diehl-cook train` flags they stand
 * for. `--resume_from` takes the seed's iteration number as well as our run or checkpoint path; `--data_path` is the
 * directory of initial weights (ours: `--weights-dir`); `--test_mode` evaluates the trained network on the test
 * images; `--num_threads` splits the frozen passes over worker threads.
 */
export const SEED_FLAG_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  '--n_e': '--n-e',
  '--n_e2': '--n-e2',
  '--example_time': '--example-time',
  '--resting_time': '--resting-time',
  '--num_examples': '--num-examples',
  '--update_interval': '--update-interval',
  '--weight_update_interval': '--weight-update-interval',
  '--save_interval': '--save-interval',
  '--input_intensity': '--input-intensity',
  '--weight_sum': '--weight-sum',
  '--num_threads': '--num-threads',
  '--resume_from': '--resume-from',
  '--mnist_path': '--mnist-path',
  '--data_path': '--weights-dir',
  '--save_path': '--save-path',
  '--test_mode': '--test-mode',
});

/**
 * Rewrites the seed's spellings (`--n_e 400`, `--save_path=./results/`) into ours for the `diehl-cook train`
 * command; any other command line is returned unchanged, and nothing after `--` is touched.
 *
 * @param argv - the command line without `node` and the script
 * @returns a new array
 */
export function rewriteSeedFlags(argv: readonly string[]): string[] {
  const dc = argv.indexOf('diehl-cook');
  if (dc < 0 || argv[dc + 1] !== 'train') return [...argv];
  return argv.map((token, k) => {
    if (k <= dc + 1 || argv.slice(0, k).includes('--')) return token;
    const eq = token.indexOf('=');
    const name = eq < 0 ? token : token.slice(0, eq);
    const ours = SEED_FLAG_ALIASES[name];
    return ours === undefined ? token : `${ours}${eq < 0 ? '' : token.slice(eq)}`;
  });
}
