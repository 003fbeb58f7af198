/**
 * One end-to-end deployment run, shared by `npm run bench:e2e` (bench/e2e.bench.ts) and
 * `npm run bench:scale` (bench/scale.bench.ts): a scratch database, `vigil serve` and (JetStream)
 * `vigil worker` processes and a private nats-server; phase 1 posts demo filings closed-loop and
 * measures sustained consignments per second, phase 2 (optional) offers an open-loop load and
 * measures latency. CPU per process and database activity per consignment are sampled. `prepare`
 * runs on the scratch database before any Vigil process starts (bench:scale loads its history there).
 */
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../src/store/database.ts';
import type { Database } from '../src/store/database.ts';
import { FileKeyring, TokenService } from '../src/auth/index.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer } from '../test/bus/nats-server.ts';
import type { NatsServer } from '../test/bus/nats-server.ts';
import {
  activitySince,
  BackendPids,
  CpuMeter,
  databaseActivity,
  createScratchDatabase,
  demoBodies,
  FilingClient,
  percentile,
  pidsNamed,
  pidsWithArgs,
  postAll,
  sleep,
  spawnVigil,
  stopAllVigil,
} from '../test/fault/vigil-cluster.ts';
import type {
  CpuGroup,
  DatabaseActivity,
  DemoBody,
  FilingPoster,
  PostResult,
  ScratchDatabase,
  VigilProcess,
} from '../test/fault/vigil-cluster.ts';

export interface E2eRunOptions {
  readonly databaseUrl: string;
  readonly filings: number;
  readonly concurrency: number;
  readonly rate: number;
  readonly seconds: number;
  readonly serves: number;
  readonly workers: number;
  readonly workerConcurrency: string | undefined;
  /** Phase 2 (open-loop latency); default true. */
  readonly latency?: boolean;
  /** Runs on the scratch database (its URL) before serve starts. */
  readonly prepare?: (url: string) => Promise<void>;
  /** Logs, per table, the rows phase 1 read by sequential and by index scans (per consignment). */
  readonly tableReads?: boolean;
  /**
   * Embedded deployment: offer phase 2 at this share of the throughput phase 1 measured, when that
   * is below `rate` (the capacity it holds without a growing backlog); undefined offers `rate`.
   */
  readonly embeddedCapacityShare?: number | undefined;
}

interface TableReads {
  readonly table: string;
  readonly seq: number;
  readonly seqRows: number;
  readonly idxRows: number;
}

async function tableReads(db: Database): Promise<Map<string, TableReads>> {
  // Index entries read (idx_tup_read, summed over the table's indexes), as pg_stat_database's
  // tup_returned counts them; catalogs included, under their own names.
  const r = await db.query<{ table: string; seq: number; seqRows: number; idxRows: number }>(
    `SELECT t.relname AS table, coalesce(t.seq_scan, 0)::float8 AS seq, coalesce(t.seq_tup_read, 0)::float8 AS "seqRows",
            coalesce((SELECT sum(i.idx_tup_read) FROM pg_stat_all_indexes i WHERE i.relid = t.relid), 0)::float8 AS "idxRows"
     FROM pg_stat_all_tables t`,
  );
  return new Map(r.rows.map((x) => [x.table, x]));
}

/** The tables phase 1 read most from, with rows read per consignment by each kind of scan. */
function tableReadsSince(
  before: Map<string, TableReads>,
  after: Map<string, TableReads>,
  consignments: number,
): Record<string, { seqScans: number; seqRows: number; indexRows: number }> {
  const out: [string, { seqScans: number; seqRows: number; indexRows: number }][] = [];
  for (const [table, a] of after) {
    const b = before.get(table);
    const seqRows = (a.seqRows - (b?.seqRows ?? 0)) / consignments;
    const indexRows = (a.idxRows - (b?.idxRows ?? 0)) / consignments;
    if (seqRows + indexRows >= 0.5) {
      out.push([
        table,
        {
          seqScans: a.seq - (b?.seq ?? 0),
          seqRows: Number(seqRows.toFixed(1)),
          indexRows: Number(indexRows.toFixed(1)),
        },
      ]);
    }
  }
  out.sort((x, y) => y[1].seqRows + y[1].indexRows - (x[1].seqRows + x[1].indexRows));
  return Object.fromEntries(out);
}

const SETTLE_TIMEOUT_MS = 5 * 60_000;

