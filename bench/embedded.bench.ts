/**
 * The embedded default's capacity (issue 20): `vigil serve` with neither DATABASE_URL nor NATS_URL —
 * PGlite in a data folder and the in-process bus, as `npm start` runs it — measured from outside
 * through its API and `/metrics` (the database is the serve process's own; nothing else may open it).
 *
 *   Phase 1, capacity: BENCH_FILINGS demo filings posted closed loop (BENCH_CONCURRENCY in flight);
 *   consignments assessed (`vigil_outcomes_total`) per second from the first post until the outbox
 *   is empty (`vigil_outbox_pending`) and no outcome has been added for a second.
 *   Phase 2, steady load: BENCH_SHARE (0.8) of that capacity offered open loop for BENCH_SECONDS,
 *   the outbox backlog sampled every 250 ms: a backlog that stays flat from the first tenth of the
 *   phase to the last is a load the deployment holds.
 *
 * Prints one JSON line last. Options (env): BENCH_FILINGS (4000), BENCH_CONCURRENCY (32),
 * BENCH_SHARE (0.8), BENCH_SECONDS (20).
 *
 *   npm run bench:embedded
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { FileKeyring, TokenService } from '../src/auth/index.ts';
import {
  demoBodies,
  FilingClient,
  postAll,
  sleep,
  spawnVigil,
  stopAllVigil,
} from '../test/fault/vigil-cluster.ts';
import type { PostResult } from '../test/fault/vigil-cluster.ts';

const FILINGS = Number(process.env['BENCH_FILINGS'] ?? 4000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const SHARE = Number(process.env['BENCH_SHARE'] ?? 0.8);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const SETTLE_TIMEOUT_MS = 5 * 60_000;

const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

interface Gauges {
  readonly outcomes: number;
  readonly pending: number;
}

/** The sum of a metric's samples in a Prometheus text page (all label sets). */
function metricSum(page: string, name: string): number {
  let sum = 0;
  for (const line of page.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

const dataDir = mkdtempSync(join(tmpdir(), 'vigil-embedded-bench-'));
const metricsToken = randomBytes(24).toString('hex');
try {
  const keyring = join(dataDir, 'keyring.json');
  const serve = await spawnVigil('serve', {
    env: { VIGIL_DATA_DIR: dataDir, VIGIL_KEYRING: keyring, VIGIL_METRICS_TOKEN: metricsToken },
  });
  const gauges = async (): Promise<Gauges> => {
    const r = await request(`${serve.address!}/metrics`, {
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    const page = await r.body.text();
    return {
      outcomes: metricSum(page, 'vigil_outcomes_total'),
      pending: metricSum(page, 'vigil_outbox_pending'),
    };
  };
  /** Waits until the outbox is empty and no outcome came for a second; returns when the last came. */
  const settle = async (): Promise<{ at: number; outcomes: number }> => {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    let last = await gauges();
    let lastChange = Date.now();
    for (;;) {
      await sleep(100);
      const g = await gauges();
      if (g.outcomes !== last.outcomes) {
        lastChange = Date.now();
      }
      last = g;
      if (g.pending === 0 && Date.now() - lastChange > 1000) {
        return { at: lastChange, outcomes: g.outcomes };
      }
      if (Date.now() > deadline) {
        throw new Error(`the outbox still holds ${g.pending} events after ${SETTLE_TIMEOUT_MS} ms`);
      }
    }
  };
  const token = await new TokenService(new FileKeyring(keyring)).issue({
    authority: 'NL',
    role: 'filer',
    subject: 'embedded-bench',
    ttlSeconds: 3600,
  });
  const client = new FilingClient(serve.address!, token, CONCURRENCY);
  log(`bench:embedded — PGlite and the in-process bus in ${dataDir}`);

  // Warm-up: JIT, caches; not measured.
  await postAll(client, demoBodies(300, 11, 'W'), CONCURRENCY);
  await settle();

  // Phase 1: capacity.
  const before = await gauges();
  const t0 = Date.now();
  const results = await postAll(client, demoBodies(FILINGS, 7, 'S'), CONCURRENCY);
  const postSeconds = (Date.now() - t0) / 1000;
  const done = await settle();
  const assessed = done.outcomes - before.outcomes;
  const capacity = Math.round(assessed / ((done.at - t0) / 1000));
  const statuses: Record<string, number> = {};
  for (const r of results) {
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  }
  log(
    `capacity: ${JSON.stringify({ statuses, consignmentsAssessed: assessed, postSeconds, endToEndSeconds: (done.at - t0) / 1000, capacity })}`,
  );

  // Phase 2: a steady offered load below the capacity, the backlog sampled as it runs.
  const rate = Math.floor(capacity * SHARE);
  const pool = demoBodies(Math.ceil((rate * SECONDS) / 1.5), 13, 'L');
  const perFiling = pool.reduce((n, b) => n + b.consignments, 0) / pool.length;
  const filingsPerSec = rate / perFiling;
  const count = Math.min(pool.length, Math.round(filingsPerSec * SECONDS));
  const samples: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push((await gauges()).pending);
      await sleep(250);
    }
  })();
  const start = performance.now() + 50;
  const before2 = await gauges();
  const inflight: Promise<PostResult>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / filingsPerSec - performance.now();
    if (wait > 1) {
      await sleep(wait);
    }
    inflight.push(client.post(pool[i]!.body));
  }
  const loadResults = await Promise.all(inflight);
  const sentSeconds = (performance.now() - start) / 1000;
  const lastAnswerAt = Date.now();
  sampling = false;
  await sampler;
  const after2 = await settle();
  const tenth = Math.max(1, Math.floor(samples.length / 10));
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const offered = {
    consignmentsPerSec: rate,
    filings: count,
    acknowledged: loadResults.filter((r) => r.mrn !== undefined).length,
    achievedConsignmentsPerSec: Math.round((after2.outcomes - before2.outcomes) / sentSeconds),
    backlogEvents: {
      firstTenthMean: Number(mean(samples.slice(0, tenth)).toFixed(1)),
      lastTenthMean: Number(mean(samples.slice(-tenth)).toFixed(1)),
      max: Math.max(...samples),
    },
    // When the last outcome came, counted from the last answer to a post (negative: before it).
    lastOutcomeAfterLastAnswerSeconds: Number(((after2.at - lastAnswerAt) / 1000).toFixed(2)),
  };
  log(`steady load: ${JSON.stringify(offered)}`);
  await client.close();
  process.stdout.write(
    `${JSON.stringify({ embedded: 'pglite', capacityConsignmentsPerSec: capacity, offered })}\n`,
  );
} finally {
  await stopAllVigil();
  rmSync(dataDir, { recursive: true, force: true });
}
