/**
 * The records of a registry import file (operators, AEO authorisations, certificates …): CSV with a
 * header row, NDJSON (one JSON object a line) or a JSON array, each record an object of its fields
 * with where it came from, and every line that cannot be read reported with its line and a code.
 * Checking what a record says is the registry's job; this only reads.
 */
import { setImmediate } from 'node:timers/promises';
import type { z } from 'zod';
import { fromZodIssues } from '../errors/index.ts';
import type { FieldError } from '../errors/index.ts';

export const RECORD_FORMATS = ['csv', 'ndjson', 'json'] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

export interface FileRecord {
  /** Its place among the file's records, from 0 (the `$[i]` of its errors). */
  readonly index: number;
  /** The line it is on (CSV, NDJSON), from 1; undefined in a JSON array. */
  readonly line: number | undefined;
  readonly value: Readonly<Record<string, unknown>>;
}

export interface RecordFile {
  readonly records: readonly FileRecord[];
  readonly errors: readonly FieldError[];
}

/** Where a record is, for a message: its line, else its place. */
export function whereIs(r: { readonly index: number; readonly line: number | undefined }): string {
  return r.line !== undefined ? `line ${r.line}` : `record ${r.index + 1}`;
}

/** How long checking an import's records may hold the event loop before it yields. */
const YIELD_EVERY_MS = 20;

/**
 * One record of an import file, told by its `record` field (default `fallback`), in turn: a large
 * file is checked in slices, the event loop given back every 20 ms. A record of a kind the registry
 * does not hold comes with its error instead (VIGIL_REGISTRY_RECORD_UNKNOWN at `$[i].record`).
 */
export async function* recordsInSlices<K extends string>(
  records: readonly FileRecord[],
  kinds: readonly K[],
  fallback: K,
  registry: string,
): AsyncGenerator<
  | {
      readonly record: FileRecord;
      readonly kind: K;
      readonly fields: Record<string, unknown>;
      readonly at: string;
      readonly where: string;
    }
  | { readonly record: FileRecord; readonly error: FieldError }
> {
  let slice = performance.now();
  for (const r of records) {
    if (performance.now() - slice > YIELD_EVERY_MS) {
      await setImmediate();
      slice = performance.now();
    }
    const at = `$[${r.index}]`;
    const where = `${whereIs(r)}: `;
    const { record: rawKind, ...fields } = r.value as { record?: unknown };
    const kind = (rawKind ?? fallback) as K;
    if (!kinds.includes(kind)) {
      yield {
        record: r,
        error: {
          code: 'VIGIL_REGISTRY_RECORD_UNKNOWN',
          path: `${at}.record`,
          message: `${where}'${String(rawKind)}' is not a record of this ${registry} (${kinds.join(', ')})`,
        },
      };
      continue;
    }
    yield { record: r, kind, fields, at, where };
  }
}

/** Splits one CSV record (RFC 4180 quoting); undefined for an unterminated quote. */
function splitCsvLine(line: string, separator: string): string[] | undefined {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field.trim() === '') {
      field = '';
      quoted = true;
    } else if (c === separator) {
      out.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  if (quoted) {
    return undefined;
  }
  out.push(field);
  return out;
}

function readCsv(text: string): RecordFile {
  const lines = text.split(/\r?\n/);
  const headerLine = (lines[0] ?? '').replace(/^\uFEFF/, '');
  // Spreadsheets in locales with a decimal comma write semicolons.
  const bare = headerLine.replace(/"[^"]*"/g, '');
  const separator = bare.includes(';') && !bare.includes(',') ? ';' : ',';
  const header = splitCsvLine(headerLine, separator)?.map((h) => h.trim());
  if (header === undefined || header.every((h) => h === '')) {
    return {
      records: [],
      errors: [
        {
          code: 'VIGIL_REGISTRY_ROW_UNREADABLE',
          path: '$',
          message: 'line 1: the first line names the columns (a header row)',
        },
      ],
    };
  }
  const records: FileRecord[] = [];
  const errors: FieldError[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') {
      continue;
    }
    const index = records.length + errors.filter((e) => e.code === 'VIGIL_REGISTRY_ROW_UNREADABLE').length;
    const fields = splitCsvLine(line, separator);
    if (fields === undefined || fields.length > header.length) {
      errors.push({
        code: 'VIGIL_REGISTRY_ROW_UNREADABLE',
        path: `$[${index}]`,
        message: `line ${i + 1}: ${fields === undefined ? 'a quoted field is not closed' : `${fields.length} fields for ${header.length} columns`}`,
      });
      continue;
    }
    const value: Record<string, unknown> = {};
    header.forEach((name, k) => {
      const cell = fields[k]?.trim() ?? '';
      // An empty cell is an absent field, as in a JSON record that leaves it out.
      if (name !== '' && cell !== '') {
        value[name] = cell;
      }
    });
    records.push({ index, line: i + 1, value });
  }
  return { records, errors };
}

