/**
 * SQL of the reference data (migration 0026): the dated entries of every kind and the log of imports.
 * The one writer of reference_entry and reference_import.
 */
import type { ReferenceEntry, ReferenceKind } from '../domain/index.ts';
import type { Queryable } from '../store/database.ts';

export interface NewReferenceImport {
  readonly kind: ReferenceKind;
  readonly source: string;
  readonly sha256: string;
  readonly rowsRead: number;
  readonly rowsLoaded: number;
  readonly rowsSkipped: number;
  readonly importedBy: string;
  readonly authority: string | null;
  readonly at: Date;
}

export interface ReferenceImportRow extends NewReferenceImport {
  readonly id: number;
}

interface EntryRow {
  kind: ReferenceKind;
  code: string;
  valid_from: string | null;
  valid_until: string | null;
  description: string;
  parent: string | null;
  attributes: Record<string, string>;
  source: string;
}

/** Rows per INSERT: the arrays of one statement stay well under any parameter limit. */
const CHUNK = 2000;

export class ReferenceRepository {
  /** Changes with every import: the newest import's id. */
  async stamp(q: Queryable): Promise<string> {
    const r = await q.query<{ stamp: string }>(
      'SELECT coalesce(max(id), 0)::text AS stamp FROM reference_import',
    );
    return r.rows[0]!.stamp;
  }

  /** The SHA-256 of each source already loaded, newest last. */
  async loadedSources(q: Queryable): Promise<Map<string, string>> {
    const r = await q.query<{ source: string; sha256: string }>(
      'SELECT source, sha256 FROM reference_import ORDER BY id',
    );
    return new Map(r.rows.map((x) => [x.source, x.sha256]));
  }

  /** Every entry; `importedOnly`: only those an import wrote (not the shipped data, read from its files). */
  async entries(q: Queryable, importedOnly = false): Promise<ReferenceEntry[]> {
    const r = await q.query<EntryRow>(
      `SELECT kind, code,
              CASE WHEN valid_from = '-infinity' THEN NULL ELSE valid_from::text END AS valid_from,
              valid_until::text AS valid_until, description, parent, attributes, source
       FROM reference_entry${importedOnly ? ` WHERE source NOT LIKE 'bundled:%'` : ''}`,
    );
    return r.rows.map((x) => ({
      kind: x.kind,
      code: x.code,
      description: x.description,
      validFrom: x.valid_from,
      validUntil: x.valid_until,
      parent: x.parent,
      attributes: x.attributes,
      source: x.source,
    }));
  }

  async recordImport(q: Queryable, i: NewReferenceImport): Promise<number> {
    const r = await q.query<{ id: string }>(
      `INSERT INTO reference_import
         (kind, source, sha256, rows_read, rows_loaded, rows_skipped, imported_by, importer_authority, imported_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [i.kind, i.source, i.sha256, i.rowsRead, i.rowsLoaded, i.rowsSkipped, i.importedBy, i.authority, i.at],
    );
    return Number(r.rows[0]!.id);
  }

  /**
   * Adds the entries, replacing the version of a code that starts on the same day; `fresh`: the kind
   * has none of these versions yet (the first load of shipped data), so a plain insert does.
   */
  async upsert(
    q: Queryable,
    kind: ReferenceKind,
    entries: readonly ReferenceEntry[],
    importId: number,
    fresh = false,
  ): Promise<void> {
    const onConflict = fresh
      ? ''
      : `ON CONFLICT (kind, code, valid_from) DO UPDATE SET
           valid_until = EXCLUDED.valid_until,
           description = EXCLUDED.description,
           parent = EXCLUDED.parent,
           attributes = EXCLUDED.attributes,
           source = EXCLUDED.source,
           import_id = EXCLUDED.import_id`;
    for (let i = 0; i < entries.length; i += CHUNK) {
      const chunk = entries.slice(i, i + CHUNK);
      await q.query(
        `INSERT INTO reference_entry
           (kind, code, valid_from, valid_until, description, parent, attributes, source, import_id)
         SELECT $1, u.code, coalesce(u.vf::date, '-infinity'::date), u.vu::date, u.d, u.p, u.a::jsonb, u.s, $2
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
           AS u(code, vf, vu, d, p, a, s)
         ${onConflict}`,
        [
          kind,
          importId,
          chunk.map((e) => e.code),
          chunk.map((e) => e.validFrom),
          chunk.map((e) => e.validUntil),
          chunk.map((e) => e.description),
          chunk.map((e) => e.parent),
          chunk.map((e) => JSON.stringify(e.attributes)),
          chunk.map((e) => e.source),
        ],
      );
    }
  }

  /** The imports of a kind, newest first. */
  async imports(q: Queryable, kind: ReferenceKind, limit: number): Promise<ReferenceImportRow[]> {
    const r = await q.query<{
      id: string;
      kind: ReferenceKind;
      source: string;
      sha256: string;
      rows_read: number;
      rows_loaded: number;
      rows_skipped: number;
      imported_by: string;
      importer_authority: string | null;
      imported_at: Date;
    }>(
      `SELECT id, kind, source, sha256, rows_read, rows_loaded, rows_skipped, imported_by,
              importer_authority, imported_at
       FROM reference_import WHERE kind = $1 ORDER BY id DESC LIMIT $2`,
      [kind, limit],
    );
    return r.rows.map((x) => ({
      id: Number(x.id),
      kind: x.kind,
      source: x.source,
      sha256: x.sha256,
      rowsRead: x.rows_read,
      rowsLoaded: x.rows_loaded,
      rowsSkipped: x.rows_skipped,
      importedBy: x.imported_by,
      authority: x.importer_authority,
      at: new Date(x.imported_at),
    }));
  }
}
