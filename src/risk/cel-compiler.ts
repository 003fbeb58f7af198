/**
 * Compiles a type-checked CEL AST (from @marcbachmann/cel-js) into a tree of JavaScript closures over
 * the plain activation (activation.ts): numbers instead of BigInt, property reads instead of typed
 * wrappers, literal lists turned into Sets, fuzzy queries normalised once. This is what makes Vigil's
 * engine fast; the library stays the reference for parsing, type-checking and semantics, and any
 * construct this compiler does not know makes `compileCel` return undefined so the rule falls back to
 * the library's own evaluator, never to a guess.
 *
 * CEL's error rules are kept: an error (index out of range, division by zero) is thrown, `&&` and `||`
 * absorb an error when the other side decides the result, and `exists` is true if any element is.
 */
import type { RuleActivation } from './activation.ts';
import { fuzzyScoreNormalized, normalizeName, type NormalizedName } from './fuzzy.ts';
import { hsIn, RULE_VARIABLES, WatchlistRef, type RuleRuntime } from './rule-environment.ts';
import { hsPrefixProblem, type HsNomenclature } from './hs-nomenclature.ts';
import type { IprBrands } from './brand-screen.ts';
import type { Watchlist, WatchlistEntityType, WatchlistMatch } from './watchlist.ts';
import { compileRe2, Re2Cache } from './re2.ts';
import { compareCodePoints, lowerAscii, trimCel, upperAscii } from './cel-strings.ts';

/** Minimal view of the library's AST node. */
export interface CelNode {
  readonly op: string;
  readonly args: unknown;
  readonly start: number;
  readonly end: number;
  readonly input: string;
  readonly checkedType?: { readonly name: string } | undefined;
}

/** Per-consignment evaluation state shared by all rules: activation, runtime and memo tables. */
export interface EvalFrame {
  readonly act: RuleActivation;
  readonly rt: RuleRuntime;
  readonly locals: unknown[];
  /** Normalised names by raw text, so a name is normalised once per consignment, not once per rule. */
  readonly names: Map<string, NormalizedName>;
  /** Watchlist lookups by list, threshold and value. */
  readonly lookups: Map<string, number>;
  /**
   * Watchlist lookups of call sites whose list and threshold are literals and whose value is a path
   * from a rule variable, by the site's interned signature (`lookupSignature`): many rules ask the
   * same question of one consignment, and an array slot is cheaper than a string key.
   */
  readonly memo: (number | undefined)[];
  /**
   * Answers the rule index already has for some of those call sites (rule-index.ts, `listed` tests),
   * by the same slot: a rule reading one is charged what asking would have cost it.
   */
  readonly prefetched: (number | undefined)[];
  /** The evaluation budget of the rule being evaluated: reset before each rule (engine.ts). */
  readonly budget: EvalBudget;
  /**
   * The fuzzy matches lookups found (a listed name is rare), by list, threshold and value: a hit's
   * explanation names their entity without screening the name again. Made on the first match.
   */
  matches: Map<string, WatchlistMatch> | undefined;
}

/**
 * Steps spent by one rule on one consignment, and how many it may spend: a step is one macro
 * iteration, one element of a list scanned or joined, one character a regular expression reads. The
 * closures count them and stop the rule with a RuleBudgetError past the limit, so no rule can hold
 * the event loop whatever the filing it meets (docs/adr/0007).
 */
export interface EvalBudget {
  steps: number;
  limit: number;
}

/** Steps a rule may spend on one consignment: well under 100 ms of work on a slow machine. */
export const DEFAULT_STEP_LIMIT = 200_000;

export function createFrame(act: RuleActivation, rt: RuleRuntime, stepLimit = DEFAULT_STEP_LIMIT): EvalFrame {
  return {
    act,
    rt,
    locals: [],
    names: new Map(),
    lookups: new Map(),
    memo: [],
    prefetched: [],
    budget: { steps: 0, limit: stepLimit },
    matches: undefined,
  };
}

/**
 * Interned signatures of memoised lookups (function, list, threshold, value path) → a small integer,
 * the slot in a frame's `memo`. Scoped to one rule set (compileRuleSet makes one), so it is freed with
 * the rule set and never grows with the rules compiled over the life of the process.
 */
export type SignatureTable = Map<string, number>;

export function lookupSignature(signatures: SignatureTable, signature: string): number {
  let id = signatures.get(signature);
  if (id === undefined) {
    id = signatures.size;
    signatures.set(signature, id);
  }
  return id;
}

/** A CEL evaluation error (the expression has no value for this activation). */
export class CelRuntimeError extends Error {
  override readonly name = 'CelRuntimeError';
}

/**
 * The rule spent its evaluation budget on this consignment. Unlike other CEL errors it is never
 * absorbed by `||`, `&&` or a macro: the rule is stopped, and the engine records why.
 */
export class RuleBudgetError extends CelRuntimeError {
  constructor(limit: number) {
    super(
      `the rule was stopped after ${limit.toLocaleString('en')} evaluation steps on this consignment ` +
        '(its evaluation budget): nested macros over the lists of this filing, or long texts, cost too ' +
        'much; un-nest the macros, test membership with `in`, or use a watchlist',
    );
  }
}

/** Spends `n` steps of the frame's budget; throws RuleBudgetError when it is spent. */
function spend(fr: EvalFrame, n: number): void {
  const b = fr.budget;
  b.steps += n;
  if (b.steps > b.limit) {
    throw new RuleBudgetError(b.limit);
  }
}

