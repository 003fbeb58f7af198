/**
 * Master and house parts linked without a lock (issue 20): each part links after its own commit, so
 * a master and its houses lodged at the same moment always meet, whatever order their transactions
 * commit in, and each filing is queued for assessment exactly once. On PostgreSQL the requests really
 * run side by side (one connection each); on PGlite one after another. A house stored by a request
 * that stopped before linking (its filer got no answer) is linked when the filer sends it again, and
 * parts whose links committed but whose registration did not (the database crashed in between: the
 * cluster fault test's case) are registered when either filer sends its part again.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validHouseFiling, validMasterFiling } from '../support/filings.ts';
import { filingOfType } from '../support/filing-examples.ts';
import { makeMrn } from '../../src/domain/index.ts';

const CARRIER = { eori: 'DK123456789', name: 'Maersk A/S' };
const ROUNDS = 12;
const HOUSES = 5;

forEachDatabase('master and house linkage under concurrency', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  const tok: Record<string, string> = {};
  before(async () => {
    t = await startTestApp(target);
    tok['carrier'] = await app().token('NL', 'filer', 'carrier');
  });
  closeAfter(() => t);
  const send = sender(app, tok);

  test('a master and its houses lodged at once all link, and each is queued for assessment once', async () => {
    const now = app().clock.now();
    const mrns: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const masterRef = `MAEU${String(300000000 + round)}`;
      const bodies = [
        validMasterFiling(now, `RACE-M-${round}`, CARRIER, masterRef),
        ...Array.from({ length: HOUSES }, (_, h) =>
          validHouseFiling(now, `RACE-H-${round}-${h}`, CARRIER, `HBL-R${round}-${h}`, masterRef),
        ),
      ];
      // The master's place among its houses moves from round to round.
      const order = bodies.map((_, i) => (i + round) % bodies.length).map((i) => bodies[i]!);
      const rs = await Promise.all(order.map((b) => send('POST', '/v1/filings', 'carrier', b)));
      for (const r of rs) {
        assert.equal(r.statusCode, 201, r.body);
        mrns.push(r.json().mrn as string);
      }
    }
    const db = app().deps.db;
    const filings = await db.query<{ mrn: string; status: string; part: string }>(
      `SELECT mrn, status, part FROM filing WHERE mrn = ANY($1::text[])`,
      [mrns],
    );
    assert.equal(filings.rows.length, ROUNDS * (HOUSES + 1));
    const notRegistered = filings.rows.filter((f) => f.status !== 'registered');
    assert.deepEqual(notRegistered, [], 'every part is complete and registered');
    const unlinked = await db.query<{ mrn: string }>(
      `SELECT c.mrn FROM consignment c JOIN filing f ON f.mrn = c.mrn
       WHERE c.mrn = ANY($1::text[]) AND f.part = 'house' AND c.master_mrn IS NULL`,
      [mrns],
    );
    assert.deepEqual(unlinked.rows, [], 'every house consignment names its master');
    const ready = await db.query<{ key: string; n: number }>(
      `SELECT key, count(*)::int AS n FROM outbox WHERE topic = 'filing.ready' AND key = ANY($1::text[]) GROUP BY key`,
      [mrns],
    );
    assert.equal(ready.rows.length, mrns.length, 'every filing is queued for assessment');
    assert.deepEqual(
      ready.rows.filter((r) => r.n !== 1),
      [],
      'no filing is queued twice',
    );
  });

  test('7+1: pre-loading sets and the complement naming them, lodged at once, all link', async () => {
    const now = app().clock.now();
    const sets: string[] = [];
    const complements: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const hawbs = Array.from({ length: 3 }, (_, i) => `HAWB-R${round}-${i}`);
      const setBodies = hawbs.map((hawb, i) => {
        const f = filingOfType('F23', now, `SET-${round}-${i}`);
        f['consignments'][0].transportDocument = { type: 'N703', ref: hawb };
        return f;
      });
      const complement = filingOfType('F25', now, `CMP-${round}`);
      complement['consignments'][0].transportDocument = { type: 'N740', ref: '176-12345675' };
      complement['previousDocuments'] = hawbs.map((ref) => ({ type: 'N703', ref }));
      const bodies = [...setBodies, complement];
      const order = bodies.map((_, i) => (i + round) % bodies.length).map((i) => bodies[i]!);
      const rs = await Promise.all(order.map((b) => send('POST', '/v1/filings', 'carrier', b)));
      for (const [i, r] of rs.entries()) {
        assert.equal(r.statusCode, 201, r.body);
        (order[i] === complement ? complements : sets).push(r.json().mrn as string);
      }
    }
    const db = app().deps.db;
    const open = await db.query<{ mrn: string }>(
      `SELECT mrn FROM consignment WHERE mrn = ANY($1::text[]) AND NOT complete`,
      [[...sets, ...complements]],
    );
    assert.deepEqual(open.rows, [], 'every set consignment is completed by the complement');
    const notRegistered = await db.query<{ mrn: string }>(
      `SELECT mrn FROM filing WHERE mrn = ANY($1::text[]) AND status <> 'registered'`,
      [complements],
    );
    assert.deepEqual(notRegistered.rows, [], 'every complement is registered');
    const waiting = await db.query<{ mrn: string }>(
      `SELECT mrn FROM filing_previous_document WHERE mrn = ANY($1::text[]) AND set_mrn IS NULL`,
      [complements],
    );
    assert.deepEqual(waiting.rows, [], 'every previous document names its set');
    const ready = await db.query<{ key: string; n: number }>(
      `SELECT key, count(*)::int AS n FROM outbox WHERE topic = 'filing.ready' AND key = ANY($1::text[]) GROUP BY key`,
      [[...sets, ...complements]],
    );
    assert.deepEqual(
      ready.rows.map((r) => [r.key, r.n]).sort(),
      sets.map((m) => [m, 1]).sort(),
      'each set is assessed once (pre-loading analysis), the complement not at all',
    );
  });

  test('a house stored but never linked (its request stopped) links when its filer sends it again', async () => {
    const now = app().clock.now();
    const masterRef = 'MAEU399999999';
    const m = await send(
      'POST',
      '/v1/filings',
      'carrier',
      validMasterFiling(now, 'STOP-M', CARRIER, masterRef),
    );
    assert.equal(m.statusCode, 201);
    // As if a request had stored the house and died before linking it: the row is there, unlinked.
    const house = validHouseFiling(now, 'STOP-H', CARRIER, 'HBL-STOP', masterRef);
    const mrn = makeMrn({
      year: now.getUTCFullYear(),
      country: 'NL',
      serial: 'STOPPED00001',
      procedure: 'Z',
    });
    await app().deps.db.transaction((tx) =>
      app().deps.filingRepo.insertFilings(tx, [
        {
          filing: {
            mrn,
            authority: 'NL',
            filer: 'carrier',
            lrn: 'STOP-H',
            filingType: 'F15',
            part: 'house',
            mode: 'sea',
            declarantEori: house['declarant'].eori,
            carrierEori: CARRIER.eori,
            office: 'NL',
            status: 'incomplete',
            body: house,
            warnings: [],
            at: now,
          },
          consignments: [
            {
              seq: 0,
              docType: 'N714',
              docRef: 'HBL-STOP',
              masterDocRef: masterRef,
              complete: false,
            },
          ],
          readyEvent: undefined,
        },
      ]),
    );
    const again = await send('POST', '/v1/filings', 'carrier', house);
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().mrn, mrn);
    assert.equal(again.json().status, 'registered');
    assert.equal(again.json().consignments[0].status, 'complete');
    assert.equal(
      (await send('GET', `/v1/filings/${m.json().mrn as string}`, 'carrier')).json().status,
      'registered',
    );
  });
  test('a master whose links committed but whose registration did not registers itself and its house when sent again', async () => {
    const now = app().clock.now();
    const masterRef = 'MAEU399999998';
    const house = await send(
      'POST',
      '/v1/filings',
      'carrier',
      validHouseFiling(now, 'CRASH-H', CARRIER, 'HBL-CRASH', masterRef),
    );
    assert.equal(house.statusCode, 201, house.body);
    assert.equal(house.json().status, 'incomplete', 'the house waits for its master');
    const masterBody = validMasterFiling(now, 'CRASH-M', CARRIER, masterRef);
    const master = await send('POST', '/v1/filings', 'carrier', masterBody);
    assert.equal(master.statusCode, 201, master.body);
    const mrns = [master.json().mrn as string, house.json().mrn as string];
    // As if the database had crashed after the links' commit and before the registration's: the
    // consignments are linked, both filings still incomplete and nothing queued.
    const db = app().deps.db;
    await db.transaction(async (tx) => {
      await tx.query(`UPDATE filing SET status = 'incomplete' WHERE mrn = ANY($1::text[])`, [mrns]);
      await tx.query(`DELETE FROM outbox WHERE topic = 'filing.ready' AND key = ANY($1::text[])`, [mrns]);
    });
    const again = await send('POST', '/v1/filings', 'carrier', masterBody);
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().mrn, mrns[0]);
    assert.equal(again.json().status, 'registered');
    assert.equal(
      (await send('GET', `/v1/filings/${mrns[1]!}`, 'carrier')).json().status,
      'registered',
      'the house it completed is registered with it',
    );
    const ready = await db.query<{ key: string; n: number }>(
      `SELECT key, count(*)::int AS n FROM outbox WHERE topic = 'filing.ready' AND key = ANY($1::text[])
       GROUP BY key ORDER BY key`,
      [mrns],
    );
    assert.deepEqual(
      ready.rows,
      [...mrns].sort().map((key) => ({ key, n: 1 })),
      'each is queued for assessment once',
    );
    const third = await send('POST', '/v1/filings', 'carrier', masterBody);
    assert.equal(third.statusCode, 200);
    const after = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE topic = 'filing.ready' AND key = ANY($1::text[])`,
      [mrns],
    );
    assert.equal(after.rows[0]!.n, 2, 'a further retry queues nothing more');
  });

  test('7+1: a complement whose links committed but whose registration did not is registered when either part is sent again', async () => {
    const now = app().clock.now();
    for (const resend of ['set', 'complement'] as const) {
      const hawb = `HAWB-CRASH-${resend}`;
      const complement = filingOfType('F25', now, `CMP-CRASH-${resend}`);
      complement['consignments'][0].transportDocument = { type: 'N740', ref: '176-12345675' };
      complement['previousDocuments'] = [{ type: 'N703', ref: hawb }];
      const c = await send('POST', '/v1/filings', 'carrier', complement);
      assert.equal(c.statusCode, 201, c.body);
      assert.equal(c.json().status, 'incomplete', 'the complement waits for its set');
      const set = filingOfType('F23', now, `SET-CRASH-${resend}`);
      set['consignments'][0].transportDocument = { type: 'N703', ref: hawb };
      const s = await send('POST', '/v1/filings', 'carrier', set);
      assert.equal(s.statusCode, 201, s.body);
      const cmrn = c.json().mrn as string;
      const db = app().deps.db;
      assert.equal(
        (await db.query<{ status: string }>(`SELECT status FROM filing WHERE mrn = $1`, [cmrn])).rows[0]!
          .status,
        'registered',
      );
      // As if the database had crashed between the links' commit and the complement's promotion.
      await db.transaction(async (tx) => {
        await tx.query(`UPDATE filing SET status = 'incomplete' WHERE mrn = $1`, [cmrn]);
        await tx.query(`UPDATE consignment SET complete = false WHERE mrn = $1`, [cmrn]);
      });
      const again = await send('POST', '/v1/filings', 'carrier', resend === 'set' ? set : complement);
      assert.equal(again.statusCode, 200, again.body);
      const status = await db.query<{ status: string }>(`SELECT status FROM filing WHERE mrn = $1`, [cmrn]);
      assert.equal(status.rows[0]!.status, 'registered', `resending the ${resend} registers the complement`);
      if (resend === 'complement') {
        assert.equal(again.json().status, 'registered');
      }
    }
  });
});
