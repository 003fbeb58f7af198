/** The domain of the trade: pure types and checks, no I/O. */
export * from './filing.ts';
export * from './identifiers.ts';
export * from './reference-data.ts';
