/**
 * Issue 15, finding 4, as the attacks were made: as the application role vigil_app, read the
 * token-signing key, read or overwrite the random-selection seed, change or delete the audit trail;
 * as a login bound to one authority, switch to another with set_config('vigil.authority', …); and
 * check that serve does not run as the schema's owner. On PGlite always, on PostgreSQL when
 * VIGIL_TEST_DATABASE_URL is set.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/config/index.ts';
import { composeApp } from '../../src/app/compose.ts';
import type { Queryable } from '../../src/store/database.ts';
import { forEachDatabase, startTestApp, closeAfter } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';

const PG_URL = process.env['VIGIL_TEST_DATABASE_URL'];

/** Runs `sql` in a transaction as vigil_app with authority NL, as every request does; the error, if any. */
async function asApp(app: TestApp, sql: string): Promise<{ rows: unknown[] } | { error: string }> {
  return app.deps.db
    .forAuthority('NL')
    .transaction(async (tx) => ({ rows: (await tx.query(sql)).rows }))
    .catch((err: unknown) => ({ error: (err as Error).message }));
}

forEachDatabase('database privileges (finding 4)', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);

  before(async () => {
    t = await startTestApp(target);
    // NL and BE both have data: a filing each, and NL's random seed.
    for (const authority of ['NL', 'BE']) {
      const token = await app().token(authority, 'filer', `${authority}-filer`);
      const f = validFiling(app().clock.now(), { lrn: `PRIV-${authority}` });
      if (authority === 'BE') {
        f['officeOfFirstEntry'] = 'BE101000';
        f['transport'].routing = ['CN', 'SG', 'BE'];
        f['consignments'][0].placeOfUnloading = 'BEANR';
        f['consignments'][0].routing = ['CN', 'SG', 'BE'];
      }
      const r = await app().server.app.inject({
        method: 'POST',
        url: '/v1/filings',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify(f),
      });
      assert.equal(r.statusCode, 201, r.body);
    }
    await app().deps.contexts.get('NL');
  });

  test('the signing key is not in the database: no instance_secret table, no key anywhere vigil_app reads', async () => {
    const r = await asApp(app(), 'SELECT * FROM instance_secret');
    assert.ok('error' in r && /does not exist/.test(r.error), JSON.stringify(r));
  });

  test('vigil_app cannot read, overwrite or delete the random seed', async () => {
    for (const sql of [
      'SELECT secret FROM random_seed',
      `UPDATE random_seed SET secret = 'known'`,
      'DELETE FROM random_seed',
      `INSERT INTO random_seed (authority, seed_id, secret, created_at) VALUES ('XX', 'x', 'known', now())`,
    ]) {
      const r = await asApp(app(), sql);
      assert.ok('error' in r && /permission denied/.test(r.error), `${sql}: ${JSON.stringify(r)}`);
    }
    // The function that hands a transaction its own seed refuses another authority's.
    const other = await asApp(app(), `SELECT * FROM vigil_random_seed('BE', 'x', 'y', now())`);
    assert.ok('error' in other && /not this transaction/.test(other.error), JSON.stringify(other));
  });

  test('vigil_app appends to the audit trail but cannot change, delete or read the staged entries', async () => {
    for (const sql of [
      `UPDATE audit_log SET actor = 'nobody'`,
      'DELETE FROM audit_log',
      'SELECT * FROM audit_pending',
      `UPDATE audit_pending SET actor = 'nobody'`,
      'DELETE FROM audit_pending',
      'SELECT * FROM revoked_token',
      'DELETE FROM revoked_token',
      'SELECT * FROM login_authority',
    ]) {
      const r = await asApp(app(), sql);
      assert.ok('error' in r && /permission denied/.test(r.error), `${sql}: ${JSON.stringify(r)}`);
    }
    const staged = await asApp(
      app(),
      `INSERT INTO audit_pending (authority, at, actor, action, subject, details)
       VALUES ('NL', now(), 'test', 'token.issued', 's', '{}'::jsonb)`,
    );
    assert.ok('rows' in staged, JSON.stringify(staged));
  });

  test('a login bound to NL that sets vigil.authority to BE sees no BE rows', async () => {
    const login = `vigil_test_reporter_${randomBytes(4).toString('hex')}`;
    const db = app().deps.db;
    await db.query(`CREATE ROLE ${login} LOGIN`);
    await db.query(`GRANT vigil_reader TO ${login}`);
    // Membership of vigil_app, as the old operations guide advised, changes nothing.
    await db.query(`GRANT vigil_app TO ${login}`);
    await db.query(`INSERT INTO login_authority (login, bound_authority) VALUES ($1, 'NL')`, [login]);
    try {
      const seen = async (q: Queryable, switchTo: string[]) => {
        for (const sql of switchTo) {
          await q.query(sql);
        }
        await q.query(`SELECT set_config('vigil.authority', 'BE', false)`);
        const r = await q.query<{ authority: string }>('SELECT DISTINCT authority FROM filing');
        return r.rows.map((x) => x.authority);
      };
      if (target.engine === 'postgres' && PG_URL !== undefined) {
        // A real login of its own, as a reporting tool would connect.
        const schema = (await db.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
        const url = new URL(PG_URL);
        url.username = login;
        const client = new pg.Client({
          connectionString: url.toString(),
          options: `-c search_path=${schema}`,
        });
        await client.connect();
        try {
          assert.deepEqual(await seen(client, []), ['NL']);
          assert.deepEqual(await seen(client, ['SET ROLE vigil_app']), ['NL']);
          await assert.rejects(client.query('SET ROLE vigil_service'), /permission denied/);
        } finally {
          await client.end();
        }
      } else {
        // PGlite has one session: it takes the login on for a while (SET LOCAL does not revert it there).
        const me = (await db.query<{ u: string }>('SELECT session_user AS u')).rows[0]!.u;
        await db.query(`SET SESSION AUTHORIZATION ${login}`);
        let rows: { asReader: string[]; asApp: string[] };
        try {
          rows = { asReader: await seen(db, []), asApp: await seen(db, ['SET ROLE vigil_app']) };
          await assert.rejects(db.query('SET ROLE vigil_service'), /permission denied/);
        } finally {
          // RESET SESSION AUTHORIZATION does not go back on PGlite; naming the user does.
          await db.query(`SET SESSION AUTHORIZATION ${me}`);
          await db.query(`SELECT set_config('vigil.authority', '', false)`);
        }
        assert.deepEqual(rows, { asReader: ['NL'], asApp: ['NL'] });
      }
    } finally {
      await db.query(`DELETE FROM login_authority WHERE login = $1`, [login]);
      await db.query(`DROP OWNED BY ${login}`);
      await db.query(`DROP ROLE ${login}`);
    }
  });
});

