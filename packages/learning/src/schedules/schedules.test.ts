import { NumericError, ValidationError } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { Adam } from '../optim/adam.js';
import { createParameter } from '../optim/parameter.js';
import { Sgd } from '../optim/sgd.js';
import { CosineAnnealingLr } from './cosine-annealing-lr.js';
import { ReduceLrOnPlateau } from './reduce-lr-on-plateau.js';
import type { LrScheduler } from './scheduler.js';
import { StepLr } from './step-lr.js';

function sgd(lr: number): Sgd {
  return new Sgd([createParameter('w', [1])], { lr });
}

/** Learning rates after each of `epochs` calls of `step()`. */
function sequence(s: LrScheduler, epochs: number, metrics?: number[]): number[] {
  const out: number[] = [];
  for (let e = 0; e < epochs; e++) {
    s.step(metrics?.[e]);
    out.push(s.lr);
  }
  return out;
}

describe('StepLr', () => {
  it('follows lr0 · gamma^floor(e / stepSize) for 10 epochs', () => {
    const opt = sgd(0.1);
    const s = new StepLr(opt, { stepSize: 3, gamma: 0.5 });
    const found = sequence(s, 10);
    const closed = Array.from({ length: 10 }, (_, i) => 0.1 * 0.5 ** Math.floor((i + 1) / 3));
    found.forEach((lr, i) => {
      expect(lr).toBeCloseTo(closed[i], 15);
    });
    // PyTorch 1.13.1 StepLR(step_size=3, gamma=0.5) from lr 0.1 printed exactly these:
    expect(found).toEqual([0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125]);
    expect(s.lastEpoch).toBe(10);
  });

  it('defaults gamma to 0.1 and validates options', () => {
    const s = new StepLr(sgd(1), { stepSize: 1 });
    s.step();
    expect(s.lr).toBeCloseTo(0.1, 15);
    expect(() => new StepLr(sgd(1), { stepSize: 0 })).toThrow('field StepLr.stepSize: invalid option; expected a positive integer, found 0');
    expect(() => new StepLr(sgd(1), { stepSize: 2.5 })).toThrow('field StepLr.stepSize: invalid option; expected a positive integer, found 2.5');
    expect(() => new StepLr(sgd(1), { stepSize: 2, gamma: 0 })).toThrow('field StepLr.gamma: invalid option; expected a finite number > 0, found 0');
  });
});

describe('CosineAnnealingLr', () => {
  const closed = (e: number, lr0: number, etaMin: number, tMax: number) => etaMin + ((lr0 - etaMin) * (1 + Math.cos((Math.PI * e) / tMax))) / 2;

  it('follows the closed form for 10 epochs and past T_max (25 epochs)', () => {
    const s = new CosineAnnealingLr(sgd(0.1), { tMax: 10, etaMin: 0.001 });
    const found = sequence(s, 25);
    found.forEach((lr, i) => {
      expect(Math.abs(lr - closed(i + 1, 0.1, 0.001, 10))).toBeLessThan(1e-15);
    });
    // First 10 values printed by PyTorch 1.13.1 CosineAnnealingLR(T_max=10, eta_min=0.001) from lr 0.1:
    const torch10 = [
      0.09757729755661011, 0.0905463412215599, 0.07959536998847742, 0.0657963412215599, 0.0505, 0.03520365877844011, 0.02140463001152259,
      0.010453658778440109, 0.0034227024433899004, 0.001,
    ];
    found.slice(0, 10).forEach((lr, i) => {
      expect(lr).toBeCloseTo(torch10[i], 16);
    });
    expect(found[19]).toBeCloseTo(0.1, 14); // back at lr0 after 2·T_max
  });

  it('reaches exactly 0 at T_max with etaMin 0 and rises again', () => {
    const s = new CosineAnnealingLr(sgd(0.1), { tMax: 4 });
    const found = sequence(s, 10);
    // PyTorch: [0.0853553, 0.05, 0.0146447, 0.0, 0.0146447, 0.05, 0.0853553, 0.1, 0.0853553, 0.05]
    expect(found[3]).toBe(0);
    found.forEach((lr, i) => {
      expect(lr).toBeCloseTo(closed(i + 1, 0.1, 0, 4), 15);
    });
  });

  it('validates options', () => {
    expect(() => new CosineAnnealingLr(sgd(1), { tMax: 0 })).toThrow('field CosineAnnealingLr.tMax: invalid option; expected a positive integer, found 0');
    expect(() => new CosineAnnealingLr(sgd(1), { tMax: 5, etaMin: -1 })).toThrow(
      'field CosineAnnealingLr.etaMin: invalid option; expected a finite number >= 0, found -1',
    );
  });
});

