/**
 * The Node build of `@snn/core`'s main entry (export condition `node`): the
 * same exports as the browser build, plus the Node-only backend parts
 * (headlessgl, Dawn's `webgpu` addon) installed into `createBackend`.
 *
 * @packageDocumentation
 */
import './node/register.js';

export * from './index.js';
