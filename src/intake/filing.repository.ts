/**
 * SQL for filings, their consignments and versions, and the outbox (intake's storage adapter).
 * Every query is scoped by authority; the caller passes the transaction to run in.
 */
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

export class FilingRepository {
  /**
   * Inserts the filing, its consignments and (when `readyEvent`) its outbox event in one statement,
   * unless (authority, filer, lrn) exists; returns false when it did. One round trip and one write of
   * the body: registration's cost is mostly here.
   */
  async insertFiling(
    tx: Queryable,
    f: NewFiling,
    consignments: readonly NewConsignment[],
    readyEvent: unknown,
  ): Promise<boolean> {
    const r = await tx.query<{ mrn: string }>(
      `WITH f AS (
         INSERT INTO filing (mrn, authority, filer, lrn, filing_type, part, mode, declarant_eori, carrier_eori,
           office_of_first_entry, status, version, body, warnings, lodged_at, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,1,$12,$13,$14,$14)
         ON CONFLICT (authority, filer, lrn) DO NOTHING
         RETURNING mrn
       ), c AS (
         INSERT INTO consignment (mrn, seq, authority, carrier_eori, doc_type, doc_ref, master_doc_ref, complete)
         SELECT f.mrn, u.s, $2, $9, u.t, u.r, u.m, u.c
         FROM f, unnest($15::int[], $16::text[], $17::text[], $18::text[], $19::boolean[]) AS u(s, t, r, m, c)
       ), o AS (
         INSERT INTO outbox (authority, topic, key, payload)
         SELECT $2, 'filing.ready', f.mrn, $20::jsonb FROM f WHERE $20::jsonb IS NOT NULL
       )
       SELECT mrn FROM f`,
      [
        f.mrn,
        f.authority,
        f.filer,
        f.lrn,
        f.filingType,
        f.part,
        f.mode,
        f.declarantEori,
        f.carrierEori ?? null,
        f.office,
        f.status,
        JSON.stringify(f.body),
        JSON.stringify(f.warnings),
        f.at,
        consignments.map((c) => c.seq),
        consignments.map((c) => c.docType),
        consignments.map((c) => c.docRef),
        consignments.map((c) => c.masterDocRef ?? null),
        consignments.map((c) => c.complete),
        readyEvent === undefined ? null : JSON.stringify(readyEvent),
      ],
    );
    return r.rows.length > 0;
  }

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

  /**
   * Serialises linkage per master document of a carrier, so a master and its houses arriving together
   * always meet, while unrelated filings of the same carrier go side by side. Locks are taken in one
   * order (sorted) so two filings never wait for each other.
   */
  async lockDocuments(
    tx: Queryable,
    authority: string,
    carrierEori: string,
    refs: readonly string[],
  ): Promise<void> {
    await tx.query(
      `SELECT pg_advisory_xact_lock(hashtext(k)) FROM (SELECT DISTINCT k FROM unnest($1::text[]) AS u(k) ORDER BY k) s`,
      [refs.map((r) => `${authority}/${carrierEori}/${r}`)],
    );
  }

  /**
   * House consignments still waiting for a master document of this carrier, lodged by the master's
   * own filer or by a filer the master's filer consented to (`filing_link_consent`).
   */
  async waitingHouses(
    tx: Queryable,
    authority: string,
    carrierEori: string,
    masterDocRefs: readonly string[],
    master: { readonly mrn: string; readonly filer: string },
  ): Promise<(ConsignmentRow & { filer: string })[]> {
    const r = await tx.query<ConsignmentRow & { filer: string }>(
      `SELECT c.mrn, c.seq, c.doc_type, c.doc_ref, c.master_doc_ref, c.master_mrn, c.master_seq, c.complete, f.filer
       FROM consignment c JOIN filing f ON f.mrn = c.mrn
       WHERE c.authority = $1 AND c.carrier_eori = $2 AND c.master_doc_ref = ANY($3::text[])
         AND c.master_mrn IS NULL AND f.status <> 'invalidated'
         AND (f.filer = $5 OR EXISTS (SELECT 1 FROM filing_link_consent k
                                      WHERE k.master_mrn = $4 AND k.house_filer = f.filer))`,
      [authority, carrierEori, masterDocRefs, master.mrn, master.filer],
    );
    return r.rows;
  }

