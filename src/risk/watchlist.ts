/**
 * Watchlists: named lists an analyst keeps of operators (names, addresses, EORIs), containers,
 * transport documents, HS codes and countries, and the lookups rules make against them. Exact lists
 * are Sets; HS lists match by prefix; name and address lists match fuzzily through an inverted index
 * of word deletion-neighbourhoods, so a lookup in 100,000 names scores a handful of candidates instead
 * of scanning the list. Bulk loading parses CSV or NDJSON text; reading files is the caller's job.
 */
import {
  anchorKeys,
  deletionKeyHashes,
  fuzzyScoreAtLeast,
  normalizeName,
  withinOneEdit,
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
 * Inverted index over the words of a fuzzy list. Every entry is indexed under its rarest words (enough
 * of them that its other words alone cannot reach MIN_INDEXED_THRESHOLD) and their spelling skeletons,
 * and under its words run together (exactly), so common words like "trading" do not drag thousands of
 * candidates in. Words are found through their deletion keys, hashed to 32 bits in an open-addressing
 * table of typed arrays, two numbers a slot: a lookup makes no strings and visits no Map, and touches
 * few cache lines (memory latency, not arithmetic, is what a lookup in 100,000 names costs). A hash
 * collision only brings a word that is then checked against the value's words.
 *
 * Pruning is exact. An entry scoring at least t covers at least (t − 0.15) / 0.85 of its weight with
 * words within one edit of the value's, so it must match one of its rarest words: those before the
 * rank from which its remaining words weigh too little. Postings record that remaining share, sorted
 * by it, so a lookup at t reads only the postings through which an entry can first be reached. Every
 * word of every entry is in the table, so the lookup knows which words of a reached entry the value
 * matches at all, and scores the entry only if their weight can reach t.
 */
class FuzzyIndex {
  readonly #entries: readonly NormalizedName[];
  readonly #raw: readonly string[];
  /** Entry id's words, from `#entryWordStart[id]`: token word id, skeleton word id, length (weight). */
  readonly #entryWordStart: Int32Array;
  readonly #entryWords: Int32Array;
  readonly #entryWeight: Float64Array;
  /** Every token and skeleton of the list, by word id. */
  readonly #words: readonly string[];
  /**
   * Postings of word w, from `#postStart[w]` to `#postStart[w + 1]`, three numbers each: entry, the
   * weight of its word, and the share of the entry's weight from that word's rarity rank on (sorted
   * descending, so a lookup stops at the first posting that cannot reach its threshold).
   */
  readonly #postStart: Int32Array;
  readonly #postings: Float64Array;
  /**
   * Deletion-key hash table, two numbers a slot: the key hash, then 0 (empty), word id + 1 (the key of
   * one word, the usual case) or -(offset + 1) into `#keyWords`, which holds the ids after a count.
   */
  readonly #slots: Int32Array;
  readonly #keyWords: Int32Array;
  readonly #mask: number;
  /** names run together (plain and skeleton) → entry ids: those match exactly or not at all. */
  readonly #joined = new Map<string, number[]>();
  /** Scratch for one lookup (lookups never nest): generation stamps of entries and words. */
  readonly #entryStamp: Uint32Array;
  readonly #joinedStamp: Uint32Array;
  readonly #wordSeen: Uint32Array;
  readonly #wordMatched: Uint32Array;
  readonly #touched: number[] = [];
  #generation = 0;

  constructor(values: readonly string[]) {
    this.#raw = values;
    this.#entries = values.map(normalizeName);
    const n = values.length;
    const df = new Map<string, number>();
    for (const e of this.#entries) {
      for (const t of e.tokens) {
        df.set(t, (df.get(t) ?? 0) + 1);
      }
    }
    const wordIds = new Map<string, number>();
    const words: string[] = [];
    const postings: number[][] = [];
    const wordOf = (w: string): number => {
      let id = wordIds.get(w);
      if (id === undefined) {
        id = words.length;
        wordIds.set(w, id);
        words.push(w);
        postings.push([]);
      }
      return id;
    };
    this.#entryWordStart = new Int32Array(n + 1);
    this.#entryWeight = new Float64Array(n);
    const entryWords: number[] = [];
    this.#entries.forEach((e, id) => {
      this.#entryWordStart[id] = entryWords.length;
      this.#entryWeight[id] = e.weight;
      const order = rarestFirst(e, df);
      const chosen = indexedCount(e, order);
      let rest = e.weight;
      for (let r = 0; r < order.length; r++) {
        const i = order[r]!;
        const len = e.tokens[i]!.length;
        const token = wordOf(e.tokens[i]!);
        const skeleton = wordOf(e.skeletons[i]!);
        entryWords.push(token, skeleton, len);
        if (r < chosen) {
          const reach = rest / e.weight;
          postings[token]!.push(id, len, reach);
          if (skeleton !== token) {
            postings[skeleton]!.push(id, len, reach);
          }
        }
        rest -= len;
      }
      for (const j of new Set([e.joined, e.joinedSkeleton])) {
        const list = this.#joined.get(j);
        if (list === undefined) {
          this.#joined.set(j, [id]);
        } else {
          list.push(id);
        }
      }
    });
    this.#entryWordStart[n] = entryWords.length;
    this.#entryWords = Int32Array.from(entryWords);
    this.#words = words;

    // Postings, flat, each word's sorted by reach (descending).
    let total = 0;
    for (const p of postings) {
      total += p.length;
    }
    this.#postStart = new Int32Array(words.length + 1);
    this.#postings = new Float64Array(total);
    let at = 0;
    postings.forEach((p, w) => {
      this.#postStart[w] = at;
      const order = Array.from({ length: p.length / 3 }, (_, k) => k);
      order.sort((x, y) => p[3 * y + 2]! - p[3 * x + 2]! || p[3 * x]! - p[3 * y]!);
      for (const k of order) {
        this.#postings[at] = p[3 * k]!;
        this.#postings[at + 1] = p[3 * k + 1]!;
        this.#postings[at + 2] = p[3 * k + 2]!;
        at += 3;
      }
    });
    this.#postStart[words.length] = at;

    // Deletion keys of every word, grouped by hash (sorting the pairs), then placed in the table.
    const keyHashes: number[] = [];
    const keyWordIds: number[] = [];
    const scratch: number[] = [];
    words.forEach((w, id) => {
      scratch.length = 0;
      deletionKeyHashes(w, scratch);
      for (const h of new Set(scratch)) {
        keyHashes.push(h);
        keyWordIds.push(id);
      }
    });
    const pairOrder = Int32Array.from({ length: keyHashes.length }, (_, k) => k);
    pairOrder.sort((x, y) => keyHashes[x]! - keyHashes[y]! || x - y);
    let distinct = 0;
    for (let k = 0; k < pairOrder.length; k++) {
      if (k === 0 || keyHashes[pairOrder[k]!] !== keyHashes[pairOrder[k - 1]!]) {
        distinct++;
      }
    }
    let size = 1024;
    while (size < distinct * 1.6) {
      size *= 2;
    }
    this.#mask = size - 1;
    this.#slots = new Int32Array(2 * size);
    const multi: number[] = [];
    for (let k = 0; k < pairOrder.length;) {
      const h = keyHashes[pairOrder[k]!]!;
      let end = k + 1;
      while (end < pairOrder.length && keyHashes[pairOrder[end]!] === h) {
        end++;
      }
      let slot = h & this.#mask;
      while (this.#slots[2 * slot + 1] !== 0) {
        slot = (slot + 1) & this.#mask;
      }
      this.#slots[2 * slot] = h;
      if (end - k === 1) {
        this.#slots[2 * slot + 1] = keyWordIds[pairOrder[k]!]! + 1;
      } else {
        this.#slots[2 * slot + 1] = -(multi.length + 1);
        multi.push(end - k);
        for (let x = k; x < end; x++) {
          multi.push(keyWordIds[pairOrder[x]!]!);
        }
      }
      k = end;
    }
    this.#keyWords = Int32Array.from(multi);
    this.#entryStamp = new Uint32Array(n);
    this.#joinedStamp = new Uint32Array(n);
    this.#wordSeen = new Uint32Array(words.length);
    this.#wordMatched = new Uint32Array(words.length);
  }

  best(value: NormalizedName, threshold: number): WatchlistMatch | undefined {
    if (value.weight === 0) {
      return undefined;
    }
    let bestId = -1;
    let bestScore = 0;
    const entries = this.#entries;
    const consider = (id: number): void => {
      const s = fuzzyScoreAtLeast(value, entries[id]!, threshold);
      if (s >= threshold && (s > bestScore || (s === bestScore && id < bestId))) {
        bestScore = s;
        bestId = id;
      }
    };
    if (threshold < MIN_INDEXED_THRESHOLD) {
      for (let id = 0; id < entries.length; id++) {
        consider(id);
      }
    } else {
      // Score bound: 0.85 × coverage of the entry + 0.15; coverage ≤ (matched weight) / weight.
      const needed = (threshold - 0.15) / 0.85;
      const gen = this.#collect(value, needed - 1e-9);
      const touched = this.#touched;
      const joinedStamp = this.#joinedStamp;
      const matched = this.#wordMatched;
      const ew = this.#entryWords;
      for (let k = 0; k < touched.length; k++) {
        const id = touched[k]!;
        if (joinedStamp[id] === gen) {
          consider(id);
          continue;
        }
        let weight = 0;
        const end = this.#entryWordStart[id + 1]!;
        for (let x = this.#entryWordStart[id]!; x < end; x += 3) {
          if (matched[ew[x]!] === gen || matched[ew[x + 1]!] === gen) {
            weight += ew[x + 2]!;
          }
        }
        if (weight >= needed * this.#entryWeight[id]! - 1e-9) {
          consider(id);
        }
      }
    }
    return bestId < 0 ? undefined : { entry: this.#raw[bestId]!, score: bestScore };
  }

  /**
   * Marks the words within one edit of the value's words (`#wordMatched`), and lists in `#touched`
   * the entries reached through a posting of reach at least `minReach` or a run-together form
   * (`#joinedStamp`). Returns the lookup's generation; valid until the next lookup.
   */
  #collect(value: NormalizedName, minReach: number): number {
    let gen = ++this.#generation;
    if (gen === 0xffffffff) {
      this.#entryStamp.fill(0);
      this.#joinedStamp.fill(0);
      this.#wordSeen.fill(0);
      this.#wordMatched.fill(0);
      this.#generation = gen = 1;
    }
    const entryStamp = this.#entryStamp;
    const touched = this.#touched;
    touched.length = 0;
    for (const j of value.joined === value.joinedSkeleton
      ? [value.joined]
      : [value.joined, value.joinedSkeleton]) {
      for (const id of this.#joined.get(j) ?? []) {
        if (entryStamp[id] !== gen) {
          entryStamp[id] = gen;
          touched.push(id);
        }
        this.#joinedStamp[id] = gen;
      }
    }
    const { words: probes, hashes } = anchorKeys(value);
    const slots = this.#slots;
    const mask = this.#mask;
    for (let k = 0; k < hashes.length; k++) {
      const h = hashes[k]!;
      let slot = h & mask;
      let v = slots[2 * slot + 1]!;
      while (v !== 0 && slots[2 * slot] !== h) {
        slot = (slot + 1) & mask;
        v = slots[2 * slot + 1]!;
      }
      if (v > 0) {
        this.#visitWord(v - 1, gen, probes, minReach);
      } else if (v < 0) {
        const from = -v;
        const to = from + this.#keyWords[from - 1]!;
        for (let x = from; x < to; x++) {
          this.#visitWord(this.#keyWords[x]!, gen, probes, minReach);
        }
      }
    }
    return gen;
  }

  /** Marks word `w` (once per lookup) if it is a true anchor of the value, and adds its postings. */
  #visitWord(w: number, gen: number, probes: readonly string[], minReach: number): void {
    if (this.#wordSeen[w] === gen) {
      return;
    }
    this.#wordSeen[w] = gen;
    // Hashes and keys can collide for words two edits apart; only true anchors count.
    if (!isAnchor(probes, this.#words[w]!)) {
      return;
    }
    this.#wordMatched[w] = gen;
    const entryStamp = this.#entryStamp;
    const postings = this.#postings;
    const end = this.#postStart[w + 1]!;
    for (let p = this.#postStart[w]!; p < end; p += 3) {
      if (postings[p + 2]! < minReach) {
        break;
      }
      const id = postings[p]!;
      if (entryStamp[id] !== gen) {
        entryStamp[id] = gen;
        this.#touched.push(id);
      }
    }
  }
}

