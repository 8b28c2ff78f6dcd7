import { parentPort, workerData } from 'node:worker_threads';
import { ACTIVITY_STREAMS, type ActivityJob, recordActivity } from './activity.js';
import { loadDiehlCookCheckpoint } from './checkpoint.js';
import { loadMnistSplit } from './train.js';

// Worker thread of `recordActivityThreaded`: loads the checkpoint and the split, records its share of the images
// and posts progress every 1,000 examples, then the counts.
const job = workerData as ActivityJob;
const { net } = await loadDiehlCookCheckpoint(job.checkpoint);
const data = loadMnistSplit(job.split, job.mnistPath);
let last = 0;
const result = recordActivity(net, data, job.first, job.count, job.seed, ACTIVITY_STREAMS[job.split], (done) => {
  parentPort?.postMessage({ progress: done - last });
  last = done;
});
parentPort?.postMessage({ progress: job.count - last, result });
