/**
 * SQL for filings, their consignments and versions, and the outbox (intake's storage adapter).
 * Every query is scoped by authority; the caller passes the transaction to run in.
 */
import type { Transport } from '../domain/index.ts';
import type { Queryable } from '../store/database.ts';

export type FilingStatus = 'registered' | 'incomplete' | 'invalidated';

export interface FilingRow {
  readonly mrn: string;
  readonly authority: string;
  readonly filer: string;
  readonly lrn: string;
  readonly filing_type: string;
  readonly part: 'complete' | 'master' | 'house' | 'pre-loading' | 'complement';
  readonly mode: string;
  readonly declarant_eori: string;
  readonly carrier_eori: string | null;
  readonly office_of_first_entry: string;
  readonly status: FilingStatus;
  readonly version: number;
  readonly body: unknown;
  readonly warnings: unknown;
  readonly lodged_at: Date;
  readonly updated_at: Date;
  readonly invalidated_at: Date | null;
  readonly invalidation_reason: string | null;
}

export interface ConsignmentRow {
  readonly mrn: string;
  readonly seq: number;
  readonly doc_type: string;
  readonly doc_ref: string;
  readonly master_doc_ref: string | null;
  readonly master_mrn: string | null;
  readonly master_seq: number | null;
  readonly complete: boolean;
  /** The filer of the master filing this house consignment is linked to (consignmentsOf only). */
  readonly master_filer?: string | null;
}

export interface NewFiling {
  readonly mrn: string;
  readonly authority: string;
  readonly filer: string;
  readonly lrn: string;
  readonly filingType: string;
  readonly part: 'complete' | 'master' | 'house' | 'pre-loading' | 'complement';
  readonly mode: string;
  readonly declarantEori: string;
  readonly carrierEori: string | undefined;
  readonly office: string;
  readonly status: FilingStatus;
  readonly body: unknown;
  readonly warnings: unknown;
  readonly at: Date;
}

export interface NewConsignment {
  readonly seq: number;
  readonly docType: string;
  readonly docRef: string;
  readonly masterDocRef: string | undefined;
  readonly complete: boolean;
}

export interface FilingQuery {
  readonly authority: string;
  readonly filer?: string | undefined;
  readonly lrn?: string | undefined;
  readonly status?: FilingStatus | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly after?: { readonly lodgedAt: Date; readonly mrn: string } | undefined;
  readonly limit: number;
}

const FILING_COLUMNS = `mrn, authority, filer, lrn, filing_type, part, mode, declarant_eori, carrier_eori,
  office_of_first_entry, status, version, body, warnings, lodged_at, updated_at, invalidated_at, invalidation_reason`;

/**
 * For the rest of a linking transaction (its own, short): rows are found by key, one index probe per
 * key. A join of a key list with consignment can otherwise be planned as a hash join over a scan of
 * the table while it is small or has no statistics, and the locks would then be taken table-wide.
 */
const PROBE_ONLY = `SELECT set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true),
  set_config('enable_mergejoin', 'off', true)`;

