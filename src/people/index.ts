/** People: accounts of analysts, officers, coordinators and auditors (local or from the identity provider), and their sessions. */
export * from './people.schema.ts';
export * from './people.repository.ts';
export * from './people.service.ts';
export * from './oidc-identity.ts';
export * from './oidc-client.ts';
