/**
 * Risk engine benchmark (DESIGN §7, issue 3): a seeded synthetic workload of 1,000 active rules and
 * 10 watchlists of 100,000 entries over 100,000 consignments, run through Vigil's engine and, from the
 * same generated rule definitions, through json-rules-engine, @marcbachmann/cel-js rule by rule and
 * @gorules/zen-engine. Checks that all engines give the same hits and prints one JSON line last.
 *
 *   npm run bench:engine            (BENCH_CONSIGNMENTS, BENCH_PEER_CONSIGNMENTS, BENCH_RUNS to resize;
 *                                    BENCH_PEER_CONSIGNMENTS=0 skips the peers while iterating;
 *                                    BENCH_FRESH_WORDS=1 gives traffic names words no list holds;
 *                                    BENCH_OPERATORS=n makes regular consignors repeat: from the n-th
 *                                    on, each reuses one of the first n (name and street, skewed to the
 *                                    early ones), as a border sees its regular traders;
 *                                    BENCH_SCREENING_CACHE=n sizes the fuzzy lists' caches, 0 for none;
 *                                    BENCH_HITS_OUT=file writes Vigil's hits, to compare versions;
 *                                    BENCH_CPU_PROFILE=file profiles one more cold pass of Vigil, after
 *                                    the timed ones, writes the .cpuprofile and prints where the time
 *                                    goes per consignment, stage by stage)
 *
 * Every engine is timed from the same starting point, the filing: building the activation (and each
 * peer's own fact object from it) is inside each timing. Peers are slow, so they run on a subset.
 * The rules are meant to hit like a real rule base: a few percent of consignments in all, each family
 * a fraction of that (the log prints both). Vigil answers no question twice for one consignment, and
 * each fuzzy list remembers its answers for the last 50,000 names it screened (a border sees the same
 * operators again and again). Every timed run, of every engine, starts with those caches empty, so a
 * run is one pass over the traffic as a border would see it; the log says how many names repeat in
 * the traffic and how often the caches answered.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { ZenEngine } from '@gorules/zen-engine';
import { Engine as JsonRulesEngine } from 'json-rules-engine';
import type { Filing, TransportMode } from '../src/domain/filing.ts';
import { mulberry32 } from '../src/domain/index.ts';
import {
  assessActivation,
  buildActivation,
  celEnvironmentFor,
  compileRuleSet,
  countryGroups,
  DEFAULT_SCREENING_CACHE_SIZE,
  fuzzyScore,
  nameKey,
  normalizeName,
  runtimeFor,
  toCelActivation,
  Watchlist,
  WatchlistRegistry,
  type OperatorProfileInput,
  type RiskRule,
  type RuleActivation,
  type WatchlistSubject,
} from '../src/risk/index.ts';

const CONSIGNMENTS = Number(process.env.BENCH_CONSIGNMENTS ?? 100_000);
const PEER_CONSIGNMENTS = Number(process.env.BENCH_PEER_CONSIGNMENTS ?? 2_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LIST_SIZE = Number(process.env.BENCH_LIST_SIZE ?? 100_000);
const SCREENING_CACHE = Number(process.env.BENCH_SCREENING_CACHE ?? DEFAULT_SCREENING_CACHE_SIZE);
const AT = '2027-03-01T00:00:00Z';
const log = (s: string): void => void process.stderr.write(`${s}\n`);

// ---------------------------------------------------------------- seeded generator

const rnd = mulberry32(20270301);
const int = (n: number): number => Math.floor(rnd() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
function weighted<T>(xs: readonly (readonly [T, number])[]): T {
  const total = xs.reduce((s, x) => s + x[1], 0);
  let r = rnd() * total;
  for (const [v, w] of xs) {
    r -= w;
    if (r <= 0) {
      return v;
    }
  }
  return xs[xs.length - 1]![0];
}
const digits = (n: number): string => Array.from({ length: n }, () => String(int(10))).join('');
const letters = (n: number): string =>
  Array.from({ length: n }, () => String.fromCharCode(65 + int(26))).join('');

const ORIGINS = [
  ['CN', 40],
  ['US', 8],
  ['TR', 5],
  ['IN', 5],
  ['VN', 4],
  ['HK', 3],
  ['GB', 4],
  ['JP', 3],
  ['KR', 3],
  ['BR', 2],
  ['AE', 2],
  ['TH', 2],
  ['MY', 2],
  ['ID', 2],
  ['BD', 2],
  ['PK', 1],
  ['MA', 1],
  ['EG', 1],
  ['ZA', 1],
  ['MX', 1],
  ['CO', 1],
  ['RU', 1],
  ['UA', 1],
  ['CH', 2],
  ['NO', 1],
  ['SG', 1],
  ['TW', 2],
  ['KZ', 0.5],
  ['AM', 0.3],
  ['IR', 0.2],
] as const;
const COUNTRIES = ORIGINS.map((o) => o[0]);
const HUBS = ['SG', 'AE', 'HK', 'TR', 'MY', 'LK', 'EG', 'MA', 'PA', 'KZ'];
const EU_ENTRY = ['NL', 'BE', 'DE', 'FR', 'ES', 'IT', 'PL', 'GR'];
const MODES = [
  ['maritime', 45],
  ['air', 25],
  ['road', 12],
  ['express', 10],
  ['postal', 5],
  ['rail', 3],
] as const;
const CHAPTERS = [
  ['85', 14],
  ['84', 12],
  ['61', 6],
  ['62', 6],
  ['64', 5],
  ['39', 6],
  ['94', 5],
  ['95', 4],
  ['73', 4],
  ['87', 4],
  ['90', 3],
  ['42', 3],
  ['30', 2],
  ['33', 2],
  ['29', 2],
  ['28', 2],
  ['72', 3],
  ['76', 2],
  ['40', 2],
  ['44', 2],
  ['48', 2],
  ['69', 1],
  ['70', 1],
  ['71', 1],
  ['03', 1],
  ['08', 1],
  ['09', 1],
  ['20', 1],
  ['22', 1],
  ['24', 1],
] as const;
// A fixed pool of HS6 codes so that prefixes in rules meet real traffic.
const HS6 = Array.from({ length: 2500 }, () => weighted(CHAPTERS) + digits(4));
const hs6 = (): string => HS6[Math.floor(rnd() ** 1.6 * HS6.length)]!;

const SYLLABLES =
  'ka ri to me lo sa ne vi ta mo ru pe di na ko be la zu fi go ha ju ma ni po qu re si tu va we xi yo ze bra tri sto kle dro pla gru sha chi tho ven mar lin dor kas tel'.split(
    ' ',
  );
const COMMON = [
  'trading',
  'logistics',
  'international',
  'import',
  'export',
  'electronics',
  'textile',
  'group',
  'industrial',
  'global',
  'shipping',
  'holdings',
  'manufacturing',
  'supply',
];
const LEGAL = ['Co', 'Ltd', 'GmbH', 'BV', 'LLC', 'Inc', 'SA', 'Co., Ltd.', 'LLP', 'OOO'];
// Pronounceable made-up words (consonant-vowel patterns): sparse in edit space, like real names.
const CONSONANTS = 'bcdfghklmnprstvzwj';
const VOWELS = 'aeiouy';
const VOCAB = Array.from(
  { length: 60_000 },
  () =>
    Array.from({ length: 5 + int(5) }, (_, i) =>
      i % 2 === 0 ? pick([...CONSONANTS]) : pick([...VOWELS]),
    ).join('') + (rnd() < 0.3 ? pick(SYLLABLES) : ''),
);
// BENCH_FRESH_WORDS=1: traffic names use words of their own (drawn by a second generator, so the
// default run is unchanged), as a border sees names whose words no list holds: every lookup then
// probes its deletion keys instead of finding the word in the list's dictionary. The cold case.
const FRESH_WORDS = process.env.BENCH_FRESH_WORDS === '1';
const TRAFFIC_VOCAB = FRESH_WORDS
  ? (() => {
      const r2 = mulberry32(7);
      const p2 = (s: string): string => s[Math.floor(r2() * s.length)]!;
      return Array.from({ length: 60_000 }, () =>
        Array.from({ length: 5 + Math.floor(r2() * 5) }, (_, i) =>
          p2(i % 2 === 0 ? CONSONANTS : VOWELS),
        ).join(''),
      );
    })()
  : VOCAB;
const cap = (w: string): string => w[0]!.toUpperCase() + w.slice(1);
function companyName(vocab: readonly string[] = VOCAB): string {
  const words = Array.from({ length: 2 + int(2) }, () => cap(pick(vocab)));
  if (rnd() < 0.6) {
    words.push(cap(pick(COMMON)));
  }
  if (rnd() < 0.7) {
    words.push(pick(LEGAL));
  }
  return words.join(' ');
}
function typo(s: string): string {
  const i = 1 + int(Math.max(1, s.length - 2));
  return rnd() < 0.5 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
}
function variantOf(name: string): string {
  const r = rnd();
  if (r < 0.3) {
    return typo(name);
  }
  if (r < 0.55) {
    return name.split(' ').reverse().join(' ');
  }
  if (r < 0.75) {
    return `${name} ${pick(LEGAL)}`;
  }
  return name.toUpperCase();
}
const address = (vocab: readonly string[] = VOCAB): string =>
  `${int(300) + 1} ${cap(pick(vocab))} Rd, ${cap(pick(vocab))}`;
const eori = (c: string): string => c + digits(12);
const container = (): string => letters(3) + 'U' + digits(7);
const billOfLading = (): string => letters(4) + digits(9);

// ---------------------------------------------------------------- watchlists (10 × 100,000)

const listSpecs: readonly [string, WatchlistSubject, () => string][] = [
  ['sanctioned-operators', 'operator-name', companyName],
  ['suspect-consignors', 'operator-name', companyName],
  ['suspect-addresses', 'operator-address', address],
  ['eori-high-risk', 'eori', () => eori(pick(EU_ENTRY))],
  ['eori-irregular', 'eori', () => eori(pick(EU_ENTRY))],
  ['declarant-watch', 'eori', () => eori(pick(EU_ENTRY))],
  ['seized-containers', 'container', container],
  ['suspect-containers', 'container', container],
  ['suspect-bl', 'transport-document', billOfLading],
  ['hs-restricted', 'hs-code', () => (rnd() < 0.0002 ? hs6() : hs6() + digits(4))],
];
let t0 = performance.now();
const listValues = new Map<string, string[]>();
const lists = listSpecs.map(([name, subject, gen]) => {
  const values = Array.from({ length: LIST_SIZE }, gen);
  listValues.set(name, values);
  return new Watchlist(
    { name, subject, threshold: 0.85, entries: values.map((value) => ({ value })) },
    { screeningCacheSize: SCREENING_CACHE },
  );
});
const watchlists = new WatchlistRegistry(lists);
log(`watchlists: 10 × ${LIST_SIZE} built in ${Math.round(performance.now() - t0)} ms`);
const fuzzyLists = lists.filter((l) => l.kind === 'fuzzy');
/** Empties the fuzzy lists' screening caches, so a timed run gains nothing from an earlier one. */
const coldCaches = (): void => fuzzyLists.forEach((l) => l.clearScreeningCache());
const cacheReport = (): string =>
  fuzzyLists
    .map((l) => {
      const { hits, misses } = l.screeningCacheStats();
      return `${l.name} ${((100 * hits) / Math.max(1, hits + misses)).toFixed(1)}% of ${hits + misses}`;
    })
    .join(', ');
