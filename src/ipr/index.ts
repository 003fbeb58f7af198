/**
 * IPR applications for action (COPIS-like): the register of right holders' applications, and the
 * screen that finds their protected brands in goods descriptions for the assessment and rules.
 */
export * from './brand-index.ts';
export * from './ipr-check.ts';
export * from './ipr.repository.ts';
export * from './ipr.schema.ts';
export * from './ipr.service.ts';
