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
  /**
   * Deliveries sent to one endpoint per claim, and the wall time spent on it (default 15 s), after
   * which it goes back to the end of the line: a busy or slow receiver does not hold a worker.
   */
  readonly perEndpoint?: number | undefined;
  readonly budgetMs?: number | undefined;
  /** How long a claim holds an endpoint; renewed before each attempt. */
  readonly leaseMs?: number | undefined;
}

export interface TickResult {
  /** Endpoints worked. */
  readonly endpoints: number;
  readonly delivered: number;
  readonly failed: number;
  readonly deadLettered: number;
}

export interface TickOptions {
  /** Endpoints to claim (default `endpointsPerTick`). */
  readonly endpoints?: number | undefined;
  /** Stops between attempts when aborted (the process is stopping); the claims are given back. */
  readonly signal?: AbortSignal | undefined;
}

type Counts = { -readonly [K in Exclude<keyof TickResult, 'endpoints'>]: number };

export class WebhookDispatcher {
  readonly #d: WebhookDispatcherDeps;
  readonly #holder = `dispatcher-${randomUUID()}`;

  constructor(deps: WebhookDispatcherDeps) {
    this.#d = deps;
  }

  /** One round: claims endpoints with due deliveries, works their queues, gives the claims back. */
  async tick(options: TickOptions = {}): Promise<TickResult> {
    const { db, repo, clock } = this.#d;
    const now = clock.now();
    const claimed = await repo.claimDue(
      db,
      now,
      new Date(now.getTime() + this.#leaseMs()),
      this.#holder,
      options.endpoints ?? this.#d.endpointsPerTick ?? 32,
    );
    const totals: Counts = { delivered: 0, failed: 0, deadLettered: 0 };
    const queue = [...claimed];
    const worker = async (): Promise<void> => {
      for (let e = queue.shift(); e !== undefined; e = queue.shift()) {
        try {
          await this.#work(e, totals, options.signal);
        } finally {
          await repo.release(db, e.id, this.#holder, clock.now());
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.#d.concurrency ?? 8, Math.max(1, claimed.length)) }, worker),
    );
    return { endpoints: claimed.length, ...totals };
  }

  #leaseMs(): number {
    return this.#d.leaseMs ?? 60_000;
  }

  async #work(endpoint: ClaimedEndpoint, result: Counts, signal: AbortSignal | undefined): Promise<void> {
    const { db, repo, clock } = this.#d;
    const signer = new Webhook(endpoint.secret);
    // Wall time, not the clock: this bounds how long a receiver holds a worker, whatever clock is set.
    const until = performance.now() + (this.#d.budgetMs ?? 15_000);
    for (let sent = 0; sent < (this.#d.perEndpoint ?? 100); sent++) {
      if (signal?.aborted === true || (sent > 0 && performance.now() > until)) {
        break;
      }
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