const listed = (name: string): string => pick(listValues.get(name)!);
// Operators named in fuzzy-name rules (drawn before the traffic so a few consignments can be theirs).
const WANTED = Array.from({ length: 60 }, (_, i) =>
  listed(i % 2 === 0 ? 'sanctioned-operators' : 'suspect-consignors'),
);

// ---------------------------------------------------------------- consignments

const profiles = new Map<string, OperatorProfileInput>();
const CONSIGNEES = Array.from({ length: 20_000 }, () => {
  const e = eori(pick(EU_ENTRY));
  if (rnd() < 0.8) {
    const controls = int(40);
    profiles.set(e, {
      aeo: rnd() < 0.25,
      aeoType: 'AEOF',
      controls,
      // Most operators' controls found nothing; a few have a record.
      irregularities: rnd() < 0.1 ? Math.min(controls, 1 + int(5)) : 0,
      firstSeen: `20${10 + int(16)}-0${1 + int(9)}-15T00:00:00Z`,
    });
  }
  return { name: companyName(), eori: e };
});

/** LRNs of consignments whose consignor is neither listed nor named after a listed one. */
const regularConsignor = new Set<string>();
const listedStreets = new Set(listValues.get('suspect-addresses'));
function makeFiling(i: number): Filing {
  const mode = weighted(MODES) as TransportMode;
  const origin = weighted(ORIGINS);
  const entry = pick(EU_ENTRY);
  const routing = rnd() < 0.35 ? [origin, pick(HUBS), entry] : [origin, entry];
  const goods = Array.from({ length: 1 + Math.floor(rnd() ** 2 * 4) }, () => {
    const mass = Math.round(10 + rnd() * 2000);
    const vpk = Math.exp(Math.log(2) + rnd() * Math.log(150));
    return {
      hsCode: hs6(),
      description: 'goods',
      grossMassKg: mass,
      packages: { type: 'CT', count: 1 + int(200) },
      value: { amount: Math.round(mass * vpk), currency: 'EUR' },
      origin: rnd() < 0.9 ? origin : weighted(ORIGINS),
    };
  });
  // Listed values are rare in real traffic: a fraction of a percent each.
  const r = rnd();
  const consignorName =
    r < 0.003
      ? variantOf(listed(rnd() < 0.5 ? 'sanctioned-operators' : 'suspect-consignors'))
      : r < 0.004
        ? variantOf(pick(WANTED))
        : companyName(TRAFFIC_VOCAB);
  const consignee = pick(CONSIGNEES);
  const consigneeEori =
    rnd() < 0.003 ? listed(rnd() < 0.5 ? 'eori-high-risk' : 'eori-irregular') : consignee.eori;
  const maritime = mode === 'maritime';
  const filing: Filing = {
    filingType: maritime ? 'F10' : 'F50',
    lrn: `BENCH-${i}`,
    declarant: { eori: rnd() < 0.002 ? listed('declarant-watch') : eori('NL'), name: 'Acme Shipping BV' },
    officeOfFirstEntry: `${entry}000396`,
    transport: {
      mode,
      meansId: 'IMO9321483',
      estimatedDeparture: '2027-03-01T10:00:00Z',
      estimatedArrival: '2027-03-12T06:00:00Z',
      routing,
    },
    consignments: [
      {
        transportDocument: {
          type: maritime ? 'N705' : 'N740',
          ref: rnd() < 0.002 ? listed('suspect-bl') : billOfLading(),
        },
        placeOfLoading: `${origin}AAA`,
        placeOfUnloading: `${entry}BBB`,
        routing,
        consignor: {
          name: consignorName,
          address: {
            street: rnd() < 0.002 ? listed('suspect-addresses') : address(TRAFFIC_VOCAB),
            city: cap(pick(VOCAB)),
            country: origin,
          },
        },
        consignee: { name: consignee.name, eori: consigneeEori },
        containers: maritime
          ? Array.from({ length: 1 + int(2) }, () =>
              rnd() < 0.002 ? listed(rnd() < 0.5 ? 'seized-containers' : 'suspect-containers') : container(),
            ).map((id) => ({ id, seals: ['SL1'] }))
          : [],
        goods,
      },
    ],
  };
  const street = filing.consignments[0]!.consignor!.address!.street ?? '';
  if (r >= 0.004 && !listedStreets.has(street)) {
    regularConsignor.add(filing.lrn);
  }
  return filing;
}
t0 = performance.now();
const OPERATORS = Number(process.env.BENCH_OPERATORS ?? 0);
const filings = reuseOperators(
  Array.from({ length: CONSIGNMENTS }, (_, i) => makeFiling(i)),
  OPERATORS,
);
/**
 * BENCH_OPERATORS: regular (unlisted) consignors after the first n reuse one of those n, chosen by a
 * generator of their own (so the default traffic is unchanged) with a skew to the first ones.
 */
