/**
 * Watchlists: named lists an analyst keeps of operators (names, addresses, EORIs), containers,
 * transport documents, HS codes and countries, and the lookups rules make against them. Exact lists
 * are Sets; HS lists match by prefix; name and address lists match fuzzily through an inverted index
 * of word deletion-neighbourhoods, so a lookup in 100,000 names scores a handful of candidates instead
 * of scanning the list. Bulk loading parses CSV or NDJSON text; reading files is the caller's job.
 */
import {
  anchorWords,
  deletionKeys,
  fuzzyScoreNormalized,
  normalizeName,
  tokenSimilarity,
  type NormalizedName,
} from './fuzzy.ts';

export const WATCHLIST_SUBJECTS = [
  'operator-name',
  'operator-address',
  'eori',
  'container',
  'transport-document',
  'hs-code',
  'country',
] as const;
export type WatchlistSubject = (typeof WATCHLIST_SUBJECTS)[number];

/** How values are compared: exactly (after upper-casing and removing spaces), by prefix, or fuzzily. */
export type WatchlistMatchKind = 'exact' | 'prefix' | 'fuzzy';

export function matchKindOf(subject: WatchlistSubject): WatchlistMatchKind {
  switch (subject) {
    case 'operator-name':
    case 'operator-address':
      return 'fuzzy';
    case 'hs-code':
      return 'prefix';
    case 'eori':
    case 'container':
    case 'transport-document':
    case 'country':
      return 'exact';
  }
}

export interface WatchlistEntry {
  readonly value: string;
  /** Why it is listed, for the analyst (never shown to filers). */
  readonly note?: string | undefined;
}

export interface WatchlistDefinition {
  readonly name: string;
  readonly subject: WatchlistSubject;
  /** Fuzzy lists: the score from which a value counts as listed when a rule gives no threshold. */
  readonly threshold?: number | undefined;
  readonly entries: readonly WatchlistEntry[];
}

export interface WatchlistMatch {
  readonly entry: string;
  readonly score: number;
}

/** Lowest threshold the fuzzy index answers without a full scan (see `indexTokensOf`). */
export const MIN_INDEXED_THRESHOLD = 0.6;
export const DEFAULT_FUZZY_THRESHOLD = 0.85;

