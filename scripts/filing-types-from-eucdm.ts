/**
 * Generates `data/filing-types.json`, the ENS filing-type catalogue (F10–F51) with the data set of each
 * type, from the EU Customs Data Model 6 matrix of data elements as mirrored in `mneidhardt/EUCDM`
 * (`data/EUCDM6_DataElements.CSV`). That repository has no licence, so its CSV is read from a path and
 * never copied into Vigil; only the facts (which data element is in which data set, A or C) carry over.
 *
 *   git -C <EUCDM clone> show HEAD:data/EUCDM6_DataElements.CSV > /tmp/eucdm.csv
 *   node scripts/filing-types-from-eucdm.ts /tmp/eucdm.csv --commit $(git -C <EUCDM clone> rev-parse HEAD)
 *
 * Only the F10…F51 presence columns are read: the matrix's author warns that the per-level cardinality
 * columns at the end (D, MC, MI, HC, HI, GS, SI) are wrong. The part of each type (complete, master,
 * house, pre-loading, complement) is derived from the data set by the rules in `derivePart`, explained
 * per type in `data/filing-types.md`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export type Presence = 'A' | 'C';
export type DerivedPart = 'complete' | 'master' | 'house' | 'pre-loading' | 'complement';

export interface DataSetElement {
  readonly de: string;
  readonly name: string;
  readonly presence: Presence;
}

export interface GeneratedFilingType {
  readonly code: string;
  readonly modes: readonly string[];
  readonly part: DerivedPart;
  readonly partEvidence: string;
  readonly title: string;
  readonly titleSource: string;
  readonly dataSet: readonly DataSetElement[];
}

export interface EucdmSource {
  readonly repository: string;
  readonly file: string;
  readonly commit: string;
}

export const EUCDM_REPOSITORY = 'https://github.com/mneidhardt/EUCDM';
export const EUCDM_FILE = 'data/EUCDM6_DataElements.CSV';

/** The official ENS filing types and the modes of each range (issue 17). */
export const OFFICIAL_CODES: readonly string[] = [
  ...['F10', 'F11', 'F12', 'F13', 'F14', 'F15', 'F16'],
  ...['F20', 'F21', 'F22', 'F23', 'F24', 'F25', 'F26', 'F27', 'F28', 'F29'],
  ...['F30', 'F31', 'F32', 'F33'],
  ...['F40', 'F41', 'F42', 'F43', 'F44', 'F45'],
  'F50',
  'F51',
];

const MODES_BY_RANGE: Readonly<Record<string, readonly string[]>> = {
  F1: ['maritime', 'inland-waterway'],
  F2: ['air'],
  F3: ['express'],
  F4: ['postal'],
  F50: ['road'],
  F51: ['rail'],
};

export function modesOf(code: string): readonly string[] {
  const modes = MODES_BY_RANGE[code] ?? MODES_BY_RANGE[code.slice(0, 2)];
  if (modes === undefined) {
    throw new Error(`no modes for filing type ${code}`);
  }
  return modes;
}

const ISSUE = 'issue 17';
const DERIVED = 'derived from the EUCDM data set';

/**
 * Titles: the ones issue 17 states, else a description of what the data set holds (never an invented
 * official name). `titleSource` says which.
 */
