/**
 * A synthetic history written straight into the tables (server-side `INSERT … SELECT generate_series`,
 * no API, no round trip per row): filings with one consignment each, their assessments,
 * notifications, control tasks, processed outbox rows, operators, audit entries, unit-value
 * statistics and 7+1 previous documents, with the skew of real traffic — one carrier files most
 * consignments and one filer lodges most filings, so a lookup that reads "everything of this carrier"
 * reads most of the history. Used by the hot-path test (test/perf/hot-path-rows.test.ts) and by
 * `npm run bench:scale`. Nothing is analysed here: the caller decides.
 *
 * Every 20 filings: 10 complete (F10), 4 masters (F12), 4 houses (F15) linked to those masters (one
 * house in 1,000 still waits for its master), a 7+1 pre-loading set (F23) and its complement (F25).
 */
import type { Queryable } from '../../src/store/database.ts';

export interface HistoryOptions {
  /** Consignments (= filings) of history. */
  readonly consignments: number;
  /** Distinct operators (consignees/consignors) in the operator table. */
  readonly operators: number;
  /** The carrier (or the few carriers, in turn) that file most (80%) of the history. */
  readonly bigCarrier: string | readonly string[];
  /** The filer that lodges most (70%) of the history. */
  readonly bigFiler: string;
  readonly authority: string;
  /** The history ends here (its newest filing); it spans one second per filing before. */
  readonly endsAt: Date;
  /** A plausible filing body to store (its lrn is replaced); '{}' when omitted (a faster load). */
  readonly body?: unknown;
  /** Filings per INSERT statement (keeps each statement's memory bounded). */
  readonly chunk?: number;
  /** Told after each chunk (rows loaded so far). */
  readonly progress?: (done: number) => void;
}

/** Tables the history writes. */
export const HISTORY_TABLES = [
  'filing',
  'consignment',
  'assessment',
  'notification',
  'control_task',
  'outbox',
  'operator',
  'audit_log',
  'audit_pending',
  'unit_value_stats',
  'filing_previous_document',
  'filing_link_consent',
] as const;

/**
 * Keeps the history's tables unanalysed (their column statistics stay fresh) while autovacuum still
 * vacuums them, as it would between two analyses: auto-analyse is put out of reach.
 */
export async function holdAnalyze(db: Queryable): Promise<void> {
  for (const t of HISTORY_TABLES) {
    await db.query(
      `ALTER TABLE ${t} SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 2000000000)`,
    );
  }
}

/** Vacuums the queues (outbox, staged audit entries), as autovacuum does after their dead rows (0019). */
export async function vacuumQueues(db: Queryable): Promise<void> {
  await db.query(`VACUUM outbox, audit_pending`);
}

export async function analyseHistory(db: Queryable): Promise<void> {
  for (const t of HISTORY_TABLES) {
    await db.query(`ANALYZE ${t}`);
  }
}

/** The MRN of history filing `i` (18 characters, like a real one, never one the API makes). */
export const historyMrn = (i: number): string => `26NLH${String(i).padStart(13, '0')}`;

/** A SQL string literal (the history's values are ours; quoting keeps any of them safe). */
const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

