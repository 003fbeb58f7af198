/** loadConfig's OpenID Connect settings: every problem reported at once, http only to this machine. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.ts';

const OIDC = {
  VIGIL_OIDC_ISSUER: 'https://id.douane.example/realms/vigil',
  VIGIL_OIDC_CLIENT_ID: 'vigil',
  VIGIL_OIDC_CLIENT_SECRET: 'secret',
  VIGIL_OIDC_REDIRECT_URL: 'https://vigil.douane.example/v1/session/oidc/callback',
  VIGIL_OIDC_ROLE_MAP: 'vigil-nl-admins = NL:admin, vigil-nl-analysts=NL:analyst',
};

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('the configuration was accepted');
};

test('no issuer: no OIDC, passwords on', () => {
  const c = loadConfig({});
  assert.equal(c.sessions.oidc, undefined);
  assert.equal(c.sessions.localPasswords, true);
});

test('an issuer with its settings gives the provider, the role map in order and the defaults', () => {
  const c = loadConfig(OIDC).sessions.oidc!;
  assert.equal(c.providerName, 'id.douane.example');
  assert.equal(c.scopes, 'openid profile email');
  assert.equal(c.groupsClaim, 'groups');
  assert.deepEqual(
    c.roleMap.map((m) => [m.group, m.authority, m.role]),
    [
      ['vigil-nl-admins', 'NL', 'admin'],
      ['vigil-nl-analysts', 'NL', 'analyst'],
    ],
  );
  assert.ok(Object.isFrozen(c));
});

test('an issuer without the rest names every missing setting', () => {
  const problems = problemsOf({ VIGIL_OIDC_ISSUER: OIDC.VIGIL_OIDC_ISSUER });
  for (const name of ['CLIENT_ID', 'CLIENT_SECRET', 'REDIRECT_URL', 'ROLE_MAP']) {
    assert.ok(
      problems.some((p) => p.startsWith(`VIGIL_OIDC_${name}: required`)),
      `${name}: ${problems.join('; ')}`,
    );
  }
});

test('plain http only to this machine; the redirect URL must be the callback; openid is required', () => {
  const problems = problemsOf({
    ...OIDC,
    VIGIL_OIDC_ISSUER: 'http://id.douane.example',
    VIGIL_OIDC_REDIRECT_URL: 'https://vigil.douane.example/callback',
    VIGIL_OIDC_SCOPES: 'profile email',
  });
  assert.ok(
    problems.some((p) => p.startsWith('VIGIL_OIDC_ISSUER: https is required')),
    problems.join('; '),
  );
  assert.ok(
    problems.some((p) => p.startsWith('VIGIL_OIDC_REDIRECT_URL: must end in /v1/session/oidc/callback')),
  );
  assert.ok(problems.some((p) => p.startsWith('VIGIL_OIDC_SCOPES: must include openid')));
  assert.ok(loadConfig({ ...OIDC, VIGIL_OIDC_ISSUER: 'http://127.0.0.1:9999' }).sessions.oidc);
});

test('a role map line without an authority needs the authority claim; a malformed line is named', () => {
  assert.ok(
    problemsOf({ ...OIDC, VIGIL_OIDC_ROLE_MAP: 'vigil-analysts=analyst' }).some((p) =>
      p.includes('names no authority and VIGIL_OIDC_AUTHORITY_CLAIM is not set'),
    ),
  );
  const c = loadConfig({
    ...OIDC,
    VIGIL_OIDC_ROLE_MAP: 'vigil-analysts=analyst',
    VIGIL_OIDC_AUTHORITY_CLAIM: 'ca',
  });
  assert.equal(c.sessions.oidc!.roleMap[0]!.authority, undefined);
  assert.ok(
    problemsOf({ ...OIDC, VIGIL_OIDC_ROLE_MAP: 'vigil-analysts' }).some((p) =>
      p.startsWith('VIGIL_OIDC_ROLE_MAP: entry 1 "vigil-analysts" is not group=AUTHORITY:role'),
    ),
  );
});

test('passwords cannot be turned off without a provider', () => {
  assert.ok(
    problemsOf({ VIGIL_LOCAL_PASSWORDS: 'false' }).some((p) => p.includes('needs VIGIL_OIDC_ISSUER')),
  );
  assert.equal(loadConfig({ ...OIDC, VIGIL_LOCAL_PASSWORDS: 'false' }).sessions.localPasswords, false);
});
