/**
 * The PostgreSQL pool survives a connection that dies while a transaction holds it (a server crash
 * or restart, an administrator's pg_terminate_backend): the transaction fails, the process does not,
 * and the next queries get a fresh connection. Runs when VIGIL_TEST_DATABASE_URL is set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from './database.ts';

const URL = process.env['VIGIL_TEST_DATABASE_URL'];

test(
  'a connection killed inside a transaction fails that transaction only; the pool goes on',
  { skip: URL === undefined || URL === '' ? 'set VIGIL_TEST_DATABASE_URL' : false },
  async () => {
    const db = await openDatabase({ url: URL!, poolSize: 2 });
    const admin = await openDatabase({ url: URL!, poolSize: 1 });
    try {
      await assert.rejects(
        db.transaction(async (tx) => {
          const { pid } = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!;
          await admin.query('SELECT pg_terminate_backend($1)', [pid]);
          // The server ends the session while no query runs on it: without a listener the client's
          // 'error' event would end the process. Go on until the transaction sees the connection gone.
          for (let i = 0; i < 200; i++) {
            await tx.query('SELECT 1');
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        }),
      );
      const one = await db.transaction(
        async (tx) => (await tx.query<{ one: number }>('SELECT 1 AS one')).rows[0]!,
      );
      assert.equal(one.one, 1);
      assert.equal((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one, 1);
    } finally {
      await db.close();
      await admin.close();
    }
  },
);
