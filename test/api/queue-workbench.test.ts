/**
 * The Queue screen's server side (issue 16): saved filters are each person's own and survive a
 * reload; bulk dismiss dismisses every open hit of each selected consignment with one reason,
 * refuses per item what the caller may not touch (another authority's consignment, one already
 * reviewed) and loses nothing of the rest, with an audit entry per dismissal; and the staff's stream
 * announces a consignment assessed with hits and a review as they happen, after Last-Event-ID.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { installDemoPack } from '../../src/demo/demo-pack.ts';
import { generateDemoFilings } from '../../src/demo/index.ts';
import { EventReader } from '../support/event-reader.ts';
import { assessPending, closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

interface Item {
  mrn: string;
  index: number;
  hits: number;
  reviewed: number;
  rules: string[];
}

forEachDatabase('queue workbench', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tokens: Record<string, string> = {};
  const send = sender(app, tokens);
  let listening: string | undefined;
  const baseUrl = async (): Promise<string> =>
    (listening ??= await app().server.app.listen({ port: 0, host: '127.0.0.1' }));

  async function lodge(authority: string, seed: number, count: number): Promise<string[]> {
    const mrns: string[] = [];
    for (const f of generateDemoFilings({
      count,
      seed,
      now: app().clock.now(),
      invalidShare: 0,
      riskyShare: 0.6,
    })) {
      const stored = await app()
        .deps.filings.register({ subject: 'acme', authority, role: 'filer' }, f.filing)
        .catch(() => undefined);
      if (stored !== undefined) {
        mrns.push(stored.filing.mrn);
      }
    }
    return mrns;
  }

  before(async () => {
    t = await startTestApp(target, undefined, { VIGIL_EVENT_STREAM_POLL_MS: '20' });
    await installDemoPack(app().deps, 'NL', app().clock.now());
    await installDemoPack(app().deps, 'BE', app().clock.now());
    await lodge('NL', 21, 40);
    await lodge('BE', 22, 20);
    await assessPending(app());
    tokens['ana'] = await app().token('NL', 'analyst', 'ana');
    tokens['bob'] = await app().token('NL', 'analyst', 'bob');
    tokens['bea'] = await app().token('BE', 'analyst', 'bea');
    tokens['filer'] = await app().token('NL', 'filer', 'acme');
  });

  const queue = async (who: string, query = ''): Promise<Item[]> => {
    const res = await send('GET', `/v1/queue?limit=1000${query}`, who);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().items;
  };

  test('a saved filter is its owner’s, listed by name, refused twice under one name, and deleted', async () => {
    const filters = { review: 'open', sort: 'arrival', mode: 'maritime', office: 'NL000396' };
    const created = await send('POST', '/v1/queue/filters', 'ana', { name: 'Rotterdam sea', filters });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(created.json().filters, filters);
    const second = await send('POST', '/v1/queue/filters', 'ana', { name: 'air', filters: { mode: 'air' } });
    assert.equal(second.statusCode, 201, second.body);

    const mine = (await send('GET', '/v1/queue/filters', 'ana')).json().items;
    assert.deepEqual(
      mine.map((f: { name: string }) => f.name),
      ['air', 'Rotterdam sea'],
    );
    assert.deepEqual(
      (await send('GET', '/v1/queue/filters', 'bob')).json().items,
      [],
      'not another analyst’s',
    );
    assert.deepEqual((await send('GET', '/v1/queue/filters', 'bea')).json().items, []);

    const twice = await send('POST', '/v1/queue/filters', 'ana', { name: 'Rotterdam sea', filters: {} });
    assert.equal(twice.statusCode, 409);
    assert.equal(twice.json().code, 'VIGIL_CONFLICT');
    const bad = await send('POST', '/v1/queue/filters', 'ana', {
      name: 'x',
      filters: { office: 'rotterdam' },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(
      (await send('POST', '/v1/queue/filters', 'ana', { name: ' ', filters: {} })).statusCode,
      400,
    );
    assert.equal((await send('GET', '/v1/queue/filters', 'filer')).statusCode, 403);

    // Another analyst cannot delete it; its owner can, once.
    const id = created.json().id as string;
    assert.equal((await send('DELETE', `/v1/queue/filters/${id}`, 'bob')).statusCode, 404);
    assert.equal((await send('DELETE', `/v1/queue/filters/${id}`, 'ana')).statusCode, 204);
    assert.equal((await send('DELETE', `/v1/queue/filters/${id}`, 'ana')).statusCode, 404);
    assert.deepEqual(
      (await send('GET', '/v1/queue/filters', 'ana')).json().items.map((f: { name: string }) => f.name),
      ['air'],
    );
  });

  test('bulk dismiss: each selected consignment’s open hits dismissed with the reason, per-item refusals', async () => {
    const open = await queue('ana');
    assert.ok(open.length >= 3, `the NL queue has consignments (${open.length})`);
    const a = open[0];
    const b = open.find((i) => i.mrn !== a!.mrn);
    const theirs = (await queue('bea'))[0];
    assert.ok(theirs !== undefined, 'the BE queue has a consignment');
    const audited = async (mrn: string): Promise<number> =>
      (
        await app().deps.db.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM audit_pending WHERE subject = $1 AND actor = 'analyst:ana')::int +
                  (SELECT count(*) FROM audit_log WHERE subject = $1 AND actor = 'analyst:ana')::int AS n`,
          [mrn],
        )
      ).rows[0]!.n;
    const auditBefore = (await audited(a!.mrn)) + (await audited(b!.mrn));

    const res = await send('POST', '/v1/queue/dismissals', 'ana', {
      items: [
        { mrn: a!.mrn, consignment: a!.index },
        { mrn: theirs.mrn, consignment: theirs.index },
        { mrn: b!.mrn, consignment: b!.index },
        { mrn: a!.mrn, consignment: a!.index },
      ],
      reason: 'known importer, invoices checked',
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.dismissed, 2);
    assert.equal(body.failed, 2);
    assert.deepEqual(
      body.results.map((r: { ok: boolean; code?: string }) => (r.ok ? 'ok' : r.code)),
      ['ok', 'VIGIL_FILING_NOT_FOUND', 'ok', 'VIGIL_BAD_REQUEST'],
    );
    assert.deepEqual(body.results[0].dismissed, a!.rules);

    // The two left the open queue; the other authority's consignment is untouched.
    const key = (i: { mrn: string; index: number }) => `${i.mrn}/${i.index}`;
    const after = (await queue('ana')).map(key);
    assert.ok(!after.includes(key(a!)) && !after.includes(key(b!)));
    assert.equal(after.length, open.length - 2);
    const beAfter = (await queue('bea')).find((i) => key(i) === key(theirs));
    assert.equal(beAfter?.reviewed, 0, 'the BE consignment keeps its hits open');

    // Every dismissal carries the reason and is audited.
    const assessment = (await send('GET', `/v1/filings/${a!.mrn}/assessment`, 'ana')).json();
    const reviews = assessment.consignments.find((c: { index: number }) => c.index === a!.index).reviews;
    assert.equal(reviews.length, a!.hits);
    for (const r of reviews) {
      assert.equal(r.decision, 'dismissed');
      assert.equal(r.reason, 'known importer, invoices checked');
      assert.equal(r.reviewer, 'ana');
    }
    assert.equal((await audited(a!.mrn)) + (await audited(b!.mrn)), auditBefore + a!.hits + b!.hits);

    // Again: nothing left to review, said per item.
    const again = await send('POST', '/v1/queue/dismissals', 'ana', {
      items: [{ mrn: a!.mrn, consignment: a!.index }],
      reason: 'again',
    });
    assert.equal(again.json().results[0].code, 'VIGIL_CONFLICT');
    assert.equal(
      (await send('POST', '/v1/queue/dismissals', 'filer', { items: [a], reason: 'x' })).statusCode,
      403,
    );
    assert.equal(
      (await send('POST', '/v1/queue/dismissals', 'ana', { items: [], reason: 'x' })).statusCode,
      400,
    );
  });

  test('the staff stream announces new assessments with hits and reviews, after Last-Event-ID', async () => {
    const refused = await send('GET', '/v1/queue/stream', 'ana');
    assert.equal(refused.statusCode, 406);
    const base = await baseUrl();
    const open = async (who: string, lastEventId?: string) => {
      const res = await fetch(`${base}/v1/queue/stream`, {
        headers: {
          authorization: `Bearer ${tokens[who]!}`,
          accept: 'text/event-stream',
          ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}),
        },
      });
      assert.equal(res.status, 200);
      return new EventReader(res.body!);
    };
    const nl = await open('ana');
    const be = await open('bea');
    // Opened at "now", the stream names where that is, so that a reconnect before any event resumes there.
    const raw = await fetch(`${base}/v1/queue/stream`, {
      headers: { authorization: `Bearer ${tokens['bob']!}`, accept: 'text/event-stream' },
    });
    const reader = raw.body!.getReader();
    let head = '';
    while (!/\nid: \d+\n\n/.test(head)) {
      head += new TextDecoder().decode((await reader.read()).value);
    }
    const start = Number(/\nid: (\d+)\n\n/.exec(head)![1]);
    await reader.cancel();

    const lodged = await lodge('NL', 23, 10);
    await assessPending(app());
    const fresh = (await queue('ana')).filter((i) => lodged.includes(i.mrn));
    assert.ok(fresh.length > 0, 'some of the new filings have hits');
    const events = await nl.next(fresh.length);
    assert.deepEqual(
      events.map((e) => e.event),
      fresh.map(() => 'queue.assessed'),
    );
    assert.deepEqual(
      events.map((e) => `${JSON.parse(e.data).mrn}/${JSON.parse(e.data).consignment}`).sort(),
      fresh.map((i) => `${i.mrn}/${i.index}`).sort(),
    );

    // A review is announced with its decision; a BE analyst sees the NL changes not at all.
    const item = fresh[0]!;
    const reviewed = await send('POST', `/v1/filings/${item.mrn}/assessment/reviews`, 'bob', {
      consignment: item.index,
      hitId: item.rules[0],
      decision: 'dismissed',
      reason: 'seen before',
    });
    assert.equal(reviewed.statusCode, 200, reviewed.body);
    const [review] = await nl.next(1);
    assert.equal(review!.event, 'queue.reviewed');
    assert.deepEqual(
      (({ mrn, consignment, hit, decision, open: left }) => ({
        mrn,
        consignment,
        hit,
        decision,
        open: left,
      }))(JSON.parse(review!.data)),
      {
        mrn: item.mrn,
        consignment: item.index,
        hit: item.rules[0],
        decision: 'dismissed',
        open: item.hits - 1,
      },
    );
    await lodge('BE', 24, 6);
    await assessPending(app());
    const beEvents = await be.next(1);
    assert.ok(beEvents.every((e) => !lodged.includes(JSON.parse(e.data).mrn)));
    await be.cancel();

    assert.ok(Number(events[0]!.id) > start, 'the first event comes after where the stream started');
    const fromStart = await open('ana', String(start));
    assert.deepEqual(
      (await fromStart.next(events.length)).map((e) => e.id),
      events.map((e) => e.id),
      'a reconnect from the start id misses nothing',
    );
    await fromStart.cancel();

    // Resumed after the first event: the rest, in order, nothing before it.
    const resumed = await open('ana', events[0]!.id);
    const rest = await resumed.next(events.length);
    assert.deepEqual(
      rest.map((e) => e.id),
      [...events.slice(1), review!].map((e) => e.id),
    );
    await resumed.cancel();
    await nl.cancel();
    const wrong = await fetch(`${base}/v1/queue/stream`, {
      headers: {
        authorization: `Bearer ${tokens['ana']!}`,
        accept: 'text/event-stream',
        'last-event-id': 'x',
      },
    });
    assert.equal(wrong.status, 400);
  });

  test('a person’s stream runs on the session cookie, and its polls do not keep an idle session alive', async () => {
    await app().deps.people.add(
      {
        username: 'ida',
        authority: 'NL',
        displayName: 'Ida Analyst',
        role: 'analyst',
        password: 'ida passphrase',
      },
      'admin:test',
    );
    const signIn = await app().server.app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'ida', password: 'ida passphrase' }),
    });
    assert.equal(signIn.statusCode, 200, signIn.body);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const base = await baseUrl();
    const res = await fetch(`${base}/v1/queue/stream`, { headers: { cookie, accept: 'text/event-stream' } });
    assert.equal(res.status, 200);
    const stream = new EventReader(res.body!);
    const ended = stream.ended();
    // Ten minutes at a time past the 30-minute idle limit, with polls in between: no poll refreshes it.
    for (let i = 0; i < 4; i++) {
      app().clock.advance(10 * 60_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000).unref());
    assert.equal(await Promise.race([ended, timeout]), true, 'the stream ends when the session idles out');
    const again = await fetch(`${base}/v1/queue/stream`, {
      headers: { cookie, accept: 'text/event-stream' },
    });
    assert.equal(again.status, 401);
    await again.body?.cancel();
  });
});
