/**
 * What the registries cost registration and assessment (issue 13): demo filings registered through the
 * service (group commit, as the API does) and assessed in the worker's batches of 64, in three phases
 * on one database:
 *   empty        the authority keeps no register (no statement of the register check finds anything);
 *   register     every EORI the filings name is registered, half with an AEO authorisation, among
 *                BENCH_OPERATORS operators in all (the EORI check and the AEO probe find rows);
 *   certificates the first goods item of every filing cites its HS chapter's certificate for 1 unit (a
 *                write-off in each registration, a read of the citations in each assessment);
 *   ipr-none     one goods item in twenty names a made-up brand, and no IPR application is registered;
 *   ipr-other-goods  BENCH_BRANDS of those brands in IPR applications for live animals only (every
 *                description screened, brands found, no goods under their codes: no hit);
 *   ipr          the same applications for any goods (the screen and the hits' outcomes).
 * Also the screen alone: goods descriptions screened per second with no applications and with
 * BENCH_BRANDS brands (pure, no database).
 * Filings per second for registration and for assessment, per phase. Prints one JSON line last.
 *
 *   node bench/registry.bench.ts                         # PGlite
 *   VIGIL_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test BENCH_SKIP_PGLITE=1 node bench/registry.bench.ts
 *
 * Options (env): BENCH_FILINGS (default 2000 per phase), BENCH_CONCURRENCY (32), BENCH_OPERATORS (20000),
 * BENCH_BRANDS (2000).
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
import { IprScreen } from '../src/ipr/index.ts';
import type { IprApplicationFacts } from '../src/ipr/index.ts';
import type { Database } from '../src/store/database.ts';
import { forEachBenchEngine } from './bench-engines.ts';

const FILINGS = Number(process.env['BENCH_FILINGS'] ?? 2000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const OPERATORS = Number(process.env['BENCH_OPERATORS'] ?? 20_000);
const BRANDS = Number(process.env['BENCH_BRANDS'] ?? 2000);
const NOW = new Date();

interface Phase {
  registeredPerSec: number;
  assessedPerSec: number;
  warnings: number;
  [more: string]: number;
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

/** Made-up brand names (seeded): syllables, one in three of two words. */
function madeUpBrands(n: number): string[] {
  let s = 12345;
  const next = (k: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s % k;
  };
  const consonants = 'bdfgklmnprstvz';
  const vowels = 'aeiou';
  const word = (syllables: number): string =>
    Array.from({ length: syllables }, () => consonants[next(14)]! + vowels[next(5)]!).join('') +
    consonants[next(14)]!;
  const out = new Set<string>();
  while (out.size < n) {
    out.add((next(3) === 0 ? `${word(2)} ${word(2)}` : word(2 + next(2))).toUpperCase());
  }
  return [...out];
}

/** The IPR applications of the bench: four brands each, any goods, in force. */
function benchApplications(brands: readonly string[]): IprApplicationFacts[] {
  const out: IprApplicationFacts[] = [];
  for (let i = 0; i < brands.length; i += 4) {
    out.push({
      number: `BENCH-AFA-${String(i / 4).padStart(5, '0')}`,
      kind: 'national',
      rightHolder: { name: `Right Holder ${i / 4} (made up)`, address: null, contact: null },
      brands: brands.slice(i, i + 4).map((name) => ({ name, registration: null, aliases: [] })),
      goods: [],
      authorised: [],
      validFrom: '2020-01-01',
      validUntil: null,
      status: 'granted',
    });
  }
  return out;
}

/**
 * Goods descriptions screened per second by the screen alone, each pass on a new screen (so nothing
 * is remembered from the pass before: every description is looked up cold); median of five passes.
 */
function screenPerSec(
  applications: readonly IprApplicationFacts[],
  filings: readonly Record<string, any>[],
): number {
  const rates: number[] = [];
  const day = NOW.toISOString().slice(0, 10);
  const goods = filings.reduce(
    (n, f) => n + (f['consignments'] as { goods: unknown[] }[]).reduce((m, c) => m + c.goods.length, 0),
    0,
  );
  for (let pass = 0; pass < 5; pass++) {
    const screen = new IprScreen(applications);
    const started = performance.now();
    for (const f of filings) {
      for (let seq = 0; seq < f['consignments'].length; seq++) {
        screen.hits(f as Filing, seq, day);
      }
    }
    rates.push(goods / ((performance.now() - started) / 1000));
  }
  return Math.round(rates.sort((a, b) => a - b)[2]!);
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

    // IPR applications: BENCH_BRANDS brands; one goods item in twenty names one of them.
    const brands = madeUpBrands(BRANDS);
    let k = 0;
    const withBrandWords = (bodies: Record<string, any>[]): Record<string, any>[] => {
      bodies.forEach((f) =>
        f['consignments'].forEach((c: { goods: { description: string }[] }) =>
          c.goods.forEach((g) => {
            if (k++ % 20 === 0) {
              g.description = `${g.description} ${brands[k % brands.length]!.toLowerCase()}`;
            }
          }),
        ),
      );
      return bodies;
    };
    // The same kind of filings before any application is registered: the control for the next phase.
    out['ipr-none'] = await phase(deps, filer, withBrandWords(demo(5, 'J')));
    const naming = withBrandWords(demo(4, 'I'));
    const load = (goods: string[]) =>
      deps.ipr.import(
        admin,
        benchApplications(brands).map((a) => ({
          number: a.number,
          rightHolder: a.rightHolder.name,
          brands: a.brands.map((b) => ({ name: b.name })),
          goods,
          validFrom: a.validFrom,
        })),
        'json',
        {},
      );
    // Applications for live animals only: every description is screened and its brands found, but
    // no goods item is under their codes, so no hit (the screen's cost without the hits' outcomes).
    await load(['01']);
    out['ipr-other-goods'] = await phase(deps, filer, withBrandWords(demo(6, 'K')));
    await load([]);
    const ipr = await phase(deps, filer, naming);
    const withBrands = screenPerSec(benchApplications(brands), naming);
    const none = screenPerSec([], naming);
    const hits = (
      await deps.db
        .forAuthority('NL')
        .query<{ n: number }>(
          `SELECT count(*)::int AS n FROM assessment WHERE hits @> '[{"id": "SIG-IPR-BRAND"}]'::jsonb`,
        )
    ).rows[0]?.n;
    out['ipr'] = {
      ...ipr,
      distinctDescriptions: new Set(
        naming.flatMap((f) =>
          (f['consignments'] as { goods: { description: string }[] }[]).flatMap((c) =>
            c.goods.map((g) => g.description),
          ),
        ),
      ).size,
      brands: BRANDS,
      iprHits: hits ?? 0,
      goodsScreenedPerSec: withBrands,
      goodsScreenedPerSecNoApplications: none,
    };
    console.error(name, JSON.stringify(out));
    return out;
  } finally {
    await cleanup(db);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = await forEachBenchEngine(run);
console.log(JSON.stringify({ bench: 'registry', filings: FILINGS, operators: OPERATORS, ...results }));