export interface PhaseResult {
  sustainedConsignmentsPerSec: number;
  sustained: {
    filings: number;
    consignments: number;
    postSeconds: number;
    endToEndSeconds: number;
    acceptedConsignmentsPerSec: number;
    cpuCores: Record<string, number>;
    databasePerConsignment: Record<string, number>;
  };
  /** Phase 2's figures; absent when it was not run. */
  latencyMs?: { p50: number; p95: number; p99: number; max: number };
  offered?: {
    consignmentsPerSec: number;
    filingsPerSec: number;
    filings: number;
    acknowledged: number;
    achievedConsignmentsPerSec: number;
    httpMs: { p50: number; p95: number; p99: number };
    latencyTrendMs: { firstTenthP50: number; lastTenthP50: number };
    cpuCores: Record<string, number>;
    databasePerConsignment: Record<string, number>;
  };
}

export const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

/** Waits until `mrns` have `consignments` assessments; returns max(assessed_at) in epoch ms. */
async function waitAssessed(db: Database, mrns: readonly string[], consignments: number): Promise<number> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    // One primary-key probe per MRN (LATERAL, kept a nested loop by OFFSET 0): the bench's own poll
    // must not scan a large history's assessments, which would count in the rows read it reports.
    const r = await db.query<{ n: number; last: Date | null }>(
      `SELECT count(*)::int AS n, max(a.assessed_at) AS last
       FROM unnest($1::text[]) AS u(mrn), LATERAL (SELECT assessed_at FROM assessment WHERE mrn = u.mrn OFFSET 0) a`,
      [mrns],
    );
    const { n, last } = r.rows[0]!;
    if (n >= consignments) {
      return last!.getTime();
    }
    if (Date.now() > deadline) {
      throw new Error(`only ${n} of ${consignments} consignments assessed after ${SETTLE_TIMEOUT_MS} ms`);
    }
    await sleep(100);
  }
}

/**
 * The acknowledged filings that are registered (and so will be assessed), and their consignments. A
 * master or house part whose counterpart is not in the phase (the demo stream cut at its length)
 * stays incomplete and is never assessed: it is left out, and counted apart.
 */
async function registeredOf(
  db: Database,
  bodies: readonly DemoBody[],
  results: readonly PostResult[],
): Promise<{ mrns: string[]; consignments: number; incomplete: number }> {
  const acked = results.flatMap((r) => (r.mrn !== undefined ? [r.mrn] : []));
  const r = await db.query<{ mrn: string }>(
    `SELECT mrn FROM filing WHERE mrn = ANY($1::text[]) AND status = 'registered'`,
    [acked],
  );
  const registered = new Set(r.rows.map((x) => x.mrn));
  let consignments = 0;
  results.forEach((x, i) => {
    if (x.mrn !== undefined && registered.has(x.mrn)) {
      consignments += bodies[i]!.consignments;
    }
  });
  return { mrns: [...registered], consignments, incomplete: acked.length - registered.size };
}

function statusCounts(results: readonly PostResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    out[r.status] = (out[r.status] ?? 0) + 1;
  }
  return out;
}

