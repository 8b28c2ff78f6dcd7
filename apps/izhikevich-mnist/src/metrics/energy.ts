/**
 * Energy per operation of the Horowitz (2014) 45 nm model, in picojoules.
 *
 * @remarks
 * M. Horowitz, "Computing's energy problem (and what we can do about it)", IEEE ISSCC 2014,
 * pp. 10–14, table for a 45 nm process at 0.9 V: 32-bit float add 0.9 pJ, 32-bit float
 * multiply 3.7 pJ. A multiply-accumulate (MAC) costs one multiply and one add, 4.6 pJ; an
 * accumulate (AC, what a binary spike triggers at a synapse) costs one add, 0.9 pJ.
 */
export const HOROWITZ_45NM_PJ = Object.freeze({
  /** 32-bit float addition (pJ). */
  floatAdd: 0.9,
  /** 32-bit float multiplication (pJ). */
  floatMult: 3.7,
  /** Multiply-accumulate = multiply + add (pJ). */
  mac: 4.6,
  /** Accumulate = add (pJ), the cost of one synaptic operation driven by a binary spike. */
  ac: 0.9,
});

/** Joules in one picojoule. */
const PJ = 1e-12;

/**
 * Energy estimate of a spiking network: synaptic operations × E_AC.
 *
 * @remarks
 * `E_SNN = SynOps · E_AC` with `E_AC = 0.9 pJ` (Horowitz, ISSCC 2014, 45 nm). Only the
 * spike-driven accumulates are counted; neuron state updates and memory traffic are left out,
 * as in the usual SNN-vs-ANN comparisons (e.g. Rueckauer et al. 2017; Panda et al. 2020).
 *
 * @param synOps - synaptic operations (spike-driven accumulates)
 * @returns energy in joules
 */
export function snnEnergyJoules(synOps: number): number {
  return synOps * HOROWITZ_45NM_PJ.ac * PJ;
}

/**
 * Energy estimate of a conventional (non-spiking) network: MACs × E_MAC.
 *
 * @remarks
 * `E_ANN = MACs · E_MAC` with `E_MAC = 4.6 pJ` (3.7 pJ multiply + 0.9 pJ add; Horowitz,
 * ISSCC 2014, 45 nm).
 *
 * @param macs - multiply-accumulate operations
 * @returns energy in joules
 */
export function annEnergyJoules(macs: number): number {
  return macs * HOROWITZ_45NM_PJ.mac * PJ;
}

/**
 * The seed scripts' GPU power: an RTX 4060 Ti's thermal design power (TDP), 160 W, their default `TDP` constant.
 */
export const SEED_TDP_WATTS = 160;

/**
 * The seed scripts' energy estimate: the device's thermal design power times the wall time, in watt-hours.
 *
 * @remarks
 * `E = P_TDP · t / 3600` Wh (the seed's `energy_epoch = TDP * (epoch_time / 3600)`). It charges the whole device at
 * full power for the whole time, whatever it computes, so it measures time, not arithmetic; the SynOps × E_AC and
 * MACs × E_MAC figures ({@link snnEnergyJoules}, {@link annEnergyJoules}) count the arithmetic. 1 Wh = 3600 J.
 *
 * @param watts - the device's TDP (W)
 * @param seconds - wall time (s)
 * @returns energy in watt-hours
 */
export function tdpEnergyWh(watts: number, seconds: number): number {
  return (watts * seconds) / 3600;
}

/**
 * Joules with an SI prefix, 3 significant digits (e.g. `12.3 µJ`; below 1 pJ in pJ).
 *
 * @param j - energy in joules
 */
export function formatJoules(j: number): string {
  const units: Array<[number, string]> = [[1, 'J'], [1e-3, 'mJ'], [1e-6, 'µJ'], [1e-9, 'nJ'], [1e-12, 'pJ']];
  const [scale, unit] = units.find(([s]) => Math.abs(j) >= s) ?? units[units.length - 1];
  return `${(j / scale).toPrecision(3)} ${unit}`;
}
