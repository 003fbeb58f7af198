/**
 * The performance indicators on demo traffic (issue 10), on each database engine: a few hundred demo
 * filings with the demo pack's rules, assessed as the worker assesses them, controlled, reviewed,
 * amended, invalidated, with results recorded and corrected, RIFs decided and records shared, with the
 * rollups refreshed incrementally after the first day and again after the next. Checked: identities
 * that hold whatever the traffic (the controls by method and by control type add up to all controls,
 * every rate lies between 0 and 1), the rollups against counts taken from the raw tables, a result
 * recorded the day after its control lands in the control's day, and the incrementally kept rollups
 * are exactly what a full recomputation gives — also for a day nothing touches any more but a fact
 * that left it (a decision taken again, a shared record taken back, an outcome or a lane revised).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { installDemoPack } from '../../src/demo/demo-pack.ts';
import { generateDemoFilings } from '../../src/demo/index.ts';
import type { ReadyEvent } from '../../src/assessment/index.ts';
import type { Actor } from '../../src/auth/index.ts';
import { VigilError } from '../../src/errors/index.ts';
import { ImportService } from '../../src/import-declarations/index.ts';
import { DEFAULT_LANES } from '../../src/import-declarations/lanes.ts';
import { modelScorer } from '../../src/models/index.ts';
import { validFiling } from '../support/filings.ts';
import { testRule } from '../support/rules.ts';
import { h1Body } from '../import-declarations/imports-harness.ts';

const HOUR = 3_600_000;
const DAY_0 = '2027-02-28';
const DAY_A = '2027-03-01';
const DAY_B = '2027-03-02';
const FROM = DAY_0;
const TO = '2027-03-03';

interface Value {
  id: string;
  value: number | null;
  breakdown?: { by: string; items: { key: string; value: number | null }[] };
}
interface Report {
  indicators: Value[];
}
interface Task {
  id: string;
  mrn: string;
  status: string;
}
interface Row {
  authority: string;
  metric: string;
  dim: string;
  key: string;
  day: string;
  value: number;
}

const SEIZURES = [
  { category: 'drugs', quantity: 12.5, unit: 'kg' },
  { category: 'cigarettes-tobacco', quantity: 20000, unit: 'sticks' },
  { category: 'counterfeit', quantity: 300, unit: 'items' },
] as const;

forEachDatabase('performance indicators on demo traffic', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};
  const send = sender(app, tok);
  const filer: Actor = { authority: 'NL', role: 'filer', subject: 'demo-carrier' };
  /** The current result of each control, by task id (to correct one). */
  const results = new Map<string, string>();
  let counter = 0;

  /** Lodges demo filings through the filing service (refusals are recorded as through the API). */
  const lodge = async (count: number, seed: number): Promise<string[]> => {
    const mrns: string[] = [];
    for (const d of generateDemoFilings({ count, seed, now: app().clock.now(), riskyShare: 0.25 })) {
      try {
        mrns.push((await app().deps.filings.register(filer, d.filing)).filing.mrn);
      } catch (err) {
        assert.ok(err instanceof VigilError && err.code === 'VIGIL_FILING_INVALID', String(err));
      }
      app().clock.advance(15_000);
    }
    return mrns;
  };
  /** Assesses what is pending, as the worker does (random selection as configured: it may happen). */
  const assessPending = async (): Promise<void> => {
    const d = app().deps;
    const events = await d.db.query<{ id: string; payload: ReadyEvent }>(
      `SELECT id, payload FROM outbox WHERE topic = 'filing.ready' AND processed_at IS NULL ORDER BY id`,
    );
    await d.assessments.handleReadyMany(events.rows.map((e) => e.payload));
    await d.db.query(
      `UPDATE outbox SET processed_at = now() WHERE topic = 'filing.ready' AND processed_at IS NULL`,
    );
  };
  const tasks = async (status: string): Promise<Task[]> => {
    const r = await send('GET', `/v1/controls?status=${status}&limit=500`, 'coordinator');
    assert.equal(r.statusCode, 200, r.body);
    return r.json().items;
  };
  /** Records a result: nothing found, an irregularity, or a seizure, in turn. */
  const record = async (task: Task): Promise<void> => {
    const n = counter++;
    const body =
      n % 3 === 0
        ? { result: 'no-irregularity', method: 'documentary' }
        : n % 3 === 1
          ? {
              result: 'irregularity',
              type: 'undervaluation',
              dutyAtStake: 100 + n,
              taxAtStake: 21.5,
              method: 'documentary',
            }
          : { result: 'seizure', ...SEIZURES[n % SEIZURES.length]!, method: 'physical' };
    const r = await send('POST', `/v1/controls/${task.id}/result`, 'coordinator', body);
    assert.equal(r.statusCode, 201, r.body);
    results.set(task.id, r.json().result.id);
    app().clock.advance(60_000);
  };
  const dailyRows = async (): Promise<Row[]> =>
    (
      await app().deps.db.query<Row>(
        `SELECT authority, metric, dim, key, to_char(day, 'YYYY-MM-DD') AS day, value
         FROM indicator_daily ORDER BY authority, metric, dim, key, day`,
      )
    ).rows;
  const get = async (query: string): Promise<Report> => {
    const r = await send('GET', `/v1/indicators?from=${FROM}&to=${TO}${query}`, 'analyst');
    assert.equal(r.statusCode, 200, r.body);
    return r.json();
  };
  const ind = (r: Report, id: string): Value => {
    const v = r.indicators.find((i) => i.id === id);
    assert.ok(v, id);
    return v;
  };

  let beforeFull: Row[] = [];
  let dayATasksDoneOnDayB = 0;

  before(async () => {
    t = await startTestApp(target);
    for (const [who, authority, role] of [
      ['admin', 'NL', 'admin'],
      ['analyst', 'NL', 'analyst'],
      ['coordinator', 'NL', 'coordinator'],
      ['be-admin', 'BE', 'admin'],
      ['be-analyst', 'BE', 'analyst'],
    ] as const) {
      tok[who] = await app().token(authority, role, who);
    }
    const clock = app().clock;
    clock.set(new Date(`${DAY_0}T06:00:00Z`));
    for (const [code, name] of [
      ['NL', 'Dutch Customs'],
      ['BE', 'Belgian Customs'],
    ]) {
      assert.equal(
        (await send('PUT', `/v1/authorities/${code}`, 'admin', { name, kind: 'customs' })).statusCode,
        200,
      );
    }
    assert.equal(
      (
        await send('PUT', '/v1/sharing-policies', 'admin', {
          rules: [
            { category: 'control-results', receiver: 'BE', level: 'full' },
            { category: 'seizures', receiver: 'BE', level: 'summary' },
            { category: 'risk-analysis', receiver: 'BE', level: 'summary' },
          ],
        })
      ).statusCode,
      200,
    );
    assert.equal(
      (
        await send('PUT', '/v1/sharing-policies', 'be-admin', {
          rules: [{ category: 'watchlist-entries', receiver: 'NL', level: 'full' }],
        })
      ).statusCode,
      200,
    );
    assert.equal(await installDemoPack(app().deps, 'NL', clock.now()), true);

    // ——— Day 0: a few facts whose day nothing else touches later, but what happens to them ———
    // BE sends NL a RIF, which NL notes today and adopts on day B; BE shares a watchlist, whose
    // entries change on day B; a filing gets a request for information, whose hit an analyst
    // dismisses on day B; an import declaration, green today, is amended into another lane on day B.
    const rif = await send('POST', '/v1/rifs', 'be-analyst', {
      title: 'Counterfeit phone chargers',
      riskArea: 'ipr',
      description: 'Chargers with fake CE marks declared as generic electrical parts.',
      indicators: { goodsCodes: ['850440'], origins: ['CN'] },
      recommendedAction: 'documentary-check',
      controlType: 'documentary',
      urgency: 'routine',
      validFrom: clock.now().toISOString(),
      validUntil: new Date(clock.now().getTime() + 30 * 24 * HOUR).toISOString(),
      recipients: ['NL'],
      handling: { tlp: 'AMBER', code: 'H2', sourceReliability: 'B', informationAccuracy: 2 },
      feedback: { required: false },
    });
    assert.equal(rif.statusCode, 201, rif.body);
    const rifId: string = rif.json().rif.id;
    assert.equal((await send('POST', `/v1/rifs/${rifId}/issue`, 'be-analyst')).statusCode, 200);
    assert.equal(
      (await send('POST', `/v1/rifs/${rifId}/decision`, 'analyst', { decision: 'noted' })).statusCode,
      200,
    );
    const list = await send('POST', '/v1/watchlists', 'be-analyst', {
      name: 'shell-consignees',
      subject: 'operator-name',
      entries: [{ value: 'Fake Trading BV' }, { value: 'Nowhere Imports Ltd' }, { value: 'Ghost Ltd' }],
    });
    assert.equal(list.statusCode, 201, list.body);
    const query = await send(
      'POST',
      '/v1/rules',
      'analyst',
      testRule({
        id: 'R-QUERY',
        riskArea: 'origin',
        weight: 20,
        recommendedAction: 'request-for-information',
        condition: 'consignee.name == "Query Me BV"',
      }),
    );
    assert.equal(query.statusCode, 201, query.body);
    const asked = validFiling(clock.now(), { lrn: 'DAY0-RFI' });
    asked['consignments'][0].consignee.name = 'Query Me BV';
    delete asked['consignments'][0].consignee.eori;
    const rfiFiling = (await app().deps.filings.register(filer, asked)).filing.mrn;
    await assessPending();
    const rfiOutcome = await app().deps.db.query<{ outcome_kind: string }>(
      'SELECT outcome_kind FROM assessment WHERE mrn = $1',
      [rfiFiling],
    );
    assert.equal(rfiOutcome.rows[0]?.outcome_kind, 'request-for-information');
    const imports = (minRandomRate: number) =>
      new ImportService({
        db: app().deps.db,
        clock,
        scorer: modelScorer(app().deps.models),
        seeds: app().deps.assessmentRepo,
        lanes: { ...DEFAULT_LANES, minRandomRate },
      });
    const declaration = h1Body((b) => (b['date'] = DAY_0));
    const green = await imports(0).lodge(filer, declaration);
    assert.equal(green.lane, 'green');

    // ——— Day A ———
    clock.set(new Date(`${DAY_A}T06:00:00Z`));
    const dayA = await lodge(300, 7);
    clock.advance(HOUR);
    await assessPending();
    const openA = await tasks('open,assigned');
    assert.ok(openA.length >= 20, `${openA.length} controls on day A`);
    // Analysts review the hits of a few assessments: confirm one, dismiss the next, in turn.
    const withHits = await app().deps.db.query<{ mrn: string; seq: number; hit: string }>(
      `SELECT a.mrn, a.seq, (SELECT h->>'id' FROM jsonb_array_elements(a.hits) h WHERE h->>'source' = 'rule' LIMIT 1) AS hit
       FROM assessment a JOIN filing f ON f.mrn = a.mrn
       WHERE a.mrn = ANY($1::text[]) AND jsonb_path_exists(a.hits, '$[*] ? (@.source == "rule")')
       ORDER BY f.lrn, a.seq LIMIT 8`,
      [dayA],
    );
    for (const [i, h] of withHits.rows.entries()) {
      const r = await send('POST', `/v1/filings/${h.mrn}/assessment/reviews`, 'analyst', {
        consignment: h.seq,
        hitId: h.hit,
        decision: i % 2 === 0 ? 'confirmed' : 'dismissed',
        ...(i % 2 === 0 ? {} : { reason: 'explained by the documents' }),
      });
      assert.equal(r.statusCode, 200, r.body);
    }
    // Results for two thirds of day A's controls; the rest wait for day B.
    const open = await tasks('open,assigned');
    const now = open.slice(0, Math.ceil((open.length * 2) / 3));
    for (const task of now) {
      await record(task);
    }
    await app().deps.indicators.refresh();

    // ——— Day B ———
    clock.set(new Date(`${DAY_B}T06:00:00Z`));
    // Day A's remaining controls get their results today (they belong to day A all the same).
    const later = await tasks('open,assigned');
    // A day-A filing with an open control is invalidated (its control is cancelled) …
    const cancelled = later[0]!;
    const inv = await app().deps.filings.invalidate(filer, cancelled.mrn, 'lodged twice');
    assert.equal(inv.status, 'invalidated');
    for (const task of later.slice(1)) {
      await record(task);
      dayATasksDoneOnDayB++;
    }
    // … a day-A result is corrected (an irregularity found to be nothing after all) …
    const irregular = await app().deps.db.query<{ task_id: string; id: string }>(
      `SELECT task_id, id FROM control_result WHERE result = 'irregularity' AND superseded_by IS NULL ORDER BY recorded_at LIMIT 1`,
    );
    const fix = await send('POST', `/v1/controls/${irregular.rows[0]!.task_id}/result`, 'coordinator', {
      result: 'no-irregularity',
      method: 'documentary',
      supersedes: irregular.rows[0]!.id,
      reason: 'the invoice arrived: the value was right',
    });
    assert.equal(fix.statusCode, 201, fix.body);
    // … a day-A assessment's hit is dismissed today (its outcome may change) …
    const dayAHit = await app().deps.db.query<{ mrn: string; seq: number; hit: string }>(
      `SELECT a.mrn, a.seq, h->>'id' AS hit
       FROM assessment a JOIN filing f ON f.mrn = a.mrn CROSS JOIN LATERAL jsonb_array_elements(a.hits) h
       WHERE a.mrn = ANY($1::text[]) AND h->>'source' = 'rule'
         AND NOT EXISTS (SELECT 1 FROM hit_review r WHERE r.mrn = a.mrn AND r.seq = a.seq)
         AND NOT EXISTS (SELECT 1 FROM control_task c WHERE c.mrn = a.mrn AND c.seq = a.seq)
       ORDER BY f.lrn, a.seq LIMIT 1`,
      [dayA],
    );
    if (dayAHit.rows[0] !== undefined) {
      const h = dayAHit.rows[0];
      const r = await send('POST', `/v1/filings/${h.mrn}/assessment/reviews`, 'analyst', {
        consignment: h.seq,
        hitId: h.hit,
        decision: 'dismissed',
        reason: 'a known and trusted trader',
      });
      assert.equal(r.statusCode, 200, r.body);
    }
    // … the RIF noted on day 0 is adopted today, BE's watchlist changes (the shared copy follows), the
    // day-0 request for information is dismissed, the day-0 import declaration is amended into a
    // control lane.
    const dismissed = await send('POST', `/v1/filings/${rfiFiling}/assessment/reviews`, 'analyst', {
      consignment: 0,
      hitId: 'R-QUERY',
      decision: 'dismissed',
      reason: 'the consignee answered the questions before',
    });
    assert.equal(dismissed.statusCode, 200, dismissed.body);
    assert.notEqual(dismissed.json().outcome.kind, 'request-for-information');
    const raised = await imports(1).amend(filer, green.id, { ...declaration, date: DAY_B });
    assert.notEqual((raised as { lane: string }).lane, 'green');
    assert.equal((await send('POST', `/v1/rifs/${rifId}/adoption`, 'analyst', {})).statusCode, 201);
    const gone = await send(
      'DELETE',
      '/v1/watchlists/shell-consignees/entries?value=Ghost%20Ltd',
      'be-analyst',
    );
    assert.equal(gone.statusCode, 200, gone.body);
    // A day-A filing without a control, its goods arriving in a week or later, is amended (assessed
    // again today).
    const quiet = await app().deps.db.query<{ mrn: string; body: Record<string, any> }>(
      `SELECT f.mrn, f.body FROM filing f
       WHERE f.status = 'registered' AND f.mrn = ANY($1::text[])
         AND (f.body->'transport'->>'estimatedArrival')::timestamptz > $2
         AND NOT EXISTS (SELECT 1 FROM control_task c WHERE c.mrn = f.mrn) ORDER BY f.lrn LIMIT 1`,
      [dayA, new Date(clock.now().getTime() + 7 * 24 * HOUR)],
    );
    const body = quiet.rows[0]!.body;
    body['consignments'][0].goods[0].grossMassKg = Number(body['consignments'][0].goods[0].grossMassKg) + 1;
    await app().deps.filings.amend(filer, quiet.rows[0]!.mrn, body);
    // Day B's own traffic.
    await lodge(100, 8);
    clock.advance(HOUR);
    await assessPending();
    for (const task of (await tasks('open,assigned')).slice(0, 10)) {
      await record(task);
    }
    clock.advance(HOUR);
    await app().deps.indicators.refresh();
    beforeFull = await dailyRows();
  });

  test('a result recorded the day after its control lands in the control’s day', async () => {
    // From the raw tables: controls with a current result, by the day the control was decided, and
    // how many of those results were recorded on a later day.
    const raw = await app().deps.db.query<{ day: string; n: number; later: number }>(
      `SELECT to_char((t.created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day, count(*)::int AS n,
              count(*) FILTER (WHERE (r.recorded_at AT TIME ZONE 'UTC')::date > (t.created_at AT TIME ZONE 'UTC')::date)::int AS later
       FROM control_task t JOIN control_result r ON r.task_id = t.id AND r.superseded_by IS NULL
       WHERE t.authority = 'NL' GROUP BY 1 ORDER BY 1`,
    );
    const dayA = raw.rows.find((r) => r.day === DAY_A);
    // Day A's controls given their result on day B (the corrected one may be among them, counted once).
    assert.ok(
      dayA !== undefined && dayA.later >= dayATasksDoneOnDayB && dayATasksDoneOnDayB > 0,
      JSON.stringify(raw.rows),
    );
    const rolled = beforeFull.filter(
      (r) => r.authority === 'NL' && r.metric === 'controls.done' && r.dim === '',
    );
    assert.deepEqual(
      rolled.map((r) => [r.day, r.value]),
      raw.rows.map((r) => [r.day, r.n]),
    );
  });

  test('the rollups equal counts taken from the raw tables', async () => {
    const total = (metric: string, dim = '', key = '') =>
      beforeFull
        .filter((r) => r.authority === 'NL' && r.metric === metric && r.dim === dim && r.key === key)
        .map((r) => [r.day, r.value]);
    const byDay = async (sql: string): Promise<(string | number)[][]> =>
      (await app().deps.db.query<{ day: string; n: number }>(sql)).rows.map((r) => [r.day, Number(r.n)]);
    const day = (col: string) => `to_char((${col} AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')`;
    assert.deepEqual(
      total('filings.lodged'),
      await byDay(
        `SELECT ${day('lodged_at')} AS day, count(*) AS n FROM filing WHERE authority = 'NL' GROUP BY 1 ORDER BY 1`,
      ),
    );
    assert.deepEqual(
      total('filings.rejected'),
      await byDay(
        `SELECT ${day('at')} AS day, count(*) AS n FROM filing_rejection WHERE authority = 'NL' GROUP BY 1 ORDER BY 1`,
      ),
    );
    assert.deepEqual(
      total('consignments.assessed'),
      await byDay(
        `SELECT ${day('assessed_at')} AS day, count(*) AS n FROM assessment WHERE authority = 'NL' GROUP BY 1 ORDER BY 1`,
      ),
    );
    assert.deepEqual(
      total('controls'),
      await byDay(
        `SELECT ${day('created_at')} AS day, count(*) AS n FROM control_task WHERE authority = 'NL' GROUP BY 1 ORDER BY 1`,
      ),
    );
    assert.deepEqual(
      total('controls.cancelled'),
      await byDay(
        `SELECT ${day('created_at')} AS day, count(*) AS n FROM control_task WHERE authority = 'NL' AND status = 'cancelled' GROUP BY 1 ORDER BY 1`,
      ),
    );
    assert.deepEqual(
      total('hits'),
      await byDay(
        `SELECT ${day('a.assessed_at')} AS day, count(*) AS n FROM assessment a CROSS JOIN LATERAL jsonb_array_elements(a.hits) h
         WHERE a.authority = 'NL' AND h->>'source' = 'rule' GROUP BY 1 ORDER BY 1`,
      ),
    );
    assert.deepEqual(
      total('shared.sent'),
      await byDay(
        `SELECT ${day('at')} AS day, count(*) AS n FROM shared_record WHERE authority = 'NL' GROUP BY 1 ORDER BY 1`,
      ),
    );
    assert.deepEqual(
      total('shared.received'),
      await byDay(
        `SELECT ${day('at')} AS day, count(*) AS n FROM shared_record WHERE recipient = 'NL' GROUP BY 1 ORDER BY 1`,
      ),
    );
    assert.deepEqual(
      total('rifs.decided', 'state', 'adopted'),
      await byDay(
        `SELECT ${day('decided_at')} AS day, count(*) AS n FROM rif_delivery WHERE authority = 'NL' AND state = 'adopted' GROUP BY 1 ORDER BY 1`,
      ),
    );
    // The controls by method add up to all controls, day by day.
    const byMethod = new Map<string, number>();
    for (const r of beforeFull.filter(
      (x) => x.authority === 'NL' && x.metric === 'controls' && x.dim === 'method',
    )) {
      byMethod.set(r.day, (byMethod.get(r.day) ?? 0) + r.value);
    }
    assert.deepEqual([...byMethod.entries()].sort(), total('controls'));
    // The operator segments add up to all assessments and all controls, day by day, and each
    // assessment counts in the segment it recorded.
    for (const metric of ['consignments.assessed', 'controls']) {
      const bySegment = new Map<string, number>();
      for (const r of beforeFull.filter(
        (x) => x.authority === 'NL' && x.metric === metric && x.dim === 'segment',
      )) {
        bySegment.set(r.day, (bySegment.get(r.day) ?? 0) + r.value);
      }
      assert.deepEqual([...bySegment.entries()].sort(), total(metric), `${metric} by segment`);
    }
    const segments = beforeFull
      .filter((r) => r.authority === 'NL' && r.metric === 'consignments.assessed' && r.dim === 'segment')
      .map((r) => [r.day, r.key, r.value])
      .sort((a, b) => String(a[1]).localeCompare(String(b[1])) || String(a[0]).localeCompare(String(b[0])));
    const rawSegments = (
      await app().deps.db.query<{ day: string; k: string; n: number }>(
        `SELECT ${day('assessed_at')} AS day, coalesce(operator_segment, 'unrecorded') AS k, count(*)::int AS n
         FROM assessment WHERE authority = 'NL' GROUP BY 1, 2 ORDER BY 2, 1`,
      )
    ).rows.map((r) => [r.day, r.k, r.n]);
    assert.deepEqual(segments, rawSegments);
    // Outcomes as they are now (a review may have changed one since its assessment's day).
    const outcomes = beforeFull
      .filter((r) => r.authority === 'NL' && r.metric === 'outcomes')
      .map((r) => [r.day, r.key, r.value]);
    const rawOutcomes = (
      await app().deps.db.query<{ day: string; k: string; n: number }>(
        `SELECT ${day('assessed_at')} AS day, outcome_kind AS k, count(*)::int AS n FROM assessment WHERE authority = 'NL' GROUP BY 1, 2 ORDER BY 2, 1`,
      )
    ).rows.map((r) => [r.day, r.k, r.n]);
    assert.deepEqual(
      outcomes.sort(
        (a, b) => String(a[1]).localeCompare(String(b[1])) || String(a[0]).localeCompare(String(b[0])),
      ),
      rawOutcomes,
    );
  });

  test('identities: controls by method and by type add up to all controls; every rate lies in [0, 1]', async () => {
    const plain = await get('');
    const controls = ind(plain, 'TG-03').value;
    assert.ok(controls !== null && controls > 0);
    for (const by of ['method', 'control-type']) {
      const r = await get(`&by=${by}`);
      // Each item is controls[key] / assessed: they add up to controls / assessed.
      const items = ind(r, 'TG-03').breakdown!.items;
      const sum = items.reduce((s, i) => s + i.value!, 0);
      assert.ok(Math.abs(sum - controls) < 1e-9, `TG-03 by ${by}: ${sum} ≠ ${controls}`);
    }
    const byMethod = await get('&by=method');
    const shares = ind(byMethod, 'TG-04').breakdown!.items;
    assert.ok(shares.length >= 2, JSON.stringify(shares));
    assert.ok(Math.abs(shares.reduce((s, i) => s + i.value!, 0) - 1) < 1e-9, 'TG-04 shares add up to 1');
    const inUnit = (v: number | null | undefined, what: string): void => {
      assert.ok(v === null || (typeof v === 'number' && v >= 0 && v <= 1), `${what} = ${String(v)}`);
    };
    for (const by of [
      '',
      '&by=method',
      '&by=control-type',
      '&by=office',
      '&by=filer',
      '&by=mode',
      '&by=code',
      '&by=segment',
    ]) {
      const r = await get(by);
      for (const id of [
        'DQ-02',
        'DQ-03',
        'DQ-05',
        'DQ-06',
        'DQ-07',
        'DQ-08',
        'TG-02',
        'TG-05',
        'TG-06',
        'CR-06',
        'CO-03',
        'CO-04',
        'TT-01',
        'TT-02',
      ]) {
        const v = ind(r, id);
        inUnit(v.value, `${id}${by}`);
        for (const item of v.breakdown?.items ?? []) {
          inUnit(item.value, `${id}${by} ${item.key}`);
        }
      }
    }
    const tg05 = ind(plain, 'TG-05').value;
    assert.ok(tg05 !== null && tg05 > 0 && tg05 < 1, `a believable detection rate: ${String(tg05)}`);
  });

  test('the rollups kept up incrementally are exactly what a full recomputation gives', async () => {
    assert.ok(beforeFull.length > 100, `${beforeFull.length} rollup rows`);
    await app().deps.db.query('DELETE FROM indicator_daily');
    await app().deps.indicators.refresh({ full: true });
    const full = await dailyRows();
    const key = (r: Row) => `${r.authority} ${r.metric} ${r.dim} ${r.key} ${r.day}`;
    const a = new Map(beforeFull.map((r) => [key(r), r.value]));
    const b = new Map(full.map((r) => [key(r), r.value]));
    const differ = [...new Set([...a.keys(), ...b.keys()])]
      .filter((k) => Math.abs((a.get(k) ?? 0) - (b.get(k) ?? 0)) > 1e-9 || a.has(k) !== b.has(k))
      .map((k) => `${k}: incremental ${String(a.get(k))}, full ${String(b.get(k))}`);
    assert.deepEqual(differ, []);
  });
});
