/**
 * Multiple filing beyond master and house (issue 17), through the HTTP API on a real database: the air
 * 7+1 pre-loading set F23 and its complement F25 (either order, filer consent), the maritime partial
 * straight bill of lading F13 and its buyer/seller complement F16, and the filings whose data set has
 * no goods items (the postal master set F40) or no consignment at all (the postal complement F44).
 * The master/house linkage (F12 + F15, consent) is tested in test/api/filings.api.test.ts.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling, validHouseFiling, validMasterFiling } from '../support/filings.ts';
import { filingOfType } from '../support/filing-examples.ts';
import { testRule } from '../support/rules.ts';

/** A filing of `code` made only of elements of its data set (test/support/filing-examples.ts). */
const ofType = (now: Date, code: string, lrn: string): Record<string, any> => filingOfType(code, now, lrn);

/** The forwarder's 7+1 pre-loading set F23 under its house air waybill. */
function preloadingSet(now: Date, lrn: string, hawb: string): Record<string, any> {
  const f = ofType(now, 'F23', lrn);
  f['consignments'][0].transportDocument = { type: 'N703', ref: hawb };
  return f;
}

/** The carrier's complement F25: the master air waybill, naming the set's house document. */
function complement(
  now: Date,
  lrn: string,
  hawbs: readonly string[],
  mawb = '176-12345675',
): Record<string, any> {
  const f = ofType(now, 'F25', lrn);
  f['consignments'][0].transportDocument = { type: 'N740', ref: mawb };
  f['previousDocuments'] = hawbs.map((ref) => ({ type: 'N703', ref }));
  return f;
}

/** A postal filing of `code` made of its data set: F40 (master, no goods), F44 (complement). */
function postal(now: Date, code: 'F40' | 'F44', lrn: string): Record<string, any> {
  const f = ofType(now, code, lrn);
  if (code === 'F40') {
    f['masterConsignment'] = { receptacles: ['RECEPTACLE0001'] };
  } else {
    f['masterConsignment'] = { receptacles: ['RECEPTACLE0002'] };
    f['consignments'] = [];
  }
  return f;
}