function reuseOperators(fs: Filing[], n: number): Filing[] {
  if (n <= 0) {
    return fs;
  }
  const r3 = mulberry32(11);
  const regulars: NonNullable<Filing['consignments'][number]['consignor']>[] = [];
  return fs.map((f) => {
    const c = f.consignments[0]!;
    const who = c.consignor!;
    // Listed names and streets stay as drawn: the rules must still meet them.
    if (!regularConsignor.has(f.lrn)) {
      return f;
    }
    if (regulars.length < n) {
      regulars.push(who);
      return f;
    }
    const reused = regulars[Math.floor(r3() ** 2 * n)]!;
    return {
      ...f,
      consignments: [{ ...c, consignor: { ...who, name: reused.name, address: reused.address } }],
    };
  });
}
log(`consignments: ${CONSIGNMENTS} generated in ${Math.round(performance.now() - t0)} ms`);
{
  // How often the screened values repeat: what a cache of screening answers can gain on this traffic.
  const distinct = (f: (c: Filing['consignments'][number]) => string | undefined): number =>
    new Set(filings.map((x) => nameKey(normalizeName(f(x.consignments[0]!) ?? '')))).size;
  log(
    `distinct normalised consignor names ${distinct((c) => c.consignor?.name)}, ` +
      `streets ${distinct((c) => c.consignor?.address?.street)} in ${CONSIGNMENTS} consignments`,
  );
}

