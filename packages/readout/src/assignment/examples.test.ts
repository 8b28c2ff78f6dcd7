// The `@example` blocks of the assignment TSDoc, run as written.
import { describe, expect, it } from 'vitest';
import { assignNeurons, classifyByAssignment, selectMisclassified } from '../index.js';

describe('assignment TSDoc examples', () => {
  it('assign, classify, select errors', () => {
    expect(Array.from(assignNeurons([5, 0, 0, 1, 4, 0], [0, 1], 3, 2))).toEqual([0, 1, -1]);
    expect(Array.from(classifyByAssignment([5, 0, 0, 1, 4, 0], Int32Array.from([0, 1, -1]), 3, 2))).toEqual([0, 1]);
    expect(Array.from(selectMisclassified([1, 2, 0], [1, 3, 1], 10).indices)).toEqual([1, 2]);
  });
});
