/**
 * Screening bench (issue 19): how well the fuzzy watchlist finds listed parties on real public lists
 * it was not tuned on, and how fast. Builds the labelled set of bench/screening-set.ts (OFAC SDN, UN
 * consolidated when present, held-back entities and other public lists as unlisted names), loads the
 * listed names into a `Watchlist` of subject operator-name and screens every query at the list's
 * threshold. Prints recall (a variant of a listed name is matched), entity precision (the match is
 * that entity's name), false alerts on unlisted names, by variant type; then the latency per query
 * on a 100,000-entry list (the real names padded with names made of the list's own words), with the
 * screening cache off. One JSON line last.
 *
 * The set is split by entity: develop and tune on `BENCH_HALF=dev`, report `BENCH_HALF=report` (the
 * default); docs/screening.md gives the report half.
 *
 *   npm run bench:screening
 *   BENCH_HALF=dev BENCH_THRESHOLD=0.85 npm run bench:screening
 *
 * Options (env): BENCH_HALF (report|dev|all), BENCH_THRESHOLD (default the list's, 0.85),
 * BENCH_LATENCY_QUERIES (2000), BENCH_LIST_SIZE (100000), BENCH_SHOW (misses and false alerts to
 * print per class, 0).
 */
import { performance } from 'node:perf_hooks';
import { Watchlist } from '../src/risk/watchlist.ts';
import { mulberry32 } from '../src/domain/index.ts';
import { buildScreeningSet, clusterKey } from './screening-set.ts';
import type { Query } from './screening-set.ts';

const HALF = process.env['BENCH_HALF'] ?? 'report';
const THRESHOLD =
  process.env['BENCH_THRESHOLD'] !== undefined ? Number(process.env['BENCH_THRESHOLD']) : undefined;
const LATENCY_QUERIES = Number(process.env['BENCH_LATENCY_QUERIES'] ?? 2000);
const LIST_SIZE = Number(process.env['BENCH_LIST_SIZE'] ?? 100_000);
const SHOW = Number(process.env['BENCH_SHOW'] ?? 0);

