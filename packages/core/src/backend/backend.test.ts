import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GPU } from 'gpu.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
// The backend is tested from the built package: gpu.js compiles fn.toString() of what the build emitted.
import {
  type Backend,
  BackendError,
  createBackend,
  kernelInput,
  type KernelThis,
  resolveBackendRequest,
  scaleAddKernel,
  ValidationError,
} from '../../dist/index.node.js';

const distRequire = createRequire(new URL('../../dist/index.node.js', import.meta.url));

/** Whether `import('webgpu')` from dist/ can find the package (ESM looks in parent node_modules only). */
function webgpuInstalled(): boolean {
  let dir = fileURLToPath(new URL('../../dist/', import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'node_modules', 'webgpu', 'package.json'))) return true;
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

function glLoads(): boolean {
  try {
    createRequire(distRequire.resolve('gpu.js'))('gl');
    return true;
  } catch {
    return false;
  }
}

const NOT_INSTALLED = 'package webgpu@0.6.2 is not installed (install it next to @snn/core: npm i webgpu@0.6.2)';
const GL_NOT_BUILT =
  'the optional gl addon (headless-gl) is not built (no compiled webgl.node); this repository skips its native build ' +
  '(gl is in ignoredBuiltDependencies of pnpm-workspace.yaml), see docs/backends.md';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('resolveBackendRequest', () => {
  it('prefers the explicit option, then SNN_BACKEND, then auto', () => {
    expect(resolveBackendRequest('webasm', { SNN_BACKEND: 'cpu' })).toBe('webasm');
    expect(resolveBackendRequest(undefined, { SNN_BACKEND: 'cpu' })).toBe('cpu');
    expect(resolveBackendRequest('', { SNN_BACKEND: 'js' })).toBe('js');
    expect(resolveBackendRequest(undefined, {})).toBe('auto');
    expect(resolveBackendRequest(undefined, { SNN_BACKEND: '' })).toBe('auto');
  });

  it('names the field and lists the valid names for an unknown backend', () => {
    expect(() => resolveBackendRequest('gpu', {})).toThrow(ValidationError);
    expect(() => resolveBackendRequest('gpu', {})).toThrow(
      'field backend: unknown backend; expected one of auto, js, cpu, webasm, webgl, headlessgl, webgpu, found "gpu"',
    );
    expect(() => resolveBackendRequest(undefined, { SNN_BACKEND: 'WebGPU' })).toThrow(
      'field SNN_BACKEND: unknown backend; expected one of auto, js, cpu, webasm, webgl, headlessgl, webgpu, found "WebGPU"',
    );
  });

  it('is what createBackend uses, reading SNN_BACKEND from the environment', async () => {
    vi.stubEnv('SNN_BACKEND', 'cpu');
    const backend = await createBackend();
    expect([backend.name, backend.requested, backend.kernelClass, backend.reason]).toEqual(['cpu', 'cpu', 'CPUKernel', 'requested cpu (SNN_BACKEND=cpu)']);
    await backend.destroy();
    vi.stubEnv('SNN_BACKEND', 'cuda');
    await expect(createBackend()).rejects.toThrow('field SNN_BACKEND: unknown backend; expected one of auto, js, cpu, webasm, webgl, headlessgl, webgpu, found "cuda"');
  });
});

describe('backend js', () => {
  it('runs no gpu.js and refuses kernels', async () => {
    const backend = await createBackend('js');
    expect([backend.name, backend.kernelClass, backend.isGpuJs]).toEqual(['js', null, false]);
    expect(backend.reason).toBe('requested js (option); js: the event-driven TypeScript paths are the fastest CPU path');
    expect(() => backend.kernel('k', scaleAddKernel, { output: [4] })).toThrow(BackendError);
    expect(() => backend.kernel('k', scaleAddKernel, { output: [4] })).toThrow(
      'backend js runs the TypeScript references; gpu.js kernels need cpu|webasm|webgl|headlessgl|webgpu',
    );
    expect(Array.from(backend.flatten([Float32Array.of(1, 2), Float32Array.of(3, 4)]))).toEqual([1, 2, 3, 4]);
    await backend.destroy();
  });
});

