/**
 * Indicators bench (issue 10, item 3): are the performance indicators fast over a year of a large
 * authority? A private scratch database (created here, dropped at the end, also on failure) is
 * migrated as Vigil migrates, then loaded with COPY (pg's own COPY FROM STDIN, see `CopyIn`) with
 * BENCH_CONSIGNMENTS consignments over BENCH_DAYS days: their filings (small bodies holding only
 * what the rollups read: each consignment's consignor and consignee), assessments with hits of a
 * few hundred rules per authority, outcomes and operator segments (AEO or not), reviews of hits,
 * control tasks (~3%) selected by rule, model, RIF, random, exploration and manual, their results (no irregularity, irregularity
 * with duty and tax at stake, seizures by category and quantity, a few corrections) and refused
 * filings. Traffic is skewed as real traffic is: one large authority, weekdays busier than weekends,
 * a few filers, offices and rules carrying most of it. Secondary indexes and foreign keys are
 * dropped for the load and rebuilt from their own definitions after it (the schema ends as the
 * migrations leave it), then the tables are analysed (as autovacuum would).
 *
 * Then, as the product does it: the rollups are built by IndicatorService.refresh (every day with
 * facts, one transaction per authority and day), one more day of facts is added (with results of
 * earlier days' controls landing in their days) and the refresh is timed again (the refresher's
 * cost in steady state), and the dashboard's queries (IndicatorService.report for the large
 * authority: a year by month, a quarter by week, a month by day, and the year broken down by
 * method, control type, rule, filer, office and operator segment) each run BENCH_RUNS times, interleaved.
 *
 * Prints progress on stderr and one JSON line last on stdout:
 *   {"consignments":…,"loadSeconds":…,"rollupSeconds":…,"incrementalRefreshSeconds":…,
 *    "rollupRows":…,"queries":{"year-by-month":{"p50Ms":…,"p95Ms":…},…},"p95MaxMs":…}
 *
 *   npm run bench:indicators
 *   BENCH_CONSIGNMENTS=1000000 npm run bench:indicators
 *
 * Options (env): VIGIL_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test: only
 * its server and login are used; the bench works in a database of its own), BENCH_CONSIGNMENTS
 * (10000000), BENCH_DAYS (365), BENCH_RUNS (30), BENCH_SEED (1), BENCH_KEEP=1 keeps the database,
 * BENCH_DATABASE=vigil_indbench_… runs only the queries on a database a run kept (after a change to
 * the read path; pending migrations are applied first; nothing is dropped).
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { composeApp } from '../src/app/compose.ts';
import type { AppDeps } from '../src/app/compose.ts';
import { loadConfig } from '../src/config/index.ts';
import type { Clock } from '../src/domain/index.ts';
import { RISK_AREAS, TRANSPORT_MODES, mulberry32 } from '../src/domain/index.ts';
import { FILING_TYPES } from '../src/domain/reference-data.ts';
import {
  CONTROL_TYPES,
  IRREGULARITY_TYPES,
  SEIZURE_CATEGORIES,
  SEIZURE_UNITS,
} from '../src/controls/index.ts';
import { IndicatorRepository } from '../src/indicators/index.ts';
import type { IndicatorQuery } from '../src/indicators/index.ts';
import { openDatabase } from '../src/store/database.ts';
import type { Database } from '../src/store/database.ts';

const BASE_URL = process.env['VIGIL_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONSIGNMENTS = Number(process.env['BENCH_CONSIGNMENTS'] ?? 10_000_000);
const DAYS = Number(process.env['BENCH_DAYS'] ?? 365);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 30);
const SEED = Number(process.env['BENCH_SEED'] ?? 1);
const KEEP = process.env['BENCH_KEEP'] === '1';
const REUSE = process.env['BENCH_DATABASE'];
const SCHEMA = 'vigil';
const DAY_MS = 86_400_000;
/** The first day of the history; the extra day of the incremental refresh follows the last. */
const FIRST_DAY = Date.UTC(2025, 0, 1);

