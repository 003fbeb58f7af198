// Public surface of the Korea Customs Service data adapter: reading KCS declaration files, the
// features and fraud-ranking model trained on them, the simulation of controls, the mapping of a KCS
// row to Vigil's import declaration, and the bulk ingest that lodges them with their labels.
export type { KcsRow } from './kcs-reader.ts';
export { readKcsFile, readKcsFiles, parseKcs } from './kcs-reader.ts';
export type { FeatureConfig, FeatureEncoding } from './features.ts';
export { fitFeatures, transformFeatures } from './features.ts';
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
  formatEvaluationTable,
  holdoutEvaluation,
  kcsDutyAtStake,
} from './kcs-train.ts';
export type {
  ExplorationStrategy,
  SeedsSummary,
  SimulationOptions,
  SimulationResult,
  SimulationWeek,
} from './kcs-simulate.ts';
export {
  EXPLORATION_STRATEGIES,
  formatSeedsSummary,
  formatSimulation,
  seedsSummaryJson,
  simulateKcs,
  simulateKcsSeeds,
  simulateRows,
  simulateSeeds,
} from './kcs-simulate.ts';
export { KCS_MODES, declarationToKcsRows, kcsOffice, kcsRowToDeclaration } from './kcs-declaration.ts';
export * from './kcs-ingest.ts';
