import { NumericError, Rng, ShapeError, ValidationError } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { Adam } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { assertFiniteGradients, createParameter, type Parameter } from './parameter.js';
import { Sgd } from './sgd.js';

// The shared fixture: θ0 = [0.5, −1, 2] and three fixed gradients, one per step.
const THETA0 = [0.5, -1.0, 2.0];
const GRADS = [
  [0.1, -0.2, 0.3],
  [-0.4, 0.5, 0.6],
  [0.7, -0.8, 0.9],
];

function run(make: (params: Parameter[]) => Optimizer, steps = 3): number[][] {
  const p = createParameter('w', [3], new Float32Array(THETA0));
  const opt = make([p]);
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    p.grad.set(GRADS[s]);
    opt.step();
    out.push(Array.from(p.value));
  }
  return out;
}

function expectClose(found: number[][], expected: number[][], tol: number): void {
  expect(found.length).toBe(expected.length);
  for (let s = 0; s < expected.length; s++) {
    for (let i = 0; i < expected[s].length; i++) {
      expect(Math.abs(found[s][i] - expected[s][i]), `step ${s + 1}, element ${i}`).toBeLessThanOrEqual(tol);
    }
  }
}

describe('Adam', () => {
  // Reference values: the update in float64, written out by hand (Python floats):
  //   m = β1 m + (1−β1) g;  v = β2 v + (1−β2) g²;  θ −= lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε)
  // Step 1 check by hand: m̂ = g, v̂ = g², so θ1 = θ0 − lr·g/(|g| + ε) ≈ θ0 − 0.1·sign(g)
  //   = [0.4, −0.9, 1.9] (minus ~1e-8 from ε).
  // Cross-checked with torch.optim.Adam(foreach=False) of PyTorch 1.13.1 in float32, which gave
  //   [0.40000001, -0.89999998, 1.9], [0.45595035, -0.9442215, 1.8034818], [0.42284155, -0.91029966, 1.7076817].
  it('matches the float64 reference for 3 steps (lr 0.1, default betas)', () => {
    const expected = [
      [0.400000009999999, -0.9000000049999998, 1.9000000033333333],
      [0.4559503574851284, -0.944221530217233, 1.8034818027856336],
      [0.4228415530469759, -0.9102996677878107, 1.7076816818536122],
    ];
    const found = run((ps) => new Adam(ps, { lr: 0.1 }));
    expectClose(found, expected, 1.2e-7); // float32 storage: ~1 ulp at |θ| ≤ 2
    const torchF32 = [
      [0.4000000059604645, -0.8999999761581421, 1.899999976158142],
      [0.4559503495693207, -0.9442214965820312, 1.8034818172454834],
      [0.42284154891967773, -0.9102996587753296, 1.707681655883789],
    ];
    expectClose(found, torchF32, 1.2e-7);
  });

  it('matches the float64 reference with other betas, eps and L2 weight decay', () => {
    // lr 0.01, β = (0.8, 0.99), ε = 1e-3, λ = 0.1 (g ← g + λθ before the moments).
    const expected = [
      [0.4900662251655629, -0.9900332225913622, 1.9900199600798403],
      [0.49479514014478937, -0.9925501196125631, 1.9800514524893453],
      [0.4900571887873488, -0.987263565278955, 1.9699949702757273],
    ];
    const found = run((ps) => new Adam(ps, { lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-3, weightDecay: 0.1 }));
    expectClose(found, expected, 1.2e-7);
  });

  it('adds eps after the square root of the bias-corrected v', () => {
    // One step, g = 1e-6, ε = 1e-6: m̂ = 1e-6, √v̂ = 1e-6, so Δθ = lr·1e-6/(1e-6 + 1e-6) = lr/2.
    // (ε inside the root would give lr·1e-6/√(1e-12 + 1e-6) ≈ lr·0.001.)
    const p = createParameter('w', [1], new Float32Array([0]));
    const adam = new Adam([p], { lr: 0.2, eps: 1e-6 });
    p.grad[0] = 1e-6;
    adam.step();
    expect(p.value[0]).toBeCloseTo(-0.1, 6);
  });

  it('minimises a quadratic', () => {
    // f(θ) = Σ a_i (θ_i − c_i)², ∇f = 2 a_i (θ_i − c_i); minimum at c.
    const a = [1, 10, 0.1, 3];
    const c = [3, -2, 0.5, 1];
    const p = createParameter('theta', [4]);
    const adam = new Adam([p], { lr: 0.05 });
    const f = () => a.reduce((s, ai, i) => s + ai * (p.value[i] - c[i]) ** 2, 0);
    const f0 = f();
    for (let it = 0; it < 2000; it++) {
      adam.zeroGrad();
      for (let i = 0; i < 4; i++) p.grad[i] = 2 * a[i] * (p.value[i] - c[i]);
      adam.step();
    }
    expect(f0).toBeCloseTo(52.025, 10); // 9 + 40 + 0.025 + 3
    expect(f()).toBeLessThan(1e-6);
    for (let i = 0; i < 4; i++) expect(p.value[i]).toBeCloseTo(c[i], 3);
    expect(adam.stepCount).toBe(2000);
  });

  it('runs the documented example', () => {
    const w = createParameter('w', [2], new Float32Array([1, -1]));
    const adam = new Adam([w], { lr: 0.1 });
    w.grad.set([0.5, -0.5]);
    adam.step();
    expect(w.value[0]).toBeCloseTo(0.9, 6);
    expect(w.value[1]).toBeCloseTo(-0.9, 6);
  });

  it('rejects bad options with the field, expectation and value', () => {
    const p = createParameter('w', [2]);
    expect(() => new Adam([p], { lr: -1 })).toThrow(new ValidationError('invalid option', { field: 'Adam.lr', expected: 'a finite number > 0', found: '-1' }));
    expect(() => new Adam([p], { lr: 0 })).toThrow('field Adam.lr: invalid option; expected a finite number > 0, found 0');
    expect(() => new Adam([p], { beta1: 1 })).toThrow('field Adam.beta1: invalid option; expected a number in [0, 1), found 1');
    expect(() => new Adam([p], { beta2: -0.1 })).toThrow('field Adam.beta2: invalid option; expected a number in [0, 1), found -0.1');
    expect(() => new Adam([p], { eps: 0 })).toThrow('field Adam.eps: invalid option; expected a finite number > 0, found 0');
    expect(() => new Adam([p], { weightDecay: Number.NaN })).toThrow('field Adam.weightDecay: invalid option; expected a finite number >= 0, found NaN');
    expect(() => new Adam([])).toThrow('field Adam.params: no parameters to optimise; expected a non-empty array of parameters, found an empty array');
    expect(() => new Adam([p, createParameter('w', [1])])).toThrow('field Adam.params: duplicate parameter name; expected unique names, found "w"');
    const adam = new Adam([p]);
    expect(() => {
      adam.lr = -0.5;
    }).toThrow('field Adam.lr: invalid option; expected a finite number >= 0, found -0.5');
    adam.lr = 0; // schedules may reach 0
    expect(adam.lr).toBe(0);
  });

  it('checks gradients when asked, naming the parameter and index', () => {
    const a = createParameter('fc1.weight', [2, 2]);
    const b = createParameter('fc1.bias', [2]);
    b.grad[1] = Number.NaN;
    const adam = new Adam([a, b], { checkFinite: true });
    expect(() => adam.step()).toThrow(NumericError);
    expect(() => adam.step()).toThrow('field fc1.bias.grad[1]: non-finite gradient; expected a finite number, found NaN');
    expect(a.value.every((x) => x === 0)).toBe(true); // nothing was updated
  });
});

