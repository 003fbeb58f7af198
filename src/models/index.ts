/**
 * The model registry: versioned fraud-ranking models stored in the database, the active one per
 * authority and kind, and the plain-language explanation of what a model said; the entry-summary
 * model trained from Vigil's own control results, its champion–challenger cycle and drift.
 */
export * from './model-explain.ts';
export { ModelRepository } from './model.repository.ts';
export * from './model.store.ts';
export * from './declaration-scorer.ts';
export * from './ens-features.ts';
export * from './ens-model.ts';
export * from './ens-train.ts';
export * from './ens-model.service.ts';
