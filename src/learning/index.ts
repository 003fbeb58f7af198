// Public surface of the learning feature: the KCS fraud-ranking model (gradient-boosted trees over
// leak-free encodings of declarations) and the commands the CLI wires to it.
export type { KcsRow } from './kcs-reader.ts';
export { readKcsFile, readKcsFiles, parseKcs } from './kcs-reader.ts';
export type { GbdtConfig, GbdtModel, GbdtTree, Matrix } from './gbdt.ts';
export { trainGbdt, compileForest, predictRaw, predictProba, featureImportance } from './gbdt.ts';
export type { FeatureConfig, FeatureEncoding } from './features.ts';
export { fitFeatures, transformFeatures } from './features.ts';
export type { RankingMetrics } from './metrics.ts';
export { rankingMetrics, rocAuc, TOP_PERCENTS } from './metrics.ts';
export type { KcsModel, KcsModelFile, ModelEvaluation, TrainingWindow } from './kcs-model.ts';
export {
  KcsModelError,
  MODEL_FORMAT,
  MODEL_VERSION,
  loadModel,
  saveModel,
  parseModelFile,
  scoreRows,
} from './kcs-model.ts';
export type { EvaluationResult, KcsModelConfig, TrainSummary } from './kcs-train.ts';
export {
  KCS_MODEL_CONFIG,
  trainKcs,
  trainKcsModel,
  evaluateKcs,
  formatEvaluation,
  holdoutEvaluation,
} from './kcs-train.ts';
export type { SimulationOptions, SimulationResult, SimulationWeek } from './kcs-simulate.ts';
export { simulateKcs, simulateRows, formatSimulation } from './kcs-simulate.ts';
