/**
 * The rule environment described for tools (the workbench's editor completes and documents with it):
 * the variables, the fields of each object type, and the functions and macros a condition may call,
 * read from the very environment rules are type-checked against (rule-environment.ts), so that what
 * the editor offers is what the type checker accepts. Parts of the CEL library that rules cannot
 * meet (bytes, maps, timestamps, optionals, type values) are left out.
 */
import { countryGroups } from './country-groups.ts';
import { RULE_FUNCTIONS, RULE_TYPES, RULE_VARIABLES, ruleCheckingEnvironment } from './rule-environment.ts';

export interface RuleEnvironmentFunction {
  /** The name called: `startsWith`, `hsIn`, `exists`. */
  readonly name: string;
  /** The type of the receiver of a method (`string`, `list<dyn>`, `Hs`), null for a global function. */
  readonly receiver: string | null;
  /** The CEL signature, as the environment declares it. */
  readonly signature: string;
  readonly params: readonly string[];
  readonly returns: string;
  /** A macro: its first argument names a variable bound to each element (`goods.exists(g, …)`). */
  readonly macro: boolean;
  readonly description: string | null;
}

export interface RuleEnvironmentDescription {
  readonly variables: readonly { readonly name: string; readonly type: string }[];
  readonly types: readonly {
    readonly name: string;
    readonly fields: readonly { readonly name: string; readonly type: string }[];
  }[];
  readonly functions: readonly RuleEnvironmentFunction[];
  /** The names `inGroup(country, group)` knows. */
  readonly countryGroups: readonly string[];
}

/** Receivers and parameter types rules never meet (no field or variable has them). */
const UNREACHABLE = /bytes|map<|google\.protobuf|optional|Optional|CelNamespace|uint|\btype\b|null/;
/** Library functions that say nothing to a rule author. */
const HIDDEN = new Set(['dyn', 'type']);

/** What the CEL standard functions and macros do, for the ones rules use most. */
const STANDARD: Readonly<Record<string, string>> = {
  exists: 'true when the condition holds for at least one element: goods.exists(g, g.origin == "CN")',
  all: 'true when the condition holds for every element',
  exists_one: 'true when the condition holds for exactly one element',
  filter: 'the elements for which the condition holds',
  map: 'the list of the expression applied to each element',
  has: 'whether a field is set (a rule’s fields always are: absent values are "", 0, false or [])',
  size: 'the number of characters of a string, or of elements of a list',
  startsWith: 'the string starts with the text given',
  endsWith: 'the string ends with the text given',
  contains: 'the string contains the text given',
  matches: 'the string matches the RE2 regular expression given',
  lowerAscii: 'the string with ASCII letters in lower case',
  upperAscii: 'the string with ASCII letters in upper case',
  trim: 'the string without leading and trailing white space',
};

/** `hs.chapter(…)` as RULE_FUNCTIONS documents it is `Hs.chapter(…)` in the environment. */
const docKey = (signature: string): string => signature.replace(/\s+/g, '').toLowerCase();

let described: RuleEnvironmentDescription | undefined;

export function describeRuleEnvironment(): RuleEnvironmentDescription {
  if (described !== undefined) {
    return described;
  }
  const docs = new Map<string, string>(RULE_FUNCTIONS.map(([s, d]) => [docKey(s), d]));
  const functions = ruleCheckingEnvironment()
    .getDefinitions()
    .functions.filter(
      (f) =>
        !HIDDEN.has(f.name) &&
        !UNREACHABLE.test(f.receiverType ?? '') &&
        !f.params.some((p) => UNREACHABLE.test(p.type)) &&
        !UNREACHABLE.test(f.returnType),
    )
    .map((f): RuleEnvironmentFunction => ({
      name: f.name,
      receiver: f.receiverType,
      signature: f.signature,
      params: f.params.map((p) => p.type),
      returns: f.returnType,
      macro: f.params.some((p) => p.type === 'ast') && f.receiverType !== null,
      description: docs.get(docKey(f.signature)) ?? f.description ?? STANDARD[f.name] ?? null,
    }));
  described = Object.freeze({
    variables: Object.entries(RULE_VARIABLES).map(([name, type]) => ({ name, type })),
    types: Object.entries(RULE_TYPES).map(([name, fields]) => ({
      name,
      fields: Object.entries(fields).map(([field, type]) => ({ name: field, type })),
    })),
    functions,
    countryGroups: countryGroups.names(),
  });
  return described;
}
