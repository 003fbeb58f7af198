/**
 * Finding 10 of the hardening review (unauthenticated CPU, public metrics, names in logs), as attacks:
 * - a 4 MB nested array posted to a route that does not exist is answered 404 without being parsed;
 * - an unauthenticated POST to a protected route is refused before its body is parsed;
 * - a body nested too deeply or with an object of too many keys is refused before JSON.parse builds it;
 * - /metrics needs the scrape token or an admin/auditor token;
 * - a client over its rate limit gets 429 VIGIL_RATE_LIMITED with the rate-limit headers, and
 *   another client is not throttled by it;
 * - names in query strings and party names and addresses in logged objects are redacted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { forEachDatabase, testClock } from '../support/test-app.ts';
import type { DatabaseTarget } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { loadConfig } from '../../src/config/index.ts';
import { composeApp } from '../../src/app/compose.ts';
import type { AppDeps } from '../../src/app/compose.ts';
import { buildServer } from '../../src/api/server.ts';
import type { VigilServer } from '../../src/api/server.ts';
import { checkJsonLimits } from '../../src/api/json-limits.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { Database } from '../../src/store/database.ts';

const SCRAPE_TOKEN = 'scrape-0123456789abcdef0123456789abcdef';

interface LimitsApp {
  readonly server: VigilServer;
  readonly deps: AppDeps;
  readonly lines: string[];
  token(role: 'filer' | 'auditor' | 'admin' | 'analyst', subject: string): Promise<string>;
  close(): Promise<void>;
}

/** A test server with the given settings and a logger whose lines the test can read. */
async function startLimitsApp(target: DatabaseTarget, env: Record<string, string>): Promise<LimitsApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-limits-'));
  const config = loadConfig({
    VIGIL_DATA_DIR: dataDir,
    VIGIL_LOG_LEVEL: 'info',
    VIGIL_BODY_LIMIT_BYTES: String(8 * 1024 * 1024),
    VIGIL_METRICS_TOKEN: SCRAPE_TOKEN,
    ...env,
  });
  const db: Database = await target.open();
  const deps = await composeApp(config, { db, clock: testClock() });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  const log = createLogger('info', sink);
  const server = await buildServer(config, { ...deps, log });
  await server.app.ready();
  return {
    server,
    deps: { ...deps, log },
    lines,
    token: (role, subject) => deps.tokens.issue({ authority: 'NL', role, subject, ttlSeconds: 3600 }),
    async close() {
      await server.stop();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** 4 MB of nested arrays, made invalid at the very end: parsing it would answer VIGIL_BODY_NOT_JSON. */
function nestedArrayBomb(): string {
  const half = 2 * 1024 * 1024;
  return `${'['.repeat(half)}${']'.repeat(half - 1)}x`;
}

describe('JSON limits scan', () => {
  test('brackets, colons and escaped quotes inside strings do not count', () => {
    const text = JSON.stringify({ a: '[[[[{{{{::::\\"]]]]', b: ['"{:}"'], c: { d: 1 } });
    assert.doesNotThrow(() => checkJsonLimits(text, { maxDepth: 2, maxKeys: 3 }));
  });
  test('depth and keys per object are limited, and the error says where', () => {
    assert.throws(
      () => checkJsonLimits('{"a":[[[1]]]}', { maxDepth: 3, maxKeys: 10 }),
      (e: { code?: string; message?: string }) =>
        e.code === 'VIGIL_BODY_TOO_DEEP' && /more than 3 levels.*character 7/.test(e.message ?? ''),
    );
    assert.throws(
      () => checkJsonLimits('{"a":1,"b":{"c":1},"d":2}', { maxDepth: 9, maxKeys: 2 }),
      (e: { code?: string }) => e.code === 'VIGIL_BODY_TOO_MANY_KEYS',
    );
    // A string ending in an escaped backslash ends there: what follows is counted.
    assert.throws(
      () => checkJsonLimits(JSON.stringify({ a: 'x\\', b: { c: 1 } }), { maxDepth: 1, maxKeys: 9 }),
      (e: { code?: string }) => e.code === 'VIGIL_BODY_TOO_DEEP',
    );
    // Two keys in each of many objects is fine: the limit is per object.
    assert.doesNotThrow(() =>
      checkJsonLimits(JSON.stringify(Array.from({ length: 50 }, () => ({ a: 1, b: 2 }))), {
        maxDepth: 9,
        maxKeys: 2,
      }),
    );
  });
});

forEachDatabase('input limits', (target) => {
  let t: LimitsApp | undefined;
  const app = () => t!;
  let filer = '';
  before(async () => {
    t = await startLimitsApp(target, {});
    filer = await app().token('filer', 'acme');
  });
  after(async () => {
    await t?.close();
  });

  const post = (url: string, payload: string, token?: string) =>
    app().server.app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
      },
      payload,
    });

  test('a 4 MB nested array to a route that does not exist is answered 404 without being parsed', async () => {
    const bomb = nestedArrayBomb();
    for (const token of [undefined, filer]) {
      const r = await post(token === undefined ? '/nope' : '/v1/nope', bomb, token);
      // Parsed, it would be VIGIL_BODY_NOT_JSON (the last character) or VIGIL_BODY_TOO_DEEP.
      assert.equal(r.statusCode, 404, r.body);
      assert.equal(r.json().code, 'VIGIL_NOT_FOUND');
    }
  });

  test('an unauthenticated POST to a protected route is refused before its body is parsed', async () => {
    const r = await post('/v1/filings', nestedArrayBomb());
    assert.equal(r.statusCode, 401, r.body);
    assert.equal(r.json().code, 'VIGIL_UNAUTHENTICATED');
    const forged = await post('/v1/filings', '{"not json', 'eyJhbGciOiJIUzI1NiJ9.e30.forged');
    assert.equal(forged.statusCode, 401, forged.body);
  });

  test('a body nested more deeply than allowed is refused with VIGIL_BODY_TOO_DEEP', async () => {
    const filing = validFiling(new Date('2027-02-20T08:00:00Z'), { lrn: 'DEEP-1' });
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) {
      deep = [deep];
    }
    filing['consignments'][0].goods[0].description = deep;
    const r = await post('/v1/filings', JSON.stringify(filing), filer);
    assert.equal(r.statusCode, 400, r.body);
    assert.equal(r.json().code, 'VIGIL_BODY_TOO_DEEP');
    assert.match(r.json().detail, /more than 32 levels/);
  });

  test('an object of 100,000 keys is refused with VIGIL_BODY_TOO_MANY_KEYS and a short answer', async () => {
    const filing = validFiling(new Date('2027-02-20T08:00:00Z'), { lrn: 'KEYS-1' });
    for (let i = 0; i < 100_000; i++) {
      filing[`_${i.toString(36)}`] = 1;
    }
    const r = await post('/v1/filings', JSON.stringify(filing), filer);
    assert.equal(r.statusCode, 400, r.body.slice(0, 300));
    assert.equal(r.json().code, 'VIGIL_BODY_TOO_MANY_KEYS');
    assert.ok(r.body.length < 2000, `${r.body.length} bytes`);
  });

  test('/metrics is refused without a token and to a filer; the scrape token and an auditor read it', async () => {
    const get = (authorization?: string) =>
      app().server.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: authorization !== undefined ? { authorization } : {},
      });
    const anonymous = await get();
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().code, 'VIGIL_UNAUTHENTICATED');
    assert.doesNotMatch(anonymous.body, /vigil_/);
    const wrong = await get(`Bearer ${SCRAPE_TOKEN}x`);
    assert.equal(wrong.statusCode, 401);
    const asFiler = await get(`Bearer ${filer}`);
    assert.equal(asFiler.statusCode, 403);
    assert.equal(asFiler.json().code, 'VIGIL_FORBIDDEN');
    for (const ok of [
      SCRAPE_TOKEN,
      await app().token('auditor', 'audrey'),
      await app().token('admin', 'root'),
    ]) {
      const r = await get(`Bearer ${ok}`);
      assert.equal(r.statusCode, 200, r.body);
      assert.match(r.body, /vigil_filings_registered_total/);
    }
  });

  test('a name in a query string and a consignee in a logged object do not reach the logs', async () => {
    await app().server.app.inject({
      method: 'GET',
      url: '/v1/filings?consignee=Ivan%20Petrovich%20Sidorov',
      headers: { authorization: `Bearer ${filer}` },
    });
    app().deps.log.error(
      {
        filing: {
          consignments: [{ consignee: { name: 'Olga Smirnova', address: { street: 'Tverskaya 7' } } }],
        },
        party: { name: 'Olga Smirnova', address: { street: 'Tverskaya 7', city: 'Moskva' } },
      },
      'a failure that logs what it was working on',
    );
    const all = app().lines.join('\n');
    assert.match(all, /incoming request/, 'requests are logged at info');
    assert.match(all, /\/v1\/filings\?\[redacted\]/);
    assert.doesNotMatch(all, /Sidorov/);
    assert.doesNotMatch(all, /Smirnova|Tverskaya/);
    assert.match(all, /a failure that logs what it was working on/);
  });
});

