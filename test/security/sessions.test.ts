/**
 * People's sign-in (issue 16): the session cookie yields the same actor as a bearer token; wrong
 * passwords are refused alike for unknown users; repeated failures lock the account; a change made
 * with the cookie must carry the session's CSRF token; idle, absolute, signed-out and disabled
 * sessions end; bearer tokens keep working beside cookies.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const PASSWORD = 'a long enough passphrase';
const MINUTE = 60_000;

forEachDatabase('sessions', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);

  before(async () => {
    t = await startTestApp(target, undefined, {
      VIGIL_SESSION_IDLE_MINUTES: '30',
      VIGIL_SESSION_ABSOLUTE_HOURS: '2',
      VIGIL_SIGN_IN_MAX_FAILURES: '3',
      VIGIL_SIGN_IN_LOCK_MINUTES: '15',
    });
    for (const [username, role, office] of [
      ['ana', 'analyst', undefined],
      ['olaf', 'officer', 'NL000396'],
      ['lou', 'analyst', undefined],
      ['dee', 'analyst', undefined],
    ] as const) {
      await app().deps.people.add(
        {
          username,
          authority: 'NL',
          displayName: username,
          role,
          password: PASSWORD,
          ...(office ? { office } : {}),
        },
        'admin:test',
      );
    }
  });

  const signIn = (username: string, password: string) =>
    app().server.app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username, password }),
    });

  async function session(username: string): Promise<{ cookie: string; csrf: string }> {
    const res = await signIn(username, PASSWORD);
    assert.equal(res.statusCode, 200, res.body);
    const set = String(res.headers['set-cookie']);
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Strict/);
    return { cookie: set.split(';')[0]!, csrf: res.json().csrfToken };
  }

  const withCookie = (
    s: { cookie: string; csrf?: string },
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    body?: unknown,
  ) =>
    app().server.app.inject({
      method,
      url,
      headers: {
        cookie: s.cookie,
        ...(s.csrf !== undefined ? { 'x-csrf-token': s.csrf } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });

  test('a session cookie is the person: their role, authority and office, on every route', async () => {
    const s = await session('olaf');
    const me = await withCookie(s, 'GET', '/v1/session');
    assert.equal(me.statusCode, 200, me.body);
    assert.deepEqual(
      { ...me.json<object>(), csrfToken: undefined, expiresAt: undefined },
      {
        username: 'olaf',
        displayName: 'olaf',
        authority: 'NL',
        role: 'officer',
        office: 'NL000396',
        idleTimeoutSeconds: 1800,
        csrfToken: undefined,
        expiresAt: undefined,
      },
    );
    // An officer reads the control queue but may not review hits: the same permissions as a token.
    assert.equal((await withCookie(s, 'GET', '/v1/controls')).statusCode, 200);
    const review = await withCookie(s, 'POST', '/v1/filings/NOPE/assessment/reviews', {
      consignment: 0,
      hitId: 'R',
      decision: 'confirmed',
    });
    assert.equal(review.statusCode, 403);
    assert.equal(review.json().code, 'VIGIL_FORBIDDEN');
    // Bearer tokens keep working, and a bearer request has no session.
    const token = await app().token('NL', 'analyst', 'system');
    const bearer = await app().server.app.inject({
      method: 'GET',
      url: '/v1/queue',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(bearer.statusCode, 200, bearer.body);
  });

  test('a wrong password and an unknown user get the same refusal, and nothing is set', async () => {
    for (const [u, p] of [
      ['ana', 'not the password'],
      ['nobody', PASSWORD],
    ]) {
      const res = await signIn(u!, p!);
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(res.json().code, 'VIGIL_SIGN_IN_FAILED');
      assert.equal(res.headers['set-cookie'], undefined);
    }
    // One failure is forgotten by the next success.
    await session('ana');
    const row = await app().deps.db.query<{ failed_attempts: number }>(
      `SELECT failed_attempts FROM user_account WHERE username = 'ana'`,
    );
    assert.equal(row.rows[0]!.failed_attempts, 0);
  });

  test('repeated wrong passwords lock the account, even against the right one, until the lock ends', async () => {
    assert.equal((await signIn('lou', 'wrong 1')).json().code, 'VIGIL_SIGN_IN_FAILED');
    assert.equal((await signIn('lou', 'wrong 2')).json().code, 'VIGIL_SIGN_IN_FAILED');
    const third = await signIn('lou', 'wrong 3');
    assert.equal(third.statusCode, 423, third.body);
    assert.equal(third.json().code, 'VIGIL_ACCOUNT_LOCKED');
    const right = await signIn('lou', PASSWORD);
    assert.equal(right.statusCode, 423);
    assert.match(right.json().detail, /locked until/);
    app().clock.advance(16 * MINUTE);
    assert.equal((await signIn('lou', PASSWORD)).statusCode, 200);
  });

  test('a change made with the cookie needs the session’s CSRF token; reading does not', async () => {
    const s = await session('ana');
    const body = { consignment: 0, hitId: 'R', decision: 'confirmed' };
    const url = '/v1/filings/NOPE/assessment/reviews';
    for (const csrf of [undefined, 'not-the-token']) {
      const res = await withCookie({ cookie: s.cookie, ...(csrf ? { csrf } : {}) }, 'POST', url, body);
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().code, 'VIGIL_CSRF_REJECTED');
    }
    // Another session's token is not this one's.
    const other = await session('dee');
    const crossed = await withCookie({ cookie: s.cookie, csrf: other.csrf }, 'POST', url, body);
    assert.equal(crossed.json().code, 'VIGIL_CSRF_REJECTED');
    const ok = await withCookie(s, 'POST', url, body);
    assert.equal(ok.statusCode, 404, ok.body);
    assert.equal(ok.json().code, 'VIGIL_FILING_NOT_FOUND');
    assert.equal((await withCookie({ cookie: s.cookie }, 'GET', '/v1/queue')).statusCode, 200);
  });

  test('a session ends when idle too long, at its absolute end, on sign-out and when the account is disabled', async () => {
    const expired = async (s: { cookie: string }, why: RegExp) => {
      const res = await withCookie(s, 'GET', '/v1/queue');
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(res.json().code, 'VIGIL_SESSION_EXPIRED');
      assert.match(res.json().detail, why);
    };
    const idle = await session('ana');
    app().clock.advance(29 * MINUTE);
    assert.equal((await withCookie(idle, 'GET', '/v1/queue')).statusCode, 200);
    app().clock.advance(29 * MINUTE);
    assert.equal((await withCookie(idle, 'GET', '/v1/queue')).statusCode, 200, 'used: not idle');
    app().clock.advance(31 * MINUTE);
    await expired(idle, /no activity/);

    const busy = await session('ana');
    for (let i = 0; i < 4; i++) {
      app().clock.advance(25 * MINUTE);
      assert.equal((await withCookie(busy, 'GET', '/v1/queue')).statusCode, 200);
    }
    app().clock.advance(25 * MINUTE);
    await expired(busy, /maximum length/);

    const out = await session('ana');
    const bye = await withCookie(out, 'DELETE', '/v1/session');
    assert.equal(bye.statusCode, 204);
    assert.match(String(bye.headers['set-cookie']), /vigil_session=;/);
    await expired(out, /signed out/);

    const d = await session('dee');
    await app().deps.people.disable('dee', 'admin:test');
    await expired(d, /disabled/);
    const again = await signIn('dee', PASSWORD);
    assert.equal(again.statusCode, 423);
    assert.match(again.json().detail, /disabled/);
  });

  test('the database holds no password or session id in the clear', async () => {
    const s = await session('ana');
    const id = s.cookie.split('=')[1]!;
    const hashes = await app().deps.db.query<{ hash: string }>(`SELECT hash FROM user_password`);
    assert.ok(hashes.rows.every((r) => r.hash.startsWith('$argon2id$') && !r.hash.includes(PASSWORD)));
    const sessions = await app().deps.db.query<{ id_hash: string }>(`SELECT id_hash FROM user_session`);
    assert.ok(sessions.rows.length > 0 && sessions.rows.every((r) => r.id_hash !== id));
  });
});
