/**
 * SQL of the register of IPR applications for action (table ipr_application). Brands and authorised
 * operators are kept as JSON lists on their application (an application is read and written whole);
 * `brand_text` holds the brand names and aliases in lower case for the search by brand. Days are read
 * as text (YYYY-MM-DD). Every query is scoped by authority.
 */
import type { Queryable } from '../store/database.ts';
import type { IprApplicationFacts } from './ipr-check.ts';

export interface IprApplicationView extends IprApplicationFacts {
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface IprSearch {
  readonly number?: string | undefined;
  readonly brand?: string | undefined;
  readonly rightHolder?: string | undefined;
  readonly goodsCode?: string | undefined;
  readonly status?: string | undefined;
  readonly after?: string | undefined;
  readonly limit: number;
}

interface Row {
  number: string;
  kind: IprApplicationFacts['kind'];
  rhName: string;
  rhAddress: string | null;
  rhContact: string | null;
  brands: IprApplicationFacts['brands'] | string;
  goods: string[];
  authorised: IprApplicationFacts['authorised'] | string;
  validFrom: string;
  validUntil: string | null;
  status: IprApplicationFacts['status'];
  version: number;
  createdAt: string;
  updatedAt: string;
}

const ts = (col: string): string => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const APPLICATION = `number, kind, right_holder_name AS "rhName", right_holder_address AS "rhAddress",
  right_holder_contact AS "rhContact", brands, goods_prefixes AS goods, authorised,
  valid_from::text AS "validFrom", valid_until::text AS "validUntil", status, version,
  ${ts('created_at')} AS "createdAt", ${ts('updated_at')} AS "updatedAt"`;

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

function viewOf(r: Row): IprApplicationView {
  return {
    number: r.number,
    kind: r.kind,
    rightHolder: { name: r.rhName, address: r.rhAddress, contact: r.rhContact },
    brands: json(r.brands),
    goods: r.goods,
    authorised: json(r.authorised),
    validFrom: r.validFrom,
    validUntil: r.validUntil,
    status: r.status,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export class IprRepository {
  async byNumbers(
    tx: Queryable,
    authority: string,
    numbers: readonly string[],
  ): Promise<IprApplicationView[]> {
    return this.#byNumbers(tx, authority, numbers, '');
  }

  /** The applications of these numbers, locked for the rest of the transaction, in number order. */
  async lockByNumbers(
    tx: Queryable,
    authority: string,
    numbers: readonly string[],
  ): Promise<IprApplicationView[]> {
    return this.#byNumbers(tx, authority, numbers, 'FOR UPDATE');
  }

  async #byNumbers(
    tx: Queryable,
    authority: string,
    numbers: readonly string[],
    lock: '' | 'FOR UPDATE',
  ): Promise<IprApplicationView[]> {
    if (numbers.length === 0) {
      return [];
    }
    const r = await tx.query<Row>(
      `SELECT ${APPLICATION} FROM ipr_application WHERE authority = $1 AND number = ANY($2::text[])
       ORDER BY number COLLATE "C" ${lock}`,
      [authority, [...new Set(numbers)]],
    );
    return r.rows.map(viewOf);
  }

  async search(tx: Queryable, authority: string, s: IprSearch): Promise<IprApplicationView[]> {
    const r = await tx.query<Row>(
      `SELECT ${APPLICATION} FROM ipr_application a
       WHERE authority = $1 AND ($2::text IS NULL OR number LIKE $2)
         AND ($3::text IS NULL OR brand_text LIKE $3)
         AND ($4::text IS NULL OR lower(right_holder_name) LIKE $4)
         AND ($5::text IS NULL OR cardinality(a.goods_prefixes) = 0
              OR EXISTS (SELECT 1 FROM unnest(a.goods_prefixes) p WHERE $5 LIKE p || '%'))
         AND ($6::text IS NULL OR status = $6) AND ($7::text IS NULL OR number > $7)
       ORDER BY number LIMIT $8`,
      [
        authority,
        s.number === undefined ? null : `${escapeLike(s.number.toUpperCase())}%`,
        s.brand === undefined ? null : `%${escapeLike(s.brand.toLowerCase())}%`,
        s.rightHolder === undefined ? null : `${escapeLike(s.rightHolder.toLowerCase())}%`,
        s.goodsCode ?? null,
        s.status ?? null,
        s.after ?? null,
        s.limit,
      ],
    );
    return r.rows.map(viewOf);
  }

  /** Every application of the authority (the screen is built from them all). */
  async all(tx: Queryable, authority: string): Promise<IprApplicationView[]> {
    const r = await tx.query<Row>(
      `SELECT ${APPLICATION} FROM ipr_application WHERE authority = $1 ORDER BY number`,
      [authority],
    );
    return r.rows.map(viewOf);
  }

  /** Changes when any application of the authority changes: the screen is rebuilt then. */
  async stamp(tx: Queryable, authority: string): Promise<string> {
    const r = await tx.query<{ stamp: string }>(
      `SELECT count(*)::text || '/' || coalesce(${ts('max(updated_at)')}, '') || '/' || coalesce(sum(version), 0)::text AS stamp
       FROM ipr_application WHERE authority = $1`,
      [authority],
    );
    return r.rows[0]?.stamp ?? '';
  }

  async upsert(
    tx: Queryable,
    authority: string,
    rows: readonly (IprApplicationFacts & { readonly version: number; readonly at: Date })[],
  ): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO ipr_application (authority, number, kind, right_holder_name, right_holder_address,
         right_holder_contact, brands, brand_text, goods_prefixes, authorised, valid_from, valid_until, status,
         version, created_at, updated_at)
       SELECT $1, u.n, u.k, u.rh, u.ra, u.rc, u.b::jsonb, u.bt, string_to_array(u.g, ','), u.au::jsonb,
              u.f::date, u.vu::date, u.s, u.v, u.a, u.a
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                   $10::text[], $11::text[], $12::text[], $13::text[], $14::int[], $15::timestamptz[])
         AS u(n, k, rh, ra, rc, b, bt, g, au, f, vu, s, v, a)
       ON CONFLICT (number, authority) DO UPDATE SET kind = EXCLUDED.kind,
         right_holder_name = EXCLUDED.right_holder_name, right_holder_address = EXCLUDED.right_holder_address,
         right_holder_contact = EXCLUDED.right_holder_contact, brands = EXCLUDED.brands,
         brand_text = EXCLUDED.brand_text, goods_prefixes = EXCLUDED.goods_prefixes,
         authorised = EXCLUDED.authorised, valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until,
         status = EXCLUDED.status, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
      [
        authority,
        rows.map((r) => r.number),
        rows.map((r) => r.kind),
        rows.map((r) => r.rightHolder.name),
        rows.map((r) => r.rightHolder.address),
        rows.map((r) => r.rightHolder.contact),
        rows.map((r) => JSON.stringify(r.brands)),
        rows.map((r) =>
          r.brands
            .flatMap((b) => [b.name, ...b.aliases])
            .join('\n')
            .toLowerCase(),
        ),
        rows.map((r) => r.goods.join(',')),
        rows.map((r) => JSON.stringify(r.authorised)),
        rows.map((r) => r.validFrom),
        rows.map((r) => r.validUntil),
        rows.map((r) => r.status),
        rows.map((r) => r.version),
        rows.map((r) => r.at),
      ],
    );
  }
}
