/**
 * The model registry: versioned fraud-ranking models stored in the database, the active one per
 * authority, and the plain-language explanation of what a model said about a declaration.
 */
export * from './model-explain.ts';
export { ModelRepository } from './model.repository.ts';
export * from './model.store.ts';
export * from './declaration-scorer.ts';
