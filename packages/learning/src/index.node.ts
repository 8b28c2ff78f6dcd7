/**
 * The Node build of `@snn/learning`'s main entry (export condition `node`):
 * the same exports as the browser build, with Node's worker threads (for
 * `workers > 1`) and safetensors files installed.
 *
 * @packageDocumentation
 */
import * as workerThreadsModule from 'node:worker_threads';
import { loadSafetensors, saveSafetensors } from '@snn/core/node';
import { installNodePlatform } from './platform.js';

installNodePlatform({ module: workerThreadsModule, entryUrl: import.meta.url, files: { loadSafetensors, saveSafetensors } });

export * from './index.js';