// ---------------------------------------------------------------- rule definitions (one source of truth)

type RuleDef =
  | { kind: 'hsOriginValue'; prefix: string; origins: string[]; maxVpk: number }
  | { kind: 'hsRoute'; prefixes: string[]; via: string }
  | { kind: 'originModeValue'; origin: string; mode: string; minValue: number }
  | { kind: 'eoriListHs'; list: string; field: 'consignee' | 'declarant'; chapter: string }
  | { kind: 'fuzzyName'; name: string; threshold: number }
  | { kind: 'containerList'; list: string; origins: string[] }
  | { kind: 'nameList'; list: string; field: 'name' | 'address'; mode: string }
  | { kind: 'hsListGroup'; group: string }
  | { kind: 'profileHs'; minIrregularities: number; prefix: string }
  | { kind: 'blList'; mode: string };

const defs: RuleDef[] = [];
const sample = <T>(xs: readonly T[], n: number): T[] => Array.from({ length: n }, () => pick(xs));
const prefixOf = (len: number): string => hs6().slice(0, len);
for (let i = 0; i < 300; i++) {
  defs.push({
    kind: 'hsOriginValue',
    prefix: prefixOf(rnd() < 0.5 ? 4 : 6),
    origins: [...new Set(sample(COUNTRIES, 1 + int(3)))],
    // Unit-value floors: a few euro per kg, below which the declared value is implausible.
    maxVpk: 2.5 + Math.round(rnd() * 8) / 2,
  });
}
// Route rules name a subheading, not a whole chapter: "chapter 85 via Singapore" would put a tenth of
// all traffic through a hub on the control list.
for (let i = 0; i < 150; i++) {
  defs.push({
    kind: 'hsRoute',
    prefixes: [prefixOf(6)],
    via: pick(HUBS),
  });
}
for (let i = 0; i < 150; i++) {
  defs.push({
    kind: 'originModeValue',
    origin: weighted(ORIGINS),
    mode: weighted(MODES),
    // High-value thresholds (the top one or two percent of consignments by value), as a value rule is.
    minValue: Math.round(500_000 + rnd() * 1_000_000),
  });
}
for (let i = 0; i < 90; i++) {
  defs.push({
    kind: 'eoriListHs',
    list: i % 3 === 2 ? 'declarant-watch' : pick(['eori-high-risk', 'eori-irregular']),
    field: i % 3 === 2 ? 'declarant' : 'consignee',
    chapter: weighted(CHAPTERS),
  });
}
for (let i = 0; i < 60; i++) {
  defs.push({ kind: 'fuzzyName', name: WANTED[i]!, threshold: 0.85 });
}
for (let i = 0; i < 60; i++) {
  defs.push({
    kind: 'containerList',
    list: pick(['seized-containers', 'suspect-containers']),
    origins: [...new Set(sample(COUNTRIES, 1 + int(4)))],
  });
}
for (let i = 0; i < 60; i++) {
  const field = i % 4 === 3 ? 'address' : 'name';
  defs.push({
    kind: 'nameList',
    list: field === 'address' ? 'suspect-addresses' : pick(['sanctioned-operators', 'suspect-consignors']),
    field,
    mode: weighted(MODES),
  });
}
for (let i = 0; i < 40; i++) {
  defs.push({ kind: 'hsListGroup', group: pick(['high-risk-transshipment', 'sanctioned', 'drug-source']) });
}
for (let i = 0; i < 60; i++) {
  defs.push({ kind: 'profileHs', minIrregularities: 3 + int(3), prefix: prefixOf(4) });
}
for (let i = 0; i < 30; i++) {
  defs.push({ kind: 'blList', mode: weighted(MODES) });
}

const q = (s: string): string => JSON.stringify(s);
const ql = (xs: readonly string[]): string => `[${xs.map(q).join(', ')}]`;
const dbl = (n: number): string => (Number.isInteger(n) ? `${n}.0` : String(n));

