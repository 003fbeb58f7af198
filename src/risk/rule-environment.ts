/**
 * The typed environment rules are written against: the CEL types of the activation (activation.ts),
 * the variables, and the trade helper functions, declared once for @marcbachmann/cel-js so a rule is
 * type-checked when saved. The same declarations drive the library's own evaluator (used as the
 * reference and fallback evaluator) and the conversion of an activation into the library's value
 * representation (class instances, BigInt for int).
 */
import { Environment, EvaluationError } from '@marcbachmann/cel-js';
import { countryGroups, type CountryGroups } from './country-groups.ts';
import { fuzzyScore } from './fuzzy.ts';
import type { RuleActivation } from './activation.ts';
import { Re2Cache } from './re2.ts';
import { compareCodePoints, lowerAscii, trimCel, upperAscii } from './cel-strings.ts';
import { DEFAULT_FUZZY_THRESHOLD, WatchlistRegistry, type Watchlist } from './watchlist.ts';
import { HsNomenclature, hsPrefixProblem } from './hs-nomenclature.ts';
import { IprBrands } from './brand-screen.ts';

/** Fields of each object type a rule can see, as CEL type names. */
export const RULE_TYPES = {
  OperatorProfile: {
    known: 'bool',
    aeo: 'bool',
    aeoType: 'string',
    controls: 'int',
    irregularities: 'int',
    seizures: 'int',
    irregularityRate: 'double',
    firstSeen: 'string',
    daysKnown: 'int',
  },
  Address: {
    street: 'string',
    poBox: 'string',
    city: 'string',
    postcode: 'string',
    country: 'string',
    text: 'string',
  },
  Party: {
    name: 'string',
    eori: 'string',
    country: 'string',
    address: 'Address',
    typeOfPerson: 'int',
    profile: 'OperatorProfile',
  },
  TransportDocument: { type: 'string', ref: 'string' },
  Transport: {
    mode: 'string',
    meansId: 'string',
    typeOfIdentification: 'string',
    conveyanceRef: 'string',
    nationality: 'string',
    routing: 'list<string>',
    estimatedDeparture: 'string',
    estimatedArrival: 'string',
    actualDeparture: 'string',
    transitHours: 'double',
    shortHaul: 'bool',
    containerised: 'bool',
  },
  Consignment: {
    transportDocument: 'TransportDocument',
    masterTransportDocument: 'TransportDocument',
    previousMrn: 'string',
    split: 'bool',
    placeOfLoading: 'string',
    placeOfUnloading: 'string',
    loadingCountry: 'string',
    unloadingCountry: 'string',
    placeOfAcceptance: 'string',
    placeOfDelivery: 'string',
    acceptanceCountry: 'string',
    deliveryCountry: 'string',
    routing: 'list<string>',
    toOrder: 'bool',
    ucr: 'string',
    transportCharges: 'string',
    supplyChainRoles: 'list<string>',
    documentTypes: 'list<string>',
    additionalInformationCodes: 'list<string>',
    origin: 'string',
    origins: 'list<string>',
    goodsCount: 'int',
    containerCount: 'int',
  },
  GoodsItem: {
    itemNumber: 'int',
    hsCode: 'string',
    cusCode: 'string',
    unNumbers: 'list<string>',
    shippingMarks: 'list<string>',
    documentTypes: 'list<string>',
    additionalInformationCodes: 'list<string>',
    chapter: 'string',
    heading: 'string',
    description: 'string',
    grossMassKg: 'double',
    packageType: 'string',
    packageCount: 'int',
    value: 'double',
    declaredValue: 'double',
    currency: 'string',
    origin: 'string',
    valuePerKg: 'double',
  },
  Container: { id: 'string', seals: 'list<string>' },
  MasterConsignment: {
    transportDocument: 'TransportDocument',
    placeOfLoading: 'string',
    placeOfUnloading: 'string',
    placeOfAcceptance: 'string',
    placeOfDelivery: 'string',
    containerIndicator: 'bool',
    passiveMeansId: 'string',
    passiveMeansNationality: 'string',
    receptacles: 'list<string>',
    containerCount: 'int',
  },
  IprMatch: {
    application: 'string',
    rightHolder: 'string',
    brand: 'string',
    words: 'string',
    how: 'string',
    score: 'double',
  },
  Filing: {
    filingType: 'string',
    lrn: 'string',
    officeOfFirstEntry: 'string',
    addressedMemberState: 'string',
    specificCircumstanceIndicator: 'string',
    reEntry: 'bool',
    split: 'bool',
    previousMrn: 'string',
    representative: 'Party',
    hasTransport: 'bool',
    declarant: 'Party',
    carrier: 'Party',
    consignmentCount: 'int',
  },
  // What `measures(code, origin)` returns (domain TradeMeasure; docs/registries.md, trade measures).
  Measure: {
    sid: 'string',
    typeId: 'string',
    type: 'string',
    goodsCode: 'string',
    area: 'string',
    excluded: 'list<string>',
    additionalCode: 'string',
    duty: 'string',
    regulation: 'string',
    from: 'string',
    to: 'string',
    footnotes: 'list<string>',
    conditions: 'list<string>',
    description: 'string',
  },
} as const satisfies Record<string, Record<string, string>>;

