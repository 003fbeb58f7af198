/**
 * Watchlists: named lists an analyst keeps of operators (names, addresses, EORIs), containers,
 * transport documents, HS codes and countries, and the lookups rules make against them. Exact lists
 * are Sets; HS lists match by prefix; name and address lists match fuzzily through an inverted index
 * of word deletion-neighbourhoods, so a lookup in 100,000 names scores a handful of candidates instead
 * of scanning the list. Bulk loading parses CSV or NDJSON text; reading files is the caller's job.
 */
import {
  ANCHOR_SHARE,
  anchorKeys,
  CUT_MIN_LENGTH,
  deletionKeyHashes,
  editsAllowed,
  editsAtLeast,
  letterMask,
  LISTED_SHARE,
  meetsLoosely,
  nearEnough,
  explainNames,
  joinedKeyHashes,
  keyHash,
  fuzzyScoreAtLeast,
  nameKey,
  normalizeName,
  wordSkeleton,
  type NormalizedName,
} from './fuzzy.ts';
import { romanisations, scriptOf } from './romanise.ts';

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

/** What a listed entity is (a name list's entries; other lists say 'other'). */
export const WATCHLIST_ENTITY_TYPES = ['person', 'organisation', 'vessel', 'aircraft', 'other'] as const;
export type WatchlistEntityType = (typeof WATCHLIST_ENTITY_TYPES)[number];

/** An identifier a list gives an entity (passport, IMO number, registration, tax id…). */
export interface WatchlistIdentifier {
  readonly kind: string;
  readonly value: string;
}

/**
 * One listed entity: its main name or value, its other names (aliases, original-script forms), what
 * it is and the identifiers the list gives it. Two entities may bear the same name: real lists hold
 * several "AL-AQSA FOUNDATION"s.
 */
export interface WatchlistEntry {
  readonly value: string;
  /** The entity's id, unique in its list (the source list's own id where it has one). */
  readonly id?: string | undefined;
  /** Its other names: aliases, spellings, original-script forms. Each is screened like `value`. */
  readonly aliases?: readonly string[] | undefined;
  readonly type?: WatchlistEntityType | undefined;
  readonly identifiers?: readonly WatchlistIdentifier[] | undefined;
  /** Why it is listed, for the analyst (never shown to filers). */
  readonly note?: string | undefined;
  /** Where the entry comes from (a sanctions list, a seizure report, an analyst). */
  readonly source?: string | undefined;
  /** When it stops matching: an ISO 8601 date (the end of that day, UTC) or date-time. */
  readonly expires?: string | undefined;
}

const EXPIRES = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** The entry with its optional fields, or why one of them cannot be read. */
function entryOf(value: string, note: unknown, source: unknown, expires: unknown): WatchlistEntry | string {
  for (const [name, v] of [
    ['note', note],
    ['source', source],
    ['expires', expires],
  ] as const) {
    if (v !== undefined && typeof v !== 'string') {
      return `${name} must be text`;
    }
  }
  const e = typeof expires === 'string' ? expires.trim() : '';
  if (e !== '' && (!EXPIRES.test(e) || Number.isNaN(Date.parse(e)))) {
    return `expires '${e}' is not an ISO 8601 date or date-time`;
  }
  const n = typeof note === 'string' ? note.trim() : '';
  const src = typeof source === 'string' ? source.trim() : '';
  return {
    value,
    ...(n !== '' ? { note: n } : {}),
    ...(src !== '' ? { source: src } : {}),
    ...(e !== '' ? { expires: e } : {}),
  };
}

export interface WatchlistDefinition {
  readonly name: string;
  readonly subject: WatchlistSubject;
  /** Fuzzy lists: the score from which a value counts as listed when a rule gives no threshold. */
  readonly threshold?: number | undefined;
  readonly entries: readonly WatchlistEntry[];
}

export interface WatchlistMatch {
  /** The listed name (the entity's main name or one of its aliases) that matched. */
  readonly entry: string;
  readonly score: number;
  /** Position of the matched entity in the list's entries (see `entity`). */
  readonly entityIndex: number;
}

/** How one word of the screened name met a word of the listed name. */
export interface MatchedPart {
  /** The word as screened (after normalisation). */
  readonly query: string;
  /** The listed word it met. */
  readonly listed: string;
  /**
   * exact; edits (spelling, `edits` of them); phonetic (sounds alike); romanised (the screened word
   * was in another script); prefix (a word cut short, at a field limit); joined (words run together);
   * number (digits, always compared exactly).
   */
  readonly how: 'exact' | 'edits' | 'phonetic' | 'romanised' | 'prefix' | 'joined' | 'number';
  readonly edits?: number | undefined;
  /** Its share of the listed name's weight, in [0, 1]. */
  readonly weight: number;
}

/** A match with what made it, for the analyst: which entity, which of its names, and why. */
export interface MatchExplanation {
  readonly entity: {
    readonly id: string;
    readonly name: string;
    readonly type?: WatchlistEntityType | undefined;
    readonly source?: string | undefined;
  };
  /** The listed name or alias that matched. */
  readonly name: string;
  readonly score: number;
  readonly parts: readonly MatchedPart[];
  /** Words of the screened name that met nothing (legal forms and filler words are not counted). */
  readonly unmatchedQuery: readonly string[];
  /** Words of the listed name that nothing met. */
  readonly unmatchedListed: readonly string[];
  /** The screened name's script when it was not Latin ('arabic', 'cyrillic', 'greek', 'han', …). */
  readonly script?: string | undefined;
}

export interface WatchlistOptions {
  /**
   * Fuzzy lists: how many screening answers (normalised name and threshold → best match) the list
   * remembers, of names screened at least twice, least recently used first out; 0 remembers none.
   * Default `DEFAULT_SCREENING_CACHE_SIZE`.
   */
  readonly screeningCacheSize?: number | undefined;
}

/** A border sees the same operators again and again: remember this many names' answers per list. */
export const DEFAULT_SCREENING_CACHE_SIZE = 50_000;

/** How a fuzzy list's screening cache has done since it was built or last cleared. */
export interface ScreeningCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly size: number;
  readonly capacity: number;
}

/**
 * Lowest threshold the fuzzy index answers without a full scan: every one, since a score above 0
 * needs anchors the index finds (see fuzzy.ts).
 */
export const MIN_INDEXED_THRESHOLD = 0;
export const DEFAULT_FUZZY_THRESHOLD = 0.85;

/** Stored form of exact values: identifiers are compared without case or spaces. */
export function normalizeExact(value: string): string {
  // Most identifiers arrive upper-case without spaces: keep those as they are, without copying.
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 97 && c <= 122) || c <= 32 || c >= 127) {
      return value.replace(/\s+/g, '').toUpperCase();
    }
  }
  return value;
}