const started = Date.now();
const log = (line: string): void => {
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}\n`);
};
const seconds = (ms: number): number => Math.round(ms / 10) / 100;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------
// Random numbers: deterministic (one seed), and skewed draws (Zipf) for filers, offices, rules.

const rnd = mulberry32(SEED);

/** Draws 0…n-1 with P(k) ∝ 1/(k+1)^s: the first few carry most of the traffic. */
class Zipf {
  readonly #cdf: Float64Array;
  constructor(n: number, s: number) {
    this.#cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += 1 / (k + 1) ** s;
      this.#cdf[k] = sum;
    }
    for (let k = 0; k < n; k++) {
      this.#cdf[k]! /= sum;
    }
  }
  draw(): number {
    const u = rnd();
    let lo = 0;
    let hi = this.#cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cdf[mid]! < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)]!;
}

/** Weighted choice among [value, weight] pairs. */
function weighted<T>(pairs: readonly (readonly [T, number])[]): T {
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  let u = rnd() * total;
  for (const [v, w] of pairs) {
    u -= w;
    if (u < 0) {
      return v;
    }
  }
  return pairs[pairs.length - 1]![0];
}

/** A log-normal duration in ms with the given median and spread (σ of the log). */
function lognormalMs(medianMs: number, sigma: number): number {
  const u1 = Math.max(rnd(), 1e-12);
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rnd());
  return medianMs * Math.exp(sigma * z);
}

// ---------------------------------------------------------------------------------------------
// COPY FROM STDIN through pg's own client (pg's "submittable" query protocol: the query object is
// handed the connection and answers the server's messages), so no copy-stream package is needed.

/** What of pg's connection the COPY uses (pg has it; @types/pg does not declare all of it). */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  readonly stream: NodeJS.WritableStream & { readonly writableNeedDrain?: boolean };
}

class CopyIn {
  readonly text: string;
  readonly table: string;
  rows = 0;
  #lines: string[] = [];
  #size = 0;
  #connection: CopyConnection | undefined;
  #error: Error | undefined;
  readonly #ready: Promise<void>;
  readonly #done: Promise<void>;
  #resolveReady!: () => void;
  #rejectReady!: (err: Error) => void;
  #resolveDone!: () => void;
  #rejectDone!: (err: Error) => void;

  constructor(table: string, columns: readonly string[]) {
    this.table = table;
    this.text = `COPY ${table} (${columns.join(', ')}) FROM STDIN`;
    this.#ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.#done = new Promise((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    // Either may fail before anyone awaits it; the failure is reported where it is awaited.
    this.#ready.catch(() => undefined);
    this.#done.catch(() => undefined);
  }

  // pg's submittable protocol.
  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }
  handleCopyInResponse(connection: CopyConnection): void {
    this.#connection = connection;
    this.#resolveReady();
  }
  handleError(err: Error): void {
    this.#error = err;
    this.#rejectReady(err);
  }
  handleReadyForQuery(): void {
    if (this.#error !== undefined) {
      this.#rejectDone(this.#error);
    } else {
      this.#resolveDone();
    }
  }
  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  /** One row, its values in COPY text format (none of ours holds a tab, newline or backslash). */
  push(values: readonly (string | number | null)[]): void {
    const line = `${values.map((v) => (v === null ? '\\N' : String(v))).join('\t')}\n`;
    this.#lines.push(line);
    this.#size += line.length;
    this.rows++;
  }

  get buffered(): number {
    return this.#size;
  }

  async flush(): Promise<void> {
    if (this.#lines.length === 0) {
      return;
    }
    await this.#ready;
    if (this.#error !== undefined) {
      throw this.#error;
    }
    const connection = this.#connection!;
    connection.sendCopyFromChunk(Buffer.from(this.#lines.join('')));
    this.#lines = [];
    this.#size = 0;
    if (connection.stream.writableNeedDrain === true) {
      await once(connection.stream, 'drain');
    }
  }

  async end(): Promise<void> {
    await this.flush();
    await this.#ready;
    this.#connection!.endCopyFrom();
    await this.#done;
  }

  start(client: pg.Client): void {
    // The submittable's own promises carry the outcome; pg's callback is not used.
    void client.query(this as unknown as pg.QueryConfig);
  }
}

// ---------------------------------------------------------------------------------------------
// The traffic: authorities, their filers, offices, carriers and rules.

interface AuthorityProfile {
  readonly code: string;
  readonly share: number;
  readonly filers: number;
  readonly offices: number;
  readonly rules: number;
}

const AUTHORITIES: readonly AuthorityProfile[] = [
  { code: 'NL', share: 0.5, filers: 2400, offices: 14, rules: 300 },
  { code: 'DE', share: 0.2, filers: 1500, offices: 24, rules: 250 },
  { code: 'BE', share: 0.15, filers: 900, offices: 8, rules: 150 },
  { code: 'FR', share: 0.1, filers: 1200, offices: 18, rules: 200 },
  { code: 'IE', share: 0.05, filers: 400, offices: 5, rules: 100 },
];
const LARGE = AUTHORITIES[0]!.code;

interface AuthorityState {
  readonly p: AuthorityProfile;
  readonly filer: Zipf;
  readonly office: Zipf;
  readonly carrier: Zipf;
  readonly rule: Zipf;
  readonly ruleArea: readonly string[];
  serial: number;
}

const states: AuthorityState[] = AUTHORITIES.map((p) => ({
  p,
  filer: new Zipf(p.filers, 1.1),
  office: new Zipf(p.offices, 1.0),
  carrier: new Zipf(200, 1.2),
  rule: new Zipf(p.rules, 0.9),
  ruleArea: Array.from({ length: p.rules }, (_, i) => RISK_AREAS[i % RISK_AREAS.length]!),
  serial: 0,
}));

const MODES: readonly (readonly [string, number])[] = [
  ['air', 30],
  ['maritime', 25],
  ['road', 18],
  ['express', 15],
  ['postal', 6],
  ['rail', 4],
  ['inland-waterway', 2],
];
for (const [m] of MODES) {
  if (!(TRANSPORT_MODES as readonly string[]).includes(m)) {
    throw new Error(`unknown transport mode ${m}`);
  }
}
/** Filing types per mode, from the reference data (those of a consignment's own filing). */
const TYPES_OF_MODE = new Map(
  MODES.map(([m]) => [
    m,
    [...FILING_TYPES.values()].filter(
      (t) => (t.modes as readonly string[]).includes(m) && t.part !== 'complement',
    ),
  ]),
);
const REJECTION_CODES: readonly (readonly [string, number])[] = [
  ['VIGIL_FILING_INVALID', 30],
  ['R3010', 15],
  ['R3016', 12],
  ['R3018', 10],
  ['VIGIL_AWB_INVALID', 8],
  ['R3004', 6],
  ['R3009', 5],
  ['R3013', 4],
];
/** The operator segments of consignments (TT-01, TT-02): a minority of AEO traffic. */
const SEGMENTS: readonly (readonly [string, number])[] = [
  ['none', 85],
  ['aeo-f', 9],
  ['aeo-c', 4],
  ['aeo-s', 2],
];
const SEIZURE_QUANTITY: Readonly<Record<string, readonly [string, number]>> = {
  drugs: ['kg', 12],
  'cigarettes-tobacco': ['sticks', 20_000],
};

const office = (a: string, k: number): string => `${a}${String(100 + k * 37).padStart(6, '0')}`;
const filerId = (a: string, k: number): string => `${a}${String(1_000_000 + k * 7919).padStart(12, '0')}`;
const party = (country: string, k: number, eori: boolean, complete: boolean): string =>
  `{${eori ? `"eori":"${country}${String(k).padStart(9, '0')}",` : ''}"address":{"street":"s ${k % 97}","city":"c${k % 50}",${complete ? `"postcode":"${k % 9000}",` : ''}"country":"${country}"}}`;

/** The day's traffic weight: weekends are quieter, autumn busier. */
function dayWeight(day: number): number {
  const dow = new Date(FIRST_DAY + day * DAY_MS).getUTCDay();
  const weekly = dow === 0 ? 0.45 : dow === 6 ? 0.55 : 1;
  return weekly * (1 + 0.15 * Math.sin((2 * Math.PI * (day - 200)) / 365));
}

// ---------------------------------------------------------------------------------------------
// The tables written, their COPY columns.

const COLUMNS: Readonly<Record<string, readonly string[]>> = {
  filing: [
    'mrn',
    'authority',
    'filer',
    'lrn',
    'filing_type',
    'part',
    'mode',
    'declarant_eori',
    'carrier_eori',
    'office_of_first_entry',
    'status',
    'version',
    'body',
    'warnings',
    'lodged_at',
    'updated_at',
    'invalidated_at',
    'invalidation_reason',
  ],
  consignment: ['mrn', 'seq', 'authority', 'carrier_eori', 'doc_type', 'doc_ref', 'complete'],
  assessment: [
    'authority',
    'mrn',
    'version',
    'seq',
    'score',
    'outcome_kind',
    'outcome',
    'hits',
    'random',
    'assessed_at',
    'operator_segment',
  ],
  hit_review: ['authority', 'mrn', 'version', 'seq', 'hit_id', 'decision', 'reviewer', 'reviewed_at'],
  control_task: [
    'id',
    'authority',
    'mrn',
    'version',
    'seq',
    'office',
    'control_type',
    'source',
    'reason',
    'rule_refs',
    'status',
    'due_at',
    'created_at',
    'updated_at',
  ],
  control_result: [
    'id',
    'authority',
    'task_id',
    'mrn',
    'seq',
    'result',
    'details',
    'method',
    'recorded_by',
    'recorded_at',
    'supersedes',
    'superseded_by',
    'reason',
  ],
  filing_rejection: ['authority', 'filer', 'kind', 'lrn', 'codes', 'at'],
};
const TABLES = Object.keys(COLUMNS);

type Writers = Readonly<Record<string, CopyIn>>;

/** A control's result that lands after the loaded history: written with the extra day. */
interface LateResult {
  readonly taskId: string;
  readonly recordedAt: number;
  readonly row: readonly (string | number | null)[];
}

const ts = (ms: number): string => new Date(ms).toISOString();

/**
 * Writes one authority's day of traffic (`consignments` of them) to the COPY writers. Results
 * recorded at or after `horizon` are kept in `late` (their task stays assigned) instead.
 */
function writeDay(
  w: Writers,
  st: AuthorityState,
  day: number,
  consignments: number,
  horizon: number,
  late: LateResult[],
): void {
  const a = st.p.code;
  const dayStart = FIRST_DAY + day * DAY_MS;
  const yy = new Date(dayStart).getUTCFullYear() % 100;
  // Lodged over the day but for its last ten minutes, so each filing's first assessment falls on it.
  const span = DAY_MS - 600_000;
  let made = 0;
  while (made < consignments) {
    const serial = ++st.serial;
    const mrn = `${yy}${a}${String(serial).padStart(13, '0')}${'ABCDEFGHJK'[serial % 10]!}`;
    const n = weighted([
      [1, 85],
      [2, 10],
      [3, 5],
    ] as const);
    const lodged = dayStart + Math.floor(((made + rnd()) / consignments) * span);
    made += n;
    const filerK = st.filer.draw();
    const filer = filerId(a, filerK);
    const mode = weighted(MODES);
    const type = pick(TYPES_OF_MODE.get(mode)!);
    const officeCode = office(a, st.office.draw());
    const carrier = `${pick(['CN', 'US', 'GB', 'TR', a])}C${String(st.carrier.draw()).padStart(8, '0')}`;
    const amended = rnd() < 0.06;
    const updated = amended ? lodged + Math.floor(rnd() * (dayStart + span - lodged)) : lodged;
    const invalidated = rnd() < 0.004;
    const warned = rnd() < 0.05;
    const warnings = warned
      ? `[{"code":"${rnd() < 0.7 ? 'VIGIL_DESCRIPTION_VAGUE' : 'VIGIL_DESCRIPTION_VAGUE_TERM'}","path":"/consignments/0/goodsItems/0/description"}]`
      : '[]';
    const parties: string[] = [];
    for (let s = 0; s < n; s++) {
      const k = Math.floor(rnd() * 1_000_000);
      parties.push(
        `{"consignor":${party(pick(['CN', 'US', 'GB', 'TR', 'IN']), k, rnd() < 0.8, rnd() < 0.9)},"consignee":${party(a, k + 1, rnd() < 0.95, rnd() < 0.97)}}`,
      );
    }
    w['filing']!.push([
      mrn,
      a,
      filer,
      `L${serial}`,
      type.code,
      type.part,
      mode,
      `${a}${String(filerK).padStart(9, '0')}`,
      carrier,
      officeCode,
      invalidated ? 'invalidated' : 'registered',
      amended ? 2 : 1,
      `{"consignments":[${parties.join(',')}]}`,
      warnings,
      ts(lodged),
      ts(invalidated ? updated + 60_000 : updated),
      invalidated ? ts(updated + 60_000) : null,
      invalidated ? 'withdrawn by the filer' : null,
    ]);
    for (let s = 0; s < n; s++) {
      const segment = weighted(SEGMENTS);
      w['consignment']!.push([
        mrn,
        s,
        a,
        carrier,
        mode === 'air' || mode === 'express' ? 'N740' : 'N705',
        `D${serial}-${s}`,
        't',
      ]);
      const versions = amended ? [1, 2] : [1];
      for (const version of versions) {
        const base = version === 1 ? lodged : updated;
        const assessed = Math.min(base + Math.floor(lognormalMs(1500, 1.2)), dayStart + DAY_MS - 1);
        writeAssessment(w, st, mrn, version, s, assessed, officeCode, segment, horizon, late);
      }
    }
  }
  // Refused filings and amendments: about 3% of the day's filings, at random times of the day.
  const refused = Math.round((consignments / 1.25) * 0.03 * (0.5 + rnd()));
  for (let i = 0; i < refused; i++) {
    const c1 = weighted(REJECTION_CODES);
    const codes = rnd() < 0.3 ? [...new Set([c1, weighted(REJECTION_CODES)])] : [c1];
    w['filing_rejection']!.push([
      a,
      filerId(a, st.filer.draw()),
      rnd() < 0.85 ? 'filing' : 'amendment',
      `R${day}-${i}`,
      `{${codes.join(',')}}`,
      ts(dayStart + Math.floor(rnd() * DAY_MS)),
    ]);
  }
}

function writeAssessment(
  w: Writers,
  st: AuthorityState,
  mrn: string,
  version: number,
  seq: number,
  assessed: number,
  officeCode: string,
  segment: string,
  horizon: number,
  late: LateResult[],
): void {
  const a = st.p.code;
  // About one consignment in nine hits a rule (one to three rules), a few a signal.
  const hits: string[] = [];
  const ruleIds: string[] = [];
  if (rnd() < 0.11) {
    const count = weighted([
      [1, 70],
      [2, 22],
      [3, 8],
    ] as const);
    for (let i = 0; i < count; i++) {
      const k = st.rule.draw();
      const id = `${a}-R${String(k + 1).padStart(3, '0')}`;
      if (!ruleIds.includes(id)) {
        ruleIds.push(id);
        hits.push(`{"source":"rule","id":"${id}","version":1,"riskArea":"${st.ruleArea[k]!}","weight":40}`);
      }
    }
  }
  if (rnd() < 0.02) {
    hits.push(`{"source":"signal","id":"unit-value","riskArea":"undervaluation","weight":20}`);
  }
  const hit = ruleIds.length > 0;
  let outcome = 'assessment-complete';
  if (hit) {
    outcome = weighted([
      ['control-recommended', 20],
      ['assessment-complete', 72],
      ['request-for-information', 6],
      ['high-risk-screening', 1.8],
      ['do-not-load', 0.2],
    ] as const);
  } else if (rnd() < 0.004) {
    outcome = 'control-recommended'; // the model's score alone
  }
  w['assessment']!.push([
    a,
    mrn,
    version,
    seq,
    hit ? 40 + Math.floor(rnd() * 50) : Math.floor(rnd() * 20),
    outcome,
    `{"kind":"${outcome}"}`,
    `[${hits.join(',')}]`,
    '{"selected":false}',
    ts(assessed),
    segment,
  ]);
  // Analysts review about a third of the rule hits, confirming a little over half.
  for (const id of ruleIds) {
    if (rnd() < 0.33) {
      w['hit_review']!.push([
        a,
        mrn,
        version,
        seq,
        id,
        rnd() < 0.55 ? 'confirmed' : 'dismissed',
        'analyst',
        ts(assessed + Math.floor(lognormalMs(3_600_000, 1))),
      ]);
    }
  }
  if (version !== 1) {
    return;
  }
  // Controls: most on the risk outcome (rule, model or RIF), a random baseline, some exploration
  // and manual selections; about 3% of consignments in all.
  let source: string | undefined;
  let refs = '[]';
  let method = 'rule';
  if (outcome === 'control-recommended') {
    source = 'risk';
    if (hit && rnd() < 0.04) {
      refs = `[{"id":"rif-${a}-${1 + Math.floor(rnd() * 40)}","version":1}]`;
      method = 'rif';
    } else if (hit) {
      refs = `[${ruleIds.map((id) => `{"id":"${id}","version":1}`).join(',')}]`;
    } else {
      method = 'model';
    }
  } else {
    const u = rnd();
    if (u < 0.003) {
      source = 'random';
    } else if (u < 0.0042) {
      source = 'exploration';
    } else if (u < 0.0062) {
      source = 'manual';
    }
    method = source ?? 'none';
  }
  if (source === undefined) {
    return;
  }
  const taskId = `T-${mrn}-${seq}`;
  const created = assessed + Math.floor(rnd() * 30_000);
  const controlType = weighted([
    [CONTROL_TYPES[0], 55],
    [CONTROL_TYPES[1], 25],
    [CONTROL_TYPES[2], 20],
  ] as const);
  const cancelled = rnd() < 0.015;
  const recorded = created + Math.floor(lognormalMs(6 * 3_600_000, 1.1));
  const isLate = !cancelled && recorded >= horizon;
  const status = cancelled ? 'cancelled' : isLate ? 'assigned' : 'done';
  w['control_task']!.push([
    taskId,
    a,
    mrn,
    version,
    seq,
    officeCode,
    controlType,
    source,
    source === 'risk' ? `selected by ${method}` : source,
    refs,
    status,
    ts(created + 2 * DAY_MS),
    ts(created),
    ts(cancelled ? created + 3_600_000 : isLate ? created : recorded),
  ]);
  if (cancelled) {
    return;
  }
  // Targeted controls find more than random ones.
  const targeted = source === 'risk';
  const result = weighted([
    ['no-irregularity', targeted ? 74 : 93],
    ['irregularity', targeted ? 19 : 5.5],
    ['seizure', targeted ? 7 : 1.5],
  ] as const);
  let details = '{"result":"no-irregularity"}';
  if (result === 'irregularity') {
    details = `{"result":"irregularity","type":"${pick(IRREGULARITY_TYPES)}","dutyAtStake":${Math.round(lognormalMs(800, 1.3))},"taxAtStake":${Math.round(lognormalMs(1500, 1.3))}}`;
  } else if (result === 'seizure') {
    const category = weighted(
      SEIZURE_CATEGORIES.map((c, i) => [c, 1 / (i + 1)] as const) as readonly (readonly [string, number])[],
    );
    const [unit, median] = SEIZURE_QUANTITY[category] ?? [pick(SEIZURE_UNITS), 50];
    details = `{"result":"seizure","category":"${category}","quantity":${Math.max(1, Math.round(lognormalMs(median, 1.5)))},"unit":"${unit}"}`;
  }
  const row = (id: string, at: number, supersedes: string | null, supersededBy: string | null) => [
    id,
    a,
    taskId,
    mrn,
    seq,
    result,
    details,
    controlType,
    'officer',
    ts(at),
    supersedes,
    supersededBy,
    supersedes === null ? null : 'corrected after re-examination',
  ];
  if (isLate) {
    late.push({ taskId, recordedAt: recorded, row: row(`R-${taskId}`, recorded, null, null) });
    return;
  }
  // One result in a hundred is corrected: the first is superseded, the correction is current.
  if (rnd() < 0.01) {
    w['control_result']!.push([
      `R0-${taskId}`,
      a,
      taskId,
      mrn,
      seq,
      'no-irregularity',
      '{"result":"no-irregularity"}',
      controlType,
      'officer',
      ts(recorded - 60_000),
      null,
      `R-${taskId}`,
      null,
    ]);
    w['control_result']!.push(row(`R-${taskId}`, recorded, `R0-${taskId}`, null));
  } else {
    w['control_result']!.push(row(`R-${taskId}`, recorded, null, null));
  }
}

/** The consignments of each authority and day, so that the total is CONSIGNMENTS. */
function dailyTargets(days: number): number[][] {
  const weights = Array.from({ length: days }, (_, d) => dayWeight(d));
  const sum = weights.reduce((s, x) => s + x, 0);
  return AUTHORITIES.map((p) => weights.map((x) => Math.round((CONSIGNMENTS * p.share * x) / sum)));
}

// ---------------------------------------------------------------------------------------------
// The scratch database, the load.

interface Scratch {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

async function createScratch(): Promise<Scratch> {
  const admin = new URL(BASE_URL);
  admin.pathname = '/postgres';
  const name = REUSE ?? `vigil_indbench_${randomBytes(4).toString('hex')}`;
  if (!/^vigil_indbench_[0-9a-f]+$/.test(name)) {
    throw new Error(`BENCH_DATABASE names a database this bench made (vigil_indbench_…), not ${name}`);
  }
  if (REUSE === undefined) {
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
  }
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const d = new pg.Client({ connectionString: admin.toString() });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}

async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, options: `-c search_path=${SCHEMA}` });
  // A connection the final DROP DATABASE … WITH (FORCE) ends must not end the process.
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

/** Secondary indexes and foreign keys of the loaded tables: dropped for the load, then rebuilt. */
async function dropForLoad(c: pg.Client): Promise<{ indexes: string[]; foreignKeys: string[] }> {
  const idx = await c.query<{ name: string; def: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
     FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = $1 AND t.relname = ANY($2::text[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
    [SCHEMA, TABLES],
  );
  const fks = await c.query<{ tbl: string; name: string; def: string }>(
    `SELECT k.conrelid::regclass::text AS tbl, k.conname AS name, pg_get_constraintdef(k.oid) AS def
     FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = $1 AND k.contype = 'f' AND (t.relname = ANY($2::text[])
       OR k.confrelid IN (SELECT c.oid FROM pg_class c JOIN pg_namespace m ON m.oid = c.relnamespace
                          WHERE m.nspname = $1 AND c.relname = ANY($2::text[])))`,
    [SCHEMA, TABLES],
  );
  for (const k of fks.rows) {
    await c.query(`ALTER TABLE ${k.tbl} DROP CONSTRAINT ${k.name}`);
  }
  for (const i of idx.rows) {
    await c.query(`DROP INDEX ${i.name}`);
  }
  return {
    indexes: idx.rows.map((i) => i.def),
    foreignKeys: fks.rows.map((k) => `ALTER TABLE ${k.tbl} ADD CONSTRAINT ${k.name} ${k.def}`),
  };
}

/** Runs statements on `width` connections at once. */
async function runAll(url: string, statements: readonly string[], width: number): Promise<void> {
  const queue = [...statements];
  await Promise.all(
    Array.from({ length: width }, async () => {
      const c = await client(url);
      try {
        await c.query(`SET maintenance_work_mem = '512MB'`);
        for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
          await c.query(s);
        }
      } finally {
        await c.end();
      }
    }),
  );
}

/** Opens one COPY per table, each on its own connection. */
async function openWriters(url: string): Promise<{ writers: Writers; clients: pg.Client[] }> {
  const clients: pg.Client[] = [];
  const writers: Record<string, CopyIn> = {};
  for (const t of TABLES) {
    const c = await client(url);
    await c.query('SET synchronous_commit = off');
    clients.push(c);
    const w = new CopyIn(t, COLUMNS[t]!);
    w.start(c);
    writers[t] = w;
  }
  return { writers, clients };
}

async function flushFull(writers: Writers, limit: number): Promise<void> {
  await Promise.all(
    Object.values(writers)
      .filter((w) => w.buffered > limit)
      .map((w) => w.flush()),
  );
}

/**
 * Ends the COPYs, `first` ones first, one after the other (their rows must be committed before the
 * others' foreign keys are checked: the extra day loads with its constraints in place), then the
 * rest together; closes every connection even when one COPY failed.
 */
async function closeWriters(
  writers: Writers,
  clients: readonly pg.Client[],
  first: readonly string[] = [],
): Promise<void> {
  try {
    for (const t of first) {
      await writers[t]!.end();
    }
    const rest = await Promise.allSettled(
      Object.values(writers)
        .filter((w) => !first.includes(w.table))
        .map((w) => w.end()),
    );
    const failed = rest.find((r) => r.status === 'rejected');
    if (failed !== undefined) {
      throw failed.reason;
    }
  } finally {
    await Promise.allSettled(clients.map((c) => c.end()));
  }
}

async function load(url: string, targets: readonly number[][], late: LateResult[]): Promise<number> {
  const ddl = await client(url);
  const dropped = await dropForLoad(ddl);
  log(
    `load: ${dropped.indexes.length} secondary indexes and ${dropped.foreignKeys.length} foreign keys dropped for the load`,
  );
  const { writers, clients } = await openWriters(url);
  const horizon = FIRST_DAY + DAYS * DAY_MS;
  let consignments = 0;
  let lastLog = Date.now();
  for (let day = 0; day < DAYS; day++) {
    for (const [i, st] of states.entries()) {
      writeDay(writers, st, day, targets[i]![day]!, horizon, late);
      await flushFull(writers, 1 << 20);
    }
    consignments += targets.reduce((s, t) => s + t[day]!, 0);
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      log(`load: day ${day + 1} of ${DAYS}, ${consignments} consignments`);
    }
  }
  await closeWriters(writers, clients);
  log(
    `load: rows ${Object.values(writers)
      .map((w) => `${w.table} ${w.rows}`)
      .join(', ')}; rebuilding indexes`,
  );
  const t = Date.now();
  await runAll(url, dropped.indexes, 2);
  await runAll(url, dropped.foreignKeys, 1);
  log(`load: indexes and foreign keys rebuilt in ${seconds(Date.now() - t)} s; analysing`);
  await ddl.query(`ANALYZE ${TABLES.join(', ')}`);
  await ddl.end();
  return Object.values(writers).find((w) => w.table === 'filing')!.rows;
}

/** One more day of traffic (all authorities), and the results of earlier controls landing in it. */
async function loadExtraDay(url: string, late: readonly LateResult[]): Promise<void> {
  const day = DAYS;
  const horizon = FIRST_DAY + (DAYS + 1) * DAY_MS;
  const targets = dailyTargets(DAYS + 1);
  const stillLate: LateResult[] = [];
  const { writers, clients } = await openWriters(url);
  for (const [i, st] of states.entries()) {
    writeDay(writers, st, day, targets[i]![day]!, horizon, stillLate);
  }
  const landing = late.filter((r) => r.recordedAt < horizon);
  for (const r of landing) {
    writers['control_result']!.push(r.row);
  }
  await closeWriters(writers, clients, ['filing', 'control_task']);
  const c = await client(url);
  try {
    await c.query(
      `UPDATE control_task t SET status = 'done', updated_at = r.at
       FROM unnest($1::text[], $2::timestamptz[]) AS r (id, at) WHERE t.id = r.id`,
      [landing.map((r) => r.taskId), landing.map((r) => ts(r.recordedAt))],
    );
  } finally {
    await c.end();
  }
  log(
    `extra day ${isoDay(FIRST_DAY + day * DAY_MS)}: ${Object.values(writers)
      .map((w) => `${w.table} ${w.rows}`)
      .join(', ')}; ${landing.length} results of earlier days' controls`,
  );
}

