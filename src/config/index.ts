/** Configuration: read once, validate, freeze, pass in. */
export * from './config.ts';
