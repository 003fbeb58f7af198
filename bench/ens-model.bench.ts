/**
 * Bench of the entry-summary model (issue 12): training from BENCH_ROWS labelled consignments in the
 * database (filings, control tasks with their selection probability, current results), through
 * `EnsModelService.train` as `vigil train --from-db` runs it (read in pages, features, trees, the
 * champion–challenger judgement, storing the model and its card), then the scoring rate of the
 * trained model: features and trees from a consignment's facts, from the filing itself (the facts
 * extracted too, as the assessment does), and with the explanation (path contributions).
 *
 * The consignments are synthetic and cheap to make (not the demo generator: a million of those takes
 * minutes): 8,000 consignors, 30,000 consignees, 400 goods codes, 40 origins, 60 places of loading,
 * 6 modes, 20 offices; controls find something in 1 % of consignments, 25 times as often for one
 * consignor in 40, 3 times for some goods chapters, twice with transit through a hub, 90 % of the
 * time for one consignor × goods heading × route in 200. 90 % of the controls were asked
 * for by risk (probability 1), 10 % were random (probability 0.05). They are inserted by SQL in
 * chunks, in a schema of their own that is dropped afterwards.
 *
 *   npm run bench:ens-model                 # PostgreSQL at VIGIL_BENCH_DATABASE_URL, 1,000,000 rows
 *   BENCH_ROWS=200000 npm run bench:ens-model
 *   BENCH_ENGINE=pglite BENCH_ROWS=100000 npm run bench:ens-model
 *
 * Prints one JSON line last: {"engine","rows","insertSeconds","trainSeconds","loadSeconds",
 * "fitSeconds","evaluateSeconds","scorePerSec","scoreFromFilingPerSec","explainPerSec", …}.
 */
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../src/store/database.ts';
import type { Database } from '../src/store/database.ts';
import { migrate } from '../src/store/migrate.ts';
import { mulberry32 } from '../src/domain/index.ts';
import type { Filing } from '../src/domain/index.ts';
import { ControlRepository } from '../src/controls/index.ts';
import { EnsModelService, ensFactsOf, parseEnsModelFile } from '../src/models/index.ts';
import { ModelRepository } from '../src/models/model.repository.ts';

