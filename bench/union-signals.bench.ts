/**
 * Union-level signals bench (issue 11): how long the signal engine takes over N shared records
 * (src/union/union-signals.ts, the part of GET /v1/union/signals after the read). Synthetic screening
 * and control records of five authorities over 42 days: every consignment with a consignor EORI out of
 * 2,000, a container, a document, one of 50 goods/origin pairs and 10 routes, 5 % hits, a control on
 * every hit. The database read is not in the figure.
 *
 * Prints one JSON line: {"records":…,"signals":…,"p50Ms":…,"p95Ms":…}
 *
 *   node bench/union-signals.bench.ts
 *   BENCH_RECORDS=200000 BENCH_RUNS=5 node bench/union-signals.bench.ts
 */
import { SIGNAL_DEFAULTS, unionSignals } from '../src/union/index.ts';
import type { SharedInput } from '../src/union/index.ts';

const N = Number(process.env['BENCH_RECORDS'] ?? 100_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 10);
const T0 = Date.parse('2027-03-15T00:00:00Z');
const DAY = 86_400_000;
const AUTHORITIES = ['NL', 'BE', 'DE', 'FR', 'IT'];

// A small deterministic generator, so that two runs measure the same records.
let seed = 42;
const rnd = (): number => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const pick = (k: number): number => Math.floor(rnd() * k);

const records: SharedInput[] = [];
for (let i = 0; records.length < N; i++) {
  const source = AUTHORITIES[pick(AUTHORITIES.length)]!;
  const at = new Date(T0 - rnd() * 42 * DAY).toISOString();
  const ref = `27${source}B${String(i).padStart(12, '0')}/0`;
  const hit = rnd() < 0.05;
  records.push({
    id: `s${i}`,
    source,
    category: 'screening',
    level: 'full',
    ref,
    at,
    data: {
      screenedOn: at.slice(0, 10),
      hit,
      mode: 'maritime',
      route: { loading: `CN${String(pick(10)).padStart(3, 'A')}`, entryCountry: source },
      goods: [{ hs6: `8517${String(pick(50)).padStart(2, '0')}`, origin: 'CN' }],
      mrn: ref.slice(0, -2),
      seq: 0,
      screenedAt: at,
      office: `${source}00000${pick(3)}`,
      operators: [{ role: 'consignor', eori: `CN${String(pick(2000)).padStart(10, '0')}` }],
      containers: [`MSCU${String(pick(20_000)).padStart(7, '0')}`],
      documents: [`DOC${String(pick(20_000))}`],
    },
  });
  if (hit && records.length < N) {
    const result = ['no-irregularity', 'irregularity', 'seizure'][pick(3)]!;
    records.push({
      id: `c${i}`,
      source,
      category: 'control-results',
      level: 'full',
      ref,
      at: new Date(Date.parse(at) + DAY).toISOString(),
      data: { result, controlType: 'physical' },
    });
  }
}
records.sort((a, b) => a.at.localeCompare(b.at));

const times: number[] = [];
let signals = 0;
for (let r = 0; r < RUNS; r++) {
  const start = performance.now();
  signals = unionSignals(records, {
    from: new Date(T0 - 14 * DAY),
    to: new Date(T0),
    ...SIGNAL_DEFAULTS,
  }).length;
  times.push(performance.now() - start);
}
const quantile = (q: number): number => {
  const s = [...times].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 100) / 100;
};
console.log(
  JSON.stringify({ records: records.length, signals, p50Ms: quantile(0.5), p95Ms: quantile(0.95) }),
);
