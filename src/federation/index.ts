/**
 * Federation between national nodes over NATS JetStream (issue 11): peers, signed messages, the
 * outbound relay and the inbound receiver. docs/adr/0014-federation-over-jetstream.md says why it
 * works this way; docs/federation.md how to connect nodes.
 */
export * from './envelope.ts';
export * from './federation.repository.ts';
export * from './federation.service.ts';
export * from './federation.transport.ts';
