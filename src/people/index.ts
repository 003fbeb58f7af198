/** People: local accounts of analysts, officers, coordinators and auditors, and their sessions. */
export * from './people.schema.ts';
export * from './people.repository.ts';
export * from './people.service.ts';