/** One named list, immutable once built. */
export class Watchlist {
  readonly name: string;
  readonly subject: WatchlistSubject;
  readonly kind: WatchlistMatchKind;
  readonly threshold: number;
  readonly size: number;
  /** Exact and prefix lists: the normalised values, and their `keyHash`es → positions in it. */
  readonly #exact: readonly string[];
  readonly #exactHashes: IntMultiMap | undefined;
  /** Bit `h` mod its size set for the `keyHash` h of each exact value (a value whose bit is clear is not listed). */
  readonly #exactFilter: Int32Array;
  readonly #prefixLengths: readonly number[];
  readonly #fuzzy: FuzzyIndex | undefined;
  /** Every name of every entity (main names and aliases), in load order. */
  readonly #values: readonly string[];
  readonly #entities: readonly WatchlistEntry[];
  /** Entity (position in `#entities`) of each name in `#values`. */
  readonly #entityOfName: Int32Array;
  /** Exact and prefix lists: the first entity bearing each value of `#exact`. */
  readonly #exactEntity: Int32Array;
  /**
   * Fuzzy lists: screening answers by normalised name (prefixed by the threshold when it is not the
   * list's own), oldest use first. A memo, not state: an answer is a pure function of the key and of
   * this immutable list, so a rebuilt list starts empty and the cache never changes a result.
   */
  readonly #screened = new Map<string, WatchlistMatch | null>();
  readonly #screenCapacity: number;
  /**
   * Admission: a name's answer is remembered the second time it is screened, not the first. The
   * `keyHash` of each name screened once, in a slot of its own (a collision only admits a name early
   * or late). Traffic of names that never come back then leaves nothing behind: a cache that kept
   * every name seen once would churn, and on the bench's all-distinct traffic that cost a quarter of
   * the throughput (garbage outliving the young generation, and tables pushed out of the CPU cache).
   */
  readonly #seenOnce: Int32Array;
  #screenHits = 0;
  #screenMisses = 0;

  constructor(definition: WatchlistDefinition, options: WatchlistOptions = {}) {
    this.#screenCapacity = Math.max(
      0,
      Math.floor(options.screeningCacheSize ?? DEFAULT_SCREENING_CACHE_SIZE),
    );
    let slots = this.#screenCapacity > 0 ? 16 : 0;
    while (slots < this.#screenCapacity) {
      slots *= 2;
    }
    this.#seenOnce = new Int32Array(matchKindOf(definition.subject) === 'fuzzy' ? slots : 0);
    this.name = definition.name;
    this.subject = definition.subject;
    this.kind = matchKindOf(definition.subject);
    this.threshold = definition.threshold ?? DEFAULT_FUZZY_THRESHOLD;
    this.#entities = Object.freeze([...definition.entries]);
    // Every name of every entity is screened: its main name, then its aliases.
    const names: string[] = [];
    const entityOfName: number[] = [];
    this.#entities.forEach((e, i) => {
      for (const n of [e.value, ...(e.aliases ?? [])]) {
        names.push(n);
        entityOfName.push(i);
      }
    });
    this.#values = Object.freeze(names);
    this.#entityOfName = Int32Array.from(entityOfName);
    this.size = this.#entities.length;
    if (this.kind === 'fuzzy') {
      this.#exact = [];
      this.#exactEntity = new Int32Array(0);
      this.#exactHashes = undefined;
      this.#exactFilter = new Int32Array(0);
      this.#prefixLengths = [];
      this.#fuzzy = new FuzzyIndex(this.#values, this.#entityOfName);
    } else {
      // A hash table of typed arrays rather than a Set of strings: a value that is not listed (nearly
      // every value) is told apart by one probe, without reading any listed string.
      const firstEntity = new Map<string, number>();
      this.#values.forEach((v, i) => {
        const k = normalizeExact(v);
        if (!firstEntity.has(k)) {
          firstEntity.set(k, this.#entityOfName[i]!);
        }
      });
      const exact = [...firstEntity.keys()];
      this.#exactEntity = Int32Array.from(firstEntity.values());
      this.#exact = exact;
      const hashes = exact.map((v) => keyHash(v));
      this.#exactHashes = new IntMultiMap(
        hashes,
        exact.map((_, i) => i),
      );
      let words = 32;
      while (words * 32 < 8 * hashes.length) {
        words *= 2;
      }
      this.#exactFilter = new Int32Array(words);
      for (const h of hashes) {
        this.#exactFilter[(h >>> 5) & (words - 1)]! |= 1 << (h & 31);
      }
      this.#prefixLengths = [...new Set(exact.map((v) => v.length))].sort((a, b) => a - b);
      this.#fuzzy = undefined;
    }
  }

  /** Is the normalised value one of the exact list's values? (Equal strings hash equally.) */
  #listed(v: string): boolean {
    return this.#exactPosition(v) >= 0;
  }

  /** Position of the normalised value in `#exact`, or -1. */
  #exactPosition(v: string): number {
    const h = keyHash(v);
    // Most values are not listed: a bit set an eighth of the table's size answers most of them.
    const filter = this.#exactFilter;
    if ((filter[(h >>> 5) & (filter.length - 1)]! & (1 << (h & 31))) === 0) {
      return -1;
    }
    const found = this.#exactHashes!.find(h);
    if (found === 0) {
      return -1;
    }
    if (found > 0) {
      return this.#exact[found - 1] === v ? found - 1 : -1;
    }
    const m = this.#exactHashes!.multi;
    for (let x = -found; x < -found + m[-found - 1]!; x++) {
      if (this.#exact[m[x]!] === v) {
        return m[x]!;
      }
    }
    return -1;
  }

  /** The exact or prefix list's listed value `value` is (or starts with), or -1. */
  #exactOrPrefixPosition(value: string): number {
    const v = normalizeExact(value);
    if (this.kind === 'exact') {
      return this.#exactPosition(v);
    }
    for (const len of this.#prefixLengths) {
      if (len > v.length) {
        break;
      }
      const at = this.#exactPosition(len === v.length ? v : v.slice(0, len));
      if (at >= 0) {
        return at;
      }
    }
    return -1;
  }

  /** The listed entity at `index` (a match's `entityIndex`), as loaded. */
  entity(index: number): WatchlistEntry {
    const e = this.#entities[index];
    if (e === undefined) {
      throw new RangeError(`no entity ${index} in watchlist ${this.name}`);
    }
    return e;
  }

  /** The listed entities, in load order. */
  entities(): readonly WatchlistEntry[] {
    return this.#entities;
  }

  /** An entity's id: its own, or its position (1-based) when the list gave none. */
  entityId(index: number): string {
    return this.entity(index).id ?? String(index + 1);
  }

  /** The listed values, in load order (the `watchlist("name")` list in CEL). */
  values(): readonly string[] {
    return this.#values;
  }

  /** Is `value` listed? Fuzzy lists use `threshold` (or the list's own). */
  has(value: string, threshold?: number): boolean {
    switch (this.kind) {
      case 'exact':
        return this.#listed(normalizeExact(value));
      case 'prefix': {
        const v = normalizeExact(value);
        for (const len of this.#prefixLengths) {
          if (len > v.length) {
            break;
          }
          if (this.#listed(len === v.length ? v : v.slice(0, len))) {
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
      const at = this.#exactOrPrefixPosition(value);
      if (at < 0) {
        return undefined;
      }
      return { entry: this.#exact[at]!, score: 1, entityIndex: this.#exactEntity[at]! };
    }
    const t = threshold ?? this.threshold;
    // Most names are in Latin letters: one screening, nothing to remember how it went.
    return isLatin(value)
      ? this.#screen(this.#fuzzy, normalizeName(value), t)
      : this.#screenText(this.#fuzzy, value, t).match;
  }

  /**
   * The best match of `value` and the form of it that matched: a name in another script is screened
   * as transliterated letter by letter and as each of its romanisations (romanise.ts), best first.
   */
  #screenText(
    index: FuzzyIndex,
    value: string,
    threshold: number,
  ): { match: WatchlistMatch | undefined; form: string | undefined; script: string | undefined } {
    const plain = this.#screen(index, normalizeName(value), threshold);
    if (isLatin(value)) {
      return { match: plain, form: undefined, script: undefined };
    }
    const script = scriptOf(value);
    let best = plain;
    let form: string | undefined;
    for (const r of romanisations(value)) {
      const m = this.#screen(index, normalizeName(r), threshold);
      if (m !== undefined && (best === undefined || m.score > best.score)) {
        best = m;
        form = r;
      }
    }
    return { match: best, form, script: script === 'latin' ? undefined : script };
  }

  /**
   * The best match with what made it: the entity, the name of it that matched and, word by word,
   * how the screened name met it. Not on the hot path: asked for a hit's explanation and by analysts.
   */
  explain(value: string, threshold?: number): MatchExplanation | undefined {
    const screened =
      this.#fuzzy === undefined
        ? undefined
        : this.#screenText(this.#fuzzy, value, threshold ?? this.threshold);
    const m = screened === undefined ? this.bestMatch(value, threshold) : screened.match;
    if (m === undefined) {
      return undefined;
    }
    const e = this.entity(m.entityIndex);
    const entity = {
      id: this.entityId(m.entityIndex),
      name: e.value,
      ...(e.type !== undefined ? { type: e.type } : {}),
      ...(e.source !== undefined ? { source: e.source } : {}),
    };
    if (this.#fuzzy === undefined) {
      const how =
        this.kind === 'prefix' && m.entry.length < normalizeExact(value).length ? 'prefix' : 'exact';
      return {
        entity,
        name: m.entry,
        score: 1,
        parts: [{ query: normalizeExact(value), listed: m.entry, how, weight: 1 }],
        unmatchedQuery: [],
        unmatchedListed: [],
      };
    }
    const form = screened?.form;
    const how = explainNames(normalizeName(form ?? value), normalizeName(m.entry));
    return {
      entity,
      name: m.entry,
      score: m.score,
      parts: how.parts.map((p) => ({
        query: p.query,
        listed: p.listed,
        // A word of a romanised name met as romanised, whatever else it took.
        how: form !== undefined && p.how !== 'number' ? 'romanised' : p.how,
        ...(p.edits !== undefined ? { edits: p.edits } : {}),
        weight: p.weight,
      })),
      unmatchedQuery: how.unmatchedQuery,
      unmatchedListed: [...how.unmatchedListed, ...how.excused],
      ...(screened?.script !== undefined ? { script: screened.script } : {}),
    };
  }

  /** Best fuzzy score of `value` against the list (0 when nothing comes close); 1 or 0 for exact lists. */
  score(value: string): number {
    if (this.#fuzzy === undefined) {
      return this.has(value) ? 1 : 0;
    }
    return this.#screenText(this.#fuzzy, value, Number.MIN_VALUE).match?.score ?? 0;
  }

  /** Hits, misses and size of the screening cache (fuzzy lists; zeros for the others). */
  screeningCacheStats(): ScreeningCacheStats {
    return {
      hits: this.#screenHits,
      misses: this.#screenMisses,
      size: this.#screened.size,
      capacity: this.#fuzzy === undefined ? 0 : this.#screenCapacity,
    };
  }

  /** Forgets every remembered screening answer and resets the counts (answers stay the same). */
  clearScreeningCache(): void {
    this.#screened.clear();
    this.#seenOnce.fill(0);
    this.#screenHits = 0;
    this.#screenMisses = 0;
  }

  /**
   * `index.best`, remembered from a name's second screening on (see `#seenOnce`): a Map keeps insertion
   * order, so re-inserting on a hit makes it least-recently-used first out.
   */
  #screen(index: FuzzyIndex, name: NormalizedName, threshold: number): WatchlistMatch | undefined {
    if (name.weight === 0 || this.#screenCapacity === 0) {
      return index.best(name, threshold);
    }
    const key = threshold === this.threshold ? nameKey(name) : `${threshold}\u0000${nameKey(name)}`;
    const cache = this.#screened;
    const known = cache.get(key);
    if (known !== undefined) {
      this.#screenHits++;
      cache.delete(key);
      cache.set(key, known);
      return known ?? undefined;
    }
    this.#screenMisses++;
    const found = index.best(name, threshold);
    const h = keyHash(key);
    const slot = h & (this.#seenOnce.length - 1);
    if (this.#seenOnce[slot] !== h) {
      this.#seenOnce[slot] = h;
      return found;
    }
    if (cache.size >= this.#screenCapacity) {
      cache.delete(cache.keys().next().value!);
    }
    cache.set(key, found === undefined ? null : Object.freeze(found));
    return found;
  }
}

/**
 * Is `text` written in Latin letters only (with accents), or holds no letters at all? Then its
 * letter-by-letter transliteration is all there is to screen. Most names are: one pass, no lookups.
 */
function isLatin(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x250 && !(c >= 0x1e00 && c <= 0x1eff) && !(c >= 0x2000 && c <= 0x206f)) {
      return false;
    }
  }
  return true;
}

