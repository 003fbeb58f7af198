/**
 * `compileRule(source)`: parses and type-checks a rule's CEL condition against the rule environment
 * and turns it into something the engine can run: closures (cel-compiler.ts) or, for constructs they
 * do not cover, the library's evaluator; plus the discriminator the rule index files it under. Every
 * expected failure is a value with a stable code and the position in the source.
 */
import type { Environment } from '@marcbachmann/cel-js';
import {
  compileCel,
  type CelNode,
  type EvalFrame,
  type SignatureTable,
  type TriggerValue,
} from './cel-compiler.ts';
import { countryGroups } from './country-groups.ts';
import { compileRe2 } from './re2.ts';
import { hsPrefixProblem } from './hs-nomenclature.ts';
import { ruleCostProblems } from './rule-cost.ts';
import {
  chooseDiscriminator,
  chooseSecondDiscriminator,
  necessaryRanges,
  type Discriminator,
  type RangeTest,
} from './rule-analysis.ts';
import {
  createCelEnvironment,
  ruleCheckingEnvironment,
  toCelActivation,
  toCelValue,
  withMeasureScope,
  type RuleRuntime,
} from './rule-environment.ts';

export const RULE_ERROR_CODES = [
  'VIGIL_RULE_SYNTAX',
  'VIGIL_RULE_TYPE_ERROR',
  'VIGIL_RULE_UNKNOWN_FIELD',
  'VIGIL_RULE_NOT_BOOLEAN',
  'VIGIL_RULE_UNKNOWN_REFERENCE',
  'VIGIL_RULE_INVALID_ARGUMENT',
  'VIGIL_RULE_INVALID_REGEX',
  'VIGIL_RULE_TOO_COSTLY',
] as const;
export type RuleErrorCode = (typeof RULE_ERROR_CODES)[number];

/** 1-based line and column, 0-based offset into the source (UTF-16 code units). */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

export interface RuleCompileError {
  readonly code: RuleErrorCode;
  readonly message: string;
  readonly position: SourcePosition;
}

export type Result<T, E> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly E[] };

export interface CompiledCondition {
  readonly source: string;
  /** The type-checked AST (for analysis and tooling). */
  readonly ast: CelNode;
  /** Was the condition compiled to closures (fast) or is it run by the library's evaluator? */
  readonly compiled: boolean;
  /** The most selective necessary condition, for the rule index; undefined: evaluate for every consignment. */
  readonly discriminator: Discriminator | undefined;
  /** A second necessary condition on other fields, which the index intersects with the first. */
  readonly secondDiscriminator: Discriminator | undefined;
  /** Necessary comparisons of a field with a number, which the index checks before evaluating. */
  readonly ranges: readonly RangeTest[];
  /** Evaluates on a frame; throws CelRuntimeError (or the library's error) when CEL gives an error. */
  readonly evaluate: (fr: EvalFrame) => boolean;
  readonly explain: (fr: EvalFrame) => readonly TriggerValue[];
}

export interface CompileRuleOptions {
  /** Known watchlist names: a literal name not among them is refused. Not checked when absent. */
  readonly watchlistNames?: ReadonlySet<string> | undefined;
  /** Extra necessary conditions from the rule's metadata (scope modes, offices). */
  readonly scopeDiscriminators?: readonly Discriminator[] | undefined;
  /** Memo slots shared by the rules of one rule set (compileRuleSet); a fresh table when absent. */
  readonly signatures?: SignatureTable | undefined;
}

