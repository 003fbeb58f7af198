/**
 * Harness for the fault test and the end-to-end bench: a whole Vigil deployment made of real
 * processes — a scratch PostgreSQL database, `vigil serve` and `vigil worker` child processes (the
 * same entry point as `npm start`), an HTTP driver for demo filings, and per-process CPU accounting
 * read from /proc. Everything it starts is tracked so that `stopAll()` (and, as a last resort, the
 * test process's exit) ends it; it never touches processes it did not start.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { Agent, request } from 'undici';
import { generateDemoFilings } from '../../src/demo/index.ts';
import type { Queryable } from '../../src/store/database.ts';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'main.ts');

// ---------------------------------------------------------------------------------------------
// Scratch database

export interface ScratchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh database `<prefix>_<random>` on the server of `baseUrl`, created through its `postgres` db. */
export async function createScratchDatabase(baseUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new URL(baseUrl);
  admin.pathname = '/postgres';
  const run = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) {
        return;
      }
      dropped = true;
      // FORCE (PostgreSQL 13+): a child killed mid-query may leave a backend behind for a moment.
      await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Vigil processes

export interface VigilProcess {
  readonly kind: 'serve' | 'worker';
  readonly pid: number;
  /** `http://127.0.0.1:PORT` for serve. */
  readonly address: string | undefined;
  /** The last lines the process wrote to stderr. */
  output(): string;
  /** Lines matching `pattern` seen on stderr so far (the whole run, not only the tail). */
  count(pattern: RegExp): number;
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM (graceful: drain), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  readonly exited: boolean;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) {
    child.kill('SIGKILL');
  }
});

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export interface SpawnVigilOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
  /** Counted on every stderr line (e.g. /parked after repeated failures/). */
  readonly watch?: readonly RegExp[];
}

/** Starts `node src/main.ts serve|worker` and resolves once it serves (or consumes). */
export async function spawnVigil(
  kind: 'serve' | 'worker',
  options: SpawnVigilOptions,
): Promise<VigilProcess> {
  const child = spawn(process.execPath, [MAIN, kind], {
    env: {
      // Not the parent's environment: the test runner's NODE_TEST_CONTEXT or a developer's DATABASE_URL
      // must not leak into the deployment under test.
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      HOST: '127.0.0.1',
      PORT: '0',
      VIGIL_LOG_LEVEL: 'warn',
      // For profiling a bench's processes: VIGIL_CHILD_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/p".
      ...(process.env['VIGIL_CHILD_NODE_OPTIONS'] !== undefined
        ? { NODE_OPTIONS: process.env['VIGIL_CHILD_NODE_OPTIONS'] }
        : {}),
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let tail = '';
  let partial = '';
  const counts = new Map<RegExp, number>();
  child.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-8000);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      for (const re of options.watch ?? []) {
        if (re.test(line)) {
          counts.set(re, (counts.get(re) ?? 0) + 1);
        }
      }
    }
  });
  const ready = kind === 'serve' ? /Vigil is serving on (http:\/\/[^\s]+)/ : /vigil worker: consuming/;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let address: string | undefined;
  for (;;) {
    const m = ready.exec(tail);
    if (m !== null) {
      address = m[1]?.replace('localhost', '127.0.0.1');
      break;
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`vigil ${kind} exited while starting:\n${tail}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`vigil ${kind} did not start in time:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    kind,
    pid: child.pid!,
    address,
    output: () => tail,
    count: (re) => counts.get(re) ?? 0,
    get exited() {
      return child.exitCode !== null || child.signalCode !== null;
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
      }
      await waitExit(child);
    },
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await waitExit(child);
      clearTimeout(timer);
    },
  };
}

/** Stops every Vigil process this harness started that still runs (gracefully, then SIGKILL). */
export async function stopAllVigil(graceMs = 10_000): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await waitExit(child);
      clearTimeout(timer);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Demo filings over HTTP

export interface DemoBody {
  readonly body: string;
  readonly consignments: number;
}

/** Valid demo filings as JSON bodies; `prefix` keeps LRNs unique across runs on one database. */
export function demoBodies(count: number, seed: number, prefix: string, now = new Date()): DemoBody[] {
  const out: DemoBody[] = [];
  for (const d of generateDemoFilings({ count, seed, now, invalidShare: 0 })) {
    const f = d.filing as { lrn: string; consignments: unknown[] };
    f.lrn = `${prefix}${f.lrn}`.slice(0, 35);
    out.push({ body: JSON.stringify(f), consignments: f.consignments.length });
  }
  return out;
}

export interface PostResult {
  readonly status: number;
  /** Set on a 2xx. */
  readonly mrn: string | undefined;
  /** Date.now() when the response was complete. */
  readonly at: number;
  readonly error?: string;
}

/** Anything that posts a filing body: one client, or several behind a round-robin. */
export interface FilingPoster {
  post(body: string): Promise<PostResult>;
}

export class FilingClient implements FilingPoster {
  readonly #agent: Agent;
  readonly #url: string;
  readonly #token: string;

