/**
 * Fault test (issue 5): nothing acknowledged is lost, nothing is assessed twice, while processes die.
 * A real deployment — one `vigil serve` and two `vigil worker` processes on a scratch PostgreSQL
 * database and a private `nats-server -js` (own port, folder and stream; never the machine's shared
 * one) — takes VIGIL_FAULT_FILINGS demo filings (default 20,000) through the API. During the run one
 * worker is SIGKILLed and a new one started, and the NATS server is SIGKILLed and restarted. Then
 * every filing that got a 2xx must end with exactly one current assessment per consignment, the
 * outbox must be empty (nothing pending, nothing parked) and the stream must hold each event once.
 *
 *   VIGIL_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx node --test test/fault/durability.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connectNats, jetstreamManager } from '../../src/bus/index.ts';
import { FileKeyring, TokenService } from '../../src/auth/index.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/database.ts';
import type { Database } from '../../src/store/database.ts';
import { natsServerBinary, startNatsServer } from '../bus/nats-server.ts';
import type { NatsServer } from '../bus/nats-server.ts';
import {
  createScratchDatabase,
  deliveryCheck,
  demoBodies,
  FilingClient,
  postAll,
  settledState,
  sleep,
  spawnVigil,
  stopAllVigil,
} from './vigil-cluster.ts';
import type { ScratchDatabase, VigilProcess } from './vigil-cluster.ts';

const DATABASE_URL = process.env['VIGIL_TEST_DATABASE_URL'];
const FILINGS = Number(process.env['VIGIL_FAULT_FILINGS'] ?? 20_000);
const CONCURRENCY = Number(process.env['VIGIL_FAULT_CONCURRENCY'] ?? 32);
const SETTLE_TIMEOUT_MS = 5 * 60_000;
const PARKED = /parked after repeated failures/;

function skipReason(): string | false {
  if (DATABASE_URL === undefined || DATABASE_URL === '') {
    return 'the fault test needs PostgreSQL: set VIGIL_TEST_DATABASE_URL (.ci/run does)';
  }
  if (natsServerBinary() === undefined) {
    return 'the fault test needs nats-server (apt-get install nats-server, or set NATS_SERVER_BIN)';
  }
  return false;
}

test(
  `durability: ${FILINGS} filings through the API survive a worker SIGKILL and a NATS restart`,
  { skip: skipReason(), timeout: 9 * 60_000 },
  async () => {
    const started = performance.now();
    const log = (msg: string): void =>
      console.log(`[fault +${((performance.now() - started) / 1000).toFixed(1)}s] ${msg}`);
    let scratch: ScratchDatabase | undefined;
    let nats: NatsServer | undefined;
    let db: Database | undefined;
    let client: FilingClient | undefined;
    const workers: VigilProcess[] = [];
    try {
      scratch = await createScratchDatabase(DATABASE_URL!, 'vigil_fault');
      nats = await startNatsServer();
      const stream = `VIGIL_FAULT_${randomBytes(4).toString('hex').toUpperCase()}`;
      // Every process of the deployment shares one keyring file (ADR 0008).
      const keyring = join(tmpdir(), `vigil-fault-keyring-${randomBytes(4).toString('hex')}.json`);
      const env = {
        DATABASE_URL: scratch.url,
        VIGIL_KEYRING: keyring,
        NATS_URL: nats.url,
        VIGIL_NATS_STREAM: stream,
      };
      log(`database ${scratch.name}, nats ${nats.url}, stream ${stream}`);

      // serve migrates and installs the demo pack before the workers read the rules.
      const serve = await spawnVigil('serve', { env, watch: [PARKED] });
      workers.push(
        ...(await Promise.all([
          spawnVigil('worker', { env, watch: [PARKED] }),
          spawnVigil('worker', { env, watch: [PARKED] }),
        ])),
      );
      db = await openDatabase({ url: scratch.url, poolSize: 4 });
      const token = await new TokenService(new FileKeyring(keyring)).issue({
        authority: 'NL',
        role: 'filer',
        subject: 'fault-test',
        ttlSeconds: 3600,
      });
      const bodies = demoBodies(FILINGS, 20_050, 'FT');
      log(`serve pid ${serve.pid} at ${serve.address}, workers ${workers.map((w) => w.pid).join(', ')}`);

      // Faults run beside the posting, triggered by progress: at 30% a worker dies, at 60% NATS does.
      let done = 0;
      let postingOver = false;
      const faults = (async () => {
        while (done < FILINGS * 0.3 && !postingOver) {
          await sleep(50);
        }
        const victim = workers[0]!;
        await victim.kill('SIGKILL');
        log(`SIGKILLed worker ${victim.pid} after ${done} filings`);
        const replacement = await spawnVigil('worker', { env, watch: [PARKED] });
        workers.push(replacement);
        log(`started worker ${replacement.pid}`);
        while (done < FILINGS * 0.6 && !postingOver) {
          await sleep(50);
        }
        await nats.kill();
        log(`SIGKILLed nats-server after ${done} filings`);
        await sleep(2000);
        await nats.restart();
        log('nats-server restarted');
      })();

      client = new FilingClient(serve.address!, token, CONCURRENCY);
      const postStart = performance.now();
      const results = await postAll(client, bodies, CONCURRENCY, (n) => {
        done = n;
        if (n % 5000 === 0) {
          log(`${n} filings posted`);
        }
      });
      postingOver = true;
      await faults;
      const postSeconds = (performance.now() - postStart) / 1000;
      const statuses: Record<string, number> = {};
      for (const r of results) {
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      }
      const failed = results.filter((r) => r.mrn === undefined);
      const mrns = results.flatMap((r) => (r.mrn !== undefined ? [r.mrn] : []));
      log(
        `posted ${FILINGS} filings in ${postSeconds.toFixed(1)} s: statuses ${JSON.stringify(statuses)}${
          failed.length > 0 ? `; first failure: ${failed[0]!.error ?? ''}` : ''
        }`,
      );

      // Wait (bounded) for every acknowledged filing to be assessed and the outbox to empty.
      const deadline = Date.now() + SETTLE_TIMEOUT_MS;
      let state = await settledState(db, mrns);
      let lastLog = Date.now();
      while ((state.assessed < state.consignments || state.pendingOutbox > 0) && Date.now() < deadline) {
        await sleep(1000);
        state = await settledState(db, mrns);
        if (Date.now() - lastLog > 10_000) {
          lastLog = Date.now();
          log(
            `waiting: ${state.assessed}/${state.consignments} assessed, outbox pending ${state.pendingOutbox}`,
          );
        }
      }
      const settleSeconds = (performance.now() - postStart) / 1000 - postSeconds;
      log(`settled: ${state.assessed}/${state.consignments} assessed, outbox pending ${state.pendingOutbox}`);

      // The checks, in SQL over the acknowledged MRNs.
      const check = await deliveryCheck(db, mrns);

      // What JetStream saw: each event stored once (publish de-duplication); deliveries beyond one per
      // event are redeliveries (the killed worker's messages after the ack wait, acks lost while NATS was
      // down). Messages whose ack was lost come back after the ack wait (30 s): wait for that too.
      const nc = await connectNats(nats.url, { firstConnectTimeoutMs: 5000 });
      let streamMessages = -1;
      let redelivered = -1;
      let ackPending = -1;
      try {
        const jsm = await jetstreamManager(nc);
        streamMessages = (await jsm.streams.info(stream)).state.messages;
        for (;;) {
          const consumer = await jsm.consumers.info(stream, 'vigil-assessment');
          redelivered = consumer.delivered.consumer_seq - consumer.delivered.stream_seq;
          ackPending = consumer.num_ack_pending;
          if ((ackPending === 0 && consumer.num_pending === 0) || Date.now() > deadline) {
            break;
          }
          await sleep(1000);
        }
      } finally {
        await nc.close();
      }
      const parkedReports = [serve, ...workers].reduce((n, p) => n + p.count(PARKED), 0);

      const counts = {
        filingsPosted: FILINGS,
        filingsAcknowledged: mrns.length,
        statuses,
        filingsNotRegistered: check.incomplete,
        consignments: check.consignments,
        assessments: check.assessments,
        assessmentsInDatabase: check.assessments_all,
        missing: check.current_missing,
        duplicated: check.current_duplicated,
        outboxRows: check.outbox_rows,
        outboxUnprocessed: check.outbox_unprocessed,
        outboxParked: check.outbox_parked,
        streamMessages,
        redelivered,
        ackPending,
        deadLetters: parkedReports,
        postSeconds: Number(postSeconds.toFixed(1)),
        settleSeconds: Number(settleSeconds.toFixed(1)),
      };
      log(`counts ${JSON.stringify(counts)}`);

      assert.equal(failed.length, 0, `every post got a 2xx (first failure: ${failed[0]?.error ?? ''})`);
      assert.equal(check.known, check.acked, 'every acknowledged MRN is stored');
      assert.equal(check.current_missing, 0, 'no acknowledged consignment lacks its assessment');
      assert.equal(check.current_duplicated, 0, 'no consignment has two current assessments');
      assert.equal(check.current_exactly_one, check.consignments, 'exactly one current assessment each');
      assert.equal(check.assessments, check.consignments, 'assessment rows = consignments of acked filings');
      assert.equal(check.assessments_all, check.assessments, 'no assessment of a filing nobody acknowledged');
      assert.equal(check.outbox_unprocessed, 0, 'no outbox row left unprocessed');
      assert.equal(check.outbox_parked, 0, 'no outbox row parked');
      assert.equal(streamMessages, check.outbox_rows, 'the stream holds each outbox event exactly once');
      assert.equal(parkedReports, 0, 'no event reported as a dead letter');
      assert.equal(ackPending, 0, 'every delivered event was acknowledged in the end');
      assert.ok(workers[0]!.exited, 'the first worker was killed');
    } finally {
      await client?.close().catch(() => undefined);
      await stopAllVigil();
      await db?.close().catch(() => undefined);
      await nats?.close().catch(() => undefined);
      await scratch
        ?.drop()
        .catch((err: unknown) => console.log(`could not drop the scratch database: ${String(err)}`));
      log('stopped everything');
    }
  },
);