forEachDatabase('multiple filing API', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  const tok: Record<string, string> = {};
  before(async () => {
    t = await startTestApp(target);
    tok['filer'] = await app().token('NL', 'filer', 'acme');
    tok['analyst'] = await app().token('NL', 'analyst', 'ana');
    tok['forwarder'] = await app().token('NL', 'filer', 'forwarder');
    tok['carrier'] = await app().token('NL', 'filer', 'carrier');
    tok['officer'] = await app().token('NL', 'officer', 'olga');
  });
  const outboxReady = async (): Promise<number> =>
    Number(
      (
        await app().deps.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM outbox WHERE topic = 'filing.ready'`,
        )
      ).rows[0]!.n,
    );
  const setConsignment = async (mrn: string) =>
    (
      await app().deps.db.query<{
        complete: boolean;
        master_doc_ref: string | null;
        master_mrn: string | null;
      }>(`SELECT complete, master_doc_ref, master_mrn FROM consignment WHERE mrn = $1 AND seq = 0`, [mrn])
    ).rows[0]!;
  closeAfter(() => t);

  const send = sender(app, tok);
  const assessPending = async (): Promise<void> => {
    const events = await app().deps.db.query<{
      payload: { mrn: string; authority: string; version: number };
    }>(`SELECT payload FROM outbox WHERE topic = 'filing.ready' AND processed_at IS NULL ORDER BY id`);
    for (const e of events.rows) {
      await app().deps.assessments.handleReady(e.payload);
    }
    await app().deps.db.query(`UPDATE outbox SET processed_at = now() WHERE processed_at IS NULL`);
  };

  test('a postal master set without goods (F40) and a complement without consignments (F44) are registered, assessed and shown', async () => {
    const now = app().clock.now();
    const f40 = postal(now, 'F40', 'POST-40');
    const f44 = postal(now, 'F44', 'POST-44');
    const r40 = await send('POST', '/v1/filings', 'filer', f40);
    assert.equal(r40.statusCode, 201, r40.body);
    const r44 = await send('POST', '/v1/filings', 'filer', f44);
    assert.equal(r44.statusCode, 201, r44.body);
    assert.deepEqual(r44.json().consignments, []);
    await assessPending();

    const got40 = (await send('GET', `/v1/filings/${r40.json().mrn}`, 'filer')).json();
    assert.deepEqual(got40.filing.consignments[0].goods, [], 'an absent goods list is stored empty');
    assert.equal(got40.filing.consignments[0].consignor.name, f40['consignments'][0].consignor.name);

    // The complement has nothing to assess: the officer and the filer are told so, not “pending”.
    const a44 = await send('GET', `/v1/filings/${r44.json().mrn}/assessment`, 'analyst');
    assert.equal(a44.json().status, 'nothing-to-assess', a44.body);
    assert.deepEqual(a44.json().consignments, []);
    const o44 = await send('GET', `/v1/filings/${r44.json().mrn}/outcome`, 'filer');
    assert.equal(o44.statusCode, 200, o44.body);
    assert.equal(o44.json().assessment, 'nothing-to-assess', o44.body);
    assert.deepEqual(o44.json().consignments, []);
    // The master set's consignment waits for its complement: that one is truly pending.
    const o40 = await send('GET', `/v1/filings/${r40.json().mrn}/outcome`, 'filer');
    assert.equal(o40.json().assessment, 'pending', o40.body);

    for (const mrn of [r40.json().mrn, r44.json().mrn]) {
      const a = await send('GET', `/v1/filings/${mrn}/assessment`, 'analyst');
      assert.equal(a.statusCode, 200, a.body);
      for (const c of a.json().consignments ?? []) {
        assert.deepEqual(c.hits ?? [], [], 'no goods: no rule hit');
      }
    }

    // An amendment keeps the parts it may not change and is accepted without goods too.
    const amended = { ...f40, representative: { name: 'Post Agent BV' } };
    const am = await send('POST', `/v1/filings/${r40.json().mrn}/amendments`, 'filer', amended);
    assert.equal(am.statusCode, 200, am.body);
    await assessPending();
  });

  test('7+1: the pre-loading set F23 is assessed at once; its complement F25 completes it with the master document, without reassessment', async () => {
    const now = app().clock.now();
    const set = await send('POST', '/v1/filings', 'forwarder', preloadingSet(now, 'SET-1', 'HAWB7P1001'));
    assert.equal(set.statusCode, 201, set.body);
    assert.equal(set.json().status, 'registered', 'the set is ready for pre-loading risk analysis');
    assert.equal(set.json().consignments[0].status, 'incomplete', 'its consignment waits for the complement');
    await assessPending();
    const a = (await send('GET', `/v1/filings/${set.json().mrn}/assessment`, 'analyst')).json();
    assert.equal(a.status, 'assessed', 'assessed before the complement arrives');

    // The forwarder accepts the carrier's complement (the consent endpoint of multiple filing).
    const consent = await send('POST', `/v1/filings/${set.json().mrn}/house-filers`, 'forwarder', {
      filers: ['carrier'],
    });
    assert.equal(consent.statusCode, 200, consent.body);
    assert.equal(consent.json().linkedConsignments, 0);

    const before = await outboxReady();
    const comp = await send('POST', '/v1/filings', 'carrier', complement(now, 'COMP-1', ['HAWB7P1001']));
    assert.equal(comp.statusCode, 201, comp.body);
    assert.equal(comp.json().status, 'registered');
    assert.equal(comp.json().consignments[0].status, 'complete');
    assert.equal(
      await outboxReady(),
      before,
      'nothing is reassessed: the complement changes nothing the rules read',
    );

    const c = await setConsignment(set.json().mrn);
    assert.equal(c.complete, true);
    assert.ok(c.master_doc_ref !== null && c.master_doc_ref.replace(/-/g, '') === '17612345675');
    assert.equal(c.master_mrn, comp.json().mrn);
    const seen = (await send('GET', `/v1/filings/${set.json().mrn}`, 'forwarder')).json();
    assert.equal(seen.consignments[0].status, 'complete');
    assert.equal(seen.consignments[0].masterMrn, undefined, 'the forwarder never learns the carrier’s MRN');
    const official = (await send('GET', `/v1/filings/${set.json().mrn}`, 'analyst')).json();
    assert.equal(official.consignments[0].masterMrn, comp.json().mrn, 'the authority sees the link');
  });

  test('7+1: invalidating the set unlinks its complement, which waits again for a set under that house document', async () => {
    const now = app().clock.now();
    const set = await send('POST', '/v1/filings', 'forwarder', preloadingSet(now, 'SET-9', 'HAWB7P1009'));
    assert.equal(set.statusCode, 201, set.body);
    const comp = await send('POST', '/v1/filings', 'forwarder', complement(now, 'COMP-9', ['HAWB7P1009']));
    assert.equal(comp.json().status, 'registered');
    const inv = await send('POST', `/v1/filings/${set.json().mrn}/invalidation`, 'forwarder', {
      reason: 'wrong flight',
    });
    assert.equal(inv.statusCode, 200, inv.body);
    // The complement refers to nothing valid: back to incomplete, and no link is left either way.
    const after = (await send('GET', `/v1/filings/${comp.json().mrn}`, 'forwarder')).json();
    assert.equal(after.status, 'incomplete', JSON.stringify(after));
    assert.equal(after.consignments[0].status, 'incomplete');
    const c = await setConsignment(set.json().mrn);
    assert.equal(c.master_mrn, null, 'the invalidated set is linked to nothing');
    const links = await app().deps.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM filing_previous_document WHERE mrn = $1 AND set_mrn IS NOT NULL`,
      [comp.json().mrn],
    );
    assert.equal(links.rows[0]!.n, 0);
    // A new set under the same house waybill completes the complement again.
    const again = await send('POST', '/v1/filings', 'forwarder', preloadingSet(now, 'SET-10', 'HAWB7P1009'));
    assert.equal(again.json().consignments[0].status, 'complete');
    assert.equal(again.json().consignments[0].masterMrn, comp.json().mrn);
    assert.equal(
      (await send('GET', `/v1/filings/${comp.json().mrn}`, 'forwarder')).json().status,
      'registered',
    );
  });

  test('7+1: invalidating the complement unlinks the set, which a new complement completes again', async () => {
    const now = app().clock.now();
    const set = await send('POST', '/v1/filings', 'forwarder', preloadingSet(now, 'SET-20', 'HAWB7P1020'));
    const comp = await send('POST', '/v1/filings', 'forwarder', complement(now, 'COMP-20', ['HAWB7P1020']));
    assert.equal((await setConsignment(set.json().mrn)).master_mrn, comp.json().mrn);
    const inv = await send('POST', `/v1/filings/${comp.json().mrn}/invalidation`, 'forwarder', {
      reason: 'wrong master air waybill',
    });
    assert.equal(inv.statusCode, 200, inv.body);
    // The set, assessed at lodging, stays registered; its consignment waits again for a complement.
    const seen = (await send('GET', `/v1/filings/${set.json().mrn}`, 'forwarder')).json();
    assert.equal(seen.status, 'registered');
    assert.equal(seen.consignments[0].status, 'incomplete');
    assert.deepEqual(await setConsignment(set.json().mrn), {
      complete: false,
      master_doc_ref: null,
      master_mrn: null,
    });
    const comp2 = await send(
      'POST',
      '/v1/filings',
      'forwarder',
      complement(now, 'COMP-21', ['HAWB7P1020'], '176-12345686'),
    );
    assert.equal(comp2.json().status, 'registered', comp2.body);
    const relinked = await setConsignment(set.json().mrn);
    assert.equal(relinked.master_mrn, comp2.json().mrn);
    assert.equal(relinked.master_doc_ref?.replace(/-/g, ''), '17612345686');
  });

  test('maritime: invalidating the master sends its houses back to waiting; a new master under the document links them again', async () => {
    const now = app().clock.now();
    const carrier = { eori: 'DK123456789', name: 'Maersk A/S' };
    const m = await send(
      'POST',
      '/v1/filings',
      'carrier',
      validMasterFiling(now, 'M-INV-1', carrier, 'MAEU200000001'),
    );
    assert.equal(m.statusCode, 201, m.body);
    await send('POST', `/v1/filings/${m.json().mrn}/house-filers`, 'carrier', { filers: ['forwarder'] });
    const h = await send(
      'POST',
      '/v1/filings',
      'forwarder',
      validHouseFiling(now, 'H-INV-1', carrier, 'HBL-INV-1', 'MAEU200000001'),
    );
    assert.equal(h.json().status, 'registered', h.body);
    const inv = await send('POST', `/v1/filings/${m.json().mrn}/invalidation`, 'carrier', {
      reason: 'wrong vessel',
    });
    assert.equal(inv.statusCode, 200, inv.body);
    const waiting = (await send('GET', `/v1/filings/${h.json().mrn}`, 'forwarder')).json();
    assert.equal(waiting.status, 'incomplete', 'the house has no valid master any more');
    assert.equal(waiting.consignments[0].status, 'incomplete');
    assert.equal(
      (await send('GET', `/v1/filings/${h.json().mrn}`, 'analyst')).json().consignments[0].masterMrn,
      undefined,
    );
    const ready = await outboxReady();
    // The corrected master under the same document; its filer accepts the forwarder's houses again.
    const m2 = await send(
      'POST',
      '/v1/filings',
      'carrier',
      validMasterFiling(now, 'M-INV-2', carrier, 'MAEU200000001'),
    );
    const consent = await send('POST', `/v1/filings/${m2.json().mrn}/house-filers`, 'carrier', {
      filers: ['forwarder'],
    });
    assert.equal(consent.json().linkedConsignments, 1, consent.body);
    const linked = (await send('GET', `/v1/filings/${h.json().mrn}`, 'analyst')).json();
    assert.equal(linked.status, 'registered');
    assert.equal(linked.consignments[0].masterMrn, m2.json().mrn);
    assert.ok((await outboxReady()) >= ready + 2, 'the house is assessed again, with its new master');
  });

  test('7+1 in the other order: a complement naming an unknown set waits, and links when the set arrives', async () => {
    const now = app().clock.now();
    const comp = await send('POST', '/v1/filings', 'forwarder', complement(now, 'COMP-2', ['HAWB7P1002']));
    assert.equal(comp.statusCode, 201, comp.body);
    assert.equal(comp.json().status, 'incomplete');
    assert.equal(comp.json().consignments[0].status, 'incomplete');
    const set = await send('POST', '/v1/filings', 'forwarder', preloadingSet(now, 'SET-2', 'HAWB7P1002'));
    assert.equal(set.json().status, 'registered');
    assert.equal(set.json().consignments[0].status, 'complete');
    assert.equal(set.json().consignments[0].masterMrn, comp.json().mrn, 'the same filer sees its own MRN');
    assert.equal(
      (await send('GET', `/v1/filings/${comp.json().mrn}`, 'forwarder')).json().status,
      'registered',
    );
  });

  test('7+1: another filer’s complement does not link without the set filer’s consent, and learns nothing', async () => {
    const now = app().clock.now();
    const set = await send('POST', '/v1/filings', 'forwarder', preloadingSet(now, 'SET-3', 'HAWB7P1003'));
    const stranger = await send('POST', '/v1/filings', 'carrier', complement(now, 'COMP-3', ['HAWB7P1003']));
    assert.equal(stranger.json().status, 'incomplete');
    assert.equal((await setConsignment(set.json().mrn)).complete, false);
    // The stranger's complement waits; the set's filer consents later and it links then.
    const consent = await send('POST', `/v1/filings/${set.json().mrn}/house-filers`, 'forwarder', {
      filers: ['carrier'],
    });
    assert.equal(consent.json().linkedConsignments, 1);
    assert.equal((await setConsignment(set.json().mrn)).complete, true);
    const after = (await send('GET', `/v1/filings/${stranger.json().mrn}`, 'carrier')).json();
    assert.equal(after.status, 'registered');
    assert.equal(
      JSON.stringify(after).includes(set.json().mrn),
      false,
      'the carrier never sees the set’s MRN',
    );
    // A different authority's set is never found.
    const de = await app().token('DE', 'filer', 'forwarder');
    tok['de'] = de;
    const other = await send('POST', '/v1/filings', 'de', complement(now, 'COMP-4', ['HAWB7P1003']));
    assert.equal(other.json().status, 'incomplete');
  });

  test('maritime: the buyer/seller complement F16 completes the partial straight bill of lading F13 under the same document, in either order', async () => {
    const now = app().clock.now();
    const f13 = (lrn: string, doc: string) => {
      const f = ofType(now, 'F13', lrn);
      f['consignments'][0].transportDocument = { type: 'N705', ref: doc };
      return f;
    };
    const f16 = (lrn: string, doc: string) => {
      const f = ofType(now, 'F16', lrn);
      f['consignments'][0].transportDocument = { type: 'N705', ref: doc };
      f['consignments'][0].buyer = { name: 'Buyer BV' };
      f['consignments'][0].seller = { name: 'Seller Ltd' };
      return f;
    };
    const m = await send('POST', '/v1/filings', 'carrier', f13('F13-1', 'SBL-0001'));
    assert.equal(m.statusCode, 201, m.body);
    assert.equal(m.json().status, 'incomplete', 'the partial filing waits for its buyer/seller set');
    const c = await send('POST', '/v1/filings', 'carrier', f16('F16-1', 'SBL-0001'));
    assert.equal(c.statusCode, 201, c.body);
    assert.equal(c.json().status, 'registered');
    assert.equal(c.json().consignments[0].status, 'complete');
    assert.equal((await send('GET', `/v1/filings/${m.json().mrn}`, 'carrier')).json().status, 'registered');

    // The complement first: it waits, and links when the partial filing arrives.
    const c2 = await send('POST', '/v1/filings', 'carrier', f16('F16-2', 'SBL-0002'));
    assert.equal(c2.json().status, 'incomplete');
    const m2 = await send('POST', '/v1/filings', 'carrier', f13('F13-2', 'SBL-0002'));
    assert.equal(m2.json().status, 'registered');
    // Another filer's complement does not link without the master filer's consent.
    const m3 = await send('POST', '/v1/filings', 'carrier', f13('F13-3', 'SBL-0003'));
    const stranger = await send('POST', '/v1/filings', 'forwarder', f16('F16-3', 'SBL-0003'));
    assert.equal(stranger.json().status, 'incomplete');
    assert.equal((await send('GET', `/v1/filings/${m3.json().mrn}`, 'carrier')).json().status, 'incomplete');
  });

  test('a house-level part without goods is still refused with the schema’s code and path', async () => {
    const f = validFiling(app().clock.now(), { lrn: 'NO-GOODS-1' });
    delete f['consignments'][0].goods;
    const r = await send('POST', '/v1/filings', 'filer', f);
    assert.equal(r.statusCode, 422);
    assert.deepEqual(
      r.json().errors.map((e: { code: string; path: string }) => [e.code, e.path]),
      [['VIGIL_SCHEMA_REQUIRED', '$.consignments[0].goods']],
    );
  });
  test('a control an analyst asks for on a house part without transport is due by its master’s arrival too', async () => {
    const now = app().clock.now();
    const carrier = { eori: 'DK123456789', name: 'Maersk A/S' };
    // A hit that recommends no control by itself: the task comes from the analyst's confirmation.
    const rule = await send('POST', '/v1/rules', 'analyst', {
      id: 'HOUSE-SELLER-AUDIT',
      title: 'seller to audit later',
      condition: 'seller.name == "Review Seller Ltd"',
      riskArea: 'ipr',
      weight: 5,
      severity: 'low',
      recommendedAction: 'post-clearance-audit',
      status: 'active',
      reason: 'test',
    });
    assert.equal(rule.statusCode, 201, rule.body);
    const master = validMasterFiling(now, 'DUE-M-2', carrier, 'MAEU300000002');
    assert.equal((await send('POST', '/v1/filings', 'carrier', master)).statusCode, 201);
    const houseBody = validHouseFiling(now, 'DUE-H-2', carrier, 'HBL-DUE-2', 'MAEU300000002');
    houseBody['consignments'][0].seller = { name: 'Review Seller Ltd' };
    const h = await send('POST', '/v1/filings', 'carrier', houseBody);
    assert.equal(h.statusCode, 201, h.body);
    assert.equal(h.json().status, 'registered', 'the house is linked to its master');
    await assessPending();
    const mrn = h.json().mrn as string;
    const tasksOf = async () =>
      (
        (await send('GET', '/v1/controls?limit=500', 'officer')).json().items as {
          mrn: string;
          dueAt: string;
        }[]
      ).filter((x) => x.mrn === mrn);
    assert.deepEqual(await tasksOf(), [], 'the engine recommends no control');
    const reviewed = await send('POST', `/v1/filings/${mrn}/assessment/reviews`, 'analyst', {
      consignment: 0,
      hitId: 'HOUSE-SELLER-AUDIT',
      decision: 'confirmed',
    });
    assert.equal(reviewed.statusCode, 200, reviewed.body);
    const tasks = await tasksOf();
    assert.equal(tasks.length, 1, JSON.stringify(tasks));
    // Due at the arrival of the vessel the master names, not at the 24-hour fallback.
    assert.equal(tasks[0]!.dueAt, new Date(master['transport'].estimatedArrival).toISOString());
  });

  test('a house part without transport is controlled by its master’s arrival, not a fallback', async () => {
    const now = app().clock.now();
    const carrier = { eori: 'DK123456789', name: 'Maersk A/S' };
    const rule = await send(
      'POST',
      '/v1/rules',
      'analyst',
      testRule({
        id: 'HOUSE-BUYER',
        title: 'buyer of interest',
        condition: 'buyer.name == "Elektro Handel GmbH"',
      }),
    );
    assert.equal(rule.statusCode, 201, rule.body);
    const master = validMasterFiling(now, 'DUE-M-1', carrier, 'MAEU300000001');
    const m = await send('POST', '/v1/filings', 'carrier', master);
    assert.equal(m.statusCode, 201, m.body);
    const h = await send(
      'POST',
      '/v1/filings',
      'carrier',
      validHouseFiling(now, 'DUE-H-1', carrier, 'HBL-DUE-1', 'MAEU300000001'),
    );
    assert.equal(h.statusCode, 201, h.body);
    assert.equal(h.json().status, 'registered', 'the house is linked to its master');
    await assessPending();
    const tasks = (await send('GET', '/v1/controls?limit=500', 'officer')).json().items as {
      mrn: string;
      dueAt: string;
    }[];
    const task = tasks.find((x) => x.mrn === h.json().mrn);
    assert.ok(task, JSON.stringify(tasks));
    // Maritime controls are due at the estimated arrival of the vessel the master names (14 days
    // ahead), not at the 24-hour fallback for a consignment whose arrival is unknown.
    assert.equal(task.dueAt, new Date(master['transport'].estimatedArrival).toISOString());
  });
});