/** Numbers a posting of a fuzzy index starts with (see `FuzzyIndex`); then ENTRY_WORD per word of its entry. */
const POSTING_HEAD = 6;

/**
 * A hash table from 32-bit hashes to lists of non-negative integers, in typed arrays: two numbers a
 * slot (the hash, then 0 for empty, value + 1 for a single value — the usual case — or -(offset + 1)
 * into `multi`, where a count precedes the values). A probe touches one cache line and makes nothing.
 */
class IntMultiMap {
  readonly #slots: Int32Array;
  readonly #mask: number;
  /** For a `find` result v < 0: `multi[-v - 1]` values from `multi[-v]`. */
  readonly multi: Int32Array;

  constructor(hashes: readonly number[], values: readonly number[]) {
    const order = Int32Array.from({ length: hashes.length }, (_, k) => k);
    order.sort((x, y) => hashes[x]! - hashes[y]! || x - y);
    let distinct = 0;
    for (let k = 0; k < order.length; k++) {
      if (k === 0 || hashes[order[k]!] !== hashes[order[k - 1]!]) {
        distinct++;
      }
    }
    let size = 16;
    while (size < distinct * 1.6) {
      size *= 2;
    }
    this.#mask = size - 1;
    this.#slots = new Int32Array(2 * size);
    const multi: number[] = [];
    for (let k = 0; k < order.length;) {
      const h = hashes[order[k]!]!;
      let end = k + 1;
      while (end < order.length && hashes[order[end]!] === h) {
        end++;
      }
      let slot = h & this.#mask;
      while (this.#slots[2 * slot + 1] !== 0) {
        slot = (slot + 1) & this.#mask;
      }
      this.#slots[2 * slot] = h;
      if (end - k === 1) {
        this.#slots[2 * slot + 1] = values[order[k]!]! + 1;
      } else {
        this.#slots[2 * slot + 1] = -(multi.length + 1);
        multi.push(end - k);
        for (let x = k; x < end; x++) {
          multi.push(values[order[x]!]!);
        }
      }
      k = end;
    }
    this.multi = Int32Array.from(multi);
  }