export function positionAt(source: string, offset: number): SourcePosition {
  const o = Math.max(0, Math.min(offset, source.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < o; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: o - lineStart + 1, offset: o };
}

interface LibraryError {
  readonly name?: string;
  readonly code?: string;
  readonly summary?: string;
  readonly message: string;
  readonly range?: { readonly start: number };
}

function toRuleError(source: string, e: LibraryError): RuleCompileError {
  let code: RuleErrorCode;
  if (e.name === 'ParseError') {
    code = 'VIGIL_RULE_SYNTAX';
  } else if (e.code === 'no_such_key' || e.code === 'unknown_variable') {
    code = 'VIGIL_RULE_UNKNOWN_FIELD';
  } else {
    code = 'VIGIL_RULE_TYPE_ERROR';
  }
  return {
    code,
    message: e.summary ?? e.message.split('\n')[0] ?? e.message,
    position: positionAt(source, e.range?.start ?? 0),
  };
}

/** Checks literal arguments of helpers: group and list names exist, thresholds are in [0, 1]. */
function checkReferences(
  node: unknown,
  source: string,
  options: CompileRuleOptions,
  out: RuleCompileError[],
): void {
  if (typeof node !== 'object' || node === null) {
    return;
  }
  if (Array.isArray(node)) {
    for (const x of node) {
      checkReferences(x, source, options, out);
    }
    return;
  }
  const n = node as CelNode;
  if (!('op' in n)) {
    return;
  }
  if (n.op === 'rcall' && (n.args as unknown[])[0] === 'matches') {
    const pattern = ((n.args as unknown[])[2] as CelNode[])[0];
    if (pattern?.op === 'value' && typeof pattern.args === 'string') {
      const c = compileRe2(pattern.args);
      // A pattern that is too long is reported by the cost check (rule-cost.ts).
      if (!c.ok && !c.tooLong) {
        out.push({
          code: 'VIGIL_RULE_INVALID_REGEX',
          message: c.message,
          position: positionAt(source, pattern.start),
        });
      }
    }
  }
  if (n.op === 'call' || n.op === 'rcall') {
    const name = (n.args as unknown[])[0] as string;
    const args = (n.op === 'call' ? (n.args as unknown[])[1] : (n.args as unknown[])[2]) as CelNode[];
    const lit = (i: number): CelNode | undefined => (args[i]?.op === 'value' ? args[i] : undefined);
    const at = (a: CelNode | undefined): SourcePosition => positionAt(source, a?.start ?? n.start);
    if (
      name === 'under' &&
      n.op === 'rcall' &&
      ((n.args as unknown[])[1] as CelNode).checkedType?.name === 'Hs'
    ) {
      const p = lit(1);
      const problem = typeof p?.args === 'string' ? hsPrefixProblem(p.args) : undefined;
      if (problem !== undefined) {
        out.push({ code: 'VIGIL_RULE_INVALID_ARGUMENT', message: problem, position: at(p) });
      }
    }
    if (name === 'inGroup' && n.op === 'call') {
      const g = lit(1);
      if (typeof g?.args === 'string' && !countryGroups.names().includes(g.args)) {
        out.push({
          code: 'VIGIL_RULE_UNKNOWN_REFERENCE',
          message: `unknown country group "${g.args}" (known: ${countryGroups.names().join(', ')})`,
          position: at(g),
        });
      }
    }
    if (
      options.watchlistNames !== undefined &&
      n.op === 'call' &&
      (name === 'inWatchlist' || name === 'watchlist' || name === 'watchlistScore')
    ) {
      const l = lit(0);
      if (typeof l?.args === 'string' && !options.watchlistNames.has(l.args)) {
        out.push({
          code: 'VIGIL_RULE_UNKNOWN_REFERENCE',
          message: `unknown watchlist "${l.args}"`,
          position: at(l),
        });
      }
    }
    const thresholdIndex =
      name === 'fuzzy' ? (n.op === 'call' ? 2 : 1) : name === 'inWatchlist' && args.length === 3 ? 2 : -1;
    const t = thresholdIndex >= 0 ? lit(thresholdIndex) : undefined;
    if (typeof t?.args === 'number' && !(t.args >= 0 && t.args <= 1)) {
      out.push({
        code: 'VIGIL_RULE_INVALID_ARGUMENT',
        message: `a fuzzy threshold is a score between 0.0 and 1.0, got ${t.args}`,
        position: at(t),
      });
    }
  }
  checkReferences(n.args, source, options, out);
}

/**
 * Parses, type-checks and compiles a rule condition. Refuses (with positions) syntax errors, unknown
 * variables and fields, type errors, non-boolean results, unknown groups or lists and bad thresholds.
 */
export function compileRule(
  source: string,
  options: CompileRuleOptions = {},
): Result<CompiledCondition, RuleCompileError> {
  const checked = parseAndCheck(ruleCheckingEnvironment(), source);
  if (!checked.ok) {
    return checked;
  }
  const { ast, type } = checked.value;
  if (type !== 'bool') {
    return {
      ok: false,
      errors: [
        {
          code: 'VIGIL_RULE_NOT_BOOLEAN',
          message: `a rule condition must be a bool, this one is a ${type}`,
          position: positionAt(source, 0),
        },
      ],
    };
  }
  const refErrors: RuleCompileError[] = [];
  checkReferences(ast, source, options, refErrors);
  if (refErrors.length > 0) {
    return { ok: false, errors: refErrors };
  }
  const discriminator = chooseDiscriminator(ast, options.scopeDiscriminators);
  const secondDiscriminator =
    discriminator === undefined
      ? undefined
      : chooseSecondDiscriminator(ast, discriminator, options.scopeDiscriminators);
  const ranges = necessaryRanges(ast);
  const fast = compileCel(ast, options.signatures);
  const costly = ruleCostProblems(ast, fast !== undefined);
  if (costly.length > 0) {
    return {
      ok: false,
      errors: costly.map((p) => ({
        code: 'VIGIL_RULE_TOO_COSTLY',
        message: p.message,
        position: positionAt(source, p.offset),
      })),
    };
  }
  if (fast !== undefined) {
    return {
      ok: true,
      value: {
        source,
        ast,
        compiled: true,
        discriminator,
        secondDiscriminator,
        ranges,
        evaluate: fast.evaluate,
        explain: fast.explain,
      },
    };
  }
  // The library's evaluator with an environment bound to the frame's runtime (built once per runtime),
  // on the source with `matches` renamed to the RE2 function only that environment declares.
  const evalSource = librarySource(ast, source);
  const byRuntime = new WeakMap<object, ReturnType<Environment['parse']>>();
  const celActs = new WeakMap<object, Record<string, unknown>>();
  return {
    ok: true,
    value: {
      source,
      ast,
      compiled: false,
      discriminator,
      secondDiscriminator,
      ranges,
      evaluate: (fr) => {
        let p = byRuntime.get(fr.rt);
        if (p === undefined) {
          p = celEnvironmentFor(fr.rt).parse(evalSource);
          byRuntime.set(fr.rt, p);
        }
        let a = celActs.get(fr.act);
        if (a === undefined) {
          a = toCelActivation(fr.act);
          celActs.set(fr.act, a);
        }
        const act = a;
        return withMeasureScope(fr.act.hs, (): unknown => p(act)) === true;
      },
      explain: () => [],
    },
  };
}

/**
 * The source the library's evaluator runs for a checked rule: CEL semantics where the library's own
 * differ and cannot be replaced (its standard declarations refuse an overlapping one), by calling
 * functions only the evaluation environment declares (rule-environment.ts): string ordering by code
 * point, int division and negation with overflow (withCelOperators); ASCII-only case mapping,
 * CEL's trim and RE2 `matches` (withCelMethods). A user cannot name these
 * functions: the checking environment does not declare them.
 */
export function librarySource(ast: CelNode, source: string): string {
  let withOps = withCelOperators(ast, source);
  let ast2: CelNode = ast;
  if (withOps !== source) {
    // Calls were inserted: positions are taken again from the new text (parsing needs no types).
    try {
      ast2 = ruleCheckingEnvironment().parse(withOps).ast;
    } catch {
      // Not expected (a comment between operands could do it): keep the library's operators.
      withOps = source;
    }
  }
  return withCelMethods(ast2, withOps);
}

const ORDERING = new Set(['<', '<=', '>', '>=']);

/** A node whose library operator differs from CEL: strings ordered, int divided or negated. */
function celOperatorTarget(n: CelNode): boolean {
  if (ORDERING.has(n.op) || n.op === '/') {
    const [l, r] = n.args as [CelNode, CelNode];
    const t = n.op === '/' ? 'int' : 'string';
    return l.checkedType?.name === t && r.checkedType?.name === t;
  }
  if (n.op === '-_') {
    // A negated literal is folded by the library's parser (-9223372036854775808 exists only so).
    const x = n.args as CelNode;
    return x.checkedType?.name === 'int' && x.op !== 'value';
  }
  return false;
}

function childNodes(n: CelNode): CelNode[] {
  const out: CelNode[] = [];
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) {
      x.forEach(visit);
    } else if (typeof x === 'object' && x !== null && 'op' in x) {
      out.push(x as CelNode);
    }
  };
  visit(n.args);
  return out;
}

