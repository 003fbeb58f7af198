/**
 * The hot path reads O(1) rows whatever the history (issue 20): a database holding a large, skewed
 * history (test/perf/history.ts: one carrier files 80% of it, one filer lodges 70%) runs the real
 * services, and every statement they send is explained with EXPLAIN (ANALYZE, BUFFERS) first
 * (test/perf/plan-rows.ts); each must read at most ROW_BOUND rows per item of its batch. Three
 * rounds: fresh tables (never analysed, autovacuum off: a new deployment, a new partition), analysed
 * tables, and generic plans (plan_cache_mode = force_generic_plan, what prepared statements settle on).
 * A failure names the statement, its rows and the scans that read them.
 *
 * Paths covered, through the services as the API and the worker call them:
 * - registration of a complete filing (group commit) and a retry of its LRN (idempotency);
 * - master (F12) and house (F15) parts of the big carrier in both orders (linkage: waiting houses,
 *   masters by document, linking, promotion to registered, the outbox event);
 * - a 7+1 pre-loading set (F23) and its complement (F25), in both orders;
 * - assessment of every ready event: outbox claim, filing read, `assessed` check, risk context
 *   (rules, unit-value statistics stamp), operator profiles, assessment and notification inserts, a
 *   control task for a control recommendation, staged audit entries, operator profile counters, the
 *   outbox row marked processed; the JetStream relay's claim and the outbox backlog gauges;
 * - the filer's notification feed, the office's control queue, and chaining the staged audit entries.
 *
 * On PGlite always; on PostgreSQL too when VIGIL_TEST_DATABASE_URL is set (a scratch database, so its
 * statistics are this test's alone). HOT_PATH_HISTORY sets the history's size (default 60,000),
 * HOT_PATH_OPERATORS the operator table's (default 1,000).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.ts';
import { composeApp } from '../../src/app/compose.ts';
import type { AppDeps } from '../../src/app/compose.ts';
import type { Actor } from '../../src/auth/index.ts';
import { OutboxRepository } from '../../src/bus/outbox.repository.ts';
import type { ReadyEvent } from '../../src/assessment/index.ts';
import { openDatabase } from '../../src/store/database.ts';
import type { Database } from '../../src/store/database.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createScratchDatabase } from '../fault/vigil-cluster.ts';
import type { ScratchDatabase } from '../fault/vigil-cluster.ts';
import { validFiling, validHouseFiling, validMasterFiling } from '../support/filings.ts';
import { filingOfType } from '../support/filing-examples.ts';
import { testClock } from '../support/test-app.ts';
import { testRule } from '../support/rules.ts';
import { analyseHistory, holdAnalyze, loadHistory, vacuumQueues } from './history.ts';
import { PlanRecorder } from './plan-rows.ts';
import type { PlanMode, StatementReads } from './plan-rows.ts';

const HISTORY = Number(process.env['HOT_PATH_HISTORY'] ?? 60_000);
/** Operators in the profile table (a small table's fresh plans differ from a large one's). */
const OPERATORS = Number(process.env['HOT_PATH_OPERATORS'] ?? 1000);
/** Rows one statement may read per item of its batch (a filing, a consignment, an event). */
const ROW_BOUND = 50;
const PG_URL = process.env['VIGIL_TEST_DATABASE_URL'];
const REPORT = process.env['HOT_PATH_REPORT'];

/**
 * Statements that read a set bounded by configuration or backlog, not by history, with that bound:
 * the risk context loads the authority's unit-value statistics (HS6 × origin cells; the history has
 * 2,000) once per refresh of the statistics, and keeps them; a generic plan of the control queue
 * reads the authority's active tasks (open or assigned: the history has 400 and 21 per round) to sort
 * them by due date.
 */
const BOUNDED_OTHERWISE: readonly { readonly pattern: RegExp; readonly rows: number }[] = [
  // Through a bitmap: each row counts twice (its index entry and its heap row).
  { pattern: /^SELECT hs6, origin, n, median, mad FROM unit_value_stats WHERE authority = \$1$/, rows: 4000 },
  {
    pattern: /^SELECT id, authority, mrn, .* FROM control_task WHERE authority = \$1 AND status = ANY/,
    rows: 1000,
  },
];
/**
 * A sequential scan of a table this small is the plan a planner should pick (a generic plan of the
 * operator lookup over the 1,000 operators does): it is bounded by the table, which history does not
 * grow past the point where an index wins. An index scan reading that many rows still counts.
 */
