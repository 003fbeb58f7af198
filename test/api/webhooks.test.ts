/**
 * Pushed notifications (issue 14, part 3) with a local receiver on 127.0.0.1 that checks every
 * delivery with the verification code docs/integration.md shows (src/notifications/webhook-verify.ts):
 * every event arrives once with a valid signature; with the receiver down, events arrive after it
 * returns, in order; a replay from a date re-sends them; a tampered body or a wrong secret fails
 * verification; a delivery is dead-lettered after the limit; a filer sees only its own endpoints;
 * the event stream sends the same events and resumes with Last-Event-ID. The dispatcher is driven by
 * calling its `tick` and retries are made due by moving the test clock: nothing sleeps or times.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assessPending as assessAll,
  closeAfter,
  forEachDatabase,
  sender,
  startTestApp,
} from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { EventReader } from '../support/event-reader.ts';
import { WebhookVerificationError, verifyWebhook } from '../../src/notifications/webhook-verify.ts';
import {
  HttpWebhookSender,
  NotificationRepository,
  WebhookDispatcher,
  WebhookRepository,
} from '../../src/notifications/index.ts';

const DAY = 86_400_000;

interface Received {
  readonly path: string;
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/**
 * A filer's receiver: answers 204 when up, 503 when `unavailable`, refuses connections when stopped;
 * `/always-500` always fails. Every request is verified with the secret registered for its path.
 */
class Receiver {
  readonly secrets = new Map<string, string>();
  readonly received: Received[] = [];
  readonly refused: { path: string; status: number }[] = [];
  /** Deliveries whose signature did not verify (none may). */
  readonly invalid: string[] = [];
  unavailable = false;
  #server: Server | undefined;
  #port = 0;

