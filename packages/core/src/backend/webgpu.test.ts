import { afterEach, describe, expect, it } from 'vitest';
import { BackendError } from '../errors/errors.js';
import { loadWebGpu, type WebGpuLoader } from './webgpu.js';

interface FakeAdapter {
  info: { vendor: string; architecture: string; description: string };
}

function fakeLoader(version: string | null, adapter: FakeAdapter | null | Error, importError?: Error): WebGpuLoader {
  return {
    installedVersion: () => version,
    importModule: async () => {
      if (importError) throw importError;
      return {
        create: () => ({
          requestAdapter: async () => {
            if (adapter instanceof Error) throw adapter;
            return adapter;
          },
        }),
        globals: { GPUBufferUsage: { STORAGE: 128 }, GPUMapMode: { READ: 1 } },
      };
    },
  };
}

const holder = globalThis as unknown as Record<string, unknown>;
const before = {
  navigator: Object.getOwnPropertyDescriptor(globalThis, 'navigator'),
  GPUBufferUsage: Object.getOwnPropertyDescriptor(globalThis, 'GPUBufferUsage'),
  GPUMapMode: Object.getOwnPropertyDescriptor(globalThis, 'GPUMapMode'),
};

afterEach(() => {
  for (const [name, descriptor] of Object.entries(before)) {
    if (descriptor) Object.defineProperty(globalThis, name, descriptor);
    else delete holder[name];
  }
  // Node ≥ 21 has a navigator of its own; drop any gpu a test put on it.
  const nav = holder.navigator as { gpu?: unknown } | undefined;
  if (nav && before.navigator && Object.getOwnPropertyDescriptor(nav, 'gpu')) delete nav.gpu;
});

describe('loadWebGpu (webgpu@0.6.2 wired as navigator.gpu)', () => {
  it('says when the package is not installed', async () => {
    await expect(loadWebGpu(fakeLoader(null, null))).rejects.toThrow(BackendError);
    await expect(loadWebGpu(fakeLoader(null, null))).rejects.toThrow('package webgpu@0.6.2 is not installed (install it next to @snn/core: npm i webgpu@0.6.2)');
  });

  it("refuses gpu.js's own webgpu 0.2.9", async () => {
    await expect(loadWebGpu(fakeLoader('0.2.9', null))).rejects.toThrow(
      "package webgpu@0.2.9 is too old for gpu.js kernels; expected webgpu@0.6.2 (0.2.x rejects gpu.js's device.onuncapturederror and needs glibc 2.38), found webgpu@0.2.9",
    );
  });

  it('says when the addon fails to load', async () => {
    const error = new Error('/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38\' not found\n(required by dawn.node)');
    await expect(loadWebGpu(fakeLoader('0.6.2', null, error))).rejects.toThrow(
      "package webgpu@0.6.2 failed to load: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found",
    );
  });

  it('says when there is no adapter, and leaves navigator untouched', async () => {
    await expect(loadWebGpu(fakeLoader('0.6.2', null))).rejects.toThrow(
      'no WebGPU adapter (requestAdapter() returned null); expected a GPU with a Vulkan driver and libvulkan.so.1 (Dawn has no software adapter that computes correctly)',
    );
    expect((holder.navigator as { gpu?: unknown } | undefined)?.gpu).toBeUndefined();
    expect(holder.GPUBufferUsage).toBeUndefined();
    await expect(loadWebGpu(fakeLoader('0.6.2', new Error('Dawn exploded')))).rejects.toThrow('WebGPU requestAdapter() failed: Dawn exploded');
  });

  it('installs navigator.gpu and the WebGPU globals once an adapter answers', async () => {
    const adapter = { info: { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100 80GB HBM3' } };
    const access = await loadWebGpu(fakeLoader('0.6.2', adapter));
    expect(access).toEqual({ source: 'webgpu@0.6.2', adapter: 'nvidia / hopper / NVIDIA H100 80GB HBM3' });
    expect(typeof (holder.navigator as { gpu: { requestAdapter: unknown } }).gpu.requestAdapter).toBe('function');
    expect(holder.GPUBufferUsage).toEqual({ STORAGE: 128 });
    // A second call uses the wired navigator.gpu and does not load the package again.
    const again = await loadWebGpu(fakeLoader(null, null));
    expect(again).toEqual({ source: 'navigator.gpu (host)', adapter: 'nvidia / hopper / NVIDIA H100 80GB HBM3' });
  });
});
