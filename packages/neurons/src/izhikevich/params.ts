import { ValidationError } from '@snn/core';

/** Short names of the cortical and thalamic firing types of Izhikevich (2003), Fig. 2. */
export type IzhikevichPresetName = 'RS' | 'IB' | 'CH' | 'FS' | 'LTS' | 'TC' | 'RZ';

/** One firing type of the Izhikevich neuron: its four parameters and a readable name. */
export interface IzhikevichPreset {
  /** Readable name, e.g. `"regular spiking"`. */
  readonly label: string;
  /** Recovery time scale a, per ms. */
  readonly a: number;
  /** Sensitivity b of the recovery variable u to the membrane potential v (dimensionless). */
  readonly b: number;
  /** After-spike reset value c of v, in mV. */
  readonly c: number;
  /** After-spike increment d of u (in the unit of u, mV/ms). */
  readonly d: number;
}

/**
 * The (a, b, c, d) of the firing types in Izhikevich (2003), Fig. 2.
 *
 * @remarks
 * RS regular spiking (0.02, 0.2, −65, 8), IB intrinsically bursting
 * (0.02, 0.2, −55, 4), CH chattering (0.02, 0.2, −50, 2), FS fast spiking
 * (0.1, 0.2, −65, 2), LTS low-threshold spiking (0.02, 0.25, −65, 2), TC
 * thalamo-cortical (0.02, 0.25, −65, 0.05), RZ resonator (0.1, 0.26, −65, 2).
 * E. M. Izhikevich (2003), "Simple model of spiking neurons", IEEE
 * Transactions on Neural Networks 14(6):1569–1572.
 */
export const IZHIKEVICH_PRESETS: Readonly<Record<IzhikevichPresetName, IzhikevichPreset>> = Object.freeze({
  RS: Object.freeze({ label: 'regular spiking', a: 0.02, b: 0.2, c: -65, d: 8 }),
  IB: Object.freeze({ label: 'intrinsically bursting', a: 0.02, b: 0.2, c: -55, d: 4 }),
  CH: Object.freeze({ label: 'chattering', a: 0.02, b: 0.2, c: -50, d: 2 }),
  FS: Object.freeze({ label: 'fast spiking', a: 0.1, b: 0.2, c: -65, d: 2 }),
  LTS: Object.freeze({ label: 'low-threshold spiking', a: 0.02, b: 0.25, c: -65, d: 2 }),
  TC: Object.freeze({ label: 'thalamo-cortical', a: 0.02, b: 0.25, c: -65, d: 0.05 }),
  RZ: Object.freeze({ label: 'resonator', a: 0.1, b: 0.26, c: -65, d: 2 }),
});

/** How one time step is integrated: the paper's scheme or plain forward Euler. */
export type IzhikevichIntegration = 'izhikevich' | 'euler';

/** The integration schemes accepted by {@link izhikevichParams}. */
export const IZHIKEVICH_INTEGRATIONS: readonly IzhikevichIntegration[] = Object.freeze(['izhikevich', 'euler'] as const);

/**
 * Parameters of the Izhikevich neuron (validated and frozen by {@link izhikevichParams}).
 *
 * @remarks
 * `v' = 0.04v² + 5v + 140 − u + I`, `u' = a(bv − u)`, v in mV, t in ms; when
 * `v ≥ vPeak` the neuron spikes and `v ← c`, `u ← u + d`. Izhikevich (2003),
 * IEEE Trans. Neural Networks 14(6):1569. See {@link izhikevichStep}.
 */
export interface IzhikevichParams {
  /** The preset the values came from, or null when a, b, c and d were all given. */
  readonly preset: IzhikevichPresetName | null;
  /** Recovery time scale a, per ms. */
  readonly a: number;
  /** Sensitivity b of u to v (dimensionless). */
  readonly b: number;
  /** Reset value c of v after a spike, in mV (below `vPeakMv`). */
  readonly c: number;
  /** Increment d of u after a spike. */
  readonly d: number;
  /** Spike cut-off: a spike is emitted when v ≥ this, in mV. Default 30. */
  readonly vPeakMv: number;
  /** Initial membrane potential v(0), in mV; u(0) = b·v(0). Default −65 (the paper's network). */
  readonly vInitMv: number;
  /** Time step, in ms (> 0). Default 1. */
  readonly dtMs: number;
  /** `izhikevich` (two half-steps of dt/2 for v, then u from the new v; default) or `euler`. */
  readonly integration: IzhikevichIntegration;
}