/**
 * Rewrites `a < b` on strings to `celCompare(a, b) < 0`, `a / b` on ints to `celIntDiv(a, b)` and
 * `-x` on ints to `celIntNeg(x)`: the library compares UTF-16 units and lets -(-2^63) and
 * (-2^63) / -1 pass without an overflow error.
 */
export function withCelOperators(ast: CelNode, source: string): string {
  const topTargets = (n: CelNode, out: CelNode[]): void => {
    if (celOperatorTarget(n)) {
      out.push(n);
      return;
    }
    for (const c of childNodes(n)) {
      topTargets(c, out);
    }
  };
  // A node's range leaves out its parentheses: `-(x)` spans `-(x`, `(a) < b` spans `a) < b`. The
  // region rewritten takes in the parentheses that group an operand, counted between the tokens.
  const back = (pos: number, parens: number): number => {
    let p = pos;
    let k = parens;
    while (p > 0) {
      const c = source[p - 1]!;
      if (c === '(' && k > 0) {
        k--;
      } else if (!/\s/.test(c)) {
        break;
      }
      p--;
    }
    return p;
  };
  const forward = (pos: number, parens: number): number => {
    let p = pos;
    let k = parens;
    while (k > 0 && p < source.length) {
      if (source[p] === ')') {
        k--;
      }
      p++;
    }
    return p;
  };
  const count = (text: string, ch: string): number => text.split(ch).length - 1;
  const splice = (n: CelNode, start: number, end: number): string => {
    const targets: CelNode[] = [];
    topTargets(n, targets);
    let out = '';
    let at = start;
    for (const r of targets.map(render).sort((a, b) => a.start - b.start)) {
      out += source.slice(at, r.start) + r.text;
      at = r.end;
    }
    return out + source.slice(at, end);
  };
  const render = (t: CelNode): { start: number; end: number; text: string } => {
    if (t.op === '-_') {
      const x = t.args as CelNode;
      const open = count(source.slice(t.start + 1, x.start), '(');
      const end = forward(x.end, open);
      return { start: t.start, end, text: `celIntNeg(${splice(x, t.start + 1, end)})` };
    }
    const [l, r] = t.args as [CelNode, CelNode];
    const between = source.slice(l.end, r.start);
    const opAt = l.end + between.indexOf(t.op, count(between, ')') > 0 ? between.lastIndexOf(')') : 0);
    const start = back(l.start, count(source.slice(l.end, opAt), ')'));
    const end = forward(r.end, count(source.slice(opAt + t.op.length, r.start), '('));
    const ls = splice(l, start, opAt);
    const rs = splice(r, opAt + t.op.length, end);
    const text = t.op === '/' ? `celIntDiv(${ls}, ${rs})` : `celCompare(${ls}, ${rs}) ${t.op} 0`;
    return { start, end, text };
  };
  return splice(ast, 0, source.length);
}

