import { z } from 'zod';

/** Largest output layer accepted (weights are allocated as neurons × inputs float32). */
export const MAX_NEURONS = 100_000;
/** Largest weight matrix accepted, in values (1 GiB of float32). */
export const MAX_WEIGHTS = 2 ** 28;
/** Most worker threads of `kfold` / `gridsearch` (`--n-proc`); each holds a copy of the dataset. */
export const MAX_WORKERS = 64;
/** Most folds of `make-folds` / `kfold` (`--K`). */
export const MAX_FOLDS = 1000;

const finite = z.number().finite();
const positive = finite.positive();
const rate = finite.min(0).lt(1);

/** One layer of SpikeNN's `network` list. */
const layerShape = {
  n_neurons: z.number().int().min(1).max(MAX_NEURONS),
  firing_threshold: positive,
  leak_tau: positive.nullable().optional(),
  w_init_normal: z.boolean(),
  w_init_mean: finite,
  w_init_std: finite.min(0),
  w_norm: z.boolean(),
  w_min: finite,
  w_max: finite,
};

const optimizerShape = {
  method: z.enum(['s2stdp', 'rstdp', 's4nn']),
  stdp: z.enum(['additive', 'multiplicative']).optional(),
  class_inhib: z.boolean().optional(),
  use_time_ranges: z.boolean().optional(),
  t_gap: finite.min(0).optional(),
  ap: finite.optional(),
  am: finite.optional(),
  anti_ap: finite.optional(),
  anti_am: finite.optional(),
  annealing: finite.min(0),
  adaptive_lr: z.boolean().optional(),
  ignore_silent: z.boolean().optional(),
  beta: finite.optional(),
  w_min: finite.optional(),
  w_max: finite.optional(),
  lr: finite.optional(),
};

const regularizerShape = {
  thr_lr: finite.min(0),
  thr_anneal: finite.min(0),
  use_two_thr: z.boolean().optional(),
};

const trainerShape = {
  epochs: z.number().int().min(1).max(100_000),
  nt_neurons: z.number().int().min(0).optional(),
  early_stopping: z.number().int().min(0),
  dropout_in: rate.optional(),
  dropout_out: rate.optional(),
  gridsearch_stop_acc: finite.min(0).max(1).optional(),
};

function requireFields(method: string, names: readonly string[]) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (value.method !== method) return;
    for (const name of names) {
      if (value[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `required by method "${method}"` });
    }
  };
}

/**
 * A SpikeNN run config (`config/<features>/<dataset>/<rule>.json` of ggoupy/SpikeNN), read unchanged: `network` (one layer),
 * `optimizer`, optional `regularizer`, `trainer`. Unknown keys and rule names are errors naming the field.
 */
export const runConfigSchema = z.strictObject({
  network: z
    .array(z.strictObject(layerShape).refine((l) => l.w_min < l.w_max, { message: 'w_min must be below w_max', path: ['w_min'] }))
    .length(1, { message: 'exactly one layer (SpikeNN trains only the output layer; hidden layers are not trained there either)' }),
  optimizer: z
    .strictObject(optimizerShape)
    .superRefine(requireFields('s2stdp', ['t_gap', 'ap', 'am']))
    .superRefine(requireFields('rstdp', ['ap', 'am']))
    .superRefine(requireFields('s4nn', ['t_gap', 'lr']))
    .superRefine((o, ctx) => {
      if (o.stdp === 'multiplicative') for (const name of ['beta', 'w_min', 'w_max'] as const) if (o[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'required by stdp "multiplicative"' });
    }),
  regularizer: z.strictObject(regularizerShape).optional(),
  trainer: z.strictObject(trainerShape),
});

/** A parsed run config. */
export type RunConfig = z.output<typeof runConfigSchema>;

/** A leaf of a grid-search config: one value or a non-empty list of alternatives. */
function orList<T extends z.ZodType>(schema: T) {
  return z.union([schema, z.array(schema).min(1)]);
}

function gridShape<S extends Record<string, z.ZodType>>(shape: S): { [K in keyof S]: ReturnType<typeof orList<S[K]>> } {
  const out: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.entries(shape)) {
    const base = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
    out[key] = schema instanceof z.ZodOptional ? orList(base).optional() : orList(base);
  }
  return out as { [K in keyof S]: ReturnType<typeof orList<S[K]>> };
}

/**
 * A SpikeNN grid-search config (`config/<features>/<dataset>/gs/<rule>.json`): the run layout where any value may be a list of
 * alternatives; the grid is their Cartesian product. Each point is then checked as a {@link runConfigSchema}.
 */
export const gridConfigSchema = z.strictObject({
  network: z.array(z.strictObject(gridShape(layerShape))).length(1, { message: 'exactly one layer' }),
  optimizer: z.strictObject(gridShape(optimizerShape)),
  regularizer: z.strictObject(gridShape(regularizerShape)).optional(),
  trainer: z.strictObject(gridShape(trainerShape)),
});

/** A parsed grid-search config. */
export type GridConfig = z.output<typeof gridConfigSchema>;