  /** 0: nothing filed under `h`; v > 0: the single value v - 1; v < 0: see `multi`. */
  find(h: number): number {
    const slots = this.#slots;
    let slot = h & this.#mask;
    let v = slots[2 * slot + 1]!;
    while (v !== 0 && slots[2 * slot] !== h) {
      slot = (slot + 1) & this.#mask;
      v = slots[2 * slot + 1]!;
    }
    return v;
  }
}

/**
 * Inverted index over the words of a fuzzy list. Every entry is indexed under its rarest words (enough
 * of them that its other words alone cannot anchor a match, see fuzzy.ts) and their spelling
 * skeletons, and under its words run together (exactly), so common words like "trading" do not drag
 * thousands of candidates in. A lookup makes no strings and visits no Map: every table is an
 * `IntMultiMap` of 32-bit hashes (memory latency, not arithmetic, is what a lookup in 100,000 names
 * costs). A value's word that is itself in the list (as company words usually are) finds the list's
 * words near enough to it (`nearEnough`), precomputed, with one probe; any other word probes with
 * each of its deletion keys. Hash collisions can only bring extra candidates, and every candidate is
 * scored exactly.
 *
 * Pruning is exact, at every threshold. An entry scoring above 0 has anchors (words near enough to
 * the value's) weighing ANCHOR_SHARE of it, so it must have one among its rarest words: those before
 * the rank from which its remaining words weigh too little. Postings record that remaining share,
 * sorted by it, so a lookup reads only the postings through which an entry can first be reached.
 * Then, before anything is scored, what an entry could score at best: its anchored words count fully,
 * its other words only if their lengths and letters let them meet a word of the value otherwise
 * (two edits or more, three letters swapped, run together with a neighbour, or cut short in a long
 * name), and the same for the value's words. A posting names its entry's heaviest other word, so
 * most entries are ruled out from the posting alone; the others from their words, read once.
 */
class FuzzyIndex {
  readonly #entries: readonly NormalizedName[];
  readonly #raw: readonly string[];
  /** The entity each name (entry of this index) belongs to. */
  readonly #entityOf: Int32Array;
  /** Every token and skeleton of the list, by word id. */
  readonly #words: readonly string[];
  /**
   * `keyHash` of a word → 1 + offset in `#rec` of that word's record: its id, its length and letters
   * (four to an int, to confirm the hash without reading the word's string), a count, then per word of
   * the list within one edit of it or of its skeleton (itself included: a value's word found here
   * needs no lookup of its skeleton) its id, its number of postings and the postings
   * themselves, copied in. A lookup of a listed word thus reads one slot and one run of memory, where
   * chasing a string, a table of neighbours and the postings of each cost a cache miss apiece.
   */
  readonly #wordNear: IntMultiMap;
  /**
   * Postings of word w, from `#postStart[w]` to `#postStart[w + 1]` (offsets in `#rec`), each
   * POSTING_HEAD ints: entry; the weight of the entry from that word's rarity rank on, and the entry's
   * weight (their quotient is the share of the entry the posting can still reach; sorted by it,
   * descending, so a lookup stops at the first posting that cannot anchor a match); the entry's
   * length (a long name may be cut); the token of the word it is filed for (a posting is filed under
   * the word and under its skeleton); the entry's number of words; then every word of the entry
   * in ENTRY_WORD's layout (token id, skeleton id, weight, lengths, letters, skeleton's letters). A
   * posting thus holds all that rules its entry in or out before scoring (its anchors, and what its
   * other words could meet otherwise), in the run of memory a lookup reads anyway: reading the entry
   * elsewhere cost a cache miss per entry reached. Then the words' records (`#wordNear`).
   */
  readonly #postStart: Int32Array;
  readonly #rec: Int32Array;
  /** Deletion-key hash → ids of the words having that key. */
  readonly #keys: IntMultiMap;
  /** `keyHash` of names run together (plain and skeleton, marked as in `anchorKeys`) → entry ids. */
  readonly #joined: IntMultiMap;
  /** Scratch for one lookup (lookups never nest): `#wordNear` of each probe. */
  readonly #found = new Int32Array(16);
  readonly #joinedFound = new Int32Array(2);
  /** Where the reads made only to start cache misses early go (so they are not optimised away). */
  #touch = 0;
  /** Scratch for one lookup: skeletons of the value found with their token. */
  readonly #covered: string[] = [];
  /** Scratch for one lookup: the deletion-key hashes of a word of the value. */
  readonly #deletions: number[] = [];
  /** Scratch for one lookup: the words it has met. */
  readonly #seen: number[] = [];
  /**
   * The words of the list the value's words anchor (a few dozen: searched linearly, which costs
   * less than reaching into a table as big as the list's words), with the value's words anchoring
   * each as bits (bit i for word i, words past the 30th sharing bit 29: bits stay small integers).
   */
  readonly #matched: number[] = [];
  readonly #matchedBy: number[] = [];
  /**
   * The same words, for asking whether a word is one of them: an open-addressing table of word id
   * → position in `#matched`, its slots current when their lookup number is this lookup's.
   */
  #metKey = new Int32Array(256);
  /**
   * The same words as bits by word id, cleared after each lookup: most words a lookup asks about
   * were not met, and one bit answers that without probing the table.
   */
  readonly #metBits: Int32Array;
  #metAt = new Int32Array(256);
  #metLookup = new Int32Array(256);
  #lookup = 0;
  /** Where each matched word's postings are, in `#rec`. */
  readonly #matchedFrom: number[] = [];
  readonly #matchedTo: number[] = [];
  /** Scratch for one lookup: the value's words' lengths and letters (see `#prepareValue`). */
  #valueWords = new Int32Array(ENTRY_WORD * 8);
  /** How many numbers of `#valueWords` are the value's. */
  #valueEnd = 0;
  /** Set by `#looseBound`: the value's words that may meet the entry loosely or run together. */
  #looseBits = 0;
  /** Set by `#prepareValue`: the lengths of the value's words and skeletons, as bits (`lengthBit`). */
  #valueLengths = 0;
  /** Likewise, of two neighbouring words run together (skeletons: also one letter less). */
  #valuePairs = 0;
  /** Whether a word of the value may meet a word loosely (`meetsLoosely`). */
  #valueLoose = false;

  /** Scratch for one lookup: each probe's skeleton, and the value's words it and its skeleton stand for. */
  readonly #probeSkeletons: string[] = [];
  readonly #probeBits: number[] = [];
  readonly #skeletonBits: number[] = [];
  /** The entries whose names run together as the value's does. */
  readonly #touched: number[] = [];
  /** Per entry, the last lookup that scored it (lookups are numbered by `#generation`). */
  readonly #stamp: Int32Array;
  #generation = 0;

