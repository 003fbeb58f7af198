/**
 * The risk engine through the API on a real database: rules are type-checked when saved, versioned
 * (an old assessment keeps naming the version it used), assessments are deterministic, a backtest on a
 * hand-built history gives the numbers computed by hand, and demo traffic with the demo pack gives a
 * believable mix in which every planted risk is found and explained.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { installDemoPack } from '../../src/demo/demo-pack.ts';
import { generateDemoFilings } from '../../src/demo/index.ts';

const DAY = 86_400_000;

const phonesRule = (over: Record<string, unknown> = {}) => ({
  id: 'PHONES-CN',
  title: 'Phones from China',
  riskArea: 'undervaluation',
  weight: 70,
  severity: 'high',
  recommendedAction: 'physical-check',
  status: 'active',
  reason: 'Phones from China are often undervalued.',
  condition: 'goods.exists(g, g.hsCode.startsWith("8517") && g.origin == "CN")',
  ...over,
});

forEachDatabase('risk API', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};
  before(async () => {
    t = await startTestApp(target);
    tok['analyst'] = await app().token('NL', 'analyst', 'ana');
    tok['filer'] = await app().token('NL', 'filer', 'acme');
  });
  const send = (method: 'GET' | 'POST' | 'PUT', url: string, who: string, body?: unknown) =>
    app().server.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${tok[who]!}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  const assessPending = async (): Promise<void> => {
    const events = await app().deps.db.query<{
      payload: { mrn: string; authority: string; version: number };
    }>(`SELECT payload FROM outbox WHERE topic = 'filing.ready' AND processed_at IS NULL ORDER BY id`);
    for (const e of events.rows) {
      await app().deps.assessments.handleReady(e.payload);
    }
    await app().deps.db.query(`UPDATE outbox SET processed_at = now() WHERE processed_at IS NULL`);
  };

  test('a rule is type-checked when saved: errors name the code and the position; nothing is stored', async () => {
    const cases: [string, string, number, number][] = [
      ['goods.exists(g, g.hsCod.startsWith("85"))', 'VIGIL_RULE_UNKNOWN_FIELD', 1, 18],
      ['transport.transitHours', 'VIGIL_RULE_NOT_BOOLEAN', 1, 1],
      ['transport.mode > 3', 'VIGIL_RULE_TYPE_ERROR', 1, 1],
      ['goods.exists(g, ', 'VIGIL_RULE_SYNTAX', 1, 17],
      ['inWatchlist("no-such-list", consignor.name)', 'VIGIL_RULE_UNKNOWN_REFERENCE', 1, 1],
    ];
    for (const [condition, code, line] of cases) {
      const r = await send('POST', '/v1/rules', 'analyst', phonesRule({ id: `BAD-${code}`, condition }));
      assert.equal(r.statusCode, 422, condition);
      assert.equal(r.json().code, 'VIGIL_RULE_INVALID');
      const e = r.json().errors[0];
      assert.equal(e.code, code, `${condition}: ${JSON.stringify(r.json().errors)}`);
      assert.equal(e.path, '$.condition');
      assert.equal(e.position.line, line);
      assert.ok(e.position.column >= 1 && e.position.column <= condition.length + 1, JSON.stringify(e));
      assert.match(e.message, /^line \d+, column \d+: /);
    }
    const unknownField = await send(
      'POST',
      '/v1/rules',
      'analyst',
      phonesRule({ id: 'BAD-FIELD', condition: 'goods.exists(g, g.hsCod.startsWith("85"))' }),
    );
    assert.equal(unknownField.json().errors[0].position.column, 19, 'the column points at the unknown field');
    const list = await send('GET', '/v1/rules', 'analyst');
    assert.deepEqual(list.json().items, []);
    assert.equal((await send('POST', '/v1/rules', 'filer', phonesRule())).statusCode, 403);
  });

  test('versioning: a change makes a new version, and an old assessment keeps naming the version it used', async () => {
    assert.equal((await send('POST', '/v1/rules', 'analyst', phonesRule())).statusCode, 201);
    assert.equal((await send('POST', '/v1/rules', 'analyst', phonesRule())).statusCode, 409);
    const f = validFiling(app().clock.now(), { lrn: 'VERS-1' });
    const mrn = (await send('POST', '/v1/filings', 'filer', f)).json().mrn as string;
    await assessPending();
    const v1 = (await send('GET', `/v1/filings/${mrn}/assessment`, 'analyst')).json();
    const hit1 = v1.consignments[0].hits.find((h: { id: string }) => h.id === 'PHONES-CN');
    assert.equal(hit1.version, 1);
    assert.equal(v1.consignments[0].outcome.kind, 'control-recommended');
    assert.equal(v1.consignments[0].outcome.controlType, 'physical');

    const put = await send(
      'PUT',
      '/v1/rules/PHONES-CN',
      'analyst',
      phonesRule({ weight: 20, recommendedAction: 'documentary-check' }),
    );
    assert.equal(put.statusCode, 200);
    assert.equal(put.json().version, 2);
    const got = (await send('GET', '/v1/rules/PHONES-CN', 'analyst')).json();
    assert.deepEqual(got.versions, [1, 2]);
    assert.equal((await send('GET', '/v1/rules/PHONES-CN?version=1', 'analyst')).json().rule.weight, 70);

    f['consignments'][0].goods[0].grossMassKg = 1300;
    assert.equal((await send('POST', `/v1/filings/${mrn}/amendments`, 'filer', f)).statusCode, 200);
    await assessPending();
    const current = (await send('GET', `/v1/filings/${mrn}/assessment`, 'analyst')).json();
    assert.equal(current.consignments[0].version, 2);
    assert.equal(current.consignments[0].hits.find((h: { id: string }) => h.id === 'PHONES-CN').version, 2);
    assert.equal(current.consignments[0].outcome.controlType, 'documentary');
    const history = await app().deps.assessmentRepo.assessmentsOf(app().deps.db, 'NL', mrn);
    const old = history.find((a) => a.version === 1)!;
    assert.equal(
      (old.hits as { id: string; version: number }[]).find((h) => h.id === 'PHONES-CN')!.version,
      1,
    );
  });

  test('the same inputs and rule versions give the same assessment', async () => {
    const mrn = (
      await send('POST', '/v1/filings', 'filer', validFiling(app().clock.now(), { lrn: 'DET-1' }))
    ).json().mrn as string;
    // Operator history is an input (an assessment records that the operators were seen): keep it as it was.
    await app().deps.db.query(`CREATE TABLE operator_before AS SELECT * FROM operator`);
    await assessPending();
    const first = await app().deps.assessmentRepo.assessmentsOf(app().deps.db, 'NL', mrn);
    await app().deps.db.query(`DELETE FROM control_task WHERE mrn = $1`, [mrn]);
    await app().deps.db.query(`DELETE FROM assessment WHERE mrn = $1`, [mrn]);
    await app().deps.db.query(`DELETE FROM operator`);
    await app().deps.db.query(`INSERT INTO operator SELECT * FROM operator_before`);
    await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 1 });
    const again = await app().deps.assessmentRepo.assessmentsOf(app().deps.db, 'NL', mrn);
    assert.deepEqual(again, first);
    // A redelivered event changes nothing.
    assert.equal(await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 1 }), 0);
  });

  test('backtest on a hand-built history', async () => {
    const rule = phonesRule({
      id: 'CHEAP',
      status: 'draft',
      weight: 10,
      recommendedAction: 'none',
      condition: 'goods.exists(g, g.valuePerKg < 5.0)',
    });
    assert.equal((await send('POST', '/v1/rules', 'analyst', rule)).statusCode, 201);
    const start = new Date('2027-06-01T00:00:00Z');
    // EUR per kg of each filing's one goods item, lodged a day apart from `start`; one more before the period.
    const perKg = [1, 2, 3, 10, 20, 4];
    const mrns: string[] = [];
    const lodge = async (lrn: string, at: Date, eurPerKg: number): Promise<string> => {
      app().clock.set(at);
      const f = validFiling(at, { lrn });
      f['consignments'][0].goods[0].grossMassKg = 1000;
      f['consignments'][0].goods[0].value = { amount: eurPerKg * 1000, currency: 'EUR' };
      const r = await send('POST', '/v1/filings', 'filer', f);
      assert.equal(r.statusCode, 201, r.body);
      return r.json().mrn as string;
    };
    await lodge('BT-BEFORE', new Date(start.getTime() - DAY), 1);
    for (let i = 0; i < perKg.length; i++) {
      mrns.push(await lodge(`BT-${i}`, new Date(start.getTime() + i * DAY + 3_600_000), perKg[i]!));
    }
    // Controls and their results, by hand: #0 (hit) irregular, #1 (hit) clean, #3 (no hit) irregular.
    const control = async (mrn: string, result: string | null): Promise<void> => {
      const id = `task-${mrn}`;
      await app().deps.db.query(
        `INSERT INTO control_task (id, authority, mrn, version, seq, office, control_type, source, reason, status, due_at, created_at, updated_at)
         VALUES ($1, 'NL', $2, 1, 0, 'NL000396', 'documentary', 'manual', 'test', $3, now(), now(), now())`,
        [id, mrn, result === null ? 'open' : 'done'],
      );
      if (result !== null) {
        await app().deps.db.query(
          `INSERT INTO control_result (id, authority, task_id, mrn, seq, result, details, method, recorded_by, recorded_at)
           VALUES ($1, 'NL', $2, $3, 0, $4, '{}', 'documentary', 'olga', now())`,
          [`res-${mrn}`, id, mrn, result],
        );
      }
    };
    await control(mrns[0]!, 'irregularity');
    await control(mrns[1]!, 'no-irregularity');
    await control(mrns[3]!, 'irregularity');
    const r = await send('POST', '/v1/rules/CHEAP/backtest', 'analyst', {
      from: start.toISOString(),
      to: new Date(start.getTime() + perKg.length * DAY).toISOString(),
    });
    assert.equal(r.statusCode, 200, r.body);
    // By hand: 6 consignments in the period; below 5 EUR/kg are #0, #1, #2 and #5 (4 hits);
    // of those #0 and #1 were controlled, #0 irregular; #2 and #5 had no control (2 added).
    // Day by day, one filing a day: hits on days 0, 1, 2 and 5, of which 2 and 5 add a control.
    const day = (i: number, hits: number, added: number) => ({
      day: new Date(start.getTime() + i * DAY).toISOString().slice(0, 10),
      assessed: 1,
      hits,
      addedControlLoad: added,
    });
    assert.deepEqual(r.json(), {
      rule: { id: 'CHEAP', version: 1 },
      period: { from: start.toISOString(), to: new Date(start.getTime() + perKg.length * DAY).toISOString() },
      consignmentsAssessed: 6,
      consignmentsHit: 4,
      hitRate: 4 / 6,
      controlled: 2,
      irregular: 1,
      irregularShare: 0.5,
      addedControlLoad: 2,
      addedControlLoadShare: 2 / 6,
      evaluationErrors: 0,
      firstEvaluationError: null,
      daily: [day(0, 1, 0), day(1, 1, 0), day(2, 1, 1), day(3, 0, 0), day(4, 0, 0), day(5, 1, 1)],
    });
  });
});

forEachDatabase('demo traffic through the risk engine', (target) => {
  let t: TestApp | undefined;
  closeAfter(() => t);

  test('a believable mix of outcomes, and every planted risk found with its explanation', async () => {
    t = await startTestApp(target);
    const now = t.clock.now();
    assert.equal(await installDemoPack(t.deps, 'NL', now), true);
    const filer = { subject: 'demo', authority: 'NL', role: 'filer' as const };
    const planted = new Map<string, { kind: string; consignment: number }[]>();
    for (const d of generateDemoFilings({ count: 700, seed: 11, now, invalidShare: 0, riskyShare: 0.1 })) {
      const r = await t.deps.filings.register(filer, d.filing);
      if (d.planted.length > 0) {
        planted.set(
          r.filing.mrn,
          d.planted.map((p) => ({
            kind: p.kind,
            consignment: Number(/consignments\[(\d+)\]/.exec(p.path)?.[1] ?? 0),
          })),
        );
      }
    }
    const events = await t.deps.db.query<{ payload: { mrn: string; authority: string; version: number } }>(
      `SELECT payload FROM outbox WHERE topic = 'filing.ready' ORDER BY id`,
    );
    for (const e of events.rows) {
      await t.deps.assessments.handleReady(e.payload);
    }
    const rows = await t.deps.db.query<{
      mrn: string;
      seq: number;
      outcome_kind: string;
      hits: { id: string; reason: string; values: object }[];
    }>(`SELECT mrn, seq, outcome_kind, hits FROM assessment`);
    const byKind: Record<string, number> = {};
    for (const r of rows.rows) {
      byKind[r.outcome_kind] = (byKind[r.outcome_kind] ?? 0) + 1;
    }
    const n = rows.rows.length;
    const share = (k: string): number => (byKind[k] ?? 0) / n;
    assert.ok(n > 1000, `${n} consignments assessed`);
    assert.ok(share('assessment-complete') >= 0.8, JSON.stringify(byKind));
    assert.ok(
      share('control-recommended') >= 0.01 && share('control-recommended') <= 0.15,
      JSON.stringify(byKind),
    );
    assert.ok(share('do-not-load') <= 0.01, JSON.stringify(byKind));

    const expected: Record<string, RegExp> = {
      undervaluation: /^SIG-UNIT-VALUE$/,
      'known-bad-operator': /^DEMO-BAD-OPERATOR$/,
      'watchlisted-container': /^DEMO-SEIZED-CONTAINER$/,
      'misdeclared-description': /^DEMO-MISDECL-/,
      'suspicious-route': /^(DEMO-AD-CIRCUMVENTION|SIG-ROUTE-TRANSSHIPMENT)$/,
    };
    const missed: string[] = [];
    let found = 0;
    for (const [mrn, risks] of planted) {
      for (const risk of risks) {
        const a = rows.rows.find((r) => r.mrn === mrn && r.seq === risk.consignment);
        const hit = a?.hits.find((h) => expected[risk.kind]!.test(h.id));
        if (hit === undefined) {
          missed.push(
            `${risk.kind} in ${mrn}[${risk.consignment}]: ${JSON.stringify(a?.hits.map((h) => h.id))}`,
          );
        } else {
          found++;
          assert.ok(hit.reason.length > 10, 'the hit explains itself');
        }
      }
    }
    assert.ok(found >= 40, `${found} planted risks found`);
    assert.deepEqual(missed, [], `planted risks not found:\n${missed.join('\n')}`);
  });
});
