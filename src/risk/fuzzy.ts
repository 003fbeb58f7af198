/**
 * Fuzzy matching of operator names and addresses for watchlists and rules. A name is normalised once
 * (transliterated to ASCII, lower case, punctuation and legal-form words dropped) into tokens; two names
 * are compared token by token, order-insensitively, tolerating one typo per word, into a score in [0, 1].
 *
 * The score is defined so that a name can only score above zero when at least one of its words is
 * within one edit of a word of the other name (or the names run together without spaces are equal): that "anchor"
 * condition is what lets `watchlist.ts` find every candidate through a deletion-neighbourhood index
 * instead of scanning a list of 100,000 names.
 */
import anyAscii from 'any-ascii';

/**
 * Words that say what kind of company it is, not which one (legal forms in the main trading languages,
 * after transliteration: "ООО" becomes "ooo"). Dropping them stops "Acme Ltd" and "Acme GmbH" differing.
 */
export const LEGAL_FORM_WORDS: ReadonlySet<string> = new Set([
  'ab',
  'ag',
  'as',
  'asa',
  'bhd',
  'bv',
  'bvba',
  'cia',
  'co',
  'company',
  'corp',
  'corporation',
  'cv',
  'eirl',
  'eood',
  'ek',
  'gmbh',
  'gbr',
  'inc',
  'incorporated',
  'jsc',
  'kft',
  'kg',
  'kk',
  'llc',
  'llp',
  'lp',
  'ltd',
  'ltda',
  'limited',
  'mbh',
  'nv',
  'oao',
  'ojsc',
  'ooo',
  'oy',
  'oyj',
  'pao',
  'pjsc',
  'plc',
  'pte',
  'pty',
  'pvt',
  'sa',
  'sae',
  'sal',
  'sarl',
  'sas',
  'sdn',
  'se',
  'spa',
  'sp',
  'sro',
  'srl',
  'tov',
  'ug',
  'zao',
  'zrt',
  'the',
  'and',
  'of',
]);

/** A name after normalisation: its words and the words run together (for "BrightElectronics"). */
export interface NormalizedName {
  /** Words as written (in ASCII, lower case). */
  readonly tokens: readonly string[];
  /** The spelling skeleton of each word, same order. */
  readonly skeletons: readonly string[];
  readonly joined: string;
  readonly joinedSkeleton: string;
  /** Sum of token lengths: the weight of the whole name in coverage scores. */
  readonly weight: number;
}

const EMPTY_NAME: NormalizedName = Object.freeze({
  tokens: Object.freeze([]),
  skeletons: Object.freeze([]),
  joined: '',
  joinedSkeleton: '',
  weight: 0,
});

/**
 * A spelling skeleton of a word, so that the usual ways one name is written in Latin letters after
 * transliteration compare equal or one edit apart: "Брайт Электроникс" gives "brayt elektroniks",
 * which must meet "Bright Electronics". Hard c/k/q, ph/f, w/v, y/i, z/s, silent gh and doubled
 * letters are folded. Both sides of every comparison go through it, so nothing is lost by folding.
 */
export function spellingSkeleton(word: string): string {
  const n = word.length;
  if (keepsItsSpelling(word)) {
    return word;
  }
  if (n > 64) {
    return spellingSkeletonByRules(word);
  }
  // The folds as passes over char codes, in the rules' order, each with the semantics of one global
  // non-overlapping left-to-right replacement (fuzzy.test.ts checks this against the regexes).
  const a = skelA;
  const b = skelB;
  for (let i = 0; i < n; i++) {
    a[i] = word.charCodeAt(i);
  }
  let len = n;
  len = foldTriple(a, b, len, S, C, H, S); // sch → sh
  len = foldTriple(b, a, len, T, C, H, C); // tch → ch
  len = foldPair(a, b, len, G, H, -1); // gh → (nothing)
  len = foldPair(b, a, len, P, H, F); // ph → f
  len = foldPair(a, b, len, K, H, H); // kh → h
  len = foldPair(b, a, len, C, K, K); // ck → k
  const out = skelOut;
  out.length = 0;
  for (let i = 0; i < len; i++) {
    let c = a[i]!;
    if (c === C) {
      c = i + 1 < len && a[i + 1] === H ? C : K; // c(?!h) → k
    } else if (c === Q) {
      c = K;
    } else if (c === X) {
      if (out.length === 0 || out[out.length - 1] !== K) {
        out.push(K); // x → ks
      }
      c = S;
    } else if (c === Y || c === J) {
      c = I;
    } else if (c === W) {
      c = V;
    } else if (c === Z) {
      c = S;
    }
    // Runs of one letter collapse to one.
    if (out.length === 0 || out[out.length - 1] !== c) {
      out.push(c);
    }
  }
  return String.fromCharCode.apply(null, out);
}

