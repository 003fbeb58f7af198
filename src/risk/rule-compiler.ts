/**
 * `compileRule(source)`: parses and type-checks a rule's CEL condition against the rule environment
 * and turns it into something the engine can run: closures (cel-compiler.ts) or, for constructs they
 * do not cover, the library's evaluator; plus the discriminator the rule index files it under. Every
 * expected failure is a value with a stable code and the position in the source.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { compileCel, type CelNode, type EvalFrame, type TriggerValue } from './cel-compiler.ts';
import { countryGroups } from './country-groups.ts';
import { chooseDiscriminator, chooseSecondDiscriminator, type Discriminator } from './rule-analysis.ts';
import {
  createCelEnvironment,
  ruleCheckingEnvironment,
  toCelActivation,
  type RuleRuntime,
} from './rule-environment.ts';

export const RULE_ERROR_CODES = [
  'VIGIL_RULE_SYNTAX',
  'VIGIL_RULE_TYPE_ERROR',
  'VIGIL_RULE_UNKNOWN_FIELD',
  'VIGIL_RULE_NOT_BOOLEAN',
  'VIGIL_RULE_UNKNOWN_REFERENCE',
  'VIGIL_RULE_INVALID_ARGUMENT',
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
  /** Evaluates on a frame; throws CelRuntimeError (or the library's error) when CEL gives an error. */
  readonly evaluate: (fr: EvalFrame) => boolean;
  readonly explain: (fr: EvalFrame) => readonly TriggerValue[];
}

export interface CompileRuleOptions {
  /** Known watchlist names: a literal name not among them is refused. Not checked when absent. */
  readonly watchlistNames?: ReadonlySet<string> | undefined;
  /** Extra necessary conditions from the rule's metadata (scope modes, offices). */
  readonly scopeDiscriminators?: readonly Discriminator[] | undefined;
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
  if (n.op === 'call' || n.op === 'rcall') {
    const name = (n.args as unknown[])[0] as string;
    const args = (n.op === 'call' ? (n.args as unknown[])[1] : (n.args as unknown[])[2]) as CelNode[];
    const lit = (i: number): CelNode | undefined => (args[i]?.op === 'value' ? args[i] : undefined);
    const at = (a: CelNode | undefined): SourcePosition => positionAt(source, a?.start ?? n.start);
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
  const env: Environment = ruleCheckingEnvironment();
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
  if (checked.type !== 'bool') {
    return {
      ok: false,
      errors: [
        {
          code: 'VIGIL_RULE_NOT_BOOLEAN',
          message: `a rule condition must be a bool, this one is a ${checked.type ?? 'dyn'}`,
          position: positionAt(source, 0),
        },
      ],
    };
  }
  const ast = parsed.ast as unknown as CelNode;
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
  const fast = compileCel(ast);
  if (fast !== undefined) {
    return {
      ok: true,
      value: {
        source,
        ast,
        compiled: true,
        discriminator,
        secondDiscriminator,
        evaluate: fast.evaluate,
        explain: fast.explain,
      },
    };
  }
  // The library's evaluator with an environment bound to the frame's runtime (built once per runtime).
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
      evaluate: (fr) => {
        let p = byRuntime.get(fr.rt);
        if (p === undefined) {
          p = celEnvironmentFor(fr.rt).parse(source);
          byRuntime.set(fr.rt, p);
        }
        let a = celActs.get(fr.act);
        if (a === undefined) {
          a = toCelActivation(fr.act);
          celActs.set(fr.act, a);
        }
        return p(a) === true;
      },
      explain: () => [],
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