export class FilingRepository {
  /**
   * Group commit: many complete filings in one statement (filings, their consignments and outbox
   * events from arrays). Returns the MRNs inserted; a filing whose (authority, filer, lrn) exists is
   * left out, as in `insertFiling`.
   */
  async insertFilings(
    tx: Queryable,
    items: readonly { filing: NewFiling; consignments: readonly NewConsignment[]; readyEvent: unknown }[],
  ): Promise<Set<string>> {
    const cons = items.flatMap((i) =>
      i.consignments.map((c) => ({
        mrn: i.filing.mrn,
        authority: i.filing.authority,
        carrier: i.filing.carrierEori ?? null,
        c,
      })),
    );
    const events = items.filter((i) => i.readyEvent !== undefined);
    const r = await tx.query<{ mrn: string }>(
      `WITH f AS (
         INSERT INTO filing (mrn, authority, filer, lrn, filing_type, part, mode, declarant_eori, carrier_eori,
           office_of_first_entry, status, version, body, warnings, lodged_at, updated_at)
         SELECT u.mrn, u.authority, u.filer, u.lrn, u.filing_type, u.part, u.mode, u.declarant, u.carrier, u.office,
           u.status, 1, u.body::jsonb, u.warnings::jsonb, u.at, u.at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::timestamptz[])
           AS u(mrn, authority, filer, lrn, filing_type, part, mode, declarant, carrier, office, status, body, warnings, at)
         ON CONFLICT (authority, filer, lrn) DO NOTHING
         RETURNING mrn
       ), c AS (
         INSERT INTO consignment (mrn, seq, authority, carrier_eori, doc_type, doc_ref, master_doc_ref, complete)
         SELECT u.mrn, u.s, u.a, u.ce, u.t, u.r, u.m, u.c
         FROM unnest($15::text[], $16::int[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::boolean[])
           AS u(mrn, s, a, ce, t, r, m, c)
         JOIN f ON f.mrn = u.mrn
       ), o AS (
         INSERT INTO outbox (authority, topic, key, payload)
         SELECT u.a, 'filing.ready', u.mrn, u.p::jsonb
         FROM unnest($23::text[], $24::text[], $25::text[]) AS u(mrn, a, p)
         JOIN f ON f.mrn = u.mrn
       )
       SELECT mrn FROM f`,
      [
        items.map((i) => i.filing.mrn),
        items.map((i) => i.filing.authority),
        items.map((i) => i.filing.filer),
        items.map((i) => i.filing.lrn),
        items.map((i) => i.filing.filingType),
        items.map((i) => i.filing.part),
        items.map((i) => i.filing.mode),
        items.map((i) => i.filing.declarantEori),
        items.map((i) => i.filing.carrierEori ?? null),
        items.map((i) => i.filing.office),
        items.map((i) => i.filing.status),
        items.map((i) => JSON.stringify(i.filing.body)),
        items.map((i) => JSON.stringify(i.filing.warnings)),
        items.map((i) => i.filing.at),
        cons.map((x) => x.mrn),
        cons.map((x) => x.c.seq),
        cons.map((x) => x.authority),
        cons.map((x) => x.carrier),
        cons.map((x) => x.c.docType),
        cons.map((x) => x.c.docRef),
        cons.map((x) => x.c.masterDocRef ?? null),
        cons.map((x) => x.c.complete),
        events.map((i) => i.filing.mrn),
        events.map((i) => i.filing.authority),
        events.map((i) => JSON.stringify(i.readyEvent)),
      ],
    );
    return new Set(r.rows.map((x) => x.mrn));
  }

  async findByLrn(
    tx: Queryable,
    authority: string,
    filer: string,
    lrn: string,
  ): Promise<FilingRow | undefined> {
    const r = await tx.query<FilingRow>(
      `SELECT ${FILING_COLUMNS} FROM filing WHERE authority = $1 AND filer = $2 AND lrn = $3`,
      [authority, filer, lrn],
    );
    return r.rows[0];
  }