/**
 * Does no fold apply to `word`? None of c q x y j w z, no h after g p or k, no letter doubled: then
 * its skeleton is the word itself (about half of all words), and making a copy would cost more.
 */
function keepsItsSpelling(word: string): boolean {
  let prev = -1;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (
      c === C ||
      c === Q ||
      c === X ||
      c === Y ||
      c === J ||
      c === W ||
      c === Z ||
      c === prev ||
      (c === H && (prev === G || prev === P || prev === K))
    ) {
      return false;
    }
    prev = c;
  }
  return true;
}

// Letters the folds read or write, as char codes.
const S = 115; // s
const C = 99; // c
const H = 104; // h
const T = 116; // t
const G = 103; // g
const P = 112; // p
const F = 102; // f
const K = 107; // k
const Q = 113; // q
const X = 120; // x
const Y = 121; // y
const J = 106; // j
const I = 105; // i
const W = 119; // w
const V = 118; // v
const Z = 122; // z
const skelA = new Uint16Array(130);
const skelB = new Uint16Array(130);
const skelOut: number[] = [];

/** `from[0..len)` with every x y z replaced by `first` z, into `to`; returns the new length. */
function foldTriple(from: Uint16Array, to: Uint16Array, len: number, x = 0, y = 0, z = 0, first = 0): number {
  let out = 0;
  for (let i = 0; i < len;) {
    if (from[i] === x && i + 2 < len && from[i + 1] === y && from[i + 2] === z) {
      to[out++] = first;
      to[out++] = z;
      i += 3;
    } else {
      to[out++] = from[i++]!;
    }
  }
  return out;
}

/** `from[0..len)` with every x y replaced by `by` (nothing when -1), into `to`; returns the new length. */
function foldPair(from: Uint16Array, to: Uint16Array, len: number, x = 0, y = 0, by = 0): number {
  let out = 0;
  for (let i = 0; i < len;) {
    if (from[i] === x && i + 1 < len && from[i + 1] === y) {
      if (by >= 0) {
        to[out++] = by;
      }
      i += 2;
    } else {
      to[out++] = from[i++]!;
    }
  }
  return out;
}

/** The folds as written rules: the definition `spellingSkeleton` implements (and long words use). */
export function spellingSkeletonByRules(word: string): string {
  const s = word
    .replace(/sch/g, 'sh')
    .replace(/tch/g, 'ch')
    .replace(/gh/g, '')
    .replace(/ph/g, 'f')
    .replace(/kh/g, 'h')
    .replace(/ck/g, 'k')
    .replace(/c(?!h)/g, 'k')
    .replace(/q/g, 'k')
    .replace(/x/g, 'ks')
    .replace(/[yj]/g, 'i')
    .replace(/w/g, 'v')
    .replace(/z/g, 's');
  return s.replace(/(.)\1+/g, '$1');
}

/**
 * Recently normalised names: one consignment's names are looked up by many rules and lists, and
 * normalising (transliteration, skeletons) costs more than the lookups themselves. Bounded, and the
 * values are pure functions of the key, so the cache never changes a result.
 */
const recent = new Map<string, NormalizedName>();
const RECENT_MAX = 4096;
const LAST = 4;
const lastTexts: (string | undefined)[] = new Array<string | undefined>(LAST).fill(undefined);
const lastNames: (NormalizedName | undefined)[] = new Array<NormalizedName | undefined>(LAST).fill(undefined);
let lastNext = 0;

/** Normalises a name or address: transliteration, case, punctuation, legal forms, duplicate words. */
export function normalizeName(text: string): NormalizedName {
  // The last few names first: a consignment asks for its two or three names again and again, and
  // comparing a string with the one before costs less than hashing it for the Map.
  for (let i = 0; i < LAST; i++) {
    if (lastTexts[i] === text) {
      return lastNames[i]!;
    }
  }
  let n = recent.get(text);
  if (n === undefined) {
    n = normalizeUncached(text);
    if (recent.size >= RECENT_MAX) {
      recent.clear();
    }
    recent.set(text, n);
  }
  lastTexts[lastNext] = text;
  lastNames[lastNext] = n;
  lastNext = (lastNext + 1) % LAST;
  return n;
}

