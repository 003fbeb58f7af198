/**
 * Common risk criteria from the centre (issue 11 point 3): a coordinating authority publishes,
 * amends and withdraws criteria (`crc`, `frc`) that every member runs as its own rule, and reads
 * their figures per member. `receive` applies a version published elsewhere (a coordinator's node).
 * Routes are mounted by api/.
 */
export * from './common-criterion.schema.ts';
export * from './common-criterion.repository.ts';
export * from './common-criterion.service.ts';
