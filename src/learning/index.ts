// Public surface of learning: gradient-boosted trees and ranking metrics, generic over a numeric
// matrix. What a model learns from (the KCS declarations) lives with its data adapter in src/kcs.
export type { GbdtConfig, GbdtModel, GbdtTree, Matrix } from './gbdt.ts';
export { trainGbdt, compileForest, predictRaw, predictProba, featureImportance } from './gbdt.ts';
export type { RankingMetrics } from './metrics.ts';
export { rankingMetrics, rocAuc, TOP_PERCENTS } from './metrics.ts';