/** Options of {@link izhikevichParams}; every field is optional. */
export interface IzhikevichParamsInput {
  /** Firing type whose a, b, c, d are the defaults. Default `RS`. */
  readonly preset?: IzhikevichPresetName;
  /** Recovery time scale a, per ms (overrides the preset). */
  readonly a?: number;
  /** Sensitivity b (overrides the preset). */
  readonly b?: number;
  /** Reset value c, in mV (overrides the preset). */
  readonly c?: number;
  /** After-spike increment d (overrides the preset). */
  readonly d?: number;
  /** Spike cut-off, in mV. Default 30. */
  readonly vPeakMv?: number;
  /** Initial v, in mV. Default −65. */
  readonly vInitMv?: number;
  /** Time step, in ms. Default 1. */
  readonly dtMs?: number;
  /** Integration scheme. Default `izhikevich`. */
  readonly integration?: IzhikevichIntegration;
}

function finite(value: unknown, field: string, expected = 'a finite number'): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError('invalid Izhikevich parameter', { field, expected, found: String(value) });
  }
  return value;
}

/**
 * Validates Izhikevich options, fills in the defaults and returns frozen {@link IzhikevichParams}.
 *
 * @param input - a preset (default `RS`) and/or explicit a, b, c, d; `vPeakMv` 30, `vInitMv` −65, `dtMs` 1, `integration` `izhikevich`
 * @param field - prefix of error fields (default `"izhikevich"`), e.g. `"neuron[1]"`
 * @throws `ValidationError` naming the field, e.g.
 *   `field izhikevich.preset: unknown Izhikevich preset; expected one of RS, IB, CH, FS, LTS, TC, RZ, found "XY"` or
 *   `field izhikevich.dtMs: invalid Izhikevich parameter; expected a finite number > 0, found 0`
 * @example
 * ```ts
 * const fs = izhikevichParams({ preset: 'FS' });
 * fs.a; // 0.1
 * ```
 */
export function izhikevichParams(input: IzhikevichParamsInput = {}, field = 'izhikevich'): IzhikevichParams {
  const presetName = input.preset ?? 'RS';
  if (typeof presetName !== 'string' || !Object.hasOwn(IZHIKEVICH_PRESETS, presetName)) {
    throw new ValidationError('unknown Izhikevich preset', {
      field: `${field}.preset`,
      expected: `one of ${Object.keys(IZHIKEVICH_PRESETS).join(', ')}`,
      found: JSON.stringify(presetName),
    });
  }
  const preset = IZHIKEVICH_PRESETS[presetName];
  const a = finite(input.a ?? preset.a, `${field}.a`);
  const b = finite(input.b ?? preset.b, `${field}.b`);
  const c = finite(input.c ?? preset.c, `${field}.c`);
  const d = finite(input.d ?? preset.d, `${field}.d`);
  const vPeakMv = finite(input.vPeakMv ?? 30, `${field}.vPeakMv`);
  if (!(c < vPeakMv)) {
    throw new ValidationError('reset value must lie below the spike cut-off', { field: `${field}.c`, expected: `a number < vPeakMv (${vPeakMv} mV)`, found: String(c) });
  }
  const vInitMv = finite(input.vInitMv ?? -65, `${field}.vInitMv`);
  const dtMs = finite(input.dtMs ?? 1, `${field}.dtMs`, 'a finite number > 0');
  if (dtMs <= 0) {
    throw new ValidationError('invalid Izhikevich parameter', { field: `${field}.dtMs`, expected: 'a finite number > 0', found: String(dtMs) });
  }
  const integration = input.integration ?? 'izhikevich';
  if (!IZHIKEVICH_INTEGRATIONS.includes(integration)) {
    throw new ValidationError('unknown integration scheme', {
      field: `${field}.integration`,
      expected: `one of ${IZHIKEVICH_INTEGRATIONS.join(', ')}`,
      found: JSON.stringify(integration),
    });
  }
  const explicit = input.preset === undefined && input.a !== undefined && input.b !== undefined && input.c !== undefined && input.d !== undefined;
  return Object.freeze({ preset: explicit ? null : presetName, a, b, c, d, vPeakMv, vInitMv, dtMs, integration });
}
