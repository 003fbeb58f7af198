/**
 * Intake through the HTTP API on a real database: registration, idempotency, reading and paging,
 * amendments and invalidation, multiple filing, and who may see what.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkMrn } from '../../src/domain/index.ts';
import { closeAfter, forEachDatabase, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validAirFiling, validFiling, validHouseFiling, validMasterFiling } from '../support/filings.ts';

forEachDatabase('filings API', (target) => {
  let t: TestApp | undefined;
  let filer = '';
  const app = () => t!;
  before(async () => {
    t = await startTestApp(target);
    filer = await t.token('NL', 'filer', 'acme');
  });
  closeAfter(() => t);

  const post = (url: string, body: unknown, token = filer) =>
    app().server.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
  const get = (url: string, token = filer) =>
    app().server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  test('a valid filing is registered with a valid MRN and one outbox event', async () => {
    const outboxBefore = await app().count('outbox');
    const r = await post('/v1/filings', validFiling(app().clock.now(), { lrn: 'REG-1' }));
    assert.equal(r.statusCode, 201);
    const body = r.json();
    assert.equal(checkMrn(body.mrn), undefined);
    assert.match(body.mrn, /^27NL/);
    assert.equal(body.status, 'registered');
    assert.equal(body.lrn, 'REG-1');
    assert.deepEqual(
      body.consignments.map((c: { status: string }) => c.status),
      ['complete'],
    );
    assert.equal(r.headers['location'], `/v1/filings/${body.mrn}`);
    assert.equal(await app().count('outbox'), outboxBefore + 1);
  });

  test('resubmitting the same LRN returns 200 with the same MRN and stores nothing new', async () => {
    const f = validFiling(app().clock.now(), { lrn: 'IDEM-1' });
    const first = await post('/v1/filings', f);
    const filings = await app().count('filing');
    const outbox = await app().count('outbox');
    const again = await post('/v1/filings', f);
    assert.equal(first.statusCode, 201);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().mrn, first.json().mrn);
    assert.equal(await app().count('filing'), filings);
    assert.equal(await app().count('outbox'), outbox);
    // Another filer may use the same LRN: it is theirs.
    const other = await post('/v1/filings', f, await app().token('NL', 'filer', 'other-forwarder'));
    assert.equal(other.statusCode, 201);
    assert.notEqual(other.json().mrn, first.json().mrn);
  });

  test('concurrent resubmissions of one LRN create one filing', async () => {
    const f = validFiling(app().clock.now(), { lrn: 'RACE-1' });
    const rs = await Promise.all([post('/v1/filings', f), post('/v1/filings', f), post('/v1/filings', f)]);
    assert.deepEqual(rs.map((r) => r.statusCode).sort(), [200, 200, 201]);
    assert.equal(new Set(rs.map((r) => r.json().mrn)).size, 1);
  });

  test('EORIs are stored normalised and warnings are returned for vague terms', async () => {
    const f = validFiling(app().clock.now(), { lrn: 'NORM-1' });
    f['declarant'].eori = 'nl 1234 56789';
    f['consignments'][0].goods[0].description = 'Smartphones and spare parts';
    const r = await post('/v1/filings', f);
    assert.equal(r.statusCode, 201);
    assert.deepEqual(
      r.json().warnings.map((w: { code: string }) => w.code),
      ['VIGIL_DESCRIPTION_VAGUE_TERM'],
    );
    const detail = (await get(`/v1/filings/${r.json().mrn}`)).json();
    assert.equal(detail.filing.declarant.eori, 'NL123456789');
  });

  test('an invalid filing gets every error at once and nothing is stored', async () => {
    const before = await app().count('filing');
    const f = validFiling(app().clock.now(), { lrn: 'BAD-1' });
    f['declarant'].eori = 'XX12';
    f['consignments'][0].containers[0].id = 'MSCU1234567';
    f['consignments'][0].goods[0].hsCode = '981234';
    const r = await post('/v1/filings', f);
    assert.equal(r.statusCode, 422);
    assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
    const codes = r.json().errors.map((e: { code: string; path: string }) => `${e.code} ${e.path}`);
    assert.deepEqual(codes.sort(), [
      'R3005 $.declarant.eori',
      'R3021 $.consignments[0].containers[0].id',
      'VIGIL_HS_CODE_INVALID $.consignments[0].goods[0].hsCode',
    ]);
    assert.equal(await app().count('filing'), before);
  });

  test('air waybills are checked and accepted with a dash', async () => {
    const ok = await post('/v1/filings', validAirFiling(app().clock.now(), 'AIR-OK'));
    assert.equal(ok.statusCode, 201, ok.body);
    const bad = validAirFiling(app().clock.now(), 'AIR-BAD');
    bad['consignments'][0].transportDocument.ref = '176-12345676';
    const r = await post('/v1/filings', bad);
    assert.equal(r.statusCode, 422);
    assert.equal(r.json().errors[0].code, 'VIGIL_AWB_INVALID');
  });

  test('reading: a filer sees its own filings, officials their authority’s, nobody else’s', async () => {
    const mine = (await post('/v1/filings', validFiling(app().clock.now(), { lrn: 'SEE-1' }))).json().mrn;
    const otherFiler = await app().token('NL', 'filer', 'someone-else');
    const analystNl = await app().token('NL', 'analyst', 'ana');
    const analystBe = await app().token('BE', 'analyst', 'bob');
    assert.equal((await get(`/v1/filings/${mine}`)).statusCode, 200);
    assert.equal((await get(`/v1/filings/${mine}`, analystNl)).statusCode, 200);
    const hidden = await get(`/v1/filings/${mine}`, otherFiler);
    assert.equal(hidden.statusCode, 404);
    assert.equal(hidden.json().code, 'VIGIL_FILING_NOT_FOUND');
    assert.doesNotMatch(hidden.body, /Acme/);
    assert.equal((await get(`/v1/filings/${mine}`, analystBe)).statusCode, 404);
    const beList = (await get('/v1/filings', analystBe)).json();
    assert.equal(beList.items.length, 0);
    const otherList = (await get('/v1/filings?lrn=SEE-1', otherFiler)).json();
    assert.equal(otherList.items.length, 0);
    // An analyst may read but not lodge.
    const lodge = await post('/v1/filings', validFiling(app().clock.now(), { lrn: 'ANA-1' }), analystNl);
    assert.equal(lodge.statusCode, 403);
    assert.equal(lodge.json().code, 'VIGIL_FORBIDDEN');
  });

  test('missing, malformed, foreign and expired tokens get 401', async () => {
    const none = await app().server.app.inject({ method: 'GET', url: '/v1/filings' });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().code, 'VIGIL_UNAUTHENTICATED');
    assert.equal((await get('/v1/filings', 'not-a-jwt')).statusCode, 401);
    const forged = `${filer.slice(0, -4)}AAAA`;
    assert.equal((await get('/v1/filings', forged)).statusCode, 401);
    const { SignJWT } = await import('jose');
    const foreign = await new SignJWT({ authority: 'NL', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer('vigil')
      .setExpirationTime('1h')
      .sign(new Uint8Array(32));
    assert.equal((await get('/v1/filings', foreign)).statusCode, 401);
    assert.equal((await app().server.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
  });

  test('listing filters by LRN and status and pages with a cursor', async () => {
    const lister = await app().token('NL', 'filer', 'lister');
    for (let i = 0; i < 5; i++) {
      app().clock.advance(1000);
      assert.equal(
        (await post('/v1/filings', validFiling(app().clock.now(), { lrn: `PAGE-${i}` }), lister)).statusCode,
        201,
      );
    }
    const seen: string[] = [];
    let url = '/v1/filings?limit=2';
    for (;;) {
      const page = (await get(url, lister)).json();
      seen.push(...page.items.map((f: { lrn: string }) => f.lrn));
      if (page.next === null) {
        break;
      }
      url = `/v1/filings?limit=2&next=${page.next}`;
    }
    assert.deepEqual(seen, ['PAGE-4', 'PAGE-3', 'PAGE-2', 'PAGE-1', 'PAGE-0']);
    const one = (await get('/v1/filings?lrn=PAGE-2', lister)).json();
    assert.deepEqual(
      one.items.map((f: { lrn: string }) => f.lrn),
      ['PAGE-2'],
    );
    assert.equal((await get('/v1/filings?status=incomplete', lister)).json().items.length, 0);
    const bad = await get('/v1/filings?limit=0&status=lost', lister);
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
      ['$.limit', '$.status'],
    );
    assert.equal((await get('/v1/filings?next=garbage', lister)).statusCode, 400);
  });

  test('amendments make a new version, refuse locked fields and re-trigger assessment', async () => {
    const f = validFiling(app().clock.now(), { lrn: 'AMEND-1' });
    const mrn = (await post('/v1/filings', f)).json().mrn;
    const outbox = await app().count('outbox');
    f['consignments'][0].goods[0].grossMassKg = 1300;
    const ok = await post(`/v1/filings/${mrn}/amendments`, f);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().version, 2);
    assert.equal(await app().count('outbox'), outbox + 1);
    assert.equal((await get(`/v1/filings/${mrn}`)).json().filing.consignments[0].goods[0].grossMassKg, 1300);

    const locked = structuredClone(f);
    locked['lrn'] = 'AMEND-2';
    locked['consignments'][0].transportDocument.ref = 'MAEU999';
    const refused = await post(`/v1/filings/${mrn}/amendments`, locked);
    assert.equal(refused.statusCode, 422);
    assert.deepEqual(
      refused
        .json()
        .errors.map((e: { code: string; path: string }) => `${e.code} ${e.path}`)
        .sort(),
      [
        'VIGIL_AMENDMENT_FIELD_LOCKED $.consignments[0].transportDocument',
        'VIGIL_AMENDMENT_FIELD_LOCKED $.lrn',
      ],
    );
    const invalid = structuredClone(f);
    invalid['transport'].routing = ['SG', 'NL'];
    assert.equal((await post(`/v1/filings/${mrn}/amendments`, invalid)).json().errors[0].code, 'R3013');
    assert.equal((await get(`/v1/filings/${mrn}`)).json().version, 2);
    const stranger = await app().token('NL', 'filer', 'stranger');
    assert.equal((await post(`/v1/filings/${mrn}/amendments`, f, stranger)).statusCode, 404);
  });

  test('invalidation is final', async () => {
    const f = validFiling(app().clock.now(), { lrn: 'INV-1' });
    const mrn = (await post('/v1/filings', f)).json().mrn;
    const r = await post(`/v1/filings/${mrn}/invalidation`, { reason: 'voyage cancelled' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().status, 'invalidated');
    assert.equal((await get(`/v1/filings/${mrn}`)).json().invalidation.reason, 'voyage cancelled');
    assert.equal((await post(`/v1/filings/${mrn}/invalidation`, {})).json().code, 'VIGIL_FILING_INVALIDATED');
    assert.equal((await post(`/v1/filings/${mrn}/amendments`, f)).statusCode, 409);
    assert.equal((await post(`/v1/filings/${mrn}/invalidation`, { reason: 42 })).statusCode, 400);
  });

  test('multiple filing: master and house stay incomplete until both are in, in either order', async () => {
    const now = app().clock.now();
    const carrier = { eori: 'DK123456789', name: 'Maersk A/S' };
    // The official parts (issue 17): the carrier's master part F12, the forwarder's house part F15.
    const master = (lrn: string, docRef: string) => validMasterFiling(now, lrn, carrier, docRef);
    const house = (lrn: string, docRef: string, masterRef: string) =>
      validHouseFiling(now, lrn, carrier, docRef, masterRef);
    const forwarder = await app().token('NL', 'filer', 'forwarder');

    // Master first; its filer accepts the forwarder's houses (another filer's house links only so).
    const m1 = (await post('/v1/filings', master('M-1', 'MAEU100000001'))).json();
    assert.equal(m1.status, 'incomplete');
    assert.equal(
      (await post(`/v1/filings/${m1.mrn}/house-filers`, { filers: ['forwarder'] })).statusCode,
      200,
    );
    const outbox = await app().count('outbox');
    const h1 = (await post('/v1/filings', house('H-1', 'HBL-1', 'MAEU100000001'), forwarder)).json();
    assert.equal(h1.status, 'registered');
    assert.equal(h1.consignments[0].status, 'complete');
    // The forwarder never learns the carrier's MRN; the authority sees the link.
    assert.equal(h1.consignments[0].masterMrn, undefined);
    assert.equal((await get(`/v1/filings/${m1.mrn}`)).json().status, 'registered');
    assert.equal(await app().count('outbox'), outbox + 2, 'both parts become ready for assessment');

    // House first: it waits, and links when the master's filer accepts its filer.
    const h2 = (await post('/v1/filings', house('H-2', 'HBL-2', 'MAEU100000002'), forwarder)).json();
    assert.equal(h2.status, 'incomplete');
    const m2 = (await post('/v1/filings', master('M-2', 'MAEU100000002'))).json();
    assert.equal(m2.status, 'incomplete');
    const accepted = await post(`/v1/filings/${m2.mrn}/house-filers`, { filers: ['forwarder'] });
    assert.equal(accepted.json().linkedConsignments, 1);
    assert.equal((await get(`/v1/filings/${m2.mrn}`)).json().status, 'registered');
    const h2seen = (await get(`/v1/filings/${h2.mrn}`, forwarder)).json();
    assert.equal(h2seen.status, 'registered');
    assert.equal(h2seen.consignments[0].masterMrn, undefined);

    // A house of another carrier does not link.
    const stray = house('H-3', 'HBL-3', 'MAEU100000002');
    stray['carrier'] = { eori: 'FR12345678901', name: 'CMA CGM' };
    assert.equal((await post('/v1/filings', stray, forwarder)).json().status, 'incomplete');

    // A house filing must name its master.
    const orphan = house('H-4', 'HBL-4', 'X');
    delete orphan['consignments'][0].masterTransportDocument;
    const r = await post('/v1/filings', orphan, forwarder);
    assert.equal(r.statusCode, 422);
    assert.equal(r.json().errors[0].code, 'VIGIL_MASTER_DOCUMENT_REQUIRED');
  });
});
