/**
 * The labelled set of `bench:screening` (issue 19): listed entities read from public sanctions lists
 * (the US OFAC SDN list with its aliases; the UN Security Council consolidated list when its XML is
 * present, with aliases and original-script names), queries that are variants of listed names (real
 * aliases and original-script names held out of the list, and generated variants: typos, word order,
 * joined words, legal forms dropped or changed, extra words, names cut at 35 characters, Cyrillic and
 * Greek spellings), and names that are not listed (held-back entities of the lists, the BIS Denied
 * Persons List, OFAC's non-SDN lists). Everything is drawn from a seeded generator, so a run is
 * repeatable; queries are split by entity into a development half and a report half.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nameKey, normalizeName } from '../src/risk/fuzzy.ts';
import { mulberry32 } from '../src/domain/index.ts';

const DATA = fileURLToPath(new URL('./data/screening/', import.meta.url));

export type EntityKind = 'person' | 'organisation' | 'vessel' | 'aircraft';

/** One listed party: a name, its aliases and original-script forms. */
export interface ListedEntity {
  readonly id: string;
  readonly kind: EntityKind;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly originalScript: readonly string[];
}

export type VariantKind =
  | 'exact'
  | 'alias'
  | 'original-script-arabic'
  | 'original-script-other'
  | 'typo'
  | 'word-order'
  | 'joined-words'
  | 'legal-form'
  | 'extra-words'
  | 'cut-35'
  | 'cyrillic'
  | 'greek';

export type UnlistedKind = 'held-back' | 'bis-dpl' | 'ofac-non-sdn';

export interface Query {
  readonly text: string;
  /** The entity it names, or undefined for an unlisted name. */
  readonly entity: string | undefined;
  readonly kind: VariantKind | UnlistedKind;
  readonly half: 'dev' | 'report';
}

export interface ScreeningSet {
  /** The list: each entry a name of a listed entity. */
  readonly entries: readonly { readonly value: string; readonly entity: string }[];
  readonly entities: ReadonlyMap<string, ListedEntity>;
  readonly queries: readonly Query[];
  readonly sources: readonly string[];
}

/** RFC 4180 fields of one line (the OFAC files put every record on one line). */
function csvFields(line: string, separator = ','): string[] {
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
    } else if (c === '"') {
      quoted = true;
    } else if (c === separator) {
      out.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  out.push(field);
  return out.map((f) => f.trim()).map((f) => (f === '-0-' ? '' : f));
}

