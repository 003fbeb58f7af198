/**
 * Public surface of import declarations (H1 standard, H7 low-value e-commerce): the contract, lanes
 * under office capacity, registration and the official's and filer's views. Routes are mounted by api/.
 */
export * from './import.schema.ts';
export { IMPORT_CODES } from './import-codes.ts';
export * from './import.repository.ts';
export * from './import.service.ts';
export { importAsFiling } from './import-as-filing.ts';