  async findByMrn(
    tx: Queryable,
    authority: string,
    mrn: string,
    forUpdate = false,
  ): Promise<FilingRow | undefined> {
    const r = await tx.query<FilingRow>(
      `SELECT ${FILING_COLUMNS} FROM filing WHERE authority = $1 AND mrn = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [authority, mrn],
    );
    return r.rows[0];
  }

  /** Several filings by MRN (the worker's batch); those of other authorities are not found. */
  async findByMrns(tx: Queryable, authority: string, mrns: readonly string[]): Promise<FilingRow[]> {
    if (mrns.length === 0) {
      return [];
    }
    // One primary-key probe per MRN (LATERAL): with a list, a table without statistics can be
    // planned as a scan of the authority's filings with the MRNs as a filter.
    const r = await tx.query<FilingRow>(
      `SELECT f.* FROM unnest($2::text[]) AS u(mrn)
       CROSS JOIN LATERAL (SELECT ${FILING_COLUMNS} FROM filing WHERE mrn = u.mrn AND authority = $1 LIMIT 1) f`,
      [authority, [...new Set(mrns)]],
    );
    return r.rows;
  }

  /**
   * The transport of the master each of these house filings is linked to (by its first linked
   * consignment), read from the master's body without reading the rest of it.
   */
  async masterTransportsOf(tx: Queryable, mrns: readonly string[]): Promise<Map<string, Transport>> {
    if (mrns.length === 0) {
      return new Map();
    }
    const r = await tx.query<{ mrn: string; transport: Transport | null }>(
      `SELECT u.mrn, t.transport FROM unnest($1::text[]) AS u(mrn)
       CROSS JOIN LATERAL (
         SELECT m.body->'transport' AS transport
         FROM consignment c JOIN filing m ON m.mrn = c.master_mrn
         WHERE c.mrn = u.mrn AND c.master_mrn IS NOT NULL
         ORDER BY c.seq LIMIT 1
       ) t`,
      [mrns],
    );
    return new Map(r.rows.flatMap((x) => (x.transport !== null ? [[x.mrn, x.transport] as const] : [])));
  }

  async consignmentsOf(tx: Queryable, mrns: readonly string[]): Promise<ConsignmentRow[]> {
    const r = await tx.query<ConsignmentRow>(
      `SELECT c.mrn, c.seq, c.doc_type, c.doc_ref, c.master_doc_ref, c.master_mrn, c.master_seq, c.complete,
         m.filer AS master_filer
       FROM consignment c LEFT JOIN filing m ON m.mrn = c.master_mrn
       WHERE c.mrn = ANY($1::text[]) ORDER BY c.mrn, c.seq`,
      [mrns],
    );
    return r.rows;
  }

  /** The filings whose consignments are linked to one of `mrn`'s (a master's houses, a complement's sets). */
  async linkedToPart(q: Queryable, mrn: string): Promise<string[]> {
    const r = await q.query<{ mrn: string }>(
      `SELECT DISTINCT mrn FROM consignment WHERE master_mrn = $1 AND mrn <> $1 ORDER BY mrn`,
      [mrn],
    );
    return r.rows.map((x) => x.mrn);
  }

  /**
   * For master parts (the group commit's batch, or one whose filer just consented to others): the
   * house consignments of the carrier still waiting for one of their documents, lodged by the
   * master's own filer or by a filer it consented to (`filing_link_consent`). Each row names the
   * master it waits for.
   */
  async waitingHousesMany(
    q: Queryable,
    authority: string,
    wanted: readonly { master: string; filer: string; carrierEori: string; docRef: string }[],
  ): Promise<(ConsignmentRow & { filer: string; for_master: string })[]> {
    if (wanted.length === 0) {
      return [];
    }
    const r = await q.query<ConsignmentRow & { filer: string; for_master: string }>(
      // Per document asked, a probe of consignment_by_master_doc (LATERAL): the plan is a lookup
      // per document, never a scan of the carrier's or the filer's history.
      `SELECT h.*, u.master AS for_master
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(master, mfiler, carrier, ref)
       CROSS JOIN LATERAL (
         SELECT c.mrn, c.seq, c.doc_type, c.doc_ref, c.master_doc_ref, c.master_mrn, c.master_seq, c.complete, f.filer
         FROM consignment c JOIN filing f ON f.mrn = c.mrn
         WHERE c.authority = $1 AND c.carrier_eori = u.carrier AND c.master_doc_ref = u.ref
           AND c.master_mrn IS NULL AND c.mrn <> u.master AND f.status <> 'invalidated'
           AND (f.filer = u.mfiler OR EXISTS (SELECT 1 FROM filing_link_consent k
                                              WHERE k.master_mrn = u.master AND k.house_filer = f.filer))
       ) h`,
      [
        authority,
        wanted.map((w) => w.master),
        wanted.map((w) => w.filer),
        wanted.map((w) => w.carrierEori),
        wanted.map((w) => w.docRef),
      ],
    );
    return r.rows;
  }

  /**
   * For many new house parts at once: the master consignments of the carrier under each master
   * document that the house's filer may link to — lodged by that same filer, or by one that
   * consented to it. Another filer's master is never found otherwise, so naming its carrier EORI and
   * document reference learns nothing. Each row names the house filing it was found for.
   */
  async findMastersMany(
    q: Queryable,
    authority: string,
    wanted: readonly { house: string; filer: string; carrierEori: string; docRef: string }[],
  ): Promise<(ConsignmentRow & { filer: string; for_house: string })[]> {
    if (wanted.length === 0) {
      return [];
    }
    const r = await q.query<ConsignmentRow & { filer: string; for_house: string }>(
      // Per document asked, a probe of consignment_by_doc (LATERAL), as in waitingHousesMany.
      `SELECT m.*, u.house AS for_house
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(house, hfiler, carrier, ref)
       CROSS JOIN LATERAL (
         SELECT c.mrn, c.seq, c.doc_type, c.doc_ref, c.master_doc_ref, c.master_mrn, c.master_seq, c.complete, f.filer
         FROM consignment c JOIN filing f ON f.mrn = c.mrn
         WHERE c.authority = $1 AND c.carrier_eori = u.carrier AND c.doc_ref = u.ref
           AND f.part = 'master' AND f.status <> 'invalidated'
           AND (f.filer = u.hfiler OR EXISTS (SELECT 1 FROM filing_link_consent k
                                              WHERE k.master_mrn = c.mrn AND k.house_filer = u.hfiler))
       ) m`,
      [
        authority,
        wanted.map((w) => w.house),
        wanted.map((w) => w.filer),
        wanted.map((w) => w.carrierEori),
        wanted.map((w) => w.docRef),
      ],
    );
    return r.rows;
  }

  /** The previous documents named by many complements (the group commit's batch). */
  async insertPreviousDocumentsMany(
    tx: Queryable,
    authority: string,
    rows: readonly { mrn: string; ref: string }[],
  ): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO filing_previous_document (mrn, ref, authority)
       SELECT u.m, u.r, $1 FROM unnest($2::text[], $3::text[]) AS u(m, r) ON CONFLICT DO NOTHING`,
      [authority, rows.map((r) => r.mrn), rows.map((r) => r.ref)],
    );
  }