  constructor(address: string, token: string, connections: number) {
    this.#agent = new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000 });
    this.#url = `${address}/v1/filings`;
    this.#token = token;
  }

  async post(body: string): Promise<PostResult> {
    try {
      const r = await request(this.#url, {
        method: 'POST',
        dispatcher: this.#agent,
        headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
        body,
      });
      const text = await r.body.text();
      const at = Date.now();
      if (r.statusCode >= 200 && r.statusCode < 300) {
        return { status: r.statusCode, mrn: (JSON.parse(text) as { mrn: string }).mrn, at };
      }
      return { status: r.statusCode, mrn: undefined, at, error: text.slice(0, 300) };
    } catch (err) {
      return { status: 0, mrn: undefined, at: Date.now(), error: String(err) };
    }
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

/** Posts `bodies` with `concurrency` requests in flight; `onProgress` sees the count done. */
export async function postAll(
  client: FilingPoster,
  bodies: readonly DemoBody[],
  concurrency: number,
  onProgress?: (done: number) => Promise<void> | void,
): Promise<PostResult[]> {
  const results: PostResult[] = new Array<PostResult>(bodies.length);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const i = next++;
        results[i] = await client.post(bodies[i]!.body);
        done++;
        await onProgress?.(done);
      }
    }),
  );
  return results;
}

// ---------------------------------------------------------------------------------------------
// CPU accounting from /proc (Linux)

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Where a fault test's deployment stands: acknowledged filings registered, their consignments and
 * assessments, and outbox events still pending. */
export interface Settled {
  registered: number;
  consignments: number;
  assessed: number;
  pendingOutbox: number;
}

export async function settledState(db: Queryable, mrns: readonly string[]): Promise<Settled> {
  const r = await db.query<Settled>(
    `WITH acked AS (SELECT DISTINCT unnest($1::text[]) AS mrn)
     SELECT
       (SELECT count(*)::int FROM filing f JOIN acked USING (mrn) WHERE f.status = 'registered') AS registered,
       (SELECT count(*)::int FROM consignment c JOIN acked USING (mrn) JOIN filing f USING (mrn)
         WHERE f.status = 'registered') AS consignments,
       (SELECT count(*)::int FROM assessment a JOIN acked USING (mrn)) AS assessed,
       (SELECT count(*)::int FROM outbox WHERE processed_at IS NULL AND parked_at IS NULL) AS "pendingOutbox"`,
    [mrns],
  );
  return r.rows[0]!;
}

/** A fault test's final checks over the acknowledged MRNs, in SQL (its database is its own). */
export interface DeliveryCheck {
  acked: number;
  known: number;
  incomplete: number;
  filings_all: number;
  lrns_all: number;
  consignments: number;
  current_exactly_one: number;
  current_missing: number;
  current_duplicated: number;
  assessments: number;
  assessments_all: number;
  outbox_rows: number;
  outbox_unprocessed: number;
  outbox_parked: number;
}

export async function deliveryCheck(db: Queryable, mrns: readonly string[]): Promise<DeliveryCheck> {
  const r = await db.query<DeliveryCheck>(
    `WITH acked AS (SELECT DISTINCT unnest($1::text[]) AS mrn),
          cons AS (SELECT c.mrn, c.seq, f.version FROM consignment c JOIN acked USING (mrn)
                     JOIN filing f USING (mrn) WHERE f.status = 'registered'),
          per AS (SELECT cons.mrn, cons.seq,
                         (SELECT count(*) FROM assessment a
                           WHERE a.mrn = cons.mrn AND a.seq = cons.seq AND a.version = cons.version) AS n
                    FROM cons)
     SELECT
       (SELECT count(*)::int FROM acked) AS acked,
       (SELECT count(*)::int FROM filing f JOIN acked USING (mrn)) AS known,
       (SELECT count(*)::int FROM filing f JOIN acked USING (mrn) WHERE f.status <> 'registered') AS incomplete,
       (SELECT count(*)::int FROM filing) AS filings_all,
       (SELECT count(DISTINCT (authority, filer, lrn))::int FROM filing) AS lrns_all,
       (SELECT count(*)::int FROM cons) AS consignments,
       (SELECT count(*)::int FROM per WHERE n = 1) AS current_exactly_one,
       (SELECT count(*)::int FROM per WHERE n = 0) AS current_missing,
       (SELECT count(*)::int FROM per WHERE n > 1) AS current_duplicated,
       (SELECT count(*)::int FROM assessment a JOIN acked USING (mrn)) AS assessments,
       (SELECT count(*)::int FROM assessment) AS assessments_all,
       (SELECT count(*)::int FROM outbox) AS outbox_rows,
       (SELECT count(*)::int FROM outbox WHERE processed_at IS NULL) AS outbox_unprocessed,
       (SELECT count(*)::int FROM outbox WHERE parked_at IS NOT NULL) AS outbox_parked`,
    [mrns],
  );
  return r.rows[0]!;
}

