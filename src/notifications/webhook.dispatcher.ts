/**
 * Delivers queued webhook events. Per endpoint, in order: the oldest pending delivery is sent first,
 * and the next only once it succeeded or was dead-lettered. A failed attempt is retried after an
 * exponential backoff with jitter; after `maxAttempts` the delivery is dead-lettered and the queue
 * moves on. Every attempt is recorded on the delivery row. Several processes may run `tick` at once:
 * an endpoint's queue is worked under a lease taken with SKIP LOCKED (webhook.repository.ts), and a
 * process that dies leaves only a lease that expires, so nothing queued is lost.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { backoffMs } from '../bus/index.ts';
import { systemClock } from '../domain/index.ts';
import type { Clock } from '../domain/index.ts';
import type { Database } from '../store/database.ts';
import type { NotificationRepository } from './notification.repository.ts';
import { eventPayload, webhookIdOf } from './webhook-events.ts';
import type { ClaimedEndpoint, DeliveryRow, WebhookRepository } from './webhook.repository.ts';
import type { WebhookSender } from './webhook-sender.ts';

export interface WebhookDispatcherDeps {
  readonly db: Database;
  readonly repo: WebhookRepository;
  readonly notifications: NotificationRepository;
  readonly sender: WebhookSender;
  /** Schedules retries and leases (the test clock in tests). */
  readonly clock: Clock;
  /**
   * The time a signature carries (`webhook-timestamp`): receivers compare it with their own clock,
   * so it is always the real time, whatever clock schedules the retries.
   */
  readonly signingClock?: Clock | undefined;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** [0, 1) source of the retry jitter (±20 %); injectable so a test schedule is exact. */
  readonly random?: (() => number) | undefined;
  /** Endpoints worked per tick, and side by side. */
  readonly endpointsPerTick?: number | undefined;
  readonly concurrency?: number | undefined;
  /** Deliveries sent to one endpoint per tick, so one busy endpoint does not hold a worker forever. */
  readonly perEndpoint?: number | undefined;
  /** How long a claim holds an endpoint; renewed before each attempt. */
  readonly leaseMs?: number | undefined;
}

export interface TickResult {
  readonly delivered: number;
  readonly failed: number;
  readonly deadLettered: number;
}

export class WebhookDispatcher {
  readonly #d: WebhookDispatcherDeps;
  readonly #holder = `dispatcher-${randomUUID()}`;

  constructor(deps: WebhookDispatcherDeps) {
    this.#d = deps;
  }

  /** One round: claims endpoints with due deliveries, works their queues, gives the claims back. */
  async tick(): Promise<TickResult> {
    const { db, repo, clock } = this.#d;
    const now = clock.now();
    const claimed = await repo.claimDue(
      db,
      now,
      new Date(now.getTime() + this.#leaseMs()),
      this.#holder,
      this.#d.endpointsPerTick ?? 32,
    );
    const totals = { delivered: 0, failed: 0, deadLettered: 0 };
    const queue = [...claimed];
    const worker = async (): Promise<void> => {
      for (let e = queue.shift(); e !== undefined; e = queue.shift()) {
        try {
          const r = await this.#work(e);
          totals.delivered += r.delivered;
          totals.failed += r.failed;
          totals.deadLettered += r.deadLettered;
        } finally {
          await repo.release(db, [e.id], this.#holder);
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.#d.concurrency ?? 8, Math.max(1, claimed.length)) }, worker),
    );
    return totals;
  }

  #leaseMs(): number {
    return this.#d.leaseMs ?? 60_000;
  }

  async #work(endpoint: ClaimedEndpoint): Promise<TickResult> {
    const { db, repo, clock } = this.#d;
    const signer = new Webhook(endpoint.secret);
    const result = { delivered: 0, failed: 0, deadLettered: 0 };
    for (let sent = 0; sent < (this.#d.perEndpoint ?? 100); sent++) {
      const head = await repo.head(db, endpoint.id, this.#holder);
      const now = clock.now();
      if (head === undefined || new Date(head.next_attempt_at).getTime() > now.getTime()) {
        break;
      }
      await repo.renewLease(db, endpoint.id, this.#holder, new Date(now.getTime() + this.#leaseMs()));
      const outcome = await this.#attempt(endpoint, signer, head);
      if (outcome === 'delivered') {
        result.delivered++;
      } else if (outcome === 'dead') {
        result.deadLettered++;
      } else {
        // In order: nothing after this delivery goes before it succeeds or is dead-lettered.
        result.failed++;
        break;
      }
    }
    return result;
  }

  async #attempt(
    endpoint: ClaimedEndpoint,
    signer: Webhook,
    delivery: DeliveryRow,
  ): Promise<'delivered' | 'retry' | 'dead'> {
    const { db, repo, clock } = this.#d;
    const event = (await this.#d.notifications.eventsByIds(db, [delivery.event_id])).get(delivery.event_id);
    const attempts = delivery.attempts + 1;
    let status: number | null = null;
    let error: string | null = null;
    if (event === undefined) {
      error = `event ${delivery.event_id} no longer exists`;
    } else {
      const body = JSON.stringify(eventPayload(event));
      const id = webhookIdOf(event.id);
      const signedAt = (this.#d.signingClock ?? systemClock).now();
      const response = await this.#d.sender.send({
        url: endpoint.url,
        body,
        headers: {
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
          'webhook-signature': signer.sign(id, signedAt, body),
        },
      });
      status = response.status;
      error =
        response.error ??
        (status !== null && (status < 200 || status > 299) ? `the receiver answered ${status}` : null);
    }
    const at = clock.now();
    const outcome =
      error === null
        ? 'delivered'
        : event === undefined || attempts >= this.#d.maxAttempts
          ? 'dead'
          : 'retry';
    const nextAt =
      outcome === 'retry'
        ? new Date(
            at.getTime() +
              backoffMs(attempts, { baseMs: this.#d.retryBaseMs, maxMs: this.#d.retryMaxMs }, this.#d.random),
          )
        : at;
    await repo.recordAttempt(db, delivery.id, { at, status, error, outcome, nextAt });
    return outcome;
  }
}
