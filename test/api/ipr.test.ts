/**
 * The register of IPR applications for action (issue 13, point 5), through the API on both engines:
 * - a description naming a protected brand (as written, misspelt, or in Cyrillic) from an
 *   unauthorised consignor is a hit SIG-IPR-BRAND with its own outcome, explained (application, right
 *   holder, brand, the words and how they matched, score); from an authorised one (by EORI or by
 *   name) it is not;
 * - a suspended or expired application finds nothing, nor goods outside its codes, nor a description
 *   without brands;
 * - rules find brands with `ipr.brands(g.description)`;
 * - list and search, change, history and audit; an import with bad records reports each by line and
 *   loads nothing unless asked to skip them; the register is per authority.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assessPending, closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';

interface Hit {
  id: string;
  recommendedAction: string;
  reason: string;
  weight: number;
  values: Record<string, unknown>;
}

const ZENTROVA = {
  number: 'EU-AFA-2027-000101',
  kind: 'union',
  rightHolder: 'Zentrova Sportswear S.p.A. (fictitious)',
  rightHolderContact: 'brand-protection@zentrova.example',
  brands: [{ name: 'ZENTROVA', registration: 'EUTM 018999001', aliases: ['Зентрова'] }],
  goods: ['64'],
  authorised: [
    { role: 'distributor', eori: 'DE123456789012345', name: 'Elektro Handel GmbH', country: 'DE' },
    { role: 'manufacturer', name: 'Zentrova Manufacturing (Dongguan) Co., Ltd.', country: 'CN' },
  ],
  validFrom: '2027-01-01',
};

/** A filing of footwear (640411) from `consignor`, described as `description`. */
function footwear(
  now: Date,
  lrn: string,
  description: string,
  consignor: Record<string, unknown> = { name: 'Guangzhou Lucky Star Trading Co' },
  hsCode = '640411',
): Record<string, any> {
  const f = validFiling(now, { lrn });
  const c = f['consignments'][0];
  c.consignor = { ...c.consignor, ...consignor };
  c.goods[0] = { ...c.goods[0], hsCode, description, value: { amount: 30000, currency: 'EUR' } };
  return f;
}

