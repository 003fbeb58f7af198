/**
 * SQL of the register of operators (tables registered_operator, aeo_authorisation, mra,
 * mra_partner_operator, and their history in registry_version): records are written in batches (an
 * import is one statement per kind), each change a new version. Days are read as text (YYYY-MM-DD),
 * never as a JavaScript Date, whose time zone would move them. Every query is scoped by authority.
 */
import { coversOfType, typeOfCovers } from '../domain/index.ts';
import type { AeoCover, AeoGrant, AeoStatus, AeoType, MraFlow } from '../domain/index.ts';
import type { Queryable } from '../store/database.ts';

export interface OperatorView {
  readonly eori: string;
  readonly name: string;
  readonly street: string | null;
  readonly city: string | null;
  readonly postcode: string | null;
  readonly country: string;
  readonly validFrom: string;
  readonly validUntil: string | null;
  readonly version: number;
  readonly updatedAt: string;
}

export interface AeoView {
  readonly number: string;
  readonly eori: string;
  readonly type: AeoType;
  readonly status: AeoStatus;
  readonly statusFrom: string;
  readonly validFrom: string;
  readonly validUntil: string | null;
  readonly version: number;
  readonly updatedAt: string;
}

export interface MraView {
  readonly id: string;
  readonly partnerCountry: string;
  readonly programme: string;
  readonly covers: readonly AeoCover[];
  readonly flows: readonly MraFlow[];
  readonly validFrom: string;
  readonly validUntil: string | null;
  readonly version: number;
  readonly updatedAt: string;
}

export interface PartnerView {
  readonly partnerId: string;
  readonly mra: string;
  readonly name: string;
  readonly status: AeoStatus;
  readonly statusFrom: string;
  readonly validFrom: string;
  readonly validUntil: string | null;
  readonly version: number;
  readonly updatedAt: string;
}

/** One version of a record of a registry, as the history shows it. */
export interface RegistryVersion {
  readonly registry: string;
  readonly recordId: string;
  readonly subject: string;
  readonly version: number;
  readonly action: 'created' | 'updated';
  readonly data: unknown;
  readonly actor: string;
  readonly at: string;
  readonly importId: string | null;
}

