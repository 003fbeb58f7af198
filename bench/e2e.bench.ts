/**
 * End-to-end bench (issue 5, DESIGN §7): HTTP → PostgreSQL → JetStream → workers → PostgreSQL, with
 * real processes — `vigil serve` and `vigil worker` children on a scratch database and a private
 * `nats-server -js` with its own stream — and the same two phases on the embedded bus (serve alone,
 * no NATS, assessing in process) for comparison.
 *
 *   Phase 1, sustained: post BENCH_FILINGS demo filings as fast as the system takes them (closed
 *   loop, BENCH_CONCURRENCY in flight); consignments assessed per second from the first post to the
 *   last stored assessment.
 *   Phase 2, latency: an open-loop offered load of BENCH_RATE consignments per second for
 *   BENCH_SECONDS (posts are scheduled on a fixed clock, never waiting for responses); latency per
 *   filing = the latest assessed_at of its consignments (written by the worker) − the moment the
 *   client saw the 2xx.
 *
 * CPU per process (serve, workers, PostgreSQL backends, nats-server, this client) is sampled from
 * /proc during each phase and printed, in cores (1.0 = one core busy), to show what limits throughput.
 * Prints one JSON line last.
 *
 *   npm run bench:e2e
 *   VIGIL_BENCH_DATABASE_URL=postgres://… BENCH_WORKERS=1 BENCH_SERVES=2 npm run bench:e2e
 *
 * Options (env): VIGIL_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_FILINGS (6000), BENCH_CONCURRENCY (32), BENCH_RATE (500), BENCH_SECONDS (30),
 * BENCH_SERVES (1), BENCH_WORKERS (2), BENCH_WORKER_CONCURRENCY (worker default),
 * BENCH_EMBEDDED (1; 0 skips the embedded figures), BENCH_EMBEDDED_SHARE (0.8: the embedded
 * deployment's latency phase is offered min(BENCH_RATE, this share of the throughput it sustained),
 * to show the load it holds without a growing backlog), BENCH_TABLE_READS (1 logs the rows read per
 * table and consignment).
 */
import { natsServerBinary } from '../test/bus/nats-server.ts';
import { log, runDeployment } from './e2e-run.ts';
import type { E2eRunOptions } from './e2e-run.ts';

const DATABASE_URL = process.env['VIGIL_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const FILINGS = Number(process.env['BENCH_FILINGS'] ?? 6000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const RATE = Number(process.env['BENCH_RATE'] ?? 500);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 30);
const SERVES = Number(process.env['BENCH_SERVES'] ?? 1);
const WORKERS = Number(process.env['BENCH_WORKERS'] ?? 2);
const WORKER_CONCURRENCY = process.env['BENCH_WORKER_CONCURRENCY'];
const EMBEDDED = process.env['BENCH_EMBEDDED'] !== '0';
const EMBEDDED_SHARE = Number(process.env['BENCH_EMBEDDED_SHARE'] ?? 0.8);

if (natsServerBinary() === undefined) {
  throw new Error('bench:e2e needs nats-server (apt-get install nats-server, or set NATS_SERVER_BIN)');
}
log(
  `bench:e2e — ${FILINGS} filings sustained (concurrency ${CONCURRENCY}), then ${RATE} consignments/s for ${SECONDS} s; ` +
    `${SERVES} serve, ${WORKERS} workers`,
);
const options: E2eRunOptions = {
  databaseUrl: DATABASE_URL,
  filings: FILINGS,
  concurrency: CONCURRENCY,
  rate: RATE,
  seconds: SECONDS,
  serves: SERVES,
  workers: WORKERS,
  workerConcurrency: WORKER_CONCURRENCY,
  tableReads: process.env['BENCH_TABLE_READS'] === '1',
  embeddedCapacityShare: EMBEDDED_SHARE,
};
const jet = await runDeployment('jetstream', options);
const embedded = EMBEDDED ? await runDeployment('embedded', options) : undefined;
const summary = {
  sustainedConsignmentsPerSec: jet.sustainedConsignmentsPerSec,
  latencyMs: { p50: jet.latencyMs!.p50, p95: jet.latencyMs!.p95, p99: jet.latencyMs!.p99 },
  offeredPerSec: RATE,
  serves: SERVES,
  workers: WORKERS,
  cpuCores: { sustained: jet.sustained.cpuCores, offered: jet.offered!.cpuCores },
  ...(embedded !== undefined
    ? {
        embedded: {
          sustainedConsignmentsPerSec: embedded.sustainedConsignmentsPerSec,
          latencyMs: {
            p50: embedded.latencyMs!.p50,
            p95: embedded.latencyMs!.p95,
            p99: embedded.latencyMs!.p99,
          },
          offeredPerSec: embedded.offered!.consignmentsPerSec,
          latencyTrendMs: embedded.offered!.latencyTrendMs,
          cpuCores: { sustained: embedded.sustained.cpuCores, offered: embedded.offered!.cpuCores },
        },
      }
    : {}),
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