function toCel(d: RuleDef): string {
  switch (d.kind) {
    case 'hsOriginValue':
      return `goods.exists(g, g.hsCode.startsWith(${q(d.prefix)}) && g.origin in ${ql(d.origins)} && g.valuePerKg < ${dbl(d.maxVpk)})`;
    case 'hsRoute':
      return `goods.exists(g, hsIn(g.hsCode, ${ql(d.prefixes)})) && ${q(d.via)} in routing`;
    case 'originModeValue':
      return `consignment.origin == ${q(d.origin)} && transport.mode == ${q(d.mode)} && totalValue > ${dbl(d.minValue)}`;
    case 'eoriListHs':
      return `inWatchlist(${q(d.list)}, ${d.field}.eori) && goods.exists(g, g.hsCode.startsWith(${q(d.chapter)}))`;
    case 'fuzzyName':
      return `consignor.name.fuzzy(${q(d.name)}, ${dbl(d.threshold)})`;
    case 'containerList':
      return `containers.exists(c, c.id in watchlist(${q(d.list)})) && consignment.origin in ${ql(d.origins)}`;
    case 'nameList':
      return `transport.mode == ${q(d.mode)} && inWatchlist(${q(d.list)}, ${d.field === 'name' ? 'consignor.name' : 'consignor.address.street'})`;
    case 'hsListGroup':
      return `inGroup(consignment.origin, ${q(d.group)}) && goods.exists(g, inWatchlist("hs-restricted", g.hsCode))`;
    case 'profileHs':
      return `!consignee.profile.aeo && consignee.profile.irregularities >= ${d.minIrregularities} && goods.exists(g, g.hsCode.startsWith(${q(d.prefix)}))`;
    case 'blList':
      return `transport.mode == ${q(d.mode)} && inWatchlist("suspect-bl", consignment.transportDocument.ref)`;
  }
}

const ruleId = (i: number): string => `R${String(i).padStart(4, '0')}`;
const rules: RiskRule[] = defs.map((d, i) => ({
  id: ruleId(i),
  version: 1,
  title: d.kind,
  riskArea: 'security-safety',
  weight: 10,
  severity: 'medium',
  recommendedAction: 'documentary-check',
  scope: { authority: 'EU' },
  status: 'active',
  reason: d.kind,
  condition: toCel(d),
}));

// ---------------------------------------------------------------- Vigil

const compiledSet = compileRuleSet(rules, { watchlistNames: new Set(watchlists.names()) });
if (!compiledSet.ok) {
  throw new Error(JSON.stringify(compiledSet.errors.slice(0, 3)));
}
const ruleSet = compiledSet.value;
const runtime = runtimeFor(watchlists);
log(
  `rules: ${ruleSet.rules.length} compiled (${ruleSet.rules.filter((r) => r.condition.compiled).length} to closures), ` +
    `${ruleSet.index.alwaysCandidates} always-candidates`,
);

const activationOf = (f: Filing): RuleActivation =>
  buildActivation({
    filing: f,
    consignmentIndex: 0,
    at: AT,
    profiles: (p) => (p.eori ? profiles.get(p.eori) : undefined),
  });

