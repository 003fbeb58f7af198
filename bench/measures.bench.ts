/**
 * What `measures(code, origin)` costs a consignment (issue 13, point 6): demo filings assessed by
 * Vigil's engine with one rule reading the trade measures
 *   goods.exists(g, measures(g.hsCode, g.origin).exists(m, m.type == "anti-dumping"))
 * against the same traffic with a rule of the same shape that reads none
 *   goods.exists(g, hsIn(g.hsCode, ["8712", "8711", "7318"]) && g.origin == "CN")
 * over the demo's measures and BENCH_MEASURES made-up ones on random HS subheadings and origins.
 * Runs alternate (base, measures) so both see the same machine; each run starts with a fresh copy of
 * the reference data (an empty answer cache: the first consignments pay the lookups). Building the
 * activation is inside the timing, as in bench/engine.bench.ts; the figure is main-thread CPU time per
 * consignment. Prints one JSON line last.
 *
 *   node bench/measures.bench.ts      (BENCH_FILINGS 20000, BENCH_MEASURES 20000, BENCH_RUNS 5)
 */
import { readFileSync } from 'node:fs';
import { mulberry32, ReferenceLists } from '../src/domain/index.ts';
import type { Filing, ReferenceEntry } from '../src/domain/index.ts';
import { generateDemoFilings } from '../src/demo/index.ts';
import { validateFiling } from '../src/intake/index.ts';
import { DEMO_MEASURES_FILE } from '../src/demo/demo-registers.ts';
import { bundledReferenceLists, readMeasureRows } from '../src/reference/index.ts';
import {
  assessActivation,
  buildActivation,
  compileRuleSet,
  createRuleRuntime,
  type RiskRule,
} from '../src/risk/index.ts';

const FILINGS = Number(process.env['BENCH_FILINGS'] ?? 20_000);
const MEASURES = Number(process.env['BENCH_MEASURES'] ?? 20_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const NOW = new Date('2027-03-01T09:00:00Z');
const log = (s: string): void => void process.stderr.write(`${s}\n`);

const rnd = mulberry32(20270301);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

// The demo's measures, and made-up ones on random subheadings from a few origins.
const demo = readMeasureRows(readFileSync(DEMO_MEASURES_FILE, 'utf8'), 'demo');
const hs6 = [...bundledReferenceLists().codes('hs')].map(([c]) => c).filter((c) => c.length === 6);
const TYPES = [
  ['552', 'anti-dumping'],
  ['554', 'countervailing'],
  ['277', 'prohibition'],
  ['278', 'restriction'],
] as const;
const ORIGINS = ['CN', 'IN', 'VN', 'TR', 'RU', 'BY', '1011', 'sanctioned'];
const synthetic: ReferenceEntry[] = Array.from({ length: MEASURES }, (_, i) => {
  const [typeId, type] = pick(TYPES);
  return {
    kind: 'measures',
    code: `B${i}`,
    description: 'bench',
    validFrom: '2025-01-01',
    validUntil: rnd() < 0.2 ? '2026-12-31' : null,
    parent: null,
    attributes: { type_id: typeId, type, goods: pick(hs6), area: pick(ORIGINS), regulation: 'BENCH' },
    source: 'bench',
  };
});
const entries = [...demo.entries, ...synthetic];

// As intake stores them: validated and normalised (the generator's bodies are what filers send).
const filings: Filing[] = [
  ...generateDemoFilings({ count: FILINGS, seed: 7, now: NOW, invalidShare: 0, riskyShare: 0.05 }),
].flatMap((d) => {
  const v = validateFiling(d.filing, { now: NOW, checkDeadlines: false });
  return v.ok ? [v.value] : [];
});

const rule = (id: string, condition: string): RiskRule => ({
  id,
  version: 1,
  title: id,
  riskArea: 'anti-dumping',
  weight: 20,
  severity: 'medium',
  recommendedAction: 'documentary-check',
  scope: { authority: 'NL' },
  status: 'active',
  reason: id,
  condition,
});
const setOf = (r: RiskRule) => {
  const s = compileRuleSet([r]);
  if (!s.ok) {
    throw new Error(JSON.stringify(s.errors));
  }
  return s.value;
};
const base = setOf(
  rule('BASE', 'goods.exists(g, hsIn(g.hsCode, ["8712", "8711", "7318"]) && g.origin == "CN")'),
);
const measured = setOf(
  rule('MEASURES', 'goods.exists(g, measures(g.hsCode, g.origin).exists(m, m.type == "anti-dumping"))'),
);
const runtime = createRuleRuntime();

function run(set: typeof base): { usPerConsignment: number; hits: number } {
  const lists = new ReferenceLists(entries, 'bench');
  lists.measureIndex();
  let hits = 0;
  // Main-thread CPU time: the steadiest figure on a shared machine (bench/engine.bench.ts says why).
  const start = process.threadCpuUsage();
  for (const filing of filings) {
    const at = NOW.toISOString();
    const act = buildActivation({ filing, consignmentIndex: 0, at, nomenclature: lists });
    hits += assessActivation(act, set, runtime, {
      atMs: NOW.getTime(),
      authority: 'NL',
      office: act.filing.officeOfFirstEntry,
      mode: act.transport.mode,
      statuses: ['active'],
    }).hits.length;
  }
  const used = process.threadCpuUsage(start);
  return { usPerConsignment: (used.user + used.system) / filings.length, hits };
}

const built = performance.now();
new ReferenceLists(entries, 'bench').measureIndex();
log(`${entries.length} measures indexed in ${(performance.now() - built).toFixed(1)} ms`);
run(base);
run(measured); // warm-up
const times: { base: number[]; measures: number[] } = { base: [], measures: [] };
let hits = { base: 0, measures: 0 };
for (let r = 0; r < RUNS; r++) {
  const b = run(base);
  const m = run(measured);
  times.base.push(b.usPerConsignment);
  times.measures.push(m.usPerConsignment);
  hits = { base: b.hits, measures: m.hits };
  log(
    `run ${r + 1}: base ${b.usPerConsignment.toFixed(2)} µs/consignment (${b.hits} hits), measures ${m.usPerConsignment.toFixed(2)} µs/consignment (${m.hits} hits)`,
  );
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const result = {
  filings: filings.length,
  measures: entries.length,
  runs: RUNS,
  baseUsPerConsignment: Number(median(times.base).toFixed(2)),
  measuresUsPerConsignment: Number(median(times.measures).toFixed(2)),
  addedUsPerConsignment: Number((median(times.measures) - median(times.base)).toFixed(2)),
  hits,
};
console.log(JSON.stringify(result));
