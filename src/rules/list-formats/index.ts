/**
 * Reading watchlists from the formats they come in: Vigil's own CSV and NDJSON, the UN Security
 * Council consolidated list, the EU financial sanctions file and the OFAC SDN list. Readers take the
 * text as it arrives and give entities with the place each came from, or every problem with its place.
 */
export * from './list-entity.ts';
export * from './list-reader.ts';
export * from './read-list.ts';
export { CsvRecords, csvSeparator } from './csv-records.ts';
export { remarkIdentifiers, OFAC_SOURCE } from './ofac-sdn.ts';
export { UN_SOURCE } from './un-consolidated.ts';
export { EU_SOURCE } from './eu-fsf.ts';