const SMALL_TABLE = 2000;

/** Rows a statement read, less sequential scans of small tables. */
const rowsRead = (r: StatementReads): number =>
  r.scans.reduce((n, s) => n + (s.node === 'Seq Scan' && s.rows <= SMALL_TABLE ? 0 : s.rows), 0);

const CARRIER = { eori: 'DK123456789', name: 'Maersk A/S' };
const FILER = 'acme';
const AUTHORITY = 'NL';

interface Target {
  readonly engine: string;
  open(): Promise<{ db: Database; drop(): Promise<void> }>;
}

const targets: Target[] = [
  {
    engine: 'pglite',
    async open() {
      return { db: await openDatabase({}), drop: () => Promise.resolve() };
    },
  },
];
if (PG_URL !== undefined && PG_URL !== '') {
  targets.push({
    engine: 'postgres',
    async open() {
      const scratch: ScratchDatabase = await createScratchDatabase(PG_URL, 'vigil_hotpath');
      return { db: await openDatabase({ url: scratch.url, poolSize: 4 }), drop: () => scratch.drop() };
    },
  });
}

function report(r: StatementReads): string {
  const scans = r.scans.map(
    (s) => `${s.node} on ${s.relation}${s.index ? ` using ${s.index}` : ''}: ${s.rows}`,
  );
  return `${r.maxRows} rows (batch ${r.batch}, ${r.buffers} buffers) in ${r.sql.slice(0, 400)}\n    ${scans.join('\n    ')}`;
}

