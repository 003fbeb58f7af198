/**
 * Fault test on the production shape (issue 20): a three-node NATS JetStream cluster with the Vigil
 * stream on three replicas and file storage, and a private PostgreSQL 15 server (initdb into a
 * temporary folder, own port, fsync on), under one `vigil serve` and two `vigil worker` processes.
 * VIGIL_FAULT_CLUSTER_FILINGS demo filings (default 10,000) go through the API; meanwhile the node
 * leading the stream is SIGKILLed and restarted (a leader fail-over with publishes in flight), and
 * then PostgreSQL crashes: the postmaster and every backend are SIGKILLed and the server is started
 * again, so it runs crash recovery. A crash rather than `pg_ctl restart -m fast`: a clean shutdown
 * lets sessions finish and checkpoints, a crash cuts commits in flight and keeps only what the WAL
 * holds — the case where an acknowledgement could outlive its data.
 *
 * The client retries a post that failed with no answer or a 5xx, with the same body (same LRN):
 * registration is idempotent on filer + LRN, so a retry of a filing whose commit landed but whose
 * answer was lost gets the first MRN. Then every filing must be acknowledged exactly once (one filing
 * row per LRN, each acknowledged MRN stored), every consignment must have exactly one current
 * assessment, the outbox must be empty (nothing pending, nothing parked), the stream must hold each
 * event once, every replica must have caught up, and serve and workers must have survived.
 *
 *   VIGIL_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx node --test test/fault/cluster.test.ts
 *
 * Gated on VIGIL_TEST_DATABASE_URL like the other fault test (so that `.ci/run` runs it and a plain
 * `npm test` without a server does not), although it starts its own PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { connectNats, jetstreamManager } from '../../src/bus/index.ts';
import { FileKeyring, TokenService } from '../../src/auth/index.ts';
import { openDatabase } from '../../src/store/database.ts';
import type { Database } from '../../src/store/database.ts';
import { natsServerBinary } from '../bus/nats-server.ts';
import { startNatsCluster } from '../bus/nats-cluster.ts';
import type { NatsCluster } from '../bus/nats-cluster.ts';
import { privatePostgresSkipReason, startPrivatePostgres } from '../support/private-postgres.ts';
import type { PrivatePostgres } from '../support/private-postgres.ts';
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
import type { FilingPoster, PostResult, VigilProcess } from './vigil-cluster.ts';

const GATE_URL = process.env['VIGIL_TEST_DATABASE_URL'];
const FILINGS = Number(
  process.env['VIGIL_FAULT_CLUSTER_FILINGS'] ?? process.env['VIGIL_FAULT_FILINGS'] ?? 10_000,
);
const CONCURRENCY = Number(process.env['VIGIL_FAULT_CONCURRENCY'] ?? 32);
const SETTLE_TIMEOUT_MS = 5 * 60_000;
/** How long the posting may take in all before the client stops retrying (the test then fails). */
const POSTING_TIMEOUT_MS = 6 * 60_000;
const PARKED = /parked after repeated failures/;
const STREAM_CONSUMER = 'vigil-assessment';

function skipReason(): string | false {
  if (GATE_URL === undefined || GATE_URL === '') {
    return 'the fault tests run with PostgreSQL: set VIGIL_TEST_DATABASE_URL (.ci/run does)';
  }
  if (natsServerBinary() === undefined) {
    return 'the cluster fault test needs nats-server (apt-get install nats-server, or set NATS_SERVER_BIN)';
  }
  const pg = privatePostgresSkipReason();
  if (pg !== false) {
    return `the cluster fault test ${pg}`;
  }
  return false;
}

/** Retries a post that got no answer or a 5xx, with the same body: idempotency on LRN absorbs repeats. */
class RetryingPoster implements FilingPoster {
  readonly #inner: FilingPoster;
  /** Failed attempts by status (0: no answer), and the filings that needed more than one attempt. */
  readonly failedAttempts: Record<string, number> = {};
  retriedFilings = 0;
  firstError: string | undefined;

  readonly #giveUp: () => boolean;

  /** `giveUp`: stop retrying (serve died, or the posting ran out of time). */
  constructor(inner: FilingPoster, giveUp: () => boolean) {
    this.#inner = inner;
    this.#giveUp = giveUp;
  }

  async post(body: string): Promise<PostResult> {
    for (let attempt = 1; ; attempt++) {
      const r = await this.#inner.post(body);
      const retryable = r.status === 0 || r.status >= 500;
      if (!retryable || this.#giveUp()) {
        if (attempt > 1) {
          this.retriedFilings++;
        }
        return r;
      }
      this.failedAttempts[r.status] = (this.failedAttempts[r.status] ?? 0) + 1;
      this.firstError ??= `${r.status}: ${r.error ?? ''}`;
      await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt - 1, 5)));
    }
  }
}

