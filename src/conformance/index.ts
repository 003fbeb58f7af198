/** The conformance kit: the published scenarios a filer's system runs against Vigil, and their runner. */
export * from './run-conformance.ts';
export * from './scenarios.ts';
export * from './filer-channel.ts';
export * from './webhook-receiver.ts';
export * from './filings.ts';
export * from './filing-examples.ts';
