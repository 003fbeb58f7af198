/** The filer's notification feed: a filer reads its own, officials their authority's. */
import type { Actor } from '../auth/index.ts';
import { ownFilerOf, requirePermission } from '../auth/index.ts';
import type { Database } from '../store/database.ts';
import type { NotificationRepository } from './notification.repository.ts';
import type { StoredEvent } from './webhook-events.ts';

export interface NotificationServiceDeps {
  readonly db: Database;
  readonly repo: NotificationRepository;
}

export class NotificationService {
  readonly #d: NotificationServiceDeps;

  constructor(deps: NotificationServiceDeps) {
    this.#d = deps;
  }

  /** Notifications after the id `since`, oldest first. */
  async list(
    actor: Actor,
    since: number,
    limit: number,
  ): Promise<{ id: number; mrn: string; kind: string; type: string; payload: unknown; created_at: Date }[]> {
    requirePermission(actor, 'notification.read');
    return this.#d.repo.notifications(
      this.#d.db.forAuthority(actor.authority),
      actor.authority,
      ownFilerOf(actor),
      since,
      limit,
    );
  }

  /** Events after the id `after`, oldest first, as the event stream sends them. */
  async events(actor: Actor, after: number, limit: number): Promise<StoredEvent[]> {
    requirePermission(actor, 'notification.read');
    return this.#d.repo.eventsAfter(
      this.#d.db.forAuthority(actor.authority),
      actor.authority,
      ownFilerOf(actor),
      after,
      limit,
    );
  }
}
