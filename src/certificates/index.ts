/**
 * Certificates and licences of other authorities (CERTEX-like): the registry, the write-offs goods
 * items make against it at registration, and the measures that require a certificate.
 */
export * from './certificate-check.ts';
export * from './certificate.repository.ts';
export * from './certificate.schema.ts';
export * from './certificate.service.ts';