function readNdjson(text: string): RecordFile {
  const records: FileRecord[] = [];
  const errors: FieldError[] = [];
  let index = 0;
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') {
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      errors.push({
        code: 'VIGIL_REGISTRY_ROW_UNREADABLE',
        path: `$[${index}]`,
        message: `line ${i + 1}: not a JSON object`,
      });
    } else {
      records.push({ index, line: i + 1, value: value as Record<string, unknown> });
    }
    index++;
  });
  return { records, errors };
}

function readJson(body: unknown): RecordFile {
  if (!Array.isArray(body)) {
    return {
      records: [],
      errors: [
        { code: 'VIGIL_REGISTRY_ROW_UNREADABLE', path: '$', message: 'a JSON import is an array of records' },
      ],
    };
  }
  const records: FileRecord[] = [];
  const errors: FieldError[] = [];
  body.forEach((value: unknown, index) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      errors.push({
        code: 'VIGIL_REGISTRY_ROW_UNREADABLE',
        path: `$[${index}]`,
        message: `record ${index + 1}: not a JSON object`,
      });
    } else {
      records.push({ index, line: undefined, value: value as Record<string, unknown> });
    }
  });
  return { records, errors };
}

/** Reads a file's records: `body` is the text (CSV, NDJSON) or the parsed JSON array. */
export function readRecords(body: unknown, format: RecordFormat): RecordFile {
  if (format === 'json') {
    return readJson(body);
  }
  const text = typeof body === 'string' ? body : '';
  return format === 'csv' ? readCsv(text) : readNdjson(text);
}

/** The format of a file by its name: .csv, .ndjson/.jsonl, .json. */
export function formatOfFile(name: string): RecordFormat | undefined {
  const lower = name.toLowerCase();
  return lower.endsWith('.csv')
    ? 'csv'
    : lower.endsWith('.ndjson') || lower.endsWith('.jsonl')
      ? 'ndjson'
      : lower.endsWith('.json')
        ? 'json'
        : undefined;
}

/** The content types an import takes, and the format of each. */
export const RECORD_CONTENT_TYPES: Readonly<Record<string, RecordFormat>> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/json': 'json',
};

/** The format of an import body by its content type (parameters such as charset ignored). */
export function formatOfContentType(contentType: string | undefined): RecordFormat | undefined {
  return RECORD_CONTENT_TYPES[
    String(contentType ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase()
  ];
}

/**
 * A record's fields read with its kind's schema: the value, or its errors at the record's place
 * (`$[i]…`) with where it is in the file.
 */
export function parseRecord<T>(
  schema: z.ZodType<T>,
  fields: Record<string, unknown>,
  kind: string,
  at: string,
  where: string,
): { ok: true; value: T } | { ok: false; errors: FieldError[] } {
  const r = schema.safeParse(fields, { reportInput: true });
  return r.success
    ? { ok: true, value: r.data }
    : {
        ok: false,
        errors: fromZodIssues(r.error.issues, `the ${kind} record`).map((e) => ({
          ...e,
          path: e.path.replace(/^\$/, at),
          message: `${where}${e.message}`,
        })),
      };
}

/** The place in the file (`$[i]`) an error is about; -1 for the file as a whole. */
export function indexOfPath(path: string): number {
  const m = /^\$\[(\d+)\]/.exec(path);
  return m === null ? -1 : Number(m[1]);
}

/** How many records the errors are about (several errors may name one record). */
export function badRecords(errors: readonly FieldError[]): number {
  return new Set(errors.map((e) => indexOfPath(e.path)).filter((i) => i >= 0)).size;
}