/** A normalised name, with room for its lookup keys (made on first lookup, see `anchorKeys`). */
class Name implements NormalizedName {
  readonly tokens: readonly string[];
  readonly skeletons: readonly string[];
  readonly joined: string;
  readonly joinedSkeleton: string;
  readonly weight: number;
  /** A memo, not state: a pure function of the fields above. */
  anchors: AnchorKeys | undefined = undefined;
  /** Likewise: the words joined by spaces (see `nameKey`). */
  key: string | undefined = undefined;

  constructor(tokens: readonly string[], skeletons: readonly string[], weight: number) {
    this.tokens = tokens;
    this.skeletons = skeletons;
    this.joined = tokens.join('');
    this.joinedSkeleton = skeletons.join('');
    this.weight = weight;
  }
}

const isWordChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
const isApostrophe = (c: number): boolean => c === 39 || c === 96;

function isDigits(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) {
      return false;
    }
  }
  return true;
}

/** The skeleton a normalised name gives its word `t` (numbers are kept as they are). */
export function wordSkeleton(t: string): string {
  return isDigits(t) ? t : spellingSkeleton(t);
}

function normalizeUncached(text: string): NormalizedName {
  if (text.length === 0) {
    return EMPTY_NAME;
  }
  // anyAscii covers diacritics, Cyrillic, Greek and most other scripts; apostrophes it emits for soft
  // signs ("Shen'chzhen'") are dropped so the word stays one word.
  // Plain ASCII (most names) skips the transliteration table.
  const ascii = (/^[\x00-\x7f]*$/.test(text) ? text : anyAscii(text)).toLowerCase();
  const tokens: string[] = [];
  const skeletons: string[] = [];
  let weight = 0;
  // Words are runs of [a-z0-9] (apostrophes inside are dropped); anything else separates them.
  const n = ascii.length;
  let i = 0;
  while (i < n) {
    const start = i;
    let apostrophes = false;
    for (; i < n; i++) {
      const c = ascii.charCodeAt(i);
      if (isApostrophe(c)) {
        apostrophes = true;
      } else if (!isWordChar(c)) {
        break;
      }
    }
    if (i === start) {
      i++;
      continue;
    }
    let t = ascii.slice(start, i);
    if (apostrophes) {
      t = t.replace(/['`]/g, '');
    }
    if (t.length === 0 || LEGAL_FORM_WORDS.has(t) || tokens.includes(t)) {
      continue;
    }
    tokens.push(t);
    skeletons.push(wordSkeleton(t));
    weight += t.length;
  }
  if (tokens.length === 0) {
    return EMPTY_NAME;
  }
  return new Name(tokens, skeletons, weight);
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), stopping above `max`. */
export function osaDistance(a: string, b: string, max = Infinity): number {
  if (a === b) {
    return 0;
  }
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) {
    return max + 1;
  }
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur[j] = v;
      if (v < rowMin) {
        rowMin = v;
      }
    }
    if (rowMin > max) {
      return max + 1;
    }
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m]!;
}

/** Jaro-Winkler similarity: the usual measure for short names, rewarding a shared beginning. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) {
    return 1;
  }
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) {
    return 0;
  }
  if (la <= 31 && lb <= 31) {
    return jaroWinklerShort(a, b, la, lb);
  }
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  const matchedB = new Uint8Array(lb);
  const matchA: number[] = [];
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (matchedB[j] === 0 && b.charCodeAt(j) === c) {
        matchedB[j] = 1;
        matchA.push(c);
        break;
      }
    }
  }
  const m = matchA.length;
  if (m === 0) {
    return 0;
  }
  let k = 0;
  let transpositions = 0;
  for (let j = 0; j < lb; j++) {
    if (matchedB[j] === 1) {
      if (b.charCodeAt(j) !== matchA[k]) {
        transpositions++;
      }
      k++;
    }
  }
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) {
    prefix++;
  }
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** `jaroWinkler` for words up to 31 letters, with bit masks instead of arrays (same arithmetic). */
function jaroWinklerShort(a: string, b: string, la: number, lb: number): number {
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  let matchedA = 0;
  let matchedB = 0;
  let m = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if ((matchedB & (1 << j)) === 0 && b.charCodeAt(j) === c) {
        matchedB |= 1 << j;
        matchedA |= 1 << i;
        m++;
        break;
      }
    }
  }
  if (m === 0) {
    return 0;
  }
  let i = 0;
  let transpositions = 0;
  for (let j = 0; j < lb; j++) {
    if ((matchedB & (1 << j)) !== 0) {
      while ((matchedA & (1 << i)) === 0) {
        i++;
      }
      if (b.charCodeAt(j) !== a.charCodeAt(i)) {
        transpositions++;
      }
      i++;
    }
  }
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) {
    prefix++;
  }
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * Similarity of two words: 1 when equal; for a single typo (one insertion, deletion, substitution or
 * swap of neighbours) in words of four letters or more, their Jaro-Winkler similarity; otherwise 0.
 * Short words must match exactly: one edit in "abc" makes a different word.
 */
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) {
    return 1;
  }
  if (a.length < 4 || b.length < 4) {
    return 0;
  }
  return withinOneEdit(a, b) ? jaroWinkler(a, b) : 0;
}

