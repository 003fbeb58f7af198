/**
 * Scale bench (issue 20): does the cost per consignment grow with history? The end-to-end run of
 * `bench:e2e` (bench/e2e-run.ts: PostgreSQL + JetStream, `vigil serve` and `vigil worker` processes,
 * closed-loop demo filings) on an empty scratch database, then on one holding BENCH_HISTORY
 * consignments of history, loaded before Vigil starts by server-side `INSERT … SELECT
 * generate_series` (test/perf/history.ts: filings with plausible bodies, consignments, assessments,
 * notifications, control tasks, processed outbox rows, audit entries, BENCH_OPERATORS operators, 7+1
 * previous documents, link consents). The history's skew is real traffic's: the demo's carriers file
 * 80% of it and the bench's own filer lodges 70%, so a lookup that reads "everything of this carrier"
 * or "of this filer" reads most of the history.
 *
 * Statistics (BENCH_STATISTICS): `fresh` (default) keeps the tables unanalysed for the whole run, in
 * both runs (auto-analyse put out of reach; autovacuum still vacuums): a new deployment, a new
 * partition, an embedded database; `analysed` runs ANALYZE after the load (not on the empty database)
 * and leaves autovacuum as it is.
 *
 * Prints one JSON line last:
 *   {"history":{"0":{"sustainedConsignmentsPerSec":…,"rowsReturnedPerConsignment":…},"1000000":{…}},"ratio":…}
 * where ratio = sustained throughput with the history / without.
 *
 *   npm run bench:scale
 *   BENCH_HISTORY=200000 BENCH_FILINGS=3000 npm run bench:scale
 *
 * Options (env): VIGIL_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_HISTORY (1000000), BENCH_OPERATORS (200000), BENCH_FILINGS (6000), BENCH_CONCURRENCY (32),
 * BENCH_SERVES (1), BENCH_WORKERS (2), BENCH_WORKER_CONCURRENCY, BENCH_STATISTICS (fresh|analysed).
 */
import { generateDemoFilings } from '../src/demo/index.ts';
import { exampleFiling } from '../src/risk/test-fixtures.ts';
import { openDatabase } from '../src/store/database.ts';
import { migrate } from '../src/store/migrate.ts';
import { natsServerBinary } from '../test/bus/nats-server.ts';
import { analyseHistory, holdAnalyze, loadHistory, vacuumQueues } from '../test/perf/history.ts';
import { log, runDeployment } from './e2e-run.ts';
import type { E2eRunOptions, PhaseResult } from './e2e-run.ts';

const DATABASE_URL = process.env['VIGIL_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const HISTORY = Number(process.env['BENCH_HISTORY'] ?? 1_000_000);
const OPERATORS = Number(process.env['BENCH_OPERATORS'] ?? 200_000);
const STATISTICS = process.env['BENCH_STATISTICS'] === 'analysed' ? 'analysed' : 'fresh';
/** The bench's filer (bench/e2e-run.ts issues its token) lodges most of the history. */
const BENCH_FILER = 'e2e-bench';

/** The carriers of the demo filings the bench posts, busiest first: they file the history too. */
function demoCarriers(): string[] {
  const counts = new Map<string, number>();
  for (const d of generateDemoFilings({ count: 3000, seed: 7, now: new Date(), invalidShare: 0 })) {
    const eori = (d.filing as { carrier?: { eori?: string } }).carrier?.eori;
    if (eori !== undefined) {
      counts.set(eori, (counts.get(eori) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([eori]) => eori);
}

/** Migrates the scratch database, loads `history` consignments, sets the statistics' state. */
async function prepare(url: string, history: number): Promise<void> {
  const db = await openDatabase({ url, poolSize: 1 });
  try {
    await migrate(db);
    if (STATISTICS === 'fresh') {
      await holdAnalyze(db);
    }
    if (history > 0) {
      const started = Date.now();
      const carriers = demoCarriers();
      await loadHistory(db, {
        consignments: history,
        operators: OPERATORS,
        bigCarrier: carriers,
        bigFiler: BENCH_FILER,
        authority: 'NL',
        // Ends before the last year, so the unit-value statistics job (which learns from the last
        // year's goods lines) does not re-read the whole history during the measurement.
        endsAt: new Date(Date.now() - 400 * 86_400_000),
        body: exampleFiling,
        progress: (done) => log(`history: ${done} of ${history} consignments`),
      });
      // The queues as autovacuum leaves them (0019): the history's processed rows are vacuumed.
      await vacuumQueues(db);
      log(
        `history of ${history} consignments (${carriers.length} demo carriers file 80%) loaded in ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
    }
    // An empty database is not analysed: statistics of empty tables are stale from the first filing
    // on (the foreign-key check of consignment → filing then keeps a cached plan that scans filing).
    if (STATISTICS === 'analysed' && history > 0) {
      await analyseHistory(db);
    }
  } finally {
    await db.close();
  }
}

if (natsServerBinary() === undefined) {
  throw new Error('bench:scale needs nats-server (apt-get install nats-server, or set NATS_SERVER_BIN)');
}
const base: Omit<E2eRunOptions, 'prepare'> = {
  databaseUrl: DATABASE_URL,
  filings: Number(process.env['BENCH_FILINGS'] ?? 6000),
  concurrency: Number(process.env['BENCH_CONCURRENCY'] ?? 32),
  rate: 0,
  seconds: 0,
  serves: Number(process.env['BENCH_SERVES'] ?? 1),
  workers: Number(process.env['BENCH_WORKERS'] ?? 2),
  workerConcurrency: process.env['BENCH_WORKER_CONCURRENCY'],
  latency: false,
  tableReads: true,
};
log(
  `bench:scale — ${base.filings} filings sustained at history 0 and ${HISTORY} (${OPERATORS} operators), ` +
    `statistics ${STATISTICS}; ${base.serves} serve, ${base.workers} workers`,
);
const figures = (r: PhaseResult) => ({
  sustainedConsignmentsPerSec: r.sustainedConsignmentsPerSec,
  rowsReturnedPerConsignment: r.sustained.databasePerConsignment['rowsReturned'] ?? Number.NaN,
});
const empty = await runDeployment('jetstream', { ...base, prepare: (url) => prepare(url, 0) });
const full = await runDeployment('jetstream', { ...base, prepare: (url) => prepare(url, HISTORY) });
const summary = {
  history: { '0': figures(empty), [String(HISTORY)]: figures(full) },
  ratio: Number((full.sustainedConsignmentsPerSec / empty.sustainedConsignmentsPerSec).toFixed(3)),
  statistics: STATISTICS,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
