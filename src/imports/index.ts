/**
 * Public surface of the imports feature: H1/H7 import declarations with lanes under office capacity,
 * the Korea Customs Service importer, and the model store whose active model scores declarations.
 */
export * from './import.schema.ts';
export { IMPORT_CODES } from './import-codes.ts';
export { KCS_MODES, declarationToKcsRows, kcsOffice, kcsRowToDeclaration } from './import-kcs.ts';
export * from './import.repository.ts';
export * from './import.service.ts';
export * from './import.routes.ts';
export * from './kcs-ingest.ts';
export * from './model-explain.ts';
export { ModelRepository } from './model.repository.ts';
export * from './model.store.ts';
export * from './model.commands.ts';
