/**
 * Reference data's logic: the shipped datasets loaded into the database on first start, the whole of
 * it held in memory as ReferenceLists (what intake validates with and rules read), reloaded when an
 * import here or in another process changes it, imports of a file (every malformed row reported, none
 * loaded unless asked to skip the bad ones; each import audited), and the reads of the API.
 */
import { createHash } from 'node:crypto';
import { REFERENCE_KIND_INFO, ReferenceLists, validOn } from '../domain/index.ts';
import type { Clock, ReferenceEntry, ReferenceKind } from '../domain/index.ts';
import type { Actor } from '../auth/index.ts';
import { requirePermission } from '../auth/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import { VigilError } from '../errors/index.ts';
import type { FieldError } from '../errors/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import { bundledDatasets } from './bundled-reference.ts';
import type { BundledDataset } from './bundled-reference.ts';
import { readReferenceRows } from './reference-csv.ts';
import { readMeasureRows } from './measure-csv.ts';
import type { ReferenceImportRow, ReferenceRepository } from './reference.repository.ts';

/** Who imports: recorded in the import log and audited in that authority's chain. */
export interface ReferenceImporter {
  readonly authority: string;
  /** As the audit trail names actors: `admin:alice`, `cli:root`. */
  readonly actor: string;
}

export interface ReferenceImportOptions {
  /** Load the good rows and report the bad ones, instead of loading nothing. */
  readonly skipBad?: boolean | undefined;
  /** What the file was called, for the log. */
  readonly source?: string | undefined;
}

export interface ReferenceImportSummary {
  readonly kind: ReferenceKind;
  readonly source: string;
  readonly rows: number;
  readonly loaded: number;
  readonly skipped: number;
  /** The import's id in the log; null when nothing was loaded. */
  readonly importId: number | null;
  /** The rows skipped, each with its line and what is wrong (at most 100). */
  readonly errors: readonly FieldError[];
  /** One line for a person: `countries: 3 rows read, 2 loaded, 1 skipped`. */
  readonly summary: string;
}

export interface ReferenceServiceDeps {
  readonly db: Database;
  readonly repo: ReferenceRepository;
  readonly clock: Clock;
  readonly audit?: { stage(tx: Queryable, events: readonly AuditEvent[]): Promise<void> } | undefined;
  /** The shipped datasets (default: data/reference). */
  readonly bundled?: () => readonly BundledDataset[];
  /**
   * The authority whose admins keep the shared data: every authority reads it, so on an instance of
   * several, one of them (a hub, the Commission's `EU`) imports it; unset, any admin may.
   */
  readonly steward?: string | undefined;
}

export interface ReferenceListQuery {
  readonly q?: string | undefined;
  /** Only codes valid on this day (YYYY-MM-DD); default: every code with its latest version. */
  readonly at?: string | undefined;
  readonly limit: number;
  /** The last code of the previous page. */
  readonly after?: string | undefined;
}

export interface ReferenceCodeView {
  readonly kind: ReferenceKind;
  readonly code: string;
  readonly description: string;
  readonly validFrom: string | null;
  readonly validUntil: string | null;
  readonly parent: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  readonly source: string;
}

const MAX_REPORTED = 100;

function view(e: ReferenceEntry): ReferenceCodeView {
  return {
    kind: e.kind,
    code: e.code,
    description: e.description,
    validFrom: e.validFrom,
    validUntil: e.validUntil,
    parent: e.parent,
    attributes: e.attributes,
    source: e.source,
  };
}

function summaryLine(
  kind: ReferenceKind,
  rows: number,
  loaded: number,
  skipped: number,
  bad: number,
): string {
  const parts = [`${rows} row(s) read`, `${loaded} loaded`];
  if (skipped > 0) {
    parts.push(`${skipped} skipped`);
  } else if (bad > 0) {
    parts.push(`${bad} malformed: nothing loaded (--skip-bad loads the good rows)`);
  }
  return `${kind}: ${parts.join(', ')}`;
}

export class ReferenceService {
  readonly #d: ReferenceServiceDeps;
  #lists: ReferenceLists = new ReferenceLists([], 'empty');

  constructor(deps: ReferenceServiceDeps) {
    this.#d = deps;
  }

  /** What intake validates with and rules read: the lists as last loaded. */
  lists(): ReferenceLists {
    return this.#lists;
  }