type Fn = (fr: EvalFrame) => unknown;

/**
 * A watchlist lookup that hit, named for the analyst: the list, the value screened, the listed entity
 * (its id and main name) and the name of it that matched (its main name or an alias), with the score.
 */
export interface WatchlistHitMatch {
  readonly list: string;
  readonly value: string;
  readonly entity: { readonly id: string; readonly name: string; readonly type?: WatchlistEntityType };
  readonly name: string;
  readonly score: number;
}

/** A value the officer sees on a hit: a field path or helper call and what it was. */
export interface TriggerValue {
  readonly label: string;
  readonly value: string | number | boolean | readonly string[];
  /** A watchlist lookup: which entity and which of its names matched. */
  readonly match?: WatchlistHitMatch | undefined;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

const matchKey = (list: string, threshold: number | undefined, value: string): string =>
  `${list}\u0000${threshold ?? ''}\u0000${value}`;

/** Keeps a fuzzy match a lookup found, for the explanation of a hit (see `EvalFrame.matches`). */
export function noteMatch(
  fr: EvalFrame,
  list: string,
  threshold: number | undefined,
  value: string,
  m: WatchlistMatch,
): void {
  (fr.matches ??= new Map()).set(matchKey(list, threshold, value), m);
}

/**
 * The match behind a watchlist lookup that hit, or undefined. Called by probes only, so only for a
 * rule that hit: the engine's evaluation never pays for the explanation. A fuzzy match the lookup
 * found names its entity at once; otherwise (an exact list, an answer the rule index gave) the list
 * explains the value.
 */
function hitMatch(
  fr: EvalFrame,
  wl: Watchlist | undefined,
  value: string,
  threshold: number | undefined,
): WatchlistHitMatch | undefined {
  if (wl === undefined) {
    return undefined;
  }
  const found = fr.matches?.get(matchKey(wl.name, threshold, value));
  if (found !== undefined) {
    const e = wl.entity(found.entityIndex);
    return {
      list: wl.name,
      value,
      entity: {
        id: wl.entityId(found.entityIndex),
        name: e.value,
        ...(e.type !== undefined ? { type: e.type } : {}),
      },
      name: found.entry,
      score: round3(found.score),
    };
  }
  const m = wl.explain(value, threshold);
  if (m === undefined) {
    return undefined;
  }
  const e = m.entity;
  return {
    list: wl.name,
    value,
    entity: { id: e.id, name: e.name, ...(e.type !== undefined ? { type: e.type } : {}) },
    name: m.name,
    score: round3(m.score),
  };
}

/** A lookup's trigger: its score, and the entity it matched when the list says which. */
function lookupTrigger(label: string, score: number, match: WatchlistHitMatch | undefined): TriggerValue {
  return match === undefined ? { label, value: round3(score) } : { label, value: round3(score), match };
}

type Probe = (fr: EvalFrame, out: TriggerValue[]) => void;

export interface CompiledCel {
  readonly evaluate: (fr: EvalFrame) => boolean;
  /**
   * The expression's value in the compiler's representation (an int is a number, or a BigInt beyond
   * 2^53), for expressions of any type: the CEL conformance suite runs through it.
   */
  readonly value: (fr: EvalFrame) => unknown;
  /** The values that made a hit: referenced fields, the first matching list element, helper scores. */
  readonly explain: (fr: EvalFrame) => readonly TriggerValue[];
}

class Unsupported extends Error {}

interface Scope {
  readonly slots: ReadonlyMap<string, number>;
  readonly depth: number;
}

const typeName = (n: CelNode): string => n.checkedType?.name ?? 'dyn';
const isPrimitive = (t: string): boolean =>
  t === 'string' || t === 'int' || t === 'double' || t === 'bool' || t === 'null_type';

function fail(message: string): never {
  throw new CelRuntimeError(message);
}

function nameOf(fr: EvalFrame, text: string): NormalizedName {
  let n = fr.names.get(text);
  if (n === undefined) {
    n = normalizeName(text);
    fr.names.set(text, n);
  }
  return n;
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) {
      n++;
    }
  }
  return n;
}

/*
 * CEL's int is a 64-bit integer, where overflow is an error. The closures hold an int as a JavaScript
 * number while it is a safe integer (|v| < 2^53: every count a filing gives) and as a BigInt beyond,
 * always in that normal form so `===`, Sets and ordering stay exact; arithmetic takes the BigInt road
 * only when a result leaves the safe range.
 */
type CelInt = number | bigint;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The normal form of an int (a number when safe), or an overflow error outside int64. */
function intValue(v: bigint): CelInt {
  if (v < INT64_MIN || v > INT64_MAX) {
    fail('integer overflow');
  }
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

function addInt(a: CelInt, b: CelInt): CelInt {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (Number.isSafeInteger(s)) {
      return s + 0; // never -0
    }
  }
  return intValue(BigInt(a) + BigInt(b));
}

function subInt(a: CelInt, b: CelInt): CelInt {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a - b;
    if (Number.isSafeInteger(s)) {
      return s + 0;
    }
  }
  return intValue(BigInt(a) - BigInt(b));
}

