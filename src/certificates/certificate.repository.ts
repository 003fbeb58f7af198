/**
 * SQL of the registry of certificates and licences (tables certificate, certificate_use,
 * certificate_requirement). The write-off is the conditional UPDATE … WHERE remaining >= $n
 * RETURNING: it takes the quantity or changes nothing, so two transactions can never take more than
 * is left (and the table's CHECK keeps `remaining` from going below zero whatever the code does).
 * Quantities are numeric in the database and read as float8; days are read as text (YYYY-MM-DD).
 * Every query is scoped by authority.
 */
import type { Queryable } from '../store/database.ts';
import type { CertificateRequirement, CertificateType, CitationResult } from './certificate-check.ts';

export interface CertificateView {
  readonly id: string;
  readonly type: CertificateType;
  readonly documentCode: string;
  readonly number: string;
  readonly issuer: string;
  readonly holderEori: string | null;
  readonly goods: readonly string[];
  readonly origin: string | null;
  readonly quantity: number | null;
  readonly remaining: number | null;
  readonly unit: string | null;
  readonly validFrom: string;
  readonly validUntil: string | null;
  readonly status: 'valid' | 'cancelled';
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One citation of a certificate by a goods item of a filing version. */
export interface CertificateUse {
  readonly mrn: string;
  readonly version: number;
  readonly consignment: number;
  readonly item: number;
  readonly document: number;
  readonly documentCode: string;
  readonly number: string;
  readonly certificateId: string | null;
  readonly quantity: number | null;
  readonly unit: string | null;
  readonly status: 'written-off' | 'released' | 'refused';
  readonly code: string | null;
  readonly message: string;
  readonly usedAt: string;
  readonly releasedAt: string | null;
}

export interface RequirementView extends CertificateRequirement {
  readonly version: number;
  readonly updatedAt: string;
}

const ts = (col: string): string => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const CERTIFICATE = `id, type, document_code AS "documentCode", number, issuer, holder_eori AS "holderEori",
  goods_prefixes AS goods, origin, quantity::float8 AS quantity, remaining::float8 AS remaining, unit,
  valid_from::text AS "validFrom", valid_until::text AS "validUntil", status, version,
  ${ts('created_at')} AS "createdAt", ${ts('updated_at')} AS "updatedAt"`;
const USE = `mrn, version, consignment, item, document, document_code AS "documentCode", number,
  certificate_id AS "certificateId", quantity::float8 AS quantity, unit, status, code, message,
  ${ts('used_at')} AS "usedAt", ${ts('released_at')} AS "releasedAt"`;
const REQUIREMENT = `id, goods_prefix AS "goodsPrefix", origin, certificate_type AS "certificateType", description,
  valid_from::text AS "validFrom", valid_until::text AS "validUntil", version, ${ts('updated_at')} AS "updatedAt"`;

export interface CertificateSearch {
  readonly type?: string | undefined;
  readonly number?: string | undefined;
  readonly holder?: string | undefined;
  readonly goodsCode?: string | undefined;
  readonly status?: string | undefined;
  readonly after?: string | undefined;
  readonly limit: number;
}

export class CertificateRepository {
  async byIds(tx: Queryable, authority: string, ids: readonly string[]): Promise<CertificateView[]> {
    if (ids.length === 0) {
      return [];
    }
    const r = await tx.query<CertificateView>(
      `SELECT ${CERTIFICATE} FROM certificate WHERE authority = $1 AND id = ANY($2::text[]) ORDER BY id`,
      [authority, ids],
    );
    return r.rows;
  }

