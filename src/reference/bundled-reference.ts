/**
 * The reference data Vigil ships (data/reference/, sources and licences in its README): the HS 2022
 * nomenclature and the codelists, each read once into dated entries. They are loaded into the database
 * on first start (ReferenceService.seedBundled) and are what a validation without a database uses.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILING_TYPES, ReferenceLists } from '../domain/index.ts';
import type { ReferenceEntry, ReferenceKind } from '../domain/index.ts';
import { parseCsv, readReferenceRows } from './reference-csv.ts';

const DATA = join(import.meta.dirname, '../../data');

/** HS 2022 is in force from this day until a later edition is loaded (HS 2027 from 2027-01-01). */
export const HS_2022_FROM = '2022-01-01';

export interface BundledDataset {
  /** `bundled:<name>`, the source recorded with its entries and in the import log. */
  readonly source: string;
  readonly kind: ReferenceKind;
  /** SHA-256 of the file(s) it is read from: a changed file is loaded again. */
  readonly sha256: string;
  readonly entries: readonly ReferenceEntry[];
}

function hsEntries(text: string, source: string): ReferenceEntry[] {
  const [header, ...rows] = parseCsv(text);
  const names = header!.fields;
  const at = (fields: string[], name: string): string => fields[names.indexOf(name)] ?? '';
  // Section TOTAL holds UN Comtrade's own rows (the total, and 99/9999/999999 "not specified
  // according to kind"), which are not HS codes.
  return rows
    .filter((r) => at(r.fields, 'section') !== 'TOTAL')
    .map((r) => {
      const parent = at(r.fields, 'parent');
      return {
        kind: 'hs' as const,
        code: at(r.fields, 'hscode'),
        description: at(r.fields, 'description'),
        validFrom: HS_2022_FROM,
        validUntil: null,
        parent: parent === 'TOTAL' ? null : parent,
        attributes: { edition: 'HS 2022', level: at(r.fields, 'level'), section: at(r.fields, 'section') },
        source,
      };
    });
}

const CODELIST_FILES: readonly [ReferenceKind, string][] = [
  ['countries', 'countries.csv'],
  ['currencies', 'currencies.csv'],
  ['package-types', 'package-types.csv'],
  ['document-types', 'document-types.csv'],
  ['transport-modes', 'transport-modes.csv'],
  ['customs-offices', 'customs-offices.csv'],
];

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function readDatasets(): BundledDataset[] {
  const out: BundledDataset[] = [];
  const hs = readFileSync(join(DATA, 'reference/hs-2022/harmonized-system.csv'), 'utf8');
  out.push({
    source: 'bundled:hs-2022',
    kind: 'hs',
    sha256: sha256(hs),
    entries: hsEntries(hs, 'bundled:hs-2022'),
  });
  for (const [kind, file] of CODELIST_FILES) {
    const text = readFileSync(join(DATA, 'reference', file), 'utf8');
    const source = `bundled:${kind}`;
    const read = readReferenceRows(kind, text, source);
    if (read.errors.length > 0) {
      throw new Error(
        `data/reference/${file}: ${read.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      );
    }
    out.push({ source, kind, sha256: sha256(text), entries: read.entries });
  }
  // Filing types: the catalogue of data/filing-types.json (EUCDM), in force since always.
  const types = [...FILING_TYPES.values()].map((t): ReferenceEntry => ({
    kind: 'filing-types',
    code: t.code,
    description: t.title,
    validFrom: null,
    validUntil: null,
    parent: null,
    attributes: { part: t.part, modes: t.modes.join(';') },
    source: 'bundled:filing-types',
  }));
  out.push({
    source: 'bundled:filing-types',
    kind: 'filing-types',
    sha256: sha256(JSON.stringify(types)),
    entries: types,
  });
  return out;
}

let datasets: readonly BundledDataset[] | undefined;
let lists: ReferenceLists | undefined;

/** The shipped datasets, read once. */
export function bundledDatasets(): readonly BundledDataset[] {
  datasets ??= Object.freeze(readDatasets());
  return datasets;
}

/** The shipped data as lists: what a validation uses when no database is at hand (tests, benches). */
export function bundledReferenceLists(): ReferenceLists {
  lists ??= new ReferenceLists(
    bundledDatasets().flatMap((d) => d.entries),
    'bundled',
  );
  return lists;
}
