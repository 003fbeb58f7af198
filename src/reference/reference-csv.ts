/**
 * Reads a reference data file (CSV with a header row) into dated entries of one kind, reporting every
 * malformed row with its line, a stable code and what is wrong, so that an import loads nothing
 * partial unless asked to skip the bad rows. Columns: `code`, `description` (required), `valid_from`,
 * `valid_until` (YYYY-MM-DD, both inclusive, empty: open), `parent` (the nomenclature), `roles` (customs
 * offices: entry, import, export, transit, separated by `;`); any other column is kept as an attribute.
 */
import { CUSTOMS_OFFICE_ROLES, REFERENCE_KIND_INFO } from '../domain/index.ts';
import type { ReferenceEntry, ReferenceKind } from '../domain/index.ts';
import type { FieldError } from '../errors/index.ts';

/** Rows of an RFC 4180 CSV text (quoted fields, doubled quotes, CRLF or LF), with their line numbers. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let any = false;
  const endRow = (): void => {
    fields.push(field);
    if (any || fields.length > 1 || field !== '') {
      rows.push({ line: rowLine, fields });
    }
    fields = [];
    field = '';
    any = false;
  };
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (ch === '\n') {
          line++;
        }
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoted = true;
      any = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      any = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') {
        i++;
      }
      endRow();
      line++;
      rowLine = line;
    } else {
      field += ch;
    }
  }
  if (field !== '' || fields.length > 0 || any) {
    endRow();
  }
  return rows;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isDay(s: string): boolean {
  if (!DAY.test(s)) {
    return false;
  }
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The code a nomenclature code's parent has: an HS subheading's heading, a CN code's HS6 … */
function parentShape(kind: ReferenceKind, code: string): RegExp | undefined {
  switch (kind) {
    case 'hs':
      return code.length === 2 ? undefined : new RegExp(`^${code.slice(0, code.length - 2)}$`);
    case 'cn':
      return new RegExp(`^${code.slice(0, 6)}$`);
    case 'taric':
      return new RegExp(`^${code.slice(0, 8)}$`);
    case 'countries':
    case 'currencies':
    case 'package-types':
    case 'document-types':
    case 'transport-modes':
    case 'filing-types':
    case 'customs-offices':
    case 'measures':
      return undefined;
  }
}

export interface ReferenceRows {
  readonly entries: ReferenceEntry[];
  readonly errors: FieldError[];
  /** Data rows read (the header not counted). */
  readonly rows: number;
  /** Data rows with at least one error. */
  readonly badRows: number;
}

/**
 * A reference file's table: its column names (trimmed, lower case) and data rows, and the errors
 * found, each a VIGIL_REFERENCE_ROW_INVALID at its line. A file without the header row it needs
 * (`required` columns, none twice) is `unusable`: that one error, and no rows to read.
 */
export interface ReferenceTable {
  readonly names: readonly string[];
  readonly rows: readonly { line: number; fields: string[] }[];
  readonly errors: FieldError[];
  readonly unusable: boolean;
  /** Reports a problem of the row on `line`. */
  readonly bad: (line: number, message: string) => void;
}

export function readReferenceTable(text: string, required: readonly string[]): ReferenceTable {
  const table = parseCsv(text);
  const errors: FieldError[] = [];
  const bad = (line: number, message: string): void => {
    errors.push({ code: 'VIGIL_REFERENCE_ROW_INVALID', path: `line ${line}`, message });
  };
  const header = table[0];
  if (header === undefined) {
    bad(1, `the file is empty: it needs a header row (${required.join(',')} …) and rows`);
    return { names: [], rows: [], errors, unusable: true, bad };
  }
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const missing = required.filter((n) => !names.includes(n));
  const duplicates = names.filter((n, i) => n !== '' && names.indexOf(n) !== i);
  if (missing.length > 0) {
    bad(header.line, `the header row needs the column(s) ${missing.join(', ')} (it has ${names.join(', ')})`);
  } else if (duplicates.length > 0) {
    bad(header.line, `the header row names ${duplicates.join(', ')} twice`);
  }
  return { names, rows: table.slice(1), errors, unusable: errors.length > 0, bad };
}