function mulInt(a: CelInt, b: CelInt): CelInt {
  if (typeof a === 'number' && typeof b === 'number') {
    // A rounded product is safe only when the exact one is: rounding keeps 2^53 where it is.
    const p = a * b;
    if (Number.isSafeInteger(p)) {
      return p + 0;
    }
  }
  return intValue(BigInt(a) * BigInt(b));
}

function divInt(a: CelInt, b: CelInt): CelInt {
  if (b === 0) {
    fail('division by zero');
  }
  if (typeof a === 'number' && typeof b === 'number') {
    // Exact: a - a % b is a multiple of b, so the quotient is an integer the division cannot round.
    return (a - (a % b)) / b + 0;
  }
  return intValue(BigInt(a) / BigInt(b)); // BigInt division truncates toward zero, as CEL's
}

function modInt(a: CelInt, b: CelInt): CelInt {
  if (b === 0) {
    fail('modulus by zero');
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return (a % b) + 0;
  }
  return intValue(BigInt(a) % BigInt(b));
}

function negInt(a: CelInt): CelInt {
  return typeof a === 'number' ? 0 - a : intValue(-a);
}

/** `==` between an int and a double: CEL compares the numbers exactly (JavaScript `===` would not). */
function numericEquals(a: unknown, b: unknown): boolean {
  if (typeof a === typeof b) {
    return a === b;
  }
  const x = a as number;
  const y = b as number;
  return x === x && y === y && !(x < y) && !(x > y);
}

/**
 * Best score of `value` on list `list` at `threshold` (the list's own when undefined), or -1 when it is
 * not listed; memoised per consignment because several rules often ask the same question.
 */
function lookup(fr: EvalFrame, list: string, value: string, threshold: number | undefined): number {
  const key = `${list}\u0000${threshold ?? ''}\u0000${value}`;
  let s = fr.lookups.get(key);
  if (s === undefined) {
    s = lookupUncached(fr, list, value, threshold);
    fr.lookups.set(key, s);
  }
  return s;
}

/** Steps a fuzzy comparison costs (it takes about as long as a hundred macro iterations). */
const FUZZY_STEPS = 100;

function lookupUncached(
  fr: EvalFrame,
  list: string,
  value: string,
  threshold: number | undefined,
  slot = -1,
): number {
  const wl = fr.rt.watchlists.get(list);
  if (wl === undefined) {
    return -1;
  }
  const known = slot >= 0 ? fr.prefetched[slot] : undefined;
  if (wl.kind === 'fuzzy') {
    spend(fr, FUZZY_STEPS);
    if (known !== undefined) {
      return known;
    }
    const m = wl.bestMatch(value, threshold);
    if (m === undefined) {
      return -1;
    }
    noteMatch(fr, list, threshold, value, m);
    return m.score;
  }
  return known ?? (wl.has(value) ? 1 : -1);
}

/** Fields of a measure a hit's explanation names (the measure, its type, rate and legal base). */
const MEASURE_CITED = ['sid', 'type', 'typeId', 'additionalCode', 'duty', 'regulation'] as const;

type MeasureCiter = (fr: EvalFrame, out: TriggerValue[]) => void;

class Compiler {
  readonly probes: Probe[] = [];
  #nestedMeasures: MeasureCiter[] | undefined;
  readonly #probeLabels = new Set<string>();
  readonly #signatures: SignatureTable;
  #slots = 0;

  constructor(signatures: SignatureTable) {
    this.#signatures = signatures;
  }

  compile(n: CelNode, sc: Scope): Fn {
    switch (n.op) {
      case 'value': {
        const a = n.args;
        if (typeof a === 'bigint') {
          if (a < INT64_MIN || a > INT64_MAX) {
            throw new Unsupported('int literal out of range'); // the library's parser decides
          }
          const v = intValue(a);
          return () => v;
        }
        if (typeof a === 'string' || typeof a === 'number' || typeof a === 'boolean' || a === null) {
          return () => a;
        }
        throw new Unsupported('literal');
      }
      case 'id':
        return this.#id(n, sc);
      case '.':
        return this.#select(n, sc);
      case '[]':
        return this.#index(n, sc);
      case 'list': {
        const items = (n.args as CelNode[]).map((x) => this.compile(x, sc));
        return (fr) => items.map((f) => f(fr));
      }
      case '&&':
      case '||':
        return this.#logic(n, sc);
      case '!_': {
        const x = this.compile(n.args as CelNode, sc);
        return (fr) => !(x(fr) as boolean);
      }
      case '-_': {
        const operand = n.args as CelNode;
        if (operand.op === 'value' && typeof operand.args === 'bigint') {
          // -9223372036854775808: the literal 2^63 exists only negated.
          if (-operand.args < INT64_MIN || -operand.args > INT64_MAX) {
            throw new Unsupported('int literal out of range');
          }
          const v = intValue(-operand.args);
          return () => v;
        }
        const x = this.compile(operand, sc);
        if (typeName(operand) === 'int') {
          return (fr) => negInt(x(fr) as CelInt);
        }
        return (fr) => -(x(fr) as number);
      }
      case '?:': {
        const [c, t, e] = (n.args as CelNode[]).map((x) => this.compile(x, sc)) as [Fn, Fn, Fn];
        return (fr) => ((c(fr) as boolean) ? t(fr) : e(fr));
      }
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=':
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return this.#binary(n, sc);
      case 'in':
        return this.#in(n, sc);
      case 'call':
        return this.#call(n, sc);
      case 'rcall':
        return this.#rcall(n, sc);
      default:
        throw new Unsupported(n.op);
    }
  }