/** The variables, by name, with their CEL types. */
export const RULE_VARIABLES = {
  filing: 'Filing',
  transport: 'Transport',
  consignment: 'Consignment',
  goods: 'list<GoodsItem>',
  consignor: 'Party',
  consignee: 'Party',
  declarant: 'Party',
  carrier: 'Party',
  notifyParty: 'Party',
  buyer: 'Party',
  seller: 'Party',
  representative: 'Party',
  supplementaryDeclarant: 'Party',
  masterConsignment: 'MasterConsignment',
  containers: 'list<Container>',
  container: 'Container',
  valuePerKg: 'double',
  totalValue: 'double',
  totalMassKg: 'double',
  totalPackages: 'int',
  routing: 'list<string>',
  hsCodes: 'list<string>',
  operator: 'OperatorProfile',
  hs: 'Hs',
  ipr: 'Ipr',
} as const satisfies Record<keyof RuleActivation, string>;

export type RuleTypeName = keyof typeof RULE_TYPES;

/** What helper functions need at evaluation time. */
export interface RuleRuntime {
  readonly watchlists: WatchlistRegistry;
  readonly groups: CountryGroups;
}

export function createRuleRuntime(watchlists: WatchlistRegistry = new WatchlistRegistry()): RuleRuntime {
  return { watchlists, groups: countryGroups };
}

/** Does the HS code start with any of the prefixes (chapters, headings, subheadings)? */
export function hsIn(code: string, prefixes: readonly string[]): boolean {
  for (const p of prefixes) {
    if (code.startsWith(p)) {
      return true;
    }
  }
  return false;
}

/** The CEL value `watchlist("name")`: a list handle that `in` looks up without scanning. */
export class WatchlistRef {
  readonly list: Watchlist | undefined;
  constructor(list: Watchlist | undefined) {
    this.list = list;
  }
}

/** The helper functions: name, CEL signature, and the documentation line (docs/rules-language.md). */
export const RULE_FUNCTIONS = [
  ['hsIn(string, list<string>): bool', 'the HS code starts with one of the prefixes'],
  ['hsChapter(string): string', 'the first two digits of an HS code'],
  ['hsHeading(string): string', 'the first four digits of an HS code'],
  ['fuzzy(string, string, double): bool', 'fuzzy name match score ≥ threshold'],
  ['string.fuzzy(string, double): bool', 'method form of fuzzy'],
  ['fuzzyScore(string, string): double', 'the fuzzy name match score in [0, 1]'],
  ['inWatchlist(string, string): bool', 'value is on the named list (fuzzy lists: at the list threshold)'],
  ['inWatchlist(string, string, double): bool', 'value is on the named fuzzy list at this threshold'],
  ['watchlistScore(string, string): double', 'best score of the value against the named list'],
  ['watchlist(string): Watchlist', 'the named list, for `value in watchlist("name")`'],
  ['inGroup(string, string): bool', 'the country is in the named country group'],
  ['hs.chapter(string): int', 'the chapter of a goods code as a number (85 for 851762)'],
  ['hs.heading(string): string', 'the heading of a goods code ("8517" for 851762)'],
  [
    'hs.under(string, string): bool',
    'the goods code is under the chapter, heading or subheading given (2, 4 or 6 digits; 8 or 10 for CN/TARIC)',
  ],
  [
    'hs.description(string): string',
    'the most precise description of the goods code in the nomenclature in force on the assessment day ("" if none)',
  ],
  [
    'measures(string, string): list<Measure>',
    'the trade measures in force on the assessment day for goods under the code from the origin (country)',
  ],
  [
    'ipr.brands(string): list<IprMatch>',
    'protected brands of IPR applications in force found in a goods description (fuzzy, transliterated)',
  ],
  [
    'ipr.brands(string, string): list<IprMatch>',
    'the same, only of applications covering the goods code given second',
  ],
] as const;

