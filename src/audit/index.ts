/** Audit trail: the hash-chained, append-only log of decisions and reads of personal data. */
export * from './audit-actions.ts';
export * from './audit-log.ts';
export { canonicalJson } from './canonical-json.ts';
