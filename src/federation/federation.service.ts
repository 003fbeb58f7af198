/**
 * Federation between national nodes (issue 11, docs/adr/0014-federation-over-jetstream.md; how to
 * connect nodes: docs/federation.md). A node speaks for one authority. Cooperation queues what
 * concerns a peer's authority in its own transaction (`send`); the relay numbers, signs (Ed25519) and
 * publishes each peer's queue in order into that peer's inbound JetStream stream; the receiver takes
 * its own stream one message at a time and `receive` checks it (shape, address, sender, key,
 * signature, order) before cooperation applies it, once. Every refusal has an error code, is kept in
 * the inbox and written to the node's audit trail; nothing is applied twice.
 */
import type { KeyObject } from 'node:crypto';
import { createPublicKey, randomUUID } from 'node:crypto';
import { VigilError } from '../errors/index.ts';
import type { ErrorCode } from '../errors/index.ts';
import { keyIdOf, loadOrCreateKey } from '../audit/index.ts';
import type { AuditAction, AuditEvent } from '../audit/index.ts';
import type { Clock } from '../domain/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import type { ApplyFederated, Applied, CooperationKind, FederationOutbound } from '../cooperation/index.ts';
import { federationMessageSchema, parsePublicKey, signatureHolds, signMessage } from './envelope.ts';
import type { FederatedKind, FederationMessage } from './envelope.ts';
import type { FederationRepository, Peer, PeerStatus, SequencedRow } from './federation.repository.ts';

/** The subject a node publishes to in a peer's inbound stream; its NATS account may publish only there. */
export function inboundSubject(from: string): string {
  return `vigil.fed.in.${from}`;
}

/** A NATS URL as shown and audited: a password in it is masked. */
export function withoutSecret(url: string): string {
  return url.replace(/\/\/([^:@/,]+):[^@/,]*@/g, '//$1:***@');
}

export interface FederationIdentity {
  /** The authority this node speaks for (VIGIL_FEDERATION_AUTHORITY). */
  readonly authority: string;
  /** Its Ed25519 private key, PKCS#8 PEM, created on first use with mode 0600 (VIGIL_FEDERATION_KEY). */
  readonly keyFile: string;
}

export interface FederationServiceDeps {
  readonly db: Database;
  readonly repo: FederationRepository;
  readonly clock: Clock;
  readonly identity: FederationIdentity | undefined;
  readonly audit?: { append(tx: Queryable, event: AuditEvent): Promise<unknown> } | undefined;
  /** Applies a verified message (cooperation's FederatedCooperation.receive). */
  readonly apply: ApplyFederated;
  /**
   * Kinds whose handler runs its own transactions (it must be idempotent): applied between the check
   * and the record of the message instead of inside one transaction (common criteria).
   */
  readonly applyAlone?:
    | {
        readonly kinds: ReadonlySet<string>;
        readonly apply: (
          from: string,
          kind: string,
          body: unknown,
          at: Date,
          peers: ReadonlySet<string>,
        ) => Promise<Applied>;
      }
    | undefined;
  /** Puts a peer's authority in the directory (as a customs authority) when it is added. */
  readonly putAuthority: (tx: Queryable, entry: { code: string; name: string }, at: Date) => Promise<void>;
}

export interface ReceiveOutcome {
  readonly status: 'applied' | 'duplicate' | 'rejected';
  readonly id?: string | undefined;
  readonly code?: ErrorCode | undefined;
  readonly message?: string | undefined;
}

export interface PeerInput {
  readonly code: string;
  readonly name?: string | undefined;
  readonly natsUrl: string;
  readonly publicKey: string;
}

function inboxRow(
  me: string,
  m: FederationMessage,
  outcome: { status: 'applied' | 'rejected'; code: string | null; message: string | null; at: Date },
) {
  return { id: m.id, authority: me, peer: m.from, epoch: m.epoch, seq: m.seq, kind: m.kind, ...outcome };
}

