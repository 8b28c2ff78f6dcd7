// The browser build of @snn/core (dist/index.js, export condition `default`) has no Node backend
// parts: headlessgl and Node's webgpu are refused with a reason that says where they run.
// (This file imports only that build, so nothing installs the Node hooks; vitest isolates files.)
import { describe, expect, it } from 'vitest';
import { BackendError, createBackend } from '../../dist/index.js';

describe('createBackend from the browser build', () => {
  it('runs js, and refuses headlessgl and (without navigator.gpu) webgpu saying why', async () => {
    const js = await createBackend('js');
    expect(js.name).toBe('js');
    await expect(createBackend('headlessgl')).rejects.toThrow(BackendError);
    await expect(createBackend('headlessgl')).rejects.toThrow('backend headlessgl cannot start: headlessgl is the Node addon gl; in a browser request webgl');
    await expect(createBackend('webgpu')).rejects.toThrow(
      'backend webgpu cannot start: this browser has no WebGPU (navigator.gpu is undefined); expected a browser with WebGPU enabled',
    );
    await expect(createBackend('webgl')).rejects.toThrow('backend webgl cannot start: gpu.js finds no WebGL 2 (this browser has no WebGL 2 context)');
  });

  it('auto tries webgpu and webgl, then takes js', async () => {
    const backend = await createBackend('auto');
    expect(backend.name).toBe('js');
    expect(backend.reason).toMatch(/^auto: webgpu unavailable \(this browser has no WebGPU .*\); webgl unavailable \(gpu\.js finds no WebGL 2 .*\); js: /);
  });
});
