/**
 * `@snn/baselines/node`: saving and loading baseline models as checkpoint
 * files (Node's files and hashing). The models and their training are in the
 * main entry, which also runs in a browser.
 *
 * @packageDocumentation
 */
export { saveBaseline, loadBaseline } from './train/checkpoint.js';
