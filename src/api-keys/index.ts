/** API keys for filers' systems: created by an authority's admin, shown once, stored as hashes. */
export * from './api-key.schema.ts';
export * from './api-key.repository.ts';
export * from './api-key.service.ts';
