/**
 * JetStream mode across a NATS crash, on a private nats-server (never the machine's shared one): rows
 * written while NATS is down stay in the outbox, the relay retries, the worker's connection comes back,
 * and afterwards every row has been handled, none lost.
 */
/* eslint-disable @typescript-eslint/require-await -- handlers are async by contract; most test handlers only record */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  connectNats,
  ensureStream,
  jetstream,
  jetstreamManager,
  startJetStreamWorker,
  startOutboxRelay,
} from '../../src/bus/index.ts';
import { databaseTargets } from '../support/test-app.ts';
import { appendEvents, openMigrated, outboxState, waitFor } from './outbox-fixtures.ts';
import { natsServerBinary, startNatsServer } from './nats-server.ts';

for (const target of databaseTargets()) {
  test(
    `relay and worker survive a NATS SIGKILL and restart [${target.engine}]`,
    { skip: natsServerBinary() === undefined ? 'nats-server not installed' : false, timeout: 60_000 },
    async () => {
      const server = await startNatsServer();
      const db = await openMigrated(target);
      const nc = await connectNats(server.url, { reconnectTimeWaitMs: 100, firstConnectTimeoutMs: 5000 });
      try {
        const jsm = await jetstreamManager(nc);
        await ensureStream(jsm, { name: 'EVENTS', subjects: ['vigil.events.>'] });
        const js = jetstream(nc);
        const errors: unknown[] = [];
        const relay = startOutboxRelay(db, js, {
          stream: 'EVENTS',
          subjectPrefix: 'vigil.events',
          pollMs: 20,
          publishTimeoutMs: 500,
          retryBaseMs: 50,
          retryMaxMs: 500,
          onError: (e) => void errors.push(e),
        });
        const seen = new Map<number, number>();
        const worker = startJetStreamWorker(js, async (e) => void seen.set(e.id, (seen.get(e.id) ?? 0) + 1), {
          stream: 'EVENTS',
          durable: 'assess',
          maxDeliver: 10,
          ackWaitMs: 2000,
          concurrency: 8,
        });
        await worker.ready;

        const before = await appendEvents(db, 100);
        await relay.drain();
        await server.kill();
        const during = await appendEvents(db, 100);
        relay.wake();
        await waitFor(() => errors.length > 0, 10_000, 'the relay to notice NATS is down');
        assert.ok(
          (await outboxState(db)).filter((s) => !s.published).length >= 100,
          'rows wait in the outbox',
        );
        await server.restart();
        await relay.drain();
        const all = [...before, ...during];
        await waitFor(() => all.every((id) => seen.has(id)), 30_000, 'every event handled after the restart');
        assert.deepEqual(
          [...seen.keys()].sort((a, b) => a - b),
          all,
        );
        assert.equal(
          (await jsm.streams.info('EVENTS')).state.messages,
          all.length,
          'no duplicate in the stream',
        );
        console.log(
          `[${target.engine}] rows=${all.length} handled=${seen.size} redelivered=${[...seen.values()].filter((n) => n > 1).length} relayErrors=${errors.length}`,
        );
        await worker.stop();
        await relay.stop();
      } finally {
        await nc.close();
        await db.close();
        await server.close();
      }
    },
  );
}
