/**
 * JetStream mode against a real NATS server (VIGIL_TEST_NATS_URL; skipped when unset): the relay and
 * workers deliver each outbox row exactly once in effect, a relay that dies between publish and mark
 * is de-duplicated by the stream, messages a worker did not ack come back, redelivery is bounded, long
 * handlers keep their message, and stop() drains. Every test uses its own stream, deleted afterwards.
 */
/* eslint-disable @typescript-eslint/require-await -- handlers are async by contract; most test handlers only record */
import { after, before, beforeEach, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  connectNats,
  ensureStream,
  jetstream,
  jetstreamManager,
  startJetStreamWorker,
  startOutboxRelay,
} from '../../src/bus/index.ts';
import type { EventHandler, JetStreamManager, NatsConnection, OutboxEvent } from '../../src/bus/index.ts';
import type { Database } from '../../src/store/database.ts';
import { forEachDatabase } from '../support/test-app.ts';
import { appendEvents, deferred, openMigrated, outboxState, waitFor } from './outbox-fixtures.ts';

const NATS_URL = process.env['VIGIL_TEST_NATS_URL'];
const RUN = randomBytes(4).toString('hex');
let counter = 0;

if (NATS_URL === undefined || NATS_URL === '') {
  test('JetStream bus tests', { skip: 'VIGIL_TEST_NATS_URL is not set' }, () => undefined);
} else {
  const url = NATS_URL;
  forEachDatabase('JetStream bus', (target) => {
    let db: Database;
    let nc: NatsConnection;
    let jsm: JetStreamManager;
    let stream: string;
    let prefix: string;
    const cleanups: (() => Promise<unknown>)[] = [];

    before(async () => {
      db = await openMigrated(target);
      nc = await connectNats(url, { name: 'vigil-bus-test', firstConnectTimeoutMs: 5000 });
      jsm = await jetstreamManager(nc);
    });
    after(async () => {
      await nc.close();
      await db.close();
    });
    beforeEach(async () => {
      counter += 1;
      stream = `VIGIL_TEST_${RUN}_${target.engine}_${counter}`.toUpperCase();
      prefix = `vigiltest.${RUN}.${target.engine}.${counter}`;
      await db.query('DELETE FROM outbox');
      await ensureStream(jsm, {
        name: stream,
        subjects: [`${prefix}.>`],
        replicas: 1,
        duplicateWindowMs: 60_000,
      });
    });
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) {
        await c();
      }
      await jsm.streams.delete(stream);
    });

    function relay(
      database: Database = db,
      extra: { leaseMs?: number } = {},
    ): ReturnType<typeof startOutboxRelay> {
      const r = startOutboxRelay(database, jetstream(nc), {
        stream,
        subjectPrefix: prefix,
        pollMs: 20,
        batchSize: 50,
        retryBaseMs: 20,
        ...extra,
      });
      cleanups.push(() => r.stop());
      return r;
    }

    function worker(
      handler: EventHandler,
      opts: {
        maxDeliver?: number;
        ackWaitMs?: number;
        concurrency?: number;
        connection?: NatsConnection;
      } = {},
      onDeadLetter?: (e: OutboxEvent) => void,
    ): ReturnType<typeof startJetStreamWorker> {
      const w = startJetStreamWorker(jetstream(opts.connection ?? nc), handler, {
        stream,
        durable: 'assess',
        maxDeliver: opts.maxDeliver ?? 5,
        ackWaitMs: opts.ackWaitMs ?? 5000,
        concurrency: opts.concurrency ?? 4,
        retryBaseMs: 50,
        ...(onDeadLetter !== undefined ? { onDeadLetter } : {}),
      });
      cleanups.push(() => w.stop());
      return w;
    }

    async function consumerState(): Promise<{ pending: number; ackPending: number; redelivered: number }> {
      const info = await jsm.consumers.info(stream, 'assess');
      return {
        pending: info.num_pending,
        ackPending: info.num_ack_pending,
        redelivered: info.num_redelivered,
      };
    }

    test('relay + two workers: every outbox row handled, exactly once in effect', async () => {
      const ids = await appendEvents(db, 300, { keys: 40 });
      const calls = new Map<number, number>();
      const handler: EventHandler = async (e) => {
        calls.set(e.id, (calls.get(e.id) ?? 0) + 1);
        await new Promise((resolve) => setImmediate(resolve));
      };
      const r = relay();
      const w1 = worker(handler);
      const w2 = worker(handler);
      await Promise.all([w1.ready, w2.ready]);
      await r.drain();
      await waitFor(() => calls.size === ids.length, 20_000, 'all events handled');
      await waitFor(async () => (await consumerState()).ackPending === 0, 10_000, 'all acks');
      assert.deepEqual(
        [...calls.keys()].sort((a, b) => a - b),
        ids,
      );
      assert.ok(
        [...calls.values()].every((n) => n === 1),
        'no redelivery in a healthy run',
      );
      const info = await jsm.streams.info(stream);
      assert.equal(info.state.messages, ids.length);
      const state = await outboxState(db);
      assert.ok(state.every((s) => s.published && s.processed));
    });

    test('two relays at once publish each row once', async () => {
      const ids = await appendEvents(db, 400);
      const a = relay();
      const b = relay();
      await Promise.all([a.drain(), b.drain()]);
      const info = await jsm.streams.info(stream);
      assert.equal(info.state.messages, ids.length);
      assert.ok((await outboxState(db)).every((s) => s.published));
    });

    test('a relay that dies after publishing but before marking: the republish is de-duplicated', async () => {
      const ids = await appendEvents(db, 20);
      // The first "mark published" fails, as if the process died right after the server's ack.
      let failMarks = 1;
      const crashing: Database = {
        ...db,
        query: async (sql, params) => {
          if (/SET published_at/.test(sql) && failMarks > 0) {
            failMarks -= 1;
            throw new Error('simulated crash before marking published');
          }
          return db.query(sql, params);
        },
      };
      const r = relay(crashing, { leaseMs: 300 });
      await waitFor(() => failMarks === 0, 5000, 'the first publish');
      assert.equal((await jsm.streams.info(stream)).state.messages, ids.length);
      assert.ok(
        (await outboxState(db)).every((s) => !s.published),
        'nothing marked yet',
      );
      await r.drain();
      assert.ok((await outboxState(db)).every((s) => s.published));
      assert.equal(
        (await jsm.streams.info(stream)).state.messages,
        ids.length,
        'the stream kept one copy of each',
      );
      const seen = new Map<number, number>();
      const w = worker(async (e) => void seen.set(e.id, (seen.get(e.id) ?? 0) + 1));
      await w.ready;
      await waitFor(() => seen.size === ids.length, 10_000, 'delivery');
      assert.ok([...seen.values()].every((n) => n === 1));
    });

    test('a failed handler is nak-ed and redelivered; a worker that dies without acking loses nothing', async () => {
      const [first, second] = (await appendEvents(db, 2)) as [number, number];
      await relay().drain();
      // A worker on its own connection takes `second` and hangs; its connection then closes (death).
      const doomed = await connectNats(url, { firstConnectTimeoutMs: 5000 });
      const took = deferred();
      const hang = deferred();
      const dying = startJetStreamWorker(
        jetstream(doomed),
        async (e) => {
          if (e.id === second) {
            took.resolve();
            await hang.promise;
          }
          throw new Error('first attempt fails');
        },
        { stream, durable: 'assess', maxDeliver: 5, ackWaitMs: 1000, concurrency: 2, retryBaseMs: 50 },
      );
      await dying.ready;
      await took.promise;
      await doomed.close();

      const attempts = new Map<number, number[]>();
      const w = worker(
        async (e, ctx) => void attempts.set(e.id, [...(attempts.get(e.id) ?? []), ctx.deliveryAttempt]),
        {
          ackWaitMs: 1000,
        },
      );
      await w.ready;
      await waitFor(() => attempts.size === 2, 15_000, 'redeliveries');
      assert.ok(attempts.get(first)![0]! >= 2, 'the nak-ed event came back');
      assert.ok(attempts.get(second)![0]! >= 2, 'the unacked event came back after the ack wait');
      hang.resolve(); // the dead worker's handler finally returns; its ack has nowhere to go
      await dying.stop();
    });

    test('redelivery is bounded: after maxDeliver the event is terminated and reported', async () => {
      const [poison] = await appendEvents(db, 1);
      await relay().drain();
      const tries: number[] = [];
      const dead: number[] = [];
      const w = worker(
        async (_e, ctx) => {
          tries.push(ctx.deliveryAttempt);
          throw new Error('always fails');
        },
        { maxDeliver: 3 },
        (e) => void dead.push(e.id),
      );
      await w.ready;
      await waitFor(() => dead.length === 1, 10_000, 'dead letter');
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(tries, [1, 2, 3]);
      assert.deepEqual(dead, [poison]);
      const s = await consumerState();
      assert.equal(s.ackPending, 0);
      assert.equal(s.pending, 0);
    });

    test('working() heartbeats keep a long handler’s message; stop() waits for it', async () => {
      const [id] = await appendEvents(db, 1);
      await relay().drain();
      const entered = deferred();
      const release = deferred();
      const tries: number[] = [];
      const w = worker(
        async (_e, ctx) => {
          tries.push(ctx.deliveryAttempt);
          entered.resolve();
          await release.promise;
        },
        { ackWaitMs: 600, concurrency: 1 },
      );
      await entered.promise;
      await new Promise((resolve) => setTimeout(resolve, 1500)); // 2.5 ack waits
      let stopped = false;
      const stopping = w.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(stopped, false, 'stop() waits for the handler in flight');
      release.resolve();
      await stopping;
      assert.deepEqual(tries, [1], 'no redelivery while the handler was working');
      const s = await consumerState();
      assert.equal(s.ackPending, 0, `event ${id} was acked before stop() resolved`);
      assert.equal(s.redelivered, 0);
    });
  });
}
