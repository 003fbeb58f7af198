/**
 * Issue 15, finding 5: tokens without a key id or an audience, or addressed to another instance, are
 * refused; a key rotation keeps old tokens valid and signs new ones with the new key; a revoked token
 * is refused with VIGIL_TOKEN_REVOKED. On PGlite always, on PostgreSQL when VIGIL_TEST_DATABASE_URL
 * is set.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, decodeProtectedHeader } from 'jose';
import { FileKeyring, audienceOf } from '../../src/auth/index.ts';
import { closeAfter, forEachDatabase, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

forEachDatabase('tokens (finding 5)', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const keyring = () => new FileKeyring(join(app().dataDir, 'keyring.json'));

  before(async () => {
    t = await startTestApp(target);
    await app().token('NL', 'analyst', 'warm-up');
  });

  const get = (token: string) =>
    app().server.app.inject({
      method: 'GET',
      url: '/v1/rules',
      headers: { authorization: `Bearer ${token}` },
    });

  /** A token signed with the instance's current key, with the header and claims the test chooses. */
  async function forged(options: { kid?: string | null; aud?: string | null }): Promise<string> {
    const ring = keyring().current();
    const key = ring.keys[ring.keys.length - 1]!;
    let jwt = new SignJWT({ authority: 'NL', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', ...(options.kid === null ? {} : { kid: options.kid ?? key.kid }) })
      .setSubject('mallory')
      .setIssuer('vigil')
      .setJti('forged-1')
      .setIssuedAt()
      .setExpirationTime('1h');
    if (options.aud !== null) {
      jwt = jwt.setAudience(options.aud ?? audienceOf(ring.instance));
    }
    return jwt.sign(key.secret);
  }

  test('the keyring is a file readable by its owner only', () => {
    assert.equal(statSync(keyring().path).mode & 0o777, 0o600);
  });

  test('a token names its key and its instance', async () => {
    const token = await app().token('NL', 'analyst', 'ann');
    const ring = keyring().current();
    assert.equal(decodeProtectedHeader(token).kid, ring.keys[ring.keys.length - 1]!.kid);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    assert.equal(claims['aud'], audienceOf(ring.instance));
    assert.equal(typeof claims['jti'], 'string');
    assert.equal((await get(token)).statusCode, 200);
  });

  test('a correctly signed token without kid, without aud or for another instance is refused', async () => {
    // The control: the same forgery with kid and aud passes, so the refusals below are for them alone.
    assert.equal((await get(await forged({}))).statusCode, 200);
    for (const [what, token] of [
      ['no kid', await forged({ kid: null })],
      ['an unknown kid', await forged({ kid: 'k-nope' })],
      ['no aud', await forged({ aud: null })],
      ['another instance', await forged({ aud: 'vigil:vgl-elsewhere' })],
    ] as const) {
      const r = await get(token);
      assert.equal(r.statusCode, 401, `${what}: ${r.body}`);
      assert.equal(r.json().code, 'VIGIL_UNAUTHENTICATED', what);
    }
  });

  test('after a rotation old tokens still verify and new ones carry the new kid; a removed key verifies no more', async () => {
    const before = await app().token('NL', 'analyst', 'old');
    const oldKid = decodeProtectedHeader(before).kid!;
    const rotated = keyring().rotate();
    assert.notEqual(rotated.kid, oldKid);
    const afterRotation = await app().token('NL', 'analyst', 'new');
    assert.equal(decodeProtectedHeader(afterRotation).kid, rotated.kid);
    assert.equal((await get(before)).statusCode, 200, 'a token of the old key still works');
    assert.equal((await get(afterRotation)).statusCode, 200);
    keyring().remove(oldKid);
    const r = await get(before);
    assert.equal(r.statusCode, 401);
    assert.match(r.json().detail, /does not hold/);
    assert.equal((await get(afterRotation)).statusCode, 200);
  });

  test('a revoked token is refused with VIGIL_TOKEN_REVOKED; others of the same person are not', async () => {
    const stolen = await app().token('NL', 'admin', 'ada');
    const other = await app().token('NL', 'admin', 'ada');
    assert.equal((await get(stolen)).statusCode, 200);
    const revoked = await app().deps.tokens.revoke(stolen, 'admin:ada', 'laptop stolen');
    assert.equal(revoked.authority, 'NL');
    const r = await get(stolen);
    assert.equal(r.statusCode, 401, r.body);
    assert.equal(r.json().code, 'VIGIL_TOKEN_REVOKED');
    assert.equal((await get(other)).statusCode, 200);
    // The deny list is in the database, where the service (not vigil_app) keeps it.
    const row = await app().deps.db.query<{ revoked_by: string }>(
      'SELECT revoked_by FROM revoked_token WHERE jti = $1',
      [revoked.jti],
    );
    assert.equal(row.rows[0]?.revoked_by, 'admin:ada');
  });
});