/** Library classes for each object type, so the library's evaluator can check values at run time. */
const CEL_CLASSES: ReadonlyMap<string, new () => Record<string, unknown>> = new Map(
  Object.keys(RULE_TYPES).map((name) => {
    const holder = { [name]: class {} };
    return [name, holder[name] as new () => Record<string, unknown>];
  }),
);

/** Patterns the library's evaluator meets (rules it runs whose pattern is not a literal). */
const re2Patterns = new Re2Cache(256);

/** `matches` with RE2 for the library's evaluator (rule-compiler.ts renames calls to it). */
function re2Matches(text: string, pattern: string): boolean {
  const c = re2Patterns.get(pattern);
  if (!c.ok) {
    throw new EvaluationError(c.message);
  }
  return c.re.test(text);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** `a / b` on ints for the library's evaluator: by zero and (-2^63) / -1 are errors, as in CEL. */
function celIntDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) {
    throw new EvaluationError('division by zero');
  }
  const q = a / b;
  if (q > INT64_MAX) {
    throw new EvaluationError('integer overflow');
  }
  return q;
}

/** `-x` on ints for the library's evaluator: -(-2^63) is an overflow error, as in CEL. */
function celIntNeg(a: bigint): bigint {
  if (a === INT64_MIN) {
    throw new EvaluationError('integer overflow');
  }
  return -a;
}

function defineEnvironment(runtime: RuleRuntime | undefined): Environment {
  let env = new Environment({ homogeneousAggregateLiterals: true });
  for (const [name, fields] of Object.entries(RULE_TYPES)) {
    env = env.registerType(name, { ctor: CEL_CLASSES.get(name)!, fields });
  }
  env = env.registerType('Watchlist', WatchlistRef);
  env = env.registerType('Hs', HsNomenclature);
  env = env.registerType('Ipr', IprBrands);
  for (const [name, type] of Object.entries(RULE_VARIABLES)) {
    env = env.registerVariable(name, type);
  }
  // Type-checking needs the signatures only; evaluation without a runtime treats lists as empty.
  const lists = runtime?.watchlists ?? new WatchlistRegistry();
  const groups = runtime?.groups ?? countryGroups;
  const fuzzyHandler = (v: string, q: string, t: number): boolean => fuzzyScore(v, q) >= t;
  if (runtime !== undefined) {
    // Evaluation only: rules are type-checked with the standard `matches` and never name this one.
    env = env.registerFunction('string.re2Matches(string): bool', re2Matches);
    // CEL's ASCII-only case mapping and trim; the library's own use JavaScript's Unicode rules and
    // cannot be replaced, so rule-compiler.ts renames the calls (withCelMethods).
    env = env
      .registerFunction('string.asciiLower(): string', lowerAscii)
      .registerFunction('string.asciiUpper(): string', upperAscii)
      .registerFunction('string.Trim(): string', trimCel)
      // CEL's string order and int overflow for the operators the library gets wrong (withCelOperators).
      .registerFunction('celCompare(string, string): int', (a: string, b: string) =>
        BigInt(Math.sign(compareCodePoints(a, b))),
      )
      .registerFunction('celIntDiv(int, int): int', celIntDiv)
      .registerFunction('celIntNeg(int): int', celIntNeg);
  }
  return env
    .registerFunction('hsIn(string, list<string>): bool', hsIn)
    .registerFunction('hsChapter(string): string', (c: string) => c.slice(0, 2))
    .registerFunction('hsHeading(string): string', (c: string) => c.slice(0, 4))
    .registerFunction('fuzzy(string, string, double): bool', fuzzyHandler)
    .registerFunction('string.fuzzy(string, double): bool', fuzzyHandler)
    .registerFunction('fuzzyScore(string, string): double', fuzzyScore)
    .registerFunction('inWatchlist(string, string): bool', (l: string, v: string) => lists.has(l, v))
    .registerFunction('inWatchlist(string, string, double): bool', (l: string, v: string, t: number) =>
      lists.has(l, v, t),
    )
    .registerFunction(
      'watchlistScore(string, string): double',
      (l: string, v: string) => lists.get(l)?.score(v) ?? 0,
    )
    .registerFunction('watchlist(string): Watchlist', (l: string) => new WatchlistRef(lists.get(l)))
    .registerOperator('string in Watchlist', (v: string, w: WatchlistRef) => w.list?.has(v) ?? false)
    .registerFunction('inGroup(string, string): bool', (c: string, g: string) => groups.has(g, c))
    .registerFunction('Hs.chapter(string): int', (h: HsNomenclature, c: string) => BigInt(h.chapter(c)))
    .registerFunction('Hs.heading(string): string', (h: HsNomenclature, c: string) => h.heading(c))
    .registerFunction('Hs.under(string, string): bool', (h: HsNomenclature, c: string, p: string) => {
      const problem = hsPrefixProblem(p);
      if (problem !== undefined) {
        throw new EvaluationError(problem);
      }
      return h.under(c, p);
    })
    .registerFunction('Hs.description(string): string', (h: HsNomenclature, c: string) => h.description(c))
    .registerFunction('measures(string, string): list<Measure>', (c: string, o: string) =>
      toCelValue(measureScope?.measures(c, o) ?? [], 'list<Measure>'),
    )
    .registerFunction('Ipr.brands(string): list<IprMatch>', (i: IprBrands, d: string) =>
      toCelValue(i.brands(d), 'list<IprMatch>'),
    )
    .registerFunction('Ipr.brands(string, string): list<IprMatch>', (i: IprBrands, d: string, c: string) =>
      toCelValue(i.brands(d, c), 'list<IprMatch>'),
    );
}

