/**
 * The registry of certificates and licences (issue 13, point 4), through the API on both engines:
 * - 50 declarations lodged at once (on two servers of one database), each writing off 3 units of a
 *   certificate for 100: exactly 33 are written off, the other 17 are registered with
 *   VIGIL_CERTIFICATE_EXHAUSTED and nothing taken, 1 unit is left, and the usage says who took what;
 * - a refused write-off is an explained hit with its own outcome (a physical check), a mismatch
 *   (unknown, cancelled, expired, other goods, other holder, no quantity, other unit) a documentary
 *   check, and goods that a measure says need a certificate and cite none are found too;
 * - an invalidated filing gives its quantity back; an amendment gives back and writes off again;
 * - a quantity cannot be lowered below what was written off; history and audit keep every change;
 * - an import with malformed records reports each and loads nothing unless asked to skip them;
 * - the registry is per authority.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/index.ts';
import { composeApp } from '../../src/app/compose.ts';
import { buildServer } from '../../src/api/server.ts';
import { assessPending, closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';

const HOLDER = 'DE123456789012345';
const PERMIT = 'DE-CITES-2027-000100';

interface Hit {
  id: string;
  recommendedAction: string;
  reason: string;
  weight: number;
  effectiveWeight: number;
  values: Record<string, unknown>;
}

/** A filing of rosewood whose goods items cite what `docs` says (one item per entry). */
function rosewood(
  now: Date,
  lrn: string,
  docs: readonly (Record<string, unknown> | undefined)[],
): Record<string, any> {
  const f = validFiling(now, { lrn });
  const template = f['consignments'][0].goods[0];
  f['consignments'][0].goods = docs.map((d, i) => ({
    ...structuredClone(template),
    hsCode: '440799',
    description: `Sawn rosewood (Dalbergia), planed, lot ${i + 1}`,
    origin: 'CM',
    ...(d !== undefined ? { supportingDocuments: [d] } : {}),
  }));
  return f;
}

const cite = (number: string, quantity?: number, unit = 'MTQ', type = 'C400'): Record<string, unknown> => ({
  type,
  ref: number,
  ...(quantity !== undefined ? { quantity, unit } : {}),
});

