/**
 * The static cost limit of a rule, checked whenever a rule is compiled (saved, tested, backtested,
 * loaded for live assessment): an estimate of the evaluation steps one consignment costs, from the
 * expression's size, its macros and the sizes of the lists they loop over, and a regular expression's
 * size. A rule over the limit is refused with VIGIL_RULE_TOO_COSTLY and a message that says what to
 * change. What is known when the rule is saved is counted exactly (literal lists); the lists of a
 * filing (goods, containers …) are counted at one element for rules run by Vigil's compiler, whose
 * evaluation budget stops them at run time (cel-compiler.ts), and at their largest (the filing
 * contract's limits) for rules run by the library's evaluator, which cannot be interrupted.
 */
import type { CelNode } from './cel-compiler.ts';
import { MAX_REGEX_LENGTH } from './re2.ts';

/** Estimated steps a rule may cost on one consignment. */
export const MAX_RULE_STEPS = 100_000;
/** Nodes in a rule's expression. */
export const MAX_RULE_NODES = 5_000;
/** Characters in one text literal (the longest text field of a filing has 512). */
export const MAX_TEXT_LITERAL = 1_000;

/** Largest list sizes of a filing (intake's FILING_LIMITS), for rules the library evaluates. */
const LARGEST_LISTS: Readonly<Record<string, number>> = {
  goods: 999,
  containers: 999,
  hsCodes: 999,
  origins: 999,
  routing: 99,
  seals: 99,
};
const LARGEST_UNKNOWN = 999;
/** Characters a regular expression is assumed to read (a filing's texts have at most 512). */
const REGEX_INPUT = 100;

const MACROS = new Set(['exists', 'all', 'exists_one', 'existsOne', 'filter', 'map']);

export interface RuleCostProblem {
  readonly message: string;
  /** Offset into the source of the construct to change. */
  readonly offset: number;
}

