/**
 * The embedded dispatcher on every database engine: every event delivered once and in order, a
 * failing event retried and then parked without holding up the others, graceful stop, two
 * dispatchers sharing one table, and wake() skipping the poll delay.
 */
/* eslint-disable @typescript-eslint/require-await -- handlers are async by contract; most test handlers only record */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOutboxDispatcher } from '../../src/bus/index.ts';
import type { OutboxEvent } from '../../src/bus/index.ts';
import type { Database } from '../../src/store/database.ts';
import { forEachDatabase } from '../support/test-app.ts';
import { appendEvents, deferred, openMigrated, outboxState, waitFor } from './outbox-fixtures.ts';

forEachDatabase('outbox dispatcher', (target) => {
  let db: Database;
  before(async () => {
    db = await openMigrated(target);
  });
  after(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM outbox');
  });

  test('delivers every event once, in id order, and marks it processed', async () => {
    const ids = await appendEvents(db, 60);
    const seen: number[] = [];
    const first: OutboxEvent[] = [];
    const dispatcher = startOutboxDispatcher(
      db,
      async (event, ctx) => {
        seen.push(event.id);
        first.push(event);
        assert.equal(ctx.deliveryAttempt, 1);
      },
      { batchSize: 16, pollMs: 20 },
    );
    await dispatcher.drain();
    await dispatcher.stop();
    assert.deepEqual(seen, ids);
    assert.equal(first[0]!.topic, 'filing.ready');
    assert.deepEqual(first[0]!.payload, { mrn: 'MRN0', authority: 'FR', version: 0 });
    assert.ok(first[0]!.createdAt instanceof Date);
    const state = await outboxState(db);
    assert.ok(state.every((r) => r.processed && !r.parked && r.attempts === 1));
  });

  test('a failing event is retried with backoff, then parked; the others flow', async () => {
    const ids = await appendEvents(db, 10);
    const poison = ids[3]!;
    const flaky = ids[6]!;
    const calls = new Map<number, number[]>();
    const dead: number[] = [];
    const dispatcher = startOutboxDispatcher(
      db,
      async (event, ctx) => {
        calls.set(event.id, [...(calls.get(event.id) ?? []), ctx.deliveryAttempt]);
        if (event.id === poison) {
          throw new Error('assessment failed: rule crashed');
        }
        if (event.id === flaky && ctx.deliveryAttempt === 1) {
          throw new Error('database busy');
        }
      },
      {
        batchSize: 4,
        pollMs: 10,
        maxAttempts: 3,
        retryBaseMs: 10,
        onDeadLetter: (event) => void dead.push(event.id),
      },
    );
    await dispatcher.drain();
    await dispatcher.stop();
    assert.deepEqual(calls.get(poison), [1, 2, 3], 'the poison event was tried maxAttempts times');
    assert.deepEqual(calls.get(flaky), [1, 2]);
    assert.deepEqual(dead, [poison]);
    const state = await outboxState(db);
    const p = state.find((r) => r.id === poison)!;
    assert.equal(p.parked, true);
    assert.equal(p.processed, false);
    assert.equal(p.attempts, 3);
    assert.match(p.last_error!, /rule crashed/);
    const f = state.find((r) => r.id === flaky)!;
    assert.equal(f.processed, true);
    assert.match(f.last_error!, /database busy/);
    assert.equal(state.filter((r) => r.processed).length, 9);
    for (const id of ids.filter((i) => i !== poison && i !== flaky)) {
      assert.deepEqual(calls.get(id), [1]);
    }
  });

  test('stop waits for the handler in flight and records its result', async () => {
    const [id] = await appendEvents(db, 1);
    const entered = deferred();
    const release = deferred();
    const dispatcher = startOutboxDispatcher(
      db,
      async () => {
        entered.resolve();
        await release.promise;
      },
      { batchSize: 10, pollMs: 10 },
    );
    await entered.promise;
    let stopped = false;
    const stopping = dispatcher.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(stopped, false, 'stop() must not resolve while a handler runs');
    release.resolve();
    await stopping;
    const state = await outboxState(db);
    assert.deepEqual(
      state.map((r) => [r.id, r.processed]),
      [[id, true]],
    );
  });

  test('stop gives back claimed events it did not start', async () => {
    await appendEvents(db, 5, { keys: 1 });
    const entered = deferred();
    const release = deferred();
    const dispatcher = startOutboxDispatcher(
      db,
      async () => {
        entered.resolve();
        await release.promise;
      },
      { batchSize: 10, pollMs: 10 },
    );
    await entered.promise;
    const stopping = dispatcher.stop();
    release.resolve();
    await stopping;
    const state = await outboxState(db);
    assert.equal(state.filter((r) => r.processed).length, 1);
    assert.deepEqual(
      state.filter((r) => !r.processed).map((r) => r.attempts),
      [0, 0, 0, 0],
    );
    // A new dispatcher takes them at once (no lease to wait for).
    const seen: number[] = [];
    const next = startOutboxDispatcher(db, async (e) => void seen.push(e.id), { batchSize: 10, pollMs: 10 });
    await next.drain();
    await next.stop();
    assert.equal(seen.length, 4);
  });

  test('two dispatchers share the table: each event handled exactly once', async () => {
    const ids = await appendEvents(db, 200, { keys: 50 });
    const count = new Map<number, number>();
    const handler = async (e: OutboxEvent): Promise<void> => {
      count.set(e.id, (count.get(e.id) ?? 0) + 1);
      await new Promise((resolve) => setImmediate(resolve));
    };
    const a = startOutboxDispatcher(db, handler, { batchSize: 8, pollMs: 5, concurrency: 4 });
    const b = startOutboxDispatcher(db, handler, { batchSize: 8, pollMs: 5, concurrency: 4 });
    await Promise.all([a.drain(), b.drain()]);
    await Promise.all([a.stop(), b.stop()]);
    assert.deepEqual(
      [...count.keys()].sort((x, y) => x - y),
      ids,
    );
    assert.ok([...count.values()].every((n) => n === 1));
  });

  test('concurrency keeps events of one key in order', async () => {
    await appendEvents(db, 40, { keys: 3 });
    const perKey = new Map<string, number[]>();
    const dispatcher = startOutboxDispatcher(
      db,
      async (e) => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        perKey.set(e.key, [...(perKey.get(e.key) ?? []), e.id]);
      },
      { batchSize: 40, pollMs: 10, concurrency: 3 },
    );
    await dispatcher.drain();
    await dispatcher.stop();
    for (const list of perKey.values()) {
      assert.deepEqual(
        list,
        [...list].sort((x, y) => x - y),
      );
    }
  });

  test('wake() delivers without waiting for the poll delay', async () => {
    const seen: number[] = [];
    const dispatcher = startOutboxDispatcher(db, async (e) => void seen.push(e.id), {
      batchSize: 10,
      pollMs: 60_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the loop is asleep now
    const ids = await appendEvents(db, 2);
    dispatcher.wake();
    await waitFor(() => seen.length === 2, 5000, 'delivery after wake()');
    await dispatcher.stop();
    assert.deepEqual(seen, ids);
  });

  test('a claim left by a dead process is taken over when its lease expires, or parked if it was the last attempt', async () => {
    const [orphan, exhausted] = await appendEvents(db, 2);
    // As a process that claimed both and died would leave them.
    await db.query(
      `UPDATE outbox SET attempts = 1, locked_until = now() - interval '1 second' WHERE id = $1`,
      [orphan],
    );
    await db.query(
      `UPDATE outbox SET attempts = 3, locked_until = now() - interval '1 second' WHERE id = $1`,
      [exhausted],
    );
    const seen: [number, number][] = [];
    const dispatcher = startOutboxDispatcher(
      db,
      async (e, ctx) => void seen.push([e.id, ctx.deliveryAttempt]),
      {
        batchSize: 10,
        pollMs: 10,
        maxAttempts: 3,
      },
    );
    await dispatcher.drain();
    await dispatcher.stop();
    assert.deepEqual(seen, [[orphan, 2]]);
    const parked = (await outboxState(db)).find((r) => r.id === exhausted)!;
    assert.equal(parked.parked, true);
    assert.match(parked.last_error!, /lease expired/);
  });

  test('an aborted signal stops the dispatcher', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const dispatcher = startOutboxDispatcher(db, async (e) => void seen.push(e.id), {
      batchSize: 10,
      pollMs: 10,
      signal: controller.signal,
    });
    controller.abort();
    await dispatcher.stop();
    await appendEvents(db, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(seen, []);
  });
});