describe('ReduceLrOnPlateau', () => {
  it('min mode: patience, relative threshold, cooldown and minLr as in PyTorch', () => {
    // Expected (lr, best, bad epochs) after each step: from PyTorch 1.13.1 ReduceLROnPlateau(mode='min',
    // factor=0.5, patience=2, cooldown=1, min_lr=0.2) with the same metrics. By hand: epochs 3–5 do not beat
    // 0.9·(1 − 1e-4) = 0.89991, so the third bad epoch (> patience 2) halves lr; 0.89995 falls in the cooldown
    // and is not counted; the last reduction is clipped to minLr 0.2.
    const metrics = [1.0, 0.9, 0.95, 0.9, 0.91, 0.89995, 0.85, 0.86, 0.87, 0.88, 0.84, 0.9, 0.9, 0.9];
    const expected: [number, number, number][] = [
      [1.0, 1.0, 0], [1.0, 0.9, 0], [1.0, 0.9, 1], [1.0, 0.9, 2], [0.5, 0.9, 0], [0.5, 0.9, 0], [0.5, 0.85, 0],
      [0.5, 0.85, 1], [0.5, 0.85, 2], [0.25, 0.85, 0], [0.25, 0.84, 0], [0.25, 0.84, 1], [0.25, 0.84, 2], [0.2, 0.84, 0],
    ];
    const s = new ReduceLrOnPlateau(sgd(1), { mode: 'min', factor: 0.5, patience: 2, cooldown: 1, minLr: 0.2 });
    metrics.forEach((m, i) => {
      s.step(m);
      expect([s.lr, s.best, s.numBadEpochs], `epoch ${i + 1}`).toEqual(expected[i]);
    });
    // At minLr nothing changes any more (the reduction would be 0 < eps).
    sequence(s, 5, [1, 1, 1, 1, 1]);
    expect(s.lr).toBe(0.2);
  });

  it('max mode with an absolute threshold', () => {
    // PyTorch 1.13.1 ReduceLROnPlateau(mode='max', factor=0.1, patience=1, threshold=0.05, threshold_mode='abs').
    const s = new ReduceLrOnPlateau(sgd(1), { mode: 'max', factor: 0.1, patience: 1, threshold: 0.05, thresholdMode: 'abs' });
    const found = sequence(s, 8, [0.5, 0.6, 0.6, 0.6, 0.7, 0.7, 0.7, 0.7]);
    expect(found).toEqual([1, 1, 1, 0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002]);
    expect(s.best).toBe(0.7);
  });

  it('needs a finite metric and valid options', () => {
    const s = new ReduceLrOnPlateau(sgd(1));
    expect(() => s.step()).toThrow(ValidationError);
    expect(() => s.step()).toThrow('field ReduceLrOnPlateau.step(metric): ReduceLrOnPlateau.step needs the monitored metric; expected a finite number, found undefined');
    expect(() => s.step(Number.NaN)).toThrow(NumericError);
    expect(() => new ReduceLrOnPlateau(sgd(1), { factor: 1 })).toThrow('field ReduceLrOnPlateau.factor: invalid option; expected a number in (0, 1), found 1');
    expect(() => new ReduceLrOnPlateau(sgd(1), { mode: 'mean' as 'min' })).toThrow(
      'field ReduceLrOnPlateau.mode: invalid option; expected one of "min", "max", found mean',
    );
    expect(() => new ReduceLrOnPlateau(sgd(1), { patience: -1 })).toThrow('field ReduceLrOnPlateau.patience: invalid option; expected an integer >= 0, found -1');
  });
});

describe('schedule state', () => {
  const cases: [string, (o: Adam) => LrScheduler, number[]][] = [
    ['StepLr', (o) => new StepLr(o, { stepSize: 2, gamma: 0.7 }), []],
    ['CosineAnnealingLr', (o) => new CosineAnnealingLr(o, { tMax: 6, etaMin: 1e-4 }), []],
    ['ReduceLrOnPlateau', (o) => new ReduceLrOnPlateau(o, { patience: 1, cooldown: 1 }), [5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3]],
  ];
  for (const [name, make, metrics] of cases) {
    it(`${name}: save both optimiser and schedule after 5 epochs, restore, continue identically (JSON round trip)`, () => {
      const optA = new Adam([createParameter('w', [1])], { lr: 0.01 });
      const a = make(optA);
      const m = metrics.length ? metrics : undefined;
      sequence(a, 5, m);
      const schedState = JSON.parse(JSON.stringify(a.getState()));
      const lrSaved = optA.lr;
      const rest = sequence(a, 7, m?.slice(5));

      const optB = new Adam([createParameter('w', [1])], { lr: 0.01 });
      const b = make(optB);
      b.setState(schedState);
      optB.lr = lrSaved; // the optimiser's state carries lr; here only lr matters
      expect(b.lastEpoch).toBe(5);
      expect(sequence(b, 7, m?.slice(5))).toEqual(rest);
    });
  }

  it('rejects a state saved with other options or of another kind', () => {
    const a = new StepLr(sgd(1), { stepSize: 2 });
    const b = new StepLr(sgd(1), { stepSize: 3 });
    expect(() => b.setState(a.getState())).toThrow('field StepLr.state.options.stepSize: schedule state was saved with other options; expected 3, found 2');
    const c = new CosineAnnealingLr(sgd(1), { tMax: 2 });
    expect(() => c.setState(a.getState())).toThrow('field CosineAnnealingLr.state.kind: schedule state of another kind; expected "cosine-annealing-lr", found "step-lr"');
    const p = new ReduceLrOnPlateau(sgd(1));
    const bad = { ...p.getState(), values: { best: null, numBadEpochs: -1, cooldownCounter: 0 } };
    expect(() => p.setState(bad)).toThrow('field ReduceLrOnPlateau.state.values.numBadEpochs: invalid schedule state; expected an integer >= 0, found -1');
  });
});