const TITLES: Readonly<Record<string, readonly [string, string]>> = {
  F10: ['Maritime: complete dataset, straight bill of lading without house level', ISSUE],
  F11: ['Maritime: complete dataset, master and house level, filed by the carrier', ISSUE],
  F12: ['Maritime: master part in multiple filing (master bill of lading)', ISSUE],
  F13: ['Maritime: partial straight bill of lading filing', ISSUE],
  F14: ['Maritime: house-level set without buyer and seller', DERIVED],
  F15: ['Maritime: house-level set with buyer and seller', DERIVED],
  F16: ['Maritime: buyer and seller set (no goods items)', DERIVED],
  F20: ['Air: complete set with estimated departure and consignment routing', DERIVED],
  F21: ['Air: master part with the active means, naming a supplementary declarant', DERIVED],
  F22: [
    'Air: house-level set without transport, naming a supplementary declarant (same data set as F26)',
    DERIVED,
  ],
  F23: ['Air: 7+1 pre-loading set (no carrier)', ISSUE],
  F24: ['Air: 7+1 pre-loading set naming the carrier', ISSUE],
  F25: ['Air: complement referring to a previous document (no goods items)', DERIVED],
  F26: [
    'Air: house-level set without transport, naming a supplementary declarant (same data set as F22)',
    DERIVED,
  ],
  F27: ['Air: complete set with actual departure and consignment routing', DERIVED],
  F28: ['Air: complete set with estimated departure, without consignment routing', DERIVED],
  F29: ['Air: complete set with actual departure, without consignment routing', DERIVED],
  F30: ['Express: complete reduced set (no notify party, no places of acceptance and delivery)', DERIVED],
  F31: ['Express: complete set with places of acceptance and delivery', DERIVED],
  F32: ['Express: pre-loading set (parties and goods, no transport)', DERIVED],
  F33: ['Express: house-level set without transport, naming a supplementary declarant', DERIVED],
  F40: [
    'Postal: carrier set with receptacles, active and passive means with nationality (no goods items)',
    DERIVED,
  ],
  F41: [
    'Postal: carrier set with receptacles, active and passive means, conveyance reference (no goods items)',
    DERIVED,
  ],
  F42: [
    'Postal: carrier set with receptacles and conveyance reference, no means or equipment (no goods items)',
    DERIVED,
  ],
  F43: ['Postal: item-level pre-loading set with postal value (no transport)', DERIVED],
  F44: ['Postal: receptacle complement (receptacle identification, no goods items)', DERIVED],
  F45: ['Postal: carrier set with receptacles and previous MRN (no goods items)', DERIVED],
  F50: ['Road: complete set with passive means', DERIVED],
  F51: ['Rail: complete set with passive means and conveyance reference', DERIVED],
};

const DE = {
  office: '17 07 000 000',
  description: '18 05 000 000',
  consignor: '13 02 000 000',
  supplementaryDeclarant: '13 15 000 000',
  placeOfAcceptance: '16 16 000 000',
  activeMeans: '19 08 000 000',
} as const;

/**
 * Which part of an ENS a type is, read from its data set (the matrix has no "level" column we can
 * trust):
 * - no goods description and no consignor → `complement` (adds data to a filing lodged by another);
 * - no office of first entry (addressed member state instead), goods but no place of acceptance and no
 *   supplementary declarant → `pre-loading` (the 7+1 style sets);
 * - no office of first entry otherwise → `house` (lodged by a forwarder, no carrier-level data);
 * - office of first entry with a supplementary declarant, or without goods items → `master` (the
 *   carrier's part; the rest is lodged by someone else);
 * - office of first entry, goods and no supplementary declarant → `complete`.
 */
export function derivePart(has: (de: string) => boolean): { part: DerivedPart; evidence: string } {
  if (!has(DE.description) && !has(DE.consignor)) {
    return {
      part: 'complement',
      evidence:
        'no goods description (18 05) and no consignor (13 02): it completes a filing lodged by another',
    };
  }
  if (!has(DE.office)) {
    if (has(DE.description) && !has(DE.placeOfAcceptance) && !has(DE.supplementaryDeclarant)) {
      return {
        part: 'pre-loading',
        evidence:
          'no office of first entry (17 07), no active means (19 08), no place of acceptance (16 16), but consignor, consignee and goods: a pre-loading set',
      };
    }
    return {
      part: 'house',
      evidence:
        'no office of first entry (17 07) and no active means (19 08), but consignor, consignee, goods and place of acceptance: house-level data lodged without the carrier-level part',
    };
  }
  if (has(DE.supplementaryDeclarant)) {
    return {
      part: 'master',
      evidence:
        'office of first entry (17 07) and active means (19 08) with a supplementary declarant (13 15): the carrier-level part, the rest lodged by the supplementary declarant',
    };
  }
  if (!has(DE.description)) {
    return {
      part: 'master',
      evidence:
        'office of first entry (17 07) but no goods items (18 05): the carrier-level part, the goods lodged in other filings',
    };
  }
  return {
    part: 'complete',
    evidence:
      'office of first entry (17 07), active means or transport data, consignor, consignee and goods, no supplementary declarant: the whole ENS in one filing',
  };
}

