/** Retention: per-category periods, the purge that pseudonymises, reduces or deletes what expired. */
export * from './pseudonymise.ts';
export * from './retention.service.ts';
