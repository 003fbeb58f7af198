/** `vigil users add|list|disable` on a database: the password from standard input, never the command line. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { loadConfig } from '../config/index.ts';
import { openDatabase } from '../store/database.ts';
import type { Database } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';
import { usersCommand } from './users.command.ts';

let db: Database;
const config = loadConfig({ VIGIL_LOG_LEVEL: 'silent' });

before(async () => {
  db = await openDatabase({});
  await migrate(db);
});
after(async () => {
  await db.close();
});

async function run(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = {
    env: {},
    stdout: { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream,
    stdin: Readable.from([stdin]),
  };
  const code = await usersCommand(config, args, io, { db }).catch((e: Error) => {
    err += e.message;
    return 1;
  });
  return { code, out, err };
}

test('adds, lists and disables an account; the password comes from standard input', async () => {
  const add = await run(
    [
      'add',
      'olaf',
      '--authority',
      'NL',
      '--role',
      'officer',
      '--name',
      'Olaf',
      '--office',
      'NL000396',
      '--password-stdin',
    ],
    'correct horse battery\n',
  );
  assert.equal(add.code, 0, add.err);
  assert.match(add.out, /added olaf\tNL\tofficer@NL000396\tactive\tOlaf/);
  const stored = await db.query<{ hash: string }>(`SELECT hash FROM user_password WHERE username = 'olaf'`);
  assert.match(stored.rows[0]!.hash, /^\$argon2id\$/);

  const list = await run(['list', '--json']);
  assert.deepEqual(JSON.parse(list.out.trim()), {
    username: 'olaf',
    authority: 'NL',
    displayName: 'Olaf',
    role: 'officer',
    office: 'NL000396',
    disabled: false,
  });
  const off = await run(['disable', 'olaf']);
  assert.equal(off.code, 0, off.err);
  assert.match(off.out, /disabled olaf\tNL\tofficer@NL000396\tdisabled/);
});

test('refuses a password on the command line, a short password, an unknown role and a taken username', async () => {
  assert.equal((await run(['add', 'x1', '--authority', 'NL', '--role', 'analyst', '--name', 'X'])).code, 2);
  const short = await run(
    ['add', 'x2', '--authority', 'NL', '--role', 'analyst', '--name', 'X', '--password-stdin'],
    'short\n',
  );
  assert.notEqual(short.code, 0);
  assert.match(short.err, /invalid/);
  const role = await run(
    ['add', 'x3', '--authority', 'NL', '--role', 'pilot', '--name', 'X', '--password-stdin'],
    'long enough pass\n',
  );
  assert.notEqual(role.code, 0);
  const again = await run(
    ['add', 'olaf', '--authority', 'NL', '--role', 'analyst', '--name', 'X', '--password-stdin'],
    'long enough pass\n',
  );
  assert.notEqual(again.code, 0);
  assert.match(again.err, /taken/);
});
