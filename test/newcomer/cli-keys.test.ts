/**
 * `vigil keys` (API keys for filers' systems) and `vigil signing-keys` (the token-signing keyring,
 * which was `vigil keys` before API keys took the name), run in process through `runCli`:
 * - signing-keys list, rotate and remove as before, under the new name;
 * - keys create, list, show, rotate and revoke on the embedded database (--authority), each change in
 *   the audit trail, the secret printed once on stdout and never by list or show;
 * - keys create and list through a running server (--url, --token), and the key it printed lodges a
 *   filing for its EORI.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenLocally, vigilInProcess as vigil } from '../support/cli.ts';
import { AuditLog } from '../../src/audit/index.ts';
import { openDatabase } from '../../src/store/database.ts';
import { databaseTargets, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';

const KEY = /^vgk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/;

describe('vigil signing-keys and vigil keys on the embedded database', () => {
  let dataDir = '';
  let env: Record<string, string> = {};
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-cli-keys-'));
    env = { VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'silent', USER: 'tester' };
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('signing-keys lists, rotates and removes token-signing keys', async () => {
    const first = await vigil(['signing-keys', 'list'], env);
    assert.equal(first.code, 0, first.stderr);
    const [oldKid] = first.stdout.split('\n')[1]!.split(' ');
    assert.match(first.stdout, /signs new tokens/);

    const rotated = await vigil(['signing-keys', 'rotate'], env);
    assert.equal(rotated.code, 0, rotated.stderr);
    const newKid = rotated.stdout.trim();
    assert.match(rotated.stderr, /vigil signing-keys remove KID/);
    const listed = await vigil(['signing-keys', 'list'], env);
    assert.match(listed.stdout, new RegExp(`${oldKid}\\s.*verifies only`));
    assert.match(listed.stdout, new RegExp(`${newKid}\\s.*signs new tokens`));

    const signing = await vigil(['signing-keys', 'remove', newKid], env);
    assert.equal(signing.code, 2);
    assert.match(signing.stderr, /rotate first \(vigil signing-keys rotate\)/);
    assert.equal((await vigil(['signing-keys', 'remove', oldKid!], env)).code, 0);
    assert.ok(!(await vigil(['signing-keys', 'list'], env)).stdout.includes(oldKid!));

    // `keys` is about API keys now, and says where the keyring went.
    const old = await vigil(['keys', 'rotate'], env);
    assert.notEqual(old.code, 0);
    assert.match(old.stderr, /needs the key's id.*vigil signing-keys/);
  });

  test('keys create, list, show, rotate and revoke, each audited; the secret is printed once', async () => {
    const created = await vigil(
      [
        'keys',
        'create',
        '--authority',
        'NL',
        '--filer',
        'acme',
        '--eori',
        'nl123456789',
        '--days',
        '30',
        '--name',
        'Acme gateway',
        '--rate-limit',
        '600',
      ],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const secret = created.stdout.trim();
    assert.match(secret, KEY);
    assert.match(created.stderr, /shown this once/);
    const prefix = secret.slice(4, 12);

    const list = await vigil(['keys', 'list', '--authority', 'NL', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    const [key] = JSON.parse(list.stdout) as {
      id: string;
      prefix: string;
      eoris: string[];
      status: string;
    }[];
    assert.equal(key!.prefix, prefix);
    assert.deepEqual(key!.eoris, ['NL123456789']);
    assert.ok(!list.stdout.includes(secret.slice(13)), 'list never prints the secret');
    const table = await vigil(['keys', 'list', '--authority', 'NL'], env);
    assert.match(
      table.stdout,
      new RegExp(`${key!.id}\\s+vgk_${prefix}…\\s+acme\\s+filer\\s+NL123456789\\s+active`),
    );

    const rotated = await vigil(['keys', 'rotate', key!.id, '--authority', 'NL', '--overlap', '60'], env);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout.trim(), KEY);
    assert.notEqual(rotated.stdout.trim(), secret);
    assert.match(rotated.stderr, /the old one works until/);

    const revoked = await vigil(
      ['keys', 'revoke', key!.id, '--authority', 'NL', '--reason', 'test over'],
      env,
    );
    assert.equal(revoked.code, 0, revoked.stderr);
    const shown = await vigil(['keys', 'show', key!.id, '--authority', 'NL', '--json'], env);
    const view = JSON.parse(shown.stdout) as { status: string; revokedReason: string; revokedBy: string };
    assert.equal(view.status, 'revoked');
    assert.equal(view.revokedReason, 'test over');
    assert.equal(view.revokedBy, 'admin:cli:tester');

    // Another authority's keys are not NL's.
    const be = await vigil(['keys', 'show', key!.id, '--authority', 'BE'], env);
    assert.equal(be.code, 1);
    assert.match(be.stderr, /no API key/);

    // A refused request names every problem and stores nothing.
    const bad = await vigil(
      ['keys', 'create', '--authority', 'NL', '--filer', 'acme', '--days', '400', '--eori', 'NL123456789'],
      env,
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /\$\.expiresAt: a key lives at most 365 days/);
    const noExpiry = await vigil(['keys', 'create', '--authority', 'NL', '--filer', 'acme'], env);
    assert.notEqual(noExpiry.code, 0);
    assert.match(noExpiry.stderr, /--expires DATE or --days N/);

    const db = await openDatabase({ dataDir });
    try {
      const entries = await new AuditLog().list(db, { authority: 'NL', subject: key!.id });
      assert.deepEqual(
        entries.map((e) => [e.action, e.actor]),
        [
          ['api-key.created', 'admin:cli:tester'],
          ['api-key.rotated', 'admin:cli:tester'],
          ['api-key.revoked', 'admin:cli:tester'],
        ],
      );
      const n = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM api_key`);
      assert.equal(n.rows[0]!.n, 1);
    } finally {
      await db.close();
    }
  });
});

describe('vigil keys through a running server', () => {
  const [target] = databaseTargets();
  let t: TestApp | undefined;
  const app = () => t!;
  let url = '';
  before(async () => {
    t = await startTestApp(target!);
    url = await listenLocally(app());
  });
  after(async () => {
    await t?.close();
  });

  test("an admin creates a key with its own token, and the key lodges for the filer's EORI", async () => {
    const admin = await app().token('NL', 'admin', 'alice');
    const env = { VIGIL_TOKEN: admin, VIGIL_LOG_LEVEL: 'silent' };
    const expires = new Date(app().clock.now().getTime() + 30 * 86_400_000).toISOString();
    const created = await vigil(
      ['keys', 'create', '--url', url, '--filer', 'acme', '--eori', 'NL123456789', '--expires', expires],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const secret = created.stdout.trim();
    assert.match(secret, KEY);

    const lodged = await fetch(`${url}/v1/filings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(validFiling(app().clock.now(), { lrn: 'CLI-KEY-1' })),
    });
    assert.equal(lodged.status, 201, await lodged.text());

    const listed = await vigil(['keys', 'list', '--url', url], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /acme\s+filer\s+NL123456789\s+active/);

    // A filer's token is refused, with the server's reason.
    const filer = await app().token('NL', 'filer', 'acme');
    const refused = await vigil(['keys', 'list', '--url', url, '--token', filer], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /only an authority's admin manages API keys/);
  });
});
