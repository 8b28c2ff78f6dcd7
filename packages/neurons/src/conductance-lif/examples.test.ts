// The `@example` blocks of the conductance-LIF TSDoc, run as written.
import { createBackend } from '@snn/core';
import { describe, expect, it } from 'vitest';
import {
  DIEHL_COOK_EXCITATORY,
  DIEHL_COOK_INHIBITORY,
  conductanceLifInitialState,
  conductanceLifParams,
  conductanceLifStep,
  conductanceLifStepKernel,
} from '../index.js';

describe('conductance LIF TSDoc examples', () => {
  it('params and step', () => {
    const exc = conductanceLifParams(DIEHL_COOK_EXCITATORY);
    expect(exc.thresholdMv).toBe(-52);
    const params = conductanceLifParams(DIEHL_COOK_INHIBITORY);
    const state = conductanceLifInitialState(2, params);
    state.ge[0] = 5;
    const r = conductanceLifStep(state, params, 0.5);
    expect(r.state.v[0] > r.state.v[1]).toBe(true);
  });
  it('kernel step', async () => {
    const backend = await createBackend('cpu');
    const params = conductanceLifParams(DIEHL_COOK_EXCITATORY);
    const { spikes } = await conductanceLifStepKernel(backend, conductanceLifInitialState(4, params), params, 0.5);
    expect(Array.from(spikes)).toEqual([0, 0, 0, 0]);
    await backend.destroy();
  });
});
