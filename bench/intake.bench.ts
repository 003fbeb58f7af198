/**
 * Intake throughput: demo filings registered through the HTTP API (validate, register, outbox), on
 * PGlite and, when VIGIL_BENCH_DATABASE_URL is set, on PostgreSQL. To show where the time goes it
 * also times validation alone and the service without HTTP. Prints one JSON line last.
 *
 *   npm run bench:intake                     # PGlite only
 *   VIGIL_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:intake
 *
 * Options (env): BENCH_FILINGS (default 4000), BENCH_CONCURRENCY (default 32), BENCH_SKIP_PGLITE=1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { loadConfig } from '../src/config/index.ts';
import { composeApp } from '../src/app/compose.ts';
import { buildServer } from '../src/api/server.ts';
import type { Database } from '../src/store/database.ts';
import { validateFiling } from '../src/intake/index.ts';
import { generateDemoFilings } from '../src/demo/index.ts';
import { forEachBenchEngine } from './bench-engines.ts';

const FILINGS = Number(process.env['BENCH_FILINGS'] ?? 4000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const NOW = new Date();

interface EngineResult {
  filingsPerSec: number;
  consignmentsPerSec: number;
  filings: number;
  consignments: number;
  seconds: number;
  serviceOnlyFilingsPerSec: number;
  statuses: Record<string, number>;
}

function demoBodies(count: number, seed: number, prefix: string): { body: string; consignments: number }[] {
  const out: { body: string; consignments: number }[] = [];
  for (const d of generateDemoFilings({ count, seed, now: NOW, invalidShare: 0 })) {
    const f = d.filing as { lrn: string; consignments: unknown[] };
    f.lrn = `${prefix}${f.lrn}`.slice(0, 35);
    out.push({ body: JSON.stringify(f), consignments: f.consignments.length });
  }
  return out;
}

async function runEngine(
  name: string,
  open: () => Promise<Database>,
  cleanup: (db: Database) => Promise<void>,
): Promise<EngineResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const config = loadConfig({
    VIGIL_DATA_DIR: dataDir,
    VIGIL_LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
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
  });

  // Warm up the JIT and the pool on filings that are not measured.
  const warm = demoBodies(200, 99, `W${name[0]!}`);
  const bodies = demoBodies(FILINGS, 7, `B${name[0]!}`);
  const agent = new Agent({ connections: CONCURRENCY, pipelining: 1 });
  const statuses: Record<string, number> = {};
  let consignments = 0;
  const post = async (b: { body: string; consignments: number }, count: boolean): Promise<void> => {
    const r = await request(`${address}/v1/filings`, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: b.body,
    });
    await r.body.dump();
    if (count) {
      statuses[r.statusCode] = (statuses[r.statusCode] ?? 0) + 1;
      if (r.statusCode === 201) {
        consignments += b.consignments;
      }
    }
  };
  const drive = async (list: { body: string; consignments: number }[], count: boolean): Promise<number> => {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < list.length) {
          await post(list[next++]!, count);
        }
      }),
    );
    return (performance.now() - t0) / 1000;
  };
  await drive(warm, false);
  const seconds = await drive(bodies, true);
  await agent.close();
  await server.stop();

  // The service alone (no HTTP, no JSON parsing), same database, fresh LRNs.
  const svcBodies = demoBodies(Math.min(FILINGS, 2000), 11, `S${name[0]!}`).map(
    (b) => JSON.parse(b.body) as unknown,
  );
  const actor = { subject: 'bench-svc', authority: 'NL', role: 'filer' as const };
  let i = 0;
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (i < svcBodies.length) {
        await deps.filings.register(actor, svcBodies[i++]);
      }
    }),
  );
  const svcSeconds = (performance.now() - t1) / 1000;

  await cleanup(db);
  rmSync(dataDir, { recursive: true, force: true });
  const filings = statuses['201'] ?? 0;
  const result: EngineResult = {
    filingsPerSec: Math.round(filings / seconds),
    consignmentsPerSec: Math.round(consignments / seconds),
    filings,
    consignments,
    seconds: Number(seconds.toFixed(2)),
    serviceOnlyFilingsPerSec: Math.round(svcBodies.length / svcSeconds),
    statuses,
  };
  process.stderr.write(`${name}: ${JSON.stringify(result)}\n`);
  return result;
}

// Validation alone, in process: the CPU cost of the contract and the rules.
const sample = demoBodies(2000, 5, 'V').map((b) => JSON.parse(b.body) as unknown);
const tv = performance.now();
for (let round = 0; round < 3; round++) {
  for (const body of sample) {
    validateFiling(body, { now: NOW, checkDeadlines: true });
  }
}
const validatePerSec = Math.round((3 * sample.length) / ((performance.now() - tv) / 1000));
process.stderr.write(`validation only: ${validatePerSec} filings/s on one core\n`);

const out: Record<string, unknown> = {};
Object.assign(out, await forEachBenchEngine(runEngine));
out['validateFilingsPerSec'] = validatePerSec;
out['concurrency'] = CONCURRENCY;
process.stdout.write(`${JSON.stringify(out)}\n`);