for (const target of targets) {
  void describe(`hot path rows read per statement [${target.engine}]`, () => {
    const recorder = new PlanRecorder();
    const clock = testClock();
    let opened: { db: Database; drop(): Promise<void> } | undefined;
    let deps: AppDeps | undefined;
    let dataDir: string | undefined;
    const filer: Actor = { subject: FILER, authority: AUTHORITY, role: 'filer' };
    const analyst: Actor = { subject: 'ana', authority: AUTHORITY, role: 'analyst' };
    let round = 0;

    before(async () => {
      opened = await target.open();
      const db = opened.db;
      await migrate(db);
      await holdAnalyze(db);
      const started = Date.now();
      await loadHistory(db, {
        consignments: HISTORY,
        operators: OPERATORS,
        bigCarrier: CARRIER.eori,
        bigFiler: FILER,
        authority: AUTHORITY,
        endsAt: new Date(clock.now().getTime() - 86_400_000),
      });
      // The queues as autovacuum leaves them (0019); nothing is analysed.
      await vacuumQueues(db);
      process.stderr.write(`[${target.engine}] history of ${HISTORY} loaded in ${Date.now() - started} ms\n`);
      dataDir = mkdtempSync(join(tmpdir(), 'vigil-hotpath-'));
      const config = loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'silent' });
      deps = await composeApp(config, { db: recorder.wrap(db), clock });
      // A rule that asks for a control of every phone consignment, so assessments create tasks.
      await deps.rules.create(
        analyst,
        testRule({ id: 'HOT-PHONES', condition: 'goods.exists(g, g.hsCode.startsWith("8517"))' }),
      );
    });

    after(async () => {
      await opened?.db.close();
      await opened?.drop();
      if (dataDir !== undefined) {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    /** Every path once, with fresh documents and LRNs; every ready event assessed. */
    async function hotPath(): Promise<void> {
      const d = deps!;
      const now = clock.now();
      const tag = `R${++round}`;
      const complete = validFiling(now, { lrn: `${tag}-COMPLETE` });
      await d.filings.register(filer, complete);
      // A client's retry of the same LRN gets the filing registered the first time.
      const retry = await d.filings.register(filer, complete);
      assert.equal(retry.created, false);
      // Master then house, and house then master, of the carrier that filed most of the history.
      await d.filings.register(filer, validMasterFiling(now, `${tag}-M1`, CARRIER, `${tag}MBL1`));
      const house = await d.filings.register(
        filer,
        validHouseFiling(now, `${tag}-H1`, CARRIER, `${tag}HBL1`, `${tag}MBL1`),
      );
      assert.equal(house.filing.status, 'registered');
      await d.filings.register(
        filer,
        validHouseFiling(now, `${tag}-H2`, CARRIER, `${tag}HBL2`, `${tag}MBL2`),
      );
      const master = await d.filings.register(
        filer,
        validMasterFiling(now, `${tag}-M2`, CARRIER, `${tag}MBL2`),
      );
      assert.equal(master.filing.status, 'registered');
      // 7+1: set then complement, and complement then set.
      const set = (lrn: string, hawb: string): Record<string, any> => {
        const f = filingOfType('F23', now, lrn);
        f['consignments'][0].transportDocument = { type: 'N703', ref: hawb };
        return f;
      };
      const complement = (lrn: string, hawb: string, mawb: string): Record<string, any> => {
        const f = filingOfType('F25', now, lrn);
        f['consignments'][0].transportDocument = { type: 'N740', ref: mawb };
        f['previousDocuments'] = [{ type: 'N703', ref: hawb }];
        return f;
      };
      await d.filings.register(filer, set(`${tag}-S1`, `${tag}HAWB1`));
      const c1 = await d.filings.register(filer, complement(`${tag}-C1`, `${tag}HAWB1`, '176-12345675'));
      assert.equal(c1.filing.status, 'registered');
      await d.filings.register(filer, complement(`${tag}-C2`, `${tag}HAWB2`, '176-12345675'));
      await d.filings.register(filer, set(`${tag}-S2`, `${tag}HAWB2`));
      // The worker's side: claim the ready events, assess each, mark them processed.
      const outbox = new OutboxRepository(d.db);
      for (;;) {
        const claimed = await outbox.claimForDispatch(50, 30_000, 5);
        if (claimed.length === 0) {
          break;
        }
        for (const c of claimed) {
          if (c.event.topic === 'filing.ready') {
            await d.assessments.handleReady(c.event.payload as ReadyEvent);
          }
        }
        await outbox.markProcessed(claimed.map((c) => c.event.id));
      }
      // The JetStream relay's claim, and the backlog gauges of /metrics and of the drain.
      assert.deepEqual(await outbox.claimForRelay(50, 30_000), []);
      await outbox.countPending();
      await outbox.backlog();
      // The feed of the filer with most of the history, of one with none, and the authority's.
      await d.notifications.list(filer, 0, 20);
      await d.notifications.list({ subject: 'rare-filer', authority: AUTHORITY, role: 'filer' }, 0, 20);
      await d.notifications.list(analyst, 0, 20);
      await d.controls.list(analyst, { limit: 20 });
      await d.audit.chainPending(d.db);
      clock.advance(60_000);
    }

    async function measure(mode: PlanMode, phase: string): Promise<void> {
      recorder.mode = mode;
      recorder.reset();
      recorder.active = true;
      try {
        await hotPath();
      } finally {
        recorder.active = false;
      }
      const all = [...recorder.reads.values()].sort((a, b) => b.maxRows / b.batch - a.maxRows / a.batch);
      if (REPORT !== undefined) {
        // Every statement with what it read, for the record (HOT_PATH_REPORT=file appends JSON lines).
        appendFileSync(
          REPORT,
          all.map((r) => `${JSON.stringify({ engine: target.engine, phase, ...r })}\n`).join(''),
        );
      }
      assert.deepEqual([...recorder.failures], [], 'every statement could be explained');
      assert.ok(recorder.reads.size >= 20, `only ${recorder.reads.size} statements seen`);
      const over = all.filter(
        (r) =>
          rowsRead(r) > (BOUNDED_OTHERWISE.find((b) => b.pattern.test(r.sql))?.rows ?? ROW_BOUND * r.batch),
      );
      assert.deepEqual(
        over.map(report),
        [],
        `statements reading more than ${ROW_BOUND} rows per item of their batch`,
      );
    }

    test('fresh tables (never analysed): every hot statement reads O(1) rows', async () => {
      await measure('custom', 'fresh');
    });

    test('analysed tables: every hot statement reads O(1) rows', async () => {
      await analyseHistory(opened!.db);
      await measure('custom', 'analysed');
    });

    test('generic plans (prepared statements): every hot statement reads O(1) rows', async () => {
      await measure('generic', 'generic');
    });
  });
}
