/**
 * One query interface over two engines (CONVENTIONS: Kysely's rule): PGlite, PostgreSQL compiled to
 * WebAssembly running in process (the zero-setup default), and a PostgreSQL server through a `pg` pool.
 * SQL lives only in the store; services get repositories built on this interface.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface QueryResult<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export type Engine = 'pglite' | 'postgres';

export interface Database extends Queryable {
  readonly engine: Engine;
  /** Runs fn in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
  /**
   * The same database seen as one authority: every query and transaction runs as the role vigil_app
   * with `vigil.authority` set, so row-level security admits that authority's rows only.
   */
  forAuthority(authority: string): Database;
}

/** The role requests run as; created by migration 0008 (it cannot bypass row-level security). */
export const APPLICATION_ROLE = 'vigil_app';

/**
 * The role `serve` and `worker` run as (migration 0014): not the owner, no BYPASSRLS; its system work
 * across authorities (outbox, audit chainer, statistics) passes row-level security through the
 * `system_access` policies, and it switches to vigil_app for every request's transaction.
 */
export const SERVICE_ROLE = 'vigil_service';

/**
 * What a transaction seen as one authority runs first. The authority is a literal (quoted), not a
 * parameter, so that the server gets it in the same round trip as BEGIN (one simple-protocol message).
 */
export function scopeStatement(authority: string): string {
  const literal = `'${authority.replaceAll("'", "''")}'`;
  return `SELECT set_config('role', '${APPLICATION_ROLE}', true), set_config('vigil.authority', ${literal}, true)`;
}

/** A database that can run a statement together with BEGIN (PostgreSQL: one round trip fewer). */
interface Preambled {
  transactionAfter<T>(preamble: string, fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

function scoped(
  base: Pick<Database, 'engine' | 'transaction'> & Partial<Preambled>,
  authority: string,
): Database {
  const preamble = scopeStatement(authority);
  const enter = <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> =>
    base.transactionAfter !== undefined
      ? base.transactionAfter(preamble, fn)
      : base.transaction(async (tx) => {
          await tx.query(preamble);
          return fn(tx);
        });
  const view: Database = {
    engine: base.engine,
    query: (sql, params) => enter((tx) => tx.query(sql, params)),
    transaction: (fn) => enter(fn),
    exec: () => Promise.reject(new Error('scripts run on the unscoped database (migrations)')),
    // The connection belongs to the base database.
    close: () => Promise.resolve(),
    forAuthority: (other) => scoped(base, other),
  };
  return view;
}

export interface DatabaseOptions {
  /** postgres://… for a server; otherwise PGlite. */
  readonly url?: string | undefined;
  /** PGlite data folder; omitted means in memory. */
  readonly dataDir?: string | undefined;
  /** PostgreSQL schema to work in (tests isolate themselves this way). */
  readonly schema?: string | undefined;
  readonly poolSize?: number | undefined;
  /** PostgreSQL: prepare parameterised statements per connection (default true). */
  readonly prepared?: boolean | undefined;
  /**
   * The role every connection runs as once opened (SERVICE_ROLE for serve and worker); the login
   * must be a member of it. Omitted: the login's own role (migrations run so, as the owner).
   */
  readonly role?: string | undefined;
}

/**
 * Engine difference, named: pg returns int8 as text, PGlite as a number. Vigil's int8 values (ids,
 * counts) stay far below 2^53, so both engines return numbers. Set on Vigil's own pools only, never
 * on pg's global parsers, so importing this module changes nothing for anyone else.
 */
const INT8_OID: number = pg.types.builtins.INT8;
const parseInt8 = (v: string): number => Number(v);
export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID && format !== 'binary'
      ? parseInt8
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Does the database answer? (for /ready) */
export async function isReachable(db: Queryable): Promise<boolean> {
  return db
    .query('SELECT 1')
    .then(() => true)
    .catch(() => false);
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url !== undefined) {
    return openPostgres(
      options.url,
      options.schema,
      options.poolSize ?? 10,
      options.role,
      options.prepared ?? true,
    );
  }
  return openPglite(options.dataDir, options.role);
}

/** Thrown when a second process tries to open an embedded database another process holds. */
export class DatabaseInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `the embedded database in ${dataDir} is in use by process ${pid} (a running vigil serve?); go through it with --url http://localhost:8080 --token … (vigil models, audit verify, ingest, rules), or stop it first`,
    );
    this.name = 'DatabaseInUseError';
  }
}

