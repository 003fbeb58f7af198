/**
 * Finds, in a rule's CEL AST, the cheapest condition that must hold for the rule to hit, so the rule
 * index can skip the rule for consignments that cannot meet it: an HS prefix (`startsWith`, `hsIn`),
 * an origin, a mode, a country on the route. Only conditions that are necessary are used: conjuncts of
 * `&&`, both branches of `||`, the predicate of `exists`. Negations, ternaries and `all` are not
 * looked into, so the index is always exact: indexed evaluation gives the same hits as evaluating all.
 */
import type { CelNode } from './cel-compiler.ts';
import { countryGroups } from './country-groups.ts';
import { hsPrefixProblem } from './hs-nomenclature.ts';
import { anchorWords, deletionKeys, normalizeName } from './fuzzy.ts';

/**
 * "Some value at `path` equals (eq) or starts with (prefix) one of `values`". Paths start at a rule
 * variable; `[]` means any element of a list: `goods[].hsCode`, `routing[]`, `transport.mode`.
 */
export interface KeyTest {
  readonly path: string;
  /**
   * `fuzzy`: the value at path shares a fuzzy anchor key (`fuzzyKeys`) with one of `values`.
   * `listed`: the value at path is on the watchlist named `values[0]` (at `threshold`, or the list's
   * own, for fuzzy lists); the index asks the list, after the rule's other conditions have held.
   */
  readonly kind: 'eq' | 'prefix' | 'fuzzy' | 'listed';
  readonly values: readonly string[];
  /** `listed` on a fuzzy list: the threshold the rule gives (undefined: the list's own). */
  readonly threshold?: number | undefined;
}

/** Alternatives: the rule can only hit when at least one of the tests holds. */
export type Discriminator = readonly KeyTest[];

type IterVars = ReadonlyMap<string, string>;

function pathOf(n: CelNode, iter: IterVars): string | undefined {
  if (n.op === 'id') {
    const name = n.args as string;
    return iter.get(name) ?? name;
  }
  if (n.op === '.') {
    const [obj, field] = n.args as [CelNode, string];
    const p = pathOf(obj, iter);
    return p === undefined ? undefined : `${p}.${field}`;
  }
  return undefined;
}

/**
 * The keys a name is anchored by: deletion keys of its words and skeletons, and its run-together
 * forms (marked so they only meet run-together forms). A fuzzy score above zero needs a shared key.
 */
export function fuzzyKeys(text: string): string[] {
  const n = normalizeName(text);
  if (n.weight === 0) {
    return [];
  }
  const keys = new Set<string>();
  for (const w of anchorWords(n)) {
    for (const k of deletionKeys(w)) {
      keys.add(k);
    }
  }
  keys.add(`\u0001${n.joined}`);
  keys.add(`\u0001${n.joinedSkeleton}`);
  return [...keys];
}

function fuzzyTest(
  valueNode: CelNode | undefined,
  queryNode: CelNode | undefined,
  thresholdNode: CelNode | undefined,
  iter: IterVars,
): Discriminator[] {
  const p = valueNode === undefined ? undefined : stringPath(valueNode, iter);
  const query = stringLiteral(queryNode);
  const t = thresholdNode?.op === 'value' ? thresholdNode.args : undefined;
  // Only a positive threshold makes a shared anchor necessary (a score of 0 passes a threshold of 0).
  if (p === undefined || query === undefined || typeof t !== 'number' || !(t > 0)) {
    return [];
  }
  const keys = fuzzyKeys(query);
  return keys.length > 0 ? [[{ path: p, kind: 'fuzzy', values: keys }]] : [];
}

/** `inWatchlist(list, value[, threshold])` or `value in watchlist(list)` with literals and a path. */
function listedTest(
  valueNode: CelNode | undefined,
  listNode: CelNode | undefined,
  thresholdNode: CelNode | undefined,
  iter: IterVars,
): Discriminator[] {
  const p = valueNode === undefined ? undefined : stringPath(valueNode, iter);
  const list = stringLiteral(listNode);
  const t =
    thresholdNode === undefined ? undefined : thresholdNode.op === 'value' ? thresholdNode.args : null;
  if (p === undefined || list === undefined || (t !== undefined && typeof t !== 'number')) {
    return [];
  }
  return [[{ path: p, kind: 'listed', values: [list], threshold: t }]];
}

function stringPath(n: CelNode, iter: IterVars): string | undefined {
  return n.checkedType?.name === 'string' ? pathOf(n, iter) : undefined;
}

function stringLiteral(n: CelNode | undefined): string | undefined {
  return n?.op === 'value' && typeof n.args === 'string' ? n.args : undefined;
}