  /**
   * An `exists` over `measures(…)` nested in another `exists`: with the outer one's element in place,
   * names the first measure that satisfied it (the measure behind the hit, and its regulation).
   */
  #measureCiter(recvNode: CelNode, list: Fn, slot: number, body: Fn): MeasureCiter {
    const text = recvNode.input.slice(recvNode.start, recvNode.end);
    return (fr, out) => {
      const l = list(fr) as readonly Record<string, unknown>[];
      const j = firstSatisfying(fr, l, slot, body);
      if (j >= 0) {
        for (const f of MEASURE_CITED) {
          out.push({ label: `${text}[${j}].${f}`, value: l[j]![f] as TriggerValue['value'] });
        }
      }
    };
  }

  #probe(label: string, probe: Probe): void {
    if (!this.#probeLabels.has(label)) {
      this.#probeLabels.add(label);
      this.probes.push(probe);
    }
  }

  /** A field path of top-level variables (`consignment.origin`), for explanations; else undefined. */
  #pathOf(n: CelNode, sc: Scope): string | undefined {
    if (n.op === 'id') {
      const name = n.args as string;
      return sc.slots.has(name) ? undefined : name;
    }
    if (n.op === '.') {
      const [obj, field] = n.args as [CelNode, string];
      const p = this.#pathOf(obj, sc);
      return p === undefined ? undefined : `${p}.${field}`;
    }
    return undefined;
  }

  #recordPath(n: CelNode, sc: Scope, f: Fn): void {
    if (sc.depth > 0) {
      return;
    }
    const label = this.#pathOf(n, sc);
    const t = typeName(n);
    if (label !== undefined && (isPrimitive(t) || t === 'list<string>')) {
      this.#probe(label, (fr, out) => out.push({ label, value: f(fr) as TriggerValue['value'] }));
    }
  }

  #id(n: CelNode, sc: Scope): Fn {
    const name = n.args as string;
    const slot = sc.slots.get(name);
    if (slot !== undefined) {
      return (fr) => fr.locals[slot];
    }
    if (!Object.hasOwn(RULE_VARIABLES, name)) {
      throw new Unsupported(`variable ${name}`);
    }
    const key = name as keyof RuleActivation;
    const f: Fn = (fr) => fr.act[key];
    this.#recordPath(n, sc, f);
    return f;
  }

  #select(n: CelNode, sc: Scope): Fn {
    const [objNode, field] = n.args as [CelNode, string];
    const t = typeName(objNode);
    if (t === 'dyn' || t.startsWith('map<') || t.startsWith('list<') || isPrimitive(t)) {
      throw new Unsupported(`select on ${t}`);
    }
    let f: Fn;
    // Paths from a variable are the common case: read them without intermediate closures.
    if (objNode.op === 'id' && !sc.slots.has(objNode.args as string)) {
      const v = objNode.args as keyof RuleActivation;
      f = (fr) => (fr.act[v] as unknown as Record<string, unknown>)[field];
    } else {
      const obj = this.compile(objNode, { slots: sc.slots, depth: sc.depth + 1 });
      f = (fr) => (obj(fr) as Record<string, unknown>)[field];
    }
    this.#recordPath(n, sc, f);
    return f;
  }

  #index(n: CelNode, sc: Scope): Fn {
    const [objNode, idxNode] = n.args as [CelNode, CelNode];
    const t = typeName(objNode);
    if (!t.startsWith('list<') || typeName(idxNode) !== 'int') {
      throw new Unsupported(`index on ${t}`);
    }
    const obj = this.compile(objNode, sc);
    const idx = this.compile(idxNode, sc);
    return (fr) => {
      const l = obj(fr) as readonly unknown[];
      const i = idx(fr) as number;
      if (i < 0 || i >= l.length) {
        fail(`index ${i} out of range`);
      }
      return l[i];
    };
  }

  #logic(n: CelNode, sc: Scope): Fn {
    const [l, r] = (n.args as CelNode[]).map((x) => this.compile(x, sc)) as [Fn, Fn];
    const decisive = n.op === '||';
    // CEL is commutative on errors: false && error is false, true || error is true, either order.
    return (fr) => {
      let lv: unknown;
      try {
        lv = l(fr);
      } catch (e) {
        if (e instanceof RuleBudgetError) {
          throw e;
        }
        if (r(fr) === decisive) {
          return decisive;
        }
        throw e;
      }
      if (lv === decisive) {
        return decisive;
      }
      return r(fr);
    };
  }

  #binary(n: CelNode, sc: Scope): Fn {
    const [ln, rn] = n.args as [CelNode, CelNode];
    const lt = typeName(ln);
    const rt = typeName(rn);
    const l = this.compile(ln, sc);
    const r = this.compile(rn, sc);
    const numeric = (lt === 'int' || lt === 'double') && (rt === 'int' || rt === 'double');
    const bothInt = lt === 'int' && rt === 'int';
    switch (n.op) {
      case '==':
      case '!=': {
        if (!isPrimitive(lt) || !isPrimitive(rt)) {
          throw new Unsupported('equality on aggregates');
        }
        const eq = n.op === '==';
        if (numeric && lt !== rt) {
          return (fr) => numericEquals(l(fr), r(fr)) === eq;
        }
        return (fr) => (l(fr) === r(fr)) === eq;
      }
      case '<':
      case '<=':
      case '>':
      case '>=': {
        if (!(numeric || (lt === 'string' && rt === 'string'))) {
          throw new Unsupported('ordering');
        }
        if (lt === 'string') {
          switch (n.op) {
            case '<':
              return (fr) => compareCodePoints(l(fr) as string, r(fr) as string) < 0;
            case '<=':
              return (fr) => compareCodePoints(l(fr) as string, r(fr) as string) <= 0;
            case '>':
              return (fr) => compareCodePoints(l(fr) as string, r(fr) as string) > 0;
            case '>=':
              return (fr) => compareCodePoints(l(fr) as string, r(fr) as string) >= 0;
          }
        }
        switch (n.op) {
          case '<':
            return (fr) => (l(fr) as number) < (r(fr) as number);
          case '<=':
            return (fr) => (l(fr) as number) <= (r(fr) as number);
          case '>':
            return (fr) => (l(fr) as number) > (r(fr) as number);
          case '>=':
            return (fr) => (l(fr) as number) >= (r(fr) as number);
        }
        break;
      }
      case '+':
        if (bothInt) {
          return (fr) => addInt(l(fr) as CelInt, r(fr) as CelInt);
        }
        if (lt === 'double' && rt === 'double') {
          return (fr) => (l(fr) as number) + (r(fr) as number);
        }
        if (lt === 'string' && rt === 'string') {
          return (fr) => (l(fr) as string) + (r(fr) as string);
        }
        if (lt.startsWith('list<') && rt.startsWith('list<')) {
          return (fr) => {
            const a = l(fr) as unknown[];
            const b = r(fr) as unknown[];
            spend(fr, a.length + b.length);
            return [...a, ...b];
          };
        }
        break;
      case '-':
      case '*':
        if (bothInt) {
          return n.op === '-'
            ? (fr) => subInt(l(fr) as CelInt, r(fr) as CelInt)
            : (fr) => mulInt(l(fr) as CelInt, r(fr) as CelInt);
        }
        if (lt === 'double' && rt === 'double') {
          return n.op === '-'
            ? (fr) => (l(fr) as number) - (r(fr) as number)
            : (fr) => (l(fr) as number) * (r(fr) as number);
        }
        break;
      case '/':
        if (bothInt) {
          return (fr) => divInt(l(fr) as CelInt, r(fr) as CelInt);
        }
        if (lt === 'double' && rt === 'double') {
          return (fr) => (l(fr) as number) / (r(fr) as number);
        }
        break;
      case '%':
        if (bothInt) {
          return (fr) => modInt(l(fr) as CelInt, r(fr) as CelInt);
        }
        break;
    }
    throw new Unsupported(`${n.op} on ${lt}, ${rt}`);
  }

  #in(n: CelNode, sc: Scope): Fn {
    const [ln, rn] = n.args as [CelNode, CelNode];
    const l = this.compile(ln, sc);
    const rt = typeName(rn);
    if (rt === 'Watchlist') {
      const r = this.compile(rn, sc);
      if (sc.depth === 0) {
        const label = n.input.slice(n.start, n.end);
        this.#probe(label, (fr, out) => {
          const list = (r(fr) as WatchlistRef).list;
          const value = l(fr) as string;
          if (list?.has(value) === true) {
            const m = hitMatch(fr, list, value, undefined);
            out.push(lookupTrigger(label, m?.score ?? 1, m));
          }
        });
      }
      return (fr) => (r(fr) as WatchlistRef).list?.has(l(fr) as string) ?? false;
    }
    if (!rt.startsWith('list<') || !isPrimitive(typeName(ln))) {
      throw new Unsupported(`in ${rt}`);
    }
    if (rn.op === 'list' && (rn.args as CelNode[]).every((x) => x.op === 'value')) {
      const set = new Set(
        (rn.args as CelNode[]).map((x) => (typeof x.args === 'bigint' ? intValue(x.args) : x.args)),
      );
      // `v === v` is false for NaN only: NaN equals nothing in CEL, Set.has and includes find it.
      return (fr) => {
        const v = l(fr);
        return v === v && set.has(v);
      };
    }
    const r = this.compile(rn, sc);
    return (fr) => {
      const list = r(fr) as readonly unknown[];
      spend(fr, list.length);
      const v = l(fr);
      return v === v && list.includes(v);
    };
  }

  #literal(n: CelNode | undefined): string | number | undefined {
    if (n?.op !== 'value') {
      return undefined;
    }
    const a = n.args;
    return typeof a === 'string' || typeof a === 'number' ? a : undefined;
  }

  #call(n: CelNode, sc: Scope): Fn {
    const [name, argNodes] = n.args as [string, CelNode[]];
    const args = argNodes.map((x) => this.compile(x, sc));
    const [a, b, c] = args;
    const label = n.input.slice(n.start, n.end);
    switch (name) {
      case 'size': {
        const t = typeName(argNodes[0]!);
        if (t === 'string') {
          return (fr) => codePoints(a!(fr) as string);
        }
        if (t.startsWith('list<')) {
          return (fr) => (a!(fr) as readonly unknown[]).length;
        }
        break;
      }
      case 'hsIn': {
        const lits =
          argNodes[1]!.op === 'list' ? (argNodes[1]!.args as CelNode[]).map((x) => this.#literal(x)) : [];
        if (lits.length > 0 && lits.every((x) => typeof x === 'string')) {
          const prefixes = lits;
          return (fr) => {
            spend(fr, prefixes.length);
            return hsIn(a!(fr) as string, prefixes);
          };
        }
        return (fr) => {
          const prefixes = b!(fr) as string[];
          spend(fr, prefixes.length);
          return hsIn(a!(fr) as string, prefixes);
        };
      }
      case 'hsChapter':
        return (fr) => (a!(fr) as string).slice(0, 2);
      case 'hsHeading':
        return (fr) => (a!(fr) as string).slice(0, 4);
      case 'fuzzy':
        return this.#fuzzy(argNodes[0]!, a!, argNodes[1]!, b!, c!, label, sc);
      case 'fuzzyScore':
        return this.#fuzzyScore(a!, argNodes[1]!, b!);
      case 'inWatchlist':
      case 'watchlistScore': {
        let score: Fn =
          name === 'watchlistScore'
            ? (fr) => lookup(fr, a!(fr) as string, b!(fr) as string, Number.MIN_VALUE)
            : args.length === 3
              ? (fr) => lookup(fr, a!(fr) as string, b!(fr) as string, c!(fr) as number)
              : (fr) => lookup(fr, a!(fr) as string, b!(fr) as string, undefined);
        const list = this.#literal(argNodes[0]);
        const t = name === 'watchlistScore' ? Number.MIN_VALUE : this.#literal(argNodes[2]);
        const path = this.#pathOf(argNodes[1]!, sc);
        if (
          typeof list === 'string' &&
          path !== undefined &&
          (argNodes.length === 2 || typeof t === 'number')
        ) {
          // The value is read from the activation only: one answer per consignment for this question.
          const id = lookupSignature(this.#signatures, `${name}\u0000${list}\u0000${t ?? ''}\u0000${path}`);
          const threshold = typeof t === 'number' ? t : undefined;
          score = (fr) => {
            let s = fr.memo[id];
            if (s === undefined) {
              s = lookupUncached(fr, list, b!(fr) as string, threshold, id);
              fr.memo[id] = s;
            }
            return s;
          };
        }
        if (sc.depth === 0) {
          const lookupThreshold =
            name === 'watchlistScore'
              ? () => Number.MIN_VALUE
              : args.length === 3
                ? (fr: EvalFrame) => c!(fr) as number
                : () => undefined;
          this.#probe(label, (fr, out) => {
            const s = score(fr) as number;
            if (s > 0 || (s === 0 && name !== 'watchlistScore')) {
              const wl = fr.rt.watchlists.get(a!(fr) as string);
              out.push(lookupTrigger(label, s, hitMatch(fr, wl, b!(fr) as string, lookupThreshold(fr))));
            }
          });
        }
        if (name === 'watchlistScore') {
          const raw = score;
          return (fr) => Math.max(0, raw(fr) as number);
        }
        return (fr) => (score(fr) as number) >= 0;
      }
      case 'watchlist': {
        const list = this.#literal(argNodes[0]);
        if (typeof list === 'string') {
          // The handle of a named list depends only on the runtime: made once, not once per consignment.
          const refs = new WeakMap<RuleRuntime, WatchlistRef>();
          return (fr) => {
            let ref = refs.get(fr.rt);
            if (ref === undefined) {
              ref = new WatchlistRef(fr.rt.watchlists.get(list));
              refs.set(fr.rt, ref);
            }
            return ref;
          };
        }
        return (fr) => new WatchlistRef(fr.rt.watchlists.get(a!(fr) as string));
      }
      case 'inGroup':
        return (fr) => fr.rt.groups.has(b!(fr) as string, a!(fr) as string);
      case 'measures':
        return (fr) => fr.act.hs.measures(a!(fr) as string, b!(fr) as string);
      default:
        break;
    }
    throw new Unsupported(`function ${name}`);
  }

  #fuzzyScore(value: Fn, queryNode: CelNode, query: Fn): Fn {
    const lit = this.#literal(queryNode);
    if (typeof lit === 'string') {
      const q = normalizeName(lit);
      return (fr) => {
        spend(fr, FUZZY_STEPS);
        return fuzzyScoreNormalized(nameOf(fr, value(fr) as string), q);
      };
    }
    return (fr) => {
      spend(fr, FUZZY_STEPS);
      return fuzzyScoreNormalized(nameOf(fr, value(fr) as string), nameOf(fr, query(fr) as string));
    };
  }

  #fuzzy(
    _valueNode: CelNode,
    value: Fn,
    queryNode: CelNode,
    query: Fn,
    threshold: Fn,
    label: string,
    sc: Scope,
  ): Fn {
    const score = this.#fuzzyScore(value, queryNode, query);
    if (sc.depth === 0) {
      this.#probe(label, (fr, out) =>
        out.push({ label, value: Math.round((score(fr) as number) * 1000) / 1000 }),
      );
    }
    return (fr) => (score(fr) as number) >= (threshold(fr) as number);
  }

  /** `hs.chapter(code)`, `hs.heading(code)`, `hs.under(code, prefix)`, `hs.description(code)`. */
  #hs(name: string, recv: Fn, code: Fn, prefix: Fn | undefined, prefixNode: CelNode | undefined): Fn {
    switch (name) {
      case 'chapter':
        return (fr) => (recv(fr) as HsNomenclature).chapter(code(fr) as string);
      case 'heading':
        return (fr) => (recv(fr) as HsNomenclature).heading(code(fr) as string);
      case 'description':
        return (fr) => (recv(fr) as HsNomenclature).description(code(fr) as string);
      case 'under': {
        const lit = this.#literal(prefixNode);
        if (typeof lit === 'string') {
          // compileRule refuses a malformed literal prefix; a rule stored before still gets an error.
          const problem = hsPrefixProblem(lit);
          if (problem !== undefined) {
            return () => fail(problem);
          }
          return (fr) => (code(fr) as string).startsWith(lit);
        }
        return (fr) => {
          const p = prefix!(fr) as string;
          const problem = hsPrefixProblem(p);
          if (problem !== undefined) {
            fail(problem);
          }
          return (recv(fr) as HsNomenclature).under(code(fr) as string, p);
        };
      }
      default:
        throw new Unsupported(`hs.${name}`);
    }
  }

  #rcall(n: CelNode, sc: Scope): Fn {
    const [name, recvNode, argNodes] = n.args as [string, CelNode, CelNode[]];
    const rt = typeName(recvNode);
    if (rt.startsWith('list<') && ['exists', 'all', 'exists_one', 'filter', 'map'].includes(name)) {
      return this.#macro(n, name, recvNode, argNodes, sc);
    }
    const recv = this.compile(recvNode, sc);
    const args = argNodes.map((x) => this.compile(x, sc));
    const [a, b] = args;
    if (rt === 'Hs') {
      return this.#hs(name, recv, a!, b, argNodes[1]);
    }
    if (rt === 'Ipr' && name === 'brands') {
      // Found through the matcher's index: a few probes per word of the description.
      return (fr) => {
        const d = a!(fr) as string;
        spend(fr, d.length);
        return (recv(fr) as IprBrands).brands(d, b === undefined ? undefined : (b(fr) as string));
      };
    }
    if (rt === 'string') {
      const lit = this.#literal(argNodes[0]);
      switch (name) {
        case 'startsWith':
          if (typeof lit === 'string') {
            return (fr) => (recv(fr) as string).startsWith(lit);
          }
          return (fr) => (recv(fr) as string).startsWith(a!(fr) as string);
        case 'endsWith':
          return (fr) => (recv(fr) as string).endsWith(a!(fr) as string);
        case 'contains':
          return (fr) => (recv(fr) as string).includes(a!(fr) as string);
        case 'matches': {
          // RE2, linear in the text (re2.ts); a literal pattern is compiled once, here, with the rule.
          if (typeof lit === 'string') {
            const c = compileRe2(lit);
            if (!c.ok) {
              // compileRule refuses it when the rule is saved; a rule stored before still gets an error.
              const message = c.message;
              return () => fail(message);
            }
            const re = c.re;
            return (fr) => {
              const s = recv(fr) as string;
              spend(fr, s.length);
              return re.test(s);
            };
          }
          const cache = new Re2Cache(16);
          return (fr) => {
            const s = recv(fr) as string;
            const p = a!(fr) as string;
            spend(fr, s.length + p.length);
            const c = cache.get(p);
            if (!c.ok) {
              fail(c.message);
            }
            return c.re.test(s);
          };
        }
        case 'size':
          return (fr) => codePoints(recv(fr) as string);
        case 'lowerAscii':
          return (fr) => lowerAscii(recv(fr) as string);
        case 'upperAscii':
          return (fr) => upperAscii(recv(fr) as string);
        case 'trim':
          return (fr) => trimCel(recv(fr) as string);
        case 'fuzzy':
          return this.#fuzzy(recvNode, recv, argNodes[0]!, a!, b!, n.input.slice(n.start, n.end), sc);
        default:
          break;
      }
    }
    if (rt.startsWith('list<') && name === 'size') {
      return (fr) => (recv(fr) as readonly unknown[]).length;
    }
    throw new Unsupported(`method ${name} on ${rt}`);
  }

  #macro(n: CelNode, name: string, recvNode: CelNode, argNodes: CelNode[], sc: Scope): Fn {
    const iterNode = argNodes[0];
    if (iterNode?.op !== 'id' || (name === 'map' ? argNodes.length !== 2 : argNodes.length !== 2)) {
      throw new Unsupported(`macro ${name}`);
    }
    const list = this.compile(recvNode, sc);
    const slot = this.#slots++;
    const inner: Scope = {
      slots: new Map([...sc.slots, [iterNode.args as string, slot]]),
      depth: sc.depth + 1,
    };
    // The measures an `exists` inside this one found, cited when this one explains its hit.
    const outer = this.#nestedMeasures;
    this.#nestedMeasures = name === 'exists' && sc.depth === 0 ? [] : outer;
    const body = this.compile(argNodes[1]!, inner);
    const nested = this.#nestedMeasures;
    this.#nestedMeasures = outer;
    if (name === 'exists' && sc.depth > 0 && typeName(recvNode) === 'list<Measure>') {
      this.#nestedMeasures?.push(this.#measureCiter(recvNode, list, slot, body));
    }
    switch (name) {
      case 'exists': {
        const f: Fn = (fr) => {
          const l = list(fr) as readonly unknown[];
          const loc = fr.locals;
          let err: Error | undefined;
          for (let i = 0; i < l.length; i++) {
            spend(fr, 1);
            loc[slot] = l[i];
            try {
              if (body(fr) === true) {
                return true;
              }
            } catch (e) {
              if (e instanceof RuleBudgetError) {
                throw e;
              }
              err ??= e as Error;
            }
          }
          if (err !== undefined) {
            throw err;
          }
          return false;
        };
        if (sc.depth === 0) {
          this.#explainExists(n, recvNode, iterNode.args as string, list, slot, body, sc, nested ?? []);
        }
        return f;
      }
      case 'all':
        return (fr) => {
          const l = list(fr) as readonly unknown[];
          let err: Error | undefined;
          for (let i = 0; i < l.length; i++) {
            spend(fr, 1);
            fr.locals[slot] = l[i];
            try {
              if (body(fr) === false) {
                return false;
              }
            } catch (e) {
              if (e instanceof RuleBudgetError) {
                throw e;
              }
              err ??= e as Error;
            }
          }
          if (err !== undefined) {
            throw err;
          }
          return true;
        };
      case 'exists_one':
        return (fr) => {
          const l = list(fr) as readonly unknown[];
          let count = 0;
          for (let i = 0; i < l.length; i++) {
            spend(fr, 1);
            fr.locals[slot] = l[i];
            if (body(fr) === true) {
              count++;
            }
          }
          return count === 1;
        };
      case 'filter':
        return (fr) => {
          const l = list(fr) as readonly unknown[];
          const out: unknown[] = [];
          for (let i = 0; i < l.length; i++) {
            spend(fr, 1);
            fr.locals[slot] = l[i];
            if (body(fr) === true) {
              out.push(l[i]);
            }
          }
          return out;
        };
      case 'map':
        return (fr) => {
          const l = list(fr) as readonly unknown[];
          const out: unknown[] = [];
          for (let i = 0; i < l.length; i++) {
            spend(fr, 1);
            fr.locals[slot] = l[i];
            out.push(body(fr));
          }
          return out;
        };
      default:
        throw new Unsupported(`macro ${name}`);
    }
  }

  /** On a hit, name the first element that satisfied `exists` and the fields the predicate read. */
  #explainExists(
    n: CelNode,
    recvNode: CelNode,
    iterVar: string,
    list: Fn,
    slot: number,
    body: Fn,
    sc: Scope,
    nested: readonly MeasureCiter[],
  ): void {
    const listPath = this.#pathOf(recvNode, sc) ?? recvNode.input.slice(recvNode.start, recvNode.end);
    const fields = new Set<string>();
    collectFields(n, iterVar, fields);
    if (typeName(recvNode) === 'list<Measure>') {
      MEASURE_CITED.forEach((f) => fields.add(f));
    }
    const label = `${listPath}.exists(${iterVar}, …)`;
    this.#probe(label, (fr, out) => {
      const l = list(fr) as readonly unknown[];
      const i = firstSatisfying(fr, l, slot, body);
      if (i < 0) {
        return;
      }
      const el = l[i];
      if (fields.size === 0 || typeof el !== 'object' || el === null) {
        out.push({ label: `${listPath}[${i}]`, value: el as TriggerValue['value'] });
      } else {
        for (const f of [...fields].sort()) {
          out.push({
            label: `${listPath}[${i}].${f}`,
            value: (el as Record<string, unknown>)[f] as TriggerValue['value'],
          });
        }
      }
      for (const cite of nested) {
        cite(fr, out);
      }
    });
  }
}