const t0 = performance.now();
const set = buildScreeningSet();
const queries = set.queries.filter((q) => HALF === 'all' || q.half === HALF);
console.log(`sources: ${set.sources.join('; ')}`);
const nameCount = set.entries.reduce((n, e) => n + 1 + e.aliases.length, 0);
console.log(
  `list: ${nameCount} names of ${set.entities.size} entities; queries (${HALF} half): ${queries.length}` +
    ` (${queries.filter((q) => q.entity !== undefined).length} listed, ${queries.filter((q) => q.entity === undefined).length} unlisted)` +
    ` built in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const list = new Watchlist(
  {
    name: 'sanctions',
    subject: 'operator-name',
    entries: set.entries.map((e) => ({ value: e.value, id: e.id, aliases: e.aliases })),
  },
  { screeningCacheSize: 0 },
);
// A match is right when its entity is of the query's party (cluster), or when the name that matched
// is also a name of that party (name screening cannot tell two parties bearing one name apart).
const keysOfCluster = new Map<string, Set<string>>();
for (const e of set.entries) {
  let s = keysOfCluster.get(e.cluster);
  if (s === undefined) {
    s = new Set();
    keysOfCluster.set(e.cluster, s);
  }
  for (const v of [e.value, ...e.aliases]) {
    s.add(exactKey(v));
  }
}
function exactKey(v: string): string {
  return clusterKey(v) ?? v.toLowerCase();
}

interface Tally {
  n: number;
  matched: number;
  right: number;
  shown: number;
}
const byKind = new Map<string, Tally>();
const tally = (kind: string): Tally => {
  let t = byKind.get(kind);
  if (t === undefined) {
    t = { n: 0, matched: 0, right: 0, shown: 0 };
    byKind.set(kind, t);
  }
  return t;
};

const t1 = performance.now();
for (const q of queries) {
  const m = list.bestMatch(q.text, THRESHOLD);
  const t = tally(q.kind);
  t.n++;
  if (m === undefined) {
    if (q.entity !== undefined && t.shown < SHOW) {
      t.shown++;
      console.log(`  miss ${q.kind}: ${JSON.stringify(q.text)} (${set.entities.get(q.entity)!.name})`);
    }
    continue;
  }
  t.matched++;
  const right =
    q.cluster !== undefined &&
    (set.entries[m.entityIndex]!.cluster === q.cluster ||
      keysOfCluster.get(q.cluster)?.has(exactKey(m.entry)) === true);
  if (right) {
    t.right++;
  } else if (t.shown < SHOW) {
    t.shown++;
    console.log(
      `  ${q.entity === undefined ? 'false alert' : 'wrong entity'} ${q.kind}: ${JSON.stringify(q.text)} → ${JSON.stringify(m.entry)} ${m.score.toFixed(3)}`,
    );
  }
}
const screenSeconds = (performance.now() - t1) / 1000;

const listedKinds = [...byKind].filter(([, t]) =>
  queries.some((q) => q.entity !== undefined && tally(q.kind) === t),
);
const unlistedKinds = [...byKind].filter(([k]) => !listedKinds.some(([l]) => l === k));
const pct = (a: number, b: number): string =>
  b === 0 ? '   -  ' : `${((100 * a) / b).toFixed(1).padStart(5)}%`;
console.log(
  `\nthreshold ${THRESHOLD ?? list.threshold}; ${queries.length} queries screened in ${screenSeconds.toFixed(1)} s`,
);
console.log('variant of a listed name      n  recall  entity precision');
let lN = 0;
let lM = 0;
let lR = 0;
const recallBy: Record<string, number> = {};
for (const [k, t] of listedKinds.sort()) {
  console.log(
    `${k.padEnd(24)} ${String(t.n).padStart(6)}  ${pct(t.matched, t.n)}  ${pct(t.right, t.matched)}`,
  );
  lN += t.n;
  lM += t.matched;
  lR += t.right;
  recallBy[k] = round(t.matched / t.n);
}
console.log(`${'all variants'.padEnd(24)} ${String(lN).padStart(6)}  ${pct(lM, lN)}  ${pct(lR, lM)}`);
console.log('unlisted name                 n  false alerts');
let uN = 0;
let uM = 0;
const falseAlertsBy: Record<string, number> = {};
for (const [k, t] of unlistedKinds.sort()) {
  console.log(`${k.padEnd(24)} ${String(t.n).padStart(6)}  ${pct(t.matched, t.n)}`);
  uN += t.n;
  uM += t.matched;
  falseAlertsBy[k] = round(t.matched / t.n);
}
console.log(`${'all unlisted'.padEnd(24)} ${String(uN).padStart(6)}  ${pct(uM, uN)}`);

// Latency on a list padded to LIST_SIZE with names made of the list's own words (2 to 4 of them).
const rnd = mulberry32(2019);
const names = set.entries.flatMap((e) => [e.value, ...e.aliases]);
const words = names.flatMap((v) =>
  v
    .replace(/[,.]/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 1),
);
const padded = names.map((value) => ({ value }));
while (padded.length < LIST_SIZE) {
  const n = 2 + Math.floor(rnd() * 3);
  padded.push({ value: Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)]!).join(' ') });
}
const t2 = performance.now();
const big = new Watchlist(
  { name: 'padded', subject: 'operator-name', entries: padded },
  { screeningCacheSize: 0 },
);
const buildSeconds = (performance.now() - t2) / 1000;
const sample: Query[] = [];
for (let i = 0; i < LATENCY_QUERIES && queries.length > 0; i++) {
  sample.push(queries[Math.floor(rnd() * queries.length)]!);
}
for (const q of sample.slice(0, 200)) {
  big.bestMatch(q.text, THRESHOLD); // warm-up
}
const times: number[] = [];
for (const q of sample) {
  // A fresh string each time: the normaliser remembers recent names, a filing's name is new.
  const text = `${q.text} `;
  const s = performance.now();
  big.bestMatch(text, THRESHOLD);
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
console.log(
  `\nlatency on a ${padded.length}-entry list (built in ${buildSeconds.toFixed(1)} s), ${times.length} queries:` +
    ` p50 ${q(0.5).toFixed(3)} ms, p95 ${q(0.95).toFixed(3)} ms, p99 ${q(0.99).toFixed(3)} ms, max ${q(1).toFixed(3)} ms`,
);

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

console.log(
  JSON.stringify({
    half: HALF,
    threshold: THRESHOLD ?? list.threshold,
    listNames: nameCount,
    entities: set.entities.size,
    listedQueries: lN,
    unlistedQueries: uN,
    recall: round(lM / lN),
    entityPrecision: round(lR / lM),
    falseAlertRate: round(uM / uN),
    recallByVariant: recallBy,
    falseAlertsByKind: falseAlertsBy,
    latencyMs: { listSize: padded.length, p50: round(q(0.5)), p95: round(q(0.95)), p99: round(q(0.99)) },
  }),
);