function stringLiterals(n: CelNode | undefined): string[] | undefined {
  if (n?.op !== 'list') {
    return undefined;
  }
  const out: string[] = [];
  for (const x of n.args as CelNode[]) {
    const s = stringLiteral(x);
    if (s === undefined) {
      return undefined;
    }
    out.push(s);
  }
  return out.length > 0 ? out : undefined;
}

/** Every necessary discriminator of `n` (each one alone is enough to index by). */
function necessary(n: CelNode, iter: IterVars): Discriminator[] {
  switch (n.op) {
    case '&&': {
      const [l, r] = n.args as [CelNode, CelNode];
      return [...necessary(l, iter), ...necessary(r, iter)];
    }
    case '||': {
      const [l, r] = n.args as [CelNode, CelNode];
      const a = best(necessary(l, iter));
      const b = best(necessary(r, iter));
      return a === undefined || b === undefined ? [] : [[...a, ...b]];
    }
    case '==': {
      const [l, r] = n.args as [CelNode, CelNode];
      const p = stringPath(l, iter) ?? stringPath(r, iter);
      const v = stringLiteral(r) ?? stringLiteral(l);
      return p !== undefined && v !== undefined ? [[{ path: p, kind: 'eq', values: [v] }]] : [];
    }
    case 'in': {
      const [l, r] = n.args as [CelNode, CelNode];
      const p = stringPath(l, iter);
      const vs = stringLiterals(r);
      if (p !== undefined && vs !== undefined) {
        return [[{ path: p, kind: 'eq', values: vs }]];
      }
      if (r.checkedType?.name === 'Watchlist' && r.op === 'call') {
        // `value in watchlist("name")`: the list's own threshold.
        const [fn, callArgs] = r.args as [string, CelNode[]];
        return fn === 'watchlist' && callArgs.length === 1 ? listedTest(l, callArgs[0], undefined, iter) : [];
      }
      const v = stringLiteral(l);
      const lp = r.checkedType?.name === 'list<string>' ? pathOf(r, iter) : undefined;
      if (v !== undefined && lp !== undefined) {
        return [[{ path: `${lp}[]`, kind: 'eq', values: [v] }]];
      }
      return [];
    }
    case 'call': {
      const [name, args] = n.args as [string, CelNode[]];
      if (name === 'inGroup' && args.length === 2) {
        const p = stringPath(args[0]!, iter);
        const g = stringLiteral(args[1]);
        // Groups are data: a rule set is rebuilt when they change, so their members can be indexed.
        const members = g === undefined ? [] : countryGroups.members(g);
        return p !== undefined && members.length > 0 ? [[{ path: p, kind: 'eq', values: members }]] : [];
      }
      if (name === 'fuzzy' && args.length === 3) {
        return fuzzyTest(args[0], args[1], args[2], iter);
      }
      if (name === 'inWatchlist' && (args.length === 2 || args.length === 3)) {
        return listedTest(args[1], args[0], args[2], iter);
      }
      if (name === 'hsIn' && args.length === 2) {
        const p = stringPath(args[0]!, iter);
        const vs = stringLiterals(args[1]);
        return p !== undefined && vs !== undefined ? [[{ path: p, kind: 'prefix', values: vs }]] : [];
      }
      return [];
    }
    case 'rcall': {
      const [name, recv, args] = n.args as [string, CelNode, CelNode[]];
      if (name === 'startsWith') {
        const p = stringPath(recv, iter);
        const v = stringLiteral(args[0]);
        return p !== undefined && v !== undefined ? [[{ path: p, kind: 'prefix', values: [v] }]] : [];
      }
      if (name === 'fuzzy' && args.length === 2) {
        return fuzzyTest(recv, args[0], args[1], iter);
      }
      if (name === 'under' && args.length === 2 && recv.checkedType?.name === 'Hs') {
        // hs.under(g.hsCode, "8517") is g.hsCode.startsWith("8517") for a well-formed prefix.
        const p = stringPath(args[0]!, iter);
        const v = stringLiteral(args[1]);
        return p !== undefined && v !== undefined && hsPrefixProblem(v) === undefined
          ? [[{ path: p, kind: 'prefix', values: [v] }]]
          : [];
      }
      if (name === 'exists' && args.length === 2 && args[0]?.op === 'id') {
        const lp = pathOf(recv, iter);
        if (lp === undefined) {
          return [];
        }
        const inner = new Map(iter).set(args[0].args as string, `${lp}[]`);
        return necessary(args[1]!, inner);
      }
      return [];
    }
    default:
      return [];
  }
}

/**
 * Guessed share of consignments a test lets through, to pick the most selective: HS prefixes narrow
 * by length (a chapter is about 1 in 50 consignments, a heading 1 in 500), countries about 1 in 25,
 * a mode 1 in 4. Rough on purpose: only the order matters.
 */
