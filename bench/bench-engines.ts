/**
 * The databases a benchmark runs on: PGlite (unless BENCH_SKIP_PGLITE=1) and, when
 * VIGIL_BENCH_DATABASE_URL is set, PostgreSQL in a schema of its own that is dropped afterwards.
 * `forEachBenchEngine` runs `run` on each in turn and returns its results by engine name.
 */
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../src/store/database.ts';
import type { Database } from '../src/store/database.ts';

export type OpenBenchDatabase = () => Promise<Database>;
export type CloseBenchDatabase = (db: Database) => Promise<void>;

export async function forEachBenchEngine<R>(
  run: (name: 'pglite' | 'postgres', open: OpenBenchDatabase, cleanup: CloseBenchDatabase) => Promise<R>,
): Promise<{ pglite?: R; postgres?: R }> {
  const out: { pglite?: R; postgres?: R } = {};
  if (process.env['BENCH_SKIP_PGLITE'] !== '1') {
    out.pglite = await run(
      'pglite',
      () => openDatabase({}),
      (db) => db.close(),
    );
  }
  const url = process.env['VIGIL_BENCH_DATABASE_URL'];
  if (url !== undefined && url !== '') {
    const schema = `vigil_bench_${randomBytes(4).toString('hex')}`;
    out.postgres = await run(
      'postgres',
      () => openDatabase({ url, schema, poolSize: 16 }),
      async (db) => {
        await db.query(`DROP SCHEMA ${schema} CASCADE`);
        await db.close();
      },
    );
  }
  return out;
}
