/**
 * How cooperation (RIFs, shared records, joint operations) reaches other nodes: the port src/federation
 * implements, and the egress rules every sender applies (docs/adr/0014-federation-over-jetstream.md).
 * No run-time imports of the contracts here: the services that send import this file.
 */
import type { Queryable } from '../store/database.ts';
import type { Rif } from './rif.schema.ts';

/** The message kinds cooperation (RIFs, shared records, joint operations) sends and receives between nodes. */
export type CooperationKind =
  | 'rif.issued'
  | 'rif.amended'
  | 'rif.withdrawn'
  | 'rif.delivery'
  | 'rif.feedback'
  | 'shared.records'
  | 'shared.withdrawn'
  | 'operation.created'
  | 'operation.accepted'
  | 'operation.message'
  | 'operation.figures'
  | 'criteria.published';

/** How cooperation reaches other nodes; implemented by src/federation, absent on a lone node. */
export interface FederationOutbound {
  /** The authorities that are other nodes (peers), read in the caller's transaction. */
  peers(tx: Queryable): Promise<ReadonlySet<string>>;
  /** Queues a message to a peer in the caller's transaction: it leaves when (and only if) that commits. */
  send(
    tx: Queryable,
    message: {
      readonly from: string;
      readonly to: string;
      readonly kind: CooperationKind;
      readonly body: unknown;
    },
  ): Promise<void>;
}

/** Queues `body` as `kind` to each of `to` that is a peer (never back to `from`). */
export async function sendToPeers(
  federation: FederationOutbound | undefined,
  tx: Queryable,
  from: string,
  to: readonly string[],
  kind: CooperationKind,
  body: unknown,
): Promise<void> {
  if (federation === undefined) {
    return;
  }
  const peers = await federation.peers(tx);
  for (const code of new Set(to)) {
    if (code !== from && peers.has(code)) {
      await federation.send(tx, { from, to: code, kind, body });
    }
  }
}

/** TLP labels that name their recipients: such a form goes to the authorities it names, never further. */
export function namesItsRecipients(rif: Rif): boolean {
  return rif.handling.tlp === 'RED' || rif.handling.tlp === 'AMBER+STRICT';
}

/** Queues `rif` (as `kind`) to each of `to` that is a peer; a RED or AMBER+STRICT form only to those it names. */
export async function sendRif(
  federation: FederationOutbound | undefined,
  tx: Queryable,
  rif: Rif,
  to: readonly string[],
  kind: 'rif.issued' | 'rif.amended',
): Promise<void> {
  if (federation === undefined) {
    return;
  }
  const peers = await federation.peers(tx);
  for (const code of new Set(to)) {
    if (!peers.has(code)) {
      continue;
    }
    if (namesItsRecipients(rif) && (rif.recipients === 'all' || !rif.recipients.includes(code))) {
      continue;
    }
    await federation.send(tx, { from: rif.issuer, to: code, kind, body: { rif, recipients: [code] } });
  }
}