  /**
   * Master consignments of this carrier with these documents that a house of `houseFiler` may link
   * to: lodged by that same filer, or by one that consented to it. Another filer's master is never
   * found otherwise, so naming its carrier EORI and document reference learns nothing.
   */
  async findMasters(
    tx: Queryable,
    authority: string,
    carrierEori: string,
    docRefs: readonly string[],
    houseFiler: string,
  ): Promise<(ConsignmentRow & { filer: string })[]> {
    const r = await tx.query<ConsignmentRow & { filer: string }>(
      `SELECT c.mrn, c.seq, c.doc_type, c.doc_ref, c.master_doc_ref, c.master_mrn, c.master_seq, c.complete, f.filer
       FROM consignment c JOIN filing f ON f.mrn = c.mrn
       WHERE c.authority = $1 AND c.carrier_eori = $2 AND c.doc_ref = ANY($3::text[])
         AND f.part = 'master' AND f.status <> 'invalidated'
         AND (f.filer = $4 OR EXISTS (SELECT 1 FROM filing_link_consent k
                                      WHERE k.master_mrn = c.mrn AND k.house_filer = $4))`,
      [authority, carrierEori, docRefs, houseFiler],
    );
    return r.rows;
  }

  /** Records the previous documents (keys) a complement names; they wait for their pre-loading set. */
  async insertPreviousDocuments(
    tx: Queryable,
    authority: string,
    mrn: string,
    refs: readonly string[],
  ): Promise<void> {
    await tx.query(
      `INSERT INTO filing_previous_document (mrn, ref, authority)
       SELECT $2, u.r, $1 FROM unnest($3::text[]) AS u(r) ON CONFLICT DO NOTHING`,
      [authority, mrn, refs],
    );
  }

  /**
   * Consignments of 7+1 pre-loading sets with these house documents, not yet completed, that a
   * complement of `complementFiler` may complete: lodged by that filer, or by a filer who consented to
   * it (`filing_link_consent`, the set's filer accepting the complement's). Never found otherwise.
   */
  async findPreloadingSets(
    tx: Queryable,
    authority: string,
    refs: readonly string[],
    complementFiler: string,
  ): Promise<{ mrn: string; seq: number; doc_ref: string; filer: string }[]> {
    const r = await tx.query<{ mrn: string; seq: number; doc_ref: string; filer: string }>(
      `SELECT c.mrn, c.seq, c.doc_ref, f.filer
       FROM consignment c JOIN filing f ON f.mrn = c.mrn
       WHERE c.authority = $1 AND c.doc_ref = ANY($2::text[]) AND c.master_mrn IS NULL
         AND f.part = 'pre-loading' AND f.status <> 'invalidated'
         AND (f.filer = $3 OR EXISTS (SELECT 1 FROM filing_link_consent k
                                      WHERE k.master_mrn = c.mrn AND k.house_filer = $3))
       ORDER BY f.lodged_at, c.mrn, c.seq`,
      [authority, refs, complementFiler],
    );
    return r.rows;
  }

