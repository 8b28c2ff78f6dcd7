import type { WebGpuLoader } from './webgpu.js';

/** The environment variables of the process, or none outside Node (read when asked, never at import). */
export function environment(): Readonly<Record<string, string | undefined>> {
  const holder = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return holder.process?.env ?? {};
}

/**
 * Backends that exist only in Node, installed by the Node entry of
 * `@snn/core` (the `node` export condition and `@snn/core/node`), so that the
 * browser entry imports no Node built-in.
 */
export interface NodeBackendHooks {
  /** Why gpu.js's `headlessgl` mode cannot run here, or `null` when it can. */
  headlessGlProblem(gpu: { readonly isHeadlessGLSupported: boolean }): string | null;
  /** Finds and imports Dawn's Node addon (`webgpu@0.6.2`) for `navigator.gpu`. */
  readonly webGpuLoader: WebGpuLoader;
}

let nodeHooks: NodeBackendHooks | null = null;

/** Installs the Node-only backend parts (called once by the Node entry). */
export function installNodeBackendHooks(hooks: NodeBackendHooks): void {
  nodeHooks = hooks;
}

/** The Node-only backend parts, or `null` in a browser build. */
export function nodeBackendHooks(): NodeBackendHooks | null {
  return nodeHooks;
}