/** CPU seconds (user + system) a process used so far, or undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at state (field 3).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Pids of processes whose command name (comm) is `name`, e.g. every PostgreSQL backend. */
export function pidsNamed(name: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) {
        out.push(Number(entry));
      }
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Pids of processes whose command line contains every one of `parts` (e.g. our nats-server's port). */
export function pidsWithArgs(parts: readonly string[]): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (parts.every((p) => args.includes(p))) {
        out.push(Number(entry));
      }
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const busy = v[0]! + v[1]! + v[2]! + v[5]! + v[6]! + v[7]!;
  return busy / TICKS_PER_SECOND;
}

/** A group of processes whose CPU is added up (e.g. all workers, all PostgreSQL backends). */
export interface CpuGroup {
  readonly name: string;
  pids(): readonly number[];
}

/**
 * Samples the CPU of each group between `start()` and `stop()`: a process that appears meanwhile
 * counts from zero, one that disappears keeps its last sample. Reports cores used (1.0 = one core).
 */
export class CpuMeter {
  readonly #groups: readonly CpuGroup[];
  #timer: NodeJS.Timeout | undefined;
  #t0 = 0;
  #machine0 = 0;
  #client0: NodeJS.CpuUsage | undefined;
  readonly #first = new Map<number, number>();
  readonly #last = new Map<number, number>();
  readonly #groupOf = new Map<number, string>();

  constructor(groups: readonly CpuGroup[]) {
    this.#groups = groups;
  }

  #sample(initial: boolean): void {
    for (const g of this.#groups) {
      for (const pid of g.pids()) {
        const s = cpuSeconds(pid);
        if (s === undefined) {
          continue;
        }
        if (!this.#first.has(pid)) {
          this.#first.set(pid, initial ? s : 0);
          this.#groupOf.set(pid, g.name);
        }
        this.#last.set(pid, s);
      }
    }
  }

  start(intervalMs = 500): void {
    this.#t0 = performance.now();
    this.#machine0 = machineBusySeconds();
    this.#client0 = process.cpuUsage();
    this.#sample(true);
    this.#timer = setInterval(() => this.#sample(false), intervalMs);
    this.#timer.unref();
  }

  /** Cores used per group over the interval, plus `client` (this process) and `machine` (all). */
  stop(): Record<string, number> {
    clearInterval(this.#timer);
    this.#sample(false);
    const seconds = (performance.now() - this.#t0) / 1000;
    const used = new Map<string, number>();
    for (const [pid, first] of this.#first) {
      const g = this.#groupOf.get(pid)!;
      used.set(g, (used.get(g) ?? 0) + (this.#last.get(pid)! - first));
    }
    const out: Record<string, number> = {};
    for (const g of this.#groups) {
      out[g.name] = Number(((used.get(g.name) ?? 0) / seconds).toFixed(2));
    }
    const client = process.cpuUsage(this.#client0);
    out['client'] = Number(((client.user + client.system) / 1e6 / seconds).toFixed(2));
    out['machine'] = Number(((machineBusySeconds() - this.#machine0) / seconds).toFixed(2));
    return out;
  }
}

// ---------------------------------------------------------------------------------------------

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: which backends serve one database, and what that database did

/** Keeps the pids of the PostgreSQL backends connected to `database` (polled from pg_stat_activity). */
export class BackendPids {
  readonly #db: Queryable;
  readonly #database: string;
  #pids: number[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(db: Queryable, database: string) {
    this.#db = db;
    this.#database = database;
  }

  async refresh(): Promise<void> {
    const r = await this.#db.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [this.#database],
    );
    this.#pids = r.rows.map((row) => row.pid);
  }

  async start(intervalMs = 500): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh().catch(() => undefined), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  pids(): readonly number[] {
    return this.#pids;
  }
}

export interface DatabaseActivity {
  commits: number;
  rollbacks: number;
  deadlocks: number;
  rowsReturned: number;
  rowsFetched: number;
  rowsInserted: number;
  rowsUpdated: number;
  blocksRead: number;
  blocksHit: number;
}

/** Cumulative counters of pg_stat_database for one database (subtract two samples for a phase). */
export async function databaseActivity(db: Queryable, database: string): Promise<DatabaseActivity> {
  const r = await db.query<DatabaseActivity>(
    `SELECT xact_commit::float8 AS commits, xact_rollback::float8 AS rollbacks, deadlocks::float8 AS deadlocks,
            tup_returned::float8 AS "rowsReturned", tup_fetched::float8 AS "rowsFetched",
            tup_inserted::float8 AS "rowsInserted", tup_updated::float8 AS "rowsUpdated",
            blks_read::float8 AS "blocksRead", blks_hit::float8 AS "blocksHit"
       FROM pg_stat_database WHERE datname = $1`,
    [database],
  );
  return r.rows[0]!;
}

export function activitySince(before: DatabaseActivity, after: DatabaseActivity): DatabaseActivity {
  const out = { ...after };
  for (const k of Object.keys(out) as (keyof DatabaseActivity)[]) {
    out[k] = after[k] - before[k];
  }
  return out;
}
