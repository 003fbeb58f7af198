/**
 * What the registries cost registration and assessment (issue 13): demo filings registered through the
 * service (group commit, as the API does) and assessed in the worker's batches of 64, in three phases
 * on one database:
 *   empty        the authority keeps no register (no statement of the register check finds anything);
 *   register     every EORI the filings name is registered, half with an AEO authorisation, among
 *                BENCH_OPERATORS operators in all (the EORI check and the AEO probe find rows);
 *   certificates the first goods item of every filing cites its HS chapter's certificate for 1 unit (a
 *                write-off in each registration, a read of the citations in each assessment).
 * Filings per second for registration and for assessment, per phase. Prints one JSON line last.
 *
 *   node bench/registry.bench.ts                         # PGlite
 *   VIGIL_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test BENCH_SKIP_PGLITE=1 node bench/registry.bench.ts
 *
 * Options (env): BENCH_FILINGS (default 2000 per phase), BENCH_CONCURRENCY (32), BENCH_OPERATORS (20000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/index.ts';
import { composeApp } from '../src/app/compose.ts';
import type { AppDeps } from '../src/app/compose.ts';
import type { Actor } from '../src/auth/index.ts';
import type { Filing } from '../src/domain/index.ts';
import { generateDemoFilings } from '../src/demo/index.ts';
import { eorisOf } from '../src/operators/index.ts';
import type { Database } from '../src/store/database.ts';
import { forEachBenchEngine } from './bench-engines.ts';

const FILINGS = Number(process.env['BENCH_FILINGS'] ?? 2000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const OPERATORS = Number(process.env['BENCH_OPERATORS'] ?? 20_000);
const NOW = new Date();

interface Phase {
  registeredPerSec: number;
  assessedPerSec: number;
  warnings: number;
}

function demo(seed: number, prefix: string): Record<string, any>[] {
  return [...generateDemoFilings({ count: FILINGS, seed, now: NOW, invalidShare: 0 })].map((d) => {
    const f = d.filing as Record<string, any>;
    f['lrn'] = `${prefix}${String(f['lrn'])}`.slice(0, 35);
    return f;
  });
}

async function phase(deps: AppDeps, actor: Actor, bodies: readonly Record<string, any>[]): Promise<Phase> {
  const mrns: string[] = [];
  let warnings = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const r = await deps.filings.register(actor, body);
        mrns.push(r.filing.mrn);
        warnings += r.filing.warnings.length;
      }
    }),
  );
  const registered = (performance.now() - started) / 1000;
  const assessing = performance.now();
  for (let i = 0; i < mrns.length; i += 64) {
    await deps.assessments.handleReadyMany(
      mrns.slice(i, i + 64).map((mrn) => ({ mrn, authority: actor.authority, version: 1 })),
    );
  }
  const assessed = (performance.now() - assessing) / 1000;
  return {
    registeredPerSec: Math.round(bodies.length / registered),
    assessedPerSec: Math.round(bodies.length / assessed),
    warnings,
  };
}

async function run(
  name: string,
  open: () => Promise<Database>,
  cleanup: (db: Database) => Promise<void>,
): Promise<Record<string, Phase>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-registry-'));
  const config = loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'silent' });
  const db = await open();
  const deps = await composeApp(config, { db });
  const filer: Actor = { authority: 'NL', role: 'filer', subject: 'bench' };
  const admin: Actor = { authority: 'NL', role: 'admin', subject: 'bench' };
  try {
    await phase(deps, filer, demo(99, 'W').slice(0, 500));
    const out: Record<string, Phase> = {};
    out['empty'] = await phase(deps, filer, demo(1, 'E'));

    // The register: every EORI the next filings name, half of them AEO, among OPERATORS in all.
    const bodies = demo(2, 'R');
    const named = [...new Set(bodies.flatMap((b) => eorisOf(b as Filing).map((e) => e.eori)))];
    const lines = ['record,eori,name,country,validFrom,number,type'];
    named.forEach((eori, i) => {
      lines.push(`operator,${eori},Operator ${i},${eori.slice(0, 2)},2015-01-01,,`);
      if (i % 2 === 0) {
        lines.push(`aeo,${eori},,,2019-01-01,AEO${String(i).padStart(9, '0')},AEOF`);
      }
    });
    for (let i = named.length; i < OPERATORS; i++) {
      lines.push(`operator,NL${String(100_000_000 + i)},Filler ${i},NL,2015-01-01,,`);
    }
    await deps.operatorRegistry.import(admin, lines.join('\n'), 'csv', { skipBad: 'true' });
    out['register'] = await phase(deps, filer, bodies);

    // Certificates: one CITES permit of 1,000,000 units per HS chapter, any holder; every filing's
    // first goods item cites its chapter's.
    const citing = demo(3, 'C');
    const chapters = new Set<string>();
    citing.forEach((f) => {
      const g = f['consignments'][0]?.goods?.[0];
      if (g !== undefined) {
        const chapter = String(g.hsCode).slice(0, 2);
        chapters.add(chapter);
        g.supportingDocuments = [{ type: 'C400', ref: `BENCH-${chapter}`, quantity: 1, unit: 'NAR' }];
      }
    });
    const certs = [...chapters].map((chapter) => ({
      type: 'cites-permit',
      number: `BENCH-${chapter}`,
      issuer: 'bench',
      goods: [chapter],
      quantity: 1_000_000,
      unit: 'NAR',
      validFrom: '2020-01-01',
    }));
    await deps.certificates.import(admin, certs, 'json', {});
    out['certificates'] = await phase(deps, filer, citing);
    console.error(name, JSON.stringify(out));
    return out;
  } finally {
    await cleanup(db);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = await forEachBenchEngine(run);
console.log(JSON.stringify({ bench: 'registry', filings: FILINGS, operators: OPERATORS, ...results }));
