/**
 * Sign-in through an OpenID Connect provider (issue 16, point 2), against a real provider
 * (oidc-provider) on a local port: the authorization code flow with PKCE, state and nonce ends in
 * the same session cookie as a password sign-in, usable for /v1 calls; the role follows the
 * person's groups at each sign-in; a tampered state, a person disabled in Vigil, a person in no
 * mapped group and a username taken by a local account are refused with their codes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { closeAfter, forEachDatabase, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { startTestProvider } from '../support/oidc-provider.ts';
import type { TestProvider } from '../support/oidc-provider.ts';

const REDIRECT = 'http://127.0.0.1:8080/v1/session/oidc/callback';

forEachDatabase('sign-in through OpenID Connect', (target) => {
  let t: TestApp | undefined;
  let idp: TestProvider | undefined;
  const app = () => t!;
  closeAfter(() => t);
  after(async () => {
    await idp?.close();
  });

  before(async () => {
    idp = await startTestProvider(REDIRECT);
    for (const [sub, preferred_username, groups] of [
      ['sub-ida', 'Ida@Douane.NL', ['staff', 'vigil-nl-analysts']],
      ['sub-dirk', 'dirk.nl', ['vigil-nl-analysts']],
      ['sub-nora', 'nora.nl', ['staff', 'vigil-be-analysts-typo']],
      ['sub-tim', 'taken.nl', ['vigil-nl-analysts']],
    ] as const) {
      idp.people.set(sub, { sub, preferred_username, name: `Person ${sub}`, groups: [...groups] });
    }
    t = await startTestApp(target, undefined, {
      VIGIL_OIDC_ISSUER: idp.issuer,
      VIGIL_OIDC_CLIENT_ID: idp.clientId,
      VIGIL_OIDC_CLIENT_SECRET: idp.clientSecret,
      VIGIL_OIDC_REDIRECT_URL: REDIRECT,
      VIGIL_OIDC_SCOPES: 'openid profile email groups',
      VIGIL_OIDC_PROVIDER_NAME: 'Douane ID',
      VIGIL_OIDC_ROLE_MAP: 'vigil-nl-officers=NL:officer, vigil-nl-analysts=NL:analyst',
    });
    await app().deps.people.add(
      {
        username: 'taken.nl',
        authority: 'NL',
        displayName: 'A local account',
        role: 'admin',
        password: 'a long enough passphrase',
      },
      'admin:test',
    );
  });

  /** Starts a sign-in at Vigil, goes through the provider as `sub`, and returns Vigil's callback answer. */
  async function signInThroughProvider(sub: string, tamper?: (callback: URL) => void) {
    const start = await app().server.app.inject({ method: 'GET', url: '/v1/session/oidc' });
    assert.equal(start.statusCode, 303, start.body);
    const pending = String(start.headers['set-cookie']);
    assert.match(pending, /^vigil_oidc=[^;]+;/);
    assert.match(pending, /HttpOnly/);
    assert.match(pending, /SameSite=Lax/);
    const authorization = new URL(String(start.headers.location));
    assert.equal(authorization.origin, idp!.issuer);
    assert.equal(authorization.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorization.searchParams.get('state'));
    assert.ok(authorization.searchParams.get('nonce'));
    const callback = await idp!.signInAs(authorization.href, sub, REDIRECT);
    assert.ok(callback.searchParams.get('code'), `no code in ${callback.href}`);
    tamper?.(callback);
    return app().server.app.inject({
      method: 'GET',
      url: `${callback.pathname}${callback.search}`,
      headers: { cookie: pending.split(';')[0]! },
    });
  }

  const sessionCookie = (res: { headers: Record<string, unknown> }): string => {
    const set = [res.headers['set-cookie']].flat().map(String);
    const cookie = set.find((c) => c.startsWith('vigil_session='));
    assert.ok(cookie !== undefined, `no session cookie in ${set.join(' | ')}`);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    return cookie.split(';')[0]!;
  };

  const auditOf = async (subject: string) =>
    (
      await app().deps.db.query<{ action: string; details: Record<string, unknown> }>(
        `SELECT action, details FROM audit_pending WHERE subject = $1
         UNION ALL SELECT action, details FROM audit_log WHERE subject = $1`,
        [subject],
      )
    ).rows;

  test('the sign-in screen is told the provider’s name', async () => {
    const res = await app().server.app.inject({ method: 'GET', url: '/v1/session/methods' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { passwords: true, oidc: { name: 'Douane ID', start: '/v1/session/oidc' } });
  });

  test('a person in a mapped group signs in: an account is made and the session works for /v1', async () => {
    const res = await signInThroughProvider('sub-ida');
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, '/');
    const cookie = sessionCookie(res);

    const who = await app().server.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie } });
    assert.equal(who.statusCode, 200, who.body);
    assert.equal(who.json().username, 'ida.douane.nl');
    assert.equal(who.json().authority, 'NL');
    assert.equal(who.json().role, 'analyst');
    assert.equal(who.json().displayName, 'Person sub-ida');

    const rules = await app().server.app.inject({ method: 'GET', url: '/v1/rules', headers: { cookie } });
    assert.equal(rules.statusCode, 200, rules.body);

    const audit = await auditOf('ida.douane.nl');
    assert.ok(audit.some((a) => a.action === 'user.created' && a.details['method'] === 'oidc'));
    assert.ok(
      audit.some(
        (a) =>
          a.action === 'user.signed-in' &&
          a.details['method'] === 'oidc' &&
          a.details['issuer'] === idp!.issuer,
      ),
      JSON.stringify(audit),
    );
    // An account made through the provider has no password to sign in with.
    const password = await app().server.app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'ida.douane.nl', password: 'anything at all' }),
    });
    assert.equal(password.statusCode, 401);
    assert.equal(password.json().code, 'VIGIL_SIGN_IN_FAILED');
  });

  test('the next sign-in finds the same account by its link and takes the role the groups give now', async () => {
    idp!.people.get('sub-ida')!.groups = ['vigil-nl-analysts', 'vigil-nl-officers'];
    const res = await signInThroughProvider('sub-ida');
    assert.equal(res.statusCode, 303, res.body);
    const cookie = sessionCookie(res);
    const who = await app().server.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie } });
    assert.equal(who.json().username, 'ida.douane.nl');
    assert.equal(who.json().role, 'officer', 'the first line of the map that matches decides');
    const users = await app().deps.people.list('NL');
    assert.equal(users.filter((u) => u.username.startsWith('ida')).length, 1);
    idp!.people.get('sub-ida')!.groups = ['vigil-nl-analysts'];
  });

  test('a tampered state is refused and no session is made', async () => {
    const sessions = await app().count('user_session');
    const res = await signInThroughProvider('sub-ida', (cb) => cb.searchParams.set('state', 'forged-state'));
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/sign-in?error=VIGIL_OIDC_STATE_MISMATCH');
    assert.ok(![res.headers['set-cookie']].flat().some((c) => String(c).startsWith('vigil_session=')));
    assert.equal(await app().count('user_session'), sessions);
  });

  test('a callback without the browser’s pending sign-in is refused', async () => {
    const res = await app().server.app.inject({
      method: 'GET',
      url: '/v1/session/oidc/callback?code=abc&state=xyz',
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/sign-in?error=VIGIL_OIDC_STATE_MISMATCH');
  });

  test('a code the provider did not issue is refused by the token exchange', async () => {
    const res = await signInThroughProvider('sub-ida', (cb) =>
      cb.searchParams.set('code', 'not-a-code-it-issued'),
    );
    assert.equal(res.headers.location, '/sign-in?error=VIGIL_OIDC_FAILED');
  });

  test('a person disabled in Vigil cannot sign in through the provider', async () => {
    const first = await signInThroughProvider('sub-dirk');
    assert.equal(first.statusCode, 303, first.body);
    const cookie = sessionCookie(first);
    await app().deps.people.disable('dirk.nl', 'admin:test');
    const res = await signInThroughProvider('sub-dirk');
    assert.equal(res.headers.location, '/sign-in?error=VIGIL_ACCOUNT_LOCKED');
    const old = await app().server.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie } });
    assert.equal(old.statusCode, 401);
    const audit = await auditOf('dirk.nl');
    assert.ok(audit.some((a) => a.action === 'user.sign-in-refused' && a.details['why'] === 'disabled'));
  });

  test('a person in no mapped group is refused and no account is made', async () => {
    const res = await signInThroughProvider('sub-nora');
    assert.equal(res.headers.location, '/sign-in?error=VIGIL_OIDC_UNMAPPED');
    assert.ok(!(await app().deps.people.list()).some((u) => u.username === 'nora.nl'));
  });

  test('a username taken by a local account is not taken over', async () => {
    const res = await signInThroughProvider('sub-tim');
    assert.equal(res.headers.location, '/sign-in?error=VIGIL_OIDC_ACCOUNT_CONFLICT');
    const taken = (await app().deps.people.list('NL')).find((u) => u.username === 'taken.nl');
    assert.equal(taken?.role, 'admin');
  });
});