  constructor(values: readonly string[], entityOf: Int32Array) {
    this.#raw = values;
    this.#entityOf = entityOf;
    this.#entries = values.map(normalizeName);
    this.#stamp = new Int32Array(values.length);
    const df = new Map<string, number>();
    for (const e of this.#entries) {
      for (const t of e.tokens) {
        df.set(t, (df.get(t) ?? 0) + 1);
      }
    }
    const wordIds = new Map<string, number>();
    const words: string[] = [];
    const postings: number[][][] = [];
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
    // Each entry's words in order, ENTRY_WORD numbers each (token word id, skeleton word id, weight,
    // the token's length | the skeleton's length << 16 | WORD_FLAG for a word (not a number), the
    // token's letters and the skeleton's, see `letterMask`), copied into each of its postings.
    const entryWords: number[] = [];
    const joinedHashes: number[] = [];
    const joinedIds: number[] = [];
    this.#entries.forEach((e, id) => {
      entryWords.length = 0;
      const order = rarestFirst(e, df);
      const chosen = indexedCount(e, order);
      // Its words in order (neighbours may have been run together), with what bounds a score.
      for (let i = 0; i < e.tokens.length; i++) {
        const t = e.tokens[i]!;
        const sk = e.skeletons[i]!;
        entryWords.push(
          wordOf(t),
          wordOf(sk),
          e.weights[i]!,
          Math.min(t.length, 0xffff) |
            (Math.min(sk.length, 0x1fff) << 16) |
            (e.kinds[i] === 0 ? WORD_FLAG : 0),
          letterMask(t),
          letterMask(sk),
        );
      }
      let rest = e.weight;
      for (let r = 0; r < chosen; r++) {
        const i = order[r]!;
        const token = wordOf(e.tokens[i]!);
        const skeleton = wordOf(e.skeletons[i]!);
        const weight = e.weights[i]!;
        // Every word of the entry in the posting itself: whether the entry has its anchors, and what
        // its other words could still meet, is then read from the posting, not from the entry elsewhere.
        const posting = [id, rest, e.weight, e.length, token, e.tokens.length];
        posting.push(...entryWords);
        postings[token]!.push(posting);
        if (skeleton !== token) {
          postings[skeleton]!.push(posting);
        }
        rest -= weight;
      }
      if (e.weight > 0) {
        for (const h of joinedKeyHashes(e)) {
          joinedHashes.push(h);
          joinedIds.push(id);
        }
      }
    });
    this.#words = words;
    this.#metBits = new Int32Array((words.length + 31) >>> 5);

    this.#joined = new IntMultiMap(joinedHashes, joinedIds);

    // Postings, flat, each word's sorted by reach (descending), then each word's record.
    let total = 0;
    for (const p of postings) {
      for (const q of p) {
        total += q.length;
      }
    }
    this.#postStart = new Int32Array(words.length + 1);
    const own = new Int32Array(total);
    let at = 0;
    postings.forEach((p, w) => {
      this.#postStart[w] = at;
      const reach = (q: readonly number[]): number => q[1]! / q[2]!;
      p.sort((x, y) => reach(y) - reach(x) || x[0]! - y[0]!);
      for (const q of p) {
        own.set(q, at);
        at += q.length;
      }
    });
    this.#postStart[words.length] = at;

    // Deletion keys of every word, then each word's neighbours found as a lookup would find them.
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
    this.#keys = new IntMultiMap(keyHashes, keyWordIds);
    const rec: number[] = [];
    const recAt: number[] = [];
    const found = new Set<number>();
    const addNear = (w: string): void => {
      scratch.length = 0;
      deletionKeyHashes(w, scratch);
      for (const h of scratch) {
        this.#forEach(this.#keys, h, (x) => {
          if (!found.has(x) && isAnchor([w], words[x]!)) {
            found.add(x);
          }
        });
      }
    };
    words.forEach((w, id) => {
      recAt.push(total + rec.length);
      found.clear();
      addNear(w);
      // A value's word comes with its skeleton: found here, it needs no lookup of its own.
      addNear(wordSkeleton(w));
      rec.push(id);
      packWord(w, rec);
      rec.push(found.size);
      for (const x of found) {
        const from = this.#postStart[x]!;
        const to = this.#postStart[x + 1]!;
        rec.push(x, to - from);
        for (let k = from; k < to; k++) {
          rec.push(own[k]!);
        }
      }
    });
    this.#rec = new Int32Array(total + rec.length);
    this.#rec.set(own);
    this.#rec.set(rec, total);
    this.#wordNear = new IntMultiMap(
      words.map((w) => keyHash(w)),
      recAt,
    );
  }

  #forEach(table: IntMultiMap, h: number, f: (value: number) => void): void {
    const v = table.find(h);
    if (v > 0) {
      f(v - 1);
    } else if (v < 0) {
      const m = table.multi;
      const to = -v + m[-v - 1]!;
      for (let x = -v; x < to; x++) {
        f(m[x]!);
      }
    }
  }

  best(value: NormalizedName, threshold: number): WatchlistMatch | undefined {
    if (value.weight === 0) {
      return undefined;
    }
    let bestId = -1;
    let bestScore = 0;
    const entries = this.#entries;
    // An entry reached twice (by a word and its skeleton, or two words) is scored once.
    const stamp = this.#stamp;
    const generation = ++this.#generation;
    const consider = (id: number): void => {
      if (stamp[id] === generation) {
        return;
      }
      stamp[id] = generation;
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
      // A score above 0 needs anchors weighing ANCHOR_SHARE of the entry (see fuzzy.ts).
      const needed = ANCHOR_SHARE;
      this.#collect(value);
      // First the entries whose names run together as the value's does.
      const touched = this.#touched;
      for (let k = 0; k < touched.length; k++) {
        consider(touched[k]!);
      }
      const matched = this.#matched;
      const matchedBy = this.#matchedBy;
      const postings = this.#rec;
      const n = value.tokens.length;
      this.#prepareValue(value);
      const mayBeCut = value.length >= CUT_MIN_LENGTH;
      const cutBit = 1 << Math.min(n - 1, 29);
      // Then each anchored word's postings, each read once, in a run of memory, with what it says.
      for (let w = 0; w < matched.length; w++) {
        const to = this.#matchedTo[w]!;
        for (let p = this.#matchedFrom[w]!; p < to; p += POSTING_HEAD + ENTRY_WORD * postings[p + 5]!) {
          const total = postings[p + 2]!;
          // Postings come by reach: none of the rest can have enough anchors.
          if (postings[p + 1]! < needed * total - 1e-9) {
            break;
          }
          // Filed under a skeleton whose word was met too: that word's own posting does.
          const own = postings[p + 4]!;
          if (own !== matched[w] && this.#met(own) >= 0) {
            continue;
          }
          // Its anchored words, and the value's words anchoring them, from the posting.
          let anchored = 0;
          let by = 0;
          const wordsStart = p + POSTING_HEAD;
          const wordsEnd = wordsStart + ENTRY_WORD * postings[p + 5]!;
          for (let x = wordsStart; x < wordsEnd; x += ENTRY_WORD) {
            const t = postings[x]!;
            const sk = postings[x + 1]!;
            const tAt = this.#met(t);
            const skAt = sk === t ? -1 : this.#met(sk);
            if (tAt >= 0 || skAt >= 0) {
              anchored += postings[x + 2]!;
              by |= (tAt >= 0 ? matchedBy[tAt]! : 0) | (skAt >= 0 ? matchedBy[skAt]! : 0);
            }
          }
          if (anchored < needed * total - 1e-9) {
            continue;
          }
          const id = postings[p]!;
          if (stamp[id] === generation) {
            continue;
          }
          const cut = mayBeCut && postings[p + 3]! > value.length;
          // With every other word meeting at best loosely or run together (and only those that
          // can), can the score still reach the threshold?
          const loose = this.#looseBound(value, postings, wordsStart, wordsEnd);
          const listedShare = cut ? 1 : Math.min(1, (anchored + loose) / total);
          const open = by | this.#looseBits | (cut ? cutBit : 0);
          let screened = 0;
          for (let i = 0; i < n; i++) {
            if ((open & (1 << Math.min(i, 29))) !== 0) {
              screened += value.weights[i]!;
            }
          }
          const bound =
            LISTED_SHARE * listedShare + (1 - LISTED_SHARE) * Math.min(1, screened / value.weight);
          if (bound >= threshold - 1e-9) {
            consider(id);
          }
        }
      }
    }
    return bestId < 0
      ? undefined
      : { entry: this.#raw[bestId]!, score: bestScore, entityIndex: this.#entityOf[bestId]! };
  }

  /**
   * Lists in `#matched` the words of the list the value's words anchor (`nearEnough`, plainly or by
   * skeleton), with in `#matchedBy` which of the value's words do and where their postings are; and
   * in `#touched` the entries whose names run together as the value's does. Valid until the next
   * lookup.
   */
  #collect(value: NormalizedName): void {
    const metBits = this.#metBits;
    for (const w of this.#matched) {
      metBits[w >>> 5] = 0;
    }
    this.#matched.length = 0;
    this.#matchedBy.length = 0;
    this.#lookup++;
    this.#matchedFrom.length = 0;
    this.#matchedTo.length = 0;
    const touched = this.#touched;
    touched.length = 0;
    this.#seen.length = 0;
    const { words: probes, hashes, joined } = anchorKeys(value);
    // Which of the value's words each probe, and its skeleton, stands for (bit i for word i; words
    // past the 30th share bit 29, which then stands for all of them).
    const probeBits = this.#probeBits;
    const skeletonBits = this.#skeletonBits;
    const probeSkeletons = this.#probeSkeletons;
    probeBits.length = 0;
    skeletonBits.length = 0;
    probeSkeletons.length = 0;
    // Probes are the value's words, then their skeletons that are not words (`anchorWords`).
    let wordProbes = 0;
    for (let i = 0; i < probes.length; i++) {
      const p = probes[i]!;
      let bits = 0;
      let sk: string | undefined;
      for (let k = 0; k < value.tokens.length; k++) {
        if (value.tokens[k] === p) {
          bits |= 1 << Math.min(k, 29);
          sk = value.skeletons[k];
        } else if (value.skeletons[k] === p) {
          bits |= 1 << Math.min(k, 29);
        }
      }
      probeBits.push(bits);
      probeSkeletons.push(sk ?? wordSkeleton(p));
      if (sk !== undefined && wordProbes === i) {
        wordProbes++;
      }
    }
    for (let i = 0; i < probes.length; i++) {
      const at = probes.indexOf(probeSkeletons[i]!);
      skeletonBits.push(at < 0 ? 0 : probeBits[at]!);
    }
    // Every probe's slot, then every found record, read first in loops whose reads do not depend on
    // one another: the processor then waits for their cache misses together rather than one by one.
    const found = this.#found;
    const rec = this.#rec;
    // (The words' only: a word found in the list brings its skeleton's neighbours too.)
    const probeCount = Math.min(wordProbes, found.length);
    for (let i = 0; i < probeCount; i++) {
      found[i] = this.#wordNear.find(hashes[i]!);
    }
    const joinedFound = this.#joinedFound;
    const joinedCount = Math.min(joined.length, joinedFound.length);
    for (let i = 0; i < joinedCount; i++) {
      joinedFound[i] = this.#joined.find(joined[i]!);
    }
    let touch = 0;
    for (let i = 0; i < probeCount; i++) {
      const k = found[i]!;
      if (k > 0) {
        touch |= rec[k]!;
      }
    }
    this.#touch = touch;
    for (let i = 0; i < joined.length; i++) {
      const v = i < joinedCount ? joinedFound[i]! : this.#joined.find(joined[i]!);
      const m = this.#joined.multi;
      const from = v > 0 ? 0 : -v;
      const to = v > 0 ? 1 : v < 0 ? from + m[from - 1]! : 0;
      for (let x = from; x < to; x++) {
        touched.push(v > 0 ? v - 1 : m[x]!);
      }
    }
    const keys = this.#keys;
    const covered = this.#covered;
    covered.length = 0;
    for (let i = 0; i < probes.length; i++) {
      const probe = probes[i]!;
      if (covered.includes(probe)) {
        continue;
      }
      const known = i < probeCount ? found[i]! : this.#wordNear.find(hashes[i]!);
      // A word whose hash is shared (by another word, however unlikely) takes the long way below.
      if (known > 0 && sameWord(rec, known, probe)) {
        // Its record holds the neighbours of its skeleton too: anchored by the words having it.
        covered.push(probeSkeletons[i]!);
        const bits = probeBits[i]! | skeletonBits[i]!;
        // Past the id, length and letters: the count, then each neighbour's id, count and postings.
        let x = known + 1 + ((rec[known]! + 3) >> 2);
        const count = rec[x++]!;
        for (let k = 0; k < count; k++) {
          const from = x + 2;
          x = from + rec[x + 1]!;
          this.#visitWord(rec[from - 2]!, from, x, bits);
        }
        continue;
      }
      const deletions = this.#deletions;
      deletions.length = 0;
      deletionKeyHashes(probe, deletions);
      for (let k = 0; k < deletions.length; k++) {
        const v = keys.find(deletions[k]!);
        if (v > 0) {
          this.#visitNear(v - 1, probes);
        } else if (v < 0) {
          const m = keys.multi;
          const to = -v + m[-v - 1]!;
          for (let x = -v; x < to; x++) {
            this.#visitNear(m[x]!, probes);
          }
        }
      }
    }
  }

  /**
   * Notes, for `#looseBound`, the value's words' lengths and letters (plain and skeleton), in
   * ENTRY_WORD's layout.
   */
  #prepareValue(value: NormalizedName): void {
    const n = value.tokens.length;
    if (this.#valueWords.length < ENTRY_WORD * n) {
      this.#valueWords = new Int32Array(ENTRY_WORD * n);
    }
    const v = this.#valueWords;
    this.#valueEnd = ENTRY_WORD * n;
    let lengths = 0;
    let pairs = 0;
    let loose = false;
    for (let i = 0; i < n; i++) {
      const t = value.tokens[i]!;
      const sk = value.skeletons[i]!;
      const y = ENTRY_WORD * i;
      v[y + 3] =
        Math.min(t.length, 0xffff) |
        (Math.min(sk.length, 0x1fff) << 16) |
        (value.kinds[i] === 0 ? WORD_FLAG : 0);
      v[y + 4] = letterMask(t);
      v[y + 5] = t === sk ? v[y + 4]! : letterMask(sk);
      lengths |= lengthBit(t.length) | lengthBit(sk.length);
      if (i + 1 < n) {
        const plain = t.length + value.tokens[i + 1]!.length;
        const sounded = sk.length + value.skeletons[i + 1]!.length;
        pairs |= lengthBit(plain) | lengthBit(sounded) | lengthBit(sounded - 1);
      }
      loose ||= value.kinds[i] === 0 && meetsLoosely(t, sk);
    }
    // What `#looseBound` checks first: could a word of the value be two of an entry's words run
    // together (by its lengths), or two of its words one of the entry's, or meet one loosely at all?
    this.#valueLengths = lengths;
    this.#valuePairs = pairs;
    this.#valueLoose = loose;
  }

  /**
   * At least the weight the entry's words from `ew[start]` to `ew[end]` not stamped as anchored can
   * still meet, loosely (two edits or more, or a swap: `mayMeetLoosely`) or run together with a
   * neighbour (`mayBeJoined`); and in `#looseBits` the value's words that may meet a word of the
   * entry so. Lengths and letters only: what they rule out cannot meet (fuzzy.ts compares the
   * names word by word).
   */
  #looseBound(value: NormalizedName, ew: Int32Array, start: number, end: number): number {
    const v = this.#valueWords;
    const n = value.tokens.length;
    let weight = 0;
    let bits = 0;
    const lengths = this.#valueLengths;
    const pairs = this.#valuePairs;
    for (let x = start; x < end; x += ENTRY_WORD) {
      const f = ew[x + 3]!;
      const len = f & 0xffff;
      const skLen = (f >>> 16) & 0x1fff;
      // Lengths first: most words can meet the value's words neither loosely nor run together.
      const next = x + ENTRY_WORD < end ? ew[x + ENTRY_WORD + 3]! : -1;
      const prev = x > start ? ew[x - ENTRY_WORD + 3]! : -1;
      const joinedNext =
        next >= 0 &&
        (lengths &
          (lengthBit(len + (next & 0xffff)) |
            lengthBit(skLen + ((next >>> 16) & 0x1fff)) |
            lengthBit(skLen + ((next >>> 16) & 0x1fff) - 1))) !==
          0;
      const joinedPrev =
        prev >= 0 &&
        (lengths &
          (lengthBit(len + (prev & 0xffff)) |
            lengthBit(skLen + ((prev >>> 16) & 0x1fff)) |
            lengthBit(skLen + ((prev >>> 16) & 0x1fff) - 1))) !==
          0;
      const split = (pairs & (lengthBit(len) | lengthBit(skLen))) !== 0;
      const looseToo = this.#valueLoose && (len === 3 || len >= 6 || skLen >= 6) && (f & WORD_FLAG) !== 0;
      if (!joinedNext && !joinedPrev && !split && !looseToo) {
        continue;
      }
      const anchored = this.#met(ew[x]!) >= 0 || this.#met(ew[x + 1]!) >= 0;
      let met = false;
      for (let i = 0; i < n; i++) {
        const y = i * ENTRY_WORD;
        const bit = 1 << Math.min(i, 29);
        let meets = looseToo && mayMeetLoosely(ew, x, v, y);
        // The value's word may be this word and the next run together, or the one before and this.
        if (!meets && joinedNext && mayBeJoined(v, y, ew, x, ew, x + ENTRY_WORD)) {
          meets = true;
        }
        if (!meets && joinedPrev && mayBeJoined(v, y, ew, x - ENTRY_WORD, ew, x)) {
          meets = true;
        }
        // This word may be the value's word and the next run together.
        if (!meets && split && i + 1 < n && mayBeJoined(ew, x, v, y, v, y + ENTRY_WORD)) {
          meets = true;
          bits |= 1 << Math.min(i + 1, 29);
        }
        if (meets) {
          met = true;
          bits |= bit;
        }
      }
      if (met && !anchored) {
        weight += ew[x + 2]!;
      }
    }
    // Past the 30th word, bits are shared: every word there counts as open.
    this.#looseBits = n > 30 ? bits | (1 << 29) : bits;
    return weight;
  }

  /** Visits word `w` found by a deletion key: an anchor of the probes within one edit of it. */
  #visitNear(w: number, probes: readonly string[]): void {
    // Each word once: what anchors it is worked out from every probe at once.
    if (this.#seen.includes(w)) {
      return;
    }
    this.#seen.push(w);
    const word = this.#words[w]!;
    let bits = 0;
    for (let i = 0; i < probes.length; i++) {
      const p = probes[i]!;
      // Deletion keys (and their hashes) can collide for words two edits apart: check each.
      if (nearEnough(p, word)) {
        bits |= this.#probeBits[i]!;
      }
    }
    if (bits !== 0) {
      this.#visitWord(w, this.#postStart[w]!, this.#postStart[w + 1]!, bits);
    }
  }

  /** Position of word `w` in `#matched`, or -1. */
  #met(w: number): number {
    if ((this.#metBits[w >>> 5]! & (1 << (w & 31))) === 0) {
      return -1;
    }
    const mask = this.#metKey.length - 1;
    let slot = (Math.imul(w, 0x9e3779b1) >>> 20) & mask;
    while (this.#metLookup[slot] === this.#lookup) {
      if (this.#metKey[slot] === w) {
        return this.#metAt[slot]!;
      }
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  #metPut(w: number, at: number): void {
    const mask = this.#metKey.length - 1;
    let slot = (Math.imul(w, 0x9e3779b1) >>> 20) & mask;
    while (this.#metLookup[slot] === this.#lookup) {
      slot = (slot + 1) & mask;
    }
    this.#metLookup[slot] = this.#lookup;
    this.#metKey[slot] = w;
    this.#metAt[slot] = at;
  }

  /** Doubles the table (rare: a lookup meets a few dozen words) and files the words met so far again. */
  #metGrow(): void {
    const size = 2 * this.#metKey.length;
    this.#metKey = new Int32Array(size);
    this.#metAt = new Int32Array(size);
    this.#metLookup = new Int32Array(size);
    const words = this.#matched;
    for (let k = 0; k < words.length - 1; k++) {
      this.#metPut(words[k]!, k);
    }
  }

  /**
   * Notes word `w` as anchored by the value's words `bits` and, the first time, adds its postings.
   */
  #visitWord(w: number, from: number, to: number, bits: number): void {
    const at = this.#met(w);
    if (at >= 0) {
      this.#matchedBy[at]! |= bits;
      return;
    }
    this.#matched.push(w);
    this.#matchedBy.push(bits);
    if (2 * this.#matched.length > this.#metKey.length) {
      this.#metGrow();
    }
    this.#metPut(w, this.#matched.length - 1);
    this.#metBits[w >>> 5]! |= 1 << (w & 31);
    this.#matchedFrom.push(from);
    this.#matchedTo.push(to);
  }
}

