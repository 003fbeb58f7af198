/**
 * Attacks from the hardening review (issue "Hardening"), reproduced through the API on a real
 * database; each asserts the fixed behaviour. This file covers the findings fixed so far:
 * - a rule that throws at run time (a bad time zone) is isolated: the consignment is assessed, the
 *   other rules hit, and the failure is explained in the assessment;
 * - officer B neither records on officer A's task nor corrects A's result; a coordinator may;
 * - a body with 100,000 unknown keys gets an answer under 100 KB;
 * - a token without an expiry is refused, and no token lives longer than 7 days;
 * - an amendment does not draw the random selection again;
 * - a caller's request id reaches the logs and events only when it is a plain token;
 * - answers carry security headers; the embedded default listens on 127.0.0.1 only.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, handMadeToken, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { loadConfig } from '../../src/config/index.ts';
import { testRule } from '../support/rules.ts';

const rule = testRule;

forEachDatabase('hardening', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};
  const send = sender(app, tok);

  before(async () => {
    t = await startTestApp(target);
    for (const [role, subject] of [
      ['analyst', 'ana'],
      ['filer', 'acme'],
      ['officer', 'olga'],
      ['coordinator', 'cora'],
    ] as const) {
      tok[role] = await app().token('NL', role, subject);
    }
    tok['officer-b'] = await app().token('NL', 'officer', 'bert');
  });

  test('a rule that throws at run time is isolated and explained; the other rules still hit', async () => {
    const hostile = rule({
      id: 'BAD-ZONE',
      condition: 'timestamp(transport.estimatedArrival).getHours("02:00") < 6',
    });
    const saved = await send('POST', '/v1/rules', 'analyst', hostile);
    assert.equal(saved.statusCode, 201, saved.body);
    assert.equal(
      (
        await send(
          'POST',
          '/v1/rules',
          'analyst',
          rule({ id: 'PHONES', condition: 'goods.exists(g, g.hsCode.startsWith("8517"))' }),
        )
      ).statusCode,
      201,
    );
    const lodged = await send(
      'POST',
      '/v1/filings',
      'filer',
      validFiling(app().clock.now(), { lrn: 'HOSTILE-1' }),
    );
    assert.equal(lodged.statusCode, 201, lodged.body);
    const mrn = lodged.json().mrn as string;
    assert.equal(await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 1 }), 1);
    const a = (await send('GET', `/v1/filings/${mrn}/assessment`, 'analyst')).json().consignments[0];
    assert.ok(
      a.hits.some((h: { id: string }) => h.id === 'PHONES'),
      JSON.stringify(a.hits),
    );
    assert.ok(
      a.errors.some(
        (e: { ruleId: string; message: string }) => e.ruleId === 'BAD-ZONE' && e.message.length > 0,
      ),
      JSON.stringify(a.errors),
    );
  });

  test("officer B neither records on A's task nor corrects A's result; a coordinator may", async () => {
    const lodged = await send(
      'POST',
      '/v1/filings',
      'filer',
      validFiling(app().clock.now(), { lrn: 'FOUR-EYES-1' }),
    );
    const mrn = lodged.json().mrn as string;
    await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 1 });
    const task = (await send('GET', '/v1/controls?limit=100', 'officer'))
      .json()
      .items.find((x: { mrn: string }) => x.mrn === mrn);
    assert.ok(task, 'a control task');
    assert.equal(
      (await send('POST', `/v1/controls/${task.id as string}/assign`, 'officer', {})).statusCode,
      200,
    );
    const seizure = {
      result: 'seizure',
      category: 'cigarettes-tobacco',
      quantity: 1000,
      unit: 'kg',
      method: 'physical',
    };
    const byB = await send('POST', `/v1/controls/${task.id as string}/result`, 'officer-b', seizure);
    assert.equal(byB.statusCode, 403, byB.body);
    const byA = await send('POST', `/v1/controls/${task.id as string}/result`, 'officer', seizure);
    assert.equal(byA.statusCode, 201, byA.body);
    const overwrite = await send('POST', `/v1/controls/${task.id as string}/result`, 'officer-b', {
      result: 'no-irregularity',
      method: 'physical',
      supersedes: byA.json().result.id,
    });
    assert.equal(overwrite.statusCode, 403, overwrite.body);
    const detail = (await send('GET', `/v1/controls/${task.id as string}`, 'officer')).json();
    assert.equal(detail.results.filter((r: { current: boolean }) => r.current)[0].result, 'seizure');
    const corrected = await send('POST', `/v1/controls/${task.id as string}/result`, 'coordinator', {
      ...seizure,
      quantity: 990,
      supersedes: byA.json().result.id,
      reason: 'weighed again',
    });
    assert.equal(corrected.statusCode, 201, corrected.body);
  });

  test('900 unknown keys get an answer of 100 errors that still says how many there were', async () => {
    // 100,000 keys are refused before parsing (VIGIL_BODY_TOO_MANY_KEYS, test/security/input-limits);
    // under that limit, the answer still lists at most 100 errors.
    const body = validFiling(app().clock.now(), { lrn: 'MANY-KEYS' });
    for (let i = 0; i < 900; i++) {
      body[`_${i.toString(36)}`] = 1;
    }
    const r = await send('POST', '/v1/filings', 'filer', body);
    assert.equal(r.statusCode, 422);
    assert.ok(r.body.length < 100_000, `${r.body.length} bytes`);
    assert.equal(r.json().errors.length, 100);
    assert.equal(r.json().errorCount, 900);
  });

  test('a token without an expiry is refused; none lives longer than 7 days', async () => {
    // Signed with the instance's own key, but with no `exp`: it would never expire.
    const noExpiry = await handMadeToken(
      app(),
      { authority: 'NL', role: 'admin', subject: 'eve' },
      undefined,
    );
    tok['no-expiry'] = noExpiry;
    const refused = await send('GET', '/v1/filings', 'no-expiry');
    assert.equal(refused.statusCode, 401, refused.body);
    await assert.rejects(
      app().deps.tokens.issue({ authority: 'NL', role: 'filer', subject: 'x', ttlSeconds: 8 * 86_400 }),
      /from 60 seconds to 7 days/,
    );
  });

  test('an amendment does not draw the random selection again', async () => {
    const body = validFiling(app().clock.now(), { lrn: 'REDRAW-1' });
    const lodged = await send('POST', '/v1/filings', 'filer', body);
    const mrn = lodged.json().mrn as string;
    await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 1 });
    body['consignments'][0].goods[0].description = 'Smartphones, 128GB, boxed, black';
    const amended = await send('POST', `/v1/filings/${mrn}/amendments`, 'filer', body);
    assert.equal(amended.statusCode, 200, amended.body);
    await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 2 });
    const versions = await app().deps.assessmentRepo.assessmentsOf(app().deps.db, 'NL', mrn);
    assert.deepEqual(
      versions.map((a) => a.version),
      [1, 2],
    );
    assert.deepEqual(versions[1]!.random, versions[0]!.random);
  });

  test("a caller's request id is kept only when it is a plain token", async () => {
    const post = (lrn: string, requestId: string) =>
      app().server.app.inject({
        method: 'POST',
        url: '/v1/filings',
        headers: {
          authorization: `Bearer ${tok['filer']!}`,
          'content-type': 'application/json',
          'x-request-id': requestId,
        },
        payload: JSON.stringify(validFiling(app().clock.now(), { lrn })),
      });
    const requestIdOf = async (mrn: string): Promise<unknown> =>
      (
        await app().deps.db.query<{ payload: { requestId?: string } }>(
          `SELECT payload FROM outbox WHERE key = $1 AND topic = 'filing.ready'`,
          [mrn],
        )
      ).rows[0]?.payload.requestId;
    const plain = await post('RID-1', 'trace-4f2a.9');
    assert.equal(await requestIdOf(plain.json().mrn), 'trace-4f2a.9');
    const hostile = await post('RID-2', 'x\u2028{"level":60,"msg":"forged"}'.repeat(20));
    const kept = await requestIdOf(hostile.json().mrn);
    assert.match(String(kept), /^[0-9a-f-]{36}$/, 'a fresh id instead of the one sent');
  });

  test('answers carry security headers; the embedded default listens on 127.0.0.1 only', async () => {
    const r = await app().server.app.inject({ method: 'GET', url: '/health' });
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['x-frame-options'], 'SAMEORIGIN');
    assert.ok(r.headers['strict-transport-security'] !== undefined);
    assert.equal(loadConfig({}).host, '127.0.0.1');
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://db/vigil' }).host, '0.0.0.0');
    assert.equal(loadConfig({ HOST: '0.0.0.0' }).host, '0.0.0.0');
  });
});