describe('Sgd', () => {
  // Reference values in float64 by hand: b = g (first step) then b = μb + g; d = b, or g + μb with Nesterov;
  // θ −= lr·d. Plain SGD, step 1: θ = [0.5 − 0.01, −1 + 0.02, 2 − 0.03] = [0.49, −0.98, 1.97].
  // PyTorch 1.13.1 torch.optim.SGD in float32 gave the same values to within 1 ulp.
  it('plain SGD', () => {
    expectClose(
      run((ps) => new Sgd(ps, { lr: 0.1 })),
      [
        [0.49, -0.98, 1.97],
        [0.53, -1.03, 1.91],
        [0.46, -0.95, 1.82],
      ],
      1.2e-7,
    );
  });

  it('momentum 0.9: the buffer starts as the first gradient', () => {
    // Step 2 by hand: b = 0.9·[0.1, −0.2, 0.3] + [−0.4, 0.5, 0.6] = [−0.31, 0.32, 0.87]; θ = [0.49, −0.98, 1.97] − 0.1·b.
    expectClose(
      run((ps) => new Sgd(ps, { lr: 0.1, momentum: 0.9 })),
      [
        [0.49, -0.98, 1.97],
        [0.521, -1.012, 1.883],
        [0.4789, -0.9608, 1.7147],
      ],
      1.2e-7,
    );
  });

  it('Nesterov momentum with weight decay', () => {
    // Step 1 by hand: g = [0.1, −0.2, 0.3] + 0.01·θ0 = [0.105, −0.21, 0.32]; b = g; d = g + 0.9 b = 1.9 g;
    // θ = θ0 − 0.1·1.9·g = [0.48005, −0.9601, 1.9392].
    expectClose(
      run((ps) => new Sgd(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })),
      [
        [0.48005, -0.9601, 1.9392],
        [0.546632905, -1.03626581, 1.79559552],
        [0.43695096198049993, -0.9067102239609999, 1.547685136512],
      ],
      1.2e-7,
    );
  });

  it('runs the documented example', () => {
    const w = createParameter('w', [1], new Float32Array([1]));
    const sgd = new Sgd([w], { lr: 0.1, momentum: 0.9 });
    w.grad[0] = 2;
    sgd.step();
    expect(w.value[0]).toBeCloseTo(0.8, 6);
  });

  it('rejects bad options', () => {
    const p = createParameter('w', [2]);
    expect(() => new Sgd([p], { lr: 0 })).toThrow('field Sgd.lr: invalid option; expected a finite number > 0, found 0');
    expect(() => new Sgd([p], {} as { lr: number })).toThrow('field Sgd.lr: invalid option; expected a finite number > 0, found undefined');
    expect(() => new Sgd([p], { lr: 0.1, momentum: 1 })).toThrow('field Sgd.momentum: invalid option; expected a number in [0, 1), found 1');
    expect(() => new Sgd([p], { lr: 0.1, weightDecay: -1 })).toThrow('field Sgd.weightDecay: invalid option; expected a finite number >= 0, found -1');
    expect(() => new Sgd([p], { lr: 0.1, nesterov: true })).toThrow(
      'field Sgd.nesterov: Nesterov momentum needs a momentum; expected momentum > 0 when nesterov is true, found momentum 0',
    );
  });
});

