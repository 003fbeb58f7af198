/**
 * Joint operations between authorities (priority control areas and joint customs operations): the
 * operation and its participations, the common criteria each participant runs as its own rules for
 * exactly the operational window, pooled results and reports, and the operation's message channel.
 * Routes are mounted by api/.
 */
export * from './operation.schema.ts';
export * from './operation.repository.ts';
export * from './operation.service.ts';
export * from './operation-report.ts';
export * from './operation-federation.ts';