/** Parses the `;`-separated matrix into one row per data element with its F-column presences. */
export function parseMatrix(csv: string): {
  rows: { de: string; name: string; presence: Map<string, Presence> }[];
} {
  const lines = csv.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.startsWith('#DE No.'));
  if (headerIndex < 0) {
    throw new Error("the matrix has no header row starting '#DE No.'");
  }
  const header = lines[headerIndex]!.split(';');
  const fColumns = header.flatMap((h, i) => (/^F\d\d$/.test(h) ? [[h, i] as const] : []));
  const missing = OFFICIAL_CODES.filter((c) => !fColumns.some(([h]) => h === c));
  if (missing.length > 0) {
    throw new Error(`the matrix lacks the columns ${missing.join(', ')}`);
  }
  const names = new Map<string, string>();
  const rows: { de: string; name: string; presence: Map<string, Presence> }[] = [];
  for (const line of lines.slice(headerIndex + 1)) {
    if (line.startsWith('#') || line.trim() === '') {
      continue;
    }
    const cells = line.split(';');
    const de = cells[0]!.trim();
    if (!/^\d\d \d\d \d{3} \d{3}$/.test(de)) {
      continue; // the author's level markers (1 … 7) and other non-element rows
    }
    const own = (cells[2] ?? '').trim();
    const [group, item, sub, subSub] = de.split(' ') as [string, string, string, string];
    const parent =
      subSub !== '000'
        ? names.get(`${group} ${item} ${sub} 000`)
        : sub !== '000'
          ? names.get(`${group} ${item} 000 000`)
          : undefined;
    const name = parent === undefined || parent === own ? own : `${parent} / ${own}`;
    names.set(de, name);
    const presence = new Map<string, Presence>();
    for (const [code, i] of fColumns) {
      const v = (cells[i] ?? '').trim();
      if (v === 'A' || v === 'C') {
        presence.set(code, v);
      } else if (v !== '') {
        throw new Error(`data element ${de}: unexpected presence '${v}' for ${code}`);
      }
    }
    rows.push({ de, name, presence });
  }
  return { rows };
}

export function buildFilingTypes(csv: string, source: EucdmSource): Record<string, unknown> {
  const { rows } = parseMatrix(csv);
  const types: GeneratedFilingType[] = OFFICIAL_CODES.map((code) => {
    const dataSet = rows.flatMap((r) => {
      const p = r.presence.get(code);
      return p === undefined ? [] : [{ de: r.de, name: r.name, presence: p }];
    });
    const des = new Set(dataSet.map((e) => e.de));
    const { part, evidence } = derivePart((de) => des.has(de));
    const [title, titleSource] = TITLES[code]!;
    return { code, modes: modesOf(code), part, partEvidence: evidence, title, titleSource, dataSet };
  });
  return {
    $comment:
      'ENS filing types F10–F51 with their data sets (EUCDM DE number, name, presence A = required subject to conditions, C = conditional; an element not listed is not in the data set). Generated by scripts/filing-types-from-eucdm.ts; do not edit by hand. Part and titles: see data/filing-types.md.',
    $source: {
      repository: source.repository,
      file: source.file,
      commit: source.commit,
      note: 'EU Customs Data Model 6, matrix of data elements per ENS filing type (columns F10–F51); the per-level cardinality columns are not used (wrong per the author)',
    },
    types,
  };
}

/** The JSON text as checked in: one line per data element, so a change to the matrix diffs by line. */
export function renderFilingTypes(doc: Record<string, unknown>): string {
  const types = doc['types'] as GeneratedFilingType[];
  const head = JSON.stringify({ $comment: doc['$comment'], $source: doc['$source'] }, null, 2).slice(0, -2);
  const body = types.map((t) => {
    const { dataSet, ...rest } = t;
    const fields = Object.entries(rest).map(([k, v]) => `      ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    const elements = dataSet.map((e) => `        ${JSON.stringify(e)}`).join(',\n');
    return `    {\n${fields.join(',\n')},\n      "dataSet": [\n${elements}\n      ]\n    }`;
  });
  return `${head},\n  "types": [\n${body.join(',\n')}\n  ]\n}\n`;
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { commit: { type: 'string' }, out: { type: 'string' } },
  });
  const [csvPath] = positionals;
  if (csvPath === undefined || values.commit === undefined) {
    process.stderr.write(
      'usage: node scripts/filing-types-from-eucdm.ts <EUCDM6_DataElements.CSV> --commit <sha> [--out data/filing-types.json]\n',
    );
    process.exit(2);
  }
  const out = values.out ?? join(import.meta.dirname, '..', 'data', 'filing-types.json');
  const doc = buildFilingTypes(readFileSync(csvPath, 'utf8'), {
    repository: EUCDM_REPOSITORY,
    file: EUCDM_FILE,
    commit: values.commit,
  });
  writeFileSync(out, renderFilingTypes(doc));
  process.stderr.write(`wrote ${out}\n`);
}