forEachDatabase('register of IPR applications', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tokens: Record<string, string> = {};
  const send = sender(app, tokens);
  let seq = 0;

  async function lodge(f: Record<string, any>): Promise<string> {
    const r = await send('POST', '/v1/filings', 'filer', f);
    assert.equal(r.statusCode, 201, r.body);
    return r.json().mrn as string;
  }

  async function assessed(
    description: string,
    consignor?: Record<string, unknown>,
    hsCode?: string,
  ): Promise<{ outcome: Record<string, unknown>; hits: Map<string, Hit> }> {
    const mrn = await lodge(footwear(app().clock.now(), `IPR-${++seq}`, description, consignor, hsCode));
    await assessPending(app());
    const a = await send('GET', `/v1/filings/${mrn}/assessment`, 'analyst');
    assert.equal(a.statusCode, 200, a.body);
    const c = a.json().consignments[0];
    return { outcome: c.outcome, hits: new Map((c.hits as Hit[]).map((h) => [h.id, h])) };
  }

  before(async () => {
    t = await startTestApp(target);
    for (const [who, authority, role] of [
      ['filer', 'NL', 'filer'],
      ['analyst', 'NL', 'analyst'],
      ['coordinator', 'NL', 'coordinator'],
      ['be-coordinator', 'BE', 'coordinator'],
    ] as const) {
      tokens[who] = await app().token(authority, role, who);
    }
    const r = await send('POST', '/v1/ipr-applications', 'coordinator', ZENTROVA);
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.headers['location'], '/v1/ipr-applications/EU-AFA-2027-000101');
  });

  test('a protected brand, as written, misspelt or in Cyrillic, from an unauthorised consignor is an explained hit', async () => {
    for (const [description, words, how] of [
      ['MENS RUNNING SHOES ZENTROVA', 'ZENTROVA', 'exact'],
      ['mens running shoes zemtrova', 'zemtrova', 'edits'],
      ['кроссовки мужские зентрова', 'зентрова', 'transliterated'],
    ] as const) {
      const { outcome, hits } = await assessed(description);
      const hit = hits.get('SIG-IPR-BRAND');
      assert.ok(hit, `${description}: ${[...hits.keys()].join(', ')}`);
      assert.equal(hit.recommendedAction, 'physical-check');
      assert.equal(hit.values['application'], 'EU-AFA-2027-000101');
      assert.equal(hit.values['rightHolder'], 'Zentrova Sportswear S.p.A. (fictitious)');
      assert.equal(hit.values['brand'], 'ZENTROVA');
      assert.equal(hit.values['words'], words);
      assert.equal(hit.values['how'], how);
      assert.ok((hit.values['score'] as number) >= 0.85);
      assert.match(hit.reason, new RegExp(`'${words}' names ZENTROVA .*application EU-AFA-2027-000101`));
      assert.equal(outcome['kind'], 'control-recommended');
    }
  });

  test('from an authorised distributor (by EORI) or manufacturer (by name) it is not a hit', async () => {
    const byEori = await assessed('ZENTROVA sneakers', {
      name: 'Some Other Name',
      eori: 'DE123456789012345',
    });
    assert.equal(byEori.hits.has('SIG-IPR-BRAND'), false);
    const byName = await assessed('ZENTROVA sneakers', { name: 'ZENTROVA MANUFACTURING DONGGUAN CO LTD' });
    assert.equal(byName.hits.has('SIG-IPR-BRAND'), false);
  });

  test('goods outside its codes, or a description without brands, are not hit', async () => {
    assert.equal((await assessed('ZENTROVA handbags', undefined, '420221')).hits.has('SIG-IPR-BRAND'), false);
    assert.equal((await assessed('Mens running shoes, textile uppers')).hits.has('SIG-IPR-BRAND'), false);
  });

  test('a rule finds protected brands with ipr.brands', async () => {
    const rule = await send('POST', '/v1/rules', 'analyst', {
      id: 'IPR-ANY-BRAND',
      title: 'A protected brand in a description',
      condition: 'goods.exists(g, ipr.brands(g.description).exists(m, m.score >= 0.9))',
      riskArea: 'ipr',
      weight: 30,
      severity: 'medium',
      recommendedAction: 'documentary-check',
      reason: 'a protected brand is named',
      status: 'active',
    });
    assert.equal(rule.statusCode, 201, rule.body);
    const { hits } = await assessed('кроссовки ЗЕНТРОВА');
    assert.ok(hits.has('IPR-ANY-BRAND'), [...hits.keys()].join(', '));
    assert.equal((await assessed('Sports footwear')).hits.has('IPR-ANY-BRAND'), false);
  });

  test('a suspended, then expired, application finds nothing; history and audit keep each change', async () => {
    const suspended = await send('PUT', '/v1/ipr-applications/EU-AFA-2027-000101', 'coordinator', {
      ...ZENTROVA,
      status: 'suspended',
    });
    assert.equal(suspended.statusCode, 200, suspended.body);
    assert.equal(suspended.json().version, 2);
    assert.equal((await assessed('ZENTROVA sneakers')).hits.has('SIG-IPR-BRAND'), false);
    const expired = await send('PUT', '/v1/ipr-applications/EU-AFA-2027-000101', 'coordinator', {
      ...ZENTROVA,
      validUntil: '2027-01-31',
    });
    assert.equal(expired.json().version, 3);
    assert.equal((await assessed('ZENTROVA sneakers')).hits.has('SIG-IPR-BRAND'), false);
    const history = await send('GET', '/v1/ipr-applications/EU-AFA-2027-000101/history', 'analyst');
    assert.deepEqual(
      history.json().items.map((v: { version: number; action: string }) => `${v.version} ${v.action}`),
      ['1 created', '2 updated', '3 updated'],
    );
    const audit = await app().deps.db.query<{ action: string }>(
      `SELECT action FROM audit_pending WHERE authority = 'NL' AND subject = $1
       UNION ALL SELECT action FROM audit_log WHERE authority = 'NL' AND subject = $1`,
      ['EU-AFA-2027-000101'],
    );
    assert.deepEqual(audit.rows.map((r) => r.action).sort(), [
      'registry.record-changed',
      'registry.record-changed',
      'registry.record-created',
    ]);
    // Back in force for the tests after.
    await send('PUT', '/v1/ipr-applications/EU-AFA-2027-000101', 'coordinator', ZENTROVA);
  });

  test('list and search by brand, right holder, goods code; screen a description', async () => {
    const byBrand = await send('GET', '/v1/ipr-applications?brand=зентр', 'analyst');
    assert.deepEqual(
      byBrand.json().items.map((a: { number: string }) => a.number),
      ['EU-AFA-2027-000101'],
    );
    assert.equal(
      (await send('GET', '/v1/ipr-applications?rightHolder=zentrova', 'analyst')).json().items.length,
      1,
    );
    assert.equal(
      (await send('GET', '/v1/ipr-applications?goodsCode=640411', 'analyst')).json().items.length,
      1,
    );
    assert.equal(
      (await send('GET', '/v1/ipr-applications?goodsCode=851713', 'analyst')).json().items.length,
      0,
    );
    const screen = await send(
      'GET',
      `/v1/ipr-applications/screen?description=${encodeURIComponent('baskets Zentrowa')}&day=2027-03-01`,
      'analyst',
    );
    assert.equal(screen.statusCode, 200, screen.body);
    assert.equal(screen.json().matches[0].brand, 'ZENTROVA');
    assert.equal((await send('GET', '/v1/ipr-applications/NOPE-1', 'analyst')).statusCode, 404);
    const duplicate = await send('POST', '/v1/ipr-applications', 'coordinator', ZENTROVA);
    assert.equal(duplicate.statusCode, 409);
    const noBrand = await send('POST', '/v1/ipr-applications', 'coordinator', {
      ...ZENTROVA,
      number: 'X-1-2',
      brands: [],
    });
    assert.equal(noBrand.statusCode, 422);
    assert.equal(noBrand.json().code, 'VIGIL_IPR_APPLICATION_INVALID');
  });

  test('an import reports bad records by line, loads nothing unless asked, then loads the good ones', async () => {
    const csv = [
      'record,number,application,rightHolder,goods,validFrom,validUntil,name,registration,aliases,role,eori',
      'application,NL-AFA-2027-0042,,Kalimbo Toys B.V. (fictitious),9503,2027-01-01,2027-12-31,,,,,',
      'brand,,NL-AFA-2027-0042,,,,,KALIMBO,BX 1099001,Калимбо,,',
      'authorised,,NL-AFA-2027-0042,,,,,Kalimbo Distribution BV,,,distributor,NL123456789',
      'brand,,NL-AFA-2099-9999,,,,,ORPHAN,,,,',
      'application,NL-AFA-2027-0043,,Bad Dates BV,9503,2027-05-01,2027-01-01,,,,,',
      'authorised,,NL-AFA-2027-0042,,,,,,,,reseller,',
    ].join('\n');
    const refused = await send('POST', '/v1/ipr-applications/import', 'coordinator', csv, 'text/csv');
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json().code, 'VIGIL_REGISTRY_IMPORT_INVALID');
    const errors = refused.json().errors as { code: string; path: string; message: string }[];
    assert.deepEqual(
      errors.map((e) => `${e.path} ${e.code}`),
      [
        '$[3].application VIGIL_IPR_APPLICATION_NOT_FOUND',
        '$[4].validUntil VIGIL_REGISTRY_VALIDITY_INVALID',
        '$[5].role VIGIL_SCHEMA_VALUE',
      ],
    );
    assert.match(errors[0]!.message, /^line 5: /);
    assert.equal((await send('GET', '/v1/ipr-applications/NL-AFA-2027-0042', 'analyst')).statusCode, 404);
    const loaded = await send(
      'POST',
      '/v1/ipr-applications/import?skipBad=true',
      'coordinator',
      csv,
      'text/csv',
    );
    assert.equal(loaded.statusCode, 200, loaded.body);
    assert.deepEqual(loaded.json().records, { application: 1, brand: 1, authorised: 1 });
    assert.deepEqual(loaded.json().applications, { created: 1, updated: 0, unchanged: 0 });
    assert.equal(loaded.json().skipped, 3);
    const kalimbo = (await send('GET', '/v1/ipr-applications/NL-AFA-2027-0042', 'analyst')).json();
    assert.deepEqual(kalimbo.brands, [{ name: 'KALIMBO', registration: 'BX 1099001', aliases: ['Калимбо'] }]);
    assert.equal(kalimbo.authorised[0].eori, 'NL123456789');
    // The same file again changes nothing.
    const again = await send(
      'POST',
      '/v1/ipr-applications/import?skipBad=true',
      'coordinator',
      csv,
      'text/csv',
    );
    assert.deepEqual(again.json().applications, { created: 0, updated: 0, unchanged: 1 });
  });

  test('the register is per authority', async () => {
    const r = await send('GET', '/v1/ipr-applications/EU-AFA-2027-000101', 'be-coordinator');
    assert.equal(r.statusCode, 404);
    assert.equal((await send('GET', '/v1/ipr-applications', 'be-coordinator')).json().items.length, 0);
  });
});
