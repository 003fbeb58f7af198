/**
 * Cooperation across nodes (issue 11, docs/adr/0014-federation-over-jetstream.md): what a RIF, its
 * deliveries, its feedback and a shared record become when the other authority runs its own Vigil.
 *
 * Outbound, the services call the `FederationOutbound` port (federation-port.ts) in the transaction of the act itself, so a
 * message is queued exactly when the act commits. Inbound, `FederatedCooperation.receive` applies a
 * verified message in the receiving node's transaction, with the owners ADR 0011 gives the rows: the
 * RIF stays its issuer's, the delivery the recipient's, the feedback its giver's, the shared record
 * its source's. A peer speaks only for itself: it issues, withdraws and amends its own RIFs, gives
 * its own feedback and decisions, shares its own records, and only to authorities of this node.
 */
import { z } from 'zod';
import { VigilError } from '../errors/index.ts';
import { fromZodIssues } from '../errors/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import type { Queryable } from '../store/database.ts';
import { deliverySchema, feedbackSchema, rifSchema } from './rif.contract.ts';
import type { DirectoryEntry, Rif, RifFeedback } from './rif.schema.ts';
import type { CooperationKind } from './federation-port.ts';
import type { RifRepository } from './rif.repository.ts';

const issuedBody = z.strictObject({ rif: rifSchema, recipients: z.array(z.string()).min(1).max(100) });
const withdrawnBody = z.strictObject({
  rifId: z.string(),
  version: z.int(),
  reason: z.string().min(1).max(1000),
});
const deliveryBody = z.strictObject({
  delivery: deliverySchema.omit({ ruleId: true, deliveredAt: true }),
});
const feedbackBody = z.strictObject({ feedback: feedbackSchema });
const sharedRecordSchema = z.strictObject({
  id: z.string().min(1).max(200),
  recipient: z.string(),
  category: z.string().min(1).max(100),
  level: z.enum(['summary', 'full']),
  ref: z.string().min(1).max(500),
  data: z.unknown(),
  at: z.iso.datetime({ offset: true }),
});
const sharedBody = z.strictObject({ records: z.array(sharedRecordSchema).min(1).max(5000) });
const sharedWithdrawnBody = z.strictObject({
  recipient: z.string(),
  category: z.string().min(1).max(100),
  refPrefix: z.string().min(1).max(500),
});

export type SharedRecordWire = z.infer<typeof sharedRecordSchema>;

export interface FederatedCooperationDeps {
  readonly repo: RifRepository;
  readonly audit?: { append(tx: Queryable, event: AuditEvent): Promise<unknown> } | undefined;
  /** Retires a rule an authority of this node adopted from a RIF (its own transaction, after commit). */
  readonly retireAdopted: (authority: string, ruleId: string, why: string) => Promise<void>;
}

/** Applies one verified message from a peer in the receiving node's transaction (see `receive`). */
export type ApplyFederated = (
  tx: Queryable,
  from: string,
  kind: CooperationKind,
  body: unknown,
  at: Date,
  peers: ReadonlySet<string>,
) => Promise<Applied>;

/** What applying a message did: the local authorities it concerned and work to run after commit. */
export interface Applied {
  readonly authorities: readonly string[];
  readonly ref: string;
  readonly afterCommit?: (() => Promise<void>) | undefined;
}

/** A received body checked against its kind's schema, or VIGIL_FEDERATION_INVALID with every error. */
export function parseFederated<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body, { reportInput: false });
  if (!r.success) {
    throw new VigilError(
      'VIGIL_FEDERATION_INVALID',
      `the ${what} has ${r.error.issues.length} error(s)`,
      fromZodIssues(r.error.issues, what),
    );
  }
  return r.data;
}

function forged(message: string): VigilError {
  return new VigilError('VIGIL_FEDERATION_FORGED', message);
}

export class FederatedCooperation {
  readonly #d: FederatedCooperationDeps;

  constructor(deps: FederatedCooperationDeps) {
    this.#d = deps;
  }

