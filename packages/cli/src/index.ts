export { ConfigError, formatConfigIssue } from './config/config-error.js';
export type { ConfigIssue } from './config/config-error.js';
export {
  finiteNumber,
  integer,
  positiveInt,
  nonNegativeInt,
  positive,
  nonNegative,
  unitInterval,
  numberInRange,
  intInRange,
  oneOf,
} from './config/fields.js';
export type { RangeOptions } from './config/fields.js';
export { parseConfig } from './config/parse.js';
export type { ParseConfigOptions } from './config/parse.js';
export { loadConfig, readConfigFile, parseConfigText, configFormatOf, MAX_CONFIG_FILE_BYTES } from './config/load.js';
export type { ConfigFormat } from './config/load.js';
export { combineOverrides, mergeOverrides, parseAssignments } from './config/overrides.js';
export type { MergeOverridesOptions } from './config/overrides.js';
export { editDistance, suggest } from './config/suggest.js';
export { MEMORY_BUDGET_BYTES, assertMemoryEstimate, checkMemoryEstimate, formatBytes, withinLimits } from './config/memory.js';
export type { MemoryEstimate } from './config/memory.js';

export {
  createRunDir,
  openRunPath,
  defaultRunName,
  findLatestRun,
  checkpointPath,
  RUN_LAYOUT,
  REPLACED_DIR,
  moveAside,
  discardReplaced,
  restoreReplaced,
  removeStaleTempFiles,
  entriesOf,
} from './run-dir/run-dir.js';
export type { RunDir, RunDirOptions, ReplacedRun } from './run-dir/run-dir.js';
export { writeResolvedConfig, readResolvedConfig } from './run-dir/resolved-config.js';
export {
  createManifest,
  writeManifest,
  readManifest,
  updateManifest,
  timePhase,
  finishManifest,
} from './run-dir/manifest.js';
export type {
  RunManifest,
  ManifestInit,
  ManifestPatch,
  BackendInfo,
  PhaseTiming,
  CheckpointInfo,
  RunStatus,
  RunEnd,
  MetricValue,
} from './run-dir/manifest.js';
export { collectVersions } from './run-dir/versions.js';
export type { VersionInfo, CollectVersionsOptions } from './run-dir/versions.js';
export { MetricsLog, readMetricsLog, lastEpochInMetrics, epochRecords } from './run-dir/metrics-log.js';
export type { MetricsRecord, MetricsLogOptions, WarnFn } from './run-dir/metrics-log.js';

export { createProgress } from './progress/progress.js';
export type { Progress, ProgressOptions, ProgressMode, ProgressStream } from './progress/progress.js';
export { formatNumber, formatRate, formatValues, percent } from './progress/format.js';
export type { ProgressValue } from './progress/format.js';
export { createLogger, log, timeOfDay } from './progress/log.js';
export type { Logger, LoggerOptions } from './progress/log.js';

export { createApp, getGlobalOptions, parseBackendArg } from './command/app.js';
export type { AppInfo, GlobalOptions } from './command/app.js';
export { parseNumberArg, numberOption } from './command/numbers.js';
export type { NumberKind } from './command/numbers.js';
export { UsageError } from './command/usage-error.js';
export { runCli, exitCodeFor, formatError } from './command/run-cli.js';
export type { RunCliOptions } from './command/run-cli.js';

export {
  compareConfigs,
  assertSameArchitecture,
  findLastCheckpoint,
  prepareResume,
} from './resume/resume.js';
export type { ConfigDifference, ResumeState, PrepareResumeOptions } from './resume/resume.js';

export { RUN_STREAMS, streamSeed } from './session/streams.js';
export { ModelSelection, readBestRecord } from './session/selection.js';
export type { BestRecord, SelectionState, SelectionStep } from './session/selection.js';
export {
  OPTIMIZER_PREFIX,
  applyWeights,
  checkpointMetaError,
  loadTrainingCheckpoint,
  restoreOptimizer,
  saveTrainingCheckpoint,
  trainingTensors,
} from './session/checkpoint.js';
export type {
  CheckpointableOptimizer,
  LoadedTrainingCheckpoint,
  NamedParameter,
  OptimizerScalars,
  OptimizerSnapshot,
  OptimizerSlot,
  TrainingTensors,
  TrainingCheckpointExpectation,
} from './session/checkpoint.js';
export { RunSession, printBest, processIo } from './session/session.js';
export type { SessionApp, SeededConfig, SessionCommandOptions, AppIo, BatchReport, EpochContext, EpochLoop, EpochTraining, EpochsSummary, SessionInit, SessionRun, SplitScore } from './session/session.js';
export { CONFUSION_FILE, readConfusion, saveConfusion } from './session/confusion.js';
export type { SavedConfusion } from './session/confusion.js';
export { typescriptBackend } from './session/backend.js';
export { startReport } from './session/report.js';
export type { ReportContext, ReportEntry } from './session/report.js';
