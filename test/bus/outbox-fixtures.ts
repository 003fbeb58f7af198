/**
 * Shared fixtures for the bus tests: a migrated database and outbox rows written the way intake writes
 * them (plain INSERTs in one transaction), plus small waiting helpers.
 */
import { migrate } from '../../src/store/migrate.ts';
import type { Database } from '../../src/store/database.ts';
import type { DatabaseTarget } from '../support/test-app.ts';

export async function openMigrated(target: DatabaseTarget): Promise<Database> {
  const db = await target.open();
  await migrate(db);
  return db;
}

/** Appends `count` events (keys cycle over `keys`) and returns their ids in order. */
export async function appendEvents(
  db: Database,
  count: number,
  { topic = 'filing.ready', keys = 4 }: { topic?: string; keys?: number } = {},
): Promise<number[]> {
  return db.transaction(async (tx) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const r = await tx.query<{ id: number }>(
        `INSERT INTO outbox (authority, topic, key, payload) VALUES ($1, $2, $3, $4::jsonb) RETURNING id`,
        [
          'FR',
          topic,
          `MRN${i % keys}`,
          JSON.stringify({ mrn: `MRN${i % keys}`, authority: 'FR', version: i }),
        ],
      );
      ids.push(Number(r.rows[0]!.id));
    }
    return ids;
  });
}

export interface OutboxState {
  id: number;
  attempts: number;
  processed: boolean;
  published: boolean;
  parked: boolean;
  last_error: string | null;
}

export async function outboxState(db: Database): Promise<OutboxState[]> {
  const r = await db.query<OutboxState>(
    `SELECT id::int AS id, attempts, processed_at IS NOT NULL AS processed, published_at IS NOT NULL AS published,
            parked_at IS NOT NULL AS parked, last_error
       FROM outbox ORDER BY id`,
  );
  return r.rows;
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
