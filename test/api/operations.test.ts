/**
 * Operations: liveness and readiness, Prometheus metrics that move with the traffic, a request id
 * that follows a filing from the API into its outbox event, and the audit trail of outcomes and
 * reads of parties, chained and verified.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { startAuditChainer } from '../../src/app/audit-chainer.ts';

forEachDatabase('operations', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  let filer = '';
  before(async () => {
    t = await startTestApp(target);
    filer = await app().token('NL', 'filer', 'ops');
  });

  test('health, readiness and metrics', async () => {
    assert.equal((await app().server.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    const ready = await app().server.app.inject({ method: 'GET', url: '/ready' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready', database: 'ok', bus: 'none' });

    const ok = await app().server.app.inject({
      method: 'POST',
      url: '/v1/filings',
      headers: {
        authorization: `Bearer ${filer}`,
        'content-type': 'application/json',
        'x-request-id': 'req-ops-1',
      },
      payload: JSON.stringify(validFiling(app().clock.now(), { lrn: 'OPS-1' })),
    });
    assert.equal(ok.statusCode, 201);
    const bad = validFiling(app().clock.now(), { lrn: 'OPS-2' });
    bad['declarant'].eori = 'XX1';
    await app().server.app.inject({
      method: 'POST',
      url: '/v1/filings',
      headers: { authorization: `Bearer ${filer}`, 'content-type': 'application/json' },
      payload: JSON.stringify(bad),
    });
    await app().deps.assessments.handleReady({ mrn: ok.json().mrn, authority: 'NL', version: 1 });

    const metrics = await app().server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${await app().token('NL', 'auditor', 'ops-scraper')}` },
    });
    assert.equal(metrics.statusCode, 200);
    assert.match(metrics.headers['content-type'] as string, /text\/plain/);
    assert.match(metrics.body, /^vigil_filings_registered_total 1$/m);
    assert.match(metrics.body, /^vigil_filings_rejected_total\{code="R3005"\} 1$/m);
    assert.match(metrics.body, /^vigil_outcomes_total\{kind="[a-z-]+"\} 1$/m);
    assert.match(metrics.body, /^vigil_assessment_duration_seconds_count 1$/m);
    assert.match(
      metrics.body,
      /^vigil_outbox_pending 1$/m,
      'the event is still in the outbox (no bus runs in this test)',
    );

    // The request id travels with the event to whoever assesses the filing.
    const event = await app().deps.db.query<{ payload: { requestId?: string } }>(
      `SELECT payload FROM outbox WHERE key = $1`,
      [ok.json().mrn],
    );
    assert.equal(event.rows[0]!.payload.requestId, 'req-ops-1');
  });

  test('outcomes and reads of parties are audited, chained and verifiable', async () => {
    const analyst = await app().token('NL', 'analyst', 'ana');
    const f = await app().server.app.inject({
      method: 'POST',
      url: '/v1/filings',
      headers: { authorization: `Bearer ${filer}`, 'content-type': 'application/json' },
      payload: JSON.stringify(validFiling(app().clock.now(), { lrn: 'OPS-AUDIT' })),
    });
    const mrn = f.json().mrn as string;
    await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 1 });
    await app().server.app.inject({
      method: 'GET',
      url: `/v1/filings/${mrn}`,
      headers: { authorization: `Bearer ${analyst}` },
    });

    const chainer = startAuditChainer(app().deps.db, app().deps.audit, { intervalMs: 60_000 });
    assert.ok((await chainer.runOnce()) >= 2);
    await chainer.stop();
    const entries = await app().deps.audit.list(app().deps.db, { authority: 'NL', subject: mrn });
    const actions = entries.map((e) => `${e.action} ${e.actor}`);
    assert.ok(actions.includes('outcome.decided system:assessment'), actions.join('; '));
    assert.ok(actions.includes('filing.parties-read analyst:ana'), actions.join('; '));
    const verified = await app().deps.audit.verify(app().deps.db, { authority: 'NL' });
    assert.equal(verified.ok, true);
    assert.equal((await app().deps.audit.pendingCounts(app().deps.db)).get('NL') ?? 0, 0);
  });
});