/** The index of the first element for which `body` is true (an error counts as false), or -1. */
function firstSatisfying(fr: EvalFrame, l: readonly unknown[], slot: number, body: Fn): number {
  for (let i = 0; i < l.length; i++) {
    spend(fr, 1);
    fr.locals[slot] = l[i];
    try {
      if (body(fr) === true) {
        return i;
      }
    } catch {
      // An element whose predicate has no value does not satisfy it.
    }
  }
  return -1;
}

/** Fields read directly on the iteration variable (`g.hsCode`) inside a macro body. */
function collectFields(n: unknown, iterVar: string, out: Set<string>): void {
  if (typeof n !== 'object' || n === null) {
    return;
  }
  if (Array.isArray(n)) {
    for (const x of n) {
      collectFields(x, iterVar, out);
    }
    return;
  }
  const node = n as CelNode;
  if (node.op === '.') {
    const [obj, field] = node.args as [CelNode, string];
    if (obj.op === 'id' && obj.args === iterVar) {
      out.add(field);
      return;
    }
  }
  if ('args' in node) {
    collectFields(node.args, iterVar, out);
  }
}

/**
 * Compiles a checked boolean expression, or returns undefined when it uses a construct not compiled.
 * Rules compiled for one rule set share `signatures`, so they share memoised lookups in a frame.
 */
export function compileCel(ast: CelNode, signatures: SignatureTable = new Map()): CompiledCel | undefined {
  const c = new Compiler(signatures);
  let root: Fn;
  try {
    root = c.compile(ast, { slots: new Map(), depth: 0 });
  } catch (e) {
    if (e instanceof Unsupported) {
      return undefined;
    }
    throw e;
  }
  const probes = c.probes;
  return {
    evaluate: (fr) => root(fr) === true,
    value: root,
    explain: (fr) => {
      const out: TriggerValue[] = [];
      for (const p of probes) {
        try {
          p(fr, out);
        } catch {
          // A probe whose value is an error (index out of range) simply explains nothing.
        }
      }
      return out;
    },
  };
}