/**
 * The nomenclature of the consignment the library's evaluator is running a rule on: `measures()` is a
 * global function, and the library gives a function no access to the activation, whose day and
 * reference data the answer depends on. Set around one synchronous evaluation (withMeasureScope).
 */
let measureScope: HsNomenclature | undefined;

/** Runs `fn` (synchronous) with `hs` answering `measures()` in the library's evaluator. */
export function withMeasureScope<T>(hs: HsNomenclature, fn: () => T): T {
  const before = measureScope;
  measureScope = hs;
  try {
    return fn();
  } finally {
    measureScope = before;
  }
}

let checkingEnvironment: Environment | undefined;

/** The environment rules are type-checked against (helpers declared, no lists loaded). */
export function ruleCheckingEnvironment(): Environment {
  checkingEnvironment ??= defineEnvironment(undefined);
  return checkingEnvironment;
}

/** An environment whose helpers consult `runtime`: the library's own evaluator, rule by rule. */
export function createCelEnvironment(runtime: RuleRuntime): Environment {
  return defineEnvironment(runtime);
}

/** The default fuzzy threshold, for the docs and method forms that omit it. */
export const FUZZY_THRESHOLD_DEFAULT = DEFAULT_FUZZY_THRESHOLD;

/** A value of CEL type `type` in the library's representation (BigInt for int, typed objects). */
export function toCelValue(value: unknown, type: string): unknown {
  if (type === 'int') {
    return BigInt(value as number | bigint);
  }
  if (type.startsWith('list<')) {
    const inner = type.slice(5, -1);
    return (value as readonly unknown[]).map((v) => toCelValue(v, inner));
  }
  const fields = (RULE_TYPES as Record<string, Record<string, string>>)[type];
  if (fields === undefined) {
    return value;
  }
  const obj = new (CEL_CLASSES.get(type)!)();
  const src = value as Record<string, unknown>;
  for (const [f, t] of Object.entries(fields)) {
    obj[f] = toCelValue(src[f], t);
  }
  return obj;
}

/** The activation in the library's representation (typed objects, BigInt ints). */
export function toCelActivation(act: RuleActivation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(RULE_VARIABLES)) {
    out[name] = toCelValue(act[name as keyof RuleActivation], type);
  }
  return out;
}