  /**
   * For many complements at once: the consignments of 7+1 pre-loading sets under each house document
   * named, not yet completed, that the complement's filer may complete (lodged by that filer, or by a
   * filer who consented to it), earliest first. One index probe per document (LATERAL).
   */
  async findPreloadingSetsMany(
    q: Queryable,
    authority: string,
    wanted: readonly { complement: string; filer: string; ref: string }[],
  ): Promise<{ mrn: string; seq: number; doc_ref: string; filer: string; for_complement: string }[]> {
    if (wanted.length === 0) {
      return [];
    }
    const r = await q.query<{
      mrn: string;
      seq: number;
      doc_ref: string;
      filer: string;
      for_complement: string;
    }>(
      `SELECT s.mrn, s.seq, s.doc_ref, s.filer, u.complement AS for_complement
       FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(complement, cfiler, ref, n)
       CROSS JOIN LATERAL (
         SELECT c.mrn, c.seq, c.doc_ref, f.filer, f.lodged_at
         FROM consignment c JOIN filing f ON f.mrn = c.mrn
         WHERE c.doc_ref = u.ref AND c.authority = $1 AND c.master_mrn IS NULL
           AND f.part = 'pre-loading' AND f.status <> 'invalidated'
           AND (f.filer = u.cfiler OR EXISTS (SELECT 1 FROM filing_link_consent k
                                              WHERE k.master_mrn = c.mrn AND k.house_filer = u.cfiler))
       ) s
       ORDER BY u.n, s.lodged_at, s.mrn, s.seq`,
      [authority, wanted.map((w) => w.complement), wanted.map((w) => w.filer), wanted.map((w) => w.ref)],
    );
    return r.rows;
  }

  /**
   * For many new pre-loading sets at once: the complements waiting for one of their house documents
   * that each set may complete (lodged by the set's filer, or by a filer it consented to), earliest
   * first. One index probe per document (LATERAL).
   */
  async waitingComplementsMany(
    q: Queryable,
    authority: string,
    wanted: readonly { set: string; filer: string; ref: string }[],
  ): Promise<{ mrn: string; ref: string; filer: string; doc_ref: string; for_set: string }[]> {
    if (wanted.length === 0) {
      return [];
    }
    const r = await q.query<{ mrn: string; ref: string; filer: string; doc_ref: string; for_set: string }>(
      `SELECT w.mrn, w.ref, w.filer, w.doc_ref, u.set AS for_set
       FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(set, sfiler, ref, n)
       CROSS JOIN LATERAL (
         SELECT p.mrn, p.ref, f.filer, c.doc_ref, f.lodged_at
         FROM filing_previous_document p JOIN filing f ON f.mrn = p.mrn
           JOIN consignment c ON c.mrn = p.mrn AND c.seq = 0
         WHERE p.authority = $1 AND p.ref = u.ref AND p.set_mrn IS NULL
           AND f.part = 'complement' AND f.status <> 'invalidated'
           AND (f.filer = u.sfiler OR EXISTS (SELECT 1 FROM filing_link_consent k
                                              WHERE k.master_mrn = u.set AND k.house_filer = f.filer))
       ) w
       ORDER BY u.n, w.lodged_at, w.mrn`,
      [authority, wanted.map((w) => w.set), wanted.map((w) => w.filer), wanted.map((w) => w.ref)],
    );
    return r.rows;
  }

