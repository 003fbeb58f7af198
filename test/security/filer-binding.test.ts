/**
 * Finding 9 of the hardening review: a house filing naming another carrier's EORI and master
 * document reference linked to that carrier's master, returned its `masterMrn` and completed the
 * filing. Through the API on a real database, each test makes the attack and asserts the fix:
 * - a house links only to a master lodged by its own filer, or by a filer that accepted it
 *   (POST /v1/filings/{mrn}/house-filers);
 * - a house filer never sees another filer's master MRN, linked or not; officials see the link;
 * - only the master's filer grants that consent, and the consent is audited.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling, validHouseFiling, validMasterFiling } from '../support/filings.ts';

const CARRIER = { eori: 'DK123456789', name: 'Maersk A/S' };

forEachDatabase('filer binding', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};
  const send = sender(app, tok);

  // The official parts (issue 17): the carrier's master part F12, a forwarder's house part F15.
  const master = (lrn: string, docRef: string) => validMasterFiling(app().clock.now(), lrn, CARRIER, docRef);
  const house = (lrn: string, docRef: string, masterRef: string) =>
    validHouseFiling(app().clock.now(), lrn, CARRIER, docRef, masterRef);
  const lodge = async (who: string, body: unknown) => {
    const r = await send('POST', '/v1/filings', who, body);
    assert.equal(r.statusCode, 201, r.body);
    return r.json<{
      mrn: string;
      status: string;
      consignments: { status: string; masterMrn?: string }[];
    }>();
  };

  before(async () => {
    t = await startTestApp(target);
    for (const [name, role, subject] of [
      ['carrier', 'filer', 'maersk'],
      ['mallory', 'filer', 'mallory'],
      ['forwarder', 'filer', 'kuehne'],
      ['analyst', 'analyst', 'ana'],
    ] as const) {
      tok[name] = await app().token('NL', role, subject);
    }
  });

  test("a house naming another filer's carrier EORI and master document neither links nor learns its MRN", async () => {
    const m = await lodge('carrier', master('BIND-M-1', 'MAEU200000001'));
    const h = await lodge('mallory', house('BIND-H-1', 'HBL-X1', 'MAEU200000001'));
    assert.equal(h.status, 'incomplete');
    assert.equal(h.consignments[0]!.status, 'incomplete');
    assert.equal(h.consignments[0]!.masterMrn, undefined);
    assert.ok(!JSON.stringify(h).includes(m.mrn), 'the master MRN appears nowhere in the answer');
    const seen = (await send('GET', `/v1/filings/${h.mrn}`, 'mallory')).body;
    assert.ok(!seen.includes(m.mrn));
    assert.equal((await send('GET', `/v1/filings/${m.mrn}`, 'carrier')).json().status, 'incomplete');

    // The other order: the stray house waits, and the master's arrival does not pick it up.
    const stray = await lodge('mallory', house('BIND-H-2', 'HBL-X2', 'MAEU200000002'));
    const m2 = await lodge('carrier', master('BIND-M-2', 'MAEU200000002'));
    assert.equal(m2.status, 'incomplete');
    const strayNow = (await send('GET', `/v1/filings/${stray.mrn}`, 'mallory')).json();
    assert.equal(strayNow.status, 'incomplete');
    assert.equal(strayNow.consignments[0].masterMrn, undefined);
  });

  test("a filer's own house links to its own master and sees its MRN", async () => {
    const m = await lodge('carrier', master('OWN-M-1', 'MAEU200000010'));
    const h = await lodge('carrier', house('OWN-H-1', 'HBL-O1', 'MAEU200000010'));
    assert.equal(h.status, 'registered');
    assert.equal(h.consignments[0]!.masterMrn, m.mrn);
  });

  test("another filer's house links only with the master filer's consent, and never sees the MRN", async () => {
    const m = await lodge('carrier', master('CONS-M-1', 'MAEU200000020'));
    // Only the master's own filer may accept house filers; to anyone else the filing does not exist.
    const hijack = await send('POST', `/v1/filings/${m.mrn}/house-filers`, 'mallory', {
      filers: ['mallory'],
    });
    assert.equal(hijack.statusCode, 404, hijack.body);
    const waiting = await lodge('forwarder', house('CONS-H-1', 'HBL-C1', 'MAEU200000020'));
    assert.equal(waiting.status, 'incomplete');

    const accepted = await send('POST', `/v1/filings/${m.mrn}/house-filers`, 'carrier', {
      filers: ['kuehne'],
    });
    assert.equal(accepted.statusCode, 200, accepted.body);
    assert.deepEqual(accepted.json().houseFilers, ['kuehne']);
    assert.equal(accepted.json().linkedConsignments, 1);

    const linked = (await send('GET', `/v1/filings/${waiting.mrn}`, 'forwarder')).json();
    assert.equal(linked.status, 'registered');
    assert.equal(linked.consignments[0].status, 'complete');
    assert.equal(linked.consignments[0].masterMrn, undefined, 'the forwarder never learns the MRN');
    // The authority sees the link.
    assert.equal(
      (await send('GET', `/v1/filings/${waiting.mrn}`, 'analyst')).json().consignments[0].masterMrn,
      m.mrn,
    );
    // A house lodged after the consent links at once, still anonymously; an unaccepted filer does not.
    const later = await lodge('forwarder', house('CONS-H-2', 'HBL-C2', 'MAEU200000020'));
    assert.equal(later.status, 'registered');
    assert.equal(later.consignments[0]!.masterMrn, undefined);
    const stray = await lodge('mallory', house('CONS-H-3', 'HBL-C3', 'MAEU200000020'));
    assert.equal(stray.status, 'incomplete');

    // A filing that is not a master takes no house filers.
    const notMaster = await send('POST', `/v1/filings/${later.mrn}/house-filers`, 'forwarder', {
      filers: ['mallory'],
    });
    assert.equal(notMaster.statusCode, 409, notMaster.body);

    await app().deps.audit.chainPending(app().deps.db);
    const entries = await app().deps.audit.list(app().deps.db, { authority: 'NL', subject: m.mrn });
    const consent = entries.find((e) => e.action === 'filing.link-consented');
    assert.equal(consent?.actor, 'filer:maersk');
    assert.deepEqual((consent?.details as { houseFilers: string[] }).houseFilers, ['kuehne']);
  });
  test('a filer token bound to its EORIs lodges, amends and invalidates only for those declarants', async () => {
    const bound = await app().deps.tokens.issue({
      authority: 'NL',
      role: 'filer',
      subject: 'dsv',
      eoris: ['DK987654321'],
      ttlSeconds: 3600,
    });
    tok['dsv'] = bound;
    const as = (method: 'POST' | 'GET', url: string, body?: unknown) => send(method, url, 'dsv', body);
    const forDeclarant = (lrn: string, eori: string) => {
      const f = validFiling(app().clock.now(), { lrn });
      f['declarant'] = { ...f['declarant'], eori };
      return f;
    };

    const other = await as('POST', '/v1/filings', forDeclarant('EORI-1', 'DE123456789012'));
    assert.equal(other.statusCode, 403, other.body);
    const problem = other.json<{ code: string; errors: { path: string }[] }>();
    assert.equal(problem.code, 'VIGIL_EORI_NOT_BOUND');
    assert.equal(problem.errors[0]!.path, '$.declarant.eori');

    const own = await as('POST', '/v1/filings', forDeclarant('EORI-2', 'DK987654321'));
    assert.equal(own.statusCode, 201, own.body);
    const { mrn } = own.json<{ mrn: string }>();
    // Amending the filing over to a declarant the token does not file for is refused too.
    const moved = await as('POST', `/v1/filings/${mrn}/amendments`, forDeclarant('EORI-2', 'DE123456789012'));
    assert.equal(moved.statusCode, 403, moved.body);
    assert.equal(moved.json<{ code: string }>().code, 'VIGIL_EORI_NOT_BOUND');

    // A filing the same filer lodged for another declarant (with an unbound token) is out of reach.
    tok['dsv-unbound'] = await app().token('NL', 'filer', 'dsv');
    const theirs = await send('POST', '/v1/filings', 'dsv-unbound', forDeclarant('EORI-3', 'DE123456789012'));
    assert.equal(theirs.statusCode, 201, theirs.body);
    const cancel = await as('POST', `/v1/filings/${theirs.json<{ mrn: string }>().mrn}/invalidation`, {});
    assert.equal(cancel.statusCode, 403, cancel.body);
    assert.equal(cancel.json<{ code: string }>().code, 'VIGIL_EORI_NOT_BOUND');

    // The token carries its EORIs; a token for officials may not carry any.
    await assert.rejects(
      app().deps.tokens.issue({
        authority: 'NL',
        role: 'analyst',
        subject: 'a',
        eoris: ['DK987654321'],
        ttlSeconds: 3600,
      }),
      /only filer tokens/,
    );
  });
});
