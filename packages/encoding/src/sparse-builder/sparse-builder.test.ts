import { describe, expect, it } from 'vitest';
import { SparseBuilder } from './sparse-builder.js';

describe('SparseBuilder', () => {
  it('grows past its capacity hint and keeps rows', () => {
    const builder = new SparseBuilder(1, 3, 50, 1);
    for (let i = 0; i < 20; i++) builder.push(i);
    builder.endRow();
    builder.endRow();
    for (let i = 0; i < 30; i++) builder.push(i + 10);
    builder.endRow();
    const s = builder.finish();
    expect(Array.from(s.offsets)).toEqual([0, 20, 20, 50]);
    expect(s.indices.length).toBe(50);
    expect(s.indices[19]).toBe(19);
    expect(s.indices[49]).toBe(39);
    expect([s.batch, s.numSteps, s.size]).toEqual([1, 3, 50]);
  });
});