/**
 * The library's methods whose semantics differ from CEL's and which it does not let Vigil replace
 * (its standard declarations refuse an overlapping one), with the name of the CEL version the
 * evaluation environment declares (rule-environment.ts) and their number of arguments: `matches`
 * runs JavaScript's backtracking RegExp (Vigil's runs RE2); `lowerAscii`, `upperAscii` and `trim`
 * follow JavaScript's Unicode rules.
 */
const LIBRARY_METHOD_RENAMES: ReadonlyMap<string, { readonly to: string; readonly args: number }> = new Map([
  ['matches', { to: 're2Matches', args: 1 }],
  ['lowerAscii', { to: 'asciiLower', args: 0 }],
  ['upperAscii', { to: 'asciiUpper', args: 0 }],
  ['trim', { to: 'Trim', args: 0 }],
]);

/**
 * For the library's evaluator: each call of a method in LIBRARY_METHOD_RENAMES in the checked source
 * is renamed to Vigil's version. Positions come from the checked AST, so a method name inside a text
 * literal is never touched; renames are applied from the end so earlier positions stay valid.
 */
export function withCelMethods(ast: CelNode, source: string): string {
  const at: [number, string, string][] = [];
  const visit = (n: unknown): void => {
    if (typeof n !== 'object' || n === null) {
      return;
    }
    if (Array.isArray(n)) {
      n.forEach(visit);
      return;
    }
    if (!('op' in n)) {
      return;
    }
    const node = n as CelNode;
    if (node.op === 'rcall') {
      const [name, recv, args] = node.args as [string, CelNode, CelNode[]];
      const rename = LIBRARY_METHOD_RENAMES.get(name);
      if (rename !== undefined && args.length === rename.args) {
        // The name sits between the receiver and the first argument (or the call's end).
        const i = source.lastIndexOf(name, args[0]?.start ?? node.end);
        if (i >= recv.end) {
          at.push([i, name, rename.to]);
        }
      }
    }
    visit(node.args);
  };
  visit(ast);
  let out = source;
  for (const [i, name, renamed] of at.sort((x, y) => y[0] - x[0])) {
    out = `${out.slice(0, i)}${renamed}${out.slice(i + name.length)}`;
  }
  return out;
}

