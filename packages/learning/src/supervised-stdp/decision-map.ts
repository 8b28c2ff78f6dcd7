import { ValidationError } from '@snn/core';

/**
 * How output neurons map to classes: neuron `j` belongs to class `⌊j / perClass⌋`, and within each group the first
 * `nonTargetPerClass` neurons are non-target neurons (Goupy et al. 2024, Sec. 4: Neuronal Competition Groups).
 */
export interface DecisionMap {
  /** Number of output neurons. */
  readonly neurons: number;
  /** Number of classes. */
  readonly classes: number;
  /** Neurons per class (a group). */
  readonly perClass: number;
  /** Non-target neurons per group. */
  readonly nonTargetPerClass: number;
}

/**
 * Builds a {@link DecisionMap}.
 * @param neurons - output neurons, a multiple of `classes`
 * @param classes - number of classes
 * @param nonTargetPerClass - non-target neurons per group (default 0), below the group size
 * @throws ValidationError naming the field when the sizes do not fit
 */
export function decisionMap(neurons: number, classes: number, nonTargetPerClass = 0): DecisionMap {
  if (!Number.isInteger(classes) || classes < 1) throw new ValidationError('invalid class count', { field: 'classes', expected: 'a positive integer', found: String(classes) });
  if (!Number.isInteger(neurons) || neurons < classes || neurons % classes !== 0) {
    throw new ValidationError('output neurons do not split evenly into classes', { field: 'n_neurons', expected: `a multiple of ${classes} classes`, found: String(neurons) });
  }
  const perClass = neurons / classes;
  if (!Number.isInteger(nonTargetPerClass) || nonTargetPerClass < 0 || nonTargetPerClass >= perClass) {
    throw new ValidationError('invalid non-target neuron count', { field: 'nt_neurons', expected: `an integer in [0, ${perClass - 1}] (neurons per class − 1)`, found: String(nonTargetPerClass) });
  }
  return { neurons, classes, perClass, nonTargetPerClass };
}

/** The class of neuron `j`. */
export function classOf(map: DecisionMap, j: number): number {
  return Math.floor(j / map.perClass);
}

/** True when neuron `j` is a target neuron (not one of its group's first `nonTargetPerClass`). */
export function isTargetNeuron(map: DecisionMap, j: number): boolean {
  return j % map.perClass >= map.nonTargetPerClass;
}

/** The target neurons of class `c`, ascending. */
export function targetNeurons(map: DecisionMap, c: number): number[] {
  const out: number[] = [];
  for (let j = c * map.perClass + map.nonTargetPerClass; j < (c + 1) * map.perClass; j++) out.push(j);
  return out;
}
