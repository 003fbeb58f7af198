/**
 * Economic operators: as customs know them from the traffic (first and last seen, filings, the
 * compliance history controls record) and as the register has them (EORI records, AEO authorisations,
 * mutual recognition of partner programmes).
 */
export * from './operator.repository.ts';
export * from './operator-profile.ts';
export * from './operator-registry.repository.ts';
export * from './operator-registry.schema.ts';
export * from './operator-registry.service.ts';
export * from './record-file.ts';