export async function runDeployment(mode: 'jetstream' | 'embedded', o: E2eRunOptions): Promise<PhaseResult> {
  const { filings: FILINGS, concurrency: CONCURRENCY, seconds: SECONDS } = o;
  let RATE = o.rate;
  const { serves: SERVES, workers: WORKERS, workerConcurrency: WORKER_CONCURRENCY } = o;
  let scratch: ScratchDatabase | undefined;
  let nats: NatsServer | undefined;
  let db: Database | undefined;
  const clients: FilingClient[] = [];
  try {
    scratch = await createScratchDatabase(o.databaseUrl, 'vigil_bench');
    await o.prepare?.(scratch.url);
    // Every process of the deployment shares one keyring file (ADR 0008).
    const keyring = join(tmpdir(), `vigil-bench-keyring-${randomBytes(4).toString('hex')}.json`);
    const env: Record<string, string> = { DATABASE_URL: scratch.url, VIGIL_KEYRING: keyring };
    if (mode === 'jetstream') {
      nats = await startNatsServer();
      env['NATS_URL'] = nats.url;
      env['VIGIL_NATS_STREAM'] = `VIGIL_BENCH_${randomBytes(4).toString('hex').toUpperCase()}`;
      if (WORKER_CONCURRENCY !== undefined) {
        env['VIGIL_WORKER_CONCURRENCY'] = WORKER_CONCURRENCY;
      }
    }
    // The first serve migrates and installs the demo pack; the others start on a ready database.
    const serves: VigilProcess[] = [await spawnVigil('serve', { env })];
    for (let i = 1; i < SERVES; i++) {
      serves.push(await spawnVigil('serve', { env }));
    }
    const workers: VigilProcess[] =
      mode === 'jetstream'
        ? await Promise.all(Array.from({ length: WORKERS }, () => spawnVigil('worker', { env })))
        : [];
    db = await openDatabase({ url: scratch.url, poolSize: 2 });
    const token = await new TokenService(new FileKeyring(keyring)).issue({
      authority: 'NL',
      role: 'filer',
      subject: 'e2e-bench',
      ttlSeconds: 3600,
    });
    for (const s of serves) {
      clients.push(new FilingClient(s.address!, token, Math.ceil(CONCURRENCY / serves.length)));
    }
    // Requests go round-robin over the serve processes, as a load balancer would send them.
    let rr = 0;
    const balanced: FilingPoster = {
      post: (body: string) => clients[rr++ % clients.length]!.post(body),
    };
    const natsPort = nats?.port;
    const backends = new BackendPids(db, scratch.name);
    await backends.start();
    const groups: CpuGroup[] = [
      { name: 'serve', pids: () => serves.map((s) => s.pid) },
      ...(mode === 'jetstream'
        ? [
            { name: 'workers', pids: () => workers.map((w) => w.pid) },
            { name: 'nats', pids: () => pidsWithArgs(['-p', String(natsPort)]) },
          ]
        : []),
      // Backends serving this bench's database, and every other PostgreSQL process (WAL writer,
      // checkpointer, other users of the shared server) apart.
      { name: 'postgres', pids: () => backends.pids() },
      {
        name: 'postgresOther',
        pids: () => {
          const ours = new Set(backends.pids());
          return pidsNamed('postgres').filter((pid) => !ours.has(pid));
        },
      },
    ];
    const perConsignment = (a: DatabaseActivity, consignments: number): Record<string, number> => ({
      commits: Number((a.commits / consignments).toFixed(2)),
      rollbacks: a.rollbacks,
      deadlocks: a.deadlocks,
      rowsReturned: Math.round(a.rowsReturned / consignments),
      rowsFetched: Math.round(a.rowsFetched / consignments),
      rowsWritten: Number(((a.rowsInserted + a.rowsUpdated) / consignments).toFixed(1)),
    });
    const tag = mode === 'jetstream' ? `${SERVES} serve + ${WORKERS} workers` : `embedded, ${SERVES} serve`;

    // Warm-up: JIT, pools, rule context caches; not measured.
    const warm = demoBodies(300, 11, 'W');
    const warmResults = await postAll(balanced, warm, CONCURRENCY);
    const warmed = await registeredOf(db, warm, warmResults);
    await waitAssessed(db, warmed.mrns, warmed.consignments);

    // Phase 1: sustained throughput, closed loop.
    const bodies = demoBodies(FILINGS, 7, 'S');
    const cpu1 = new CpuMeter(groups);
    cpu1.start();
    const activity1 = await databaseActivity(db, scratch.name);
    const tables1 = o.tableReads === true ? await tableReads(db) : undefined;
    const t0 = Date.now();
    const results = await postAll(balanced, bodies, CONCURRENCY);
    const postedAt = Date.now();
    const { mrns, consignments, incomplete } = await registeredOf(db, bodies, results);
    const lastAssessed = await waitAssessed(db, mrns, consignments);
    const cores1 = cpu1.stop();
    const db1 = perConsignment(
      activitySince(activity1, await databaseActivity(db, scratch.name)),
      consignments,
    );
    const e2eSeconds = (lastAssessed - t0) / 1000;
    const sustained = {
      filings: mrns.length,
      // Acknowledged but left incomplete: a part whose counterpart the phase's stream cut off.
      incompleteFilings: incomplete,
      consignments,
      postSeconds: Number(((postedAt - t0) / 1000).toFixed(2)),
      endToEndSeconds: Number(e2eSeconds.toFixed(2)),
      acceptedConsignmentsPerSec: Math.round(consignments / ((postedAt - t0) / 1000)),
      cpuCores: cores1,
      databasePerConsignment: db1,
    };
    log(`[${tag}] sustained: ${JSON.stringify({ statuses: statusCounts(results), ...sustained })}`);
    if (tables1 !== undefined) {
      // The cumulative statistics are flushed by each backend at most once a second.
      await sleep(1500);
      log(
        `[${tag}] rows read per consignment, by table: ${JSON.stringify(tableReadsSince(tables1, await tableReads(db), consignments))}`,
      );
    }
    if (o.latency === false) {
      backends.stop();
      return { sustainedConsignmentsPerSec: Math.round(consignments / e2eSeconds), sustained };
    }
    await sleep(2000);

    // Phase 2: open-loop offered load, latency from the 2xx to the stored assessment.
    if (mode === 'embedded' && o.embeddedCapacityShare !== undefined) {
      const capacity = Math.floor((consignments / e2eSeconds) * o.embeddedCapacityShare);
      if (capacity < RATE) {
        log(
          `[${tag}] offering ${capacity}/s: ${o.embeddedCapacityShare} of the ${Math.round(consignments / e2eSeconds)}/s it sustained`,
        );
        RATE = capacity;
      }
    }
    const pool = demoBodies(Math.ceil((RATE * SECONDS) / 1.5), 13, 'L');
    const perFiling = pool.reduce((n, b) => n + b.consignments, 0) / pool.length;
    const filingsPerSec = RATE / perFiling;
    const count = Math.min(pool.length, Math.round(filingsPerSec * SECONDS));
    const intervalMs = 1000 / filingsPerSec;
    const cpu2 = new CpuMeter(groups);
    cpu2.start();
    const activity2 = await databaseActivity(db, scratch.name);
    const start = performance.now() + 50;
    const sentAt: number[] = new Array<number>(count);
    const inflight: Promise<PostResult>[] = [];
    for (let i = 0; i < count; i++) {
      const due = start + i * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) {
        await sleep(wait);
      }
      sentAt[i] = Date.now();
      inflight.push(balanced.post(pool[i]!.body));
    }
    const loadResults = await Promise.all(inflight);
    const sentSeconds = (performance.now() - start) / 1000;
    const loaded = await registeredOf(db, pool.slice(0, count), loadResults);
    const loadMrns = loaded.mrns;
    const loadConsignments = loaded.consignments;
    await waitAssessed(db, loadMrns, loadConsignments);
    const cores2 = cpu2.stop();
    const db2 = perConsignment(
      activitySince(activity2, await databaseActivity(db, scratch.name)),
      loadConsignments,
    );
    backends.stop();
    const stored = await db.query<{ mrn: string; last: Date }>(
      `SELECT mrn, max(assessed_at) AS last FROM assessment WHERE mrn = ANY($1::text[]) GROUP BY mrn`,
      [loadMrns],
    );
    const lastByMrn = new Map(stored.rows.map((r) => [r.mrn, r.last.getTime()]));
    const latencies = loadResults
      .flatMap((r) => (r.mrn !== undefined && lastByMrn.has(r.mrn) ? [lastByMrn.get(r.mrn)! - r.at] : []))
      .sort((a, b) => a - b);
    // A backlog that grows over the phase (last tenth ≫ first tenth) means the offered load is above
    // what the deployment sustains; a flat one means the latency is the pipeline's own.
    const inOrder = loadResults.flatMap((r) =>
      r.mrn !== undefined && lastByMrn.has(r.mrn) ? [lastByMrn.get(r.mrn)! - r.at] : [],
    );
    const tenth = Math.max(1, Math.floor(inOrder.length / 10));
    const median = (xs: number[]): number =>
      percentile(
        xs.sort((a, b) => a - b),
        50,
      );
    const trend = {
      firstTenthP50: median(inOrder.slice(0, tenth)),
      lastTenthP50: median(inOrder.slice(-tenth)),
    };
    const http = loadResults.map((r, i) => r.at - sentAt[i]!).sort((a, b) => a - b);
    const offered = {
      consignmentsPerSec: RATE,
      filingsPerSec: Number(filingsPerSec.toFixed(1)),
      filings: count,
      acknowledged: loadResults.filter((r) => r.mrn !== undefined).length,
      incompleteFilings: loaded.incomplete,
      achievedConsignmentsPerSec: Math.round(loadConsignments / sentSeconds),
      httpMs: { p50: percentile(http, 50), p95: percentile(http, 95), p99: percentile(http, 99) },
      latencyTrendMs: trend,
      cpuCores: cores2,
      databasePerConsignment: db2,
    };
    const latencyMs = {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
    };
    log(
      `[${tag}] offered load: ${JSON.stringify({ statuses: statusCounts(loadResults), latencyMs, ...offered })}`,
    );
    return {
      sustainedConsignmentsPerSec: Math.round(consignments / e2eSeconds),
      sustained,
      latencyMs,
      offered,
    };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await stopAllVigil();
    await db?.close().catch(() => undefined);
    await nats?.close().catch(() => undefined);
    await scratch
      ?.drop()
      .catch((err: unknown) => log(`could not drop ${scratch?.name ?? ''}: ${String(err)}`));
  }
}
