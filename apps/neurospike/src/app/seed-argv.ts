import { UsageError } from '@snn/cli';

/** The seed project's flag spellings and ours (`src/main.py --mode inference --model_path … --image_path …`). */
const FLAG_ALIASES: Readonly<Record<string, string>> = { '--model_path': '--model', '--image_path': '--image', '--config_path': '--config' };
const MODES: Readonly<Record<string, string>> = { train: 'train', inference: 'infer', infer: 'infer', evaluate: 'evaluate' };

/**
 * Translates the seed project's command line into ours: `--mode train|inference` becomes the
 * `train` / `infer` command and `--model_path`, `--image_path`, `--config_path` become `--model`,
 * `--image`, `--config` (also in the `--flag=value` form). A command line without `--mode` is
 * returned unchanged apart from the flag spellings.
 *
 * @param argv - the command line (without `node` and the script)
 * @throws `UsageError` for a `--mode` without a value or with another value than train/inference
 */
export function fromSeedArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  let mode: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '--mode') {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      mode = value === undefined ? undefined : MODES[value];
      if (mode === undefined) {
        throw new UsageError(`--mode: unknown mode; expected train or inference (the seed's modes), found ${value ?? 'nothing'}`, {
          field: '--mode',
          expected: 'train or inference',
          found: value ?? 'nothing',
        });
      }
      continue;
    }
    const alias = FLAG_ALIASES[name];
    out.push(alias === undefined ? arg : eq > 0 ? `${alias}${arg.slice(eq)}` : alias);
  }
  return mode === undefined ? out : [mode, ...out];
}
