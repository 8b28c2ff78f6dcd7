import { describe, expect, it } from 'vitest';
import { confusionMatrix } from '../metrics/confusion-matrix.js';
import { assignNeurons, classifyByAssignment, classifyByProportion, proportionWeights, selectMisclassified } from './assignment.js';

describe('neuron class assignment (Diehl & Cook)', () => {
  // 4 samples × 4 neurons; classes 0, 1, 0, 2.
  const counts = [
    4, 0, 1, 0, //
    0, 3, 1, 0, //
    2, 0, 0, 0, //
    0, 1, 2, 0,
  ];
  const labels = [0, 1, 0, 2];
  it('assigns the class of the highest mean response; silent neurons get -1', () => {
    // neuron 2: class means 0.5 (c0), 1 (c1), 2 (c2) -> 2
    expect(Array.from(assignNeurons(counts, labels, 4, 3))).toEqual([0, 1, 2, -1]);
  });
  it('classifies by the mean count of assigned neurons, ties to the lowest class', () => {
    const a = assignNeurons(counts, labels, 4, 3);
    expect(Array.from(classifyByAssignment(counts, a, 4, 3))).toEqual([0, 1, 0, 2]);
    expect(Array.from(classifyByAssignment([0, 0, 0, 0, 1, 1, 0, 0], a, 4, 3))).toEqual([0, 0]);
    expect(Array.from(classifyByAssignment([0, 0, 0, 0], a, 4, 3, true))).toEqual([-1]);
    // class 0 has two neurons: mean (2 + 0)/2 = 1 loses against class 1's single neuron with 1.5.
    expect(Array.from(classifyByAssignment([2, 1.5, 0, 0], Int32Array.from([0, 1, 0, -1]), 4, 3))).toEqual([1]);
  });
  it('proportion weights: each neuron\'s class means divided by their sum; silent neurons 0', () => {
    // neuron 0: means 3 (c0), 0, 0 -> [1, 0, 0]; neuron 2: 0.5, 1, 2 -> [1/7, 2/7, 4/7]; neuron 3 silent.
    const p = proportionWeights(counts, labels, 4, 3);
    expect(p.length).toBe(12);
    expect([p[0], p[4], p[8]]).toEqual([1, 0, 0]);
    expect(p[2]).toBeCloseTo(1 / 7, 14);
    expect(p[6]).toBeCloseTo(2 / 7, 14);
    expect(p[10]).toBeCloseTo(4 / 7, 14);
    expect([p[3], p[7], p[11]]).toEqual([0, 0, 0]);
  });
  it('classifies by proportion-weighted votes: an untuned neuron counts less than a tuned one', () => {
    const p = Float64Array.from([0.9, 0.5, 0.1, 0.5]);
    const a = Int32Array.from([0, 1]);
    expect(Array.from(classifyByProportion([3, 4, 1, 4], a, p, 2, 2))).toEqual([0, 1]);
    expect(Array.from(classifyByAssignment([3, 4], a, 2, 2))).toEqual([1]);
    // On the fixture, every neuron is fully or mostly tuned: the same predictions as plain voting.
    const full = assignNeurons(counts, labels, 4, 3);
    expect(Array.from(classifyByProportion(counts, full, proportionWeights(counts, labels, 4, 3), 4, 3))).toEqual([0, 1, 0, 2]);
    expect(() => classifyByProportion([1, 2], a, [0.5], 2, 2)).toThrow('field proportions: proportions are not [numClasses, nNeurons]; expected 4 values, found 1');
    expect(() => classifyByProportion([1, 2], [0, 3], p, 2, 2)).toThrow('field assignments[1]: assignment out of range; expected an integer in [-1, 1], found 3');
  });
  it('feeds the confusion matrix and picks misclassified examples', () => {
    const pred = [0, 1, 2, 2, 0];
    const truth = [0, 2, 2, 1, 0];
    const cm = confusionMatrix(pred, truth, 3);
    expect(Array.from(cm.matrix)).toEqual([2, 0, 0, 0, 0, 1, 0, 1, 1]);
    const m = selectMisclassified(pred, truth, 10);
    expect(Array.from(m.indices)).toEqual([1, 3]);
    expect(Array.from(m.predicted)).toEqual([1, 2]);
    expect(Array.from(m.actual)).toEqual([2, 1]);
    expect(Array.from(selectMisclassified(pred, truth, 1).indices)).toEqual([1]);
  });
  it('errors name the field, expectation and value', () => {
    expect(() => assignNeurons([1, 2, 3], [0], 2, 3)).toThrow('field counts: spike counts are not [samples, neurons]; expected a multiple of 2 values, found 3 values');
    expect(() => assignNeurons([1, 2, 3, 4], [0], 2, 3)).toThrow('field counts: spike counts and labels differ in samples; expected 1 rows of 2, found 2 rows');
    expect(() => assignNeurons([1, 2], [5], 2, 3)).toThrow('field labels[0]: label out of range; expected an integer in [0, 2], found 5');
    expect(() => classifyByAssignment([1, 2], [0, 7], 2, 3)).toThrow('field assignments[1]: assignment out of range; expected an integer in [-1, 2], found 7');
    expect(() => selectMisclassified([1], [1], -1)).toThrow('field limit: invalid limit; expected an integer >= 0, found -1');
  });
});