function lines(file: string): string[] {
  return readFileSync(DATA + file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
}

/** The OFAC SDN list (sdn.csv + alt.csv, the legacy CSV format). */
function readSdn(): ListedEntity[] {
  const byId = new Map<string, { kind: EntityKind; name: string; aliases: string[] }>();
  for (const l of lines('ofac-sdn.csv')) {
    const f = csvFields(l);
    if (f.length < 3) {
      continue; // the DOS end-of-file mark
    }
    const type = f[2]!.toLowerCase();
    const kind: EntityKind =
      type === 'individual'
        ? 'person'
        : type === 'vessel'
          ? 'vessel'
          : type === 'aircraft'
            ? 'aircraft'
            : 'organisation';
    if (f[1] !== undefined && f[1] !== '') {
      byId.set(f[0]!, { kind, name: f[1], aliases: [] });
    }
  }
  for (const l of lines('ofac-alt.csv')) {
    const f = csvFields(l);
    const e = byId.get(f[0]!);
    if (e !== undefined && f[3] !== undefined && f[3] !== '') {
      e.aliases.push(f[3]);
    }
  }
  return [...byId].map(([id, e]) => ({ id: `ofac-${id}`, ...e, originalScript: [] }));
}

function xmlText(block: string, tag: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g');
  for (let m = re.exec(block); m !== null; m = re.exec(block)) {
    const v = m[1]!
      .replace(/&amp;/g, '&')
      .replace(/&apos;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .trim();
    if (v !== '') {
      out.push(v);
    }
  }
  return out;
}

/** The UN Security Council consolidated list (its XML), when present (see the data README). */
function readUn(): ListedEntity[] {
  const file = DATA + 'local/un-consolidated.xml';
  if (!existsSync(file)) {
    return [];
  }
  const xml = readFileSync(file, 'utf8');
  const out: ListedEntity[] = [];
  for (const [tag, kind] of [
    ['INDIVIDUAL', 'person'],
    ['ENTITY', 'organisation'],
  ] as const) {
    const re = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g');
    for (let m = re.exec(xml); m !== null; m = re.exec(xml)) {
      const b = m[1]!;
      const parts = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME'].flatMap((t) => xmlText(b, t));
      if (parts.length === 0) {
        continue;
      }
      out.push({
        id: `un-${xmlText(b, 'DATAID')[0]}`,
        kind,
        name: parts.join(' '),
        aliases: xmlText(b, 'ALIAS_NAME'),
        originalScript: xmlText(b, 'NAME_ORIGINAL_SCRIPT'),
      });
    }
  }
  return out;
}

const ARABIC = /[\u0600-\u06ff]/;

/** Words a name may be extended by on a filing (trading names, branches, places). */
const EXTRA_WORDS = [
  'Trading',
  'International',
  'Group',
  'Holding',
  'General Trading',
  'Import Export',
  'Shipping',
  'Logistics',
  'Industries',
  'Global',
  'Services',
  'Dubai',
  'Branch',
  'FZE',
  'Enterprises',
];

/** Legal forms a filer may write for the same company (dotted and national forms included). */
const LEGAL_FORMS = [
  'Ltd',
  'LLC',
  'L.L.C.',
  'S.A.',
  'GmbH',
  'Co., Ltd.',
  'Inc.',
  'S.R.L.',
  'JSC',
  'OOO',
  'FZE',
  'PLC',
];
const LEGAL_FORM =
  /\b(CO\.?,? ?LTD\.?|LTD\.?|LIMITED|LLC|L\.L\.C\.|INC\.?|CORP(ORATION)?\.?|S\.?A\.?|GMBH|JSC|PJSC|OJSC|CJSC|PLC|COMPANY|CO\.)$/i;

function typo(word: string, rnd: () => number): string {
  const i = Math.floor(rnd() * word.length);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const r = rnd();
  if (r < 0.25 && word.length > 1) {
    return word.slice(0, i) + word.slice(i + 1); // deletion
  }
  if (r < 0.5) {
    return word.slice(0, i) + letters[Math.floor(rnd() * 26)] + word.slice(i); // insertion
  }
  if (r < 0.75 && i + 1 < word.length) {
    return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2); // swap
  }
  return word.slice(0, i) + letters[Math.floor(rnd() * 26)] + word.slice(i + 1); // substitution
}

/** One or two typos (two in a word of eight letters or more), in one or two words. */
function typos(name: string, rnd: () => number): string {
  const words = name.split(' ');
  const long = words.map((w, i) => [w, i] as const).filter(([w]) => w.replace(/[^A-Za-z]/g, '').length >= 4);
  if (long.length === 0) {
    return name;
  }
  const [w, i] = long[Math.floor(rnd() * long.length)]!;
  let out = typo(w.toLowerCase(), rnd);
  if (w.length >= 8 && rnd() < 0.5) {
    out = typo(out, rnd);
  }
  words[i] = out.toUpperCase();
  return words.join(' ');
}

/** "LAST, First Middle" → "First Middle LAST"; otherwise the words rotated. */
function wordOrder(name: string): string {
  const comma = name.indexOf(',');
  if (comma > 0) {
    return `${name.slice(comma + 1).trim()} ${name.slice(0, comma).trim()}`;
  }
  const words = name.split(' ');
  return [...words.slice(1), words[0]!].join(' ');
}

function joinedWords(name: string, rnd: () => number): string {
  const words = name.replace(/,/g, '').split(' ');
  if (words.length < 2) {
    return name;
  }
  const i = Math.floor(rnd() * (words.length - 1));
  return [...words.slice(0, i), words[i]! + words[i + 1]!, ...words.slice(i + 2)].join(' ');
}

const CYRILLIC: readonly [string, string][] = [
  ['shch', 'щ'],
  ['sh', 'ш'],
  ['ch', 'ч'],
  ['kh', 'х'],
  ['zh', 'ж'],
  ['ts', 'ц'],
  ['ya', 'я'],
  ['yu', 'ю'],
  ['a', 'а'],
  ['b', 'б'],
  ['c', 'к'],
  ['d', 'д'],
  ['e', 'е'],
  ['f', 'ф'],
  ['g', 'г'],
  ['h', 'х'],
  ['i', 'и'],
  ['j', 'дж'],
  ['k', 'к'],
  ['l', 'л'],
  ['m', 'м'],
  ['n', 'н'],
  ['o', 'о'],
  ['p', 'п'],
  ['q', 'к'],
  ['r', 'р'],
  ['s', 'с'],
  ['t', 'т'],
  ['u', 'у'],
  ['v', 'в'],
  ['w', 'в'],
  ['x', 'кс'],
  ['y', 'й'],
  ['z', 'з'],
];

const GREEK: readonly [string, string][] = [
  ['th', 'θ'],
  ['ph', 'φ'],
  ['ch', 'τσ'],
  ['sh', 'σ'],
  ['kh', 'χ'],
  ['ou', 'ου'],
  ['a', 'α'],
  ['b', 'μπ'],
  ['c', 'κ'],
  ['d', 'ντ'],
  ['e', 'ε'],
  ['f', 'φ'],
  ['g', 'γκ'],
  ['h', 'χ'],
  ['i', 'ι'],
  ['j', 'τζ'],
  ['k', 'κ'],
  ['l', 'λ'],
  ['m', 'μ'],
  ['n', 'ν'],
  ['o', 'ο'],
  ['p', 'π'],
  ['q', 'κ'],
  ['r', 'ρ'],
  ['s', 'σ'],
  ['t', 'τ'],
  ['u', 'ου'],
  ['v', 'β'],
  ['w', 'ου'],
  ['x', 'ξ'],
  ['y', 'ι'],
  ['z', 'ζ'],
];

/** A Latin-script name as a Russian or Greek clerk would write it (letter by letter, digraphs first). */
function toScript(name: string, table: readonly [string, string][]): string {
  const s = name.toLowerCase();
  let out = '';
  for (let i = 0; i < s.length;) {
    const hit = table.find(([from]) => s.startsWith(from, i));
    if (hit !== undefined) {
      out += hit[1];
      i += hit[0].length;
    } else {
      out += s[i];
      i++;
    }
  }
  // Greek writes a final sigma.
  return table === GREEK ? out.replace(/σ(?=$|[^α-ω])/g, 'ς') : out;
}

function pick<T>(xs: readonly T[], rnd: () => number): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

/** Splits by entity: a fixed hash of the entity id decides its half. */
function halfOf(id: string): 'dev' | 'report' {
  let h = 19;
  for (let i = 0; i < id.length; i++) {
    h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  }
  return (h >>> 3) % 2 === 0 ? 'dev' : 'report';
}

/** Builds the set: `heldBack` of the entities stay off the list and serve as unlisted names. */
export function buildScreeningSet(options: { seed?: number; heldBack?: number } = {}): ScreeningSet {
  const rnd = mulberry32(options.seed ?? 19);
  const heldBackShare = options.heldBack ?? 0.15;
  const un = readUn();
  const all = [...readSdn(), ...un];
  const listed: ListedEntity[] = [];
  const held: ListedEntity[] = [];
  for (const e of all) {
    (rnd() < heldBackShare ? held : listed).push(e);
  }
  const entities = new Map(listed.map((e) => [e.id, e]));
  const queries: Query[] = [];
  const entries: { value: string; entity: string }[] = [];
  const add = (text: string, e: ListedEntity, kind: VariantKind): void => {
    if (text.trim() !== '') {
      queries.push({ text, entity: e.id, kind, half: halfOf(e.id) });
    }
  };
  for (const e of listed) {
    // One real alias per entity (where it has one) is held out of the list and asked for.
    const asked = e.aliases.length > 0 && rnd() < 0.5 ? pick(e.aliases, rnd) : undefined;
    for (const v of [e.name, ...e.aliases]) {
      if (v !== asked) {
        entries.push({ value: v, entity: e.id });
      }
    }
    if (asked !== undefined) {
      add(asked, e, 'alias');
    }
    for (const o of e.originalScript) {
      add(o, e, ARABIC.test(o) ? 'original-script-arabic' : 'original-script-other');
    }
    const n = e.name;
    const r = rnd();
    // Each entity gives a few variants of its name, drawn so that every class is well represented.
    if (r < 0.1) {
      add(n, e, 'exact');
    }
    if (rnd() < 0.4) {
      add(typos(n, rnd), e, 'typo');
    }
    if (rnd() < 0.5) {
      add(wordOrder(n), e, 'word-order');
    }
    if (rnd() < 0.4 && n.split(' ').length >= 2) {
      add(joinedWords(n, rnd), e, 'joined-words');
    }
    if (e.kind === 'organisation' && rnd() < 0.6) {
      const bare = n.replace(LEGAL_FORM, '').replace(/[ ,.]+$/, '');
      add(
        bare !== n
          ? rnd() < 0.5
            ? bare
            : `${bare} ${pick(LEGAL_FORMS, rnd)}`
          : `${n} ${pick(LEGAL_FORMS, rnd)}`,
        e,
        'legal-form',
      );
    }
    if (e.kind !== 'person' && rnd() < 0.4) {
      add(`${n.replace(/,/g, '')} ${pick(EXTRA_WORDS, rnd)}`, e, 'extra-words');
    }
    if (n.length > 35) {
      add(n.slice(0, 35), e, 'cut-35');
    }
    if (rnd() < 0.12) {
      add(toScript(n.replace(/,/g, ''), CYRILLIC), e, 'cyrillic');
    }
    if (rnd() < 0.08) {
      add(toScript(n.replace(/,/g, ''), GREEK), e, 'greek');
    }
  }
  // Unlisted names: never one whose normalised form is a listed name (that one is listed).
  const listedKeys = new Set(entries.map((x) => nameKey(normalizeName(x.value))));
  const unlisted = (text: string | undefined, kind: UnlistedKind, key: string): void => {
    if (text !== undefined && text.trim() !== '' && !listedKeys.has(nameKey(normalizeName(text)))) {
      queries.push({ text, entity: undefined, kind, half: halfOf(key) });
    }
  };
  for (const e of held) {
    for (const v of [e.name, ...e.aliases]) {
      unlisted(v, 'held-back', e.id);
    }
  }
  const dpl = lines('bis-dpl.txt').slice(1);
  for (const l of dpl) {
    const name = csvFields(l, '\t')[0]!;
    unlisted(name, 'bis-dpl', `dpl-${name}`);
  }
  for (const l of lines('ofac-cons-prim.csv')) {
    const f = csvFields(l);
    unlisted(f[1], 'ofac-non-sdn', `cons-${f[0]}`);
  }
  const sources = [
    `OFAC SDN: ${all.length - un.length} entities`,
    un.length > 0
      ? `UN consolidated: ${un.length} entities`
      : 'UN consolidated: not present (bench/data/screening/local/un-consolidated.xml), skipped',
    `held back (unlisted): ${held.length} entities`,
    `BIS DPL: ${dpl.length} names`,
  ];
  return { entries, entities, queries, sources };
}