/** A CEL expression of any type, compiled the way a rule condition is (the conformance suite). */
export interface CompiledExpression {
  readonly ast: CelNode;
  /** The checked type (`int`, `list<string>`, `dyn` …). */
  readonly type: string;
  /** Compiled to closures (true) or run by the library's evaluator (false). */
  readonly compiled: boolean;
  /**
   * The value in the library's representation (BigInt for int); throws when CEL gives an error.
   * `variables` (library representation) replace the rule activation for the library's evaluator.
   */
  readonly evaluate: (fr: EvalFrame, variables?: Record<string, unknown>) => unknown;
}

export interface CompileExpressionOptions {
  /** The environment the expression is checked against (default: the rule environment). */
  readonly checking?: Environment | undefined;
  /** The environment the library's evaluator uses (default: the rule environment of the frame). */
  readonly evaluation?: Environment | undefined;
}

/** Parses and type-checks `source` in `env`: its AST and checked type (`dyn` when unknown), or the error. */
function parseAndCheck(
  env: Environment,
  source: string,
): Result<{ ast: CelNode; type: string }, RuleCompileError> {
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = env.parse(source);
  } catch (e) {
    return { ok: false, errors: [toRuleError(source, e as LibraryError)] };
  }
  const checked = parsed.check();
  if (!checked.valid) {
    return { ok: false, errors: [toRuleError(source, checked.error as unknown as LibraryError)] };
  }
  return { ok: true, value: { ast: parsed.ast, type: checked.type ?? 'dyn' } };
}

/**
 * Parses, type-checks and compiles a CEL expression of any type as compileRule does a condition:
 * closures when cel-compiler.ts knows every construct, else the library's evaluator on the source with
 * Vigil's `matches` and string methods. It skips what is particular to a rule (a bool result,
 * references to lists and groups, the cost limit, discriminators).
 */
export function compileExpression(
  source: string,
  options: CompileExpressionOptions = {},
): Result<CompiledExpression, RuleCompileError> {
  const checked = parseAndCheck(options.checking ?? ruleCheckingEnvironment(), source);
  if (!checked.ok) {
    return checked;
  }
  const { ast, type } = checked.value;
  // The closures hold an int and a double alike as numbers: a result typed `dyn` or with a type
  // parameter (`list<T>` of `[] + [3]`) needs the library's own values to tell them apart.
  const fast = /\bdyn\b|(?:^|[<,\s])[A-Z](?=$|[>,\s])/.test(type) ? undefined : compileCel(ast);
  if (fast !== undefined) {
    return {
      ok: true,
      value: { ast, type, compiled: true, evaluate: (fr) => toCelValue(fast.value(fr), type) },
    };
  }
  const evalSource = librarySource(ast, source);
  const fixed = options.evaluation?.parse(evalSource);
  return {
    ok: true,
    value: {
      ast,
      type,
      compiled: false,
      evaluate: (fr, variables) => {
        const p = fixed ?? celEnvironmentFor(fr.rt).parse(evalSource);
        return p(variables ?? toCelActivation(fr.act)) as unknown;
      },
    },
  };
}

const environments = new WeakMap<RuleRuntime, Environment>();

/** One library environment per runtime (building one is costly). */
export function celEnvironmentFor(rt: RuleRuntime): Environment {
  let env = environments.get(rt);
  if (env === undefined) {
    env = createCelEnvironment(rt);
    environments.set(rt, env);
  }
  return env;
}