  /**
   * The certificates cited by (document code, number), each row locked for the rest of the
   * transaction, one key at a time in key order (one index probe each): two registrations writing off
   * the same certificates wait for each other instead of deadlocking.
   */
  async lockByCitation(
    tx: Queryable,
    authority: string,
    keys: readonly { documentCode: string; number: string }[],
  ): Promise<CertificateView[]> {
    if (keys.length === 0) {
      return [];
    }
    const sorted = [...new Map(keys.map((k) => [`${k.documentCode}/${k.number}`, k])).entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, k]) => k);
    const r = await tx.query<CertificateView>(
      `SELECT c.* FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(dc, n, i)
       CROSS JOIN LATERAL (SELECT ${CERTIFICATE} FROM certificate
                           WHERE authority = $1 AND document_code = u.dc AND number = u.n
                           LIMIT 1 FOR UPDATE) c
       ORDER BY u.i`,
      [authority, sorted.map((k) => k.documentCode), sorted.map((k) => k.number)],
    );
    return r.rows;
  }

  /**
   * The certificates of these ids, locked in the order `lockByCitation` takes them (code, then number,
   * byte order), so a release and a write-off in two transactions never wait for each other in a circle.
   */
  async lockByIds(tx: Queryable, authority: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    await tx.query(
      `SELECT id FROM certificate WHERE authority = $1 AND id = ANY($2::text[])
       ORDER BY document_code COLLATE "C", number COLLATE "C" FOR UPDATE`,
      [authority, [...new Set(ids)]],
    );
  }

  async byCitation(
    tx: Queryable,
    authority: string,
    documentCode: string,
    number: string,
  ): Promise<CertificateView | undefined> {
    const r = await tx.query<CertificateView>(
      `SELECT ${CERTIFICATE} FROM certificate WHERE authority = $1 AND document_code = $2 AND number = $3`,
      [authority, documentCode, number],
    );
    return r.rows[0];
  }

  async search(tx: Queryable, authority: string, s: CertificateSearch): Promise<CertificateView[]> {
    const prefix =
      s.number === undefined ? null : `${s.number.toUpperCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const r = await tx.query<CertificateView>(
      `SELECT ${CERTIFICATE} FROM certificate c
       WHERE authority = $1 AND ($2::text IS NULL OR type = $2) AND ($3::text IS NULL OR number LIKE $3)
         AND ($4::text IS NULL OR holder_eori = $4)
         AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM unnest(c.goods_prefixes) p WHERE $5 LIKE p || '%'))
         AND ($6::text IS NULL OR status = $6) AND ($7::text IS NULL OR id > $7)
       ORDER BY id LIMIT $8`,
      [
        authority,
        s.type ?? null,
        prefix,
        s.holder ?? null,
        s.goodsCode ?? null,
        s.status ?? null,
        s.after ?? null,
        s.limit,
      ],
    );
    return r.rows;
  }

  async upsert(
    tx: Queryable,
    authority: string,
    rows: readonly (Omit<CertificateView, 'createdAt' | 'updatedAt'> & { readonly at: Date })[],
  ): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO certificate (authority, id, type, document_code, number, issuer, holder_eori, goods_prefixes,
         origin, quantity, remaining, unit, valid_from, valid_until, status, version, created_at, updated_at)
       SELECT $1, u.id, u.t, u.dc, u.n, u.i, u.h, string_to_array(u.g, ','), u.o, u.q::numeric, u.r::numeric, u.un,
              u.f::date, u.vu::date, u.s, u.v, u.a, u.a
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                   $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::int[], $17::timestamptz[])
         AS u(id, t, dc, n, i, h, g, o, q, r, un, f, vu, s, v, a)
       ON CONFLICT (id, authority) DO UPDATE SET issuer = EXCLUDED.issuer, holder_eori = EXCLUDED.holder_eori,
         goods_prefixes = EXCLUDED.goods_prefixes, origin = EXCLUDED.origin, quantity = EXCLUDED.quantity,
         remaining = EXCLUDED.remaining, unit = EXCLUDED.unit, valid_from = EXCLUDED.valid_from,
         valid_until = EXCLUDED.valid_until, status = EXCLUDED.status, version = EXCLUDED.version,
         updated_at = EXCLUDED.updated_at`,
      [
        authority,
        rows.map((r) => r.id),
        rows.map((r) => r.type),
        rows.map((r) => r.documentCode),
        rows.map((r) => r.number),
        rows.map((r) => r.issuer),
        rows.map((r) => r.holderEori),
        rows.map((r) => r.goods.join(',')),
        rows.map((r) => r.origin),
        rows.map((r) => (r.quantity === null ? null : String(r.quantity))),
        rows.map((r) => (r.remaining === null ? null : String(r.remaining))),
        rows.map((r) => r.unit),
        rows.map((r) => r.validFrom),
        rows.map((r) => r.validUntil),
        rows.map((r) => r.status),
        rows.map((r) => r.version),
        rows.map((r) => r.at),
      ],
    );
  }

  /**
   * Writes off `quantity` from the certificate if that much is left: the remaining quantity after, or
   * undefined when less was left (and nothing changed).
   */
  async writeOff(
    tx: Queryable,
    authority: string,
    id: string,
    quantity: number,
  ): Promise<number | undefined> {
    const r = await tx.query<{ remaining: number }>(
      `UPDATE certificate SET remaining = remaining - $3::numeric
       WHERE id = $2 AND authority = $1 AND remaining >= $3::numeric
       RETURNING remaining::float8 AS remaining`,
      [authority, id, String(quantity)],
    );
    return r.rows[0]?.remaining;
  }

  /** Gives quantities back to certificates (a released write-off), one primary-key update each. */
  async giveBack(tx: Queryable, authority: string, back: ReadonlyMap<string, number>): Promise<void> {
    for (const [id, quantity] of [...back].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      await tx.query(
        `UPDATE certificate SET remaining = remaining + $3::numeric
         WHERE id = $2 AND authority = $1 AND remaining IS NOT NULL`,
        [authority, id, String(quantity)],
      );
    }
  }

  async insertUses(
    tx: Queryable,
    authority: string,
    uses: readonly (Omit<CertificateUse, 'usedAt' | 'releasedAt'> & { readonly at: Date })[],
  ): Promise<void> {
    if (uses.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO certificate_use (authority, mrn, version, consignment, item, document, document_code, number,
         certificate_id, quantity, unit, status, code, message, used_at)
       SELECT $1, u.m, u.v, u.c, u.i, u.d, u.dc, u.n, u.cid, u.q::numeric, u.un, u.s, u.code, u.msg, u.at
       FROM unnest($2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::text[], $8::text[], $9::text[],
                   $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::timestamptz[])
         AS u(m, v, c, i, d, dc, n, cid, q, un, s, code, msg, at)`,
      [
        authority,
        uses.map((u) => u.mrn),
        uses.map((u) => u.version),
        uses.map((u) => u.consignment),
        uses.map((u) => u.item),
        uses.map((u) => u.document),
        uses.map((u) => u.documentCode),
        uses.map((u) => u.number),
        uses.map((u) => u.certificateId),
        uses.map((u) => (u.quantity === null ? null : String(u.quantity))),
        uses.map((u) => u.unit),
        uses.map((u) => u.status),
        uses.map((u) => u.code),
        uses.map((u) => u.message),
        uses.map((u) => u.at),
      ],
    );
  }

  /** Marks every write-off of the filing released; what each certificate gets back. */
  async releaseUses(tx: Queryable, authority: string, mrn: string, at: Date): Promise<Map<string, number>> {
    const r = await tx.query<{ certificate_id: string; quantity: number | null }>(
      `UPDATE certificate_use SET status = 'released', released_at = $3
       WHERE mrn = $2 AND authority = $1 AND status = 'written-off'
       RETURNING certificate_id, quantity::float8 AS quantity`,
      [authority, mrn, at],
    );
    const back = new Map<string, number>();
    for (const row of r.rows) {
      if (row.quantity !== null) {
        back.set(row.certificate_id, (back.get(row.certificate_id) ?? 0) + row.quantity);
      }
    }
    return back;
  }

  /** The certificates the filing's write-offs still hold (to lock them before a release). */
  async heldBy(tx: Queryable, authority: string, mrn: string): Promise<string[]> {
    const r = await tx.query<{ certificate_id: string }>(
      `SELECT DISTINCT certificate_id FROM certificate_use
       WHERE mrn = $2 AND authority = $1 AND status = 'written-off' AND certificate_id IS NOT NULL`,
      [authority, mrn],
    );
    return r.rows.map((x) => x.certificate_id);
  }

  /** What registration recorded of the citations of these filing versions (one probe per version). */
  async results(
    tx: Queryable,
    authority: string,
    versions: readonly { mrn: string; version: number }[],
  ): Promise<Map<string, CitationResult[]>> {
    const out = new Map<string, CitationResult[]>();
    if (versions.length === 0) {
      return out;
    }
    const r = await tx.query<CitationResult & { mrn: string; version: number }>(
      `SELECT x.mrn, x.version, x.consignment, x.item, x.document, x.document_code AS "documentCode", x.number,
              x.status, x.code, x.message, x.quantity::float8 AS quantity, x.unit
       FROM unnest($2::text[], $3::int[]) AS u(mrn, version)
       CROSS JOIN LATERAL (SELECT * FROM certificate_use
                           WHERE mrn = u.mrn AND version = u.version AND authority = $1) x
       ORDER BY x.mrn, x.version, x.consignment, x.item, x.document`,
      [authority, versions.map((v) => v.mrn), versions.map((v) => v.version)],
    );
    for (const row of r.rows) {
      const key = `${row.mrn}/${row.version}`;
      const { mrn: _m, version: _v, ...result } = row;
      out.set(key, [...(out.get(key) ?? []), result]);
    }
    return out;
  }

  /** The citations of a certificate, oldest first. */
  async usesOf(
    tx: Queryable,
    authority: string,
    certificateId: string,
    after: { usedAt: string; key: string } | undefined,
    limit: number,
  ): Promise<CertificateUse[]> {
    const r = await tx.query<CertificateUse>(
      `SELECT ${USE} FROM certificate_use
       WHERE certificate_id = $2 AND authority = $1
         AND ($3::timestamptz IS NULL OR (used_at, mrn || '/' || version || '/' || consignment || '/' || item || '/' || document) > ($3, $4))
       ORDER BY used_at, mrn || '/' || version || '/' || consignment || '/' || item || '/' || document
       LIMIT $5`,
      [authority, certificateId, after?.usedAt ?? null, after?.key ?? null, limit],
    );
    return r.rows;
  }

  async requirements(tx: Queryable, authority: string, ids?: readonly string[]): Promise<RequirementView[]> {
    const r = await tx.query<RequirementView>(
      `SELECT ${REQUIREMENT} FROM certificate_requirement
       WHERE authority = $1 AND ($2::text[] IS NULL OR id = ANY($2::text[])) ORDER BY id`,
      [authority, ids ?? null],
    );
    return r.rows;
  }

  async upsertRequirements(
    tx: Queryable,
    authority: string,
    rows: readonly (Omit<RequirementView, 'updatedAt'> & { readonly at: Date })[],
  ): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO certificate_requirement (authority, id, goods_prefix, origin, certificate_type, description,
         valid_from, valid_until, version, updated_at)
       SELECT $1, u.i, u.g, u.o, u.t, u.d, u.f::date, u.vu::date, u.v, u.a
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::timestamptz[])
         AS u(i, g, o, t, d, f, vu, v, a)
       ON CONFLICT (id, authority) DO UPDATE SET goods_prefix = EXCLUDED.goods_prefix, origin = EXCLUDED.origin,
         certificate_type = EXCLUDED.certificate_type, description = EXCLUDED.description,
         valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until, version = EXCLUDED.version,
         updated_at = EXCLUDED.updated_at`,
      [
        authority,
        rows.map((r) => r.id),
        rows.map((r) => r.goodsPrefix),
        rows.map((r) => r.origin),
        rows.map((r) => r.certificateType),
        rows.map((r) => r.description),
        rows.map((r) => r.validFrom),
        rows.map((r) => r.validUntil),
        rows.map((r) => r.version),
        rows.map((r) => r.at),
      ],
    );
  }

  /** Changes when the authority's measures change (the assessment's cache compares it). */
  async requirementsStamp(tx: Queryable, authority: string): Promise<string> {
    const r = await tx.query<{ stamp: string }>(
      `SELECT count(*)::text || '/' || coalesce(max(updated_at)::text, '') AS stamp
       FROM certificate_requirement WHERE authority = $1`,
      [authority],
    );
    return r.rows[0]?.stamp ?? '';
  }
}
