/** Intake: parse, validate, normalise and register filings; multiple-filing linkage. */
export * from './filing.schema.ts';
export * from './filing.rules.ts';
export * from './validate-filing.ts';
export * from './filing.repository.ts';
export * from './filing.service.ts';