/** Reads `text` as entries of `kind`, each from `source`; every malformed row is reported. */
export function readReferenceRows(kind: ReferenceKind, text: string, source: string): ReferenceRows {
  const { names, rows, errors, unusable, bad } = readReferenceTable(text, ['code', 'description']);
  const entries: ReferenceEntry[] = [];
  if (unusable) {
    return { entries, errors, rows: rows.length, badRows: 0 };
  }
  const col = (name: string): number => names.indexOf(name);
  const known = new Set(['code', 'description', 'valid_from', 'valid_until', 'parent']);
  const info = REFERENCE_KIND_INFO[kind];
  const seen = new Map<string, number>();
  let badRows = 0;
  for (const row of rows) {
    const before = errors.length;
    const at = (name: string): string => {
      const i = col(name);
      return i < 0 ? '' : (row.fields[i] ?? '').trim();
    };
    if (row.fields.length !== names.length) {
      bad(row.line, `the row has ${row.fields.length} column(s), the header ${names.length}`);
      badRows++;
      continue;
    }
    const code = at('code');
    const description = at('description');
    const from = at('valid_from');
    const until = at('valid_until');
    const parent = at('parent');
    if (!info.pattern.test(code)) {
      bad(row.line, `code '${code}' is not a code of the ${info.title} (${String(info.pattern)})`);
    }
    if (description === '') {
      bad(row.line, `code '${code}' has no description`);
    } else if (description.length > 1000) {
      bad(row.line, `the description of '${code}' is longer than 1000 characters`);
    }
    for (const [name, value] of [
      ['valid_from', from],
      ['valid_until', until],
    ] as const) {
      if (value !== '' && !isDay(value)) {
        bad(row.line, `${name} '${value}' is not a date (YYYY-MM-DD)`);
      }
    }
    if (isDay(from) && isDay(until) && until < from) {
      bad(row.line, `valid_until ${until} is before valid_from ${from}`);
    }
    const shape = parentShape(kind, code);
    if (parent !== '' && shape !== undefined && info.pattern.test(code) && !shape.test(parent)) {
      bad(
        row.line,
        `the parent of '${code}' is the code it extends (${shape.source.slice(1, -1)}), not '${parent}'`,
      );
    }
    const attributes: Record<string, string> = {};
    for (const [i, name] of names.entries()) {
      if (!known.has(name) && name !== '') {
        const v = (row.fields[i] ?? '').trim();
        if (v !== '') {
          attributes[name] = v;
        }
      }
    }
    if (kind === 'customs-offices') {
      const roles = (attributes['roles'] ?? '').split(/[;\s]+/).filter((r) => r !== '');
      const unknown = roles.filter((r) => !(CUSTOMS_OFFICE_ROLES as readonly string[]).includes(r));
      if (roles.length === 0) {
        bad(row.line, `office '${code}' has no roles (${CUSTOMS_OFFICE_ROLES.join(', ')}, separated by ;)`);
      } else if (unknown.length > 0) {
        bad(
          row.line,
          `office '${code}' has unknown role(s) ${unknown.join(', ')} (${CUSTOMS_OFFICE_ROLES.join(', ')})`,
        );
      } else {
        attributes['roles'] = [...new Set(roles)].join(';');
      }
    }
    const key = `${code}|${from}`;
    const first = seen.get(key);
    if (first !== undefined) {
      bad(row.line, `code '${code}' from ${from === '' ? 'always' : from} is already on line ${first}`);
    } else {
      seen.set(key, row.line);
    }
    if (errors.length > before) {
      badRows++;
      continue;
    }
    entries.push({
      kind,
      code,
      description,
      validFrom: from === '' ? null : from,
      validUntil: until === '' ? null : until,
      parent: parent === '' ? (shape === undefined ? null : shape.source.slice(1, -1)) : parent,
      attributes,
      source,
    });
  }
  return { entries, errors, rows: rows.length, badRows };
}
