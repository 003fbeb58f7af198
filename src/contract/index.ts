/** The HTTP contract (problem+json, error responses, headers, pagination) shared by every route. */
export * from './contract.ts';
export * from './sse-stream.ts';
