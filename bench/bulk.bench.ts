/**
 * A filer's system sending many filings (issue 14): the same demo filings lodged one request each
 * (one connection in turn, as a simple integration does, and 32 at once) and as one bulk NDJSON
 * request, with a token and with an API key (the key is looked up in the database on every request).
 * Through HTTP on a listening server, PGlite and, when VIGIL_BENCH_DATABASE_URL is set, PostgreSQL.
 * Each way runs BENCH_ROUNDS times on fresh LRNs; the median is printed. One JSON line last.
 *
 *   npm run bench:bulk
 *   VIGIL_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:bulk
 *
 * Options (env): BENCH_FILINGS (default 1000 per round), BENCH_ROUNDS (default 3), BENCH_SKIP_PGLITE=1,
 * VIGIL_BULK_WINDOW (the server's, default 32).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { loadConfig } from '../src/config/index.ts';
import { composeApp } from '../src/app/compose.ts';
import { buildServer } from '../src/api/server.ts';
import type { Database } from '../src/store/database.ts';
import { generateDemoFilings } from '../src/demo/index.ts';
import { forEachBenchEngine } from './bench-engines.ts';

const FILINGS = Number(process.env['BENCH_FILINGS'] ?? 1000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const NOW = new Date();
const EORI = 'NL123456789';

let seed = 1;
/** Demo filings with fresh LRNs, all declared by the EORI the key is bound to. */
function bodies(count: number): string[] {
  const run = (seed++).toString(36).toUpperCase();
  return [...generateDemoFilings({ count, seed, now: NOW, invalidShare: 0 })].map((d, i) => {
    const f = d.filing as { lrn: string; declarant: { eori: string } };
    f.lrn = `BK${run}-${i}`;
    f.declarant = { ...f.declarant, eori: EORI };
    return JSON.stringify(f);
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Way {
  filingsPerSec: number;
  /** Bulk only: milliseconds to the first result line. */
  firstLineMs?: number;
}

async function runEngine(
  name: string,
  open: () => Promise<Database>,
  cleanup: (db: Database) => Promise<void>,
): Promise<Record<string, Way>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const config = loadConfig({
    VIGIL_DATA_DIR: dataDir,
    VIGIL_LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    VIGIL_RATE_LIMIT_MAX: '1000000',
    // To compare a window (default 32) with another, e.g. VIGIL_BULK_WINDOW=1: one line at a time.
    ...(process.env['VIGIL_BULK_WINDOW'] !== undefined
      ? { VIGIL_BULK_WINDOW: process.env['VIGIL_BULK_WINDOW'] }
      : {}),
  });
  const db = await open();
  const deps = await composeApp(config, { db });
  const server = await buildServer(config, deps);
  const address = await server.start();
  const token = await deps.tokens.issue({
    authority: 'NL',
    role: 'filer',
    subject: 'bench',
    ttlSeconds: 3600,
    eoris: [EORI],
  });
  const admin = await deps.tokens.issue({
    authority: 'NL',
    role: 'admin',
    subject: 'bench-admin',
    ttlSeconds: 3600,
  });
  const created = await request(`${address}/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'bench',
      filer: 'bench',
      eoris: [EORI],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    }),
  });
  if (created.statusCode !== 201) {
    throw new Error(`creating the key: ${created.statusCode} ${await created.body.text()}`);
  }
  const key = ((await created.body.json()) as { secret: string }).secret;
  const agent = new Agent({ connections: 32, pipelining: 1 });

  const single = async (list: string[], bearer: string, concurrency: number): Promise<number> => {
    let next = 0;
    let ok = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < list.length) {
          const r = await request(`${address}/v1/filings`, {
            method: 'POST',
            dispatcher: agent,
            headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
            body: list[next++]!,
          });
          await r.body.dump();
          ok += r.statusCode === 201 ? 1 : 0;
        }
      }),
    );
    if (ok !== list.length) {
      throw new Error(`${list.length - ok} single filings were not registered`);
    }
    return list.length / ((performance.now() - t0) / 1000);
  };
  const bulk = async (list: string[], bearer: string): Promise<Way> => {
    const t0 = performance.now();
    const r = await request(`${address}/v1/filings/bulk`, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/x-ndjson' },
      body: list.join('\n') + '\n',
    });
    let firstLineMs: number | undefined;
    let text = '';
    for await (const chunk of r.body) {
      firstLineMs ??= performance.now() - t0;
      text += (chunk as Buffer).toString('utf8');
    }
    const seconds = (performance.now() - t0) / 1000;
    const summary = JSON.parse(text.trimEnd().split('\n').at(-1)!) as { summary: { registered: number } };
    if (summary.summary.registered !== list.length) {
      throw new Error(`bulk registered ${summary.summary.registered} of ${list.length}`);
    }
    return { filingsPerSec: list.length / seconds, firstLineMs: firstLineMs! };
  };

  // Warm up the JIT, the pool and the key's last-use write on filings that are not measured.
  await single(bodies(200), token, 32);
  await bulk(bodies(200), key);

  const ways: Record<string, () => Promise<Way>> = {
    'single, 1 connection, token': async () => ({ filingsPerSec: await single(bodies(FILINGS), token, 1) }),
    'single, 32 connections, token': async () => ({
      filingsPerSec: await single(bodies(FILINGS), token, 32),
    }),
    'single, 32 connections, API key': async () => ({
      filingsPerSec: await single(bodies(FILINGS), key, 32),
    }),
    'bulk, 1 request, API key': () => bulk(bodies(FILINGS), key),
  };
  const samples = new Map<string, Way[]>();
  // Rounds interleave the ways, so that a noisy minute touches each of them.
  for (let round = 0; round < ROUNDS; round++) {
    for (const [way, run] of Object.entries(ways)) {
      samples.set(way, [...(samples.get(way) ?? []), await run()]);
    }
  }
  await agent.close();
  await server.stop();
  await cleanup(db);
  rmSync(dataDir, { recursive: true, force: true });

  const out: Record<string, Way> = {};
  for (const [way, list] of samples) {
    const firsts = list.flatMap((w) => (w.firstLineMs !== undefined ? [w.firstLineMs] : []));
    out[way] = {
      filingsPerSec: Math.round(median(list.map((w) => w.filingsPerSec))),
      ...(firsts.length > 0 ? { firstLineMs: Math.round(median(firsts)) } : {}),
    };
    process.stderr.write(`${name}  ${way.padEnd(34)} ${JSON.stringify(out[way])}\n`);
  }
  return out;
}

const out: Record<string, unknown> = {
  filings: FILINGS,
  rounds: ROUNDS,
  bulkWindow: Number(process.env['VIGIL_BULK_WINDOW'] ?? 32),
};
Object.assign(out, await forEachBenchEngine(runEngine));
process.stdout.write(`${JSON.stringify(out)}\n`);
