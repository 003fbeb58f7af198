/**
 * Vigil's own list formats, read as they arrive.
 *
 * CSV: a header row naming a `value` column and optionally `id`, `aliases` (other names, separated
 * by `|`), `type` (person, organisation, vessel, aircraft, other), `identifiers` (`kind:value` pairs
 * separated by `|`, such as `passport:AB123456|imo:9187629`), `note`, `source` and `expires`; other
 * columns are ignored. Comma- or semicolon-separated (as spreadsheets write it in many EU locales);
 * quoted fields may hold the separator and line breaks.
 *
 * NDJSON: one JSON object a line with the same fields (`aliases` a list of strings, `identifiers` a
 * list of `{kind, value}`), or a bare JSON string (a value alone). Blank lines are skipped.
 *
 * Both are the formats of before with optional fields added: an upload that worked still does.
 */
import { fromZodIssues } from '../../errors/index.ts';
import type { FieldError } from '../../errors/index.ts';
import { CsvRecords } from './csv-records.ts';
import { checkEntity, entityInputSchema, entityOf, tidyEntity } from './list-entity.ts';
import type { ListEntity, WatchlistEntityType } from './list-entity.ts';
import { ListCollector } from './list-reader.ts';

const COLUMNS = ['value', 'id', 'aliases', 'type', 'identifiers', 'note', 'source', 'expires'] as const;
type Column = (typeof COLUMNS)[number];

export class CsvListReader extends ListCollector {
  readonly #records = new CsvRecords();
  #columns: Partial<Record<Column, number>> | undefined;
  #done = false;

  write(text: string): void {
    for (const r of this.#records.write(text)) {
      this.#record(r);
    }
  }

  end(): void {
    for (const r of this.#records.end()) {
      this.#record(r);
    }
    if (this.#columns === undefined && !this.#done) {
      this.problem({
        code: 'VIGIL_WATCHLIST_PARSE',
        path: 'line 1',
        message: 'the upload is empty: a header row naming a "value" column is needed',
      });
    }
  }

  #record(r: ReturnType<CsvRecords['write']>[number]): void {
    if (this.#done || this.full) {
      return;
    }
    const place = `line ${r.line}`;
    if ('error' in r) {
      this.problem({ code: 'VIGIL_WATCHLIST_PARSE', path: place, message: r.error });
      return;
    }
    if (this.#columns === undefined) {
      const names = r.fields.map((h) =>
        h
          .replace(/^\uFEFF/, '')
          .trim()
          .toLowerCase(),
      );
      const columns: Partial<Record<Column, number>> = {};
      for (const c of COLUMNS) {
        const at = names.indexOf(c);
        if (at >= 0) {
          columns[c] = at;
        }
      }
      if (columns.value === undefined) {
        this.problem({
          code: 'VIGIL_WATCHLIST_PARSE',
          path: place,
          message: `the header row needs a "value" column (and may have ${COLUMNS.slice(1).join(', ')})`,
        });
        // Without it no line can be read: one problem says it all.
        this.#done = true;
        return;
      }
      this.#columns = columns;
      return;
    }
    const field = (c: Column): string | undefined => {
      const at = this.#columns![c];
      return at === undefined ? undefined : (r.fields[at] ?? '').trim();
    };
    const value = field('value') ?? '';
    if (value === '') {
      this.problem({ code: 'VIGIL_SCHEMA_REQUIRED', path: `${place} value`, message: 'empty value' });
      return;
    }
    const e: { -readonly [K in keyof ListEntity]: ListEntity[K] } = { value };
    const id = field('id');
    if (id !== undefined && id !== '') {
      e.id = id;
    }
    const aliases = field('aliases');
    if (aliases !== undefined && aliases !== '') {
      e.aliases = aliases.split('|');
    }
    const type = field('type');
    if (type !== undefined && type !== '') {
      e.type = type.toLowerCase() as WatchlistEntityType;
    }
    let badIdentifiers: FieldError | undefined;
    const identifiers = field('identifiers');
    if (identifiers !== undefined && identifiers !== '') {
      const pairs = identifiers.split('|').filter((p) => p.trim() !== '');
      const bad = pairs.find((p) => !/^[^:]*[^:\s][^:]*:\s*\S/.test(p));
      if (bad !== undefined) {
        // Reported with whatever else is wrong with the line (checkEntity below).
        badIdentifiers = {
          code: 'VIGIL_SCHEMA_FORMAT',
          path: `${place} identifiers`,
          message: `identifier '${bad.slice(0, 80)}' must be kind:value (such as passport:AB123456), pairs separated by |`,
        };
      }
      e.identifiers = pairs.map((p) => {
        const colon = p.indexOf(':');
        return { kind: p.slice(0, colon).trim().toLowerCase(), value: p.slice(colon + 1).trim() };
      });
    }
    for (const c of ['note', 'source', 'expires'] as const) {
      const v = field(c);
      if (v !== undefined && v !== '') {
        e[c] = v;
      }
    }
    if (badIdentifiers !== undefined) {
      this.problem(badIdentifiers);
      checkEntity(tidyEntity({ ...e, identifiers: [] }), place).forEach((p) => this.problem(p));
      return;
    }
    this.entity(e, place);
  }
}

export class NdjsonListReader extends ListCollector {
  #pending = '';
  #line = 0;

  write(text: string): void {
    const lines = (this.#pending + text).split('\n');
    this.#pending = lines.pop()!;
    for (const l of lines) {
      this.#readLine(l);
    }
  }

  end(): void {
    if (this.#pending !== '') {
      this.#readLine(this.#pending);
      this.#pending = '';
    }
  }

  #readLine(raw: string): void {
    this.#line++;
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || this.full) {
      return;
    }
    const place = `line ${this.#line}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.problem({ code: 'VIGIL_WATCHLIST_PARSE', path: place, message: 'not valid JSON' });
      return;
    }
    if (typeof parsed === 'string') {
      if (parsed.trim() === '') {
        this.problem({ code: 'VIGIL_SCHEMA_REQUIRED', path: place, message: 'empty value' });
      } else {
        this.entity({ value: parsed.trim() }, place);
      }
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      this.problem({
        code: 'VIGIL_WATCHLIST_PARSE',
        path: place,
        message: 'expected a non-empty string or an object with a string "value"',
      });
      return;
    }
    // Fields Vigil does not know are ignored, as before (an export may carry more).
    const known = Object.fromEntries(
      Object.entries(parsed).filter(([k]) => (COLUMNS as readonly string[]).includes(k)),
    );
    const r = entityInputSchema.safeParse(known, { reportInput: true });
    if (!r.success) {
      for (const e of fromZodIssues(r.error.issues, 'the entry')) {
        this.problem({ ...e, path: `${place} ${e.path}` });
      }
      return;
    }
    this.entity(entityOf(r.data), place);
  }
}