  /**
   * Completes pre-loading sets' consignments with complements (many at once): the complement's
   * transport document (the master air waybill) becomes the set consignment's master document, and
   * the complement's previous document records the set. Returns the set consignments (`mrn/seq`) now
   * completed by the complement asked for, including those a concurrent link had already completed
   * by it. Both sides may link at once, so the rows are locked first in one order for every
   * transaction (set consignments, then previous documents), and a previous document is recorded
   * only with the consignment it completed.
   */
  async linkPreloadingMany(
    tx: Queryable,
    pairs: readonly {
      set: { mrn: string; seq: number };
      complement: { mrn: string; docRef: string; ref: string };
    }[],
  ): Promise<Set<string>> {
    if (pairs.length === 0) {
      return new Set();
    }
    const params = [
      pairs.map((p) => p.set.mrn),
      pairs.map((p) => p.set.seq),
      pairs.map((p) => p.complement.mrn),
      pairs.map((p) => p.complement.docRef),
      pairs.map((p) => p.complement.ref),
    ];
    await tx.query(PROBE_ONLY);
    await tx.query(
      `SELECT 1 FROM (SELECT DISTINCT sm, ss FROM unnest($1::text[], $2::int[]) AS u(sm, ss)) k
       JOIN consignment c ON c.mrn = k.sm AND c.seq = k.ss
       WHERE c.master_mrn IS NULL
       ORDER BY c.mrn, c.seq FOR UPDATE OF c`,
      [params[0], params[1]],
    );
    await tx.query(
      `SELECT 1 FROM (SELECT DISTINCT cm, r FROM unnest($1::text[], $2::text[]) AS u(cm, r)) k
       JOIN filing_previous_document d ON d.mrn = k.cm AND d.ref = k.r
       WHERE d.set_mrn IS NULL
       ORDER BY d.mrn, d.ref FOR UPDATE OF d`,
      [params[2], params[4]],
    );
    const r = await tx.query<{ mrn: string; seq: number }>(
      `WITH u AS (
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[]) AS u(sm, ss, cm, cd, r)
       ), s AS (
         UPDATE consignment c SET master_doc_ref = u.cd, master_mrn = u.cm, master_seq = 0, complete = true
         FROM u WHERE c.mrn = u.sm AND c.seq = u.ss AND c.master_mrn IS NULL
         RETURNING c.mrn, c.seq, c.master_mrn
       ), p AS (
         UPDATE filing_previous_document d SET set_mrn = u.sm, set_seq = u.ss
         FROM u JOIN s ON s.mrn = u.sm AND s.seq = u.ss AND s.master_mrn = u.cm
         WHERE d.mrn = u.cm AND d.ref = u.r AND d.set_mrn IS NULL
       )
       SELECT mrn, seq FROM s
       UNION
       SELECT c.mrn, c.seq FROM consignment c JOIN u ON c.mrn = u.sm AND c.seq = u.ss
       WHERE c.master_mrn = u.cm`,
      params,
    );
    return new Set(r.rows.map((x) => `${x.mrn}/${x.seq}`));
  }

  /**
   * Registers the complements whose previous documents are all linked (no assessment event: the risk
   * analysis was done on the pre-loading set, whose data the complement does not change); returns them.
   */
  async promoteComplements(tx: Queryable, mrns: readonly string[], at: Date): Promise<string[]> {
    if (mrns.length === 0) {
      return [];
    }
    // One statement, the filings locked in MRN order first (two links completing one complement at
    // once never wait for each other); run after the links committed (see registerCompleted).
    const r = await tx.query<{ mrn: string }>(
      `WITH l AS MATERIALIZED (
         SELECT x.mrn FROM unnest($1::text[]) AS u(mrn)
         CROSS JOIN LATERAL (SELECT mrn FROM filing
                             WHERE mrn = u.mrn AND part = 'complement' AND status = 'incomplete' FOR UPDATE) x
       ), p AS (
         UPDATE filing f SET status = 'registered', updated_at = $2
         FROM l
         WHERE f.mrn = l.mrn AND f.status = 'incomplete'
           AND NOT EXISTS (SELECT 1 FROM filing_previous_document p WHERE p.mrn = f.mrn AND p.set_mrn IS NULL)
         RETURNING f.mrn
       ), c AS (
         UPDATE consignment SET complete = true FROM p WHERE consignment.mrn = p.mrn
       )
       SELECT mrn FROM p`,
      [[...new Set(mrns)].sort(), at],
    );
    return r.rows.map((x) => x.mrn);
  }

