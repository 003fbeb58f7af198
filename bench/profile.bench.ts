/**
 * Where PostgreSQL's time goes on the end-to-end path (issue 20): starts a private PostgreSQL 15
 * (initdb into a temporary folder, own port) with pg_stat_statements loaded and planning tracked, runs
 * `bench/e2e.bench.ts` against it as a child process (the JetStream deployment only, unless
 * BENCH_EMBEDDED=1), and prints the statements that took the most time: calls, total and mean
 * execution time, rows, share of all execution time and total planning time — as a table on stderr,
 * and one JSON line last on stdout (`{"e2e":{…bench:e2e's line…},"profile":{…}}`).
 *
 * The statistics are reset once the bench's warm-up filings are registered (PROFILE_RESET_AFTER rows
 * in `filing`, default 300 = bench:e2e's warm-up), so start-up, migrations and the demo pack do not
 * count; only the bench's scratch database is reported (pg_stat_statements is per cluster, keyed by
 * database).
 *
 *   npm run bench:profile
 *   BENCH_FILINGS=3000 BENCH_SECONDS=10 PROFILE_TOP=20 npm run bench:profile
 *   PROFILE_PG_SETTINGS="autovacuum=off,shared_buffers=128MB" npm run bench:profile
 *
 * Options (env): every bench:e2e option (BENCH_FILINGS, BENCH_SECONDS, BENCH_RATE, BENCH_WORKERS …;
 * VIGIL_BENCH_DATABASE_URL is set here), PROFILE_TOP (15), PROFILE_RESET_AFTER (300; 0: no reset),
 * PROFILE_PG_SETTINGS (extra server settings, comma-separated name=value; the machine's shared server
 * runs with autovacuum=off, which `autovacuum=off` reproduces).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { privatePostgresSkipReason, startPrivatePostgres } from '../test/support/private-postgres.ts';
import type { PrivatePostgres } from '../test/support/private-postgres.ts';

const TOP = Number(process.env['PROFILE_TOP'] ?? 15);
const RESET_AFTER = Number(process.env['PROFILE_RESET_AFTER'] ?? 300);
const EXTRA_SETTINGS = Object.fromEntries(
  (process.env['PROFILE_PG_SETTINGS'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.includes('='))
    .map((s) => [s.slice(0, s.indexOf('=')).trim(), s.slice(s.indexOf('=') + 1).trim()]),
);
const E2E = join(import.meta.dirname, 'e2e.bench.ts');
/** Marks this script's own queries so that they are left out of the report. */
const MARK = '/* vigil-profile */';

const log = (msg: string): void => {
  process.stderr.write(`[profile] ${msg}\n`);
};

// Ctrl-C: exit normally so the private server is killed and its folder removed (exit hooks).
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

