/**
 * Signals learned from control results (issue 12): marks left by results with an irregularity or a
 * seizure, the hits they give later consignments, and each authority's settings of them.
 */
export * from './result-signals.ts';
export * from './result-signal.contract.ts';
export * from './result-signal.repository.ts';
export * from './result-signal.service.ts';