/** `osaDistance(a, b) <= 1` in one pass without allocating: this runs for every pair of words compared. */
export function withinOneEdit(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (la === lb) {
    let i = 0;
    while (i < la && a.charCodeAt(i) === b.charCodeAt(i)) {
      i++;
    }
    if (i >= la - 1) {
      return true;
    }
    // Substitution at i, or the neighbours at i and i + 1 swapped.
    if (sameFrom(a, i + 1, b, i + 1)) {
      return true;
    }
    return (
      a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      sameFrom(a, i + 2, b, i + 2)
    );
  }
  if (la - lb !== 1 && lb - la !== 1) {
    return false;
  }
  const long = la > lb ? a : b;
  const short = la > lb ? b : a;
  let i = 0;
  while (i < short.length && long.charCodeAt(i) === short.charCodeAt(i)) {
    i++;
  }
  return sameFrom(long, i + 1, short, i);
}

/** `a.slice(i) === b.slice(j)` without making the slices. */
function sameFrom(a: string, i: number, b: string, j: number): boolean {
  if (a.length - i !== b.length - j) {
    return false;
  }
  for (; i < a.length; i++, j++) {
    if (a.charCodeAt(i) !== b.charCodeAt(j)) {
      return false;
    }
  }
  return true;
}

/** Share of `of`'s weight covered by its best-matching words in `by` (each word length-weighted). */
function coverage(of: NormalizedName, by: NormalizedName): number {
  let covered = 0;
  for (let i = 0; i < of.tokens.length; i++) {
    const t = of.tokens[i]!;
    const ts = of.skeletons[i]!;
    let best = 0;
    for (let j = 0; j < by.tokens.length; j++) {
      const s = Math.max(tokenSimilarity(t, by.tokens[j]!), tokenSimilarity(ts, by.skeletons[j]!));
      if (s > best) {
        best = s;
        if (s === 1) {
          break;
        }
      }
    }
    covered += t.length * best;
  }
  return covered / of.weight;
}

/**
 * How well `value` (a name from a filing) matches `query` (a listed name or the name in a rule), in
 * [0, 1]. Mostly how much of the query is found in the value (so "Shenzhen Bright Electronics Co"
 * matches "Bright Electronics" well), a little how much of the value is explained by the query (so
 * the value with fewer extra words ranks first), or the two run together without spaces.
 */
export function fuzzyScoreNormalized(value: NormalizedName, query: NormalizedName): number {
  if (value.weight === 0 || query.weight === 0) {
    return 0;
  }
  const tokenScore = 0.85 * coverage(query, value) + 0.15 * coverage(value, query);
  // Run-together names ("BrightElectronics") must match exactly: indexing every one-edit variant of
  // whole names would cost more than the rare typo inside a run-together name is worth.
  const joinedScore = value.joined === query.joined || value.joinedSkeleton === query.joinedSkeleton ? 1 : 0;
  return Math.min(1, Math.max(tokenScore, joinedScore));
}

/**
 * `fuzzyScoreNormalized(value, query)` when it reaches `threshold`, else some number below it: the
 * share of `query` covered is computed first, and the other way round only if it can still matter.
 */
export function fuzzyScoreAtLeast(value: NormalizedName, query: NormalizedName, threshold: number): number {
  if (value.weight === 0 || query.weight === 0) {
    return 0;
  }
  if (value.joined === query.joined || value.joinedSkeleton === query.joinedSkeleton) {
    return 1;
  }
  const part = 0.85 * coverage(query, value);
  // coverage ≤ 1, so the score is at most part + 0.15 (and rounding is monotone).
  if (part + 0.15 < threshold) {
    return -1;
  }
  return Math.min(1, Math.max(part + 0.15 * coverage(value, query), 0));
}

/** `fuzzyScoreNormalized` on raw text. */
export function fuzzyScore(value: string, query: string): number {
  return fuzzyScoreNormalized(normalizeName(value), normalizeName(query));
}

/**
 * The words a name is looked up or indexed under: its words and their skeletons. Two names whose
 * token score is above zero share a deletion key of these; run-together names are matched exactly.
 */