forEachDatabase('rate limits', (target) => {
  let t: LimitsApp | undefined;
  const app = () => t!;
  before(async () => {
    t = await startLimitsApp(target, { VIGIL_RATE_LIMIT_MAX: '3', VIGIL_RATE_LIMIT_WINDOW_SECONDS: '60' });
  });
  after(async () => {
    await t?.close();
  });

  test('a client over its limit gets 429 VIGIL_RATE_LIMITED with the rate-limit headers; others do not', async () => {
    const flooder = await app().token('filer', 'flood');
    const other = await app().token('filer', 'calm');
    const get = (token: string) =>
      app().server.app.inject({
        method: 'GET',
        url: '/v1/notifications',
        headers: { authorization: `Bearer ${token}` },
      });
    for (let i = 0; i < 3; i++) {
      const r = await get(flooder);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers['ratelimit-limit'], '3');
      assert.equal(r.headers['ratelimit-remaining'], String(2 - i));
    }
    const throttled = await get(flooder);
    assert.equal(throttled.statusCode, 429, throttled.body);
    assert.match(throttled.headers['content-type'] as string, /application\/problem\+json/);
    assert.equal(throttled.json().code, 'VIGIL_RATE_LIMITED');
    assert.equal(throttled.headers['ratelimit-limit'], '3');
    assert.equal(throttled.headers['ratelimit-remaining'], '0');
    assert.ok(Number(throttled.headers['retry-after']) > 0);
    assert.ok(Number(throttled.headers['ratelimit-reset']) > 0);
    // The limit is per client: another filer of the same IP is served.
    assert.equal((await get(other)).statusCode, 200);
    // A throttled client's body is not parsed: a broken body still gets 429, not 400.
    const body = await app().server.app.inject({
      method: 'POST',
      url: '/v1/filings',
      headers: { authorization: `Bearer ${flooder}`, 'content-type': 'application/json' },
      payload: '{"not json',
    });
    assert.equal(body.statusCode, 429);
  });

  test('without a token the client is its IP address', async () => {
    const health = () =>
      app().server.app.inject({ method: 'GET', url: '/health', remoteAddress: '192.0.2.7' });
    for (let i = 0; i < 3; i++) {
      assert.equal((await health()).statusCode, 200);
    }
    const r = await health();
    assert.equal(r.statusCode, 429);
    assert.equal(r.json().code, 'VIGIL_RATE_LIMITED');
    // Guessing tokens is throttled the same way: refused tokens count against the IP.
    const guess = (token: string) =>
      app().server.app.inject({
        method: 'POST',
        url: '/v1/filings',
        remoteAddress: '192.0.2.9',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: '{}',
      });
    for (let i = 0; i < 3; i++) {
      assert.equal((await guess(`forged.${i}.token`)).statusCode, 401);
    }
    const guessing = await guess('forged.3.token');
    assert.equal(guessing.statusCode, 429, guessing.body);
    assert.equal(guessing.json().code, 'VIGIL_RATE_LIMITED');
    const elsewhere = await app().server.app.inject({
      method: 'GET',
      url: '/health',
      remoteAddress: '192.0.2.8',
    });
    assert.equal(elsewhere.statusCode, 200);
  });
});