// ---------------------------------------------------------------------------------------------
// Measuring.

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}
const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * refreshDay timed per call: IndicatorService.refresh runs it once per authority and day, inside
 * its transaction; the product's composition is kept, only the repository's method is wrapped.
 */
const dayTimings: number[] = [];
// eslint-disable-next-line @typescript-eslint/unbound-method -- called below with its own `this`
const refreshDay = IndicatorRepository.prototype.refreshDay;
IndicatorRepository.prototype.refreshDay = async function timed(
  this: IndicatorRepository,
  ...args: Parameters<IndicatorRepository['refreshDay']>
): Promise<number> {
  const t = performance.now();
  try {
    return await refreshDay.apply(this, args);
  } finally {
    dayTimings.push(performance.now() - t);
  }
};

class BenchClock implements Clock {
  at: number;
  constructor(at: number) {
    this.at = at;
  }
  now(): Date {
    return new Date(this.at);
  }
}

interface BuildFigures {
  readonly loadSeconds: number;
  readonly rollupSeconds: number;
  readonly incrementalRefreshSeconds: number;
}

/** Loads the history, builds its rollups, adds one more day and refreshes again: timed. */
async function build(
  scratch: Scratch,
  db: Database,
  deps: AppDeps,
  clock: BenchClock,
): Promise<BuildFigures> {
  // 1. Load.
  const late: LateResult[] = [];
  const t0 = Date.now();
  const filings = await load(scratch.url, dailyTargets(DAYS), late);
  const loadMs = Date.now() - t0;
  const sizes = await db.query<{ table: string; size: string }>(
    `SELECT c.relname AS table, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) ORDER BY pg_total_relation_size(c.oid) DESC`,
    [SCHEMA, TABLES],
  );
  const dbSize = await db.query<{ size: string }>(
    `SELECT pg_size_pretty(pg_database_size(current_database())) AS size`,
  );
  log(
    `load: ${CONSIGNMENTS} consignments in ${filings} filings over ${DAYS} days in ${seconds(loadMs)} s; ` +
      `database ${dbSize.rows[0]!.size} (${sizes.rows.map((r) => `${r.table} ${r.size}`).join(', ')})`,
  );

  // 2. The rollups, as the refresher builds them on its first run.
  const t1 = Date.now();
  const days = await deps.indicators.refresh();
  const rollupMs = Date.now() - t1;
  const perDay = [...dayTimings].sort((x, y) => x - y);
  const rows = await db.query<{ n: number; size: string }>(
    `SELECT count(*)::int AS n, pg_size_pretty(pg_total_relation_size('indicator_daily')) AS size FROM indicator_daily`,
  );
  const rollupRows = rows.rows[0]!.n;
  log(
    `rollups: ${days} authority-days in ${seconds(rollupMs)} s (per authority-day: median ${Math.round(percentile(perDay, 0.5))} ms, ` +
      `p95 ${Math.round(percentile(perDay, 0.95))} ms, max ${Math.round(perDay[perDay.length - 1] ?? 0)} ms); ` +
      `${rollupRows} rollup rows, ${rows.rows[0]!.size}`,
  );
  // This server runs without autovacuum; a deployment's would vacuum and analyse the new rows.
  await db.query('VACUUM (ANALYZE) indicator_daily, indicator_monthly, indicator_span');

  // The refresher's tick when nothing changed.
  clock.at += 60_000;
  const tIdle = Date.now();
  const idleDays = await deps.indicators.refresh();
  const idleMs = Date.now() - tIdle;
  log(`refresh with nothing changed: ${idleDays} days in ${Math.round(idleMs)} ms`);

  // 3. One more day of facts, and the refresh that follows it.
  await loadExtraDay(scratch.url, late);
  await db.query(`ANALYZE ${TABLES.join(', ')}`);
  clock.at = FIRST_DAY + (DAYS + 1) * DAY_MS + 60_000;
  dayTimings.length = 0;
  const t2 = Date.now();
  const incDays = await deps.indicators.refresh();
  const incMs = Date.now() - t2;
  log(
    `incremental refresh: ${incDays} authority-days recomputed in ${seconds(incMs)} s ` +
      `(${dayTimings.map((x) => Math.round(x)).join(', ')} ms each)`,
  );

  return {
    loadSeconds: seconds(loadMs),
    rollupSeconds: seconds(rollupMs),
    incrementalRefreshSeconds: seconds(incMs),
  };
}