/** A port of this machine that nothing listens on (the provider is down). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

forEachDatabase('passwords turned off, provider down', (target) => {
  let t: TestApp | undefined;
  closeAfter(() => t);
  before(async () => {
    t = await startTestApp(target, undefined, {
      VIGIL_LOCAL_PASSWORDS: 'false',
      VIGIL_OIDC_ISSUER: `http://127.0.0.1:${await closedPort()}`,
      VIGIL_OIDC_CLIENT_ID: 'vigil',
      VIGIL_OIDC_CLIENT_SECRET: 'secret',
      VIGIL_OIDC_REDIRECT_URL: REDIRECT,
      VIGIL_OIDC_PROVIDER_NAME: 'Douane ID',
      VIGIL_OIDC_ROLE_MAP: 'vigil-analysts=NL:analyst',
    });
  });

  test('Vigil starts while the provider is down; a sign-in then comes back with VIGIL_OIDC_UNAVAILABLE', async () => {
    const res = await t!.server.app.inject({ method: 'GET', url: '/v1/session/oidc' });
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, '/sign-in?error=VIGIL_OIDC_UNAVAILABLE');
  });

  test('a password sign-in is refused with its own code, and the screen shows only the provider', async () => {
    const res = await t!.server.app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'someone', password: 'a long enough passphrase' }),
    });
    assert.equal(res.statusCode, 403, res.body);
    assert.equal(res.json().code, 'VIGIL_LOCAL_SIGN_IN_DISABLED');
    const methods = await t!.server.app.inject({ method: 'GET', url: '/v1/session/methods' });
    assert.deepEqual(methods.json(), {
      passwords: false,
      oidc: { name: 'Douane ID', start: '/v1/session/oidc' },
    });
  });
});