/** Stored form of exact values: identifiers are compared without case or spaces. */
export function normalizeExact(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** One named list, immutable once built. */
export class Watchlist {
  readonly name: string;
  readonly subject: WatchlistSubject;
  readonly kind: WatchlistMatchKind;
  readonly threshold: number;
  readonly size: number;
  readonly #exact: ReadonlySet<string>;
  readonly #prefixLengths: readonly number[];
  readonly #fuzzy: FuzzyIndex | undefined;
  readonly #values: readonly string[];

  constructor(definition: WatchlistDefinition) {
    this.name = definition.name;
    this.subject = definition.subject;
    this.kind = matchKindOf(definition.subject);
    this.threshold = definition.threshold ?? DEFAULT_FUZZY_THRESHOLD;
    this.#values = Object.freeze(definition.entries.map((e) => e.value));
    this.size = this.#values.length;
    if (this.kind === 'fuzzy') {
      this.#exact = new Set();
      this.#prefixLengths = [];
      this.#fuzzy = new FuzzyIndex(this.#values);
    } else {
      const set = new Set(this.#values.map(normalizeExact));
      this.#exact = set;
      this.#prefixLengths = [...new Set([...set].map((v) => v.length))].sort((a, b) => a - b);
      this.#fuzzy = undefined;
    }
  }

  /** The listed values, in load order (the `watchlist("name")` list in CEL). */
  values(): readonly string[] {
    return this.#values;
  }

  /** Is `value` listed? Fuzzy lists use `threshold` (or the list's own). */
  has(value: string, threshold?: number): boolean {
    switch (this.kind) {
      case 'exact':
        return this.#exact.has(normalizeExact(value));
      case 'prefix': {
        const v = normalizeExact(value);
        for (const len of this.#prefixLengths) {
          if (len > v.length) {
            break;
          }
          if (this.#exact.has(v.slice(0, len))) {
            return true;
          }
        }
        return false;
      }
      case 'fuzzy':
        return this.bestMatch(value, threshold) !== undefined;
    }
  }

  /**
   * The best-scoring entry at or above the threshold, or undefined. Exact and prefix lists score 1.
   * Ties go to the entry loaded first, so the answer does not depend on hashing order.
   */
  bestMatch(value: string, threshold?: number): WatchlistMatch | undefined {
    if (this.#fuzzy === undefined) {
      if (!this.has(value)) {
        return undefined;
      }
      return { entry: normalizeExact(value), score: 1 };
    }
    return this.#fuzzy.best(normalizeName(value), threshold ?? this.threshold);
  }

  /** Best fuzzy score of `value` against the list (0 when nothing comes close); 1 or 0 for exact lists. */
  score(value: string): number {
    if (this.#fuzzy === undefined) {
      return this.has(value) ? 1 : 0;
    }
    return this.#fuzzy.best(normalizeName(value), Number.MIN_VALUE)?.score ?? 0;
  }
}

/**
 * Inverted index over the words of a fuzzy list. Every entry is indexed under the deletion keys of its
 * rarest words (enough of them that its other words alone cannot reach MIN_INDEXED_THRESHOLD) and
 * their spelling skeletons, and under its words run together (exactly), so common words like "trading" do not drag
 * thousands of candidates in. A candidate is fully scored only if an upper bound of its score (from
 * the indexed words it shares with the value) reaches the threshold.
 */
class FuzzyIndex {
  readonly #entries: readonly NormalizedName[];
  readonly #raw: readonly string[];
  /** Weight of each entry's words that are not indexed: they may match without being looked up. */
  readonly #unindexed: Float64Array;
  /** deletion key → indexed words having it. */
  readonly #keyToWords = new Map<string, string[]>();
  /** indexed word → flat pairs (entry id, weight of the entry's word it stands for). */
  readonly #postings = new Map<string, number[]>();
  /** names run together (plain and skeleton) → entry ids: those match exactly or not at all. */
  readonly #joined = new Map<string, number[]>();

  constructor(values: readonly string[]) {
    this.#raw = values;
    this.#entries = values.map(normalizeName);
    this.#unindexed = new Float64Array(values.length);
    const df = new Map<string, number>();
    for (const e of this.#entries) {
      for (const t of e.tokens) {
        df.set(t, (df.get(t) ?? 0) + 1);
      }
    }
    this.#entries.forEach((e, id) => {
      const chosen = indexTokensOf(e, df);
      let indexed = 0;
      for (const i of chosen) {
        const len = e.tokens[i]!.length;
        indexed += len;
        this.#post(e.tokens[i]!, id, len);
        if (e.skeletons[i] !== e.tokens[i]) {
          this.#post(e.skeletons[i]!, id, len);
        }
      }
      this.#unindexed[id] = e.weight - indexed;
      for (const j of new Set([e.joined, e.joinedSkeleton])) {
        const list = this.#joined.get(j);
        if (list === undefined) {
          this.#joined.set(j, [id]);
        } else {
          list.push(id);
        }
      }
    });
  }

  #post(word: string, id: number, weight: number): void {
    let p = this.#postings.get(word);
    if (p === undefined) {
      p = [];
      this.#postings.set(word, p);
      for (const k of deletionKeys(word)) {
        const ws = this.#keyToWords.get(k);
        if (ws === undefined) {
          this.#keyToWords.set(k, [word]);
        } else {
          ws.push(word);
        }
      }
    }
    p.push(id, weight);
  }

  best(value: NormalizedName, threshold: number): WatchlistMatch | undefined {
    if (value.weight === 0) {
      return undefined;
    }
    let bestId = -1;
    let bestScore = 0;
    const consider = (id: number): void => {
      const s = fuzzyScoreNormalized(value, this.#entries[id]!);
      if (s >= threshold && (s > bestScore || (s === bestScore && id < bestId))) {
        bestScore = s;
        bestId = id;
      }
    };
    if (threshold < MIN_INDEXED_THRESHOLD) {
      for (let id = 0; id < this.#entries.length; id++) {
        consider(id);
      }
    } else {
      // Score bound: 0.85 × coverage of the entry + 0.15; coverage ≤ (shared indexed + unindexed) / weight.
      const needed = (threshold - 0.15) / 0.85;
      for (const [id, shared] of this.#candidates(value)) {
        const e = this.#entries[id]!;
        if (shared < 0 || shared + this.#unindexed[id]! >= needed * e.weight - 1e-9) {
          consider(id);
        }
      }
    }
    return bestId < 0 ? undefined : { entry: this.#raw[bestId]!, score: bestScore };
  }

  /** Candidate entries with the weight of their indexed words the value shares (-1: joined match). */
  #candidates(value: NormalizedName): Map<number, number> {
    const probes = anchorWords(value);
    const seenWords = new Set<string>();
    const found = new Map<number, number>();
    for (const j of new Set([value.joined, value.joinedSkeleton])) {
      for (const id of this.#joined.get(j) ?? []) {
        found.set(id, -1);
      }
    }
    for (const probe of probes) {
      for (const key of deletionKeys(probe)) {
        const words = this.#keyToWords.get(key);
        if (words === undefined) {
          continue;
        }
        for (const w of words) {
          if (seenWords.has(w)) {
            continue;
          }
          seenWords.add(w);
          // Keys can collide for words two edits apart; only true anchors bring candidates.
          if (!probes.some((p) => tokenSimilarity(p, w) > 0)) {
            continue;
          }
          const p = this.#postings.get(w)!;
          for (let i = 0; i < p.length; i += 2) {
            const id = p[i]!;
            const weight = p[i + 1]!;
            const prev = found.get(id);
            if (weight < 0 || prev === -1) {
              found.set(id, -1);
            } else {
              found.set(id, (prev ?? 0) + weight);
            }
          }
        }
      }
    }
    return found;
  }
}

