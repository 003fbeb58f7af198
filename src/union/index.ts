/**
 * Union-level analysis (issue 11): cross-border signals a coordinating authority draws from what the
 * other authorities' sharing policies give it. Routes are mounted by api/.
 */
export * from './union-signals.ts';
export * from './union.schema.ts';
export * from './union.service.ts';
