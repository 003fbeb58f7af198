/** Reference data: the goods nomenclature and the codelists by date, shared by every authority. */
export * from './bundled-reference.ts';
export * from './reference-csv.ts';
export * from './reference.repository.ts';
export * from './reference.service.ts';
export * from './measure-csv.ts';
