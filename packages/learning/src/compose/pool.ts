import type { MessagePort, Worker } from 'node:worker_threads';
import { BackendError } from '@snn/core';
import type { Layer } from './layer.js';
import { type Loss, type LossSpec, type RecordedOutput, lossFromSpec } from './losses.js';
import type { NetworkFactory } from './network.js';
import { type WorkerThreads, workerThreads } from '../platform.js';

/** What a worker needs to rebuild the network: the factory, the input shape and the seed. */
interface WorkerInit {
  readonly factory: NetworkFactory;
  readonly inputShape: readonly number[];
  readonly seed: number;
  /** Int32 [last finished job id (−1: the worker failed to start)]. */
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** One shard of a batch. */
export interface ComposeJob {
  /** Job number (increasing). */
  readonly id: number;
  /** Every parameter (engine layout) then every buffer, in `Network` order (the main thread's current weights). */
  readonly values: readonly Float32Array[];
  /** The shard as a dense or sparse input (see `Network`), already cut to its samples. */
  readonly input: unknown;
  /** The shard's targets. */
  readonly targets: unknown;
  /** Built-in loss spec, or the name of a loss the factory returned; null for inference. */
  readonly loss: LossSpec | null;
  /** Size of the whole batch (losses average over it). */
  readonly batchSize: number;
  /** Run backward too. */
  readonly train: boolean;
  /** Layers to record. */
  readonly record: readonly string[];
  /** Seed of this shard's generator (dropout). */
  readonly rngSeed: number;
}

/** A worker's answer. */
export interface ComposeReply {
  /** The job answered. */
  readonly id: number;
  /** The shard's loss (normalised by the whole batch size). */
  readonly loss: number;
  /** Output spikes `[T, b, size]` or null. */
  readonly spikes: Float32Array | null;
  /** Output membrane `[T, b, size]`. */
  readonly mem: Float32Array;
  /** Recorded layers. */
  readonly records: Readonly<Record<string, RecordedOutput>>;
  /** Parameter gradients in `parameters()` order (training only). */
  readonly grads: readonly Float32Array[];
  /** Message of the error that stopped the job, if any. */
  readonly error?: string;
}

/** The shard runner a worker gets from `Network` (kept minimal to avoid an import cycle). */
export interface ShardRunner {
  runShardJob(job: ComposeJob, loss: Loss<unknown> | null): Omit<ComposeReply, 'id'>;
}

/**
 * Entry point of a composition worker thread (started by `Network` with `workers > 1`; not for direct use).
 *
 * @remarks
 * Imports the factory module, builds the same network, then answers each
 * job on its port: copies the main thread's weights in, runs the shard
 * forward (and backward), and posts the loss, outputs and gradients.
 */
export async function runComposeWorker(makeNetwork: (layers: readonly Layer[], inputShape: readonly number[], seed: number) => ShardRunner): Promise<void> {
  const init = workerThreads(2).module.workerData as WorkerInit;
  const control = new Int32Array(init.control);
  const mod = (await import(init.factory.module)) as Record<string, unknown>;
  const fn = mod[init.factory.name];
  if (typeof fn !== 'function') throw new Error(`${init.factory.module} exports no function ${init.factory.name}`);
  const result = (fn as (args: unknown) => readonly Layer[] | { readonly layers: readonly Layer[]; readonly losses?: Readonly<Record<string, Loss<unknown>>> })(init.factory.args);
  const made = Array.isArray(result) ? { layers: result as readonly Layer[], losses: undefined } : (result as { readonly layers: readonly Layer[]; readonly losses?: Readonly<Record<string, Loss<unknown>>> });
  const net = makeNetwork(made.layers, init.inputShape, init.seed);
  init.port.on('message', (job: ComposeJob) => {
    let reply: ComposeReply;
    const transfer: ArrayBuffer[] = [];
    try {
      const loss = job.loss === null ? null : (made.losses?.[job.loss.name] ?? lossFromSpec(job.loss));
      const r = net.runShardJob(job, loss);
      reply = { id: job.id, ...r };
      for (const g of r.grads) transfer.push(g.buffer as ArrayBuffer);
    } catch (error) {
      reply = { id: job.id, loss: 0, spikes: null, mem: new Float32Array(0), records: {}, grads: [], error: error instanceof Error ? error.message : String(error) };
    }
    init.port.postMessage(reply, transfer);
    Atomics.store(control, 0, job.id);
    Atomics.notify(control, 0);
  });
}

/** Longest wait for a worker's answer, in ms. */
const WORKER_TIMEOUT_MS = 600_000;

interface PoolThread {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly control: Int32Array;
}

/** Worker threads of a `Network`, each with its own copy of the network. */
export class ComposeWorkerPool {
  private readonly threads: PoolThread[] = [];
  private readonly receive: WorkerThreads['receiveMessageOnPort'];
  private nextId = 1;

