/**
 * Economic operators as customs know them from the traffic: first and last seen, filings, and the
 * compliance history that controls record. (The registry of operators and AEO is to come.)
 */
export * from './operator.repository.ts';
export * from './operator-profile.ts';