/** Is `word` within one edit of one of the probes (the anchor condition of the fuzzy score)? */
function isAnchor(probes: readonly string[], word: string): boolean {
  for (const p of probes) {
    if (p === word || (p.length >= 4 && word.length >= 4 && withinOneEdit(p, word))) {
      return true;
    }
  }
  return false;
}

/** Positions of an entry's words, rarest first (ties by spelling, so the order is deterministic). */
function rarestFirst(entry: NormalizedName, df: ReadonlyMap<string, number>): number[] {
  const order = entry.tokens.map((_, i) => i);
  const t = entry.tokens;
  order.sort((a, b) => df.get(t[a]!)! - df.get(t[b]!)! || (t[a]! < t[b]! ? -1 : t[a]! > t[b]! ? 1 : 0));
  return order;
}

/**
 * How many of an entry's words (rarest first) it is indexed under: until the rest weigh less than the
 * coverage a match at MIN_INDEXED_THRESHOLD needs. The score is 0.85 × coverage of the entry + 0.15 ×
 * the other way, so reaching threshold t needs coverage ≥ (t − 0.15) / 0.85; a value matching none of
 * the indexed words covers less than that and cannot reach t (joined names are indexed apart).
 */
function indexedCount(entry: NormalizedName, order: readonly number[]): number {
  const needed = (MIN_INDEXED_THRESHOLD - 0.15) / 0.85;
  let count = 0;
  let rest = entry.weight;
  for (const i of order) {
    if (rest < needed * entry.weight) {
      break;
    }
    count++;
    rest -= entry.tokens[i]!.length;
  }
  return count;
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