  /**
   * Applies a verified message from peer `from` in `tx` (the service's, across authorities). Throws
   * a VigilError when the message may not be applied (refused, audited by the caller); any other
   * error means "try again".
   */
  readonly receive: ApplyFederated = async (tx, from, kind, body, at, peers) => {
    const directory = await this.#d.repo.directory(tx);
    const local = (code: string): DirectoryEntry | undefined =>
      peers.has(code) ? undefined : directory.get(code);
    switch (kind) {
      case 'rif.issued':
      case 'rif.amended':
        return this.#rif(tx, from, parseFederated(issuedBody, body, 'RIF message'), at, local);
      case 'rif.withdrawn':
        return this.#withdrawn(
          tx,
          from,
          parseFederated(withdrawnBody, body, 'withdrawal message'),
          at,
          peers,
        );
      case 'rif.delivery':
        return this.#delivery(tx, from, parseFederated(deliveryBody, body, 'delivery message'), local);
      case 'rif.feedback':
        return this.#feedback(tx, from, parseFederated(feedbackBody, body, 'feedback message'), at, local);
      case 'shared.records':
        return this.#shared(tx, from, parseFederated(sharedBody, body, 'shared records message'), local);
      case 'shared.withdrawn': {
        const b = parseFederated(sharedWithdrawnBody, body, 'shared records withdrawal');
        if (local(b.recipient) === undefined) {
          throw forged(`${b.recipient} is not an authority of this node`);
        }
        await this.#d.repo.unshareFor(tx, from, b.recipient, b.category, b.refPrefix);
        return { authorities: [b.recipient], ref: `${b.category}:${b.refPrefix}` };
      }
      case 'operation.created':
      case 'operation.accepted':
      case 'operation.message':
      case 'operation.figures':
      case 'criteria.published':
        throw new VigilError(
          'VIGIL_FEDERATION_INVALID',
          `RIFs and shared records do not take '${kind}' messages`,
        );
    }
  };

  async #rif(
    tx: Queryable,
    from: string,
    b: z.infer<typeof issuedBody>,
    at: Date,
    local: (code: string) => DirectoryEntry | undefined,
  ): Promise<Applied> {
    const rif = b.rif as unknown as Rif;
    if (rif.issuer !== from) {
      throw forged(`${from} sent RIF ${rif.id} issued by ${rif.issuer}; a node sends only its own RIFs`);
    }
    if (rif.status === 'draft') {
      throw new VigilError(
        'VIGIL_FEDERATION_INVALID',
        `RIF ${rif.id} is a draft; drafts never leave their node`,
      );
    }
    const recipients = b.recipients.flatMap((code) => {
      const e = local(code);
      return e === undefined ? [] : [{ code, kind: e.kind }];
    });
    if (recipients.length === 0) {
      throw new VigilError(
        'VIGIL_FEDERATION_MISADDRESSED',
        `RIF ${rif.id} names no authority of this node (${b.recipients.join(', ')})`,
      );
    }
    const existing = await this.#d.repo.get(tx, rif.id, true);
    if (existing !== undefined && existing.issuer !== from) {
      throw forged(`RIF ${rif.id} here was issued by ${existing.issuer}, not ${from}`);
    }
    if (existing === undefined) {
      await this.#d.repo.insert(tx, rif, at);
      await this.#d.repo.setStatus(tx, rif.id, rif.status, at, { reason: rif.withdrawalReason ?? undefined });
    } else if (rif.version > existing.version) {
      await this.#d.repo.update(tx, rif, at);
      if (rif.status !== existing.status) {
        await this.#d.repo.setStatus(tx, rif.id, rif.status, at, {
          reason: rif.withdrawalReason ?? undefined,
        });
      }
    }
    await this.#d.repo.deliver(tx, rif, recipients, at);
    for (const r of recipients) {
      await this.#d.audit?.append(tx, {
        authority: r.code,
        actor: `peer:${from}`,
        action: 'rif.received',
        subject: `rif:${rif.id}`,
        details: { issuer: from, version: rif.version, tlp: rif.handling.tlp, via: 'federation' },
        at,
      });
    }
    return { authorities: recipients.map((r) => r.code), ref: `rif:${rif.id}@${rif.version}` };
  }

  async #withdrawn(
    tx: Queryable,
    from: string,
    b: z.infer<typeof withdrawnBody>,
    at: Date,
    peers: ReadonlySet<string>,
  ): Promise<Applied> {
    const rif = await this.#d.repo.get(tx, b.rifId, true);
    if (rif === undefined) {
      throw new VigilError('VIGIL_FEDERATION_UNKNOWN_RIF', `no RIF ${b.rifId} was received here`);
    }
    if (rif.issuer !== from) {
      throw forged(`${from} may not withdraw RIF ${b.rifId} issued by ${rif.issuer}`);
    }
    const deliveries = (await this.#d.repo.deliveries(tx, b.rifId)).filter((d) => !peers.has(d.authority));
    if (rif.status !== 'withdrawn') {
      await this.#d.repo.setStatus(tx, b.rifId, 'withdrawn', at, { reason: b.reason });
      for (const d of deliveries) {
        await this.#d.audit?.append(tx, {
          authority: d.authority,
          actor: `peer:${from}`,
          action: 'rif.withdrawn',
          subject: `rif:${b.rifId}`,
          details: { issuer: from, version: b.version, reason: b.reason, via: 'federation' },
          at,
        });
      }
    }
    const adopted = deliveries.filter((d) => d.ruleId !== null);
    return {
      authorities: deliveries.map((d) => d.authority),
      ref: `rif:${b.rifId}`,
      afterCommit: async () => {
        for (const d of adopted) {
          await this.#d.retireAdopted(d.authority, d.ruleId!, `RIF ${b.rifId} was withdrawn by ${from}`);
        }
      },
    };
  }

  /** The issuer's own RIF, of this node, that `from` holds a delivery of. */
  async #issuedHere(
    tx: Queryable,
    from: string,
    rifId: string,
    local: (code: string) => DirectoryEntry | undefined,
  ): Promise<Rif> {
    const rif = await this.#d.repo.get(tx, rifId);
    if (rif === undefined || local(rif.issuer) === undefined) {
      throw new VigilError('VIGIL_FEDERATION_UNKNOWN_RIF', `no RIF ${rifId} was issued on this node`);
    }
    if ((await this.#d.repo.delivery(tx, rifId, from)) === undefined) {
      throw forged(`RIF ${rifId} was not delivered to ${from}`);
    }
    return rif;
  }

  async #delivery(
    tx: Queryable,
    from: string,
    b: z.infer<typeof deliveryBody>,
    local: (code: string) => DirectoryEntry | undefined,
  ): Promise<Applied> {
    const d = b.delivery;
    if (d.authority !== from) {
      throw forged(`${from} may not decide for ${d.authority}`);
    }
    const rif = await this.#issuedHere(tx, from, d.rifId, local);
    await this.#d.repo.setDelivery(tx, d.rifId, from, {
      state: d.state,
      version: d.version,
      reason: d.reason,
      at: d.decidedAt === null ? null : new Date(d.decidedAt),
    });
    return { authorities: [rif.issuer], ref: `rif:${d.rifId}:${d.state}` };
  }

  async #feedback(
    tx: Queryable,
    from: string,
    b: z.infer<typeof feedbackBody>,
    at: Date,
    local: (code: string) => DirectoryEntry | undefined,
  ): Promise<Applied> {
    const f = b.feedback as RifFeedback;
    if (f.authority !== from) {
      throw forged(`${from} may not give feedback as ${f.authority}`);
    }
    const rif = await this.#issuedHere(tx, from, f.rifId, local);
    // The feedback's own id keeps a message applied twice (replayed under another id) a no-op.
    if (await this.#d.repo.insertFeedback(tx, f, rif.issuer, `peer:${from}:${f.id}`)) {
      await this.#d.audit?.append(tx, {
        authority: rif.issuer,
        actor: `peer:${from}`,
        action: 'shared.granted',
        subject: `rif:${f.rifId}`,
        details: { what: 'feedback', feedback: f.id, kind: f.kind, from, via: 'federation' },
        at,
      });
    }
    return { authorities: [rif.issuer], ref: `rif:${f.rifId}:feedback:${f.id}` };
  }

  async #shared(
    tx: Queryable,
    from: string,
    b: z.infer<typeof sharedBody>,
    local: (code: string) => DirectoryEntry | undefined,
  ): Promise<Applied> {
    for (const r of b.records) {
      if (local(r.recipient) === undefined) {
        throw forged(`${r.recipient} is not an authority of this node`);
      }
    }
    await this.#d.repo.share(
      tx,
      b.records.map((r) => ({ ...r, source: from, at: new Date(r.at) })),
    );
    return {
      authorities: [...new Set(b.records.map((r) => r.recipient))],
      ref: `shared:${b.records.length}`,
    };
  }
}