function vigilRun(
  n: number,
  collect: string[][] | undefined,
): { perSec: number; perCpuSec: number; perThreadCpuSec: number; evaluated: number } {
  let evaluated = 0;
  const atMs = Date.parse(AT);
  const cpu = process.cpuUsage();
  const thread = process.threadCpuUsage();
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const f = filings[i]!;
    const act = activationOf(f);
    const a = assessActivation(act, ruleSet, runtime, {
      atMs,
      authority: 'EU',
      office: act.filing.officeOfFirstEntry,
      mode: act.transport.mode,
      statuses: ['active'],
    });
    evaluated += a.rulesEvaluated;
    if (collect !== undefined) {
      collect.push(a.hits.map((h) => h.ruleId));
    }
  }
  const wall = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const usedThread = process.threadCpuUsage(thread);
  // CPU time (all of the process's threads, so GC included) says what one core does when the shared
  // machine is busy; the main thread's alone leaves out the GC's helper threads but also the time spent
  // waiting for a core, the steadiest figure on a busy machine. The wall-clock rate is the one reported.
  return {
    perSec: n / wall,
    perCpuSec: n / ((used.user + used.system) / 1e6),
    perThreadCpuSec: n / ((usedThread.user + usedThread.system) / 1e6),
    evaluated,
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

vigilRun(Math.min(CONSIGNMENTS, 5000), undefined); // warm-up
const vigilRates: number[] = [];
let warmIdentical = true;
let evaluatedPerConsignment = 0;
for (let r = 0; r < RUNS; r++) {
  coldCaches();
  const { perSec, perCpuSec, perThreadCpuSec, evaluated } = vigilRun(CONSIGNMENTS, undefined);
  vigilRates.push(perSec);
  evaluatedPerConsignment = evaluated / CONSIGNMENTS;
  log(
    `vigil run ${r + 1}: ${Math.round(perSec)} consignments/s (${Math.round(perCpuSec)} per CPU-second, ` +
      `${Math.round(perThreadCpuSec)} per main-thread CPU-second), ` +
      `${evaluatedPerConsignment.toFixed(1)} rules evaluated each; screening cache hits ${cacheReport()}`,
  );
}
if (process.env.BENCH_CPU_PROFILE !== undefined) {
  await profileVigil(process.env.BENCH_CPU_PROFILE);
}
const vigilHits: string[][] = [];
coldCaches();
vigilRun(CONSIGNMENTS, vigilHits);
{
  // Again with the caches as the last pass left them: remembered answers must give the same hits.
  const warmHits: string[][] = [];
  vigilRun(CONSIGNMENTS, warmHits);
  const differing = warmHits.filter((h, i) => h.join(',') !== vigilHits[i]!.join(',')).length;
  log(`vigil with warm screening caches (${cacheReport()}): ${differing} consignments with different hits`);
  warmIdentical = differing === 0;
}
const totalHits = vigilHits.reduce((s, h) => s + h.length, 0);
const hitConsignments = vigilHits.filter((h) => h.length > 0).length;
log(
  `vigil: ${totalHits} hits on ${hitConsignments} consignments (${((100 * hitConsignments) / CONSIGNMENTS).toFixed(1)}%)`,
);
if (process.env.BENCH_HITS_OUT !== undefined) {
  // For comparing engine changes: the hits of every consignment, one line each.
  writeFileSync(process.env.BENCH_HITS_OUT, vigilHits.map((h) => h.join(',')).join('\n'));
}
{
  const byKind = new Map<string, number>();
  for (const h of vigilHits.flat()) {
    const k = defs[Number(h.slice(1))]!.kind;
    byKind.set(k, (byKind.get(k) ?? 0) + 1);
  }
  log(`hits by family: ${JSON.stringify(Object.fromEntries(byKind))}`);
}

// ---------------------------------------------------------------- where Vigil's time goes

/**
 * The stage a profile sample belongs to: the innermost frame on its stack that names one (library and
 * built-in frames, hashing and scoring helpers are charged to whoever called them).
 */
function stageOf(functionName: string, url: string): string | undefined {
  const file = url.slice(url.lastIndexOf('/') + 1);
  const f = functionName.replace(/^#/, '');
  if (functionName === '(garbage collector)') {
    return 'garbage collection';
  }
  switch (file) {
    case 'activation.ts':
    case 'money.ts':
      return 'activation building';
    case 'rule-index.ts':
      return 'rule index (candidates)';
    case 'fuzzy.ts':
      if (f === 'fuzzyScoreNormalized') {
        return 'fuzzy rules (scores)';
      }
      return [
        'normalizeName',
        'normalizeUncached',
        'spellingSkeleton',
        'foldPair',
        'foldTriple',
        'anchorKeys',
        'makeAnchorKeys',
        'anchorWords',
        'deletionKeyHashes',
        'joinedKeyHashes',
        'Name',
      ].includes(f)
        ? 'name normalisation and keys'
        : undefined;
    case 'watchlist.ts':
      if (['has', 'listed', 'normalizeExact'].includes(f)) {
        return 'exact/prefix watchlists';
      }
      return ['find', 'forEach'].includes(f) ? undefined : 'fuzzy screening (lists)';
    case 'cel-compiler.ts':
      if (f === 'explain') {
        return 'hits and explanations';
      }
      return f === 'evaluate' ? 'CEL evaluation' : f === 'createFrame' ? 'engine loop' : undefined;
    case 'engine.ts':
      return 'engine loop';
    case 'engine.bench.ts':
      return f === 'activationOf' ? 'activation building' : 'bench harness';
    default:
      return undefined;
  }
}

/** One more cold pass of Vigil under the sampling profiler; prints µs per consignment by stage. */
async function profileVigil(file: string): Promise<void> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  coldCaches();
  await session.post('Profiler.start');
  // Main-thread CPU time, not wall time: the shares are the samples', the total what the thread ran.
  const { perThreadCpuSec } = vigilRun(CONSIGNMENTS, undefined);
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  writeFileSync(file, JSON.stringify(profile));
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) {
    for (const c of n.children ?? []) {
      parent.set(c, n.id);
    }
  }
  const stageOfNode = new Map<number, string>();
  const stageFor = (id: number): string => {
    let s = stageOfNode.get(id);
    if (s === undefined) {
      const n = byId.get(id)!;
      const p = parent.get(id);
      s = stageOf(n.callFrame.functionName, n.callFrame.url) ?? (p === undefined ? 'other' : stageFor(p));
      stageOfNode.set(id, s);
    }
    return s;
  };
  const time = new Map<string, number>();
  let total = 0;
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    const dt = deltas[i + 1] ?? 0;
    const s = stageFor(id);
    time.set(s, (time.get(s) ?? 0) + dt);
    total += dt;
  });
  const perConsignment = 1e6 / perThreadCpuSec;
  log(
    `profile of one cold pass: ${perConsignment.toFixed(2)} µs of main-thread CPU per consignment ` +
      `(profiler included; ${file}); by stage:`,
  );
  for (const [s, t] of [...time].sort((a, b) => b[1] - a[1])) {
    log(
      `  ${s.padEnd(30)} ${((perConsignment * t) / total).toFixed(2).padStart(6)} µs  ${((100 * t) / total).toFixed(1).padStart(5)}%`,
    );
  }
}

// ---------------------------------------------------------------- peer: the CEL library, rule by rule

const celEnv = celEnvironmentFor(runtime);
const celPrograms = rules.map((r) => celEnv.parse(r.condition));
function celRun(n: number, collect: string[][]): number {
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const a = toCelActivation(activationOf(filings[i]!));
    const hits: string[] = [];
    for (let k = 0; k < celPrograms.length; k++) {
      let v: unknown = false;
      try {
        v = celPrograms[k]!(a);
      } catch {
        v = false;
      }
      if (v === true) {
        hits.push(rules[k]!.id);
      }
    }
    collect.push(hits);
  }
  return n / ((performance.now() - start) / 1000);
}

// ---------------------------------------------------------------- facts for json-rules-engine and zen