  /**
   * Undoes the 7+1 links of an invalidated pre-loading set: the complements that named its house
   * documents refer to nothing valid any more, so their previous documents are unlinked and a
   * registered complement goes back to incomplete, waiting for a new set under that house document
   * (which links it as before). The set's own consignments lose their master document. Returns the
   * complements that went back to incomplete.
   */
  async unlinkPreloadingSet(tx: Queryable, setMrn: string, at: Date): Promise<string[]> {
    const unlinked = await tx.query<{ mrn: string }>(
      `UPDATE filing_previous_document SET set_mrn = NULL, set_seq = NULL WHERE set_mrn = $1 RETURNING mrn`,
      [setMrn],
    );
    await tx.query(
      `UPDATE consignment SET master_doc_ref = NULL, master_mrn = NULL, master_seq = NULL, complete = false
       WHERE mrn = $1 AND master_mrn IS NOT NULL`,
      [setMrn],
    );
    const complements = [...new Set(unlinked.rows.map((x) => x.mrn))];
    if (complements.length === 0) {
      return [];
    }
    const r = await tx.query<{ mrn: string }>(
      `UPDATE filing SET status = 'incomplete', updated_at = $2
       WHERE mrn = ANY($1::text[]) AND part = 'complement' AND status = 'registered'
       RETURNING mrn`,
      [complements, at],
    );
    const back = r.rows.map((x) => x.mrn);
    if (back.length > 0) {
      await tx.query(`UPDATE consignment SET complete = false WHERE mrn = ANY($1::text[])`, [back]);
    }
    return back;
  }

  /**
   * Undoes the links other filings have to an invalidated part: the houses (F14/F15) of a maritime
   * master (F12), the buyer/seller complement (F16) of a partial straight bill of lading (F13), the
   * 7+1 pre-loading sets an air complement (F25) completed. Their consignments lose the link and wait
   * again for a part under the same document, which links them as before: a house or complement goes
   * back to incomplete (and is assessed again once linked); a pre-loading set, assessed at lodging,
   * stays registered and loses the master document the complement gave it. The complement's previous
   * documents are unlinked too. Returns the filings whose consignments were unlinked.
   */
  async unlinkFromPart(tx: Queryable, partMrn: string, at: Date): Promise<string[]> {
    const r = await tx.query<{ mrn: string }>(
      `WITH l AS (
         UPDATE consignment c
         SET master_mrn = NULL, master_seq = NULL, complete = false,
             master_doc_ref = CASE WHEN f.part = 'pre-loading' THEN NULL ELSE c.master_doc_ref END
         FROM filing f
         WHERE c.master_mrn = $1 AND c.mrn <> $1 AND f.mrn = c.mrn
         RETURNING c.mrn
       ), w AS (
         UPDATE filing f SET status = 'incomplete', updated_at = $2
         FROM (SELECT DISTINCT mrn FROM l) x
         WHERE f.mrn = x.mrn AND f.part IN ('house', 'complement') AND f.status = 'registered'
       ), d AS (
         UPDATE filing_previous_document SET set_mrn = NULL, set_seq = NULL
         WHERE mrn = $1 AND set_mrn IS NOT NULL
       )
       SELECT DISTINCT mrn FROM l ORDER BY mrn`,
      [partMrn, at],
    );
    return r.rows.map((x) => x.mrn);
  }

  /** Records that a master's filer accepts house filings of these filers; returns those newly added. */
  async insertLinkConsents(
    tx: Queryable,
    authority: string,
    masterMrn: string,
    houseFilers: readonly string[],
    by: string,
    at: Date,
  ): Promise<string[]> {
    const r = await tx.query<{ house_filer: string }>(
      `INSERT INTO filing_link_consent (authority, master_mrn, house_filer, granted_by, granted_at)
       SELECT $1, $2, u.f, $4, $5 FROM unnest($3::text[]) AS u(f)
       ON CONFLICT (master_mrn, house_filer) DO NOTHING
       RETURNING house_filer`,
      [authority, masterMrn, houseFilers, by, at],
    );
    return r.rows.map((x) => x.house_filer);
  }

  async linkConsentsOf(tx: Queryable, authority: string, masterMrn: string): Promise<string[]> {
    const r = await tx.query<{ house_filer: string }>(
      `SELECT house_filer FROM filing_link_consent WHERE authority = $1 AND master_mrn = $2 ORDER BY house_filer`,
      [authority, masterMrn],
    );
    return r.rows.map((x) => x.house_filer);
  }

