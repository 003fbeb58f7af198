/**
 * The analyst's queue in the workbench, beside the queue itself (AssessmentService.queue): each
 * person's saved filters, and the queue's change feed for the staff's stream (a consignment
 * assessed with hits, a hit dismissed or referred), both scoped to the caller's authority.
 */
import type { z } from 'zod';
import type { Actor } from '../auth/index.ts';
import { requirePermission } from '../auth/index.ts';
import type { Clock } from '../domain/index.ts';
import { VigilError } from '../errors/index.ts';
import type { Database } from '../store/database.ts';
import type { queueFilterSetSchema, savedFilterSchema } from './queue.contract.ts';
import type { QueueEventRow, QueueRepository, SavedFilterRow } from './queue.repository.ts';

export interface QueueServiceDeps {
  readonly db: Database;
  readonly repo: QueueRepository;
  readonly clock: Clock;
}

export type SavedFilter = z.output<typeof savedFilterSchema>;
export type QueueFilterSet = z.output<typeof queueFilterSetSchema>;

/** One change of the queue, as the stream sends it in `data:`. */
export interface QueueEvent {
  readonly id: number;
  readonly kind: 'assessed' | 'reviewed';
  readonly mrn: string;
  readonly consignment: number;
  readonly version: number;
  readonly at: string;
  readonly [detail: string]: unknown;
}

/** How many saved filters one person may keep: a list to pick from, not a store. */
const MAX_FILTERS = 50;

function toSaved(r: SavedFilterRow): SavedFilter {
  return {
    id: r.id,
    name: r.name,
    filters: r.filters as QueueFilterSet,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

function toEvent(r: QueueEventRow): QueueEvent {
  return {
    ...r.detail,
    id: r.id,
    kind: r.kind,
    mrn: r.mrn,
    consignment: r.seq,
    version: r.version,
    at: new Date(r.created_at).toISOString(),
  };
}

export class QueueService {
  readonly #d: QueueServiceDeps;

  constructor(deps: QueueServiceDeps) {
    this.#d = deps;
  }

  async savedFilters(actor: Actor): Promise<SavedFilter[]> {
    requirePermission(actor, 'assessment.read');
    const rows = await this.#d.db
      .forAuthority(actor.authority)
      .transaction((tx) => this.#d.repo.savedFilters(tx, actor.authority, actor.subject));
    return rows.map(toSaved);
  }

  async saveFilter(actor: Actor, input: { name: string; filters: QueueFilterSet }): Promise<SavedFilter> {
    requirePermission(actor, 'assessment.read');
    const at = this.#d.clock.now();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const existing = await this.#d.repo.savedFilters(tx, actor.authority, actor.subject);
      if (existing.length >= MAX_FILTERS) {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `you have ${MAX_FILTERS} saved filters already: delete one you no longer use first`,
        );
      }
      const row = await this.#d.repo.insertFilter(tx, {
        authority: actor.authority,
        owner: actor.subject,
        name: input.name,
        filters: input.filters,
        at,
      });
      if (row === undefined) {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `you have a saved filter named ${JSON.stringify(input.name)} already: choose another name or delete it first`,
          [{ code: 'VIGIL_CONFLICT', path: '$.name', message: 'name in use' }],
        );
      }
      return toSaved(row);
    });
  }

  async deleteFilter(actor: Actor, id: string): Promise<void> {
    requirePermission(actor, 'assessment.read');
    const gone =
      /^\d{1,15}$/.test(id) &&
      (await this.#d.db
        .forAuthority(actor.authority)
        .transaction((tx) => this.#d.repo.deleteFilter(tx, actor.authority, actor.subject, id)));
    if (!gone) {
      throw new VigilError('VIGIL_NOT_FOUND', `you have no saved filter ${id}`);
    }
  }

  /** The queue's changes after event `after` (0: from now on, returning nothing old). */
  async events(
    actor: Actor,
    after: number,
    limit: number,
  ): Promise<{ cursor: number; events: QueueEvent[] }> {
    requirePermission(actor, 'assessment.read');
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      if (after === 0) {
        return { cursor: await this.#d.repo.lastEventId(tx, actor.authority), events: [] };
      }
      const rows = await this.#d.repo.eventsAfter(tx, actor.authority, after, limit);
      return { cursor: rows.at(-1)?.id ?? after, events: rows.map(toEvent) };
    });
  }
}