interface StatementRow {
  query: string;
  calls: number;
  total_ms: number;
  mean_ms: number;
  rows: number;
  plan_ms: number;
  plans: number;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs bench:e2e against `url`; resolves with its last stdout line. */
function runE2e(url: string): { done: Promise<string>; exited: () => boolean } {
  const child = spawn(process.execPath, [E2E], {
    env: {
      ...process.env,
      VIGIL_BENCH_DATABASE_URL: url,
      BENCH_EMBEDDED: process.env['BENCH_EMBEDDED'] ?? '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Our exit (Ctrl-C, a failure) ends the bench too; it stops its own processes.
  const onExit = (): void => void child.kill('SIGTERM');
  process.once('exit', onExit);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  let over = false;
  const done = new Promise<string>((resolve, reject) => {
    child.once('exit', (code, signal) => {
      over = true;
      process.removeListener('exit', onExit);
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0) {
        resolve(last);
      } else {
        reject(new Error(`bench:e2e ended with ${signal ?? `exit code ${String(code)}`}`));
      }
    });
  });
  return { done, exited: () => over };
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

function printTable(rows: readonly StatementRow[], totalMs: number): void {
  const header = ['calls', 'total ms', 'mean ms', 'rows', 'share', 'plan ms', 'statement'];
  const widths = [9, 11, 9, 10, 7, 9];
  const lines = [header.map((h, i) => (i < widths.length ? pad(h, widths[i]!, true) : h)).join(' ')];
  for (const r of rows) {
    const cells = [
      String(r.calls),
      r.total_ms.toFixed(0),
      r.mean_ms.toFixed(3),
      String(r.rows),
      `${((100 * r.total_ms) / Math.max(totalMs, 1e-9)).toFixed(1)}%`,
      r.plan_ms.toFixed(0),
    ];
    const query = r.query.replace(/\s+/g, ' ').trim().slice(0, 110);
    lines.push([...cells.map((c, i) => pad(c, widths[i]!, true)), query].join(' '));
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}

const skip = privatePostgresSkipReason();
if (skip !== false) {
  throw new Error(`bench:profile ${skip}`);
}

let server: PrivatePostgres | undefined;
try {
  server = await startPrivatePostgres({
    settings: {
      shared_preload_libraries: 'pg_stat_statements',
      'pg_stat_statements.track_planning': 'on',
      'pg_stat_statements.max': 10000,
      ...EXTRA_SETTINGS,
    },
  });
  const admin = server.url;
  await withClient(admin, (c) => c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements'));
  log(
    `private PostgreSQL at ${admin} (pid ${String(server.pid)}), extra settings ${JSON.stringify(EXTRA_SETTINGS)}`,
  );

  const bench = runE2e(admin);
  // Watch for the bench's scratch database(s): remember their oids (the report is filtered on them)
  // and reset the statistics once the warm-up filings are in.
  const dbids = new Map<number, string>();
  let resetAt: string | undefined = RESET_AFTER <= 0 ? 'never' : undefined;
  const watch = (async () => {
    while (!bench.exited()) {
      try {
        const dbs = await withClient(admin, (c) =>
          c.query<{ oid: number; datname: string }>(
            `${MARK} SELECT oid::int AS oid, datname FROM pg_database WHERE datname LIKE 'vigil_bench_%'`,
          ),
        );
        for (const d of dbs.rows) {
          dbids.set(d.oid, d.datname);
        }
        const first = dbs.rows[0];
        if (resetAt === undefined && first !== undefined) {
          const inserted = await withClient(server.urlFor(first.datname), (c) =>
            c.query<{ n: number }>(
              `${MARK} SELECT coalesce(sum(n_tup_ins), 0)::int AS n FROM pg_stat_user_tables WHERE relname = 'filing'`,
            ),
          );
          if ((inserted.rows[0]?.n ?? 0) >= RESET_AFTER) {
            await withClient(admin, (c) => c.query(`${MARK} SELECT pg_stat_statements_reset()`));
            resetAt = new Date().toISOString();
            log(`statistics reset after ${inserted.rows[0]!.n} filings (warm-up)`);
          }
        }
      } catch {
        // The database appeared or went meanwhile; look again.
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  // A failed bench still leaves statistics worth printing; the exit code says it failed.
  const e2eLine = await bench.done.catch((err: unknown) => {
    process.exitCode = 1;
    return JSON.stringify({ failed: String(err) });
  });
  await watch;

  const ids = [...dbids.keys()];
  const stats = await withClient(admin, (c) =>
    c.query<StatementRow>(
      `${MARK}
       SELECT query, calls::float8 AS calls, total_exec_time AS total_ms, mean_exec_time AS mean_ms,
              rows::float8 AS rows, total_plan_time AS plan_ms, plans::float8 AS plans
         FROM pg_stat_statements
        WHERE dbid = ANY($1::oid[]) AND query NOT LIKE $2
        ORDER BY total_exec_time DESC`,
      [ids, `%${MARK}%`],
    ),
  );
  const all = stats.rows;
  const totalMs = all.reduce((s, r) => s + r.total_ms, 0);
  const totalPlanMs = all.reduce((s, r) => s + r.plan_ms, 0);
  const totalCalls = all.reduce((s, r) => s + r.calls, 0);
  const top = all.slice(0, TOP);
  log(
    `${all.length} statements in ${[...dbids.values()].join(', ') || '(no bench database seen)'}; ` +
      `execution ${totalMs.toFixed(0)} ms over ${totalCalls} calls, planning ${totalPlanMs.toFixed(0)} ms; ` +
      `statistics since ${resetAt ?? 'the start (no reset)'}`,
  );
  printTable(top, totalMs);

  let e2e: unknown;
  try {
    e2e = JSON.parse(e2eLine);
  } catch {
    e2e = { unparsed: e2eLine };
  }
  const round = (n: number, d = 1): number => Number(n.toFixed(d));
  const summary = {
    e2e,
    profile: {
      statements: all.length,
      calls: totalCalls,
      totalExecMs: round(totalMs, 0),
      totalPlanMs: round(totalPlanMs, 0),
      resetAfterWarmUp: resetAt !== undefined && resetAt !== 'never',
      settings: EXTRA_SETTINGS,
      top: top.map((r) => ({
        query: r.query.replace(/\s+/g, ' ').trim().slice(0, 300),
        calls: r.calls,
        totalMs: round(r.total_ms),
        meanMs: round(r.mean_ms, 3),
        rows: r.rows,
        share: round(r.total_ms / Math.max(totalMs, 1e-9), 3),
        planMs: round(r.plan_ms),
      })),
    },
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  await server?.close().catch((err: unknown) => log(`could not stop PostgreSQL: ${String(err)}`));
}