  /**
   * Links house consignments to master consignments and marks both complete; returns the houses
   * (`mrn/seq`) now linked to the master asked for, including those a concurrent link had already
   * linked to it. A house linked to another master is left as it is. Both sides of a link may run at
   * once (a master and its house lodged together), so the rows are locked first, in one order for
   * every transaction (a house still unlinked, a master consignment not yet complete), and no two
   * transactions can wait for each other.
   */
  async linkHouses(
    tx: Queryable,
    pairs: readonly { house: { mrn: string; seq: number }; master: { mrn: string; seq: number } }[],
  ): Promise<Set<string>> {
    if (pairs.length === 0) {
      return new Set();
    }
    const params = [
      pairs.map((p) => p.house.mrn),
      pairs.map((p) => p.house.seq),
      pairs.map((p) => p.master.mrn),
      pairs.map((p) => p.master.seq),
    ];
    await tx.query(PROBE_ONLY);
    await tx.query(
      `SELECT 1 FROM (SELECT h.m, h.s, true AS house FROM unnest($1::text[], $2::int[]) AS h(m, s)
                      UNION SELECT m.m, m.s, false FROM unnest($3::text[], $4::int[]) AS m(m, s)) k
       JOIN consignment c ON c.mrn = k.m AND c.seq = k.s
       WHERE (k.house AND c.master_mrn IS NULL) OR (NOT k.house AND NOT c.complete)
       ORDER BY c.mrn, c.seq
       FOR UPDATE OF c`,
      params,
    );
    const r = await tx.query<{ mrn: string; seq: number }>(
      `WITH u AS (
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::int[]) AS u(hm, hs, mm, ms)
       ), h AS (
         UPDATE consignment c SET master_mrn = u.mm, master_seq = u.ms, complete = true
         FROM u WHERE c.mrn = u.hm AND c.seq = u.hs AND c.master_mrn IS NULL
         RETURNING c.mrn, c.seq, c.master_mrn, c.master_seq
       ), m AS (
         UPDATE consignment c SET complete = true
         FROM (SELECT DISTINCT master_mrn, master_seq FROM h) x
         WHERE c.mrn = x.master_mrn AND c.seq = x.master_seq AND NOT c.complete
       )
       SELECT mrn, seq FROM h
       UNION
       SELECT c.mrn, c.seq FROM consignment c JOIN u ON c.mrn = u.hm AND c.seq = u.hs
       WHERE c.master_mrn = u.mm AND c.master_seq = u.ms`,
      params,
    );
    return new Set(r.rows.map((x) => `${x.mrn}/${x.seq}`));
  }

  /**
   * Registers the filings among `mrns` whose consignments are now all complete and queues their
   * assessment (`filing.ready` in the outbox), in one statement; returns those that changed.
   */
  async registerCompleted(
    q: Queryable,
    mrns: readonly string[],
    at: Date,
  ): Promise<{ mrn: string; authority: string; version: number }[]> {
    const r = await q.query<{ mrn: string; authority: string; version: number }>(
      // The rows are locked in MRN order first: two registrations sharing filings (a master and
      // its houses) then never wait for each other.
      `WITH l AS MATERIALIZED (
         SELECT x.mrn FROM unnest($1::text[]) AS u(mrn)
         CROSS JOIN LATERAL (SELECT mrn FROM filing WHERE mrn = u.mrn AND status = 'incomplete' FOR UPDATE) x
       ), p AS (
         UPDATE filing f SET status = 'registered', updated_at = $2
         FROM l
         WHERE f.mrn = l.mrn AND f.status = 'incomplete'
           AND NOT EXISTS (SELECT 1 FROM consignment c WHERE c.mrn = f.mrn AND NOT c.complete)
         RETURNING f.mrn, f.authority, f.version
       ), o AS (
         INSERT INTO outbox (authority, topic, key, payload)
         SELECT p.authority, 'filing.ready', p.mrn,
                jsonb_build_object('mrn', p.mrn, 'authority', p.authority, 'version', p.version)
         FROM p
       )
       SELECT mrn, authority, version FROM p`,
      // Sorted: the probes, and so the locks, go in MRN order.
      [[...new Set(mrns)].sort(), at],
    );
    return r.rows;
  }

  /** Adds warnings to filings just stored (the registries' verdicts on their certificates). */
  async appendWarnings(
    tx: Queryable,
    authority: string,
    items: readonly { readonly mrn: string; readonly warnings: readonly unknown[] }[],
  ): Promise<void> {
    if (items.length === 0) {
      return;
    }
    await tx.query(
      `UPDATE filing f SET warnings = f.warnings || u.w::jsonb
       FROM unnest($2::text[], $3::text[]) AS u(mrn, w)
       WHERE f.mrn = u.mrn AND f.authority = $1`,
      [authority, items.map((i) => i.mrn), items.map((i) => JSON.stringify(i.warnings))],
    );
  }