describe('backends that need what this machine may lack', () => {
  it('webgl is refused in Node, naming headlessgl', async () => {
    await expect(createBackend('webgl')).rejects.toThrow('backend webgl cannot start: gpu.js finds no WebGL 2 (this is Node, not a browser (use headlessgl))');
  });

  it('headlessgl starts only with the gl addon built and an X display, and otherwise says which is missing', async () => {
    if (GPU.isHeadlessGLSupported) {
      const backend = await createBackend('headlessgl');
      expect(backend.kernelClass).toBe('HeadlessGLKernel');
      expect(backend.reason).toMatch(/^requested headlessgl \(option\); probe kernel ran as HeadlessGLKernel/);
      await backend.destroy();
    } else if (!glLoads()) {
      await expect(createBackend('headlessgl')).rejects.toThrow(`backend headlessgl cannot start: ${GL_NOT_BUILT}`);
    } else {
      await expect(createBackend('headlessgl')).rejects.toThrow(/^backend headlessgl cannot start: (no X display|gl could not create)/);
    }
  });

  it('webgpu needs webgpu@0.6.2 and an adapter, and otherwise says which is missing', async () => {
    if (!webgpuInstalled()) {
      await expect(createBackend('webgpu')).rejects.toThrow(BackendError);
      await expect(createBackend('webgpu')).rejects.toThrow(`backend webgpu cannot start: ${NOT_INSTALLED}`);
      return;
    }
    try {
      const backend = await createBackend('webgpu');
      expect(backend.kernelClass).toBe('WebGPUKernel');
      expect(backend.reason).toMatch(/^requested webgpu \(option\); probe kernel ran as WebGPUKernel on .+ via webgpu@/);
      await backend.destroy();
    } catch (error) {
      expect((error as Error).message).toMatch(/^backend webgpu cannot start: no WebGPU adapter \(requestAdapter\(\) returned null\)/);
    }
  });

  it('auto tries webgpu, then headlessgl, else takes js, and records why', async () => {
    const backend = await createBackend('auto');
    expect(backend.requested).toBe('auto');
    if (!webgpuInstalled() && !GPU.isHeadlessGLSupported) {
      expect(backend.name).toBe('js');
      expect(backend.kernelClass).toBeNull();
      const js = 'js: the event-driven TypeScript paths are the fastest CPU path';
      if (!glLoads()) {
        expect(backend.reason).toBe(`auto: webgpu unavailable (${NOT_INSTALLED}); headlessgl unavailable (${GL_NOT_BUILT}); ${js}`);
      } else {
        expect(backend.reason.startsWith(`auto: webgpu unavailable (${NOT_INSTALLED}); headlessgl unavailable (`)).toBe(true);
        expect(backend.reason.endsWith(js)).toBe(true);
      }
    } else {
      expect(['webgpu', 'headlessgl', 'js']).toContain(backend.name);
      expect(backend.reason).toMatch(/^auto: /);
    }
    await backend.destroy();
  });
});

const double2d = function (this: KernelThis, x: number[][], bias: number[]): number {
  return 2 * x[this.thread.y][this.thread.x] + bias[this.thread.x] + this.constants.offset;
};

describe.each(['cpu', 'webasm'] as const)('gpu.js backend %s', (name) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await createBackend(name);
  });
  afterAll(async () => {
    await backend.destroy();
  });

  it('reports the kernel class it runs', () => {
    expect(backend.name).toBe(name);
    expect(backend.isGpuJs).toBe(true);
    expect(backend.kernelClass).toBe(name === 'cpu' ? 'CPUKernel' : 'WebAssemblyKernel');
    expect(backend.reason).toBe(`requested ${name} (option)`);
  });

  it('runs a 2-D kernel on a flat input and flattens the rows back, row-major', async () => {
    // x: [2, 3] row-major; gpu.js output [x, y] = [cols, rows]
    const x = Float32Array.of(1, 2, 3, 4, 5, 6);
    const run = backend.kernel('test.double2d:2x3', double2d, { output: [3, 2], constants: { offset: 0.5 } });
    const out = await run(kernelInput(x, [2, 3]), Float32Array.of(10, 20, 30));
    expect(Array.from(backend.flatten(out))).toEqual([12.5, 24.5, 36.5, 18.5, 30.5, 42.5]);
  });

  it('caches kernels by key and refuses a key reused with another function or settings', () => {
    const a = backend.kernel('test.cache:4', scaleAddKernel, { output: [4] });
    expect(backend.kernel('test.cache:4', scaleAddKernel, { output: [4] })).toBe(a);
    expect(() => backend.kernel('test.cache:4', scaleAddKernel, { output: [5] })).toThrow(
      'field test.cache:4: kernel key already compiled with other settings; expected {"output":[4]}, found {"output":[5]}',
    );
    expect(() => backend.kernel('test.cache:4', double2d, { output: [4] })).toThrow(
      'field test.cache:4: kernel key already compiled with another function; expected one function per key, found a different function',
    );
    expect(() => backend.kernel('test.bad', scaleAddKernel, { output: [0] })).toThrow(
      'field test.bad.output: invalid kernel output size; expected 1 to 3 positive integers [x, y, z], found [0]',
    );
  });
});

describe('silent gpu.js fallbacks', () => {
  it('are refused: a webasm kernel that gpu.js moves to CPUKernel throws a BackendError naming both classes', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const backend = await createBackend('webasm');
    const pairs = function (this: KernelThis, x: Float32Array[]): number {
      return x[this.thread.x][0];
    };
    const run = backend.kernel('test.pairs:3', pairs, { output: [3], argumentTypes: { x: 'Array1D(2)' } });
    const input = [Float32Array.of(1, 2), Float32Array.of(3, 4), Float32Array.of(5, 6)];
    const failure = run(input);
    await expect(failure).rejects.toThrow(BackendError);
    await expect(failure).rejects.toThrow(
      "field test.pairs:3: gpu.js ran kernel test.pairs:3 as CPUKernel, not as backend webasm's WebAssemblyKernel; silent fallback refused; " +
        'expected WebAssemblyKernel, found CPUKernel (gpu.js fallback reason: argument "x" of type Array1D(2) is not supported on the webasm backend)',
    );
    expect(warn).toHaveBeenCalledWith('Falling back to CPU: argument "x" of type Array1D(2) is not supported on the webasm backend');
    await backend.destroy();
    expect(() => backend.kernel('test.after', scaleAddKernel, { output: [1] })).toThrow('field test.after: backend webasm was destroyed');
  });
});
