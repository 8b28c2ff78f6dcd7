/** One trained point of a sweep: its grid values and accuracies. */
export interface SweepRow {
  /** Hidden neuron model. */
  readonly neuron: 'lif' | 'alif';
  /** Recurrent hidden weights. */
  readonly recurrent: boolean;
  /** Periodic input signal instead of rate coding. */
  readonly periodic: boolean;
  /** Hidden neurons. */
  readonly hiddenSize: number;
  /** Learned decay factors. */
  readonly learnBeta: boolean;
  /** Parameters hash (run directory name). */
  readonly hash: string;
  /** Epochs trained. */
  readonly epochs: number;
  /** Epoch of the best validation accuracy. */
  readonly bestEpoch: number;
  /** Training accuracy (running) at the best epoch, a fraction. */
  readonly trainAccuracy: number;
  /** Best validation accuracy, a fraction. */
  readonly valAccuracy: number;
  /** Test accuracy at the best epoch, a fraction. */
  readonly testAccuracy: number;
}

/** The grid factors of a sweep, as {@link SweepRow} keys. */
export const SWEEP_FACTORS = ['neuron', 'recurrent', 'periodic', 'hiddenSize', 'learnBeta'] as const;

/** One of {@link SWEEP_FACTORS}. */
export type SweepFactor = (typeof SWEEP_FACTORS)[number];

/** A finding of the seed paper, checked against a sweep table. */
export interface Finding {
  /** Short id, e.g. `alif-beats-lif`. */
  readonly id: string;
  /** The claim, e.g. "ALIF beats LIF". */
  readonly claim: string;
  /** The factor it is about. */
  readonly factor: SweepFactor;
  /** Which level is compared with which, e.g. `alif − lif`. */
  readonly contrast: string;
  /** Mean paired difference of the accuracy (first level minus second), in percentage points; NaN without pairs. */
  readonly effectPp: number;
  /** Number of pairs of grid points that differ only in this factor. */
  readonly pairs: number;
  /** Whether the claim holds on this table; null when the grid has no pair for the factor. */
  readonly holds: boolean | null;
  /** How "holds" was decided. */
  readonly rule: string;
}

/** Options of {@link computeFindings}. */
export interface FindingsOptions {
  /** Accuracy compared: `test` (at the best validation epoch; default) or `val`. */
  readonly metric?: 'test' | 'val';
  /** Largest |mean paired difference|, in percentage points, that counts as "matters little"; default 2. */
  readonly smallEffectPp?: number;
}

type Level = string | number | boolean;

function key(row: SweepRow, except: SweepFactor): string {
  return SWEEP_FACTORS.filter((f) => f !== except)
    .map((f) => String(row[f]))
    .join('|');
}

/**
 * Mean paired difference `acc(first) − acc(second)` over grid points that differ only in `factor`,
 * in percentage points.
 *
 * @param rows - the sweep table
 * @param factor - the factor
 * @param first - its first level (e.g. `alif`)
 * @param second - its second level (e.g. `lif`)
 * @param metric - `test` or `val` accuracy
 * @returns the mean difference (NaN without pairs) and the number of pairs
 */
export function pairedEffect(rows: readonly SweepRow[], factor: SweepFactor, first: Level, second: Level, metric: 'test' | 'val' = 'test'): { effectPp: number; pairs: number } {
  const acc = (r: SweepRow): number => (metric === 'test' ? r.testAccuracy : r.valAccuracy);
  const a = new Map<string, SweepRow>();
  const b = new Map<string, SweepRow>();
  for (const r of rows) {
    if (r[factor] === first) a.set(key(r, factor), r);
    else if (r[factor] === second) b.set(key(r, factor), r);
  }
  let sum = 0;
  let pairs = 0;
  for (const [k, ra] of a) {
    const rb = b.get(k);
    if (rb === undefined) continue;
    sum += 100 * (acc(ra) - acc(rb));
    pairs++;
  }
  return { effectPp: pairs > 0 ? sum / pairs : Number.NaN, pairs };
}

/**
 * Checks the seed paper's findings on a sweep table, each from the mean paired difference of the
 * accuracy between grid points that differ only in one factor (the seed's "pairwise comparison").
 *
 * @remarks
 * Gince & Lamontagne-Caron (2022) report: ALIF beats LIF; recurrent connections lower the
 * accuracy (by 45 % on average); the periodic input signal lowers it (by 15 %); the number of
 * hidden neurons has no significant effect; and they name learning the decay factors as a way to
 * improve. Here a directional claim holds when the mean paired difference has the claimed sign;
 * "hidden size matters little" holds when the |mean paired difference| between the smallest and
 * the largest hidden size is at most `smallEffectPp` percentage points.
 *
 * @param rows - the sweep table
 * @param options - metric and the "matters little" tolerance
 */
export function computeFindings(rows: readonly SweepRow[], options: FindingsOptions = {}): Finding[] {
  const metric = options.metric ?? 'test';
  const small = options.smallEffectPp ?? 2;
  const sizes = [...new Set(rows.map((r) => r.hiddenSize))].sort((x, y) => x - y);
  const largest = sizes[sizes.length - 1] ?? 0;
  const smallest = sizes[0] ?? 0;
  const directional = (id: string, claim: string, factor: SweepFactor, first: Level, second: Level, sign: 1 | -1): Finding => {
    const { effectPp, pairs } = pairedEffect(rows, factor, first, second, metric);
    return {
      id,
      claim,
      factor,
      contrast: `${String(first)} − ${String(second)}`,
      effectPp,
      pairs,
      holds: pairs === 0 ? null : sign * effectPp > 0,
      rule: `mean paired difference ${sign > 0 ? '> 0' : '< 0'}`,
    };
  };
  const hidden = sizes.length < 2 ? { effectPp: Number.NaN, pairs: 0 } : pairedEffect(rows, 'hiddenSize', largest, smallest, metric);
  return [
    directional('alif-beats-lif', 'ALIF beats LIF', 'neuron', 'alif', 'lif', 1),
    directional('recurrent-lowers', 'recurrent connections lower accuracy', 'recurrent', true, false, -1),
    directional('periodic-lowers', 'periodic input lowers accuracy', 'periodic', true, false, -1),
    {
      id: 'hidden-size-matters-little',
      claim: 'hidden size matters little',
      factor: 'hiddenSize',
      contrast: `${largest} − ${smallest}`,
      effectPp: hidden.effectPp,
      pairs: hidden.pairs,
      holds: hidden.pairs === 0 ? null : Math.abs(hidden.effectPp) <= small,
      rule: `|mean paired difference| <= ${small} pp`,
    },
    directional('learn-beta-raises', 'learning the decay factors raises accuracy', 'learnBeta', true, false, 1),
  ];
}

/**
 * The findings as a text table (`finding | contrast | effect | pairs | holds here`).
 *
 * @param findings - from {@link computeFindings}
 */
export function formatFindings(findings: readonly Finding[]): string {
  const lines = ['finding                                      contrast        effect (pp)  pairs  holds here'];
  for (const f of findings) {
    const effect = Number.isNaN(f.effectPp) ? '-' : `${f.effectPp >= 0 ? '+' : ''}${f.effectPp.toFixed(2)}`;
    const holds = f.holds === null ? 'n/a (not in the grid)' : f.holds ? 'yes' : 'no';
    lines.push(`${f.claim.padEnd(44)} ${f.contrast.padEnd(15)} ${effect.padStart(11)}  ${String(f.pairs).padStart(5)}  ${holds}`);
  }
  return `${lines.join('\n')}\n`;
}
