/**
 * Assessment: every complete consignment assessed once per version of its data (rules, watchlists,
 * statistical signals, operator profile, the recorded random draw), its ICS2 outcome and explanation
 * stored; analysts' reviews and RFI answers revise the outcome. `assessConsignment` is the pure
 * decision; the service reads its inputs and stores its result. Routes are mounted by api/.
 */
export * from './assess.ts';
export * from './assessment.repository.ts';
export * from './assessment.service.ts';
export * from './entry-outcome.ts';
export * from './risk-context.ts';
export * from './signals.ts';
export * from './unit-value-stats.ts';
export * from './queue.repository.ts';
export * from './queue.service.ts';