  /** Replaces the current data; the superseded version is kept in filing_version. */
  async amend(
    tx: Queryable,
    mrn: string,
    authority: string,
    version: number,
    body: unknown,
    warnings: unknown,
    at: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO filing_version (mrn, version, authority, body, recorded_at)
       SELECT mrn, version, authority, body, updated_at FROM filing WHERE mrn = $1 AND authority = $2`,
      [mrn, authority],
    );
    await tx.query(
      `UPDATE filing SET body = $3, warnings = $4, version = $5, updated_at = $6 WHERE mrn = $1 AND authority = $2`,
      [mrn, authority, JSON.stringify(body), JSON.stringify(warnings), version, at],
    );
  }

  async invalidate(
    tx: Queryable,
    mrn: string,
    authority: string,
    reason: string | undefined,
    at: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE filing SET status = 'invalidated', invalidated_at = $3, invalidation_reason = $4, updated_at = $3
       WHERE mrn = $1 AND authority = $2`,
      [mrn, authority, at, reason ?? null],
    );
  }

  async list(tx: Queryable, q: FilingQuery): Promise<FilingRow[]> {
    const where: string[] = ['authority = $1'];
    const params: unknown[] = [q.authority];
    const add = (clause: (n: string) => string, value: unknown): void => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (q.filer !== undefined) {
      // In the collation of filing_by_filer (0019), which the LRN lookup must not find usable.
      add((p) => `filer COLLATE "C" = ${p}`, q.filer);
    }
    if (q.lrn !== undefined) {
      add((p) => `lrn = ${p}`, q.lrn);
    }
    if (q.status !== undefined) {
      add((p) => `status = ${p}`, q.status);
    }
    if (q.from !== undefined) {
      add((p) => `lodged_at >= ${p}`, q.from);
    }
    if (q.to !== undefined) {
      add((p) => `lodged_at < ${p}`, q.to);
    }
    if (q.after !== undefined) {
      params.push(q.after.lodgedAt, q.after.mrn);
      where.push(`(lodged_at, mrn) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(q.limit);
    const r = await tx.query<FilingRow>(
      `SELECT ${FILING_COLUMNS} FROM filing WHERE ${where.join(' AND ')}
       ORDER BY lodged_at DESC, mrn DESC LIMIT $${params.length}`,
      params,
    );
    return r.rows;
  }

  /** Authorities that have lodged filings (for jobs that run per authority). */
  async authoritiesWithFilings(tx: Queryable): Promise<string[]> {
    // One probe of filing_by_authority per authority (a loose index scan), not a scan of every filing.
    const r = await tx.query<{ authority: string }>(
      `WITH RECURSIVE a AS (
         (SELECT authority FROM filing ORDER BY authority LIMIT 1)
         UNION ALL
         SELECT (SELECT f.authority FROM filing f WHERE f.authority > a.authority ORDER BY f.authority LIMIT 1)
         FROM a WHERE a.authority IS NOT NULL
       )
       SELECT authority FROM a WHERE authority IS NOT NULL`,
    );
    return r.rows.map((x) => x.authority);
  }

  /** Goods lines of registered filings lodged in a period: the history statistics are learned from. */
  async goodsHistory(
    tx: Queryable,
    authority: string,
    from: Date,
    to: Date,
  ): Promise<
    { hs6: string; origin: string; amount: number; currency: string; mass: number; lodgedAt: Date }[]
  > {
    const r = await tx.query<{
      hs6: string;
      origin: string;
      amount: number;
      currency: string;
      mass: number;
      lodgedAt: Date;
    }>(
      `SELECT substr(g->>'hsCode', 1, 6) AS hs6, g->>'origin' AS origin, (g->'value'->>'amount')::float8 AS amount,
              g->'value'->>'currency' AS currency, (g->>'grossMassKg')::float8 AS mass, f.lodged_at AS "lodgedAt"
       FROM filing f, jsonb_array_elements(f.body->'consignments') c, jsonb_array_elements(c->'goods') g
       WHERE f.authority = $1 AND f.lodged_at >= $2 AND f.lodged_at < $3 AND f.status <> 'invalidated'
         AND g ? 'value' AND g ? 'origin'`,
      [authority, from, to],
    );
    return r.rows;
  }
}