describe('optimizer state', () => {
  // Trains two parameters on random gradients for `steps` steps, driven by a seeded RNG.
  function drive(opt: Optimizer, rng: Rng, steps: number): void {
    for (let s = 0; s < steps; s++) {
      opt.zeroGrad();
      for (const p of opt.params) for (let i = 0; i < p.grad.length; i++) p.grad[i] = rng.normal(0, 1) + 0.1 * p.value[i];
      opt.step();
    }
  }
  function params(): Parameter[] {
    const rng = new Rng(7);
    const w = createParameter('layer.weight', [3, 4], Float32Array.from({ length: 12 }, () => rng.normal(0, 1)));
    const b = createParameter('layer.bias', [4], Float32Array.from({ length: 4 }, () => rng.normal(0, 1)));
    return [w, b];
  }
  const makers: [string, (ps: Parameter[]) => Optimizer][] = [
    ['Adam', (ps) => new Adam(ps, { lr: 0.01, weightDecay: 1e-3 })],
    ['Sgd', (ps) => new Sgd(ps, { lr: 0.05, momentum: 0.9, nesterov: true })],
  ];

  for (const [name, make] of makers) {
    it(`${name}: save after 5 steps, restore into a fresh optimiser, continue identically`, () => {
      const psA = params();
      const a = make(psA);
      drive(a, new Rng(1), 5);
      const saved = a.getState();
      const savedValues = psA.map((p) => p.value.slice());
      a.lr = a.lr * 0.5; // also a schedule change before saving the second time
      const saved2 = a.getState();
      drive(a, new Rng(2), 5);

      const psB = params();
      psB.forEach((p, k) => {
        p.value.set(savedValues[k]);
      });
      const b = make(psB);
      b.setState(saved2);
      expect(b.lr).toBe(a.lr);
      drive(b, new Rng(2), 5);
      psA.forEach((p, k) => {
        expect(Array.from(psB[k].value)).toEqual(Array.from(p.value));
      });

      // The saved state is a copy: later steps did not change it.
      expect(saved.step).toBe(5);
      expect(saved2.lr).toBe(saved.lr * 0.5);
      expect(a.getState().step).toBe(10);
    });
  }

  it('Adam state holds m and v per parameter, by name', () => {
    const ps = params();
    const adam = new Adam(ps);
    drive(adam, new Rng(3), 2);
    const s = adam.getState();
    expect(s.kind).toBe('adam');
    expect(s.params.map((p) => p.name)).toEqual(['layer.weight', 'layer.bias']);
    expect(Object.keys(s.params[0].buffers)).toEqual(['m', 'v']);
    expect(s.params[0].buffers.m.length).toBe(12);
    expect(s.hyperparameters).toEqual({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
  });

  it('setState rejects states of another kind, other parameters or wrong lengths', () => {
    const adam = new Adam(params());
    const sgd = new Sgd(params(), { lr: 0.1, momentum: 0.5 });
    drive(sgd, new Rng(4), 1);
    expect(() => adam.setState(sgd.getState())).toThrow('field Adam.state.kind: optimizer state of another kind; expected "adam", found "sgd"');
    const good = adam.getState();
    const renamed = { ...good, params: [{ ...good.params[0], name: 'other.weight' }, good.params[1]] };
    expect(() => adam.setState(renamed)).toThrow(
      'field Adam.state.params[0].name: optimizer state belongs to other parameters; expected "layer.weight", found "other.weight"',
    );
    const short = { ...good, params: [{ name: 'layer.weight', buffers: { m: new Float32Array(11), v: new Float32Array(12) } }, good.params[1]] };
    expect(() => adam.setState(short)).toThrow(ShapeError);
    expect(() => adam.setState(short)).toThrow('field layer.weight.m: optimizer buffer length differs from the parameter; expected 12, found 11');
    expect(() => adam.setState({ ...good, params: [good.params[0]] })).toThrow(
      'field Adam.state.params: optimizer state has a different number of parameters; expected 2, found 1',
    );
    const noBuffer = { ...sgd.getState(), params: sgd.getState().params.map((p) => ({ name: p.name, buffers: {} })) };
    expect(() => sgd.setState(noBuffer)).toThrow('field layer.weight.momentum: optimizer state lacks a buffer; expected a Float32Array, found nothing');
    expect(() => adam.setState({ ...good, hyperparameters: { ...good.hyperparameters, beta1: 2 } })).toThrow(
      'field Adam.state.hyperparameters.beta1: invalid option; expected a number in [0, 1), found 2',
    );
  });
});

describe('parameters', () => {
  it('createParameter validates the shape and the initial values, and uses init as the value array', () => {
    const init = new Float32Array(6);
    const p = createParameter('fc1.weight', [2, 3], init);
    expect(p.value).toBe(init);
    expect(p.grad.length).toBe(6);
    expect(p.shape).toEqual([2, 3]);
    expect(() => createParameter('fc1.weight', [2, 3], new Float32Array(5))).toThrow(
      'field fc1.weight.value: initial values do not match the shape; expected 6 values for shape [2, 3], found 5',
    );
    expect(() => createParameter('b', [0])).toThrow('field b.shape: invalid parameter shape; expected positive integer sizes, found [0]');
    expect(() => createParameter('', [1])).toThrow('field name: invalid parameter name; expected a non-empty string, found ""');
  });

  it('assertFiniteGradients names the parameter and the index', () => {
    const p = createParameter('fc2.weight', [4]);
    assertFiniteGradients([p]);
    p.grad[3] = Number.POSITIVE_INFINITY;
    expect(() => assertFiniteGradients([p])).toThrow('field fc2.weight.grad[3]: non-finite gradient; expected a finite number, found Infinity');
  });
});