  /**
   * @param factory - module, export and arguments that rebuild the layers
   * @param inputShape - the network's input shape
   * @param seed - the network's seed
   * @param count - number of worker threads
   */
  constructor(factory: NetworkFactory, inputShape: readonly number[], seed: number, count: number) {
    const { module: wt, entryUrl } = workerThreads(count + 1);
    this.receive = wt.receiveMessageOnPort;
    if (!/\.m?js$/.test(entryUrl)) {
      throw new BackendError('worker threads load the built module', { field: 'workers', expected: 'workers = 1 when running from source, or @snn/learning from dist/', found: `module ${entryUrl}` });
    }
    for (let w = 0; w < count; w++) {
      const control = new Int32Array(new SharedArrayBuffer(4));
      const channel = new wt.MessageChannel();
      const init: WorkerInit = { factory, inputShape, seed, control: control.buffer as SharedArrayBuffer, port: channel.port2 };
      const bootstrap = [
        `import(${JSON.stringify(entryUrl)}).then((m) => m.runNetworkWorker()).catch((e) => {`,
        "  const { workerData } = require('node:worker_threads');",
        '  workerData.port.postMessage({ id: -1, loss: 0, spikes: null, mem: new Float32Array(0), records: {}, grads: [], error: String(e && e.stack || e) });',
        '  const c = new Int32Array(workerData.control); Atomics.store(c, 0, -1); Atomics.notify(c, 0);',
        '});',
      ].join('\n');
      const worker = new wt.Worker(bootstrap, { eval: true, workerData: init, transferList: [channel.port2] });
      worker.unref();
      channel.port1.unref();
      this.threads.push({ worker, port: channel.port1, control });
    }
  }

  /** Sends one job to worker `w`; returns its id. */
  post(w: number, job: Omit<ComposeJob, 'id'>): number {
    const id = this.nextId++;
    this.threads[w].port.postMessage({ ...job, id });
    return id;
  }

  /** Blocks until worker `w` has answered job `id`. */
  collect(w: number, id: number): ComposeReply {
    const { control, port } = this.threads[w];
    const deadline = Date.now() + WORKER_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(control, 0);
      if (done === id || done === -1) break;
      if (Date.now() > deadline) {
        throw new BackendError('network worker thread did not answer', { field: `worker ${w + 1}`, expected: `job ${id} within ${WORKER_TIMEOUT_MS} ms`, found: `last job ${done}` });
      }
      Atomics.wait(control, 0, done, 1000);
    }
    let reply: ComposeReply | undefined;
    do reply = this.receive(port)?.message as ComposeReply | undefined;
    while (reply !== undefined && reply.id >= 0 && reply.id < id);
    if (reply === undefined || reply.error !== undefined || reply.id !== id) {
      throw new BackendError('network worker thread failed', {
        field: `worker ${w + 1}`,
        expected: `an answer to job ${id}`,
        found: reply?.error ?? (reply === undefined ? 'no answer' : `an answer to job ${reply.id}`),
      });
    }
    return reply;
  }

  /** Stops every worker thread. */
  async close(): Promise<void> {
    const threads = this.threads.splice(0);
    for (const t of threads) t.port.close();
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }
}

