import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Longest an image may take to decode by default, ms; past it the decoder is stopped. */
export const DECODE_TIMEOUT_MS = 10_000;
/** Heap of the decoder thread, MiB (pixels live outside it; their count is checked before decoding). */
const DECODER_HEAP_MB = 512;

/** A decoded image: RGBA bytes, row-major. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Decoding took longer than its time limit and the decoder was stopped. */
export class DecodeTimeoutError extends Error {}

// The decoder thread: jimp decodes each message's bytes and sends back the RGBA pixels (transferred, not copied).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Jimp } = require(workerData.jimp);
parentPort.on('message', async ({ id, bytes }) => {
  try {
    const { width, height, data } = (await Jimp.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))).bitmap;
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    parentPort.postMessage({ id, width, height, data: pixels }, [pixels.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: error && error.message ? error.message : String(error) });
  }
});
`;

let worker: Worker | undefined;
let nextId = 0;

function decoderThread(): Worker {
  if (worker === undefined) {
    const jimp = createRequire(import.meta.url).resolve('jimp');
    const thread = new Worker(WORKER_SOURCE, { eval: true, workerData: { jimp }, resourceLimits: { maxOldGenerationSizeMb: DECODER_HEAP_MB } });
    // The thread must not keep a finished command alive; a pending decode keeps its own timer.
    thread.unref();
    thread.on('error', () => {
      if (worker === thread) worker = undefined;
    });
    thread.on('exit', () => {
      if (worker === thread) worker = undefined;
    });
    worker = thread;
  }
  return worker;
}

/**
 * Decodes an image file's bytes with jimp (PNG, JPEG, BMP, GIF, TIFF) on a decoder thread, so that
 * a decoder that never returns on a malformed file (jimp's GIF decoder loops forever on some
 * 100-byte files) is stopped after `timeoutMs` instead of hanging the command.
 *
 * @param bytes - the file's bytes
 * @param timeoutMs - longest wait, ms (default {@link DECODE_TIMEOUT_MS})
 * @returns the RGBA pixels
 * @throws DecodeTimeoutError when decoding takes longer (the thread is stopped and replaced);
 *   an Error with jimp's message when the bytes are not an image it decodes
 */
export function decodeImage(bytes: Uint8Array, timeoutMs: number = DECODE_TIMEOUT_MS): Promise<DecodedImage> {
  const thread = decoderThread();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      thread.off('message', onMessage);
      thread.off('error', onError);
    };
    const onMessage = (message: { id: number; error?: string } & DecodedImage): void => {
      if (message.id !== id) return;
      done();
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve({ width: message.width, height: message.height, data: message.data });
    };
    const onError = (error: Error): void => {
      done();
      reject(error);
    };
    const timer = setTimeout(() => {
      done();
      if (worker === thread) worker = undefined;
      void thread.terminate();
      reject(new DecodeTimeoutError(`decoding did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    thread.on('message', onMessage);
    thread.on('error', onError);
    thread.postMessage({ id, bytes });
  });
}
