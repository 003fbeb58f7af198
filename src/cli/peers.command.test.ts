/** `vigil peers key|add|list|remove`: a peer is added with its URL and public key, listed, refused when bad, removed. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig } from '../config/index.ts';
import { openDatabase } from '../store/database.ts';
import type { Database } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';
import { peersCommand } from './peers.command.ts';

let db: Database;
const dir = mkdtempSync(join(tmpdir(), 'vigil-peers-'));
const config = loadConfig({
  VIGIL_LOG_LEVEL: 'silent',
  VIGIL_DATA_DIR: dir,
  VIGIL_FEDERATION_AUTHORITY: 'NL',
});

before(async () => {
  db = await openDatabase({});
  await migrate(db);
});
after(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[], c = config): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = {
    env: {},
    stdout: { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream,
    stdin: Readable.from(['']),
  };
  const code = await peersCommand(c, args, io, { db });
  return { code, out, err };
}

test('prints this node’s key, adds a peer, lists it, refuses a bad one and removes it', async () => {
  const key = await run(['key']);
  assert.equal(key.code, 0, key.err);
  assert.match(key.out, /^# NL, key [0-9a-f]{16}\n-----BEGIN PUBLIC KEY-----/);

  const be = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  writeFileSync(join(dir, 'be.pem'), be);
  const add = await run([
    'add',
    'BE',
    '--url',
    'nats://be.example:4222',
    '--public-key',
    join(dir, 'be.pem'),
    '--name',
    'Belgian Customs',
  ]);
  assert.equal(add.code, 0, add.err);
  assert.match(add.out, /^added BE \(Belgian Customs\) at nats:\/\/be\.example:4222, key [0-9a-f]{16}/);
  const again = await run([
    'add',
    'BE',
    '--url',
    'nats://be.example:4222',
    '--public-key',
    join(dir, 'be.pem'),
  ]);
  assert.equal(again.code, 1);
  assert.match(again.err, /VIGIL_PEER_EXISTS/);

  writeFileSync(
    join(dir, 'rsa.pem'),
    generateKeyPairSync('rsa', { modulusLength: 1024 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString(),
  );
  const bad = await run(['add', 'de', '--url', 'http://de.example', '--public-key', join(dir, 'rsa.pem')]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /VIGIL_PEER_INVALID/);
  assert.match(bad.err, /\$\.code/);
  assert.match(bad.err, /\$\.natsUrl/);
  assert.match(bad.err, /\$\.publicKey: not an Ed25519 public key/);

  const secret = await run([
    'add',
    'DE',
    '--url',
    'tls://peer-nl:s3cret@de.example:4222',
    '--public-key',
    join(dir, 'be.pem'),
  ]);
  assert.equal(secret.code, 0, secret.err);
  assert.doesNotMatch(secret.out, /s3cret/);
  assert.match(secret.out, /tls:\/\/peer-nl:\*\*\*@de\.example:4222/);
  assert.equal((await run(['remove', 'DE'])).code, 0);

  const list = await run(['list', '--json']);
  const peers = list.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { code: string; pending: number });
  assert.deepEqual(
    peers.map((p) => [p.code, p.pending]),
    [['BE', 0]],
  );
  const directory = await db.query<{ code: string; name: string }>(
    `SELECT code, name FROM authority WHERE code = 'BE'`,
  );
  assert.deepEqual(directory.rows, [{ code: 'BE', name: 'Belgian Customs' }], 'the peer is in the directory');

  const removed = await run(['remove', 'BE']);
  assert.equal(removed.code, 0, removed.err);
  assert.equal((await run(['list'])).out, '');
  assert.match((await run(['remove', 'BE'])).err, /VIGIL_PEER_NOT_FOUND/);
});

test('without VIGIL_FEDERATION_AUTHORITY the node has no federation key and says how to turn it on', async () => {
  const off = await run(['key'], loadConfig({ VIGIL_LOG_LEVEL: 'silent', VIGIL_DATA_DIR: dir }));
  assert.equal(off.code, 1);
  assert.match(off.err, /VIGIL_FEDERATION_OFF: .*VIGIL_FEDERATION_AUTHORITY/);
});
