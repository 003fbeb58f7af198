/** Error catalogue and the typed error used across layers. */
export * from './error-catalogue.ts';
export * from './zod-issues.ts';
export * from './parse-input.ts';
