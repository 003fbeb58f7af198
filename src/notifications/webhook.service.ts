/**
 * Webhook endpoints: a filer registers, lists and deletes its own, reads their deliveries and replays
 * its events from a date; an admin of the authority sees and manages every endpoint of it (and one it
 * registers itself takes every filer's events). Delivery itself is the dispatcher's.
 */
import { randomBytes } from 'node:crypto';
import type { Actor } from '../auth/index.ts';
import { requirePermission } from '../auth/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import { auditActor } from '../audit/index.ts';
import type { Clock } from '../domain/index.ts';
import { VigilError } from '../errors/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import { EVENT_TYPES, webhookIdOf } from './webhook-events.ts';
import type { EventType } from './webhook-events.ts';
import { checkWebhookUrl } from './webhook-url.ts';
import type { WebhookUrlPolicy } from './webhook-url.ts';
import type { DeliveryRow, DeliveryStatus, EndpointRow, WebhookRepository } from './webhook.repository.ts';

export interface WebhookServiceDeps {
  readonly db: Database;
  readonly repo: WebhookRepository;
  readonly clock: Clock;
  readonly policy: WebhookUrlPolicy;
  readonly audit?: { stage(tx: Queryable, events: readonly AuditEvent[]): Promise<void> } | undefined;
  /** Live endpoints one owner may have. */
  readonly maxEndpoints?: number | undefined;
}

export interface NewWebhook {
  readonly url: string;
  readonly events?: readonly EventType[] | undefined;
  readonly description?: string | undefined;
}

export interface WebhookView {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string | null;
  /** Whose events it takes: a filer's subject, or null for every filer of the authority. */
  readonly filer: string | null;
  readonly createdAt: string;
}

export interface DeliveryView {
  readonly id: number;
  readonly eventId: number;
  readonly webhookId: string;
  readonly type: string;
  readonly replay: boolean;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly lastAttemptAt: string | null;
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
  readonly deadLetteredAt: string | null;
  readonly createdAt: string;
}

const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());

function view(e: EndpointRow): WebhookView {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    description: e.description,
    filer: e.filer,
    createdAt: new Date(e.created_at).toISOString(),
  };
}

function deliveryView(d: DeliveryRow): DeliveryView {
  const status: DeliveryStatus =
    d.delivered_at !== null ? 'delivered' : d.dead_at !== null ? 'dead' : 'pending';
  return {
    id: d.id,
    eventId: d.event_id,
    webhookId: webhookIdOf(d.event_id),
    type: d.event_type,
    replay: d.replay,
    status,
    attempts: d.attempts,
    lastStatusCode: d.last_status,
    lastError: d.last_error,
    lastAttemptAt: iso(d.last_attempt_at),
    nextAttemptAt: status === 'pending' ? iso(d.next_attempt_at) : null,
    deliveredAt: iso(d.delivered_at),
    deadLetteredAt: iso(d.dead_at),
    createdAt: new Date(d.created_at).toISOString(),
  };
}

export class WebhookService {
  readonly #d: WebhookServiceDeps;

  constructor(deps: WebhookServiceDeps) {
    this.#d = deps;
  }

  /** Registers an endpoint; the secret is in this answer only. */
  async register(actor: Actor, input: NewWebhook): Promise<WebhookView & { readonly secret: string }> {
    requirePermission(actor, 'webhook.manage');
    const url = await checkWebhookUrl(input.url, this.#d.policy);
    const events = input.events === undefined ? [...EVENT_TYPES] : [...new Set(input.events)];
    const now = this.#d.clock.now();
    const id = `wh_${randomBytes(12).toString('hex')}`;
    // 32 random bytes, base64 after the whsec_ prefix, as Standard Webhooks describes.
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const max = this.#d.maxEndpoints ?? 20;
    const row = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      if ((await this.#d.repo.countLive(tx, actor.authority, actor.subject)) >= max) {
        throw new VigilError(
          'VIGIL_WEBHOOK_LIMIT',
          `you have ${max} webhook endpoints already; delete one (DELETE /v1/webhooks/{id}) before adding another`,
        );
      }
      await this.#d.repo.insertEndpoint(
        tx,
        {
          id,
          authority: actor.authority,
          owner: actor.subject,
          ownerRole: actor.role,
          filer: actor.role === 'filer' ? actor.subject : null,
          url,
          events,
          description: input.description ?? null,
          at: now,
        },
        secret,
      );
      await this.#d.audit?.stage(tx, [
        {
          authority: actor.authority,
          actor: auditActor(actor),
          action: 'webhook.registered',
          subject: id,
          at: now,
          details: { url, events },
        },
      ]);
      return (await this.#d.repo.findEndpoint(tx, actor.authority, id))!;
    });
    return { ...view(row), secret };
  }

  async list(actor: Actor): Promise<WebhookView[]> {
    requirePermission(actor, 'webhook.manage');
    const rows = await this.#d.repo.listEndpoints(
      this.#d.db.forAuthority(actor.authority),
      actor.authority,
      actor.role === 'filer' ? actor.subject : undefined,
    );
    return rows.filter((e) => this.#visible(actor, e)).map(view);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    requirePermission(actor, 'webhook.manage');
    const now = this.#d.clock.now();
    await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const e = await this.#find(tx, actor, id);
      await this.#d.repo.deleteEndpoint(tx, e.id, now);
      await this.#d.audit?.stage(tx, [
        {
          authority: actor.authority,
          actor: auditActor(actor),
          action: 'webhook.deleted',
          subject: e.id,
          at: now,
          details: { url: e.url },
        },
      ]);
    });
  }

  async deliveries(
    actor: Actor,
    id: string,
    q: {
      readonly status?: DeliveryStatus | undefined;
      readonly limit: number;
      readonly next?: number | undefined;
    },
  ): Promise<{ items: DeliveryView[]; next: number | null }> {
    requirePermission(actor, 'webhook.manage');
    const rows = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const e = await this.#find(tx, actor, id);
      return this.#d.repo.deliveries(tx, e.id, q.status, q.next, q.limit + 1);
    });
    const page = rows.slice(0, q.limit);
    return { items: page.map(deliveryView), next: rows.length > q.limit ? page[page.length - 1]!.id : null };
  }

  /** Queues again every event since `since` for the endpoint (same webhook-ids: receivers dedupe). */
  async replay(actor: Actor, id: string, since: Date): Promise<{ queued: number }> {
    requirePermission(actor, 'webhook.manage');
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const e = await this.#find(tx, actor, id);
      const queued = await this.#d.repo.replay(tx, e, since, now);
      await this.#d.audit?.stage(tx, [
        {
          authority: actor.authority,
          actor: auditActor(actor),
          action: 'webhook.replayed',
          subject: e.id,
          at: now,
          details: { since: since.toISOString(), queued },
        },
      ]);
      return { queued };
    });
  }

  /** A filer sees the endpoints it registered; an admin every endpoint of its authority. */
  #visible(actor: Actor, e: EndpointRow): boolean {
    return actor.role !== 'filer' || (e.owner === actor.subject && e.owner_role === 'filer');
  }

  async #find(tx: Queryable, actor: Actor, id: string): Promise<EndpointRow> {
    const e = await this.#d.repo.findEndpoint(tx, actor.authority, id);
    if (e === undefined || !this.#visible(actor, e)) {
      throw new VigilError('VIGIL_WEBHOOK_NOT_FOUND', `no webhook endpoint ${id} is visible to you`);
    }
    return e;
  }
}
