/**
 * The rule index: rules filed under their discriminator (rule-analysis.ts) so that, per consignment,
 * only the rules whose necessary condition can hold are evaluated. Per consignment, each indexed path
 * is walked once by a reader made for it when the index is built (no intermediate arrays), equality
 * tests are Map lookups, prefix tests one lookup per prefix length in use, and fuzzy tests integer
 * lookups of the name's anchor-key hashes (made once per name, shared with the watchlists). Candidates
 * come back in rule order, so evaluation order is deterministic.
 */
import type { RuleActivation } from './activation.ts';
import { lookupSignature, noteMatch, type EvalFrame, type SignatureTable } from './cel-compiler.ts';
import { anchorKeys, deletionKeyHashes, keyHash, normalizeName } from './fuzzy.ts';
import type { Discriminator, KeyTest, RangeTest } from './rule-analysis.ts';

type Visit = (key: string) => void;
type PathReader = (value: unknown, visit: Visit) => void;

/** A reader of every string at a path like `goods[].hsCode` or `transport.mode` (non-strings ignored). */
function pathReader(segments: readonly { name: string; many: boolean }[], i = 0): PathReader {
  if (i === segments.length) {
    return (v, visit) => {
      if (typeof v === 'string') {
        visit(v);
      }
    };
  }
  const next = pathReader(segments, i + 1);
  const { name, many } = segments[i]!;
  if (many) {
    return (v, visit) => {
      const x = (v as Record<string, unknown> | undefined)?.[name];
      if (Array.isArray(x)) {
        for (let k = 0; k < x.length; k++) {
          next(x[k], visit);
        }
      }
    };
  }
  return (v, visit) => next((v as Record<string, unknown> | undefined)?.[name], visit);
}

function readerFor(path: string): PathReader {
  return pathReader(path.split('.').map((s) => ({ name: s.replace(/\[\]$/, ''), many: s.endsWith('[]') })));
}

/** A reader of the value at a path of single values like `consignee.profile.irregularities`. */
function valueReader(path: string): (act: RuleActivation) => unknown {
  const names = path.split('.');
  return (act) => {
    let v: unknown = act;
    for (let i = 0; i < names.length && v !== undefined && v !== null; i++) {
      v = (v as Record<string, unknown>)[names[i]!];
    }
    return v;
  };
}

interface RangeCheck {
  readonly read: (act: RuleActivation) => unknown;
  readonly op: RangeTest['op'];
  readonly bound: number;
}

/** Does the value meet the comparison? A value that is not a number is left to the rule. */
function inRange(c: RangeCheck, act: RuleActivation): boolean {
  const v = c.read(act);
  if (typeof v !== 'number') {
    return true;
  }
  switch (c.op) {
    case '<':
      return v < c.bound;
    case '<=':
      return v <= c.bound;
    case '>':
      return v > c.bound;
    case '>=':
      return v >= c.bound;
  }
}

/** Fuzzy keys are hashed like the watchlists' deletion keys, folded to small integers for the Map. */
const fuzzyKey = (hash: number): number => hash & 0x3fffffff;

interface PathIndex {
  readonly read: PathReader;
  readonly fuzzy: boolean;
  readonly eq: Map<string, number[]>;
  readonly prefix: Map<string, number[]>;
  readonly hashed: Map<number, number[]>;
  prefixLengths: number[];
  /** Set once the index is built: what to do with each value the reader finds. */
  visit: Visit;
}

/**
 * A `listed` test: is a value at `path` on a watchlist? Asked at most once per consignment, and only
 * when a rule needing it has met its other conditions (a fuzzy list's screening is the costliest
 * question a rule asks). A single value's answer is handed to the rules asking the same question
 * (`EvalFrame.prefetched`), so the list is not asked twice.
 */
interface Question {
  readonly read: PathReader;
  readonly list: string;
  readonly threshold: number | undefined;
  /**
   * The memo slot where the rules' closures look for this question's answer (`inWatchlist` on a
   * path, see cel-compiler.ts), or -1 when none does: a fuzzy list is then not asked, the test holds.
   */
  readonly memo: number;
  stamp: number;
  answer: boolean;
}

function addPosting<K>(m: Map<K, number[]>, key: K, pos: number): void {
  const list = m.get(key);
  if (list === undefined) {
    m.set(key, [pos]);
  } else if (list[list.length - 1] !== pos) {
    list.push(pos);
  }
}

