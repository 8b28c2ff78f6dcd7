import type { MessagePort, Worker } from 'node:worker_threads';
import { BackendError, type SparseSpikes } from '@snn/core';
import { type RecurrentEngineConfig, type RecurrentEngineGrads, type RecurrentEngineWeights, RecurrentEngine } from './engine.js';
import { type WorkerThreads, workerThreads } from '../platform.js';

/** What a worker thread needs: the engine configuration, the shared weights and its own shared gradient buffers. */
interface WorkerInit {
  readonly config: RecurrentEngineConfig;
  readonly weights: RecurrentEngineWeights;
  readonly grads: RecurrentEngineGrads;
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
  readonly batchSize: number;
  readonly train: boolean;
  readonly record: boolean;
}

/** A worker's answer to a {@link WorkerJob}. */
interface WorkerReply {
  readonly id: number;
  readonly loss: number;
  readonly logits: Float32Array;
  readonly hiddenCounts: Float32Array;
  readonly hiddenSpikes: Uint8Array | null;
  readonly readoutTrace: Float32Array | null;
  readonly error?: string;
}

function gradBuffers(config: RecurrentEngineConfig): RecurrentEngineGrads {
  const { inputSize: N, hiddenSize: H, outputSize: C } = config;
  const make = (n: number): Float32Array => new Float32Array(new SharedArrayBuffer(4 * n));
  return {
    inWeight: make(N * H),
    inBias: make(H),
    recWeight: config.recurrent ? make(H * H) : null,
    outWeight: make(H * C),
    outBias: make(C),
    alpha: make(H),
    rho: make(H),
    kappa: make(C),
  };
}

const GRAD_KEYS = ['inWeight', 'inBias', 'recWeight', 'outWeight', 'outBias', 'alpha', 'rho', 'kappa'] as const;

/**
 * Entry point of a `RecurrentClassifier` worker thread (started with `workers > 1`; not for direct use).
 *
 * @remarks
 * Builds an engine over the weights shared through `SharedArrayBuffer`s and
 * answers each job (a contiguous shard of a batch) on its message port: it
 * clears its gradient buffers, runs forward (and backward), posts the loss and
 * logits, and wakes the main thread through `Atomics.notify`.
 */
