import { oneOf, positiveInt } from '@snn/cli';
import { z } from 'zod';
import { NEURON_TYPES } from '../config/schema.js';

const bools = (): z.ZodArray<z.ZodBoolean> => z.array(z.boolean({ error: 'expected true or false' }), { error: 'expected a list of true/false' }).min(1, { error: 'expected at least one value' });

/** Most grid points of a sweep (each is a training run); the lists of a small file could multiply to millions. */
export const MAX_SWEEP_POINTS = 1024;

/**
 * The zod schema of a sweep file (YAML or JSON): a name, a `base` train config (any fields of a
 * train config; validated per grid point) and the grid over the seed's factors.
 */
export const sweepSchema = z.strictObject({
  name: z.string({ error: 'expected a sweep name' }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'expected letters, digits, ".", "_" or "-", starting with a letter or digit' }),
  base: z.record(z.string(), z.unknown(), { error: 'expected a mapping of train config fields' }).default({}),
  grid: z
    .strictObject({
      neuron: z.array(oneOf(NEURON_TYPES), { error: 'expected a list of neuron types' }).min(1, { error: 'expected at least one value' }).default(['lif', 'alif']),
      recurrent: bools().default([false, true]),
      periodic: bools().default([false, true]),
      hidden_size: z.array(positiveInt(), { error: 'expected a list of positive integers' }).min(1, { error: 'expected at least one value' }).default([64, 128]),
      learn_beta: bools().default([false]),
    })
    .prefault({})
    .superRefine((grid, ctx) => {
      const points = Object.values(grid).reduce((n, list) => n * list.length, 1);
      if (points > MAX_SWEEP_POINTS) ctx.addIssue({ code: 'custom', message: `expected at most ${MAX_SWEEP_POINTS} grid points (the product of the list lengths; this grid has ${points})` });
    }),
  findings: z
    .strictObject({
      metric: oneOf(['test', 'val']).default('test'),
      small_effect_pp: z.number({ error: 'expected a number of percentage points' }).min(0, { error: 'expected a number >= 0' }).default(2),
    })
    .prefault({}),
});

/** A validated sweep file. */
export type SweepConfig = z.output<typeof sweepSchema>;