forEachDatabase('registry of certificates', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tokens: Record<string, string> = {};
  const send = sender(app, tokens);
  let permitId = '';
  const lodged = new Map<
    string,
    { mrn: string; warnings: { code: string; path: string; message: string }[] }
  >();

  async function certificate(
    body: Record<string, unknown>,
    who = 'coordinator',
  ): Promise<Record<string, any>> {
    const r = await send('POST', '/v1/certificates', who, body);
    assert.equal(r.statusCode, 201, r.body);
    return r.json();
  }

  async function hitsOf(mrn: string): Promise<{ outcome: Record<string, unknown>; hits: Map<string, Hit> }> {
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
    permitId = (
      await certificate({
        type: 'cites-permit',
        number: PERMIT,
        issuer: 'Bundesamt für Naturschutz',
        holderEori: HOLDER,
        goods: ['4407'],
        quantity: 100,
        unit: 'MTQ',
        validFrom: '2027-01-01',
        validUntil: '2027-06-30',
      })
    ).id as string;
  });

  test('50 declarations at once, 3 units each, against 100: exactly 33 written off, 1 left', async () => {
    // A second server on the same database, as a second `vigil serve` would be: its own group commit,
    // its own connections.
    const other = await buildServer(
      loadConfig({ VIGIL_DATA_DIR: app().dataDir, VIGIL_LOG_LEVEL: 'silent' }),
      await composeApp(loadConfig({ VIGIL_DATA_DIR: app().dataDir, VIGIL_LOG_LEVEL: 'silent' }), {
        db: app().deps.db,
        clock: app().clock,
      }),
    );
    await other.app.ready();
    try {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => {
          const server = i % 2 === 0 ? app().server : other;
          return server.app.inject({
            method: 'POST',
            url: '/v1/filings',
            headers: { authorization: `Bearer ${tokens['filer']!}`, 'content-type': 'application/json' },
            payload: JSON.stringify(rosewood(app().clock.now(), `CONC-${i}`, [cite(PERMIT, 3)])),
          });
        }),
      );
      for (const a of answers) {
        assert.equal(a.statusCode, 201, a.body);
        lodged.set(a.json().lrn, a.json());
      }
    } finally {
      await other.stop();
    }
    const refused = [...lodged.values()].filter((f) =>
      f.warnings.some((w) => w.code === 'VIGIL_CERTIFICATE_EXHAUSTED'),
    );
    assert.equal(refused.length, 17, 'the 17 that came too late are flagged');
    for (const f of refused) {
      assert.deepEqual(
        f.warnings.map((w) => `${w.code} ${w.path}`),
        ['VIGIL_CERTIFICATE_EXHAUSTED $.consignments[0].goods[0].supportingDocuments[0]'],
      );
      assert.match(
        f.warnings[0]!.message,
        /has [012] MTQ left; the goods item uses 3: nothing was written off/,
      );
    }
    const cert = await send('GET', `/v1/certificates/${permitId}`, 'analyst');
    assert.equal(cert.json().remaining, 1);
    assert.equal(cert.json().quantity, 100);
    const usage = await send('GET', `/v1/certificates/${permitId}/usage?limit=500`, 'analyst');
    const uses = usage.json().items as {
      status: string;
      quantity: number | null;
      code: string | null;
      mrn: string;
    }[];
    assert.equal(uses.filter((u) => u.status === 'written-off').length, 33);
    assert.equal(
      uses.filter((u) => u.status === 'written-off').reduce((n, u) => n + u.quantity!, 0),
      99,
    );
    assert.deepEqual(
      new Set(uses.filter((u) => u.status === 'refused').map((u) => `${u.code} ${u.quantity}`)),
      new Set(['VIGIL_CERTIFICATE_EXHAUSTED null']),
    );
    assert.equal(uses.filter((u) => u.status === 'refused').length, 17);
    // A page at a time gives the same uses.
    const first = await send('GET', `/v1/certificates/${permitId}/usage?limit=30`, 'analyst');
    const rest = await send(
      'GET',
      `/v1/certificates/${permitId}/usage?limit=30&next=${first.json().next}`,
      'analyst',
    );
    assert.equal(first.json().items.length + rest.json().items.length, 50);
    assert.equal(rest.json().next, null);
  });

  test('a refused write-off is an explained hit with its own outcome; a written-off one is none', async () => {
    await assessPending(app());
    const refused = [...lodged.values()].find((f) => f.warnings.length > 0)!;
    const { outcome, hits } = await hitsOf(refused.mrn);
    const hit = hits.get('SIG-CERTIFICATE-EXHAUSTED');
    assert.ok(hit, `hits: ${[...hits.keys()].join(', ')}`);
    assert.equal(hit.recommendedAction, 'physical-check');
    assert.equal(hit.effectiveWeight, hit.weight, 'no AEO status stands in for a licence');
    assert.match(hit.reason, new RegExp(`goods item 1: certificate C400 ${PERMIT} has [012] MTQ left`));
    assert.equal(outcome['kind'], 'control-recommended');
    assert.equal(outcome['controlType'], 'physical');
    const ok = [...lodged.values()].find((f) => f.warnings.length === 0)!;
    const clean = await hitsOf(ok.mrn);
    assert.ok(![...clean.hits.keys()].some((id) => id.startsWith('SIG-CERTIFICATE')));
  });

  test('an invalidated filing gives its quantity back; an amendment gives back and writes off again', async () => {
    const ok = [...lodged.values()].find((f) => f.warnings.length === 0)!;
    const inv = await send('POST', `/v1/filings/${ok.mrn}/invalidation`, 'filer', { reason: 'cancelled' });
    assert.equal(inv.statusCode, 200, inv.body);
    assert.equal((await send('GET', `/v1/certificates/${permitId}`, 'analyst')).json().remaining, 4);
    const released = (await send('GET', `/v1/certificates/${permitId}/usage?limit=500`, 'analyst'))
      .json()
      .items.filter((u: { mrn: string }) => u.mrn === ok.mrn);
    assert.equal(released.length, 1);
    assert.equal(released[0].status, 'released');

    // A refused one asks for 2 instead: written off now, and assessed again without the hit.
    const refused = [...lodged.values()].find((f) => f.warnings.length > 0)!;
    const body = (await send('GET', `/v1/filings/${refused.mrn}`, 'filer')).json().filing;
    body.consignments[0].goods[0].supportingDocuments[0].quantity = 2;
    const amended = await send('POST', `/v1/filings/${refused.mrn}/amendments`, 'filer', body);
    assert.equal(amended.statusCode, 200, amended.body);
    assert.deepEqual(amended.json().warnings, []);
    assert.equal((await send('GET', `/v1/certificates/${permitId}`, 'analyst')).json().remaining, 2);
    await assessPending(app());
    const again = await hitsOf(refused.mrn);
    assert.equal(again.hits.has('SIG-CERTIFICATE-EXHAUSTED'), false);
    // Amending it again to 3 gives its 2 back first: 2 + 2 - 3 = 1.
    body.consignments[0].goods[0].supportingDocuments[0].quantity = 3;
    const twice = await send('POST', `/v1/filings/${refused.mrn}/amendments`, 'filer', body);
    assert.equal(twice.statusCode, 200, twice.body);
    assert.equal((await send('GET', `/v1/certificates/${permitId}`, 'analyst')).json().remaining, 1);
    // Its quantity cannot be lowered below what is written off (99 of 100).
    const lower = await send('PUT', `/v1/certificates/${permitId}`, 'coordinator', {
      type: 'cites-permit',
      number: PERMIT,
      issuer: 'Bundesamt für Naturschutz',
      holderEori: HOLDER,
      goods: ['4407'],
      quantity: 98,
      unit: 'MTQ',
      validFrom: '2027-01-01',
      validUntil: '2027-06-30',
    });
    assert.equal(lower.statusCode, 409, lower.body);
    assert.equal(lower.json().code, 'VIGIL_CERTIFICATE_QUANTITY_BELOW_USED');
    assert.equal((await send('GET', `/v1/certificates/${permitId}`, 'analyst')).json().remaining, 1);
  });

  test('a mismatch is a warning and an explained hit (documentary check); nothing is written off', async () => {
    await certificate({
      type: 'cites-permit',
      number: 'NL-CITES-OLD',
      issuer: 'RVO',
      goods: ['4407'],
      quantity: 10,
      unit: 'MTQ',
      validFrom: '2026-01-01',
      validUntil: '2026-12-31',
    });
    const cancelled = await certificate({
      type: 'cites-permit',
      number: 'NL-CITES-CANCELLED',
      issuer: 'RVO',
      goods: ['4407'],
      validFrom: '2027-01-01',
      status: 'cancelled',
    });
    await certificate({
      type: 'cites-permit',
      number: 'NL-CITES-OTHER',
      issuer: 'RVO',
      holderEori: 'NL987654321',
      goods: ['4407'],
      quantity: 10,
      unit: 'MTQ',
      validFrom: '2027-01-01',
    });
    await certificate({
      type: 'cites-permit',
      number: 'NL-CITES-IVORY',
      issuer: 'RVO',
      goods: ['0507'],
      quantity: 10,
      unit: 'KGM',
      validFrom: '2027-01-01',
    });
    const f = rosewood(app().clock.now(), 'MISMATCH-1', [
      cite('NL-CITES-NONE', 1),
      cite('NL-CITES-OLD', 1),
      cite('NL-CITES-CANCELLED', 1),
      cite('NL-CITES-OTHER', 1),
      cite('NL-CITES-IVORY', 1, 'KGM'),
      cite(PERMIT),
      cite(PERMIT, 1, 'KGM'),
    ]);
    const r = await send('POST', '/v1/filings', 'filer', f);
    assert.equal(r.statusCode, 201, r.body);
    assert.deepEqual(
      r
        .json()
        .warnings.map((w: { code: string; path: string }) => `${/goods\[\d+\]/.exec(w.path)![0]} ${w.code}`),
      [
        'goods[0] VIGIL_CERTIFICATE_UNKNOWN',
        'goods[1] VIGIL_CERTIFICATE_NOT_VALID',
        'goods[2] VIGIL_CERTIFICATE_NOT_VALID',
        'goods[3] VIGIL_CERTIFICATE_HOLDER_MISMATCH',
        'goods[4] VIGIL_CERTIFICATE_GOODS_MISMATCH',
        'goods[5] VIGIL_CERTIFICATE_QUANTITY_MISSING',
        'goods[6] VIGIL_CERTIFICATE_UNIT_MISMATCH',
      ],
    );
    assert.equal((await send('GET', `/v1/certificates/${permitId}`, 'analyst')).json().remaining, 1);
    await assessPending(app());
    const { outcome, hits } = await hitsOf(r.json().mrn);
    const hit = hits.get('SIG-CERTIFICATE-INVALID')!;
    assert.equal(hit.recommendedAction, 'documentary-check');
    assert.equal(hit.values['goodsItems'], '1, 2, 3, 4, 5, 6, 7');
    assert.match(
      hit.reason,
      /goods item 2: certificate C400 NL-CITES-OLD is valid from 2026-01-01 to 2026-12-31, not on 2027-02-20/,
    );
    assert.match(hit.reason, /goods item 3: certificate C400 NL-CITES-CANCELLED was cancelled/);
    assert.match(hit.reason, /held by NL987654321, not by the consignee DE123456789012345/);
    assert.equal(outcome['kind'], 'control-recommended');
    // The cancelled certificate's usage shows the refusal.
    const usage = await send('GET', `/v1/certificates/${cancelled['id']}/usage`, 'analyst');
    assert.deepEqual(
      usage.json().items.map((u: { status: string; code: string }) => `${u.status} ${u.code}`),
      ['refused VIGIL_CERTIFICATE_NOT_VALID'],
    );
  });

  test('goods that a measure says need a certificate and cite none are found', async () => {
    const m = await send('POST', '/v1/certificate-requirements', 'coordinator', {
      id: 'CITES-DALBERGIA',
      goodsPrefix: '4407',
      origin: '*',
      certificateType: 'cites-permit',
      description: 'Rosewood (Dalbergia spp.), CITES Appendix II',
      validFrom: '2017-01-02',
    });
    assert.equal(m.statusCode, 201, m.body);
    const group = await send('POST', '/v1/certificate-requirements', 'coordinator', {
      id: 'SANCTIONED-TIMBER',
      goodsPrefix: '44',
      origin: 'sanctioned',
      certificateType: 'flegt-licence',
      description: 'Timber from countries under restrictive measures',
      validFrom: '2022-01-01',
    });
    assert.equal(group.statusCode, 201, group.body);
    const missing = await send(
      'POST',
      '/v1/filings',
      'filer',
      rosewood(app().clock.now(), 'NEEDS-1', [undefined]),
    );
    const cited = await send(
      'POST',
      '/v1/filings',
      'filer',
      rosewood(app().clock.now(), 'NEEDS-2', [cite(PERMIT, 1)]),
    );
    const other = await send(
      'POST',
      '/v1/filings',
      'filer',
      validFiling(app().clock.now(), { lrn: 'NEEDS-3' }),
    );
    await assessPending(app());
    const needs = await hitsOf(missing.json().mrn);
    const hit = needs.hits.get('SIG-CERTIFICATE-MISSING')!;
    assert.ok(hit, `hits: ${[...needs.hits.keys()].join(', ')}`);
    assert.equal(hit.recommendedAction, 'documentary-check');
    assert.match(hit.reason, /goods item 1 \(440799 from CM\) needs a CITES import permit \(CITES-DALBERGIA/);
    assert.equal(hit.values['measures'], 'CITES-DALBERGIA', 'CM is not in the sanctioned group');
    assert.equal((await hitsOf(cited.json().mrn)).hits.has('SIG-CERTIFICATE-MISSING'), false);
    assert.equal(
      (await hitsOf(other.json().mrn)).hits.has('SIG-CERTIFICATE-MISSING'),
      false,
      'phones need none',
    );
    // Ended: no longer asked for.
    const ended = await send('PUT', '/v1/certificate-requirements/CITES-DALBERGIA', 'coordinator', {
      id: 'CITES-DALBERGIA',
      goodsPrefix: '4407',
      origin: '*',
      certificateType: 'cites-permit',
      description: 'Rosewood (Dalbergia spp.), CITES Appendix II',
      validFrom: '2017-01-02',
      validUntil: '2027-01-31',
    });
    assert.equal(ended.statusCode, 200, ended.body);
    assert.equal(ended.json().version, 2);
    const later = await send(
      'POST',
      '/v1/filings',
      'filer',
      rosewood(app().clock.now(), 'NEEDS-4', [undefined]),
    );
    await assessPending(app());
    assert.equal((await hitsOf(later.json().mrn)).hits.has('SIG-CERTIFICATE-MISSING'), false);
  });

  test('history and audit keep every change of a certificate', async () => {
    const created = await certificate({
      type: 'flegt-licence',
      number: 'ID-FLEGT-27-000871',
      issuer: 'Ministry of Environment and Forestry',
      goods: ['4409', '4407'],
      quantity: 20,
      unit: 'MTQ',
      validFrom: '2027-02-01',
    });
    assert.equal(created['documentCode'], 'C690');
    const cancelled = await send('PUT', `/v1/certificates/${created['id']}`, 'coordinator', {
      type: 'flegt-licence',
      number: 'ID-FLEGT-27-000871',
      issuer: 'Ministry of Environment and Forestry',
      goods: ['4409', '4407'],
      quantity: 20,
      unit: 'MTQ',
      validFrom: '2027-02-01',
      status: 'cancelled',
    });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    const renumbered = await send('PUT', `/v1/certificates/${created['id']}`, 'coordinator', {
      type: 'flegt-licence',
      number: 'ID-FLEGT-27-000999',
      issuer: 'x',
      goods: ['4409'],
      validFrom: '2027-02-01',
    });
    assert.equal(renumbered.statusCode, 422, renumbered.body);
    assert.equal(renumbered.json().errors[0].path, '$.number');
    const history = await send('GET', `/v1/certificates/${created['id']}/history`, 'analyst');
    assert.deepEqual(
      history
        .json()
        .items.map((v: { version: number; action: string; data: { status: string } }) => [
          v.version,
          v.action,
          v.data.status,
        ]),
      [
        [1, 'created', 'valid'],
        [2, 'updated', 'cancelled'],
      ],
    );
    const audit = await app().deps.db.query<{ action: string }>(
      `SELECT action FROM audit_pending WHERE authority = 'NL' AND subject = $1
       UNION ALL SELECT action FROM audit_log WHERE authority = 'NL' AND subject = $1`,
      [created['id']],
    );
    assert.deepEqual(audit.rows.map((r) => r.action).sort(), [
      'registry.record-changed',
      'registry.record-created',
    ]);
    const found = await send('GET', '/v1/certificates?goodsCode=440910&type=flegt-licence', 'analyst');
    assert.deepEqual(
      found.json().items.map((c: { id: string }) => c.id),
      [created['id']],
    );
  });

  test('an import with malformed records reports each and loads nothing, unless asked to skip them', async () => {
    const before = await app().count('certificate');
    const csv = [
      'record,type,number,issuer,holderEori,goods,quantity,unit,validFrom,validUntil,id,goodsPrefix,origin,certificateType,description',
      'certificate,cites-permit,NL-CITES-IMP-1,RVO,,4407|4408,50,MTQ,2027-01-01,,,,,,',
      'certificate,cites-permit,NL-CITES-IMP-2,RVO,,4407,50,,2027-01-01,,,,,,',
      'certificate,import-permit,NL-X,RVO,,4407,,,2027-01-01,,,,,,',
      'certificate,cites-permit,NL-CITES-IMP-3,RVO,,44AB,,,2027-01-01,,,,,,',
      'certificate,cites-permit,NL-CITES-IMP-1,RVO,,4407,50,MTQ,2027-01-01,,,,,,',
      'requirement,,,,,,,,2020-01-01,,CITES-IVORY,0507,*,cites-permit,Ivory',
      'requirement,,,,,,,,2020-01-01,,BAD-ORIGIN,0507,Atlantis,cites-permit,Ivory',
    ].join('\n');
    const refused = await send('POST', '/v1/certificates/import', 'coordinator', csv, 'text/csv');
    assert.equal(refused.statusCode, 422, refused.body);
    assert.deepEqual(
      refused.json().errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`),
      [
        '$[1].unit VIGIL_CERTIFICATE_INVALID',
        '$[2].type VIGIL_SCHEMA_VALUE',
        '$[3].goods[0] VIGIL_SCHEMA_FORMAT',
        '$[4] VIGIL_REGISTRY_DUPLICATE',
        '$[6].origin VIGIL_COUNTRY_INVALID',
      ],
    );
    assert.equal(await app().count('certificate'), before);
    const skipped = await send(
      'POST',
      '/v1/certificates/import?skipBad=true',
      'coordinator',
      csv,
      'text/csv',
    );
    assert.equal(skipped.statusCode, 200, skipped.body);
    assert.deepEqual(skipped.json().records, {
      certificate: { created: 1, updated: 0, unchanged: 0 },
      requirement: { created: 1, updated: 0, unchanged: 0 },
    });
    assert.equal(skipped.json().skipped, 5);
    const imported = await send('GET', '/v1/certificates?number=NL-CITES-IMP', 'analyst');
    assert.deepEqual(imported.json().items[0].goods, ['4407', '4408']);
    assert.equal(imported.json().items[0].remaining, 50);
  });

  test('the registry is per authority: another authority’s certificate is unknown here and untouched', async () => {
    const be = await certificate(
      {
        type: 'cites-permit',
        number: 'BE-CITES-1',
        issuer: 'SPF',
        goods: ['4407'],
        quantity: 10,
        unit: 'MTQ',
        validFrom: '2027-01-01',
      },
      'be-coordinator',
    );
    assert.equal((await send('GET', `/v1/certificates/${be['id']}`, 'analyst')).statusCode, 404);
    assert.equal((await send('GET', `/v1/certificates/${permitId}`, 'be-coordinator')).statusCode, 404);
    const r = await send(
      'POST',
      '/v1/filings',
      'filer',
      rosewood(app().clock.now(), 'BE-CERT', [cite('BE-CITES-1', 5)]),
    );
    assert.deepEqual(
      r.json().warnings.map((w: { code: string }) => w.code),
      ['VIGIL_CERTIFICATE_UNKNOWN'],
    );
    assert.equal((await send('GET', `/v1/certificates/${be['id']}`, 'be-coordinator')).json().remaining, 10);
  });
});