forEachDatabase('serve and worker run as a non-owner role', (target) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-priv-'));
  let schema: string | undefined;
  after(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    if (schema !== undefined) {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  });

  test('the composed application (serve, worker, CLI) runs as vigil_service, neither owner nor superuser', async () => {
    const env: Record<string, string> = {
      VIGIL_DATA_DIR: dataDir,
      VIGIL_LOG_LEVEL: 'silent',
      VIGIL_DEMO_PACK: 'false',
    };
    if (target.engine === 'postgres') {
      schema = `vigil_test_${randomBytes(6).toString('hex')}`;
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`CREATE SCHEMA ${schema}`);
      await c.end();
      const url = new URL(PG_URL!);
      url.searchParams.set('options', `-c search_path=${schema}`);
      env['DATABASE_URL'] = url.toString();
    }
    const deps = await composeApp(loadConfig(env));
    try {
      const r = await deps.db.query<{ me: string; owner: string; superuser: boolean; bypass: boolean }>(
        `SELECT current_user AS me, pg_get_userbyid(n.nspowner) AS owner, r.rolsuper AS superuser,
                r.rolbypassrls AS bypass
         FROM pg_namespace n, pg_roles r WHERE n.nspname = current_schema() AND r.rolname = current_user`,
      );
      const row = r.rows[0]!;
      assert.equal(row.me, 'vigil_service');
      assert.notEqual(row.me, row.owner);
      assert.equal(row.superuser, false);
      assert.equal(row.bypass, false);
      // … and its own work still reaches every authority's rows (the outbox, the audit chainer).
      await deps.db.query(`SELECT count(*) FROM outbox`);
      await assert.rejects(deps.db.query(`UPDATE audit_log SET actor = 'x'`), /permission denied/);
      // Forgetting which inbox lines were taken in would let a copied line in again.
      await assert.rejects(deps.db.query(`DELETE FROM audit_inbox_line`), /permission denied/);
      // API keys (migration 0023): an admin's changes run as vigil_app for its authority; the lookup
      // of a presented key, before its authority is known, and its last-use time as vigil_service.
      const admin = { authority: 'NL', role: 'admin', subject: 'alice' } as const;
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const { key, secret } = await deps.apiKeys.create(admin, {
        name: 'roles',
        filer: 'acme',
        eoris: ['NL123456789'],
        expiresAt,
      });
      assert.equal((await deps.apiKeys.authenticate(secret)).actor.subject, 'acme');
      await deps.apiKeys.revoke(admin, key.id, {});
      await assert.rejects(deps.apiKeys.authenticate(secret), /was revoked/);
    } finally {
      await deps.db.close();
    }
  });

  // PGlite has one login: this one is for PostgreSQL only.
  const onPostgres = (name: string, fn: () => Promise<void>) =>
    target.engine === 'postgres' ? void test(name, fn) : undefined;
  onPostgres(
    'in production serve logs in as its own member of vigil_service; the owner only migrates',
    async () => {
      const login = `vigil_test_serve_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`CREATE ROLE ${login} LOGIN IN ROLE vigil_service`);
      try {
        const url = new URL(PG_URL!);
        url.searchParams.set('options', `-c search_path=${schema!}`);
        const serveUrl = new URL(url);
        serveUrl.username = login;
        const deps = await composeApp(
          loadConfig({
            VIGIL_DATA_DIR: dataDir,
            VIGIL_LOG_LEVEL: 'silent',
            VIGIL_DEMO_PACK: 'false',
            DATABASE_URL: serveUrl.toString(),
            VIGIL_MIGRATION_DATABASE_URL: url.toString(),
          }),
        );
        try {
          const me = await deps.db.query<{ me: string }>('SELECT current_user AS me');
          assert.equal(me.rows[0]!.me, login);
          await deps.db.query('SELECT count(*) FROM outbox');
          const nl = await deps.db
            .forAuthority('NL')
            .query<{ a: string }>('SELECT vigil_current_authority() AS a');
          assert.equal(nl.rows[0]!.a, 'NL');
          await assert.rejects(deps.db.query('SELECT * FROM login_authority'), /permission denied/);
        } finally {
          await deps.db.close();
        }
      } finally {
        await admin.query(`DROP OWNED BY ${login}`);
        await admin.query(`DROP ROLE ${login}`);
        await admin.end();
      }
    },
  );
});
