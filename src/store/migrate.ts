/**
 * Schema migrations: numbered SQL files in ./migrations, applied once each, in order, under an
 * advisory lock so that several processes starting together on one PostgreSQL do not race.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  });
  return applied;
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