test(
  `cluster: ${FILINGS} filings survive a NATS stream-leader SIGKILL and a PostgreSQL crash (3-node R3 cluster)`,
  { skip: skipReason(), timeout: 12 * 60_000 },
  async () => {
    const started = performance.now();
    const log = (msg: string): void =>
      console.log(`[cluster +${((performance.now() - started) / 1000).toFixed(1)}s] ${msg}`);
    let postgres: PrivatePostgres | undefined;
    let nats: NatsCluster | undefined;
    let db: Database | undefined;
    let client: FilingClient | undefined;
    const processes: VigilProcess[] = [];
    const keyring = join(tmpdir(), `vigil-cluster-keyring-${randomBytes(4).toString('hex')}.json`);
    try {
      [postgres, nats] = await Promise.all([startPrivatePostgres(), startNatsCluster()]);
      const pgServer = postgres;
      const natsCluster = nats;
      const scratch = await createScratchDatabase(pgServer.url, 'vigil_cluster');
      const stream = `VIGIL_CLUSTER_${randomBytes(4).toString('hex').toUpperCase()}`;
      const env = {
        DATABASE_URL: scratch.url,
        VIGIL_KEYRING: keyring,
        NATS_URL: natsCluster.url,
        VIGIL_NATS_STREAM: stream,
        VIGIL_NATS_REPLICAS: '3',
      };
      log(`postgres ${pgServer.url} (pid ${pgServer.pid}), nats ${natsCluster.url}, stream ${stream}`);

      // serve migrates and installs the demo pack before the workers read the rules.
      const serve = await spawnVigil('serve', { env, watch: [PARKED] });
      const workers = await Promise.all([
        spawnVigil('worker', { env, watch: [PARKED] }),
        spawnVigil('worker', { env, watch: [PARKED] }),
      ]);
      processes.push(serve, ...workers);
      db = await openDatabase({ url: scratch.url, poolSize: 4 });
      const token = await new TokenService(new FileKeyring(keyring)).issue({
        authority: 'NL',
        role: 'filer',
        subject: 'cluster-fault-test',
        ttlSeconds: 3600,
      });
      const bodies = demoBodies(FILINGS, 20_060, 'CT');
      log(`serve pid ${serve.pid} at ${serve.address}, workers ${workers.map((w) => w.pid).join(', ')}`);

      // Faults beside the posting, triggered by progress: at 30% the stream's leader node dies, at 60%
      // PostgreSQL does.
      let done = 0;
      let postingOver = false;
      let killedNode = '';
      const faults = (async () => {
        while (done < FILINGS * 0.3 && !postingOver) {
          await sleep(50);
        }
        const nc = await connectNats(natsCluster.url, { firstConnectTimeoutMs: 5000 });
        try {
          killedNode = (await (await jetstreamManager(nc)).streams.info(stream)).cluster?.leader ?? '';
        } finally {
          await nc.close();
        }
        const victim = natsCluster.indexOf(killedNode);
        assert.ok(victim >= 0, `the stream has a leader among our nodes (got "${killedNode}")`);
        await natsCluster.kill(victim);
        log(`SIGKILLed nats node ${killedNode} (stream leader) after ${done} filings`);
        await sleep(2000);
        await natsCluster.start(victim);
        log(`nats node ${killedNode} restarted and healthy after ${done} filings`);
        while (done < FILINGS * 0.6 && !postingOver) {
          await sleep(50);
        }
        await pgServer.crash();
        log(`SIGKILLed PostgreSQL (postmaster and backends) after ${done} filings`);
        await sleep(2000);
        await pgServer.start();
        log(`PostgreSQL recovered and answers (pid ${pgServer.pid}) after ${done} filings`);
      })();
      // A failed fault must not leave the posting to run on unattended; it is rethrown below.
      faults.catch(() => undefined);

      client = new FilingClient(serve.address!, token, CONCURRENCY);
      const postingDeadline = Date.now() + POSTING_TIMEOUT_MS;
      const poster = new RetryingPoster(client, () => serve.exited || Date.now() > postingDeadline);
      const postStart = performance.now();
      const results = await postAll(poster, bodies, CONCURRENCY, (n) => {
        done = n;
        if (n % 2500 === 0) {
          log(`${n} filings posted`);
        }
      });
      postingOver = true;
      for (const p of processes.filter((x) => x.exited)) {
        log(`vigil ${p.kind} ${p.pid} exited; its last output:\n${p.output()}`);
      }
      await faults;
      const postSeconds = (performance.now() - postStart) / 1000;
      const statuses: Record<string, number> = {};
      for (const r of results) {
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      }
      const failed = results.filter((r) => r.mrn === undefined);
      const mrns = results.flatMap((r) => (r.mrn !== undefined ? [r.mrn] : []));
      log(
        `posted ${FILINGS} filings in ${postSeconds.toFixed(1)} s: final statuses ${JSON.stringify(statuses)}, ` +
          `${poster.retriedFilings} retried, failed attempts ${JSON.stringify(poster.failedAttempts)}` +
          (poster.firstError !== undefined ? ` (first: ${poster.firstError.slice(0, 200)})` : ''),
      );

      // Wait (bounded) for every acknowledged filing to be assessed and the outbox to empty.
      const deadline = Date.now() + SETTLE_TIMEOUT_MS;
      let state = await settledState(db, mrns);
      let lastLog = Date.now();
      // Nothing more would come once serve (the relay) or every worker is gone: fail without waiting.
      const stalled = (): boolean => serve.exited || workers.every((w) => w.exited);
      while (
        (state.assessed < state.consignments || state.pendingOutbox > 0) &&
        Date.now() < deadline &&
        !stalled()
      ) {
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

      // The checks, in SQL over the acknowledged MRNs (the database is this test's alone).
      const check = await deliveryCheck(db, mrns);

      // What JetStream saw: each event stored once (publish de-duplication across the leader change);
      // every replica current again; every delivered event acknowledged (acks lost in a fail-over come
      // back after the ack wait, 30 s: wait for that too).
      const nc = await connectNats(natsCluster.url, { firstConnectTimeoutMs: 5000 });
      let streamMessages = -1;
      let replicas = -1;
      let replicasCurrent = -1;
      let redelivered = -1;
      let ackPending = -1;
      let numPending = -1;
      try {
        const jsm = await jetstreamManager(nc);
        for (;;) {
          const info = await jsm.streams.info(stream);
          streamMessages = info.state.messages;
          replicas = info.config.num_replicas;
          const peers = info.cluster?.replicas ?? [];
          replicasCurrent =
            (info.cluster?.leader !== undefined ? 1 : 0) + peers.filter((p) => p.current).length;
          const consumer = await jsm.consumers.info(stream, STREAM_CONSUMER);
          redelivered = consumer.delivered.consumer_seq - consumer.delivered.stream_seq;
          ackPending = consumer.num_ack_pending;
          numPending = consumer.num_pending;
          const done = ackPending === 0 && numPending === 0 && replicasCurrent === 3;
          if (done || Date.now() > deadline || stalled()) {
            break;
          }
          await sleep(1000);
        }
      } finally {
        await nc.close();
      }
      const parkedReports = processes.reduce((n, p) => n + p.count(PARKED), 0);
      const survivors = processes.filter((p) => !p.exited).length;

      const counts = {
        filingsPosted: FILINGS,
        filingsAcknowledged: mrns.length,
        statuses,
        retriedFilings: poster.retriedFilings,
        failedAttempts: poster.failedAttempts,
        filingsInDatabase: check.filings_all,
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
        replicas,
        replicasCurrent,
        killedNode,
        redelivered,
        ackPending,
        deadLetters: parkedReports,
        processesAlive: `${survivors}/${processes.length}`,
        postSeconds: Number(postSeconds.toFixed(1)),
        settleSeconds: Number(settleSeconds.toFixed(1)),
      };
      log(`counts ${JSON.stringify(counts)}`);

      assert.equal(
        failed.length,
        0,
        `every filing was acknowledged in the end (first: ${failed[0]?.error ?? ''})`,
      );
      assert.equal(new Set(mrns).size, FILINGS, 'one MRN per filing: a retried LRN got its first MRN back');
      assert.equal(check.known, check.acked, 'every acknowledged MRN is stored');
      assert.equal(check.filings_all, FILINGS, 'one filing row per LRN posted: no retry registered twice');
      assert.equal(check.lrns_all, FILINGS, 'every LRN posted is registered');
      assert.equal(check.incomplete, 0, 'every acknowledged filing is registered');
      assert.equal(check.current_missing, 0, 'no acknowledged consignment lacks its assessment');
      assert.equal(check.current_duplicated, 0, 'no consignment has two current assessments');
      assert.equal(check.current_exactly_one, check.consignments, 'exactly one current assessment each');
      assert.equal(check.assessments, check.consignments, 'assessment rows = consignments of acked filings');
      assert.equal(check.assessments_all, check.assessments, 'no assessment of a filing nobody acknowledged');
      assert.equal(check.outbox_unprocessed, 0, 'no outbox row left unprocessed');
      assert.equal(check.outbox_parked, 0, 'no outbox row parked');
      assert.equal(streamMessages, check.outbox_rows, 'the stream holds each outbox event exactly once');
      assert.equal(replicas, 3, 'the stream runs on three replicas');
      assert.equal(replicasCurrent, 3, 'the restarted node caught up: leader and both replicas current');
      assert.equal(parkedReports, 0, 'no event reported as a dead letter');
      assert.equal(ackPending, 0, 'every delivered event was acknowledged in the end');
      assert.equal(numPending, 0, 'no event left undelivered');
      assert.equal(survivors, processes.length, 'serve and both workers survived the faults');
    } catch (err) {
      for (const p of processes) {
        log(
          `vigil ${p.kind} ${p.pid}${p.exited ? ' (exited)' : ''}, last output:\n${p.output().slice(-3000)}`,
        );
      }
      throw err;
    } finally {
      await client?.close().catch(() => undefined);
      await stopAllVigil();
      await db?.close().catch(() => undefined);
      // The scratch database goes with the whole private cluster.
      await nats?.close().catch((err: unknown) => log(`could not stop the NATS cluster: ${String(err)}`));
      await postgres?.close().catch((err: unknown) => log(`could not stop PostgreSQL: ${String(err)}`));
      rmSync(keyring, { force: true });
      rmSync(`${keyring}.lock`, { force: true });
      log('stopped everything');
    }
  },
);