  /**
   * Loads the shipped datasets whose file is not loaded yet (first start, or a release that changed
   * one), then the whole of the data into memory. Several processes starting together load once.
   */
  async start(): Promise<string[]> {
    const loaded = await this.seedBundled();
    await this.reload();
    return loaded;
  }

  async seedBundled(): Promise<string[]> {
    const datasets = (this.#d.bundled ?? bundledDatasets)();
    const done = await this.#d.repo.loadedSources(this.#d.db);
    if (datasets.every((d) => done.get(d.source) === d.sha256)) {
      return [];
    }
    return this.#d.db.transaction(async (tx) => {
      // One loader at a time; the others find the sources loaded when they get the lock.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [7_261_926]);
      const now = await this.#d.repo.loadedSources(tx);
      const loaded: string[] = [];
      for (const d of datasets) {
        if (now.get(d.source) === d.sha256) {
          continue;
        }
        const id = await this.#d.repo.recordImport(tx, {
          kind: d.kind,
          source: d.source,
          sha256: d.sha256,
          rowsRead: d.entries.length,
          rowsLoaded: d.entries.length,
          rowsSkipped: 0,
          importedBy: 'vigil',
          authority: null,
          at: this.#d.clock.now(),
        });
        await this.#d.repo.upsert(tx, d.kind, d.entries, id, !now.has(d.source));
        loaded.push(d.source);
      }
      return loaded;
    });
  }

  /**
   * Reads the whole of the data into memory: the shipped datasets from their files (as loaded into
   * the database by seedBundled), and from the database what imports wrote, which replaces a shipped
   * version of a code starting on the same day.
   */
  async reload(): Promise<void> {
    const stamp = await this.#d.repo.stamp(this.#d.db);
    const imported = await this.#d.repo.entries(this.#d.db, true);
    const key = (e: ReferenceEntry): string => `${e.kind}|${e.code}|${e.validFrom ?? ''}`;
    const replaced = new Set(imported.map(key));
    const shipped = (this.#d.bundled ?? bundledDatasets)().flatMap((d) =>
      replaced.size === 0 ? d.entries : d.entries.filter((e) => !replaced.has(key(e))),
    );
    const lists = new ReferenceLists([...shipped, ...imported], stamp);
    // Indexed here, by the refresher, not by the first assessment after an import.
    lists.measureIndex();
    this.#lists = lists;
  }

  /** Reloads when another process imported since the last load; true when it did. */
  async refresh(): Promise<boolean> {
    const stamp = await this.#d.repo.stamp(this.#d.db);
    if (stamp === this.#lists.stamp) {
      return false;
    }
    await this.reload();
    return true;
  }

  /**
   * Imports a CSV file of `kind`. Malformed rows are reported row by row; unless `skipBad`, nothing
   * is loaded when any row is malformed (VIGIL_REFERENCE_IMPORT_INVALID). An import with good rows is
   * logged and audited in the importer's chain, and the lists in memory are reloaded.
   */
  /** May this actor import shared reference data? An admin, of the steward authority when one is set. */
  mayImport(actor: Actor): void {
    requirePermission(actor, 'reference.write');
    const steward = this.#d.steward;
    if (steward !== undefined && actor.authority !== steward) {
      throw new VigilError(
        'VIGIL_FORBIDDEN',
        `the shared reference data is kept by ${steward}'s admins (VIGIL_REFERENCE_STEWARD); ${actor.authority} reads it`,
      );
    }
  }

  async importFile(
    by: ReferenceImporter,
    kind: ReferenceKind,
    text: string,
    options: ReferenceImportOptions = {},
  ): Promise<ReferenceImportSummary> {
    const source = options.source ?? 'upload';
    const read =
      kind === 'measures'
        ? readMeasureRows(text, `import:${source}`)
        : readReferenceRows(kind, text, `import:${source}`);
    const skipped = read.badRows;
    if (read.errors.length > 0 && options.skipBad !== true) {
      const summary = summaryLine(kind, read.rows, 0, 0, Math.max(skipped, 1));
      throw new VigilError('VIGIL_REFERENCE_IMPORT_INVALID', summary, read.errors);
    }
    const errors = read.errors.slice(0, MAX_REPORTED);
    if (read.entries.length === 0) {
      return {
        kind,
        source,
        rows: read.rows,
        loaded: 0,
        skipped,
        importId: null,
        errors,
        summary: summaryLine(kind, read.rows, 0, skipped, skipped),
      };
    }
    const sha256 = createHash('sha256').update(text).digest('hex');
    const at = this.#d.clock.now();
    const importId = await this.#d.db.forAuthority(by.authority).transaction(async (tx) => {
      const id = await this.#d.repo.recordImport(tx, {
        kind,
        source,
        sha256,
        rowsRead: read.rows,
        rowsLoaded: read.entries.length,
        rowsSkipped: skipped,
        importedBy: by.actor,
        authority: by.authority,
        at,
      });
      // The entries name the import they came from.
      const entries = read.entries.map((e) => ({ ...e, source: `import:${id}` }));
      await this.#d.repo.upsert(tx, kind, entries, id);
      await this.#d.audit?.stage(tx, [
        {
          authority: by.authority,
          actor: by.actor,
          action: 'reference.imported',
          subject: `reference:${kind}`,
          details: { importId: id, source, sha256, rows: read.rows, loaded: entries.length, skipped },
          at,
        },
      ]);
      return id;
    });
    await this.reload();
    return {
      kind,
      source,
      rows: read.rows,
      loaded: read.entries.length,
      skipped,
      importId,
      errors,
      summary: summaryLine(kind, read.rows, read.entries.length, skipped, skipped),
    };
  }

  /** The codes of a kind (their version valid `at`, or their latest), filtered by `q`, a page at a time. */
  list(
    actor: Actor,
    kind: ReferenceKind,
    query: ReferenceListQuery,
  ): { items: ReferenceCodeView[]; next: string | null } {
    requirePermission(actor, 'reference.read');
    const needle = query.q?.trim().toLowerCase() ?? '';
    const items: ReferenceCodeView[] = [];
    let next: string | null = null;
    for (const [code, versions] of this.#lists.codes(kind)) {
      if (query.after !== undefined && code <= query.after) {
        continue;
      }
      const at = query.at;
      const e = at !== undefined ? versions.findLast((v) => validOn(v, at)) : versions.at(-1);
      if (e === undefined) {
        continue;
      }
      if (
        needle !== '' &&
        !code.toLowerCase().startsWith(needle) &&
        !e.description.toLowerCase().includes(needle)
      ) {
        continue;
      }
      if (items.length === query.limit) {
        next = items[items.length - 1]!.code;
        break;
      }
      items.push(view(e));
    }
    return { items, next };
  }

  /** One code: its versions by date, what it is under and, for the nomenclature, what is under it. */
  async get(
    actor: Actor,
    kind: ReferenceKind,
    code: string,
  ): Promise<{
    kind: ReferenceKind;
    code: string;
    title: string;
    versions: ReferenceCodeView[];
    children: string[];
    imports: ReferenceImportRow[];
  }> {
    requirePermission(actor, 'reference.read');
    const versions = this.#lists.versions(kind, code);
    if (versions.length === 0) {
      throw new VigilError(
        'VIGIL_REFERENCE_NOT_FOUND',
        `'${code}' is not in the ${REFERENCE_KIND_INFO[kind].title}`,
      );
    }
    const children: string[] = [];
    if (kind === 'hs' && code.length < 6) {
      for (const [c, vs] of this.#lists.codes('hs')) {
        if (c.length === code.length + 2 && c.startsWith(code) && vs.some((v) => v.parent === code)) {
          children.push(c);
        }
      }
    }
    const importIds = new Set(versions.map((v) => v.source));
    const imports = (await this.#d.repo.imports(this.#d.db.forAuthority(actor.authority), kind, 50)).filter(
      (i) => importIds.has(`import:${i.id}`) || importIds.has(i.source),
    );
    return {
      kind,
      code,
      title: REFERENCE_KIND_INFO[kind].title,
      versions: versions.map(view),
      children,
      imports,
    };
  }

  /** The imports of a kind, newest first. */
  async imports(actor: Actor, kind: ReferenceKind): Promise<ReferenceImportRow[]> {
    requirePermission(actor, 'reference.read');
    return this.#d.repo.imports(this.#d.db.forAuthority(actor.authority), kind, 100);
  }
}
