/**
 * The federation message: what one node sends another, signed by the sending authority's Ed25519 key
 * over the RFC 8785 JSON of every other field (docs/adr/0014-federation-over-jetstream.md). The
 * receiver checks the shape, that it is addressed to itself, the sender's key and the signature
 * before it reads the body; `epoch` and `seq` order a sender's messages to one peer.
 */
import { createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../audit/index.ts';

/** What a message carries; each kind has one handler at the receiver. */
export const FEDERATED_KINDS = [
  'rif.issued',
  'rif.amended',
  'rif.withdrawn',
  'rif.delivery',
  'rif.feedback',
  'shared.records',
  'shared.withdrawn',
  'operation.created',
  'operation.accepted',
  'operation.message',
  'operation.figures',
  'criteria.published',
] as const;
export type FederatedKind = (typeof FEDERATED_KINDS)[number];

const authorityCode = z.string().regex(/^[A-Z]{2,4}$/);

export const federationMessageSchema = z.strictObject({
  v: z.literal(1),
  id: z.uuid(),
  from: authorityCode,
  to: authorityCode,
  epoch: z.int().min(0),
  seq: z.int().min(1),
  kind: z.enum(FEDERATED_KINDS),
  at: z.iso.datetime(),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  body: z.unknown(),
  sig: z.base64(),
});
export type FederationMessage = z.infer<typeof federationMessageSchema>;
export type UnsignedMessage = Omit<FederationMessage, 'sig'>;

/** Reads an Ed25519 public key given as SPKI PEM; throws a plain Error when it is not one. */
export function parsePublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`the key is ${key.asymmetricKeyType ?? 'not a public key'}, not Ed25519`);
  }
  return key;
}

function signedBytes(m: UnsignedMessage): Buffer {
  const { v, id, from, to, epoch, seq, kind, at, keyId, body } = m;
  return Buffer.from(canonicalJson({ v, id, from, to, epoch, seq, kind, at, keyId, body }), 'utf8');
}

export function signMessage(m: UnsignedMessage, privateKey: KeyObject): FederationMessage {
  return { ...m, sig: sign(null, signedBytes(m), privateKey).toString('base64') };
}

export function signatureHolds(m: FederationMessage, publicKey: KeyObject): boolean {
  try {
    return verify(null, signedBytes(m), publicKey, Buffer.from(m.sig, 'base64'));
  } catch {
    return false;
  }
}