class Refusal extends Error {
  readonly code: ErrorCode;
  /** The message is authentic and in order: its number is used up even though it is refused. */
  readonly consumesSeq: boolean;

  constructor(code: ErrorCode, message: string, consumesSeq = false) {
    super(message);
    this.code = code;
    this.consumesSeq = consumesSeq;
  }
}

export class FederationService implements FederationOutbound {
  readonly #d: FederationServiceDeps;
  #privateKey: KeyObject | undefined;

  constructor(deps: FederationServiceDeps) {
    this.#d = deps;
  }

  /** The authority this node speaks for, or undefined when federation is off. */
  get authority(): string | undefined {
    return this.#d.identity?.authority;
  }

  #identity(): FederationIdentity {
    if (this.#d.identity === undefined) {
      throw new VigilError(
        'VIGIL_FEDERATION_OFF',
        'federation is off on this node: set VIGIL_FEDERATION_AUTHORITY to the authority it speaks for',
      );
    }
    return this.#d.identity;
  }

  readonly #peerKeys = new Map<string, KeyObject>();

  #publicKeyOf(peer: Peer): KeyObject {
    let key = this.#peerKeys.get(peer.keyId);
    if (key === undefined) {
      key = parsePublicKey(peer.publicKey);
      this.#peerKeys.set(peer.keyId, key);
    }
    return key;
  }

  #key(): KeyObject {
    this.#privateKey ??= loadOrCreateKey(this.#identity().keyFile);
    return this.#privateKey;
  }

  /** This node's public key (SPKI PEM): what a peer's administrator adds with `vigil peers add`. */
  publicKey(): { authority: string; keyId: string; publicKey: string } {
    const pub = createPublicKey(this.#key());
    return {
      authority: this.#identity().authority,
      keyId: keyIdOf(pub),
      publicKey: pub.export({ type: 'spki', format: 'pem' }).toString(),
    };
  }

  async #audit(
    tx: Queryable,
    actor: string,
    action: AuditAction,
    subject: string,
    details: object,
  ): Promise<void> {
    await this.#d.audit?.append(tx, {
      authority: this.#identity().authority,
      actor,
      action,
      subject,
      details: details as Record<string, unknown>,
      at: this.#d.clock.now(),
    });
  }

  // ——— Peers ———

  /** The peers with their queues and numbers; passwords in their URLs are masked. */
  async listPeers(): Promise<PeerStatus[]> {
    return (await this.#d.repo.peerStatuses(this.#d.db)).map((p) => ({
      ...p,
      natsUrl: withoutSecret(p.natsUrl),
    }));
  }

  async addPeer(by: string, input: PeerInput): Promise<Peer> {
    this.#identity();
    const errors: { code: ErrorCode; path: string; message: string }[] = [];
    if (!/^[A-Z]{2,4}$/.test(input.code)) {
      errors.push({
        code: 'VIGIL_SCHEMA_FORMAT',
        path: '$.code',
        message: `'${input.code}' is not 2–4 capital letters`,
      });
    } else if (input.code === this.#identity().authority) {
      errors.push({
        code: 'VIGIL_SCHEMA_FORMAT',
        path: '$.code',
        message: `${input.code} is this node itself`,
      });
    }
    const urls = input.natsUrl.split(',').map((u) => u.trim());
    if (urls.some((u) => !/^(nats|tls):\/\/[^\s/]+(:\d+)?\/?$/.test(u))) {
      errors.push({
        code: 'VIGIL_SCHEMA_FORMAT',
        path: '$.natsUrl',
        message: `'${input.natsUrl}' is not a nats:// or tls:// server URL (several: comma-separated)`,
      });
    }
    let key: KeyObject | undefined;
    try {
      key = parsePublicKey(input.publicKey);
    } catch (err) {
      errors.push({
        code: 'VIGIL_SCHEMA_FORMAT',
        path: '$.publicKey',
        message: `not an Ed25519 public key in SPKI PEM (${err instanceof Error ? err.message : String(err)})`,
      });
    }
    const name = (input.name ?? input.code).trim();
    if (name === '' || name.length > 200) {
      errors.push({ code: 'VIGIL_SCHEMA_FORMAT', path: '$.name', message: 'a name of 1 to 200 characters' });
    }
    if (errors.length > 0 || key === undefined) {
      throw new VigilError('VIGIL_PEER_INVALID', `the peer has ${errors.length} error(s)`, errors);
    }
    const at = this.#d.clock.now();
    const peer = {
      code: input.code,
      name,
      natsUrl: urls.join(','),
      publicKey: key.export({ type: 'spki', format: 'pem' }).toString(),
      keyId: keyIdOf(key),
      by,
      at,
    };
    await this.#d.db.transaction(async (tx) => {
      if (!(await this.#d.repo.addPeer(tx, peer))) {
        throw new VigilError(
          'VIGIL_PEER_EXISTS',
          `${input.code} is already a peer; remove it first to change it`,
        );
      }
      await this.#d.putAuthority(tx, { code: peer.code, name }, at);
      await this.#audit(tx, by, 'federation.peer-added', `peer:${peer.code}`, {
        natsUrl: withoutSecret(peer.natsUrl),
        keyId: peer.keyId,
      });
    });
    const added = (await this.#d.repo.peer(this.#d.db, input.code))!;
    return { ...added, natsUrl: withoutSecret(added.natsUrl) };
  }

  async removePeer(by: string, code: string): Promise<{ code: string; dropped: number }> {
    this.#identity();
    return this.#d.db.transaction(async (tx) => {
      const dropped = await this.#d.repo.removePeer(tx, code, this.#d.clock.now());
      if (dropped === undefined) {
        throw new VigilError('VIGIL_PEER_NOT_FOUND', `${code} is not a peer of this node`);
      }
      await this.#audit(tx, by, 'federation.peer-removed', `peer:${code}`, { droppedUnsent: dropped });
      return { code, dropped };
    });
  }

  // ——— Outbound ———

  async peers(tx: Queryable): Promise<ReadonlySet<string>> {
    return this.#d.identity === undefined ? new Set() : this.#d.repo.codes(tx);
  }

  async send(
    tx: Queryable,
    m: { readonly from: string; readonly to: string; readonly kind: CooperationKind; readonly body: unknown },
  ): Promise<void> {
    if (this.#d.identity === undefined) {
      return;
    }
    await this.#d.repo.enqueue(tx, {
      authority: m.from,
      peer: m.to,
      kind: m.kind,
      body: m.body,
      at: this.#d.clock.now(),
    });
  }

  /** Peers with queued messages (the relay's work list). */
  async peersWithPending(): Promise<string[]> {
    return this.#d.identity === undefined ? [] : this.#d.repo.peersWithPending(this.#d.db);
  }

  /** Takes a peer's queue for `ms` (one relay per peer keeps the order); false when another holds it. */
  async lease(peer: string, ms: number): Promise<boolean> {
    return this.#d.repo.lease(this.#d.db, peer, ms);
  }

  async release(peer: string): Promise<void> {
    await this.#d.repo.release(this.#d.db, peer);
  }

  /**
   * Numbers and signs the peer's oldest queued messages (one transaction), then returns what is
   * numbered and not yet sent, in order, with the peer's NATS URL.
   */
  async prepare(
    code: string,
    limit = 200,
  ): Promise<{ natsUrl: string; messages: (SequencedRow & { messageId: string })[] } | undefined> {
    const me = this.#identity().authority;
    const key = this.#key();
    const keyId = keyIdOf(createPublicKey(key));
    return this.#d.db.transaction(async (tx) => {
      const peer = await this.#d.repo.peer(tx, code, true);
      if (peer === undefined) {
        return undefined;
      }
      let next = peer.nextOutSeq;
      for (const row of await this.#d.repo.unnumbered(tx, code, limit)) {
        const message = signMessage(
          {
            v: 1,
            id: randomUUID(),
            from: me,
            to: code,
            epoch: peer.outEpoch,
            seq: next,
            kind: row.kind as FederatedKind,
            at: row.createdAt.toISOString(),
            keyId,
            body: row.body,
          },
          key,
        );
        await this.#d.repo.number(tx, row.id, next, JSON.stringify(message));
        next += 1;
      }
      if (next !== peer.nextOutSeq) {
        await this.#d.repo.setNextOutSeq(tx, code, next);
      }
      const messages = (await this.#d.repo.numbered(tx, code, limit)).map((r) => ({
        ...r,
        messageId: (JSON.parse(r.envelope) as { id: string }).id,
      }));
      return { natsUrl: peer.natsUrl, messages };
    });
  }

  async markSent(ids: readonly number[]): Promise<void> {
    if (ids.length > 0) {
      await this.#d.repo.sent(this.#d.db, ids, this.#d.clock.now());
    }
  }

  async markFailed(id: number, error: string): Promise<void> {
    await this.#d.repo.failed(this.#d.db, id, error);
  }

  // ——— Inbound ———

  /**
   * Checks and applies one message from this node's inbound stream. Resolves with what happened
   * (refusals included: they are recorded and audited, and must not be redelivered); throws only when
   * the message could not be dealt with now (the database is unreachable …) and must come back.
   */
  async receive(data: Uint8Array | string, subject?: string): Promise<ReceiveOutcome> {
    const me = this.#identity().authority;
    let m: FederationMessage;
    try {
      const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
      const parsed = federationMessageSchema.safeParse(JSON.parse(text));
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        return this.#refuse(
          undefined,
          new Refusal(
            'VIGIL_FEDERATION_MALFORMED',
            `not a federation message: ${first?.path.join('.') ?? ''} ${first?.message ?? ''}`.trim(),
          ),
          subject,
        );
      }
      m = parsed.data;
    } catch (err) {
      return this.#refuse(
        undefined,
        new Refusal(
          'VIGIL_FEDERATION_MALFORMED',
          `not JSON: ${err instanceof Error ? err.message : String(err)}`,
        ),
        subject,
      );
    }
    try {
      if (subject !== undefined && subject !== inboundSubject(m.from)) {
        throw new Refusal('VIGIL_FEDERATION_FORGED', `a message from ${m.from} arrived on ${subject}`);
      }
      if (m.to !== me) {
        throw new Refusal('VIGIL_FEDERATION_MISADDRESSED', `the message is for ${m.to}; this node is ${me}`);
      }
      const peer = await this.#d.repo.peer(this.#d.db, m.from);
      if (peer === undefined) {
        throw new Refusal('VIGIL_FEDERATION_UNKNOWN_PEER', `${m.from} is not a peer of this node`);
      }
      if (m.keyId !== peer.keyId || !signatureHolds(m, this.#publicKeyOf(peer))) {
        throw new Refusal(
          'VIGIL_FEDERATION_BAD_SIGNATURE',
          m.keyId !== peer.keyId
            ? `signed with key ${m.keyId}; ${m.from}'s key is ${peer.keyId}`
            : `the signature does not match the message and ${m.from}'s key`,
        );
      }
      // The message must be new and the next of its sender (checked again, under the peer's lock,
      // in the transaction that records it).
      const inTurn = async (tx: Queryable): Promise<void> => {
        const p = (await this.#d.repo.peer(tx, m.from, true))!;
        if ((await this.#d.repo.inboxStatus(tx, m.id)) !== undefined) {
          throw new Refusal('VIGIL_FEDERATION_REPLAY', `message ${m.id} was received before`);
        }
        if (m.epoch < p.inEpoch || (m.epoch === p.inEpoch && m.seq <= p.lastInSeq)) {
          throw new Refusal(
            'VIGIL_FEDERATION_REPLAY',
            `message ${m.epoch}/${m.seq} is not after the last applied, ${p.inEpoch}/${p.lastInSeq}`,
          );
        }
        const expected = m.epoch === p.inEpoch ? p.lastInSeq + 1 : 1;
        if (m.seq !== expected) {
          throw new Refusal(
            'VIGIL_FEDERATION_OUT_OF_ORDER',
            `message ${m.epoch}/${m.seq} came before ${m.epoch}/${expected}`,
          );
        }
      };
      const refusing = async (apply: () => Promise<Applied>): Promise<Applied> => {
        try {
          return await apply();
        } catch (err) {
          if (err instanceof VigilError) {
            throw new Refusal(err.code, err.message, true);
          }
          throw err;
        }
      };
      const record = async (tx: Queryable, result: Applied, at: Date): Promise<void> => {
        await this.#d.repo.recordInbox(
          tx,
          inboxRow(me, m, { status: 'applied', code: null, message: null, at }),
        );
        await this.#d.repo.setLastIn(tx, m.from, m.epoch, m.seq);
        await this.#audit(tx, `peer:${m.from}`, 'federation.received', `peer:${m.from}`, {
          id: m.id,
          kind: m.kind,
          epoch: m.epoch,
          seq: m.seq,
          ref: result.ref,
          for: result.authorities,
        });
      };
      const at = this.#d.clock.now();
      const alone = this.#d.applyAlone;
      if (alone?.kinds.has(m.kind) === true) {
        // A handler with transactions of its own, idempotent: checked, applied, then recorded. A
        // crash before the record brings the message back, and applying it again changes nothing.
        await this.#d.db.transaction(inTurn);
        const peers = await this.#d.repo.codes(this.#d.db);
        const result = await refusing(() => alone.apply(m.from, m.kind, m.body, at, peers));
        await this.#d.db.transaction(async (tx) => {
          await inTurn(tx);
          await record(tx, result, at);
        });
        return { status: 'applied', id: m.id };
      }
      const applied = await this.#d.db.transaction(async (tx) => {
        await inTurn(tx);
        const result = await refusing(async () =>
          this.#d.apply(tx, m.from, m.kind, m.body, at, await this.#d.repo.codes(tx)),
        );
        await record(tx, result, at);
        return result;
      });
      await applied.afterCommit?.();
      return { status: 'applied', id: m.id };
    } catch (err) {
      if (err instanceof Refusal) {
        return this.#refuse(m, err, subject);
      }
      throw err;
    }
  }

  async #refuse(
    m: FederationMessage | undefined,
    r: Refusal,
    subject: string | undefined,
  ): Promise<ReceiveOutcome> {
    const me = this.#identity().authority;
    await this.#d.db.transaction(async (tx) => {
      // A message refused for coming early is not kept by id: delivered again in its turn, it applies.
      if (m !== undefined && r.code !== 'VIGIL_FEDERATION_OUT_OF_ORDER') {
        await this.#d.repo.recordInbox(
          tx,
          inboxRow(me, m, { status: 'rejected', code: r.code, message: r.message, at: this.#d.clock.now() }),
        );
        if (r.consumesSeq) {
          await this.#d.repo.setLastIn(tx, m.from, m.epoch, m.seq);
        }
      }
      await this.#audit(
        tx,
        `peer:${m?.from ?? 'unknown'}`,
        'federation.rejected',
        `peer:${m?.from ?? 'unknown'}`,
        {
          code: r.code,
          message: r.message,
          id: m?.id ?? null,
          kind: m?.kind ?? null,
          epoch: m?.epoch ?? null,
          seq: m?.seq ?? null,
          subject: subject ?? null,
        },
      );
    });
    return {
      status: r.code === 'VIGIL_FEDERATION_REPLAY' ? 'duplicate' : 'rejected',
      id: m?.id,
      code: r.code,
      message: r.message,
    };
  }
}
