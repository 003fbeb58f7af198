/** Who may do what: actors and roles, the one permission table, and bearer tokens bound to this instance. */
export * from './actor.ts';
export * from './token.service.ts';
export * from './keyring.ts';
export * from './revocation.ts';
export * from './permissions.ts';
export * from './request-actor.ts';
export * from './api-key-credential.ts';
export * from './session-credential.ts';
