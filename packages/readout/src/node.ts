/**
 * `@snn/readout/node`: the resumable K-fold / grid-search runner, which keeps
 * its state in files and runs points on worker threads. Everything else of
 * the package is in the main entry, which also runs in a browser.
 *
 * @packageDocumentation
 */
export {
  runSearchPoints,
  servePoints,
  readSearchResults,
  canonicalJson,
  firstDifference,
  SEARCH_STATE_FILE,
  POINT_RESULT_FILE,
} from './search/points.js';
export type { SearchPoint, PointResult, PointTask, RunSearchOptions, PointEvent, SearchOutcome, SearchResults } from './search/points.js';
