/** Audit trail: the hash-chained, append-only log of decisions and reads of personal data. */
export * from './audit-actions.ts';
export * from './audit-log.ts';
export * from './audit-checkpoints.ts';
export * from './audit-inbox.ts';
export { canonicalJson } from './canonical-json.ts';