interface Facts {
  mode: string;
  origin: string;
  routing: readonly string[];
  totalValue: number;
  consigneeEori: string;
  declarantEori: string;
  consignorName: string;
  consignorStreet: string;
  containerIds: string[];
  blRef: string;
  consigneeAeo: boolean;
  consigneeIrregularities: number;
  goods: { hsCode: string; origin: string; valuePerKg: number }[];
}
function factsOf(act: RuleActivation): Facts {
  return {
    mode: act.transport.mode,
    origin: act.consignment.origin,
    routing: act.routing,
    totalValue: act.totalValue,
    consigneeEori: act.consignee.eori,
    declarantEori: act.declarant.eori,
    consignorName: act.consignor.name,
    consignorStreet: act.consignor.address.street,
    containerIds: act.containers.map((c) => c.id),
    blRef: act.consignment.transportDocument.ref,
    consigneeAeo: act.consignee.profile.aeo,
    consigneeIrregularities: act.consignee.profile.irregularities,
    goods: act.goods.map((g) => ({ hsCode: g.hsCode, origin: g.origin, valuePerKg: g.valuePerKg })),
  };
}
const has = (list: string, v: string): boolean => watchlists.has(list, v);

// json-rules-engine: facts plus custom operators for what it has no operator for.
type JreCond = { fact: string; operator: string; value: unknown };
function toJre(d: RuleDef): JreCond[] {
  switch (d.kind) {
    case 'hsOriginValue':
      return [
        {
          fact: 'goods',
          operator: 'anyGoods',
          value: { prefix: d.prefix, origins: d.origins, maxVpk: d.maxVpk },
        },
      ];
    case 'hsRoute':
      return [
        { fact: 'goods', operator: 'anyHsIn', value: d.prefixes },
        { fact: 'routing', operator: 'contains', value: d.via },
      ];
    case 'originModeValue':
      return [
        { fact: 'origin', operator: 'equal', value: d.origin },
        { fact: 'mode', operator: 'equal', value: d.mode },
        { fact: 'totalValue', operator: 'greaterThan', value: d.minValue },
      ];
    case 'eoriListHs':
      return [
        {
          fact: d.field === 'consignee' ? 'consigneeEori' : 'declarantEori',
          operator: 'inWatchlist',
          value: d.list,
        },
        { fact: 'goods', operator: 'anyHsIn', value: [d.chapter] },
      ];
    case 'fuzzyName':
      return [
        { fact: 'consignorName', operator: 'fuzzyAtLeast', value: { query: d.name, threshold: d.threshold } },
      ];
    case 'containerList':
      return [
        { fact: 'containerIds', operator: 'anyInWatchlist', value: d.list },
        { fact: 'origin', operator: 'in', value: d.origins },
      ];
    case 'nameList':
      return [
        { fact: 'mode', operator: 'equal', value: d.mode },
        {
          fact: d.field === 'name' ? 'consignorName' : 'consignorStreet',
          operator: 'inWatchlist',
          value: d.list,
        },
      ];
    case 'hsListGroup':
      return [
        { fact: 'origin', operator: 'in', value: countryGroups.members(d.group) },
        { fact: 'goods', operator: 'anyGoodsInWatchlist', value: 'hs-restricted' },
      ];
    case 'profileHs':
      return [
        { fact: 'consigneeAeo', operator: 'equal', value: false },
        { fact: 'consigneeIrregularities', operator: 'greaterThanInclusive', value: d.minIrregularities },
        { fact: 'goods', operator: 'anyHsIn', value: [d.prefix] },
      ];
    case 'blList':
      return [
        { fact: 'mode', operator: 'equal', value: d.mode },
        { fact: 'blRef', operator: 'inWatchlist', value: 'suspect-bl' },
      ];
  }
}
type G = Facts['goods'][number];
const jre = new JsonRulesEngine(
  defs.map((d, i) => ({ name: ruleId(i), conditions: { all: toJre(d) }, event: { type: ruleId(i) } })),
  { allowUndefinedFacts: true },
);
jre.addOperator('anyGoods', (goods: G[], v: { prefix: string; origins: string[]; maxVpk: number }) =>
  goods.some((g) => g.hsCode.startsWith(v.prefix) && v.origins.includes(g.origin) && g.valuePerKg < v.maxVpk),
);
jre.addOperator('anyHsIn', (goods: G[], ps: string[]) =>
  goods.some((g) => ps.some((p) => g.hsCode.startsWith(p))),
);
jre.addOperator('inWatchlist', (v: string, list: string) => has(list, v));
jre.addOperator('anyInWatchlist', (vs: string[], list: string) => vs.some((v) => has(list, v)));
jre.addOperator('anyGoodsInWatchlist', (goods: G[], list: string) => goods.some((g) => has(list, g.hsCode)));
jre.addOperator(
  'fuzzyAtLeast',
  (v: string, p: { query: string; threshold: number }) => fuzzyScore(v, p.query) >= p.threshold,
);

async function jreRun(n: number, collect: string[][]): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const facts = factsOf(activationOf(filings[i]!));
    const { events } = await jre.run(facts);
    collect.push(events.map((e) => e.type).sort());
  }
  return n / ((performance.now() - start) / 1000);
}

