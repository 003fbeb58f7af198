/** From a provider's claims to a Vigil identity: the first matching line of the role map decides. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../config/index.ts';
import { identityOf, unknownRoles, usernameOf } from './oidc-identity.ts';

const config = (env: Record<string, string> = {}) =>
  loadConfig({
    VIGIL_OIDC_ISSUER: 'https://id.douane.example',
    VIGIL_OIDC_CLIENT_ID: 'vigil',
    VIGIL_OIDC_CLIENT_SECRET: 'secret',
    VIGIL_OIDC_REDIRECT_URL: 'https://vigil.douane.example/v1/session/oidc/callback',
    VIGIL_OIDC_ROLE_MAP: 'vigil-nl-admins=NL:admin,vigil-nl-analysts=NL:analyst',
    ...env,
  }).sessions.oidc!;

test('the first line of the map whose group the person is in decides, whatever the claim’s order', () => {
  const id = identityOf(
    { sub: 's-1', preferred_username: 'ida', name: 'Ida', groups: ['vigil-nl-analysts', 'vigil-nl-admins'] },
    config(),
  );
  assert.deepEqual(id.grant, { authority: 'NL', role: 'admin' });
  assert.equal(id.displayName, 'Ida');
  assert.equal(id.issuer, 'https://id.douane.example');
});

test('no mapped group: no grant, and the groups are kept to say which they had', () => {
  const id = identityOf({ sub: 's-1', preferred_username: 'ida', groups: 'staff everyone' }, config());
  assert.equal(id.grant, undefined);
  assert.deepEqual(id.groups, ['staff', 'everyone']);
});

test('the authority can come from a claim, and an office only when it is one of that authority', () => {
  const c = config({
    VIGIL_OIDC_ROLE_MAP: 'vigil-officers=officer',
    VIGIL_OIDC_AUTHORITY_CLAIM: 'customs_authority',
    VIGIL_OIDC_OFFICE_CLAIM: 'office',
  });
  const be = identityOf(
    { sub: 's', groups: ['vigil-officers'], customs_authority: 'be', office: 'BE101000' },
    c,
  );
  assert.deepEqual(be.grant, { authority: 'BE', role: 'officer', office: 'BE101000' });
  const wrongOffice = identityOf(
    { sub: 's', groups: ['vigil-officers'], customs_authority: 'BE', office: 'NL000396' },
    c,
  );
  assert.deepEqual(wrongOffice.grant, { authority: 'BE', role: 'officer' });
  assert.equal(identityOf({ sub: 's', groups: ['vigil-officers'] }, c).grant, undefined);
});

test('usernames: an e-mail address becomes dots; nothing usable becomes a name from the subject', () => {
  assert.equal(usernameOf('Ida@Douane.NL', 'https://i', 's'), 'ida.douane.nl');
  assert.equal(usernameOf('Jean Dupont', 'https://i', 's'), 'jean.dupont');
  assert.match(usernameOf('é', 'https://i', 's'), /^oidc-[0-9a-f]{16}$/);
  assert.equal(usernameOf(undefined, 'https://i', 's'), usernameOf('', 'https://i', 's'));
  assert.notEqual(usernameOf(undefined, 'https://i', 's'), usernameOf(undefined, 'https://i', 't'));
});

test('a role map naming a role Vigil does not have is reported', () => {
  assert.deepEqual(unknownRoles(config({ VIGIL_OIDC_ROLE_MAP: 'a=NL:analyst,b=NL:superuser' })), [
    'superuser',
  ]);
});
