// Builds the layers of the worker-thread test network (imported by the test and by each worker thread).
import { Dropout, Linear, leaky, li } from '../../dist/index.js';

/** 12 → 10 Leaky → dropout → 3 LI; `args.dropout` is the drop probability. */
export function makeLayers(args) {
  return [new Linear(12, 10, { name: 'fc1' }), leaky({ beta: 0.9, name: 'lif1' }), new Dropout(args.dropout, { name: 'drop' }), new Linear(10, 3, { name: 'fc2' }), li({ beta: 0.8, name: 'out' })];
}
