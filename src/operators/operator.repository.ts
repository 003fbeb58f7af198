/**
 * SQL of economic operators' profiles (table operator): when they were first and last seen, how many
 * filings, controls, irregularities and seizures. (Their AEO status is in the register:
 * operator-registry.repository.ts.) Every query is scoped by authority.
 */
import type { AeoGrant } from '../domain/index.ts';
import type { Queryable } from '../store/database.ts';
import { OperatorRegistryRepository } from './operator-registry.repository.ts';

export interface OperatorRow {
  key: string;
  first_seen: Date;
  last_seen: Date;
  filings: number;
  controls: number;
  irregularities: number;
  seizures: number;
}

export class OperatorRepository {
  readonly #registry = new OperatorRegistryRepository();

  /** The AEO statuses of these identification numbers (the register's published query). */
  async grants(tx: Queryable, authority: string, ids: readonly string[]): Promise<Map<string, AeoGrant[]>> {
    return this.#registry.grants(tx, authority, ids);
  }

  async operators(
    tx: Queryable,
    authority: string,
    keys: readonly string[],
  ): Promise<Map<string, OperatorRow>> {
    const r = await tx.query<OperatorRow>(
      // One primary-key probe per key (LATERAL): a batch names hundreds of keys, and a list that
      // long is planned as a scan of the table while it has no statistics.
      `SELECT o.* FROM unnest($2::text[]) AS u(key)
       CROSS JOIN LATERAL (SELECT key, first_seen, last_seen, filings, controls, irregularities, seizures
                           FROM operator WHERE key = u.key AND authority = $1 LIMIT 1) o`,
      [authority, keys],
    );
    return new Map(r.rows.map((o) => [o.key, o]));
  }

  /**
   * Records that these operators were seen: `count` filings each (once per assessed filing version 1;
   * the worker sums a batch's filings per operator, so a busy operator's row is written once per batch).
   */
  async touchOperators(
    tx: Queryable,
    authority: string,
    ops: readonly { key: string; eori: string | undefined; name: string; count?: number }[],
    at: Date,
  ): Promise<void> {
    if (ops.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO operator (authority, key, eori, name, first_seen, last_seen, filings)
       SELECT $1, k, e, n, $5, $5, c FROM unnest($2::text[], $3::text[], $4::text[], $6::int[]) AS u(k, e, n, c)
       -- One order for every transaction: concurrent assessments touching the same operators would
       -- otherwise lock their rows in different orders and deadlock.
       ORDER BY k
       ON CONFLICT (authority, key) DO UPDATE SET last_seen = GREATEST(operator.last_seen, EXCLUDED.last_seen),
         filings = operator.filings + EXCLUDED.filings`,
      [
        authority,
        ops.map((o) => o.key),
        ops.map((o) => o.eori ?? null),
        ops.map((o) => o.name),
        at,
        ops.map((o) => o.count ?? 1),
      ],
    );
  }

  /**
   * Takes each operator's lock for the rest of the transaction (in key order, so two transactions
   * cannot deadlock): two results recorded at once for one operator cannot overwrite each other's count.
   */
  async lock(tx: Queryable, authority: string, keys: readonly string[]): Promise<void> {
    for (const key of [...new Set(keys)].sort()) {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`operator/${authority}/${key}`]);
    }
  }

  /** Sets the compliance counters, creating an operator never seen before. */
  async setCompliance(
    tx: Queryable,
    authority: string,
    rows: readonly {
      key: string;
      name: string;
      eori?: string | undefined;
      controls: number;
      irregularities: number;
      seizures: number;
    }[],
    at: Date,
  ): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO operator (authority, key, eori, name, first_seen, last_seen, filings, controls, irregularities, seizures)
       SELECT $1, k, e, n, $2, $2, 0, c, i, s
       FROM unnest($3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[]) AS u(k, n, e, c, i, s)
       ON CONFLICT (authority, key) DO UPDATE SET controls = EXCLUDED.controls,
         irregularities = EXCLUDED.irregularities, seizures = EXCLUDED.seizures`,
      [
        authority,
        at,
        rows.map((r) => r.key),
        rows.map((r) => r.name),
        rows.map((r) => r.eori ?? null),
        rows.map((r) => r.controls),
        rows.map((r) => r.irregularities),
        rows.map((r) => r.seizures),
      ],
    );
  }
}