/**
 * PGlite is one process's database: two processes opening one folder would corrupt it. A lock file
 * with the holder's pid keeps the second out; a lock left by a dead process is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lock = join(dataDir, 'vigil.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw err;
      }
      const pid = Number(readFileSync(lock, 'utf8'));
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = true;
      } catch {
        alive = false;
      }
      if (alive) {
        throw new DatabaseInUseError(dataDir, pid);
      }
      rmSync(lock, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

async function openPglite(dataDir: string | undefined, role: string | undefined): Promise<Database> {
  let unlock = (): void => undefined;
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  const db = await PGlite.create(dataDir);
  const wrap = (q: { query: PGlite['query'] }): Queryable => ({
    async query<R>(sql: string, params?: readonly unknown[]) {
      const r = await q.query<R>(sql, params as unknown[] | undefined);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
  });
  const base = wrap(db);
  if (role !== undefined) {
    // PGlite has one session: the role is set on it for the rest of its life.
    await db.query(`SET ROLE ${quoteIdent(role)}`);
  }
  const self: Database = {
    engine: 'pglite',
    query: (sql, params) => base.query(sql, params),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    exec: async (sql) => {
      await db.exec(sql);
    },
    close: async () => {
      await db.close();
      unlock();
    },
    forAuthority: (authority) => scoped(self, authority),
  };
  return self;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Startup options of a connection: those of the URL (`?options=-c search_path=…`, which pg would let
 * override ours), the schema and the role, in one string.
 */
function connectionOptions(
  url: string,
  schema: string | undefined,
  role: string | undefined,
): { url: string; options: string | undefined } {
  const parsed = new URL(url);
  const parts: string[] = [];
  const fromUrl = parsed.searchParams.get('options');
  if (fromUrl !== null) {
    parts.push(fromUrl);
    parsed.searchParams.delete('options');
  }
  if (schema !== undefined) {
    parts.push(`-c search_path=${schema}`);
  }
  if (role !== undefined) {
    parts.push(`-c role=${role}`);
  }
  return { url: parsed.toString(), options: parts.length > 0 ? parts.join(' ') : undefined };
}

/**
 * Statements with parameters run as named prepared statements: each connection parses and plans a
 * hot statement once instead of at every call (issue 20: planning was a fifth of PostgreSQL's time).
 * Names are given per distinct SQL text, in the order first seen; the texts are the code's own
 * constants (values always go in parameters), so their number is bounded. Past MAX_PREPARED texts a
 * statement runs unnamed, as before.
 */
const MAX_PREPARED = 5000;
const preparedNames = new Map<string, string>();

function unnamedStatement(sql: string, params: readonly unknown[] | undefined): pg.QueryConfig {
  return { text: sql, values: params as unknown[] | undefined };
}

function preparedStatement(sql: string, params: readonly unknown[] | undefined): pg.QueryConfig {
  const values = params as unknown[] | undefined;
  if (values === undefined || values.length === 0) {
    return { text: sql };
  }
  let name = preparedNames.get(sql);
  if (name === undefined && preparedNames.size < MAX_PREPARED) {
    name = `vigil_${preparedNames.size + 1}`;
    preparedNames.set(sql, name);
  }
  return name === undefined ? { text: sql, values } : { name, text: sql, values };
}

async function openPostgres(
  url: string,
  schema: string | undefined,
  max: number,
  role: string | undefined,
  prepared: boolean,
): Promise<Database> {
  const statement = prepared ? preparedStatement : unnamedStatement;
  const connection = connectionOptions(url, schema, role);
  // Prepared statements are parsed once per connection but planned at every execution: a generic
  // plan, cached after a few executions, would keep the plan made while a table was small (a new
  // deployment, a new partition: a sequential scan) however large it grows until the next ANALYZE.
  const options = prepared
    ? [connection.options, '-c plan_cache_mode=force_custom_plan'].filter((x) => x !== undefined).join(' ')
    : connection.options;
  const pool = new pg.Pool({
    connectionString: connection.url,
    max,
    types: PG_TYPES,
    ...(options !== undefined ? { options } : {}),
  });
  // A pool error on an idle client (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  if (schema !== undefined && role === undefined) {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replaceAll('"', '')}"`);
  }
  const query = async <R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    const r = await pool.query(statement(sql, params));
    return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
  };
  const transactionAfter = async <T>(
    preamble: string | undefined,
    fn: (tx: Queryable) => Promise<T>,
  ): Promise<T> => {
    const client = await pool.connect();
    // A checked-out client whose connection dies (server crash or restart) emits 'error'; pg-pool
    // listens only on idle clients, so without this the event would end the process. The error also
    // fails the query in flight; releasing with it makes the pool discard the dead connection.
    let broken: Error | undefined;
    const onError = (err: Error): void => {
      broken = err;
    };
    client.on('error', onError);
    try {
      await client.query(preamble === undefined ? 'BEGIN' : `BEGIN; ${preamble}`);
      const result = await fn({
        async query<R>(sql: string, params?: readonly unknown[]) {
          const r = await client.query(statement(sql, params));
          return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
        },
      });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  };
  const self: Database & Preambled = {
    engine: 'postgres',
    query,
    transaction: (fn) => transactionAfter(undefined, fn),
    transactionAfter,
    exec: async (sql) => {
      await pool.query(sql);
    },
    close: () => pool.end(),
    forAuthority: (authority) => scoped(self, authority),
  };
  return self;
}