export class RuleIndex {
  readonly size: number;
  readonly #paths: PathIndex[] = [];
  readonly #always: readonly number[];
  readonly #stamp: Uint32Array;
  /** Per rule: which of its conditions (bit 1: the first, bit 2: the second) this consignment meets. */
  readonly #met: Uint8Array;
  readonly #needed: Uint8Array;
  /** Per rule: which of its conditions have `listed` tests. */
  readonly #lazyMask: Uint8Array;
  /** Conditions met by rules not reached yet (through a confirming condition), by generation. */
  readonly #pendingStamp: Uint32Array;
  readonly #pendingMet: Uint8Array;
  /** Rules meeting a condition for this consignment, in the order met. */
  readonly #reached: Int32Array;
  readonly #out: Int32Array;
  /** Per rule: comparisons with numbers it needs (`RangeTest`), checked before it is evaluated. */
  readonly #ranges: (readonly RangeCheck[] | undefined)[];
  #count = 0;
  #generation = 0;
  readonly #questions: Question[] = [];
  /** Per condition (position × 2 + which): the questions any of which meets it, if it has `listed` tests. */
  readonly #lazy: (readonly number[] | undefined)[];
  /** Rules all of whose conditions can be met by questions alone: they may be met without a posting. */
  readonly #lazyRoots: number[] = [];
  readonly #values: string[] = [];
  readonly #collect: Visit = (v) => {
    this.#values.push(v);
  };

  /**
   * `discriminators[i]` belongs to rule position i; undefined files the rule as an always-candidate.
   * `second[i]`, when given, is another necessary condition of rule i: the rule is a candidate only
   * when both hold.
   */
  constructor(
    discriminators: readonly (Discriminator | undefined)[],
    second: readonly (Discriminator | undefined)[] = [],
    signatures: SignatureTable = new Map(),
    ranges: readonly (readonly RangeTest[] | undefined)[] = [],
  ) {
    this.size = discriminators.length;
    this.#lazy = new Array<readonly number[] | undefined>(2 * discriminators.length).fill(undefined);
    this.#stamp = new Uint32Array(discriminators.length);
    this.#met = new Uint8Array(discriminators.length);
    this.#needed = new Uint8Array(discriminators.length);
    this.#lazyMask = new Uint8Array(discriminators.length);
    this.#pendingStamp = new Uint32Array(discriminators.length);
    this.#pendingMet = new Uint8Array(discriminators.length);
    this.#reached = new Int32Array(discriminators.length);
    this.#out = new Int32Array(discriminators.length);
    const readers = new Map<string, (act: RuleActivation) => unknown>();
    this.#ranges = discriminators.map((_, pos) => {
      const rs = ranges[pos];
      if (rs === undefined || rs.length === 0) {
        return undefined;
      }
      return rs.map((r) => {
        let read = readers.get(r.path);
        if (read === undefined) {
          read = valueReader(r.path);
          readers.set(r.path, read);
        }
        return { read, op: r.op, bound: r.bound };
      });
    });
    const always: number[] = [];
    const byPath = new Map<string, PathIndex>();
    const conditions: [Discriminator, number, number][] = [];
    discriminators.forEach((d, pos) => {
      this.#needed[pos] = 1;
      if (d === undefined || d.length === 0) {
        always.push(pos);
        return;
      }
      conditions.push([d, pos, 0]);
      const d2 = second[pos];
      if (d2 !== undefined && d2.length > 0) {
        conditions.push([d2, pos, 1]);
        this.#needed[pos] = 3;
      }
    });
    const questionIds = new Map<string, number>();
    // Which conditions have `listed` tests (asked late) and which have tests with postings.
    const cheap = new Uint8Array(discriminators.length);
    for (const [d, pos, which] of conditions) {
      for (const test of d) {
        if (test.kind === 'listed') {
          this.#lazyMask[pos]! |= 1 << which;
        } else {
          cheap[pos]! |= 1 << which;
        }
      }
    }
    for (const [d, pos, which] of conditions) {
      const lazy = this.#lazyMask[pos]!;
      const needed = this.#needed[pos]!;
      if ((lazy & needed) === needed) {
        // Every condition can be met by asking alone: considered for every consignment.
        if (which === 0) {
          this.#lazyRoots.push(pos);
        }
      }
      // A rule is reached through its first condition that has postings and no questions, and only
      // confirmed through the other: a rule one of whose conditions is common ("the mode is sea") is
      // then not touched by every consignment meeting that condition alone.
      const reacher = (cheap[pos]! & ~lazy & 1) !== 0 ? 0 : 1;
      const confirm = (lazy & needed) !== needed && which !== reacher;
      // Postings hold position × 4 + 2 for a confirming condition + which condition.
      const posting = pos * 4 + (confirm ? 2 : 0) + which;
      const asks: number[] = [];
      for (const test of d) {
        if (test.kind === 'listed') {
          asks.push(this.#question(test, questionIds, signatures));
          continue;
        }
        // Fuzzy tests compare anchor keys of the value, a different key space from the value itself.
        const fuzzy = test.kind === 'fuzzy';
        const indexKey = fuzzy ? `${test.path}~fuzzy` : test.path;
        let pi = byPath.get(indexKey);
        if (pi === undefined) {
          pi = {
            read: readerFor(test.path),
            fuzzy,
            eq: new Map(),
            prefix: new Map(),
            hashed: new Map(),
            prefixLengths: [],
            visit: () => undefined,
          };
          byPath.set(indexKey, pi);
          this.#paths.push(pi);
        }
        for (const v of test.values) {
          if (fuzzy) {
            addPosting(pi.hashed, fuzzyKey(keyHash(v)), posting);
          } else {
            addPosting(test.kind === 'prefix' ? pi.prefix : pi.eq, v, posting);
          }
        }
      }
      if (asks.length > 0) {
        this.#lazy[pos * 2 + which] = [...new Set(asks)];
      }
    }
    for (const pi of this.#paths) {
      pi.prefixLengths = [...new Set([...pi.prefix.keys()].map((k) => k.length))].sort((a, b) => a - b);
      pi.visit = pi.fuzzy ? this.#fuzzyVisitor(pi) : this.#keyVisitor(pi);
    }
    this.#always = always.map((pos) => pos * 4);
  }

  #add(list: readonly number[] | undefined): void {
    if (list === undefined) {
      return;
    }
    const stamp = this.#stamp;
    const met = this.#met;
    const g = this.#generation;
    for (let i = 0; i < list.length; i++) {
      const posting = list[i]!;
      const pos = posting >> 2;
      const bit = 1 << (posting & 1);
      if (stamp[pos] === g) {
        met[pos]! |= bit;
      } else if ((posting & 2) === 0) {
        stamp[pos] = g;
        met[pos] = this.#pendingStamp[pos] === g ? bit | this.#pendingMet[pos]! : bit;
        this.#reached[this.#count++] = pos;
      } else if (this.#pendingStamp[pos] === g) {
        // Confirmed before reached (paths are read in any order): kept aside until it is.
        this.#pendingMet[pos]! |= bit;
      } else {
        this.#pendingStamp[pos] = g;
        this.#pendingMet[pos] = bit;
      }
    }
  }

  #keyVisitor(pi: PathIndex): Visit {
    const { eq, prefix, prefixLengths } = pi;
    const hasEq = eq.size > 0;
    return (k) => {
      if (hasEq) {
        this.#add(eq.get(k));
      }
      for (let i = 0; i < prefixLengths.length; i++) {
        const len = prefixLengths[i]!;
        if (len > k.length) {
          break;
        }
        this.#add(prefix.get(len === k.length ? k : k.slice(0, len)));
      }
    };
  }

  #fuzzyVisitor(pi: PathIndex): Visit {
    const { hashed } = pi;
    // A name has some fifty keys and few are any rule's: a bit set small enough to stay in cache
    // answers most of them before the Map is asked.
    let bits = 1024;
    while (bits < hashed.size * 16) {
      bits *= 2;
    }
    const mask = bits - 1;
    const filter = new Int32Array(bits >>> 5);
    for (const k of hashed.keys()) {
      filter[(k & mask) >>> 5]! |= 1 << (k & 31);
    }
    const probe = (h: number): void => {
      const k = fuzzyKey(h);
      if ((filter[(k & mask) >>> 5]! & (1 << (k & 31))) !== 0) {
        this.#add(hashed.get(k));
      }
    };
    const keys: number[] = [];
    return (text) => {
      const n = normalizeName(text);
      if (n.weight === 0) {
        return;
      }
      const { words, joined } = anchorKeys(n);
      for (let w = 0; w < words.length; w++) {
        keys.length = 0;
        deletionKeyHashes(words[w]!, keys);
        for (let i = 0; i < keys.length; i++) {
          probe(keys[i]!);
        }
      }
      for (let i = 0; i < joined.length; i++) {
        probe(joined[i]!);
      }
    };
  }

  #question(test: KeyTest, ids: Map<string, number>, signatures: SignatureTable): number {
    const list = test.values[0]!;
    const key = `${test.path}\u0000${list}\u0000${test.threshold ?? ''}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = this.#questions.length;
      ids.set(key, id);
      const many = test.path.includes('[]');
      // The signature the rules' closures give the same question (cel-compiler.ts, `inWatchlist`).
      const signature = `inWatchlist\u0000${list}\u0000${test.threshold ?? ''}\u0000${test.path}`;
      this.#questions.push({
        read: readerFor(test.path),
        list,
        threshold: test.threshold,
        memo: !many && signatures.has(signature) ? lookupSignature(signatures, signature) : -1,
        stamp: 0,
        answer: false,
      });
    }
    return id;
  }

  /** The answer to question `q` for this consignment (asked once; every test holds without a frame). */
  #ask(q: Question, act: RuleActivation, frame: EvalFrame | undefined): boolean {
    if (q.stamp === this.#generation) {
      return q.answer;
    }
    q.stamp = this.#generation;
    const wl = frame?.rt.watchlists.get(q.list);
    let answer = false;
    if (frame === undefined) {
      answer = true;
    } else if (wl === undefined) {
      answer = false;
    } else if (wl.kind === 'fuzzy') {
      if (q.memo < 0) {
        answer = true;
      } else {
        const values = this.#values;
        values.length = 0;
        q.read(act, this.#collect);
        if (values.length > 0) {
          const m = wl.bestMatch(values[0]!, q.threshold);
          if (m !== undefined) {
            // Rare (a listed name): kept so that a hit's explanation need not screen it again.
            noteMatch(frame, q.list, q.threshold, values[0]!, m);
          }
          const score = m?.score ?? -1;
          frame.prefetched[q.memo] = score;
          answer = score >= 0;
        }
      }
    } else {
      const values = this.#values;
      values.length = 0;
      q.read(act, this.#collect);
      for (let i = 0; i < values.length && !answer; i++) {
        answer = wl.has(values[i]!);
      }
      if (q.memo >= 0 && values.length > 0) {
        frame.prefetched[q.memo] = answer ? 1 : -1;
      }
    }
    q.answer = answer;
    return answer;
  }

  #inRanges(rs: readonly RangeCheck[], act: RuleActivation): boolean {
    for (let i = 0; i < rs.length; i++) {
      if (!inRange(rs[i]!, act)) {
        return false;
      }
    }
    return true;
  }

  /** Has every condition rule `pos` has not met (`met`) questions that could meet it? */
  #askable(pos: number, met: number): boolean {
    return (this.#needed[pos]! & ~met & ~this.#lazyMask[pos]!) === 0;
  }

  /** Does rule `pos`, having met the conditions in `met` and with questions for the others, meet them? */
  #meetsByQuestions(pos: number, met: number, act: RuleActivation, frame: EvalFrame | undefined): boolean {
    const missing = this.#needed[pos]! & ~met;
    for (let which = 0; which < 2; which++) {
      if ((missing & (1 << which)) === 0) {
        continue;
      }
      const asks = this.#lazy[pos * 2 + which]!;
      let ok = false;
      for (let k = 0; k < asks.length && !ok; k++) {
        ok = this.#ask(this.#questions[asks[k]!]!, act, frame);
      }
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Rules that are always evaluated (no discriminator found). */
  get alwaysCandidates(): number {
    return this.#always.length;
  }

  /**
   * Positions of the rules to evaluate for this activation, ascending. With the consignment's frame,
   * `listed` tests ask the frame's watchlists (and leave their answers in it for the rules); without
   * one they hold.
   */
  candidates(act: RuleActivation, frame?: EvalFrame): Int32Array {
    return this.#out.slice(0, this.candidatesInto(act, frame));
  }

  /**
   * `candidates` without allocating: their number n, the positions in `candidateBuffer[0..n)`, valid
   * until the next call (the engine's loop; a typed array of more than a few numbers per consignment
   * would be allocated outside the heap).
   */
  candidatesInto(act: RuleActivation, frame?: EvalFrame): number {
    if (++this.#generation === 0xffffffff) {
      this.#stamp.fill(0);
      this.#pendingStamp.fill(0);
      for (const q of this.#questions) {
        q.stamp = 0;
      }
      this.#generation = 1;
    }
    this.#count = 0;
    for (const pi of this.#paths) {
      pi.read(act, pi.visit);
    }
    this.#add(this.#always);
    const g = this.#generation;
    for (let i = 0; i < this.#lazyRoots.length; i++) {
      const pos = this.#lazyRoots[i]!;
      if (this.#stamp[pos] !== g) {
        this.#stamp[pos] = g;
        this.#met[pos] = 0;
        this.#reached[this.#count++] = pos;
      }
    }
    const out = this.#out;
    let n = 0;
    for (let i = 0; i < this.#count; i++) {
      const pos = this.#reached[i]!;
      const met = this.#met[pos]!;
      const complete = met === this.#needed[pos];
      if (!complete && !this.#askable(pos, met)) {
        continue;
      }
      const rs = this.#ranges[pos];
      if (rs !== undefined && !this.#inRanges(rs, act)) {
        continue;
      }
      if (complete || this.#meetsByQuestions(pos, met, act, frame)) {
        out[n++] = pos;
      }
    }
    out.subarray(0, n).sort();
    return n;
  }

  /** See `candidatesInto`. */
  get candidateBuffer(): Int32Array {
    return this.#out;
  }
}