const iso = `to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const OPERATOR = `eori, name, street, city, postcode, country, valid_from::text AS "validFrom",
  valid_until::text AS "validUntil", version, ${iso} AS "updatedAt"`;
const AEO = `number, eori, type, status, status_from::text AS "statusFrom", valid_from::text AS "validFrom",
  valid_until::text AS "validUntil", version, ${iso} AS "updatedAt"`;
const MRA = `id, partner_country AS "partnerCountry", programme, covers, flows, valid_from::text AS "validFrom",
  valid_until::text AS "validUntil", version, ${iso} AS "updatedAt"`;
const PARTNER = `partner_id AS "partnerId", mra_id AS mra, name, status, status_from::text AS "statusFrom",
  valid_from::text AS "validFrom", valid_until::text AS "validUntil", version, ${iso} AS "updatedAt"`;

export interface OperatorSearch {
  readonly q?: string | undefined;
  readonly country?: string | undefined;
  readonly aeo?: boolean | undefined;
  readonly after?: string | undefined;
  readonly limit: number;
}

export class OperatorRegistryRepository {
  async operators(tx: Queryable, authority: string, eoris: readonly string[]): Promise<OperatorView[]> {
    if (eoris.length === 0) {
      return [];
    }
    const r = await tx.query<OperatorView>(
      `SELECT ${OPERATOR} FROM registered_operator WHERE authority = $1 AND eori = ANY($2::text[]) ORDER BY eori`,
      [authority, eoris],
    );
    return r.rows;
  }

  async searchOperators(tx: Queryable, authority: string, s: OperatorSearch): Promise<OperatorView[]> {
    const like = s.q === undefined ? null : `%${s.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const r = await tx.query<OperatorView>(
      `SELECT ${OPERATOR} FROM registered_operator o
       WHERE authority = $1
         AND ($2::text IS NULL OR o.eori LIKE upper($3) || '%' OR lower(o.name) LIKE $2)
         AND ($4::text IS NULL OR o.country = $4)
         AND ($5::boolean IS NULL OR $5 = EXISTS (SELECT 1 FROM aeo_authorisation a
                                                  WHERE a.eori = o.eori AND a.authority = o.authority))
         AND ($6::text IS NULL OR o.eori > $6)
       ORDER BY o.eori LIMIT $7`,
      [authority, like, s.q ?? null, s.country ?? null, s.aeo ?? null, s.after ?? null, s.limit],
    );
    return r.rows;
  }

  async upsertOperators(
    tx: Queryable,
    authority: string,
    rows: readonly (Omit<OperatorView, 'updatedAt'> & { readonly at: Date })[],
  ): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO registered_operator (authority, eori, name, street, city, postcode, country, valid_from, valid_until, version, updated_at)
       SELECT $1, u.e, u.n, u.s, u.c, u.p, u.k, u.f::date, u.t::date, u.v, u.a
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::timestamptz[])
         AS u(e, n, s, c, p, k, f, t, v, a)
       ON CONFLICT (eori, authority) DO UPDATE SET name = EXCLUDED.name, street = EXCLUDED.street,
         city = EXCLUDED.city, postcode = EXCLUDED.postcode, country = EXCLUDED.country,
         valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until, version = EXCLUDED.version,
         updated_at = EXCLUDED.updated_at`,
      [
        authority,
        rows.map((r) => r.eori),
        rows.map((r) => r.name),
        rows.map((r) => r.street),
        rows.map((r) => r.city),
        rows.map((r) => r.postcode),
        rows.map((r) => r.country),
        rows.map((r) => r.validFrom),
        rows.map((r) => r.validUntil),
        rows.map((r) => r.version),
        rows.map((r) => r.at),
      ],
    );
  }

  async authorisations(tx: Queryable, authority: string, numbers: readonly string[]): Promise<AeoView[]> {
    if (numbers.length === 0) {
      return [];
    }
    const r = await tx.query<AeoView>(
      `SELECT ${AEO} FROM aeo_authorisation WHERE authority = $1 AND number = ANY($2::text[]) ORDER BY number`,
      [authority, numbers],
    );
    return r.rows;
  }

  async searchAuthorisations(
    tx: Queryable,
    authority: string,
    s: {
      eori?: string | undefined;
      status?: string | undefined;
      type?: string | undefined;
      after?: string | undefined;
      limit: number;
    },
  ): Promise<AeoView[]> {
    const r = await tx.query<AeoView>(
      `SELECT ${AEO} FROM aeo_authorisation
       WHERE authority = $1 AND ($2::text IS NULL OR eori = $2) AND ($3::text IS NULL OR status = $3)
         AND ($4::text IS NULL OR type = $4) AND ($5::text IS NULL OR number > $5)
       ORDER BY number LIMIT $6`,
      [authority, s.eori ?? null, s.status ?? null, s.type ?? null, s.after ?? null, s.limit],
    );
    return r.rows;
  }

  async upsertAuthorisations(
    tx: Queryable,
    authority: string,
    rows: readonly (Omit<AeoView, 'updatedAt'> & { readonly at: Date })[],
  ): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO aeo_authorisation (authority, number, eori, type, status, status_from, valid_from, valid_until, version, updated_at)
       SELECT $1, u.n, u.e, u.t, u.s, u.sf::date, u.f::date, u.vu::date, u.v, u.a
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::timestamptz[])
         AS u(n, e, t, s, sf, f, vu, v, a)
       ON CONFLICT (number, authority) DO UPDATE SET eori = EXCLUDED.eori, type = EXCLUDED.type,
         status = EXCLUDED.status, status_from = EXCLUDED.status_from, valid_from = EXCLUDED.valid_from,
         valid_until = EXCLUDED.valid_until, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
      [
        authority,
        rows.map((r) => r.number),
        rows.map((r) => r.eori),
        rows.map((r) => r.type),
        rows.map((r) => r.status),
        rows.map((r) => r.statusFrom),
        rows.map((r) => r.validFrom),
        rows.map((r) => r.validUntil),
        rows.map((r) => r.version),
        rows.map((r) => r.at),
      ],
    );
  }

  async mras(tx: Queryable, authority: string, ids?: readonly string[]): Promise<MraView[]> {
    const r = await tx.query<MraView>(
      `SELECT ${MRA} FROM mra WHERE authority = $1 AND ($2::text[] IS NULL OR id = ANY($2::text[])) ORDER BY id`,
      [authority, ids ?? null],
    );
    return r.rows;
  }

  async upsertMras(
    tx: Queryable,
    authority: string,
    rows: readonly (Omit<MraView, 'updatedAt'> & { readonly at: Date })[],
  ): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO mra (authority, id, partner_country, programme, covers, flows, valid_from, valid_until, version, updated_at)
       SELECT $1, u.i, u.p, u.g, string_to_array(u.c, ','), string_to_array(u.fl, ','), u.f::date, u.vu::date, u.v, u.a
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::timestamptz[])
         AS u(i, p, g, c, fl, f, vu, v, a)
       ON CONFLICT (id, authority) DO UPDATE SET partner_country = EXCLUDED.partner_country,
         programme = EXCLUDED.programme, covers = EXCLUDED.covers, flows = EXCLUDED.flows,
         valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until, version = EXCLUDED.version,
         updated_at = EXCLUDED.updated_at`,
      [
        authority,
        rows.map((r) => r.id),
        rows.map((r) => r.partnerCountry),
        rows.map((r) => r.programme),
        rows.map((r) => r.covers.join(',')),
        rows.map((r) => r.flows.join(',')),
        rows.map((r) => r.validFrom),
        rows.map((r) => r.validUntil),
        rows.map((r) => r.version),
        rows.map((r) => r.at),
      ],
    );
  }

  async partners(tx: Queryable, authority: string, partnerIds: readonly string[]): Promise<PartnerView[]> {
    if (partnerIds.length === 0) {
      return [];
    }
    const r = await tx.query<PartnerView>(
      `SELECT ${PARTNER} FROM mra_partner_operator WHERE authority = $1 AND partner_id = ANY($2::text[])
       ORDER BY partner_id`,
      [authority, partnerIds],
    );
    return r.rows;
  }

  async partnersOf(
    tx: Queryable,
    authority: string,
    mra: string,
    after: string | undefined,
    limit: number,
  ): Promise<PartnerView[]> {
    const r = await tx.query<PartnerView>(
      `SELECT ${PARTNER} FROM mra_partner_operator
       WHERE authority = $1 AND mra_id = $2 AND ($3::text IS NULL OR partner_id > $3)
       ORDER BY partner_id LIMIT $4`,
      [authority, mra, after ?? null, limit],
    );
    return r.rows;
  }

  async upsertPartners(
    tx: Queryable,
    authority: string,
    rows: readonly (Omit<PartnerView, 'updatedAt'> & { readonly at: Date })[],
  ): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO mra_partner_operator (authority, partner_id, mra_id, name, status, status_from, valid_from, valid_until, version, updated_at)
       SELECT $1, u.p, u.m, u.n, u.s, u.sf::date, u.f::date, u.vu::date, u.v, u.a
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::timestamptz[])
         AS u(p, m, n, s, sf, f, vu, v, a)
       ON CONFLICT (partner_id, authority) DO UPDATE SET mra_id = EXCLUDED.mra_id, name = EXCLUDED.name,
         status = EXCLUDED.status, status_from = EXCLUDED.status_from, valid_from = EXCLUDED.valid_from,
         valid_until = EXCLUDED.valid_until, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
      [
        authority,
        rows.map((r) => r.partnerId),
        rows.map((r) => r.mra),
        rows.map((r) => r.name),
        rows.map((r) => r.status),
        rows.map((r) => r.statusFrom),
        rows.map((r) => r.validFrom),
        rows.map((r) => r.validUntil),
        rows.map((r) => r.version),
        rows.map((r) => r.at),
      ],
    );
  }

  /** Appends versions to the history of the registries (this feature's and the certificates'). */
  async appendVersions(
    tx: Queryable,
    authority: string,
    versions: readonly RegistryVersion[],
  ): Promise<void> {
    if (versions.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO registry_version (authority, registry, record_id, subject, version, action, data, actor, at, import_id)
       SELECT $1, u.r, u.i, u.s, u.v, u.a, u.d::jsonb, u.who, u.t, u.imp
       FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::text[])
         AS u(r, i, s, v, a, d, who, t, imp)`,
      [
        authority,
        versions.map((v) => v.registry),
        versions.map((v) => v.recordId),
        versions.map((v) => v.subject),
        versions.map((v) => v.version),
        versions.map((v) => v.action),
        versions.map((v) => JSON.stringify(v.data)),
        versions.map((v) => v.actor),
        versions.map((v) => v.at),
        versions.map((v) => v.importId),
      ],
    );
  }

  /** The versions of the records that belong to `subject` (in `registries`), oldest first. */
  async history(
    tx: Queryable,
    authority: string,
    subject: string,
    registries: readonly string[],
    limit = 1000,
  ): Promise<RegistryVersion[]> {
    const r = await tx.query<RegistryVersion>(
      `SELECT registry, record_id AS "recordId", subject, version, action, data, actor,
              to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, import_id AS "importId"
       FROM registry_version
       WHERE subject = $2 AND authority = $1 AND registry = ANY($3::text[])
       ORDER BY seq LIMIT $4`,
      [authority, subject, registries, limit],
    );
    return r.rows;
  }

  /**
   * Of these identification numbers, the ones the register does not know on `day`: neither a
   * registered operator valid then nor a partner programme's operator. None when the authority keeps
   * no register (no operator at all), so an instance that does not use it warns about nothing.
   */
  async unregistered(
    tx: Queryable,
    authority: string,
    ids: readonly string[],
    day: string,
  ): Promise<Set<string>> {
    if (ids.length === 0) {
      return new Set();
    }
    const r = await tx.query<{ id: string }>(
      // One primary-key probe per identifier (LATERAL … LIMIT 1): an anti-join would be planned, as a
      // generic plan, as a read of every operator of the authority.
      `SELECT u.id FROM unnest($2::text[]) AS u(id)
       LEFT JOIN LATERAL (SELECT o.valid_from, o.valid_until FROM registered_operator o
                          WHERE o.eori = u.id AND o.authority = $1 LIMIT 1) r ON true
       LEFT JOIN LATERAL (SELECT 1 AS found FROM mra_partner_operator p
                          WHERE p.partner_id = u.id AND p.authority = $1 LIMIT 1) m ON true
       WHERE EXISTS (SELECT 1 FROM registered_operator WHERE authority = $1)
         AND m.found IS NULL
         AND (r.valid_from IS NULL OR r.valid_from > $3::date OR r.valid_until < $3::date)`,
      [authority, [...new Set(ids)], day],
    );
    return new Set(r.rows.map((x) => x.id));
  }

  /**
   * The AEO statuses these identification numbers hold (published query of the assessment): their own
   * authorisations and, for a partner programme's operator, its recognition under the agreement. One
   * index probe per identifier; whether each is in force on a day is decided by the caller.
   */
  async grants(tx: Queryable, authority: string, ids: readonly string[]): Promise<Map<string, AeoGrant[]>> {
    const out = new Map<string, AeoGrant[]>();
    if (ids.length === 0) {
      return out;
    }
    const r = await tx.query<{
      id: string;
      kind: 'aeo' | 'mra';
      reference: string;
      type: AeoType | null;
      covers: AeoCover[] | null;
      status: AeoStatus;
      status_from: string;
      valid_from: string;
      valid_until: string | null;
      agreement: string | null;
      programme: string | null;
      partner_country: string | null;
      flows: MraFlow[] | null;
    }>(
      `SELECT u.id, 'aeo' AS kind, a.number AS reference, a.type, NULL::text[] AS covers, a.status,
              a.status_from::text AS status_from, a.valid_from::text AS valid_from, a.valid_until::text AS valid_until,
              NULL AS agreement, NULL AS programme, NULL AS partner_country, NULL::text[] AS flows
       FROM unnest($2::text[]) AS u(id)
       CROSS JOIN LATERAL (SELECT * FROM aeo_authorisation WHERE eori = u.id AND authority = $1) a
       UNION ALL
       SELECT u.id, 'mra', p.partner_id, NULL, m.covers, p.status, p.status_from::text,
              greatest(p.valid_from, m.valid_from)::text,
              (CASE WHEN p.valid_until IS NULL THEN m.valid_until
                    WHEN m.valid_until IS NULL THEN p.valid_until
                    ELSE least(p.valid_until, m.valid_until) END)::text,
              m.id, m.programme, m.partner_country, m.flows
       FROM unnest($2::text[]) AS u(id)
       CROSS JOIN LATERAL (SELECT * FROM mra_partner_operator WHERE partner_id = u.id AND authority = $1 LIMIT 1) p
       JOIN mra m ON m.id = p.mra_id AND m.authority = p.authority`,
      [authority, [...new Set(ids)]],
    );
    for (const row of r.rows) {
      const covers: readonly AeoCover[] =
        row.kind === 'aeo' && row.type !== null ? coversOfType(row.type) : (row.covers ?? []);
      const type = row.type ?? typeOfCovers(covers);
      if (type === undefined) {
        continue;
      }
      const grant: AeoGrant = {
        kind: row.kind,
        reference: row.reference,
        type,
        covers,
        status: row.status,
        statusFrom: row.status_from,
        validFrom: row.valid_from,
        ...(row.valid_until !== null ? { validUntil: row.valid_until } : {}),
        ...(row.kind === 'mra'
          ? {
              agreement: row.agreement ?? undefined,
              programme: row.programme ?? undefined,
              partnerCountry: row.partner_country ?? undefined,
              flows: row.flows ?? [],
            }
          : {}),
      };
      out.set(row.id, [...(out.get(row.id) ?? []), grant]);
    }
    return out;
  }
}
