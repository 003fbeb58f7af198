/**
 * Rows read per statement, measured by the database itself: a Database wrapper that, before each
 * statement the application runs, runs `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` of the same SQL and
 * parameters inside a savepoint it rolls back (so nothing is done twice), and records what the scan
 * nodes of the executed plan read: actual rows × loops plus the rows their filters and index rechecks
 * removed. In `generic` mode the statement is prepared and explained with
 * `plan_cache_mode = force_generic_plan`, the plan a prepared statement settles on.
 */
import type { Database, Queryable, QueryResult } from '../../src/store/database.ts';

export type PlanMode = 'custom' | 'generic';

export interface ScanRead {
  readonly node: string;
  readonly relation: string;
  readonly index: string | undefined;
  readonly rows: number;
}

export interface StatementReads {
  readonly sql: string;
  calls: number;
  /** The most rows one call read. */
  maxRows: number;
  /** Buffers (shared hit + read) of that call. */
  buffers: number;
  /** The longest array among the call's parameters (a batch of that many items). */
  batch: number;
  scans: readonly ScanRead[];
}

// A bitmap index scan counts too: its entries are read whether or not their rows are live (an index
// holding dead entries until a vacuum reads them all again), so a live row found through a bitmap
// counts twice, which the bound allows for.
const SCANS = new Set([
  'Seq Scan',
  'Index Scan',
  'Index Only Scan',
  'Bitmap Heap Scan',
  'Bitmap Index Scan',
  'Tid Scan',
]);

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

/** The scan nodes of a plan and what each read (per-loop figures × loops). */
export function scansOf(node: PlanNode, out: ScanRead[] = []): ScanRead[] {
  if (SCANS.has(node['Node Type'])) {
    const loops = node['Actual Loops'] ?? 1;
    const perLoop =
      (node['Actual Rows'] ?? 0) +
      (node['Rows Removed by Filter'] ?? 0) +
      (node['Rows Removed by Index Recheck'] ?? 0);
    out.push({
      node: node['Node Type'],
      relation: node['Relation Name'] ?? '?',
      index: node['Index Name'],
      rows: Math.round(perLoop * loops),
    });
  }
  for (const child of node.Plans ?? []) {
    scansOf(child, out);
  }
  return out;
}

/** Statements worth explaining: plain DML; not transaction control, settings or advisory locks. */
function explainable(sql: string): boolean {
  const head = sql.trimStart().slice(0, 40).toUpperCase();
  if (!/^(SELECT|INSERT|UPDATE|DELETE|WITH)\b/.test(head)) {
    return false;
  }
  return !/^SELECT\s+(SET_CONFIG|PG_ADVISORY|1$|TO_REGPROCEDURE)/.test(head) && !/pg_advisory/i.test(sql);
}

/** A parameter as SQL text, for EXECUTE of a prepared statement (the server casts it as PREPARE inferred). */
function literal(v: unknown): string {
  if (v === null || v === undefined) {
    return 'NULL';
  }
  if (Array.isArray(v)) {
    const el = (x: unknown): string =>
      x === null || x === undefined ? 'NULL' : `"${text(x).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
    return literal(`{${v.map(el).join(',')}}`);
  }
  return `'${text(v).replaceAll("'", "''")}'`;
}

function text(v: unknown): string {
  return v instanceof Date
    ? v.toISOString()
    : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint'
      ? String(v)
      : JSON.stringify(v);
}

export class PlanRecorder {
  mode: PlanMode = 'custom';
  /** Only statements run while active are explained. */
  active = false;
  readonly reads = new Map<string, StatementReads>();
  /** Statements whose EXPLAIN failed, and why (the statement itself then ran as usual). */
  readonly failures = new Map<string, string>();
  #n = 0;

  reset(): void {
    this.reads.clear();
    this.failures.clear();
  }

  async #explain(tx: Queryable, sql: string, params: readonly unknown[] | undefined): Promise<void> {
    const name = `hot_path_${++this.#n}`;
    await tx.query('SAVEPOINT hot_path_explain');
    let prepared = false;
    try {
      let r: QueryResult<Record<string, unknown>>;
      if (this.mode === 'generic') {
        await tx.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
        await tx.query(`PREPARE ${name} AS ${sql}`);
        prepared = true;
        const args = (params ?? []).map(literal).join(', ');
        r = await tx.query(
          `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE ${name}${args !== '' ? `(${args})` : ''}`,
        );
      } else {
        r = await tx.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params);
      }
      const cell = Object.values(r.rows[0]!)[0];
      const doc = (typeof cell === 'string' ? JSON.parse(cell) : cell) as { Plan: PlanNode }[];
      const plan = doc[0]!.Plan;
      const scans = scansOf(plan);
      const rows = scans.reduce((n, s) => n + s.rows, 0);
      const buffers = (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
      const batch = Math.max(1, ...(params ?? []).map((p) => (Array.isArray(p) ? p.length : 1)));
      const key = sql.replace(/\s+/g, ' ').trim();
      const seen = this.reads.get(key);
      if (seen === undefined) {
        this.reads.set(key, { sql: key, calls: 1, maxRows: rows, buffers, batch, scans });
      } else {
        seen.calls++;
        if (rows / batch > seen.maxRows / seen.batch) {
          Object.assign(seen, { maxRows: rows, buffers, batch, scans });
        }
      }
    } catch (err) {
      this.failures.set(sql.replace(/\s+/g, ' ').trim(), String(err));
    } finally {
      await tx.query('ROLLBACK TO SAVEPOINT hot_path_explain');
      await tx.query('RELEASE SAVEPOINT hot_path_explain');
      if (prepared) {
        await tx.query(`DEALLOCATE ${name}`).catch(() => undefined);
      }
    }
  }

  instrument(tx: Queryable): Queryable {
    return {
      query: async <R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
        if (this.active && explainable(sql)) {
          await this.#explain(tx, sql, params);
        }
        return tx.query<R>(sql, params);
      },
    };
  }

  /** The same database, every statement explained first (see above). */
  wrap(db: Database): Database {
    const self: Database = {
      engine: db.engine,
      // A statement outside a transaction runs in one of its own, so the savepoint has a home.
      query: (sql, params) => db.transaction((tx) => this.instrument(tx).query(sql, params)),
      transaction: (fn) => db.transaction((tx) => fn(this.instrument(tx))),
      exec: (sql) => db.exec(sql),
      close: () => db.close(),
      forAuthority: (authority) => this.wrap(db.forAuthority(authority)),
    };
    return self;
  }
}