export async function loadHistory(db: Queryable, o: HistoryOptions): Promise<void> {
  const chunk = o.chunk ?? 50_000;
  const n = o.consignments;
  const A = lit(o.authority);
  const end = `${lit(o.endsAt.toISOString())}::timestamptz`;
  const bigFiler = lit(o.bigFiler);
  // i → its kind within its block of 20; the expressions are shared by the statements below.
  const kind = `CASE WHEN i % 20 < 10 THEN 'complete' WHEN i % 20 < 14 THEN 'master' WHEN i % 20 < 18 THEN 'house'
                     WHEN i % 20 = 18 THEN 'pre-loading' ELSE 'complement' END`;
  const mrn = (x: string) => `'26NLH' || lpad((${x})::text, 13, '0')`;
  const big = typeof o.bigCarrier === 'string' ? [o.bigCarrier] : o.bigCarrier;
  const bigOne = `(ARRAY[${big.map(lit).join(', ')}])[1 + (i / 10) % ${big.length}]`;
  const carrier = `CASE WHEN i % 20 >= 18 THEN NULL WHEN i % 10 < 8 THEN ${bigOne}
                        ELSE 'DK' || lpad((i % 997)::text, 9, '0') END`;
  const filer = `CASE WHEN i % 10 < 7 THEN ${bigFiler} ELSE 'filer-' || (i % 500) END`;
  const waiting = `(i % 20 BETWEEN 14 AND 17 AND i % 1000 = 14)`;
  const status = `CASE WHEN ${waiting} THEN 'incomplete' WHEN i % 100 = 7 THEN 'invalidated' ELSE 'registered' END`;
  const at = `(${end} - (${n} - i) * interval '1 second')`;
  const outcome = `CASE WHEN i % 50 = 0 THEN 'control-recommended' ELSE 'release' END`;
  const assessed = `(${status}) = 'registered' AND i % 20 <> 19`;
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1);
    const range = `generate_series(${from}, ${to}) AS g(i)`;
    await db.query(
      `INSERT INTO filing (mrn, authority, filer, lrn, filing_type, part, mode, declarant_eori, carrier_eori,
         office_of_first_entry, status, version, body, warnings, lodged_at, updated_at)
       SELECT ${mrn('i')}, ${A}, ${filer}, 'HIST-' || i,
         CASE ${kind} WHEN 'complete' THEN 'F10' WHEN 'master' THEN 'F12' WHEN 'house' THEN 'F15'
                      WHEN 'pre-loading' THEN 'F23' ELSE 'F25' END,
         ${kind}, CASE WHEN i % 20 >= 18 THEN 'air' ELSE 'maritime' END, 'NL' || lpad((i % 5000)::text, 9, '0'),
         ${carrier}, 'NLRTM000', ${status}, 1, $1::jsonb || jsonb_build_object('lrn', 'HIST-' || i), '[]',
         ${at}, ${at}
       FROM ${range}`,
      [JSON.stringify(o.body ?? {})],
    );
    await db.query(
      `INSERT INTO consignment (mrn, seq, authority, carrier_eori, doc_type, doc_ref, master_doc_ref, master_mrn,
         master_seq, complete)
       SELECT ${mrn('i')}, 0, ${A}, ${carrier}, CASE WHEN i % 20 >= 18 THEN 'N740' ELSE 'N705' END,
         CASE WHEN i % 20 = 19 THEN 'M' ELSE 'D' END || i,
         CASE WHEN i % 20 BETWEEN 14 AND 17 THEN 'D' || (i - 4) WHEN i % 20 = 18 THEN 'M' || (i + 1) END,
         CASE WHEN ${waiting} THEN NULL WHEN i % 20 BETWEEN 14 AND 17 THEN ${mrn('i - 4')}
              WHEN i % 20 = 18 THEN ${mrn('i + 1')} END,
         CASE WHEN i % 20 BETWEEN 14 AND 18 AND NOT ${waiting} THEN 0 END,
         NOT ${waiting}
       FROM ${range}`,
    );
    await db.query(
      `INSERT INTO filing_previous_document (mrn, ref, authority, set_mrn, set_seq)
       SELECT ${mrn('i')}, 'D' || (i - 1), ${A}, ${mrn('i - 1')}, 0 FROM ${range} WHERE i % 20 = 19`,
    );
    // Other filers' masters accept the big filer's houses.
    await db.query(
      `INSERT INTO filing_link_consent (authority, master_mrn, house_filer, granted_by, granted_at)
       SELECT ${A}, ${mrn('i')}, ${bigFiler}, 'filer-' || (i % 500), ${end}
       FROM ${range} WHERE i % 20 BETWEEN 10 AND 13 AND i % 10 >= 7`,
    );
    await db.query(
      `INSERT INTO assessment (authority, mrn, version, seq, score, outcome_kind, outcome, hits, errors, random,
         model, assessed_at)
       SELECT ${A}, ${mrn('i')}, 1, 0, (i % 97)::float8, ${outcome},
         jsonb_build_object('kind', ${outcome}, 'reasons', '[]'::jsonb), '[]', '[]',
         jsonb_build_object('seedId', 'hist', 'draw', (i % 1000) / 1000.0), NULL, ${at} + interval '1 second'
       FROM ${range} WHERE ${assessed}`,
    );
    await db.query(
      `INSERT INTO notification (authority, filer, mrn, kind, payload, created_at)
       SELECT ${A}, ${filer}, ${mrn('i')}, 'outcome',
         jsonb_build_object('mrn', ${mrn('i')}, 'consignment', 0, 'version', 1,
                            'outcome', jsonb_build_object('kind', ${outcome})),
         ${at} + interval '1 second'
       FROM ${range} WHERE ${assessed}`,
    );
    await db.query(
      `INSERT INTO control_task (id, authority, mrn, version, seq, office, control_type, source, reason, rule_refs,
         status, due_at, created_at, updated_at, parties, operator_keys)
       SELECT 'hist-task-' || i, ${A}, ${mrn('i')}, 1, 0, 'NLRTM000', 'physical-check', 'risk', 'history', '[]',
         CASE WHEN i % 150 = 0 THEN 'open' ELSE 'done' END, ${at} + interval '2 days', ${at}, ${at}, '[]',
         ARRAY['eori:NL' || lpad((i % ${Math.max(1, o.operators)})::text, 9, '0')]
       FROM ${range} WHERE ${assessed} AND i % 50 = 0`,
    );
    // The history's outbox, every row processed; the newest chunk's rows by an UPDATE (dead tuples
    // behind the partial index of pending rows, as between two vacuums).
    const last = to === n;
    await db.query(
      `INSERT INTO outbox (authority, topic, key, payload, created_at, processed_at, attempts)
       SELECT ${A}, 'filing.ready', ${mrn('i')}, jsonb_build_object('mrn', ${mrn('i')}, 'authority', ${A}::text, 'version', 1),
         ${at}, ${last ? 'NULL' : `${at} + interval '1 second'`}, 1
       FROM ${range}`,
    );
    if (last) {
      await db.query(
        `UPDATE outbox SET processed_at = created_at + interval '1 second' WHERE processed_at IS NULL`,
      );
    }
    await db.query(
      `INSERT INTO audit_log (authority, seq, at, actor, action, subject, details, prev_hash, hash)
       SELECT ${A}, i, ${at}, 'filer:' || ${filer}, 'filing.registered', ${mrn('i')}, '{}'::jsonb,
         md5((i - 1)::text) || md5((i - 1)::text), md5(i::text) || md5(i::text)
       FROM ${range}`,
    );
    o.progress?.(to);
  }
  // Staged audit entries already chained: deleted rows (dead tuples) in the staging table.
  await db.query(
    `INSERT INTO audit_pending (authority, at, actor, action, subject, details)
     SELECT ${A}, ${end}, 'system:assessment', 'outcome.decided', ${mrn('i')}, '{}'::jsonb
     FROM generate_series(1, ${Math.min(n, 20_000)}) AS g(i)`,
  );
  await db.query(`DELETE FROM audit_pending`);
  await db.query(
    `INSERT INTO operator (authority, key, eori, name, first_seen, last_seen, filings, controls, irregularities, seizures)
     SELECT ${A}, 'eori:NL' || lpad(j::text, 9, '0'), 'NL' || lpad(j::text, 9, '0'), 'Operator ' || j,
       ${end} - interval '300 days', ${end} - (j % 300) * interval '1 day', 1 + j % 40, j % 5, j % 17 / 16, 0
     FROM generate_series(0, ${o.operators - 1}) AS g(j)`,
  );
  // The register of operators: the same operators, every third with an AEO authorisation, and a
  // larger register of another authority, which none of this authority's statements may read.
  await db.query(
    `INSERT INTO registered_operator (authority, eori, name, country, valid_from, version, updated_at)
     SELECT ${A}, 'NL' || lpad(j::text, 9, '0'), 'Operator ' || j, 'NL', date '2015-01-01', 1, ${end}
     FROM generate_series(0, ${o.operators - 1}) AS g(j)`,
  );
  await db.query(
    `INSERT INTO aeo_authorisation (authority, number, eori, type, status, status_from, valid_from, version, updated_at)
     SELECT ${A}, 'NLAEOF' || lpad(j::text, 10, '0'), 'NL' || lpad(j::text, 9, '0'), 'AEOF', 'valid',
       date '2019-01-01', date '2019-01-01', 1, ${end}
     FROM generate_series(0, ${o.operators - 1}, 3) AS g(j)`,
  );
  await db.query(
    `INSERT INTO registered_operator (authority, eori, name, country, valid_from, version, updated_at)
     SELECT 'ZZ', 'DE' || lpad(j::text, 12, '0'), 'Other register ' || j, 'DE', date '2015-01-01', 1, ${end}
     FROM generate_series(0, ${o.operators * 10 - 1}) AS g(j)`,
  );
  // Unit-value statistics: HS6 × origin cells (their number does not grow with history).
  await db.query(
    `INSERT INTO unit_value_stats (authority, hs6, origin, n, median, mad, refreshed_at)
     SELECT ${A}, lpad((100000 + j * 7)::text, 6, '0'), o, 50, 3.0, 0.4, ${end} - interval '1 day'
     FROM generate_series(0, 399) AS g(j), unnest(ARRAY['CN', 'US', 'IN', 'TR', 'VN']) AS u(o)`,
  );
}
