/**
 * Schema migrations: numbered SQL files in ./migrations, applied once each, in order, under an
 * advisory lock so that several processes starting together on one PostgreSQL do not race.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_ROLE, openDatabase } from './database.ts';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');
const LOCK_KEY = 7_261_911; // arbitrary, fixed: Vigil's migration lock

export interface Migration {
  readonly id: string;
  readonly sql: string;
}

export function listMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ id: f.replace(/\.sql$/, ''), sql: readFileSync(join(MIGRATIONS_DIR, f), 'utf8') }));
}

/** Applies pending migrations; returns the ids applied now. */
export async function migrate(db: Database): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
    id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const done = new Set(
      (await tx.query<{ id: string }>('SELECT id FROM schema_migration')).rows.map((r) => r.id),
    );
    for (const m of listMigrations()) {
      if (done.has(m.id)) {
        continue;
      }
      for (const statement of splitStatements(m.sql)) {
        await tx.query(statement);
      }
      await tx.query('INSERT INTO schema_migration (id) VALUES ($1)', [m.id]);
      applied.push(m.id);
    }
    // Tables that migrations after 0014 added get its policies and grants too.
    const secure = await tx.query<{ fn: string | null }>(
      `SELECT to_regprocedure('vigil_secure_schema()')::text AS fn`,
    );
    if (applied.length > 0 && (secure.rows[0]?.fn ?? null) !== null) {
      await tx.query('SELECT vigil_secure_schema()');
    }
  });
  return applied;
}

export interface ServiceDatabaseOptions {
  /** postgres://… of the login serve and worker use; otherwise the embedded PGlite in dataDir. */
  readonly url?: string | undefined;
  /** postgres://… of the schema's owner, for migrations; defaults to url (zero-setup). */
  readonly ownerUrl?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly poolSize?: number | undefined;
  /** Prepare parameterised statements per connection (default true). */
  readonly prepared?: boolean | undefined;
}

/**
 * The database as serve and worker use it: migrated as the owner, then running as the service role
 * (vigil_service), never as the owner. On PostgreSQL the owner's connection is closed after the
 * migrations and a pool of service connections opened: with a login of its own (ownerUrl differs),
 * as that login, which must be a member of vigil_service; with the owner's login (zero-setup), set to
 * vigil_service on connecting (0014 makes the owner a member). PGlite's one session switches role.
 */
export async function openServiceDatabase(options: ServiceDatabaseOptions): Promise<Database> {
  if (options.url === undefined) {
    const db = await openDatabase({ dataDir: options.dataDir });
    try {
      await migrate(db);
      await db.query(`SET ROLE ${SERVICE_ROLE}`);
    } catch (err) {
      await db.close();
      throw err;
    }
    return db;
  }
  const owner = await openDatabase({ url: options.ownerUrl ?? options.url, poolSize: 1 });
  try {
    await migrate(owner);
  } finally {
    await owner.close();
  }
  // A login of its own (a member of vigil_service) needs no switch, which keeps PgBouncer's transaction
  // pooling possible; the owner's login (zero-setup: one URL) drops to vigil_service on every connection.
  const ownLogin = options.ownerUrl !== undefined && options.ownerUrl !== options.url;
  return openDatabase({
    url: options.url,
    poolSize: options.poolSize,
    prepared: options.prepared,
    ...(ownLogin ? {} : { role: SERVICE_ROLE }),
  });
}

/**
 * Splits a migration script into statements at semicolons that end a line, except inside
 * dollar-quoted bodies ($$ … $$ of functions and DO blocks). Full-line `--` comments are dropped.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let inDollar = false;
  for (const line of sql.split('\n')) {
    if (!inDollar && /^\s*--/.test(line)) {
      continue;
    }
    current.push(line);
    if ((line.match(/\$\$/g)?.length ?? 0) % 2 === 1) {
      inDollar = !inDollar;
    }
    if (!inDollar && /;\s*$/.test(line)) {
      statements.push(current.join('\n').trim().replace(/;$/, ''));
      current = [];
    }
  }
  const rest = current.join('\n').trim();
  if (rest.length > 0) {
    statements.push(rest);
  }
  return statements.filter((x) => x.length > 0);
}