export function runRecurrentWorker(): void {
  const init = workerThreads(2).module.workerData as WorkerInit;
  const control = new Int32Array(init.control);
  const engine = new RecurrentEngine(init.config, init.weights);
  const { hiddenSize: H, outputSize: C } = init.config;
  init.port.on('message', (job: WorkerJob) => {
    let reply: WorkerReply;
    const transfer: ArrayBuffer[] = [];
    try {
      if (job.train) for (const key of GRAD_KEYS) init.grads[key]?.fill(0);
      const logits = new Float32Array(job.batch * C);
      const hiddenCounts = new Float32Array(job.batch * H);
      const hiddenSpikes = job.record ? new Uint8Array(job.batch * job.numSteps * H) : null;
      const readoutTrace = job.record ? new Float32Array(job.batch * job.numSteps * C) : null;
      const spikes = { batch: job.batch, numSteps: job.numSteps, size: job.size, offsets: job.offsets, indices: job.indices };
      const loss = engine.run({
        spikes,
        first: 0,
        end: job.batch,
        labels: job.labels,
        batchSize: job.batchSize,
        grads: job.train ? init.grads : null,
        logits,
        hiddenCounts,
        hiddenSpikes,
        readoutTrace,
      });
      reply = { id: job.id, loss, logits, hiddenCounts, hiddenSpikes, readoutTrace };
      transfer.push(logits.buffer as ArrayBuffer, hiddenCounts.buffer as ArrayBuffer);
      if (hiddenSpikes) transfer.push(hiddenSpikes.buffer as ArrayBuffer);
      if (readoutTrace) transfer.push(readoutTrace.buffer as ArrayBuffer);
    } catch (error) {
      reply = {
        id: job.id,
        loss: 0,
        logits: new Float32Array(0),
        hiddenCounts: new Float32Array(0),
        hiddenSpikes: null,
        readoutTrace: null,
        error: error instanceof Error ? error.message : String(error),
      };
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
  readonly grads: RecurrentEngineGrads;
}

/** Worker threads of a `RecurrentClassifier`, each with its own gradient buffers in shared memory. */
export class RecurrentWorkerPool {
  private readonly threads: PoolThread[] = [];
  private readonly receive: WorkerThreads['receiveMessageOnPort'];
  private nextId = 1;

  /**
   * @param config - engine configuration
   * @param weights - parameter arrays on `SharedArrayBuffer`s
   * @param count - number of worker threads
   */
  constructor(config: RecurrentEngineConfig, weights: RecurrentEngineWeights, count: number) {
    const { module: wt, entryUrl } = workerThreads(count + 1);
    this.receive = wt.receiveMessageOnPort;
    for (let w = 0; w < count; w++) {
      const grads = gradBuffers(config);
      const control = new Int32Array(new SharedArrayBuffer(4));
      const channel = new wt.MessageChannel();
      const init: WorkerInit = { config, weights, grads, control: control.buffer as SharedArrayBuffer, port: channel.port2 };
      const bootstrap = [
        `import(${JSON.stringify(entryUrl)}).then((m) => m.runRecurrentWorker()).catch((e) => {`,
        "  const { workerData } = require('node:worker_threads');",
        '  workerData.port.postMessage({ id: -1, loss: 0, logits: new Float32Array(0), hiddenCounts: new Float32Array(0), hiddenSpikes: null, readoutTrace: null, error: String(e && e.stack || e) });',
        '  const c = new Int32Array(workerData.control); Atomics.store(c, 0, -1); Atomics.notify(c, 0);',
        '});',
      ].join('\n');
      const worker = new wt.Worker(bootstrap, { eval: true, workerData: init, transferList: [channel.port2] });
      worker.unref();
      channel.port1.unref();
      this.threads.push({ worker, port: channel.port1, control, grads });
    }
  }

  /** Sends samples `[first, end)` of a batch to worker `w`; returns the job id for {@link RecurrentWorkerPool.collect}. */
  post(w: number, spikes: SparseSpikes, first: number, end: number, labels: Int32Array | null, batchSize: number, train: boolean, record: boolean): number {
    const id = this.nextId++;
    const T = spikes.numSteps;
    const k0 = spikes.offsets[first * T];
    const k1 = spikes.offsets[end * T];
    const offsets = new Uint32Array((end - first) * T + 1);
    for (let r = 0; r < offsets.length; r++) offsets[r] = spikes.offsets[first * T + r] - k0;
    const job: WorkerJob = {
      id,
      batch: end - first,
      numSteps: T,
      size: spikes.size,
      offsets,
      indices: spikes.indices.slice(k0, k1),
      labels: labels === null ? null : labels.slice(first, end),
      batchSize,
      train,
      record,
    };
    this.threads[w].port.postMessage(job, [job.offsets.buffer as ArrayBuffer, job.indices.buffer as ArrayBuffer]);
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
        throw new BackendError('recurrent classifier worker thread did not answer', {
          field: `worker ${w + 1}`,
          expected: `job ${id} within ${WORKER_TIMEOUT_MS} ms`,
          found: `last job ${done}`,
        });
      }
      Atomics.wait(control, 0, done, 1000);
    }
    let reply: WorkerReply | undefined;
    do reply = this.receive(port)?.message as WorkerReply | undefined;
    while (reply !== undefined && reply.id >= 0 && reply.id < id);
    if (reply === undefined || reply.error !== undefined || reply.id !== id) {
      throw new BackendError('recurrent classifier worker thread failed', {
        field: `worker ${w + 1}`,
        expected: `an answer to job ${id}`,
        found: reply?.error ?? (reply === undefined ? 'no answer' : `an answer to job ${reply.id}`),
      });
    }
    return reply;
  }

  /** Adds worker `w`'s gradients of its last training job into `target`. */
  addGradsInto(w: number, target: RecurrentEngineGrads): void {
    const source = this.threads[w].grads;
    for (const key of GRAD_KEYS) {
      const from = source[key];
      const to = target[key];
      if (from === null || to === null) continue;
      for (let i = 0; i < to.length; i++) to[i] += from[i];
    }
  }

  /** Stops every worker thread. */
  async close(): Promise<void> {
    const threads = this.threads.splice(0);
    for (const t of threads) t.port.close();
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }
}
