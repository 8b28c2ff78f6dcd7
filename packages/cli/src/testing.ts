/**
 * Test helpers for apps built on `@snn/cli`: temporary folders, an app's shipped paths, and
 * running an app's `main` with captured output (`import { runCaptured } from '@snn/cli/testing'`).
 *
 * @packageDocumentation
 */
export { tempDir, appPaths, runCaptured } from './testing/harness.js';
export type { AppPaths, AppRun } from './testing/harness.js';
export { killUntilDone, runKilled, timedRun } from './testing/kill.js';
export type { KillPlan, KilledRun } from './testing/kill.js';
