/**
 * API keys for filers' systems (issue 14), through the API on a real database:
 * - a key scoped to one EORI files only for that declarant and reads only its own filer's filings;
 * - a revoked key is refused on the very next request, on this server and on a second server of the
 *   same instance (no cache to wait for);
 * - a rotated key: the old and the new secret both work during the overlap, the old one is refused
 *   after it (test clock); an expired key is refused;
 * - only an authority's admin creates, lists, rotates and revokes keys, and only its own authority's;
 *   no answer but the creating (or rotating) one ever carries a secret or its hash;
 * - every change is in the audit trail; the key's own rate limit applies to requests made with it.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { loadConfig } from '../../src/config/index.ts';
import { composeApp } from '../../src/app/compose.ts';
import { buildServer } from '../../src/api/server.ts';
import type { VigilServer } from '../../src/api/server.ts';
import { KEY_CACHE_MS } from '../../src/api-keys/index.ts';
import { closeAfter, forEachDatabase, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';

const DAY = 86_400_000;
const OWN_EORI = 'NL123456789';
const OTHER_EORI = 'DE123456789012';

interface IssuedKey {
  key: { id: string; prefix: string; status: string; lastUsedAt: string | null; secrets: unknown[] };
  secret: string;
  previousRetiresAt?: string;
}

forEachDatabase('API keys', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};

  const call = (
    server: VigilServer,
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    bearer: string,
    body?: unknown,
  ) =>
    server.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  const send = (method: 'GET' | 'POST' | 'DELETE', url: string, bearer: string, body?: unknown) =>
    call(app().server, method, url, bearer, body);
  const as = (who: string) => tok[who]!;

  const forDeclarant = (lrn: string, eori: string) => {
    const f = validFiling(app().clock.now(), { lrn });
    f['declarant'] = { ...f['declarant'], eori };
    return f;
  };
  const createKey = async (body: Record<string, unknown>, who = 'admin'): Promise<IssuedKey> => {
    const r = await send('POST', '/v1/api-keys', as(who), {
      name: 'Acme ENS gateway',
      filer: 'acme',
      eoris: [OWN_EORI],
      expiresAt: new Date(app().clock.now().getTime() + 90 * DAY).toISOString(),
      ...body,
    });
    assert.equal(r.statusCode, 201, r.body);
    return r.json<IssuedKey>();
  };
  const problemCode = (r: { json<T>(): T }) => r.json<{ code: string }>().code;

  before(async () => {
    t = await startTestApp(target);
    tok['admin'] = await app().token('NL', 'admin', 'alice');
    tok['beAdmin'] = await app().token('BE', 'admin', 'bert');
    tok['analyst'] = await app().token('NL', 'analyst', 'ana');
    tok['acme'] = await app().token('NL', 'filer', 'acme');
    tok['maersk'] = await app().token('NL', 'filer', 'maersk');
  });

  test('a key scoped to one EORI cannot file for another, nor read another filer’s filings', async () => {
    const { secret } = await createKey({});
    assert.match(secret, /^vgk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);

    const own = await send('POST', '/v1/filings', secret, forDeclarant('KEY-OWN-1', OWN_EORI));
    assert.equal(own.statusCode, 201, own.body);
    const ownMrn = own.json<{ mrn: string }>().mrn;

    const other = await send('POST', '/v1/filings', secret, forDeclarant('KEY-OTHER-1', OTHER_EORI));
    assert.equal(other.statusCode, 403, other.body);
    assert.equal(problemCode(other), 'VIGIL_EORI_NOT_BOUND');
    assert.equal(other.json<{ errors: { path: string }[] }>().errors[0]!.path, '$.declarant.eori');

    // The filer's own filing is the filer's, whether lodged with the key or with a token.
    const mine = await send('GET', `/v1/filings/${ownMrn}`, secret);
    assert.equal(mine.statusCode, 200, mine.body);
    assert.equal((await send('GET', `/v1/filings/${ownMrn}`, as('acme'))).statusCode, 200);

    // Another filer's filing does not exist for the key, alone or in a listing.
    const theirs = await send('POST', '/v1/filings', as('maersk'), forDeclarant('KEY-THEIRS-1', OWN_EORI));
    assert.equal(theirs.statusCode, 201, theirs.body);
    const theirMrn = theirs.json<{ mrn: string }>().mrn;
    const read = await send('GET', `/v1/filings/${theirMrn}`, secret);
    assert.equal(read.statusCode, 404, read.body);
    assert.equal(problemCode(read), 'VIGIL_FILING_NOT_FOUND');
    const listed = await send('GET', '/v1/filings', secret);
    assert.equal(listed.statusCode, 200, listed.body);
    assert.ok(listed.body.includes(ownMrn));
    assert.ok(!listed.body.includes(theirMrn));
    // Nor may it amend or invalidate it.
    const cancel = await send('POST', `/v1/filings/${theirMrn}/invalidation`, secret, {});
    assert.ok([403, 404].includes(cancel.statusCode), cancel.body);

    // A filer's key is a filer: officials' routes are refused as for the filer's token.
    const rules = await send('GET', '/v1/rules', secret);
    assert.equal(rules.statusCode, 403, rules.body);
  });

  test('a revoked key is refused on the next request, and within a second on every server of the instance', async () => {
    // A second server on the same database, as a second `vigil serve` would be.
    const config = loadConfig({ VIGIL_DATA_DIR: app().dataDir, VIGIL_LOG_LEVEL: 'silent' });
    const other = await buildServer(
      config,
      await composeApp(config, { db: app().deps.db, clock: app().clock }),
    );
    await other.app.ready();
    try {
      const { key, secret } = await createKey({ name: 'to be revoked' });
      assert.equal((await call(other, 'GET', '/v1/filings', secret)).statusCode, 200);
      assert.equal((await send('GET', '/v1/filings', secret)).statusCode, 200);

      const revoked = await send('DELETE', `/v1/api-keys/${key.id}`, as('admin'), {
        reason: 'system retired',
      });
      assert.equal(revoked.statusCode, 200, revoked.body);
      assert.equal(revoked.json<{ status: string }>().status, 'revoked');
      assert.equal(revoked.json<{ revokedReason: string }>().revokedReason, 'system retired');

      // Refused at once by the server that revoked it; by another one (which read the key within the
      // last second) within a second.
      const refused = async (server: VigilServer) => {
        const r = await call(server, 'GET', '/v1/filings', secret);
        assert.equal(r.statusCode, 401, r.body);
        assert.equal(problemCode(r), 'VIGIL_API_KEY_REVOKED');
        assert.match(r.json<{ detail: string }>().detail, new RegExp(`vgk_${key.prefix}`));
      };
      await refused(app().server);
      app().clock.advance(KEY_CACHE_MS);
      await refused(other);
      // Revoking again changes nothing; rotating a revoked key is refused.
      assert.equal((await send('DELETE', `/v1/api-keys/${key.id}`, as('admin'))).statusCode, 200);
      const rotate = await send('POST', `/v1/api-keys/${key.id}/rotate`, as('admin'), {});
      assert.equal(rotate.statusCode, 409, rotate.body);
    } finally {
      await other.stop();
    }
  });

  test('a rotated key: old and new secrets both work during the overlap, the old one not after it', async () => {
    const { key, secret: old } = await createKey({ name: 'rotated' });
    const r = await send('POST', `/v1/api-keys/${key.id}/rotate`, as('admin'), { overlapSeconds: 3600 });
    assert.equal(r.statusCode, 200, r.body);
    const rotated = r.json<IssuedKey>();
    const fresh = rotated.secret;
    assert.notEqual(fresh, old);
    assert.equal(rotated.key.id, key.id);
    assert.equal(rotated.previousRetiresAt, new Date(app().clock.now().getTime() + 3_600_000).toISOString());
    assert.equal(rotated.key.secrets.length, 2);

    for (const secret of [old, fresh]) {
      const ok = await send(
        'POST',
        '/v1/filings',
        secret,
        forDeclarant(`ROT-${secret.slice(4, 12)}`, OWN_EORI),
      );
      assert.equal(ok.statusCode, 201, ok.body);
    }

    app().clock.advance(3_600_000 + 1000);
    const refused = await send('GET', '/v1/filings', old);
    assert.equal(refused.statusCode, 401, refused.body);
    assert.equal(problemCode(refused), 'VIGIL_API_KEY_RETIRED');
    assert.equal((await send('GET', '/v1/filings', fresh)).statusCode, 200);
    const shown = await send('GET', `/v1/api-keys/${key.id}`, as('admin'));
    assert.equal(shown.json<{ secrets: unknown[] }>().secrets.length, 1);
    assert.equal(shown.json<{ prefix: string }>().prefix, fresh.slice(4, 12));

    // The default overlap is a day; an overlap of 0 ends the old secret at once.
    const again = await send('POST', `/v1/api-keys/${key.id}/rotate`, as('admin'), { overlapSeconds: 0 });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(problemCode(await send('GET', '/v1/filings', fresh)), 'VIGIL_API_KEY_RETIRED');
    assert.equal((await send('GET', '/v1/filings', again.json<IssuedKey>().secret)).statusCode, 200);
  });

  test('an expired key is refused; an unknown or altered key is refused without saying more', async () => {
    const { key, secret } = await createKey({
      name: 'short-lived',
      expiresAt: new Date(app().clock.now().getTime() + DAY).toISOString(),
    });
    assert.equal((await send('GET', '/v1/filings', secret)).statusCode, 200);
    app().clock.advance(DAY);
    const r = await send('GET', '/v1/filings', secret);
    assert.equal(r.statusCode, 401, r.body);
    assert.equal(problemCode(r), 'VIGIL_API_KEY_EXPIRED');
    const shown = await send('GET', `/v1/api-keys/${key.id}`, as('admin'));
    assert.equal(shown.json<{ status: string }>().status, 'expired');

    // The right prefix with another secret: unknown, not "expired" (the prefix alone tells nothing).
    const altered = `${secret.slice(0, 13)}${'A'.repeat(43)}`;
    const unknown = await send('GET', '/v1/filings', altered);
    assert.equal(unknown.statusCode, 401, unknown.body);
    assert.equal(problemCode(unknown), 'VIGIL_API_KEY_UNKNOWN');
    assert.equal(problemCode(await send('GET', '/v1/filings', 'vgk_nonsense')), 'VIGIL_API_KEY_UNKNOWN');
  });

  test('the secret is shown once: listing and showing keys never return a secret or its hash', async () => {
    const { key, secret } = await createKey({ name: 'listed', description: 'for the list' });
    const hash = createHash('sha256').update(secret.slice(13)).digest('hex');
    const list = await send('GET', '/v1/api-keys', as('admin'));
    assert.equal(list.statusCode, 200, list.body);
    const one = await send('GET', `/v1/api-keys/${key.id}`, as('admin'));
    for (const body of [list.body, one.body]) {
      assert.ok(body.includes(key.id));
      assert.ok(!body.includes(secret.slice(13)), 'no secret');
      assert.ok(!body.includes(hash), 'no hash');
    }
    const shown = one.json<Record<string, unknown>>();
    assert.equal(shown['prefix'], secret.slice(4, 12));
    assert.equal(shown['filer'], 'acme');
    assert.deepEqual(shown['eoris'], [OWN_EORI]);
    assert.equal(shown['role'], 'filer');
    assert.equal(shown['status'], 'active');
    assert.equal(shown['revokedAt'], null);
    // Only the hash is stored.
    const stored = await app().deps.db.query<{ hash: string }>(
      `SELECT hash FROM api_key_secret WHERE key_id = $1`,
      [key.id],
    );
    assert.deepEqual(
      stored.rows.map((x) => x.hash),
      [hash],
    );
    // A filter by filer.
    const none = await send('GET', '/v1/api-keys?filer=nobody', as('admin'));
    assert.deepEqual(none.json(), { items: [] });
  });

  test('last use is recorded (at most once a minute)', async () => {
    const { key, secret } = await createKey({ name: 'used' });
    assert.equal(key.lastUsedAt, null);
    const usedAt = app().clock.now().toISOString();
    assert.equal((await send('GET', '/v1/filings', secret)).statusCode, 200);
    app().clock.advance(10_000);
    assert.equal((await send('GET', '/v1/filings', secret)).statusCode, 200);
    const shown = (await send('GET', `/v1/api-keys/${key.id}`, as('admin'))).json<{ lastUsedAt: string }>();
    assert.equal(shown.lastUsedAt, usedAt, 'the second use within the minute wrote nothing');
    app().clock.advance(60_000);
    assert.equal((await send('GET', '/v1/filings', secret)).statusCode, 200);
    const later = (await send('GET', `/v1/api-keys/${key.id}`, as('admin'))).json<{ lastUsedAt: string }>();
    assert.equal(later.lastUsedAt, app().clock.now().toISOString());
  });

  test("only an authority's admin manages keys, and only its own authority's", async () => {
    const body = {
      name: 'x',
      filer: 'acme',
      eoris: [OWN_EORI],
      expiresAt: new Date(app().clock.now().getTime() + DAY).toISOString(),
    };
    const { key, secret } = await createKey({ name: 'admin only' });
    for (const who of ['acme', 'analyst']) {
      const r = await send('POST', '/v1/api-keys', as(who), body);
      assert.equal(r.statusCode, 403, r.body);
      assert.equal(problemCode(r), 'VIGIL_FORBIDDEN');
      assert.equal((await send('GET', '/v1/api-keys', as(who))).statusCode, 403);
      assert.equal((await send('DELETE', `/v1/api-keys/${key.id}`, as(who))).statusCode, 403);
    }
    // A key cannot make keys, whatever its filer.
    assert.equal((await send('POST', '/v1/api-keys', secret, body)).statusCode, 403);
    // Another authority's admin does not see the key, nor can it revoke or rotate it.
    const be = await send('GET', '/v1/api-keys', as('beAdmin'));
    assert.ok(!be.body.includes(key.id));
    assert.equal((await send('GET', `/v1/api-keys/${key.id}`, as('beAdmin'))).statusCode, 404);
    assert.equal((await send('DELETE', `/v1/api-keys/${key.id}`, as('beAdmin'))).statusCode, 404);
    assert.equal((await send('POST', `/v1/api-keys/${key.id}/rotate`, as('beAdmin'), {})).statusCode, 404);
    assert.equal((await send('GET', '/v1/filings', secret)).statusCode, 200, 'still working');
  });

  test('a key request is checked: expiry required and at most a year, EORIs for a filer, no admin keys', async () => {
    const base = { name: 'x', filer: 'acme', eoris: [OWN_EORI] };
    const missing = await send('POST', '/v1/api-keys', as('admin'), base);
    assert.equal(missing.statusCode, 400, missing.body);
    assert.ok(missing.json<{ errors: { path: string }[] }>().errors.some((e) => e.path === '$.expiresAt'));

    const tooLong = await send('POST', '/v1/api-keys', as('admin'), {
      ...base,
      expiresAt: new Date(app().clock.now().getTime() + 400 * DAY).toISOString(),
    });
    assert.equal(tooLong.statusCode, 422, tooLong.body);
    assert.equal(problemCode(tooLong), 'VIGIL_API_KEY_INVALID');

    const expiresAt = new Date(app().clock.now().getTime() + DAY).toISOString();
    const noEori = await send('POST', '/v1/api-keys', as('admin'), { name: 'x', filer: 'acme', expiresAt });
    assert.equal(noEori.statusCode, 422, noEori.body);
    assert.equal(noEori.json<{ errors: { path: string }[] }>().errors[0]!.path, '$.eoris');
    const badEori = await send('POST', '/v1/api-keys', as('admin'), { ...base, eoris: ['ZZ1'], expiresAt });
    assert.equal(badEori.json<{ errors: { path: string }[] }>().errors[0]!.path, '$.eoris[0]');
    const admin = await send('POST', '/v1/api-keys', as('admin'), { ...base, role: 'admin', expiresAt });
    assert.equal(admin.statusCode, 400, admin.body);
    assert.equal(await app().count("api_key WHERE name = 'x'"), 0, 'nothing invalid stored');
  });

  test('every change is in the audit trail', async () => {
    const { key } = await createKey({ name: 'audited' });
    await send('POST', `/v1/api-keys/${key.id}/rotate`, as('admin'), {});
    await send('DELETE', `/v1/api-keys/${key.id}`, as('admin'), { reason: 'done' });
    const entries = await app().deps.audit.list(app().deps.db, { authority: 'NL', subject: key.id });
    assert.deepEqual(
      entries.map((e) => [e.action, e.actor]),
      [
        ['api-key.created', 'admin:alice'],
        ['api-key.rotated', 'admin:alice'],
        ['api-key.revoked', 'admin:alice'],
      ],
    );
    const created = entries[0]!.details as { prefix: string; eoris: string[]; filer: string };
    assert.equal(created.prefix, key.prefix);
    assert.deepEqual(created.eoris, [OWN_EORI]);
    assert.equal(created.filer, 'acme');
    assert.ok(!JSON.stringify(entries).includes('vgk_'), 'no secret in the trail');
    assert.equal((entries[2]!.details as { reason: string }).reason, 'done');
  });

  test("a key's own rate limit applies to requests made with it", async () => {
    const { secret } = await createKey({ name: 'throttled', rateLimitPerMinute: 2 });
    const first = await send('GET', '/v1/filings', secret);
    assert.equal(first.headers['ratelimit-limit'], '2');
    assert.equal((await send('GET', '/v1/filings', secret)).statusCode, 200);
    const third = await send('GET', '/v1/filings', secret);
    assert.equal(third.statusCode, 429, third.body);
    assert.equal(problemCode(third), 'VIGIL_RATE_LIMITED');
    assert.match(third.json<{ detail: string }>().detail, /API key/);
    // The filer's token and its other keys are not held back by this key's limit.
    assert.equal((await send('GET', '/v1/filings', as('acme'))).statusCode, 200);
  });
});
