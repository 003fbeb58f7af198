/**
 * Cooperation between authorities on one deployment: the directory of authorities, risk information
 * forms (drafted, issued, amended, withdrawn, adopted as rules in one step with `ruleFromRif`, checked
 * for duplicates of active ones with `findDuplicates`, with feedback), sharing policies and the records
 * shared under them, and the STIX 2.1 exchange format. Routes are mounted by api/.
 */
export * from './rif.schema.ts';
export * from './rif-rule.ts';
export * from './rif-similarity.ts';
export * from './rif.repository.ts';
export * from './rif.service.ts';
export * from './screening.ts';
export * from './sharing.service.ts';
export * from './stix-exchange.ts';
export * from './federation-port.ts';
export * from './rif-federation.ts';