/**
 * Positions of the words an entry is indexed under: its rarest words until the rest weigh less than
 * the coverage a match at MIN_INDEXED_THRESHOLD needs. The score is 0.85 × coverage of the entry +
 * 0.15 × the other way, so reaching threshold t needs coverage ≥ (t − 0.15) / 0.85; a value matching
 * none of the indexed words covers less than that and cannot reach t (joined names are indexed apart).
 */
function indexTokensOf(entry: NormalizedName, df: ReadonlyMap<string, number>): number[] {
  const needed = (MIN_INDEXED_THRESHOLD - 0.15) / 0.85;
  const order = entry.tokens.map((_, i) => i);
  const t = entry.tokens;
  order.sort((a, b) => df.get(t[a]!)! - df.get(t[b]!)! || (t[a]! < t[b]! ? -1 : t[a]! > t[b]! ? 1 : 0));
  const out: number[] = [];
  let rest = entry.weight;
  for (const i of order) {
    if (rest < needed * entry.weight) {
      break;
    }
    out.push(i);
    rest -= t[i]!.length;
  }
  return out;
}

/** The lists an assessment can consult, by name. */
export class WatchlistRegistry {
  readonly #lists = new Map<string, Watchlist>();

  constructor(lists: Iterable<Watchlist> = []) {
    for (const l of lists) {
      this.#lists.set(l.name, l);
    }
  }

  get(name: string): Watchlist | undefined {
    return this.#lists.get(name);
  }

  names(): string[] {
    return [...this.#lists.keys()].sort();
  }

  /** Membership; an unknown list holds nothing (rules are checked against list names when saved). */
  has(list: string, value: string, threshold?: number): boolean {
    return this.#lists.get(list)?.has(value, threshold) ?? false;
  }
}

export interface WatchlistParseError {
  readonly code: 'VIGIL_WATCHLIST_PARSE';
  readonly line: number;
  readonly message: string;
}

export type WatchlistParseResult =
  | { readonly ok: true; readonly value: readonly WatchlistEntry[] }
  | { readonly ok: false; readonly errors: readonly WatchlistParseError[] };

/**
 * Entries from NDJSON: one object a line with `value` (and optional `note`), or a bare JSON string.
 * Blank lines are skipped; every bad line is reported, with its 1-based number.
 */
export function parseWatchlistNdjson(text: string): WatchlistParseResult {
  const entries: WatchlistEntry[] = [];
  const errors: WatchlistParseError[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') {
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      errors.push({ code: 'VIGIL_WATCHLIST_PARSE', line: i + 1, message: 'not valid JSON' });
      return;
    }
    if (typeof parsed === 'string' && parsed.trim() !== '') {
      entries.push({ value: parsed.trim() });
      return;
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const { value, note } = parsed as Record<string, unknown>;
      if (
        typeof value === 'string' &&
        value.trim() !== '' &&
        (note === undefined || typeof note === 'string')
      ) {
        entries.push(note === undefined ? { value: value.trim() } : { value: value.trim(), note });
        return;
      }
    }
    errors.push({
      code: 'VIGIL_WATCHLIST_PARSE',
      line: i + 1,
      message: 'expected a non-empty string or an object with a string "value"',
    });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: entries };
}

/** Splits one CSV record (RFC 4180 quoting); returns undefined for an unterminated quote. */
function splitCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
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

/**
 * Entries from CSV with a header row naming a `value` column (and optionally `note`); other columns
 * are ignored. Quoted fields may hold commas; a record may not span lines.
 */
export function parseWatchlistCsv(text: string): WatchlistParseResult {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0]?.replace(/^\uFEFF/, '') ?? '');
  const valueCol = header?.findIndex((h) => h.trim().toLowerCase() === 'value') ?? -1;
  if (header === undefined || valueCol < 0) {
    return {
      ok: false,
      errors: [{ code: 'VIGIL_WATCHLIST_PARSE', line: 1, message: 'the header row needs a "value" column' }],
    };
  }
  const noteCol = header.findIndex((h) => h.trim().toLowerCase() === 'note');
  const entries: WatchlistEntry[] = [];
  const errors: WatchlistParseError[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') {
      continue;
    }
    const fields = splitCsvLine(line);
    const value = fields?.[valueCol]?.trim();
    if (fields === undefined || value === undefined || value === '') {
      errors.push({
        code: 'VIGIL_WATCHLIST_PARSE',
        line: i + 1,
        message: fields === undefined ? 'unterminated quoted field' : 'empty value',
      });
      continue;
    }
    const note = noteCol >= 0 ? fields[noteCol]?.trim() : undefined;
    entries.push(note ? { value, note } : { value });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: entries };
}
