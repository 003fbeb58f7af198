/**
 * Defects a newcomer found in the core loop (issue "What a newcomer hit"), each reproduced through the
 * API on a real database: every test here failed before its fix.
 * - #1 rule values are in euros, converted with the dated reference rates the assessment names;
 * - #2 an ENS value in a currency without a reference rate is refused, as import declarations refuse it;
 * - #3 editing an active rule without naming a status keeps it active;
 * - #4 a rule on an operator's profile hits alike in a rule test, a backtest and live assessment;
 * - #5 invalidating a filing cancels its open control task, which no officer can then take;
 * - #7 an import declaration retried with the same LRN is the same declaration, even at the same moment;
 * - #6 a request for information says what is asked; the answer is stored and shown; an analyst decides;
 * - #8 hit ids do not repeat within a consignment (operator signals per role, goods-item signals once);
 * - #15 GET /v1/watchlists names each field once, in camelCase;
 * - #9 cash and the other prohibitions that are rule risk areas are seizure categories.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { OperatorRepository } from '../../src/operators/index.ts';
import { h7Body } from '../import-declarations/imports-harness.ts';

const phonesRule = {
  id: 'PHONES-PHYSICAL',
  title: 'Phones: physical check',
  riskArea: 'ipr',
  weight: 40,
  severity: 'high',
  recommendedAction: 'physical-check',
  status: 'active',
  reason: 'counterfeit phones seen on this lane',
  condition: 'goods.exists(g, g.hsCode.startsWith("8517"))',
};

forEachDatabase('newcomer: core-loop defects', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};

  before(async () => {
    t = await startTestApp(target);
    for (const [role, subject] of [
      ['analyst', 'ana'],
      ['filer', 'acme'],
      ['officer', 'olga'],
    ] as const) {
      tok[role] = await app().token('NL', role, subject);
    }
  });

  const send = sender(app, tok);

  const lodgeAndAssess = async (body: Record<string, any>): Promise<string> => {
    const r = await send('POST', '/v1/filings', 'filer', body);
    assert.equal(r.statusCode, 201, r.body);
    const mrn = r.json().mrn as string;
    await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 1 });
    return mrn;
  };

  test('#1 rules compare values in EUR; the declared amount is kept and the rate used is named', async () => {
    const body = validFiling(app().clock.now(), { lrn: 'TWO-CURRENCIES' });
    const first = body['consignments'][0].goods[0];
    first.value = { amount: 36_783.42, currency: 'EUR' };
    body['consignments'][0].goods.push({
      ...structuredClone(first),
      description: 'Tablet computers, 10 inch',
      value: { amount: 445_747.4, currency: 'USD' },
    });
    // 36,783.42 EUR + 445,747.40 USD at 1.08 USD per EUR = 449,512.49 EUR (not 482,530.82).
    const rule = {
      ...phonesRule,
      id: 'VALUE-IN-EUR',
      recommendedAction: 'none',
      condition:
        'totalValue > 449512.0 && totalValue < 449513.0 && goods.exists(g, g.currency == "USD" && g.declaredValue == 445747.4 && g.value > 412729.0 && g.value < 412730.0)',
    };
    const tried = await send('POST', '/v1/rules/test', 'analyst', { rule, filing: body });
    assert.equal(tried.statusCode, 200, tried.body);
    assert.equal(tried.json().hit, true, tried.body);

    const mrn = await lodgeAndAssess(body);
    const a = (await send('GET', `/v1/filings/${mrn}/assessment`, 'analyst')).json();
    assert.deepEqual(a.consignments[0].conversion, {
      ratesFrom: '2026-11-02',
      perEur: { EUR: 1, USD: 1.08 },
    });
  });

  test('#2 an ENS goods value in a currency without a reference rate is refused with its path', async () => {
    const body = validFiling(app().clock.now(), { lrn: 'CUR-XYZ' });
    body['consignments'][0].goods[0].value = { amount: 1000, currency: 'XYZ' };
    const r = await send('POST', '/v1/filings', 'filer', body);
    assert.equal(r.statusCode, 422, r.body);
    assert.deepEqual(
      r.json().errors.map((e: { code: string; path: string }) => [e.code, e.path]),
      [['VIGIL_CURRENCY_UNKNOWN', '$.consignments[0].goods[0].value.currency']],
    );
    const stored = await app().deps.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM filing WHERE lrn = 'CUR-XYZ'`,
    );
    assert.equal(stored.rows[0]!.n, 0, 'nothing is stored');
  });

  test('#3 an edit that does not name a status keeps the rule active', async () => {
    const created = await send('POST', '/v1/rules', 'analyst', { ...phonesRule, id: 'KEEP-ACTIVE' });
    assert.equal(created.statusCode, 201, created.body);
    const { status: _omitted, ...withoutStatus } = { ...phonesRule, id: 'KEEP-ACTIVE', weight: 55 };
    const edited = await send('PUT', '/v1/rules/KEEP-ACTIVE', 'analyst', withoutStatus);
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json().version, 2);
    assert.equal(edited.json().status, 'active');
    assert.equal(edited.json().weight, 55);
    // Naming a status still changes it.
    const retired = await send('PUT', '/v1/rules/KEEP-ACTIVE', 'analyst', {
      ...withoutStatus,
      status: 'retired',
    });
    assert.equal(retired.json().status, 'retired');
  });

  test('#4 a rule on the operator profile hits in a test and a backtest as it hits live', async () => {
    const now = app().clock.now();
    const body = validFiling(now, { lrn: 'PROFILE-1' });
    body['consignments'][0].consignee = {
      name: 'Seized Before BV',
      eori: 'NL777777777',
      address: { street: 'Kade 1', city: 'Rotterdam', postcode: '3011AA', country: 'NL' },
    };
    await app().deps.db.transaction((tx) =>
      new OperatorRepository().setCompliance(
        tx,
        'NL',
        [{ key: 'eori:NL777777777', name: 'Seized Before BV', controls: 2, irregularities: 0, seizures: 1 }],
        now,
      ),
    );
    const rule = {
      ...phonesRule,
      id: 'SEIZED-BEFORE',
      recommendedAction: 'documentary-check',
      condition: 'operator.seizures > 0',
    };
    const tried = await send('POST', '/v1/rules/test', 'analyst', { rule, filing: body });
    assert.equal(tried.statusCode, 200, tried.body);
    assert.equal(tried.json().hit, true, tried.body);

    assert.equal((await send('POST', '/v1/rules', 'analyst', rule)).statusCode, 201);
    const mrn = await lodgeAndAssess(body);
    const live = await send('GET', `/v1/filings/${mrn}/assessment`, 'analyst');
    assert.ok(
      live.json().consignments[0].hits.some((h: { id: string }) => h.id === 'SEIZED-BEFORE'),
      live.body,
    );
    const back = await send('POST', '/v1/rules/SEIZED-BEFORE/backtest', 'analyst', {
      from: new Date(now.getTime() - 86_400_000).toISOString(),
      to: new Date(now.getTime() + 86_400_000).toISOString(),
    });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(back.json().consignmentsHit, 1, back.body);
  });

  test('#5 invalidating a filing cancels its open control task; no officer can take it', async () => {
    assert.equal((await send('POST', '/v1/rules', 'analyst', phonesRule)).statusCode, 201);
    const mrn = await lodgeAndAssess(validFiling(app().clock.now(), { lrn: 'INVALIDATED-1' }));
    const queue = await send('GET', '/v1/controls?limit=100', 'officer');
    const task = queue.json().items.find((x: { mrn: string }) => x.mrn === mrn);
    assert.ok(task, `no control task for ${mrn}: ${queue.body}`);
    assert.equal(task.status, 'open');

    const inv = await send('POST', `/v1/filings/${mrn}/invalidation`, 'filer', { reason: 'not shipped' });
    assert.equal(inv.statusCode, 200, inv.body);

    const after = await send('GET', `/v1/controls/${task.id as string}`, 'officer');
    assert.equal(after.json().task.status, 'cancelled');
    const take = await send('POST', `/v1/controls/${task.id as string}/assign`, 'officer', {});
    assert.equal(take.statusCode, 409, take.body);
    const open = await send('GET', '/v1/controls?limit=100', 'officer');
    assert.ok(!open.json().items.some((x: { mrn: string }) => x.mrn === mrn));
  });

  test('#6 an RFI says what is asked, keeps the answer, and stays open until an analyst decides', async () => {
    const asks = {
      ...phonesRule,
      id: 'ASK-MAKER',
      recommendedAction: 'request-for-information',
      reason: 'State the maker and model of the laptops.',
      condition: 'goods.exists(g, g.hsCode.startsWith("847130"))',
    };
    assert.equal((await send('POST', '/v1/rules', 'analyst', asks)).statusCode, 201);
    // Laptops, which no other rule of this suite asks a control for.
    const body = validFiling(app().clock.now(), { lrn: 'RFI-1' });
    Object.assign(body['consignments'][0].goods[0], { hsCode: '847130', description: 'Laptops, 14 inch' });
    const mrn = await lodgeAndAssess(body);
    const asked = (await send('GET', `/v1/filings/${mrn}/outcome`, 'filer')).json().consignments[0].outcome;
    assert.equal(asked.kind, 'request-for-information');
    assert.deepEqual(asked.questions, ['State the maker and model of the laptops.']);
    assert.ok(asked.message.includes('State the maker and model of the laptops.'), asked.message);
    assert.ok(asked.message.includes(`/v1/filings/${mrn}/rfi-response`), asked.message);
    assert.ok(!asked.message.includes('{mrn}'), asked.message);

    const answered = await send('POST', `/v1/filings/${mrn}/rfi-response`, 'filer', {
      consignment: 0,
      answer: 'x',
    });
    assert.equal(answered.statusCode, 200, answered.body);
    // Any answer is not an all-clear: the request stays open, with the answer, for customs to judge.
    const after = (await send('GET', `/v1/filings/${mrn}/outcome`, 'filer')).json().consignments[0].outcome;
    assert.equal(after.kind, 'request-for-information');
    assert.equal(after.answer.text, 'x');
    const official = (await send('GET', `/v1/filings/${mrn}/assessment`, 'analyst')).json();
    assert.equal(official.consignments[0].outcome.kind, 'request-for-information');
    assert.equal(official.consignments[0].outcome.answer.text, 'x');
    assert.equal(official.consignments[0].outcome.answer.by, 'acme');

    // The analyst judges the answer: dismissing the request closes it.
    const decided = await send('POST', `/v1/filings/${mrn}/assessment/reviews`, 'analyst', {
      consignment: 0,
      hitId: 'ASK-MAKER',
      decision: 'dismissed',
      reason: 'answer names maker and model',
    });
    assert.equal(decided.statusCode, 200, decided.body);
    const closed = (await send('GET', `/v1/filings/${mrn}/outcome`, 'filer')).json().consignments[0].outcome;
    assert.notEqual(closed.kind, 'request-for-information');
  });

  test('#7 import declarations are idempotent on the filer and LRN', async () => {
    const body = h7Body((b) => {
      b['lrn'] = 'SHOP-RETRY-1';
    });
    const first = await send('POST', '/v1/import-declarations', 'filer', body);
    assert.equal(first.statusCode, 201, first.body);
    const retry = await send('POST', '/v1/import-declarations', 'filer', body);
    assert.equal(retry.statusCode, 200, retry.body);
    assert.deepEqual(retry.json(), first.json());
    // Two retries at the same moment still make one declaration.
    const twin = h7Body((b) => {
      b['lrn'] = 'SHOP-RETRY-2';
    });
    const both = await Promise.all([
      send('POST', '/v1/import-declarations', 'filer', twin),
      send('POST', '/v1/import-declarations', 'filer', twin),
    ]);
    assert.deepEqual(both.map((r) => r.statusCode).sort(), [200, 201]);
    assert.equal(both[0].json().id, both[1].json().id);
    const count = await app().deps.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM import_declaration WHERE body->>'lrn' LIKE 'SHOP-RETRY-%'`,
    );
    assert.equal(count.rows[0]!.n, 2);
    // Another filer's LRN is its own.
    tok['other-filer'] = await app().token('NL', 'filer', 'other-shop');
    const other = await send('POST', '/v1/import-declarations', 'other-filer', body);
    assert.equal(other.statusCode, 201, other.body);
    assert.notEqual(other.json().id, first.json().id);
  });

  test('#7 an import declaration can be amended (lane never lowered) and invalidated by its filer', async () => {
    const body = h7Body((b) => {
      b['lrn'] = 'SHOP-AMEND-1';
    });
    const lodged = await send('POST', '/v1/import-declarations', 'filer', body);
    assert.equal(lodged.statusCode, 201, lodged.body);
    const id = lodged.json().id as string;
    const lane = lodged.json().lane as string;

    const amended = structuredClone(body);
    amended['goods'][0].description = 'Leather shoes, size 42';
    const a = await send('POST', `/v1/import-declarations/${id}/amendments`, 'filer', amended);
    assert.equal(a.statusCode, 200, a.body);
    assert.deepEqual([a.json().version, a.json().status], [2, 'amended']);
    assert.equal(a.json().declaration.goods[0].description, 'Leather shoes, size 42');
    const order = ['green', 'blue', 'yellow', 'red'];
    assert.ok(order.indexOf(a.json().lane) >= order.indexOf(lane), `${lane} → ${String(a.json().lane)}`);

    const moved = structuredClone(body);
    moved['office'] = 'NL000399';
    const locked = await send('POST', `/v1/import-declarations/${id}/amendments`, 'filer', moved);
    assert.equal(locked.statusCode, 422, locked.body);
    assert.deepEqual(
      locked.json().errors.map((e: { code: string; path: string }) => `${e.code} ${e.path}`),
      ['VIGIL_AMENDMENT_FIELD_LOCKED $.office'],
    );
    tok['stranger'] = await app().token('NL', 'filer', 'stranger');
    assert.equal(
      (await send('POST', `/v1/import-declarations/${id}/amendments`, 'stranger', amended)).statusCode,
      404,
    );

    const inv = await send('POST', `/v1/import-declarations/${id}/invalidation`, 'filer', {
      reason: 'order cancelled',
    });
    assert.equal(inv.statusCode, 200, inv.body);
    assert.equal(inv.json().status, 'invalidated');
    assert.equal(
      (await send('POST', `/v1/import-declarations/${id}/amendments`, 'filer', amended)).statusCode,
      409,
    );
    assert.equal(
      (await send('POST', `/v1/import-declarations/${id}/invalidation`, 'filer', {})).statusCode,
      409,
    );
    const seen = await send('GET', `/v1/import-declarations/${id}`, 'officer');
    assert.deepEqual(seen.json().invalidation.reason, 'order cancelled');
  });

  test('#8 hit ids do not repeat: operators by role, goods items once per signal', async () => {
    // Reference unit values so that two cheap goods items both trip the unit-value signal.
    await app().deps.db.transaction((tx) =>
      app().deps.assessmentRepo.replaceUnitValueStats(
        tx,
        'NL',
        [{ hs6: '851713', origin: 'CN', n: 50, median: Math.log(150), mad: 0.2 }],
        app().clock.now(),
      ),
    );
    app().deps.contexts.invalidate('NL');
    const body = validFiling(app().clock.now(), { lrn: 'HIT-IDS' });
    const phones = body['consignments'][0].goods[0];
    phones.value = { amount: 2000, currency: 'EUR' };
    body['consignments'][0].goods.push({ ...structuredClone(phones), description: 'Smartphones, 64GB' });
    body['consignments'][0].consignee.name = 'Never Seen Before GmbH';
    body['consignments'][0].consignee.eori = 'DE999999999999999';
    body['consignments'][0].consignor.name = 'Brand New Shipper Co';
    const mrn = await lodgeAndAssess(body);
    const a = await send('GET', `/v1/filings/${mrn}/assessment`, 'analyst');
    const hits = a.json().consignments[0].hits as { id: string; riskArea: string; values: any }[];
    const ids = hits.map((h) => h.id);
    assert.equal(new Set(ids).size, ids.length, `repeated hit ids: ${ids.join(', ')}`);
    const byId = new Map(hits.map((h) => [h.id, h]));
    assert.equal(byId.get('SIG-NEW-CONSIGNEE')?.riskArea, 'undervaluation');
    assert.equal(byId.get('SIG-NEW-CONSIGNOR')?.riskArea, 'security-safety');
    assert.equal(byId.get('SIG-UNIT-VALUE')?.values.goodsItems, '1, 2');

    // Each hit can now be reviewed alone.
    for (const id of ['SIG-NEW-CONSIGNEE', 'SIG-NEW-CONSIGNOR']) {
      const r = await send('POST', `/v1/filings/${mrn}/assessment/reviews`, 'analyst', {
        consignment: 0,
        hitId: id,
        decision: 'dismissed',
        reason: 'known trader, new name',
      });
      assert.equal(r.statusCode, 200, r.body);
    }
  });

  test('#9 a control can record a seizure of cash (in euro) and of the other restricted goods', async () => {
    const mrn = await lodgeAndAssess(validFiling(app().clock.now(), { lrn: 'CASH-1' }));
    const task = (await send('GET', '/v1/controls?limit=100', 'officer'))
      .json()
      .items.find((x: { mrn: string }) => x.mrn === mrn);
    assert.ok(task);
    const r = await send('POST', `/v1/controls/${task.id as string}/result`, 'officer', {
      result: 'seizure',
      category: 'cash',
      quantity: 25_000,
      unit: 'eur',
      method: 'physical',
    });
    assert.equal(r.statusCode, 201, r.body);
    let latest = r.json().result.id as string;
    for (const category of ['sanctions-dual-use', 'cultural-goods', 'drug-precursors']) {
      const corrected = await send('POST', `/v1/controls/${task.id as string}/result`, 'officer', {
        result: 'seizure',
        category,
        quantity: 1,
        unit: 'items',
        method: 'physical',
        supersedes: latest,
        reason: 'recategorised',
      });
      assert.equal(corrected.statusCode, 201, corrected.body);
      assert.equal(corrected.json().result.details.category, category);
      latest = corrected.json().result.id as string;
    }
  });

  test('#15 GET /v1/watchlists names each field once, in camelCase', async () => {
    const made = await send('POST', '/v1/watchlists', 'analyst', {
      name: 'shell-companies',
      subject: 'operator-name',
      entries: [{ value: 'Shell Co One Ltd' }],
    });
    assert.equal(made.statusCode, 201, made.body);
    const list = (await send('GET', '/v1/watchlists', 'analyst')).json().items as Record<string, unknown>[];
    const item = list.find((w) => w['name'] === 'shell-companies')!;
    assert.deepEqual(Object.keys(item).sort(), [
      'description',
      'name',
      'size',
      'subject',
      'threshold',
      'updatedAt',
    ]);
  });
});
