/**
 * Performance indicators of risk management, live: daily rollups of the facts kept up to date by a
 * refresher, the catalogue of indicators with their definitions and formulas, and the queries over
 * them per authority, period and breakdown, and the printable HTML report of them. Routes are
 * mounted by api/.
 */
export * from './indicator.catalogue.ts';
export * from './indicator.repository.ts';
export * from './indicator.service.ts';
export * from './indicator.format.ts';
export * from './indicator-report.html.ts';