export function anchorWords(n: NormalizedName): string[] {
  const out: string[] = [];
  const add = (w: string): void => {
    if (!out.includes(w)) {
      out.push(w);
    }
  };
  n.tokens.forEach(add);
  n.skeletons.forEach(add);
  return out;
}

const KEY_BASE = 0x01000193;
const KEY_POW = new Int32Array(65);
KEY_POW[0] = 1;
for (let i = 1; i < KEY_POW.length; i++) {
  KEY_POW[i] = Math.imul(KEY_POW[i - 1]!, KEY_BASE);
}
const keySuffix = new Int32Array(65);

function finishKey(h: number, length: number): number {
  let x = (h ^ Math.imul(length, 0x9e3779b1)) | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x | 0;
}

/** A 32-bit hash of a key string (the same as `deletionKeyHashes` gives for that string). */
export function keyHash(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) {
    h = (Math.imul(h, KEY_BASE) + key.charCodeAt(i)) | 0;
  }
  return finishKey(h, key.length);
}

/**
 * Pushes `keyHash` of each of `deletionKeys(word)` onto `out` (possibly with repeats), without
 * making the strings: a polynomial hash with the deleted letter taken out of prefix and suffix sums.
 * Equal keys hash equally; different keys rarely collide, and callers verify what a hash finds.
 */
export function deletionKeyHashes(word: string, out: number[]): void {
  const n = word.length;
  if (n > 64) {
    for (const k of deletionKeys(word)) {
      out.push(keyHash(k));
    }
    return;
  }
  const suf = keySuffix;
  suf[n] = 0;
  for (let k = n - 1; k >= 0; k--) {
    suf[k] = (suf[k + 1]! + Math.imul(word.charCodeAt(k), KEY_POW[n - 1 - k]!)) | 0;
  }
  out.push(finishKey(suf[0]!, n));
  if (n < 4) {
    return;
  }
  let pre = 0;
  for (let i = 0; i < n; i++) {
    out.push(finishKey((Math.imul(pre, KEY_POW[n - 1 - i]!) + suf[i + 1]!) | 0, n - 1));
    pre = (Math.imul(pre, KEY_BASE) + word.charCodeAt(i)) | 0;
  }
}

/** What a name is looked up by in a fuzzy index: its anchor words, their own hashes, its run-together forms. */
export interface AnchorKeys {
  readonly words: readonly string[];
  /** `keyHash(words[i])`; the hashes of a word's deletion keys are made where needed (`deletionKeyHashes`). */
  readonly hashes: readonly number[];
  /** `keyHash` of its run-together forms marked with U+0001 (as the rule index files them). */
  readonly joined: readonly number[];
}

/**
 * `anchorWords` of a name with their hashes, made once per normalised name: a consignment's name is
 * looked up in several lists and by the rule index. Plain arrays, not typed ones: a typed array of
 * more than a few numbers is allocated outside the heap, which costs more than everything else here.
 */
export function anchorKeys(n: NormalizedName): AnchorKeys {
  if (n instanceof Name) {
    n.anchors ??= makeAnchorKeys(n);
    return n.anchors;
  }
  return makeAnchorKeys(n);
}

/**
 * A string naming a normalised name exactly: its words, in order, joined by spaces (words never hold
 * a space). Everything else in a `NormalizedName` is a function of its words, so equal keys mean equal
 * names. Made once per normalised name.
 */
export function nameKey(n: NormalizedName): string {
  if (n instanceof Name) {
    n.key ??= n.tokens.join(' ');
    return n.key;
  }
  return n.tokens.join(' ');
}

function makeAnchorKeys(n: NormalizedName): AnchorKeys {
  const words = anchorWords(n);
  const hashes: number[] = [];
  for (let i = 0; i < words.length; i++) {
    hashes.push(keyHash(words[i]!));
  }
  return { words, hashes, joined: joinedKeyHashes(n) };
}

/** `keyHash` of a name's run-together forms, marked with U+0001 so they only meet their own kind. */
export function joinedKeyHashes(n: NormalizedName): number[] {
  const plain = keyHash(`\u0001${n.joined}`);
  return n.joinedSkeleton === n.joined ? [plain] : [plain, keyHash(`\u0001${n.joinedSkeleton}`)];
}

/** The word itself and every string one deletion away: two words within one edit share one of these. */
export function deletionKeys(token: string): string[] {
  const keys = [token];
  if (token.length < 4) {
    // Short words only match exactly (see tokenSimilarity), so they need no neighbourhood.
    return keys;
  }
  for (let i = 0; i < token.length; i++) {
    const k = token.slice(0, i) + token.slice(i + 1);
    if (!keys.includes(k)) {
      keys.push(k);
    }
  }
  return keys;
}
