import { createRequire } from 'node:module';
import { environment } from './platform.js';

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim();
}

/**
 * Says why gpu.js's `headlessgl` mode cannot run here, or `null` when it can.
 *
 * @remarks
 * headlessgl needs the optional `gl` addon (headless-gl) built from source,
 * which this repository skips (pnpm-workspace.yaml lists it under
 * `ignoredBuiltDependencies`), and an X server with GLX at run time
 * (`xvfb-run -a`). Node only: installed by the Node entry.
 *
 * @param gpu - gpu.js's `GPU` class (its `isHeadlessGLSupported` flag)
 * @param env - where to read `DISPLAY`
 */
export function headlessGlProblem(
  gpu: { readonly isHeadlessGLSupported: boolean },
  env: Readonly<Record<string, string | undefined>> = environment(),
): string | null {
  if (gpu.isHeadlessGLSupported) return null;
  let gpuRequire: NodeJS.Require;
  try {
    gpuRequire = createRequire(createRequire(import.meta.url).resolve('gpu.js'));
  } catch (error) {
    return `gpu.js could not be resolved: ${firstLine(error)}`;
  }
  try {
    gpuRequire.resolve('gl');
  } catch {
    return 'the optional package gl (headless-gl) is not installed';
  }
  try {
    gpuRequire('gl');
  } catch (error) {
    const detail = firstLine(error);
    const why = detail.startsWith('Could not locate the bindings file') ? 'no compiled webgl.node' : detail;
    return (
      `the optional gl addon (headless-gl) is not built (${why}); ` +
      'this repository skips its native build (gl is in ignoredBuiltDependencies of pnpm-workspace.yaml), see docs/backends.md'
    );
  }
  const display = env.DISPLAY;
  if (display === undefined || display === '') {
    return 'no X display (DISPLAY is not set): run under `xvfb-run -a`';
  }
  return `gl could not create a WebGL context on DISPLAY=${display} (the X server needs GLX; try \`xvfb-run -a\`)`;
}
