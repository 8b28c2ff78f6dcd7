import type { MessagePort, Worker } from 'node:worker_threads';
import { BackendError } from '@snn/core';
import { type SurrogateName, surrogateFromSpec } from '@snn/neurons';
import { BpttEngine, type EngineGrads, type EngineLayer } from './engine.js';
import type { BpttLoss } from './loss.js';
import { type WorkerThreads, workerThreads } from '../platform.js';

/** What a worker thread needs to build its engine: layer codes and shared weights and gradients. */
interface WorkerInit {
  readonly layers: readonly EngineLayer[];
  readonly grads: readonly EngineGrads[];
  readonly surrogate: { readonly name: SurrogateName; readonly options: Readonly<Record<string, number>> };
  /** Int32 [last finished job id (−1: the worker failed to start)]. */
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** One shard of a batch, sent to a worker. */
interface WorkerJob {
  readonly id: number;
  readonly batch: number;
  readonly numSteps: number;
  readonly size: number;
  readonly offsets: Uint32Array;
  readonly indices: Uint32Array;
  readonly labels: Int32Array | null;
  readonly loss: BpttLoss | null;
  readonly batchSize: number;
  readonly train: boolean;
  readonly membrane: boolean;
  readonly classes: number;
}

/** A worker's answer to a {@link WorkerJob}. */
export interface WorkerReply {
  readonly id: number;
  readonly loss: number;
  readonly counts: Float32Array;
  readonly membrane: Float32Array | null;
  readonly error?: string;
}

/**
 * Entry point of a BPTT worker thread (started by `LifNetwork` with `workers > 1`; not for direct use).
 *
 * @remarks
 * Builds an engine over the weights the main thread shares through
 * `SharedArrayBuffer`s, then answers each job (a shard of a batch) on its
 * message port: it runs forward (and backward) over the shard, writes the
 * gradients into its shared gradient buffers, posts the loss and spike counts, and wakes the
 * main thread through `Atomics.notify`.
 */
export function runBpttWorker(): void {
  const init = workerThreads(2).module.workerData as WorkerInit;
  const control = new Int32Array(init.control);
  const engine = new BpttEngine(init.layers, surrogateFromSpec(init.surrogate.name, init.surrogate.options));
  init.port.on('message', (job: WorkerJob) => {
    let reply: WorkerReply;
    const transfer: ArrayBuffer[] = [];
    try {
      const counts = new Float32Array(job.batch * job.classes);
      const membrane = job.membrane ? new Float32Array(job.batch * job.numSteps * job.classes) : null;
      const spikes = { batch: job.batch, numSteps: job.numSteps, size: job.size, offsets: job.offsets, indices: job.indices };
      const loss = engine.run({
        spikes,
        first: 0,
        end: job.batch,
        labels: job.labels,
        loss: job.loss,
        batchSize: job.batchSize,
        grads: job.train ? init.grads : null,
        accumulate: false,
        counts,
        membrane,
      });
      reply = { id: job.id, loss, counts, membrane };
      transfer.push(counts.buffer as ArrayBuffer);
      if (membrane) transfer.push(membrane.buffer as ArrayBuffer);
    } catch (error) {
      reply = { id: job.id, loss: 0, counts: new Float32Array(0), membrane: null, error: error instanceof Error ? error.message : String(error) };
    }
    init.port.postMessage(reply, transfer);
    Atomics.store(control, 0, job.id);
    Atomics.notify(control, 0);
  });
}

/** Longest wait for a worker's answer before giving up, in ms. */
const WORKER_TIMEOUT_MS = 600_000;

interface PoolThread {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly control: Int32Array;
  readonly grads: readonly EngineGrads[];
}

/**
 * Worker threads of a `LifNetwork`: each has its own gradient buffers in
 * shared memory and reads the weights from shared memory.
 */
export class BpttWorkerPool {
  private readonly threads: PoolThread[] = [];
  private readonly receive: WorkerThreads['receiveMessageOnPort'];
  private nextId = 1;

  /**
   * @param layers - engine layers whose weights and biases live on `SharedArrayBuffer`s
   * @param surrogate - name and options of a built-in surrogate
   * @param count - number of worker threads to start
   */
  constructor(
    layers: readonly EngineLayer[],
    surrogate: { readonly name: SurrogateName; readonly options: Readonly<Record<string, number>> },
    count: number,
  ) {
    const { module: wt, entryUrl } = workerThreads(count + 1);
    this.receive = wt.receiveMessageOnPort;
    for (let w = 0; w < count; w++) {
      const grads = layers.map((l) => ({
        weight: new Float32Array(new SharedArrayBuffer(4 * l.weight.length)),
        bias: new Float32Array(new SharedArrayBuffer(4 * l.bias.length)),
      }));
      const control = new Int32Array(new SharedArrayBuffer(4));
      const channel = new wt.MessageChannel();
      const init: WorkerInit = { layers, grads, surrogate, control: control.buffer as SharedArrayBuffer, port: channel.port2 };
      const bootstrap = [
        `import(${JSON.stringify(entryUrl)}).then((m) => m.runBpttWorker()).catch((e) => {`,
        "  const { workerData } = require('node:worker_threads');",
        '  workerData.port.postMessage({ id: -1, loss: 0, counts: new Float32Array(0), membrane: null, error: String(e && e.stack || e) });',
        '  const c = new Int32Array(workerData.control); Atomics.store(c, 0, -1); Atomics.notify(c, 0);',
        '});',
      ].join('\n');
      const worker = new wt.Worker(bootstrap, { eval: true, workerData: init, transferList: [channel.port2] });
      worker.unref();
      channel.port1.unref();
      this.threads.push({ worker, port: channel.port1, control, grads });
    }
  }

  /** Number of worker threads. */
  get size(): number {
    return this.threads.length;
  }

  /** Gradient buffers of worker `w`, valid after {@link BpttWorkerPool.collect} of a training job. */
  grads(w: number): readonly EngineGrads[] {
    return this.threads[w].grads;
  }

  /** Sends one job to worker `w`; returns its id for {@link BpttWorkerPool.collect}. */
  post(w: number, job: Omit<WorkerJob, 'id'>): number {
    const id = this.nextId++;
    const transfer = [job.offsets.buffer as ArrayBuffer, job.indices.buffer as ArrayBuffer];
    this.threads[w].port.postMessage({ ...job, id }, transfer);
    return id;
  }

  /** Blocks until worker `w` has answered job `id`, and returns the answer. */
  collect(w: number, id: number): WorkerReply {
    const { control, port } = this.threads[w];
    const deadline = Date.now() + WORKER_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(control, 0);
      if (done === id || done === -1) break;
      if (Date.now() > deadline) {
        throw new BackendError('BPTT worker thread did not answer', { field: `worker ${w + 1}`, expected: `job ${id} within ${WORKER_TIMEOUT_MS} ms`, found: `last job ${done}` });
      }
      Atomics.wait(control, 0, done, 1000);
    }
    // Answers to older jobs (left behind when an earlier call threw) are dropped.
    let reply: WorkerReply | undefined;
    do reply = this.receive(port)?.message as WorkerReply | undefined;
    while (reply !== undefined && reply.id >= 0 && reply.id < id);
    if (reply === undefined || reply.error !== undefined || reply.id !== id) {
      throw new BackendError('BPTT worker thread failed', {
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
