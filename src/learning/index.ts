// Public surface of learning: gradient-boosted trees and ranking metrics, generic over a numeric
// matrix. What a model learns from (the KCS declarations) lives with its data adapter in src/kcs.
export type { CompiledForest, GbdtConfig, GbdtModel, GbdtTree, Matrix } from './gbdt.ts';
export {
  DEFAULT_GBDT_CONFIG,
  trainGbdt,
  compileForest,
  predictRaw,
  predictProba,
  featureImportance,
  sigmoid,
} from './gbdt.ts';
export type { RankingMetrics } from './metrics.ts';
export { rankingMetrics, rocAuc, TOP_PERCENTS } from './metrics.ts';
export type { NodeExpectations } from './contributions.ts';
export { contributionBias, nodeExpectations, pathContributions } from './contributions.ts';
export type { ScoreReference } from './weighted-metrics.ts';
export {
  binShares,
  populationStability,
  precisionAtShare,
  scoreReference,
  weightedAuc,
} from './weighted-metrics.ts';
export type { CodeIndex } from './code-index.ts';
export { buildCodeIndex, findSlot } from './code-index.ts';