  url(path: string): string {
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        if (path === '/always-500' || this.unavailable) {
          const status = path === '/always-500' ? 500 : 503;
          this.refused.push({ path, status });
          res.writeHead(status).end();
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        // The receiver's own check, with the documented code: an invalid delivery is a 400.
        let event: ReturnType<typeof verifyWebhook>;
        try {
          event = verifyWebhook(this.secrets.get(path) ?? 'whsec_AAAA', body, req.headers);
        } catch (err) {
          this.invalid.push(`${path}: ${String(err)}`);
          res.writeHead(400).end();
          return;
        }
        this.received.push({
          path,
          body,
          headers: req.headers,
          id: String(req.headers['webhook-id']),
          type: event.type,
          data: event.data,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.#port, '127.0.0.1', resolve));
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }
}

const rfiRule = {
  id: 'R-QUERY',
  title: 'Ask about this consignee',
  riskArea: 'origin',
  weight: 20,
  severity: 'medium',
  recommendedAction: 'request-for-information',
  status: 'active',
  reason: 'Who is the final buyer?',
  condition: 'consignee.name == "Query Me BV"',
};

forEachDatabase('webhooks and the event stream', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const receiver = new Receiver();
  const tok: Record<string, string> = {};
  const send = sender(app, tok);
  let acmeHook = '';

  before(async () => {
    t = await startTestApp(target, undefined, {
      VIGIL_WEBHOOK_MAX_ATTEMPTS: '3',
      VIGIL_EVENT_STREAM_POLL_MS: '20',
    });
    tok['acme'] = await app().token('NL', 'filer', 'acme');
    tok['other'] = await app().token('NL', 'filer', 'other');
    tok['admin'] = await app().token('NL', 'admin', 'nl-admin');
    tok['analyst'] = await app().token('NL', 'analyst', 'ana');
    tok['officer'] = await app().token('NL', 'officer', 'olly');
    await receiver.start();
    const rule = await send('POST', '/v1/rules', 'analyst', rfiRule);
    assert.equal(rule.statusCode, 201, rule.body);
  });
  after(() => receiver.stop());

  const assessPending = () => assessAll(app());
  const lodge = async (who: string, lrn: string, change?: (f: Record<string, any>) => void) => {
    const f = validFiling(app().clock.now(), { lrn });
    change?.(f);
    const r = await send('POST', '/v1/filings', who, f);
    assert.equal(r.statusCode, 201, r.body);
    return { mrn: r.json().mrn as string, filing: f };
  };
  /** Runs dispatcher rounds until one sends nothing (what is due now has been tried). */
  const dispatch = async () => {
    const total = { delivered: 0, failed: 0, deadLettered: 0 };
    for (;;) {
      const r = await app().deps.webhookDispatcher.tick();
      total.delivered += r.delivered;
      total.failed += r.failed;
      total.deadLettered += r.deadLettered;
      if (r.delivered + r.deadLettered === 0) {
        return total;
      }
    }
  };
  /** A dispatcher as another process would have it, on the same database and clock. */
  const anotherProcess = (over: { budgetMs?: number } = {}) =>
    new WebhookDispatcher({
      db: app().deps.db,
      repo: new WebhookRepository(),
      notifications: new NotificationRepository(),
      sender: new HttpWebhookSender({ timeoutMs: 10_000, allowPrivate: true }),
      clock: app().clock,
      maxAttempts: 3,
      retryBaseMs: 1000,
      retryMaxMs: 60_000,
      ...over,
    });
  const register = async (who: string, path: string, extra: Record<string, unknown> = {}) => {
    const r = await send('POST', '/v1/webhooks', who, { url: receiver.url(path), ...extra });
    assert.equal(r.statusCode, 201, r.body);
    const body = r.json();
    assert.match(body.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    receiver.secrets.set(path, body.secret);
    return body as { id: string; secret: string; events: string[] };
  };
  const deliveries = async (who: string, id: string, query = '') => {
    const r = await send('GET', `/v1/webhooks/${id}/deliveries${query}`, who);
    assert.equal(r.statusCode, 200, r.body);
    return r.json().items as Record<string, any>[];
  };
  const feed = async (who: string) =>
    (
      (await send('GET', '/v1/notifications?limit=1000', who)).json().items as {
        id: number;
        type: string;
        mrn: string;
      }[]
    ).map((n) => ({ id: n.id, type: n.type, mrn: n.mrn }));

  test('every event of the filer arrives once, in order, with a valid signature; nothing of another filer', async () => {
    const hook = await register('acme', '/acme', { description: 'ACME receiver' });
    acmeHook = hook.id;
    assert.deepEqual(hook.events, [
      'outcome.decided',
      'outcome.request-for-information',
      'amendment.registered',
      'filing.invalidated',
    ]);
    const listed = (await send('GET', '/v1/webhooks', 'acme')).json().items;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].secret, undefined, 'the secret is shown once, at registration');

    const plain = await lodge('acme', 'HOOK-1');
    const asked = await lodge('acme', 'HOOK-RFI', (f) => {
      f['consignments'][0].consignee.name = 'Query Me BV';
      delete f['consignments'][0].consignee.eori;
    });
    await lodge('other', 'OTHER-1');
    await assessPending();
    plain.filing['consignments'][0].goods[0].grossMassKg = 1300;
    const amended = await send('POST', `/v1/filings/${plain.mrn}/amendments`, 'acme', plain.filing);
    assert.equal(amended.statusCode, 200, amended.body);
    await assessPending();
    const invalidated = await send('POST', `/v1/filings/${asked.mrn}/invalidation`, 'acme', {
      reason: 'sent twice',
    });
    assert.equal(invalidated.statusCode, 200, invalidated.body);

    const mine = await feed('acme');
    assert.deepEqual(
      mine.map((n) => n.type),
      [
        'outcome.decided',
        'outcome.request-for-information',
        'amendment.registered',
        'outcome.decided',
        'filing.invalidated',
      ],
    );
    const sent = await dispatch();
    assert.equal(sent.delivered, mine.length);
    assert.equal(sent.failed, 0);

    const got = receiver.at('/acme');
    assert.deepEqual(
      got.map((r) => r.id),
      mine.map((n) => `evt_${n.id}`),
      'each of the filer’s events once, in the order they happened',
    );
    assert.deepEqual(
      got.map((r) => r.type),
      mine.map((n) => n.type),
    );
    const byType = (type: string) => got.filter((r) => r.type === type).map((r) => r.data);
    assert.ok(got.every((r) => r.data['mrn'] === plain.mrn || r.data['mrn'] === asked.mrn));
    assert.equal(got[0]!.data['lrn'], 'HOOK-1');
    assert.equal((byType('outcome.decided')[0]!['outcome'] as { kind: string }).kind, 'assessment-complete');
    assert.equal(
      (byType('outcome.request-for-information')[0]!['outcome'] as { kind: string }).kind,
      'request-for-information',
    );
    assert.deepEqual(
      { ...byType('amendment.registered')[0], amendedAt: undefined },
      { mrn: plain.mrn, lrn: 'HOOK-1', fromVersion: 1, version: 2, reassessed: true, amendedAt: undefined },
    );
    assert.equal(byType('filing.invalidated')[0]!['reason'], 'sent twice');
    assert.equal(byType('filing.invalidated')[0]!['lrn'], 'HOOK-RFI');
    for (const r of got) {
      assert.match(String(r.headers['webhook-signature']), /^v1,/);
      assert.match(String(r.headers['webhook-timestamp']), /^\d+$/);
      assert.equal(JSON.parse(r.body).timestamp.slice(0, 4), '2027', 'the event’s time is Vigil’s clock');
    }

    assert.deepEqual(receiver.invalid, []);
    // Exactly once: another round sends nothing more.
    assert.deepEqual(await dispatch(), { delivered: 0, failed: 0, deadLettered: 0 });
    assert.equal(receiver.at('/acme').length, mine.length);
    const record = await deliveries('acme', hook.id);
    assert.equal(record.length, mine.length);
    for (const d of record) {
      assert.equal(d['status'], 'delivered');
      assert.equal(d['attempts'], 1);
      assert.equal(d['lastStatusCode'], 204);
      assert.equal(d['lastError'], null);
      assert.equal(d['nextAttemptAt'], null);
      assert.ok(d['deliveredAt'] !== null);
    }
  });

  test('with the receiver down (503, then not listening), events wait and arrive after it returns, in order', async () => {
    const before = receiver.at('/acme').length;
    receiver.unavailable = true;
    const lodged = [];
    for (const lrn of ['DOWN-1', 'DOWN-2', 'DOWN-3']) {
      lodged.push((await lodge('acme', lrn)).mrn);
    }
    await assessPending();

    const first = await dispatch();
    assert.deepEqual(
      first,
      { delivered: 0, failed: 1, deadLettered: 0 },
      'only the oldest is tried: order holds',
    );
    let pending = await deliveries('acme', acmeHook, '?status=pending');
    assert.equal(pending.length, 3);
    const head = pending[pending.length - 1]!;
    assert.equal(head['attempts'], 1);
    assert.equal(head['lastStatusCode'], 503);
    assert.equal(head['lastError'], 'the receiver answered 503');
    assert.ok(Date.parse(head['nextAttemptAt']) > app().clock.now().getTime(), 'retried later, with backoff');
    assert.deepEqual(
      await dispatch(),
      { delivered: 0, failed: 0, deadLettered: 0 },
      'nothing before the retry is due',
    );

    // Not listening at all: the connection is refused.
    await receiver.stop();
    app().clock.advance(DAY);
    assert.equal((await dispatch()).failed, 1);
    pending = await deliveries('acme', acmeHook, '?status=pending');
    const refused = pending[pending.length - 1]!;
    assert.equal(refused['attempts'], 2);
    assert.equal(refused['lastStatusCode'], null);
    assert.match(refused['lastError'], /ECONNREFUSED/);

    receiver.unavailable = false;
    await receiver.start();
    app().clock.advance(DAY);
    const after = await dispatch();
    assert.equal(after.delivered, 3);
    const got = receiver.at('/acme').slice(before);
    assert.deepEqual(
      got.map((r) => r.data['mrn']),
      lodged,
      'in the order the events happened',
    );
    assert.deepEqual(await deliveries('acme', acmeHook, '?status=pending'), []);
  });

  test('a replay from a date re-sends every event since then, with the same webhook-ids', async () => {
    const since = app().clock.now();
    app().clock.advance(60_000);
    const lodged = [(await lodge('acme', 'REPLAY-1')).mrn, (await lodge('acme', 'REPLAY-2')).mrn];
    await assessPending();
    await dispatch();
    const original = receiver.at('/acme').filter((r) => lodged.includes(String(r.data['mrn'])));
    assert.equal(original.length, 2);

    const start = receiver.at('/acme').length;
    const replay = await send('POST', `/v1/webhooks/${acmeHook}/replay`, 'acme', {
      since: since.toISOString(),
    });
    assert.equal(replay.statusCode, 202, replay.body);
    assert.deepEqual(replay.json(), { queued: 2 });
    assert.equal((await dispatch()).delivered, 2);
    const again = receiver.at('/acme').slice(start);
    assert.deepEqual(
      again.map((r) => r.id),
      original.map((r) => r.id),
      'the same events, same ids, so a receiver that kept them can drop the copies',
    );
    const replayed = (await deliveries('acme', acmeHook, '?limit=2')).map((d) => [d['replay'], d['status']]);
    assert.deepEqual(replayed, [
      [true, 'delivered'],
      [true, 'delivered'],
    ]);

    // Everything since the first test: the whole history again.
    const all = await send('POST', `/v1/webhooks/${acmeHook}/replay`, 'acme', {
      since: '2000-01-01T00:00:00Z',
    });
    assert.equal(all.json().queued, (await feed('acme')).length);
    const bad = await send('POST', `/v1/webhooks/${acmeHook}/replay`, 'acme', { since: 'yesterday' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'VIGIL_BAD_REQUEST');
    await dispatch();
  });

  test('the documented verification detects a tampered body, a wrong secret, a changed id and a stale timestamp', () => {
    const r = receiver.at('/acme')[0]!;
    const secret = receiver.secrets.get('/acme')!;
    assert.equal(verifyWebhook(secret, r.body, r.headers).type, r.type);
    const tampered = r.body.replace(/"lrn":"[^"]*"/, '"lrn":"SOMETHING-ELSE"');
    assert.notEqual(tampered, r.body);
    assert.throws(() => verifyWebhook(secret, tampered, r.headers), WebhookVerificationError);
    assert.throws(
      () => verifyWebhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, r.body, r.headers),
      WebhookVerificationError,
    );
    assert.throws(
      () => verifyWebhook(secret, r.body, { ...r.headers, 'webhook-id': 'evt_999999' }),
      WebhookVerificationError,
    );
    assert.throws(
      () => verifyWebhook(secret, r.body, { ...r.headers, 'webhook-timestamp': '1000000000' }),
      WebhookVerificationError,
    );
    assert.throws(() => verifyWebhook(secret, r.body, {}), WebhookVerificationError);
  });

  test('a delivery that keeps failing is dead-lettered after the limit, and the queue moves on', async () => {
    const hook = await register('other', '/always-500', { events: ['outcome.decided'] });
    assert.deepEqual(hook.events, ['outcome.decided']);
    const first = (await lodge('other', 'DEAD-1')).mrn;
    await lodge('other', 'DEAD-2');
    await assessPending();
    for (let i = 0; i < 3; i++) {
      await dispatch();
      app().clock.advance(DAY);
    }
    const record = await deliveries('other', hook.id);
    const dead = record.filter((d) => d['status'] === 'dead');
    assert.equal(dead.length, 1);
    assert.equal(dead[0]!['attempts'], 3, 'VIGIL_WEBHOOK_MAX_ATTEMPTS');
    assert.equal(dead[0]!['lastStatusCode'], 500);
    assert.ok(dead[0]!['deadLetteredAt'] !== null);
    assert.equal(dead[0]!['nextAttemptAt'], null);
    const next = record.find((d) => d['status'] === 'pending')!;
    assert.ok(next['attempts'] >= 1, 'the next event is tried once the first is dead-lettered');
    assert.deepEqual(
      (await deliveries('other', hook.id, '?status=dead')).map((d) => d['id']),
      [dead[0]!['id']],
    );
    const events = await feed('other');
    assert.equal(dead[0]!['webhookId'], `evt_${events.find((e) => e.mrn === first)!.id}`, 'the oldest event');
    assert.equal(receiver.at('/always-500').length, 0);
    assert.deepEqual(receiver.invalid, []);
  });

  test('a filer sees and manages only its own endpoints; an admin sees every one; other roles none', async () => {
    const others = (await send('GET', '/v1/webhooks', 'other')).json().items as { id: string }[];
    assert.ok(others.length === 1 && others[0]!.id !== acmeHook);
    for (const [method, url, body] of [
      ['GET', `/v1/webhooks/${acmeHook}/deliveries`, undefined],
      ['POST', `/v1/webhooks/${acmeHook}/replay`, { since: '2000-01-01T00:00:00Z' }],
      ['DELETE', `/v1/webhooks/${acmeHook}`, undefined],
    ] as const) {
      const r = await send(method, url, 'other', body);
      assert.equal(r.statusCode, 404, `${method} ${url}: ${r.body}`);
      assert.equal(r.json().code, 'VIGIL_WEBHOOK_NOT_FOUND');
    }
    const all = (await send('GET', '/v1/webhooks', 'admin')).json().items as { id: string }[];
    assert.equal(all.length, 2);
    assert.equal((await send('GET', `/v1/webhooks/${acmeHook}/deliveries`, 'admin')).statusCode, 200);
    const officer = await send('GET', '/v1/webhooks', 'officer');
    assert.equal(officer.statusCode, 403);
    assert.equal(officer.json().code, 'VIGIL_FORBIDDEN');
    const otherAuthority = await app().token('BE', 'admin', 'be-admin');
    const be = await app().server.app.inject({
      method: 'GET',
      url: '/v1/webhooks',
      headers: { authorization: `Bearer ${otherAuthority}` },
    });
    assert.deepEqual(be.json().items, [], 'another authority sees none');

    // Every change is in the audit trail, with who made it.
    await app().deps.audit.chainPending(app().deps.db);
    const trail = await app().deps.audit.list(app().deps.db, { authority: 'NL', subject: acmeHook });
    const hookEntries = trail
      .filter((e) => e.action.startsWith('webhook.'))
      .map((e) => `${e.action} ${e.actor} ${e.subject}`);
    assert.ok(hookEntries.includes(`webhook.registered filer:acme ${acmeHook}`), hookEntries.join('\n'));
    assert.ok(hookEntries.includes(`webhook.replayed filer:acme ${acmeHook}`), hookEntries.join('\n'));
  });

  test('URLs: https only (http for this machine), no credentials, known event types; stable codes', async () => {
    for (const [url, code] of [
      ['ftp://example.com/hook', 'VIGIL_WEBHOOK_URL_INVALID'],
      ['not a url', 'VIGIL_WEBHOOK_URL_INVALID'],
      ['https://user:pw@example.com/hook', 'VIGIL_WEBHOOK_URL_INVALID'],
      ['http://example.com/hook', 'VIGIL_WEBHOOK_URL_INSECURE'],
    ] as const) {
      const r = await send('POST', '/v1/webhooks', 'acme', { url });
      assert.equal(r.statusCode, 422, `${url}: ${r.body}`);
      assert.equal(r.json().code, code, url);
      assert.equal(r.json().errors[0].path, '$.url');
    }
    const unknown = await send('POST', '/v1/webhooks', 'acme', {
      url: receiver.url('/x'),
      events: ['outcome.maybe'],
    });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().errors[0].path, '$.events[0]');
    const hooks = await app().count('webhook_endpoint');
    assert.equal(hooks, 2, 'nothing refused was stored');
  });

  test('a deleted endpoint receives nothing more and is no longer listed', async () => {
    const gone = await register('acme', '/gone');
    assert.equal((await send('DELETE', `/v1/webhooks/${gone.id}`, 'acme')).statusCode, 204);
    await lodge('acme', 'AFTER-DELETE');
    await assessPending();
    await dispatch();
    assert.equal(receiver.at('/gone').length, 0);
    const ids = ((await send('GET', '/v1/webhooks', 'acme')).json().items as { id: string }[]).map(
      (e) => e.id,
    );
    assert.deepEqual(ids, [acmeHook]);
    assert.equal((await send('GET', `/v1/webhooks/${gone.id}/deliveries`, 'acme')).statusCode, 404);
  });

  test('two dispatchers at once (two processes) deliver each event once, in order', async () => {
    const hook = await register('acme', '/twice');
    const lodged = [];
    for (const lrn of ['PAR-1', 'PAR-2', 'PAR-3', 'PAR-4']) {
      lodged.push((await lodge('acme', lrn)).mrn);
    }
    await assessPending();
    const second = anotherProcess();
    const [a, b] = await Promise.all([app().deps.webhookDispatcher.tick(), second.tick()]);
    // Whichever took the endpoint sent all four; the other found it leased. The acme endpoint of the
    // first test takes these events too.
    assert.equal(a.delivered + b.delivered, 8);
    const got = receiver.at('/twice');
    assert.deepEqual(
      got.map((r) => r.data['mrn']),
      lodged,
    );
    assert.equal(new Set(got.map((r) => r.id)).size, 4);
    await dispatch();
    assert.equal((await deliveries('acme', hook.id, '?status=delivered')).length, 4);
    assert.equal((await send('DELETE', `/v1/webhooks/${hook.id}`, 'acme')).statusCode, 204);
  });

  test('endpoints are served in turn: one with a backlog does not keep another waiting', async () => {
    tok['third'] = await app().token('NL', 'filer', 'third');
    const hooks = [await register('third', '/turn-a'), await register('third', '/turn-b')];
    for (const lrn of ['TURN-1', 'TURN-2', 'TURN-3']) {
      await lodge('third', lrn);
    }
    await assessPending();
    // A budget of nothing: one delivery per claim, then the endpoint goes to the end of the line.
    const oneAtATime = anotherProcess({ budgetMs: 0 });
    const served: string[] = [];
    for (;;) {
      const before = receiver.received.length;
      const r = await oneAtATime.tick({ endpoints: 1 });
      if (r.endpoints === 0) {
        break;
      }
      served.push(...receiver.received.slice(before).map((x) => x.path));
      app().clock.advance(1);
    }
    assert.equal(served.length, 6);
    for (let i = 1; i < served.length; i++) {
      assert.notEqual(served[i], served[i - 1], `in turn: ${served.join(' ')}`);
    }
    for (const h of hooks) {
      assert.equal((await send('DELETE', `/v1/webhooks/${h.id}`, 'third')).statusCode, 204);
    }
  });

  test('signing secrets: a request may add one but read none, and the reporting role reads none', async () => {
    const asRole = (role: string) =>
      app()
        .deps.db.transaction(async (tx) => {
          await tx.query(`SET LOCAL ROLE ${role}`);
          return (await tx.query('SELECT secret FROM webhook_secret')).rows;
        })
        .then(
          () => 'read',
          (err: unknown) => (err as Error).message,
        );
    assert.match(await asRole('vigil_app'), /permission denied/);
    assert.match(await asRole('vigil_reader'), /permission denied/);
    const asApp = await app()
      .deps.db.forAuthority('NL')
      .transaction(async (tx) => (await tx.query('SELECT id FROM webhook_endpoint')).rows.length);
    assert.ok(asApp > 0, 'requests read their authority’s endpoints (without secrets)');
  });

  test('the event stream sends the same events, resumes after Last-Event-ID, and ends when the server stops', async () => {
    const refused = await send('GET', '/v1/events/stream', 'acme');
    assert.equal(refused.statusCode, 406);
    assert.equal(refused.json().code, 'VIGIL_NOT_ACCEPTABLE');

    const base = await app().server.app.listen({ port: 0, host: '127.0.0.1' });
    const mine = await feed('acme');
    const open = async (lastEventId?: number) => {
      const res = await fetch(`${base}/v1/events/stream`, {
        headers: {
          authorization: `Bearer ${tok['acme']!}`,
          accept: 'text/event-stream',
          ...(lastEventId !== undefined ? { 'last-event-id': String(lastEventId) } : {}),
        },
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
      return new EventReader(res.body!);
    };

    const stream = await open();
    const all = await stream.next(mine.length);
    assert.deepEqual(
      all.map((e) => [Number(e.id), e.event]),
      mine.map((n) => [n.id, n.type]),
    );
    const sample = all.find((e) => e.event === 'amendment.registered')!;
    const delivered = receiver.at('/acme').find((r) => r.id === `evt_${sample.id}`)!;
    assert.deepEqual(JSON.parse(sample.data), JSON.parse(delivered.body), 'the same JSON a webhook carries');

    // Live: an event that happens while connected arrives.
    const live = await lodge('acme', 'LIVE-1');
    await assessPending();
    const [fresh] = await stream.next(1);
    assert.equal(JSON.parse(fresh!.data).data.mrn, live.mrn);
    await stream.cancel();

    // A revoked token's stream ends at its next look for events; reconnecting is refused.
    const doomed = await app().token('NL', 'filer', 'acme');
    const revocable = await fetch(`${base}/v1/events/stream`, {
      headers: { authorization: `Bearer ${doomed}`, accept: 'text/event-stream' },
    });
    const revocableEvents = new EventReader(revocable.body!);
    await revocableEvents.next(1);
    await app().deps.tokens.revoke(doomed, 'admin:nl-admin', 'leaked');
    assert.equal(await revocableEvents.ended(), true);
    const again = await fetch(`${base}/v1/events/stream`, {
      headers: { authorization: `Bearer ${doomed}`, accept: 'text/event-stream' },
    });
    assert.equal(again.status, 401);
    await again.body?.cancel();

    // A stream opened with an API key lasts while the key does: revoked, the stream ends.
    const adminToken = await app().token('NL', 'admin', 'nl-admin');
    const created = await fetch(`${base}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'acme gateway',
        filer: 'acme',
        eoris: ['NL123456789'],
        expiresAt: new Date(app().clock.now().getTime() + 30 * 86_400_000).toISOString(),
      }),
    });
    assert.equal(created.status, 201);
    const issued = (await created.json()) as { key: { id: string }; secret: string };
    const keyed = await fetch(`${base}/v1/events/stream`, {
      headers: { authorization: `Bearer ${issued.secret}`, accept: 'text/event-stream' },
    });
    assert.equal(keyed.status, 200);
    const keyedEvents = new EventReader(keyed.body!);
    const backlog = await keyedEvents.next(mine.length + 1);
    assert.deepEqual(
      backlog.map((e) => Number(e.id)),
      [...mine.map((n) => n.id), Number(fresh!.id)],
      "the key reads the filer's own events",
    );
    const liveForKey = await lodge('acme', 'LIVE-KEY');
    await assessPending();
    const [keyedFresh] = await keyedEvents.next(1);
    assert.equal(JSON.parse(keyedFresh!.data).data.mrn, liveForKey.mrn, 'and stays open for new ones');
    const revokedKey = await fetch(`${base}/v1/api-keys/${issued.key.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.equal(revokedKey.status, 200);
    await revokedKey.body?.cancel();
    assert.equal(await keyedEvents.ended(), true);

    // One caller holds at most five streams at once.
    const streamer = await app().token('NL', 'filer', 'streamer');
    const openAs = (token: string) =>
      fetch(`${base}/v1/events/stream`, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      });
    const five = await Promise.all([1, 2, 3, 4, 5].map(() => openAs(streamer)));
    assert.deepEqual(
      five.map((r) => r.status),
      [200, 200, 200, 200, 200],
    );
    const sixth = await openAs(streamer);
    assert.equal(sixth.status, 429);
    assert.equal(((await sixth.json()) as { code: string }).code, 'VIGIL_RATE_LIMITED');
    await Promise.all(five.map((r) => r.body!.cancel()));

    // Resumed after the second event: everything after it, nothing before.
    const resumed = await open(mine[1]!.id);
    const rest = await resumed.next(mine.length - 2 + 1);
    assert.deepEqual(
      rest.map((e) => Number(e.id)),
      [...mine.slice(2).map((n) => n.id), Number(fresh!.id)],
    );

    // The server stops: the open stream ends cleanly.
    await app().server.stop();
    assert.equal(await resumed.ended(), true);
    const text = readFileSync(join(import.meta.dirname, '../../docs/integration.md'), 'utf8');
    assert.ok(text.includes('Last-Event-ID'));
  });

  test('docs/integration.md shows the verification code the tests use, word for word', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/integration.md'), 'utf8');
    const source = readFileSync(
      join(import.meta.dirname, '../../src/notifications/webhook-verify.ts'),
      'utf8',
    );
    const fn = /\/\/ --- begin: verifying webhooks[^\n]*\n([\s\S]*?)\/\/ --- end: verifying webhooks/.exec(
      source,
    )![1]!;
    assert.ok(doc.includes('## Verifying webhooks'));
    assert.ok(doc.includes(fn.trim()), 'the documented function is src/notifications/webhook-verify.ts’s');
  });
});