/**
 * Appends `word`'s length and letters, four to an int; a word with a letter past 255 (never, after
 * normalisation) gets length -1, which no word matches, so its lookups take the long way.
 */
function packWord(word: string, out: number[]): void {
  for (let i = 0; i < word.length; i++) {
    if (word.charCodeAt(i) > 255) {
      out.push(-1);
      return;
    }
  }
  out.push(word.length);
  for (let i = 0; i < word.length; i += 4) {
    let v = 0;
    for (let j = 0; j < 4 && i + j < word.length; j++) {
      v |= word.charCodeAt(i + j) << (8 * j);
    }
    out.push(v);
  }
}

/** Is the word packed at `rec[at]` (see `packWord`) equal to `word`? */
function sameWord(rec: Int32Array, at: number, word: string): boolean {
  const len = rec[at]!;
  if (len !== word.length) {
    return false;
  }
  for (let i = 0; i < len; i++) {
    if (((rec[at + 1 + (i >> 2)]! >>> ((i & 3) << 3)) & 0xff) !== word.charCodeAt(i)) {
      return false;
    }
  }
  return true;
}

/** A length as a bit (lengths past 30 share bit 31, so a test on it can only say "maybe"). */
function lengthBit(length: number): number {
  return length < 0 ? 0 : 1 << (length > 30 ? 31 : length);
}