async function main(scratch: Scratch): Promise<void> {
  const config = loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'silent' });
  const clock = new BenchClock(FIRST_DAY + (DAYS + 1) * DAY_MS + 60_000);
  let db: Database | undefined;
  try {
    db = await openDatabase({ url: scratch.url, schema: SCHEMA, poolSize: 4 });
    const deps = await composeApp(config, { db, clock });
    log(`database ${scratch.name} migrated`);
    // BENCH_DATABASE: the queries again on a database a run kept (BENCH_KEEP=1), after a change.
    let built: BuildFigures | undefined;
    if (REUSE === undefined) {
      clock.at = FIRST_DAY + DAYS * DAY_MS;
      built = await build(scratch, db, deps, clock);
    } else {
      await db.query('VACUUM (ANALYZE) indicator_daily, indicator_monthly, indicator_span');
    }
    const rollupRows = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM indicator_daily'))
      .rows[0]!.n;

    // The monthly sums (0022) the queries read must be the daily rollups' sums, exactly.
    const drift = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT authority, dim, date_trunc('month', day::timestamp)::date AS month, metric, key,
           sum(value::numeric) AS value, count(*)::int AS days
         FROM indicator_daily GROUP BY 1, 2, 3, 4, 5) d
       FULL JOIN indicator_monthly m USING (authority, dim, month, metric, key)
       WHERE m.value IS DISTINCT FROM d.value OR m.days IS DISTINCT FROM d.days`,
    );
    log(`monthly sums that differ from the daily rollups' sums: ${drift.rows[0]!.n}`);
    if (drift.rows[0]!.n !== 0) {
      throw new Error('indicator_monthly is out of step with indicator_daily');
    }
    // And the yearly sums (0030), but for keys whose days are all gone (0 over 0 days, never read).
    const yearDrift = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT authority, dim, date_trunc('year', day::timestamp)::date AS start, metric, key,
           sum(value::numeric) AS value, count(*)::int AS days
         FROM indicator_daily GROUP BY 1, 2, 3, 4, 5) d
       FULL JOIN (SELECT * FROM indicator_span WHERE span = 'year' AND days > 0) m
         USING (authority, dim, start, metric, key)
       WHERE m.value IS DISTINCT FROM d.value OR m.days IS DISTINCT FROM d.days`,
    );
    log(`yearly sums that differ from the daily rollups' sums: ${yearDrift.rows[0]!.n}`);
    if (yearDrift.rows[0]!.n !== 0) {
      throw new Error('indicator_span is out of step with indicator_daily');
    }

    // 4. The dashboard's queries for the large authority.
    const last = FIRST_DAY + DAYS * DAY_MS; // the history's end (exclusive)
    const monthStart = (ms: number, back: number): string => {
      const d = new Date(ms - 1);
      return isoDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
    };
    const to = isoDay(last);
    const year: IndicatorQuery = { from: monthStart(last, 11), to, period: 'month' };
    const queries: Readonly<Record<string, IndicatorQuery>> = {
      'year-by-month': year,
      'quarter-by-week': { from: monthStart(last, 2), to, period: 'week' },
      'month-by-day': { from: monthStart(last, 0), to, period: 'day' },
      'year-by-month-by-method': { ...year, by: 'method' },
      'year-by-month-by-control-type': { ...year, by: 'control-type' },
      'year-by-month-by-rule': { ...year, by: 'rule' },
      'year-by-month-by-filer': { ...year, by: 'filer' },
      'year-by-month-by-office': { ...year, by: 'office' },
      'year-by-month-by-segment': { ...year, by: 'segment' },
    };
    const actor = { subject: 'bench-analyst', authority: LARGE, role: 'analyst' as const };
    const sample = await deps.indicators.report(actor, year);
    const show = (id: string): string => {
      const v = sample.indicators.find((i) => i.id === id);
      return `${id} ${v?.value === null || v?.value === undefined ? '–' : round1(v.value * (v.unit === 'ratio' ? 100 : 1))}${v?.unit === 'ratio' ? '%' : ''}`;
    };
    log(
      `report ${LARGE} ${year.from}…${year.to}: ${sample.indicators.length} indicators; ` +
        ['DQ-01', 'TG-01', 'TG-03', 'TG-05', 'TG-08', 'CR-07']
          .filter((id) => sample.indicators.some((i) => i.id === id))
          .map(show)
          .join(', '),
    );
    const samples = new Map<string, number[]>(Object.keys(queries).map((k) => [k, []]));
    for (let run = -2; run < RUNS; run++) {
      for (const [name, q] of Object.entries(queries)) {
        const t = performance.now();
        await deps.indicators.report(actor, q);
        const ms = performance.now() - t;
        if (run >= 0) {
          samples.get(name)!.push(ms);
        }
      }
    }
    const figures: Record<string, { p50Ms: number; p95Ms: number }> = {};
    for (const [name, xs] of samples) {
      const s = [...xs].sort((x, y) => x - y);
      figures[name] = { p50Ms: round1(percentile(s, 0.5)), p95Ms: round1(percentile(s, 0.95)) };
      log(`query ${name.padEnd(30)} p50 ${figures[name].p50Ms} ms, p95 ${figures[name].p95Ms} ms`);
    }
    const all = [...samples.values()].flat().sort((x, y) => x - y);
    log(`all queries: p50 ${round1(percentile(all, 0.5))} ms, p95 ${round1(percentile(all, 0.95))} ms`);
    const summary = {
      consignments: CONSIGNMENTS,
      loadSeconds: built?.loadSeconds ?? null,
      rollupSeconds: built?.rollupSeconds ?? null,
      incrementalRefreshSeconds: built?.incrementalRefreshSeconds ?? null,
      rollupRows,
      queries: figures,
      p95MaxMs: Math.max(...Object.values(figures).map((f) => f.p95Ms)),
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await db?.close();
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'vigil-indbench-'));
const scratch = await createScratch();
log(
  `bench:indicators — ${CONSIGNMENTS} consignments over ${DAYS} days, ${AUTHORITIES.length} authorities ` +
    `(${AUTHORITIES.map((a) => `${a.code} ${a.share * 100}%`).join(', ')}), ${RUNS} runs per query; database ${scratch.name}`,
);
let interrupted = false;
const cleanUp = async (): Promise<void> => {
  rmSync(dataDir, { recursive: true, force: true });
  if (!KEEP && REUSE === undefined) {
    await scratch.drop();
    log(`database ${scratch.name} dropped`);
  }
};
process.once('SIGINT', () => {
  interrupted = true;
  void cleanUp().finally(() => process.exit(130));
});
try {
  await main(scratch);
} finally {
  if (!interrupted) {
    await cleanUp();
  }
}