const ENGINE = process.env['BENCH_ENGINE'] === 'pglite' ? 'pglite' : 'postgres';
const URL = process.env['VIGIL_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROWS = Number(process.env['BENCH_ROWS'] ?? (ENGINE === 'pglite' ? 100_000 : 1_000_000));
const CHUNK = 5_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const SPAN_MS = 365 * 86_400_000;

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const HS6 = Array.from({ length: 400 }, (_, i) => String(100_000 + ((i * 2477) % 870_000)).padStart(6, '0'));
const ORIGINS = [
  'CN',
  'IN',
  'VN',
  'TR',
  'US',
  'BR',
  'MY',
  'TH',
  'ID',
  'PK',
  'BD',
  'KR',
  'JP',
  'MA',
  'EG',
  'ZA',
  'AE',
  'SG',
  'HK',
  'TW',
].flatMap((c, i) => [
  c,
  [
    'MX',
    'CO',
    'PE',
    'CL',
    'AR',
    'NG',
    'KE',
    'GH',
    'TN',
    'UA',
    'RS',
    'GE',
    'AM',
    'KZ',
    'UZ',
    'LK',
    'PH',
    'KH',
    'MM',
    'LA',
  ][i]!,
]);
const MODES = ['maritime', 'air', 'road', 'rail', 'express', 'postal'];
const TYPES: Record<string, string> = {
  maritime: 'F10',
  air: 'F23',
  road: 'F50',
  rail: 'F51',
  express: 'F30',
  postal: 'F40',
};
const OFFICES = Array.from({ length: 20 }, (_, i) => `NL${String(100 + i * 37).padStart(6, '0')}`);
const PACKAGES = ['CT', 'PK', 'BX', 'PL', 'BG', 'CS'];

interface Made {
  readonly body: Filing;
  readonly mrn: string;
  readonly lodgedAt: number;
  readonly office: string;
  readonly mode: string;
  readonly label: 0 | 1;
  readonly random: boolean;
}

function consignment(i: number, rng: () => number): Made {
  const pick = <T>(xs: readonly T[], skew = 1): T => xs[Math.floor(rng() ** skew * xs.length)]!;
  const mode = pick(MODES, 1.5);
  const consignor = Math.floor(rng() ** 2 * 8000);
  // A consignor exports from its own country, mostly its own goods.
  const home = ORIGINS[(consignor * 7) % ORIGINS.length]!;
  const origin = rng() < 0.8 ? home : pick(ORIGINS, 2);
  const loadingCountry = rng() < 0.8 ? origin : pick(['SG', 'AE', 'MY', 'TR']);
  const loading = `${loadingCountry}${'ABCDEFGHJK'[Math.floor(rng() * 3)]}${'PQRS'[Math.floor(rng() * 2)]}Z`;
  const via = rng() < 0.3 ? [pick(['SG', 'AE', 'EG', 'MA'])] : [];
  const routing = [loadingCountry, ...via, 'NL'];
  const consignee = Math.floor(rng() ** 1.5 * 30_000);
  const items = 1 + Math.floor(rng() ** 3 * 4);
  const goods = Array.from({ length: items }, () => {
    const hs = pick(HS6, 1.7);
    const mass = Math.round(10 + rng() * 5000);
    return {
      hsCode: hs,
      description: 'goods',
      grossMassKg: mass,
      packages: { type: pick(PACKAGES), count: 1 + Math.floor(rng() * 200) },
      ...(rng() < 0.6 ? { value: { amount: Math.round(mass * (2 + rng() * 40)), currency: 'EUR' } } : {}),
      origin,
    };
  });
  // What controls find: a few consignors (1 in 40) often, some goods chapters and transit via a hub
  // more than others, everything else now and then; one consignor × heading × route in 200 always.
  const chapter = Number(goods[0]!.hsCode.slice(0, 2));
  let risk = 0.01 * (consignor % 40 === 7 ? 25 : 1) * (chapter % 9 === 4 ? 3 : 1) * (via.length > 0 ? 2 : 1);
  if ((consignor * 31 + Number(goods[0]!.hsCode.slice(0, 4)) * 7 + routing.length) % 200 === 0) {
    risk = 0.9;
  }
  const label: 0 | 1 = rng() < Math.min(0.95, risk) ? 1 : 0;
  const lodgedAt = T0 + Math.floor((i / ROWS) * SPAN_MS);
  const office = pick(OFFICES, 1.3);
  const body = {
    filingType: TYPES[mode]!,
    lrn: `B-${i}`,
    declarant: { eori: `NL${String(100_000 + (consignee % 900)).padStart(9, '0')}`, name: 'Forwarder' },
    officeOfFirstEntry: office,
    transport: {
      mode,
      estimatedArrival: new Date(lodgedAt + (6 + rng() * 400) * 3_600_000).toISOString(),
      routing,
    },
    consignments: [
      {
        transportDocument: { type: 'N705', ref: `DOC${i}` },
        placeOfLoading: loading,
        placeOfUnloading: 'NLRTM',
        routing,
        consignor: {
          name: `Exporter ${consignor}`,
          address: { street: '1 Road', city: 'City', postcode: '1', country: home },
        },
        consignee: {
          name: `Importer ${consignee}`,
          eori: `NL${String(consignee).padStart(9, '0')}`,
          address: { street: '1 Kade', city: 'Rotterdam', postcode: '3011', country: 'NL' },
        },
        containers:
          mode === 'maritime' ? [{ id: `MSCU${String(i % 1_000_000).padStart(6, '0')}0`, seals: [] }] : [],
        goods,
      },
    ],
  } as unknown as Filing;
  return {
    body,
    mrn: `26NL${String(i).padStart(12, '0')}X0`,
    lodgedAt,
    office,
    mode,
    label,
    random: rng() < 0.1,
  };
}

async function insert(db: Database, made: readonly Made[]): Promise<void> {
  const filings = JSON.stringify(
    made.map((m) => ({
      mrn: m.mrn,
      lrn: (m.body as { lrn: string }).lrn,
      filing_type: m.body.filingType,
      mode: m.mode,
      declarant: m.body.declarant.eori,
      office: m.office,
      body: m.body,
      at: new Date(m.lodgedAt).toISOString(),
    })),
  );
  await db.query(
    `INSERT INTO filing (mrn, authority, filer, lrn, filing_type, part, mode, declarant_eori, office_of_first_entry,
       status, version, body, lodged_at, updated_at)
     SELECT x.mrn, 'NL', 'bench', x.lrn, x.filing_type, 'complete', x.mode, x.declarant, x.office, 'registered', 1,
       x.body, x.at, x.at
     FROM jsonb_to_recordset($1::jsonb) AS x(mrn text, lrn text, filing_type text, mode text, declarant text,
       office text, body jsonb, at timestamptz)`,
    [filings],
  );
  const tasks = JSON.stringify(
    made.map((m) => ({
      id: `t-${m.mrn}`,
      mrn: m.mrn,
      office: m.office,
      source: m.random ? 'random' : 'risk',
      p: m.random ? 0.05 : 1,
      at: new Date(m.lodgedAt + 3_600_000).toISOString(),
      done: new Date(m.lodgedAt + 30 * 3_600_000).toISOString(),
      result: m.label === 1 ? (m.lodgedAt % 2 === 0 ? 'seizure' : 'irregularity') : 'no-irregularity',
      details:
        m.label === 1 ? (m.lodgedAt % 2 === 0 ? { category: 'drugs' } : { type: 'undervaluation' }) : {},
    })),
  );
  await db.query(
    `INSERT INTO control_task (id, authority, mrn, version, seq, office, control_type, source, reason, rule_refs,
       status, due_at, created_at, updated_at, parties, operator_keys, selection_probability)
     SELECT x.id, 'NL', x.mrn, 1, 0, x.office, 'documentary', x.source, 'bench', '[]', 'done', x.at, x.at, x.done,
       '[]', '{}', x.p
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, mrn text, office text, source text, p float8, at timestamptz,
       done timestamptz)`,
    [tasks],
  );
  await db.query(
    `INSERT INTO control_result (id, authority, task_id, mrn, seq, result, details, method, recorded_by, recorded_at)
     SELECT 'r-' || x.id, 'NL', x.id, x.mrn, 0, x.result, x.details, 'documentary', 'bench', x.done
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, mrn text, result text, details jsonb, done timestamptz)`,
    [tasks],
  );
}

const schema = `vigil_bench_ens_${randomBytes(4).toString('hex')}`;
const db =
  ENGINE === 'pglite' ? await openDatabase({}) : await openDatabase({ url: URL, schema, poolSize: 4 });
try {
  await migrate(db);
  say(`${ENGINE}: inserting ${ROWS} labelled consignments…`);
  const rng = mulberry32(2027);
  const sample: Made[] = [];
  const t0 = performance.now();
  for (let start = 0; start < ROWS; start += CHUNK) {
    const made = Array.from({ length: Math.min(CHUNK, ROWS - start) }, (_, k) => consignment(start + k, rng));
    if (sample.length < 100_000) {
      sample.push(...made.filter((_, k) => k % Math.max(1, Math.floor(ROWS / 100_000)) === 0));
    }
    await insert(db, made);
    if ((start / CHUNK) % 40 === 0) {
      say(`  ${start + made.length} rows, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  }
  if (ENGINE === 'postgres') {
    for (const table of ['filing', 'control_task', 'control_result']) {
      await db.query(`ANALYZE ${table}`);
    }
  }
  const insertSeconds = (performance.now() - t0) / 1000;
  say(`inserted in ${insertSeconds.toFixed(1)} s; training…`);

  const service = new EnsModelService({
    db,
    clock: { now: () => new Date(T0 + SPAN_MS + 86_400_000) },
    labelled: new ControlRepository(),
    scores: () => Promise.resolve([]),
    config: { randomRate: 0.05 },
  });
  const heap0 = process.memoryUsage().rss;
  const t1 = performance.now();
  const report = await service.train('system', 'NL');
  const trainSeconds = (performance.now() - t1) / 1000;
  const card = report.card;
  say(
    `trained v${report.version} in ${trainSeconds.toFixed(1)} s (load ${card.timings.loadSeconds} s, fit ${card.timings.fitSeconds} s, judge ${card.timings.evaluateSeconds} s); fit rows ${card.labels.fit.rows}, precision at capacity ${card.metrics.challenger.precisionAtCapacity} against random ${card.metrics.challenger.baseRate}, AUC ${card.metrics.challenger.auc}; rss +${Math.round((process.memoryUsage().rss - heap0) / 1e6)} MB`,
  );

  // Scoring, on the model as stored and loaded back.
  const repo = new ModelRepository();
  const model = parseEnsModelFile(await repo.body(db.forAuthority('NL'), 'NL', report.version));
  const bodies = sample.map((m) => ({ body: m.body, at: new Date(m.lodgedAt) }));
  const facts = bodies.map((b) => ensFactsOf(b.body, 0, b.at));
  const rate = (label: string, seconds: number, fn: () => number): number => {
    const rates: number[] = [];
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until || rates.length < 3) {
      const s = performance.now();
      const n = fn();
      rates.push(n / ((performance.now() - s) / 1000));
    }
    rates.sort((a, b) => a - b);
    const median = Math.round(rates[Math.floor(rates.length / 2)]!);
    say(`${label}: median ${median}/s over ${rates.length} passes of ${facts.length}`);
    return median;
  };
  const BATCH = 1024;
  const scorePerSec = rate('score from facts (features + trees)', 10, () => {
    for (let i = 0; i < facts.length; i += BATCH) {
      model.scoreMany(facts.slice(i, i + BATCH));
    }
    return facts.length;
  });
  const scoreFromFilingPerSec = rate('score from the filing (facts + features + trees)', 10, () => {
    for (let i = 0; i < bodies.length; i += BATCH) {
      model.scoreMany(bodies.slice(i, i + BATCH).map((b) => ensFactsOf(b.body, 0, b.at)));
    }
    return bodies.length;
  });
  const explainPerSec = rate('score and explain one at a time (the assessment)', 10, () => {
    const n = Math.min(facts.length, 20_000);
    for (let i = 0; i < n; i++) {
      model.judge(facts[i]!);
    }
    return n;
  });
  const r2 = (x: number): number => Math.round(x * 100) / 100;
  console.log(
    JSON.stringify({
      engine: ENGINE,
      rows: ROWS,
      insertSeconds: r2(insertSeconds),
      trainSeconds: r2(trainSeconds),
      loadSeconds: card.timings.loadSeconds,
      fitSeconds: card.timings.fitSeconds,
      evaluateSeconds: card.timings.evaluateSeconds,
      fitRows: card.labels.fit.rows,
      features: card.featureCount,
      trees: card.trees,
      precisionAtCapacity: card.metrics.challenger.precisionAtCapacity,
      baseRate: card.metrics.challenger.baseRate,
      auc: card.metrics.challenger.auc,
      scorePerSec,
      scoreFromFilingPerSec,
      explainPerSec,
    }),
  );
} finally {
  if (ENGINE === 'postgres') {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
  await db.close();
}