/** Numbers per entry word in `FuzzyIndex`'s `#entryWords` (and per value word in its scratch). */
const ENTRY_WORD = 6;
/** Set in an entry word's lengths field when it is a word, not a number or numeral. */
const WORD_FLAG = 1 << 29;

/**
 * May two words of lengths `la`, `lb` and letters `ma`, `mb` be two edits or more apart and still
 * meet (`editsAllowed` in fuzzy.ts)? Their lengths must allow two edits, and the letters one has and
 * the other lacks must not need more edits than allowed.
 */
function mayBeApart(la: number, lb: number, ma: number, mb: number): boolean {
  const allowed = editsAllowed(la, lb);
  return allowed >= 2 && editsAtLeast(ma, mb, la, lb) <= allowed;
}

/**
 * May the words at `a[x]` and `b[y]` (ENTRY_WORD layout) meet other than as anchors: two edits or
 * more apart, plainly or by skeleton, or three letters swapped?
 */
function mayMeetLoosely(a: Int32Array, x: number, b: Int32Array, y: number): boolean {
  const fa = a[x + 3]!;
  const fb = b[y + 3]!;
  if ((fa & fb & WORD_FLAG) === 0) {
    return false;
  }
  const la = fa & 0xffff;
  const lb = fb & 0xffff;
  if (la === 3 && lb === 3) {
    return a[x + 4] === b[y + 4];
  }
  const sa = (fa >>> 16) & 0x1fff;
  const sb = (fb >>> 16) & 0x1fff;
  // Two edits need six letters or more on both sides (`editsAllowed`), plainly or by skeleton.
  return (
    (la >= 6 && lb >= 6 && mayBeApart(la, lb, a[x + 4]!, b[y + 4]!)) ||
    (sa >= 6 && sb >= 6 && mayBeApart(sa, sb, a[x + 5]!, b[y + 5]!))
  );
}

