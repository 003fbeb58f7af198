/** Error catalogue and the typed error used across layers. */
export * from './error-catalogue.ts';