interface Chain {
  readonly sizes: readonly number[];
  readonly labels: readonly string[];
  readonly product: number;
  readonly offset: number;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en');

/**
 * The problems that make a rule too costly (empty when it is within the limits). `interruptible`:
 * is the rule run by Vigil's compiled closures, which count their steps at run time?
 */
export function ruleCostProblems(ast: CelNode, interruptible: boolean): RuleCostProblem[] {
  const problems: RuleCostProblem[] = [];
  let nodes = 0;
  let steps = 0;
  let worst: Chain | undefined;
  /** Patterns of `matches`: limited as regular expressions, not as texts. */
  const patterns = new Set<CelNode>();

  const dataList = (name: string): number => (interruptible ? 1 : (LARGEST_LISTS[name] ?? LARGEST_UNKNOWN));

  /** Estimated length of a list-valued node. */
  const sizeOf = (n: CelNode): number => {
    switch (n.op) {
      case 'list':
        return (n.args as CelNode[]).length;
      case 'id':
        return dataList(n.args as string);
      case '.':
        return dataList((n.args as [CelNode, string])[1]);
      case '+': {
        const [l, r] = n.args as [CelNode, CelNode];
        return sizeOf(l) + sizeOf(r);
      }
      case '?:': {
        const [, t, e] = n.args as [CelNode, CelNode, CelNode];
        return Math.max(sizeOf(t), sizeOf(e));
      }
      case 'rcall': {
        const [name, recv] = n.args as [string, CelNode, CelNode[]];
        if (name === 'map' || name === 'filter') {
          return sizeOf(recv);
        }
        return interruptible ? 1 : LARGEST_UNKNOWN;
      }
      default:
        return interruptible ? 1 : LARGEST_UNKNOWN;
    }
  };

  const labelOf = (n: CelNode): string => {
    if (n.op === 'list') {
      return 'a literal list';
    }
    const text = n.input.slice(n.start, n.end);
    return text.length > 30 ? `${text.slice(0, 27)}…` : text;
  };

  const walk = (n: unknown, mult: number, chain: Chain): void => {
    if (typeof n !== 'object' || n === null) {
      return;
    }
    if (Array.isArray(n)) {
      for (const x of n) {
        walk(x, mult, chain);
      }
      return;
    }
    if (!('op' in n)) {
      return;
    }
    const node = n as CelNode;
    nodes++;
    steps += mult;
    if (
      node.op === 'value' &&
      typeof node.args === 'string' &&
      node.args.length > MAX_TEXT_LITERAL &&
      !patterns.has(node)
    ) {
      problems.push({
        message: `a text of ${fmt(node.args.length)} characters: at most ${fmt(MAX_TEXT_LITERAL)}; shorten it, or put long lists of names in a watchlist`,
        offset: node.start,
      });
    }
    if (node.op === 'rcall') {
      const [name, recv, args] = node.args as [string, CelNode, CelNode[]];
      if (MACROS.has(name) && args.length >= 2) {
        walk(recv, mult, chain);
        const size = sizeOf(recv);
        const inner: Chain = {
          sizes: [...chain.sizes, size],
          labels: [...chain.labels, labelOf(recv)],
          product: chain.product * Math.max(size, 1),
          offset: chain.sizes.length === 0 ? node.start : chain.offset,
        };
        if (worst === undefined || inner.product > worst.product) {
          worst = inner;
        }
        walk(args.slice(1), mult * Math.max(size, 1), inner);
        return;
      }
      if (name === 'matches') {
        steps += mult * REGEX_INPUT;
        const pattern = args[0];
        if (pattern !== undefined) {
          patterns.add(pattern);
        }
        if (
          pattern?.op === 'value' &&
          typeof pattern.args === 'string' &&
          pattern.args.length > MAX_REGEX_LENGTH
        ) {
          problems.push({
            message: `a regular expression of ${fmt(pattern.args.length)} characters: at most ${fmt(MAX_REGEX_LENGTH)}; split it into several conditions`,
            offset: pattern.start,
          });
        }
      }
    }
    if (node.op === 'in') {
      const [, r] = node.args as [CelNode, CelNode];
      const literalSet = r.op === 'list' && (r.args as CelNode[]).every((x) => x.op === 'value');
      if (!literalSet || !interruptible) {
        steps += mult * sizeOf(r);
      }
    }
    walk(node.args, mult, chain);
  };

  walk(ast, 1, { sizes: [], labels: [], product: 1, offset: 0 });

  if (nodes > MAX_RULE_NODES) {
    problems.push({
      message: `the expression has ${fmt(nodes)} parts: at most ${fmt(MAX_RULE_NODES)}; split the rule, or put long lists of values in a watchlist`,
      offset: 0,
    });
  }
  if (steps > MAX_RULE_STEPS) {
    const w = worst;
    const largest = interruptible
      ? ''
      : ' (this rule uses a construct Vigil runs with the reference evaluator, which cannot be stopped, so the lists of a filing count at their largest, e.g. 999 goods items)';
    if (w !== undefined && w.product > 1) {
      const n = w.sizes.length;
      const sizes = w.sizes.map(fmt);
      const over =
        n === 1
          ? `a macro over a list of ${sizes[0]} elements`
          : `${n} nested macros over lists of ${sizes.slice(0, -1).join(', ')} and ${sizes[n - 1]} elements`;
      problems.push({
        message: `${over}${w.labels.every((l) => l === 'a literal list') ? '' : ` (${w.labels.join(' → ')})`}: about ${fmt(steps)} evaluation steps per consignment, at most ${fmt(MAX_RULE_STEPS)}${largest}; un-nest the macros, test membership with \`in\` on a list (one lookup, not a loop), or put the values in a watchlist`,
        offset: w.offset,
      });
    } else {
      problems.push({
        message: `about ${fmt(steps)} evaluation steps per consignment, at most ${fmt(MAX_RULE_STEPS)}${largest}; simplify the expression or split the rule`,
        offset: 0,
      });
    }
  }
  return problems;
}