// zen-engine: one expression node with one boolean expression per rule; the helpers zen cannot call
// (watchlists, fuzzy scores) are precomputed as facts, inside the timing.
const fuzzyQueries = [...new Set(defs.flatMap((d) => (d.kind === 'fuzzyName' ? [d.name] : [])))];
function toZen(d: RuleDef): string {
  switch (d.kind) {
    case 'hsOriginValue':
      return `some(goods, startsWith(#.hsCode, ${q(d.prefix)}) and #.origin in ${ql(d.origins)} and #.valuePerKg < ${d.maxVpk})`;
    case 'hsRoute':
      return `some(goods, ${d.prefixes.map((p) => `startsWith(#.hsCode, ${q(p)})`).join(' or ')}) and ${q(d.via)} in routing`;
    case 'originModeValue':
      return `origin == ${q(d.origin)} and mode == ${q(d.mode)} and totalValue > ${d.minValue}`;
    case 'eoriListHs':
      return `wl[${q(d.list)}][${q(d.field)}] and some(goods, startsWith(#.hsCode, ${q(d.chapter)}))`;
    case 'fuzzyName':
      return `fuzzy[${fuzzyQueries.indexOf(d.name)}] >= ${d.threshold}`;
    case 'containerList':
      return `wl[${q(d.list)}].containers and origin in ${ql(d.origins)}`;
    case 'nameList':
      return `mode == ${q(d.mode)} and wl[${q(d.list)}][${q(d.field)}]`;
    case 'hsListGroup':
      return `origin in ${ql(countryGroups.members(d.group))} and wl["hs-restricted"].goods`;
    case 'profileHs':
      return `consigneeAeo == false and consigneeIrregularities >= ${d.minIrregularities} and some(goods, startsWith(#.hsCode, ${q(d.prefix)}))`;
    case 'blList':
      return `mode == ${q(d.mode)} and wl["suspect-bl"].bl`;
  }
}
function zenFacts(act: RuleActivation): Record<string, unknown> {
  const f = factsOf(act);
  return {
    ...f,
    fuzzy: fuzzyQueries.map((n) => fuzzyScore(f.consignorName, n)),
    wl: {
      'eori-high-risk': { consignee: has('eori-high-risk', f.consigneeEori) },
      'eori-irregular': { consignee: has('eori-irregular', f.consigneeEori) },
      'declarant-watch': { declarant: has('declarant-watch', f.declarantEori) },
      'seized-containers': { containers: f.containerIds.some((c) => has('seized-containers', c)) },
      'suspect-containers': { containers: f.containerIds.some((c) => has('suspect-containers', c)) },
      'sanctioned-operators': { name: has('sanctioned-operators', f.consignorName) },
      'suspect-consignors': { name: has('suspect-consignors', f.consignorName) },
      'suspect-addresses': { address: has('suspect-addresses', f.consignorStreet) },
      'hs-restricted': { goods: f.goods.some((g) => has('hs-restricted', g.hsCode)) },
      'suspect-bl': { bl: has('suspect-bl', f.blRef) },
    },
  };
}
const zen = new ZenEngine();
const zenDecision = zen.createDecision({
  nodes: [
    { id: 'in', type: 'inputNode', name: 'request', position: { x: 0, y: 0 } },
    {
      id: 'rules',
      type: 'expressionNode',
      name: 'rules',
      position: { x: 1, y: 0 },
      content: { expressions: defs.map((d, i) => ({ id: `e${i}`, key: ruleId(i), value: toZen(d) })) },
    },
    { id: 'out', type: 'outputNode', name: 'response', position: { x: 2, y: 0 } },
  ],
  edges: [
    { id: 'a', sourceId: 'in', targetId: 'rules', type: 'edge' },
    { id: 'b', sourceId: 'rules', targetId: 'out', type: 'edge' },
  ],
});
async function zenRun(n: number, collect: string[][]): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await zenDecision.evaluate(zenFacts(activationOf(filings[i]!)));
    const out = r.result as Record<string, boolean>;
    collect.push(
      Object.keys(out)
        .filter((k) => out[k] === true)
        .sort(),
    );
  }
  return n / ((performance.now() - start) / 1000);
}

// ---------------------------------------------------------------- run the peers, compare hits

const peerN = Math.min(PEER_CONSIGNMENTS, CONSIGNMENTS);
const same = (a: string[][], b: string[][]): number => {
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.join(',') !== b[i]!.join(',')) {
      diff++;
      if (diff <= 3) {
        log(`  consignment ${i}: vigil [${b[i]!.join(',')}] peer [${a[i]!.join(',')}]`);
      }
    }
  }
  return diff;
};
const peers: Record<string, number> = {};
let identical = warmIdentical;
for (const [name, run] of peerN === 0
  ? []
  : ([
      ['json-rules-engine', jreRun],
      ['cel', async (n: number, c: string[][]) => Promise.resolve(celRun(n, c))],
      ['zen-engine', zenRun],
    ] as const)) {
  await run(Math.min(200, peerN), []); // warm-up
  const rates: number[] = [];
  let hits: string[][] = [];
  for (let r = 0; r < RUNS; r++) {
    hits = [];
    coldCaches();
    rates.push(await run(peerN, hits));
  }
  peers[name] = Math.round(median(rates));
  const diff = same(hits, vigilHits.slice(0, peerN));
  identical &&= diff === 0;
  log(`${name}: ${peers[name]} consignments/s on ${peerN}; ${diff} consignments with different hits`);
}

const vigilPerSec = Math.round(median(vigilRates));
const fastestPeer = Math.max(...Object.values(peers));
log(`vigil ${vigilPerSec}/s = ${(vigilPerSec / fastestPeer).toFixed(1)}× the fastest peer`);
process.stdout.write(
  `${JSON.stringify({ consignments: CONSIGNMENTS, rules: rules.length, vigilPerSec, peers, identicalHits: identical })}\n`,
);
