export * from './metrics';
export {
  analyzeDrift,
  NOISE_QUANTILE,
  PERMUTATIONS,
  SCORE_COMPONENTS,
  type DriftAnalysis,
  type DriftMetric,
  type DriftMetricName,
  type SkippedDriftMetric,
} from './analyze';
export { readDriftSample, conversationSample, type ConversationSample, type DriftSample, type SampleProblem } from './samples';
export { productionModelQuality } from './quality';
export {
  listDriftRuns,
  latestRetrainDecision,
  saveDriftRun,
  type DriftRun,
  type DriftReference,
  type RetrainDecision,
  type AssemblySummary,
} from './decisionStore';
export { runDriftWatch, DriftReferenceError, type DriftWatchOptions } from './watch';