  /**
   * Complements waiting for one of these house documents that the set of `set` (its MRN and filer)
   * may complete: lodged by the set's filer, or by a filer the set's filer consented to.
   */
  async waitingComplements(
    tx: Queryable,
    authority: string,
    refs: readonly string[],
    set: { readonly mrn: string; readonly filer: string },
  ): Promise<{ mrn: string; ref: string; filer: string; doc_ref: string }[]> {
    const r = await tx.query<{ mrn: string; ref: string; filer: string; doc_ref: string }>(
      `SELECT p.mrn, p.ref, f.filer, c.doc_ref
       FROM filing_previous_document p JOIN filing f ON f.mrn = p.mrn
         JOIN consignment c ON c.mrn = p.mrn AND c.seq = 0
       WHERE p.authority = $1 AND p.ref = ANY($2::text[]) AND p.set_mrn IS NULL
         AND f.part = 'complement' AND f.status <> 'invalidated'
         AND (f.filer = $4 OR EXISTS (SELECT 1 FROM filing_link_consent k
                                      WHERE k.master_mrn = $3 AND k.house_filer = f.filer))
       ORDER BY f.lodged_at, p.mrn`,
      [authority, refs, set.mrn, set.filer],
    );
    return r.rows;
  }

  /**
   * Completes a pre-loading set's consignment with its complement: the complement's transport document
   * (the master air waybill) is recorded on the set's consignment as its master document.
   */
  async linkPreloading(
    tx: Queryable,
    set: { mrn: string; seq: number },
    complement: { mrn: string; docRef: string; ref: string },
  ): Promise<void> {
    await tx.query(
      `UPDATE consignment SET master_doc_ref = $3, master_mrn = $4, master_seq = 0, complete = true
       WHERE mrn = $1 AND seq = $2`,
      [set.mrn, set.seq, complement.docRef, complement.mrn],
    );
    await tx.query(
      `UPDATE filing_previous_document SET set_mrn = $3, set_seq = $4 WHERE mrn = $1 AND ref = $2`,
      [complement.mrn, complement.ref, set.mrn, set.seq],
    );
  }

  /**
   * Registers the complements whose previous documents are all linked (no assessment event: the risk
   * analysis was done on the pre-loading set, whose data the complement does not change); returns them.
   */
  async promoteComplements(tx: Queryable, mrns: readonly string[], at: Date): Promise<string[]> {
    const r = await tx.query<{ mrn: string }>(
      `UPDATE filing f SET status = 'registered', updated_at = $2
       WHERE f.mrn = ANY($1::text[]) AND f.part = 'complement' AND f.status = 'incomplete'
         AND NOT EXISTS (SELECT 1 FROM filing_previous_document p WHERE p.mrn = f.mrn AND p.set_mrn IS NULL)
       RETURNING f.mrn`,
      [mrns, at],
    );
    const done = r.rows.map((x) => x.mrn);
    if (done.length > 0) {
      await tx.query(`UPDATE consignment SET complete = true WHERE mrn = ANY($1::text[])`, [done]);
    }
    return done;
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

  async linkHouse(
    tx: Queryable,
    house: { mrn: string; seq: number },
    master: { mrn: string; seq: number },
  ): Promise<void> {
    await tx.query(
      `UPDATE consignment SET master_mrn = $3, master_seq = $4, complete = true WHERE mrn = $1 AND seq = $2`,
      [house.mrn, house.seq, master.mrn, master.seq],
    );
    await tx.query(`UPDATE consignment SET complete = true WHERE mrn = $1 AND seq = $2 AND NOT complete`, [
      master.mrn,
      master.seq,
    ]);
  }

  /**
   * Marks filings registered whose consignments are now all complete; returns those that changed.
   */
  async promoteComplete(
    tx: Queryable,
    mrns: readonly string[],
    at: Date,
  ): Promise<{ mrn: string; authority: string; version: number }[]> {
    const r = await tx.query<{ mrn: string; authority: string; version: number }>(
      `UPDATE filing f SET status = 'registered', updated_at = $2
       WHERE f.mrn = ANY($1::text[]) AND f.status = 'incomplete'
         AND NOT EXISTS (SELECT 1 FROM consignment c WHERE c.mrn = f.mrn AND NOT c.complete)
       RETURNING f.mrn, f.authority, f.version`,
      [mrns, at],
    );
    return r.rows;
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