/**
 * May the word at `a[x]` be the words at `b1[y1]` and `b2[y2]` run together (`joinable` in fuzzy.ts):
 * as long as both, or as both skeletons (one letter less where they meet), with the letters of both?
 */
function mayBeJoined(
  a: Int32Array,
  x: number,
  b1: Int32Array,
  y1: number,
  b2: Int32Array,
  y2: number,
): boolean {
  const fa = a[x + 3]!;
  const f1 = b1[y1 + 3]!;
  const f2 = b2[y2 + 3]!;
  if ((fa & 0xffff) === (f1 & 0xffff) + (f2 & 0xffff) && a[x + 4] === (b1[y1 + 4]! | b2[y2 + 4]!)) {
    return true;
  }
  const sa = (fa >>> 16) & 0x1fff;
  const s12 = ((f1 >>> 16) & 0x1fff) + ((f2 >>> 16) & 0x1fff);
  return (sa === s12 || sa === s12 - 1) && a[x + 5] === (b1[y1 + 5]! | b2[y2 + 5]!);
}

/** Is `word` within one edit of one of the probes (the anchor condition of the fuzzy score)? */
function isAnchor(probes: readonly string[], word: string): boolean {
  for (const p of probes) {
    if (nearEnough(p, word)) {
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
 * anchors a match needs (ANCHOR_SHARE of the entry's weight): a value anchoring none of the indexed
 * words anchors too little of the entry to score above 0 (joined names are indexed apart).
 */
function indexedCount(entry: NormalizedName, order: readonly number[]): number {
  let count = 0;
  let rest = entry.weight;
  for (const i of order) {
    if (rest < ANCHOR_SHARE * entry.weight) {
      break;
    }
    count++;
    rest -= entry.weights[i]!;
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
      const { value, note, source, expires } = parsed as Record<string, unknown>;
      if (typeof value === 'string' && value.trim() !== '') {
        const entry = entryOf(value.trim(), note, source, expires);
        if (typeof entry === 'string') {
          errors.push({ code: 'VIGIL_WATCHLIST_PARSE', line: i + 1, message: entry });
        } else {
          entries.push(entry);
        }
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
function splitCsvLine(line: string, separator = ','): string[] | undefined {
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

/**
 * The field separator a CSV file uses: a semicolon where its header row has one outside quotes and
 * no comma (what spreadsheet software writes in locales with a decimal comma), else a comma.
 */
function csvSeparator(headerLine: string): ',' | ';' {
  const bare = headerLine.replace(/"[^"]*"/g, '');
  return bare.includes(';') && !bare.includes(',') ? ';' : ',';
}

/**
 * Entries from CSV with a header row naming a `value` column (and optionally `note`, `source` and
 * `expires`); other columns
 * are ignored. Fields are separated by commas, or by semicolons when the header row is (spreadsheet
 * exports in many EU locales). Quoted fields may hold the separator; a record may not span lines.
 */
export function parseWatchlistCsv(text: string): WatchlistParseResult {
  const lines = text.split(/\r?\n/);
  const headerLine = lines[0]?.replace(/^\uFEFF/, '') ?? '';
  const separator = csvSeparator(headerLine);
  const header = splitCsvLine(headerLine, separator);
  const valueCol = header?.findIndex((h) => h.trim().toLowerCase() === 'value') ?? -1;
  if (header === undefined || valueCol < 0) {
    return {
      ok: false,
      errors: [{ code: 'VIGIL_WATCHLIST_PARSE', line: 1, message: 'the header row needs a "value" column' }],
    };
  }
  const column = (name: string): number => header.findIndex((h) => h.trim().toLowerCase() === name);
  const noteCol = column('note');
  const sourceCol = column('source');
  const expiresCol = column('expires');
  const entries: WatchlistEntry[] = [];
  const errors: WatchlistParseError[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') {
      continue;
    }
    const fields = splitCsvLine(line, separator);
    const value = fields?.[valueCol]?.trim();
    if (fields === undefined || value === undefined || value === '') {
      errors.push({
        code: 'VIGIL_WATCHLIST_PARSE',
        line: i + 1,
        message: fields === undefined ? 'unterminated quoted field' : 'empty value',
      });
      continue;
    }
    const entry = entryOf(
      value,
      noteCol >= 0 ? (fields[noteCol] ?? '') : undefined,
      sourceCol >= 0 ? (fields[sourceCol] ?? '') : undefined,
      expiresCol >= 0 ? (fields[expiresCol] ?? '') : undefined,
    );
    if (typeof entry === 'string') {
      errors.push({ code: 'VIGIL_WATCHLIST_PARSE', line: i + 1, message: entry });
      continue;
    }
    entries.push(entry);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: entries };
}