export function estimatedPassRate(t: KeyTest): number {
  const leaf = t.path.slice(t.path.lastIndexOf('.') + 1);
  let perValue: number;
  if (t.kind === 'fuzzy') {
    // A name shares an anchor with a given query rarely; the many keys are one test, not many.
    return 1 / 500;
  }
  if (t.kind === 'listed') {
    // A watchlist holds what is rarely met: a listed value is a fraction of a percent of traffic.
    return 1 / 1000;
  }
  if (t.kind === 'prefix') {
    const len = Math.min(...t.values.map((v) => v.length));
    perValue = leaf.startsWith('hsCode') || leaf === 'hsCodes[]' ? 1 / 10 ** (0.85 * len) : 1 / 4 ** len;
  } else if (leaf === 'mode') {
    perValue = 1 / 4;
  } else if (/origin|country|routing|nationality/i.test(leaf)) {
    perValue = 1 / 25;
  } else if (leaf === 'hsCode' || leaf === 'hsCodes[]') {
    perValue = 1 / 5000;
  } else {
    perValue = 1 / 20;
  }
  return Math.min(1, perValue * t.values.length);
}

function cost(d: Discriminator): number {
  return d.reduce((s, t) => s + estimatedPassRate(t), 0);
}

function best(ds: readonly Discriminator[]): Discriminator | undefined {
  let chosen: Discriminator | undefined;
  let chosenCost = Infinity;
  for (const d of ds) {
    const c = cost(d);
    if (c < chosenCost) {
      chosen = d;
      chosenCost = c;
    }
  }
  return chosen;
}

/**
 * The most selective necessary condition of a checked boolean AST, combined with any given by the
 * rule's metadata (scope modes and offices); undefined when nothing narrows (an always-candidate).
 */
export function chooseDiscriminator(
  ast: CelNode,
  extra: readonly Discriminator[] = [],
): Discriminator | undefined {
  const d = best([...necessary(ast, new Map()), ...extra]);
  return d !== undefined && cost(d) < 0.75 ? d : undefined;
}

/**
 * A second necessary condition, on paths the first does not test (so the two narrow independently),
 * for the index to intersect with `first`: `consignment.origin == "CN" && transport.mode == "air"`
 * is offered only to Chinese air consignments, not to every Chinese one. Undefined when none narrows.
 */
export function chooseSecondDiscriminator(
  ast: CelNode,
  first: Discriminator,
  extra: readonly Discriminator[] = [],
): Discriminator | undefined {
  const used = new Set(first.map((t) => t.path));
  const rest = [...necessary(ast, new Map()), ...extra].filter((d) => d.every((t) => !used.has(t.path)));
  const d = best(rest);
  return d !== undefined && cost(d) < 0.75 ? d : undefined;
}

/** "The number at `path` (a single value, from a rule variable) compares with `bound` by `op`". */
export interface RangeTest {
  readonly path: string;
  readonly op: '<' | '<=' | '>' | '>=';
  readonly bound: number;
}

const FLIPPED = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;

function numericPath(n: CelNode): string | undefined {
  const t = n.checkedType?.name;
  return t === 'int' || t === 'double' ? pathOf(n, new Map()) : undefined;
}

function numericLiteral(n: CelNode): number | undefined {
  if (n.op !== 'value') {
    return undefined;
  }
  const a = n.args;
  if (typeof a === 'number') {
    return a;
  }
  return typeof a === 'bigint' && Number.isSafeInteger(Number(a)) ? Number(a) : undefined;
}

/**
 * Comparisons of a field with a number that must hold for the rule to hit (conjuncts of `&&` at the
 * top, outside macros): `totalValue > 500000.0`. Cheap to check, so the index checks them on every
 * rule its discriminators let through, before asking watchlists, and the rule is not evaluated when
 * one fails. Exact: the comparison is the one the rule makes, on the same value.
 */
export function necessaryRanges(n: CelNode): RangeTest[] {
  switch (n.op) {
    case '&&': {
      const [l, r] = n.args as [CelNode, CelNode];
      return [...necessaryRanges(l), ...necessaryRanges(r)];
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const [l, r] = n.args as [CelNode, CelNode];
      const lp = numericPath(l);
      const rb = numericLiteral(r);
      if (lp !== undefined && rb !== undefined) {
        return [{ path: lp, op: n.op, bound: rb }];
      }
      const rp = numericPath(r);
      const lb = numericLiteral(l);
      if (rp !== undefined && lb !== undefined) {
        return [{ path: rp, op: FLIPPED[n.op], bound: lb }];
      }
      return [];
    }
    default:
      return [];
  }
}
