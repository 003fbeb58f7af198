/** The domain of the trade: pure types and checks, no I/O. */
export * from './aeo.ts';
export * from './filing.ts';
export * from './identifiers.ts';
export * from './reference-data.ts';
export * from './reference-lists.ts';
export * from './trade-measures.ts';
export * from './clock.ts';
export * from './money.ts';
export * from './operator-key.ts';
export * from './random.ts';
export * from './random-draw.ts';
export * from './risk-vocabulary.ts';
export * from './schema-fields.ts';
