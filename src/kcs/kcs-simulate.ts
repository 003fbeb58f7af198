// Replays KCS declarations week by week as a customs office would live them: only declarations that
// were controlled reveal whether they were fraudulent, and the model is retrained each week on what
// the controls revealed so far. That feedback loop is biased — a model that only controls what it
// already believes risky stops learning about everything else — so we replay two policies side by
// side from the same random seed period: pure exploitation (control the top-scored declarations)
// and exploitation with a share of controls spent on exploration (declarations of importers never
// controlled before, drawn at random: the model's blind spot). Labels of uncontrolled rows are used
// only to report, per week, how well the model would have ranked the whole week (AUC).
import { mulberry32 } from '../domain/index.ts';
import type { KcsRow } from './kcs-reader.ts';
import { readKcsFiles } from './kcs-reader.ts';
import { scoreRows } from './kcs-model.ts';
import { dataPaths, KCS_MODEL_CONFIG, trainKcsModel } from './kcs-train.ts';
import type { KcsModelConfig } from './kcs-train.ts';
import { rocAuc } from '../learning/metrics.ts';

export interface SimulationOptions {
  readonly data: string;
  readonly seed?: number;
  /** Share of each week's declarations controlled (default 0.1). */
  readonly controlRate?: number;
  /** Share of controls spent on exploration in the exploring policy (default 0.1). */
  readonly explorationShare?: number;
  /** Weeks controlled at random before any model exists (default 4). */
  readonly seedWeeks?: number;
}

export interface PolicyWeek {
  readonly controls: number;
  readonly frauds: number;
  readonly precision: number;
  /** How well that week's model ranked all of the week's declarations (NaN in seed weeks). */
  readonly auc: number;
}

export interface SimulationWeek {
  readonly week: number;
  readonly from: string;
  readonly rows: number;
  /** Frauds among all the week's declarations (known only to the replay). */
  readonly frauds: number;
  readonly seed: boolean;
  readonly exploit: PolicyWeek;
  readonly explore: PolicyWeek;
}

export interface PolicyTotals {
  readonly controls: number;
  readonly frauds: number;
  readonly precision: number;
  /** Share of all frauds in the non-seed weeks that were caught. */
  readonly recall: number;
  readonly meanAuc: number;
}

export interface SimulationResult {
  readonly rows: number;
  readonly weeks: readonly SimulationWeek[];
  readonly controlRate: number;
  readonly explorationShare: number;
  readonly seedWeeks: number;
  readonly seed: number;
  /** Totals over the weeks after the seed period. */
  readonly exploit: PolicyTotals;
  readonly explore: PolicyTotals;
  /** Declaration IDs each policy controlled, in order. */
  readonly controlled: { readonly exploit: readonly string[]; readonly explore: readonly string[] };
}

/** Training settings for the weekly refits: the shipped model with fewer trees, as data is small. */
export const SIMULATION_MODEL_CONFIG: KcsModelConfig = {
  features: KCS_MODEL_CONFIG.features,
  gbdt: { ...KCS_MODEL_CONFIG.gbdt, numTrees: 100, learningRate: 0.1, minDataInLeaf: 10 },
};

interface PolicyState {
  readonly revealed: KcsRow[];
  readonly controlledImporters: Set<string>;
}

function shuffleInPlace(a: number[], rng: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** Picks k row indices of the week: top by score, plus (for exploration) unseen importers at random. */
function chooseControls(
  week: readonly KcsRow[],
  scores: Float64Array,
  k: number,
  exploreCount: number,
  state: PolicyState,
  rng: () => number,
): number[] {
  const order = Array.from({ length: week.length }, (_, i) => i).sort(
    (a, b) => scores[b]! - scores[a]! || a - b,
  );
  const chosen = new Set<number>();
  for (const i of order) {
    if (chosen.size >= k - exploreCount) {
      break;
    }
    chosen.add(i);
  }
  if (exploreCount > 0) {
    const rest = order.filter((i) => !chosen.has(i));
    const novel = rest.filter((i) => !state.controlledImporters.has(week[i]!.importer));
    const familiar = rest.filter((i) => state.controlledImporters.has(week[i]!.importer));
    shuffleInPlace(novel, rng);
    shuffleInPlace(familiar, rng);
    for (const i of [...novel, ...familiar]) {
      if (chosen.size >= k) {
        break;
      }
      chosen.add(i);
    }
  }
  return [...chosen];
}

function reveal(state: PolicyState, week: readonly KcsRow[], picked: readonly number[]): PolicyWeek {
  let frauds = 0;
  for (const i of picked) {
    const r = week[i]!;
    state.revealed.push(r);
    state.controlledImporters.add(r.importer);
    frauds += r.fraud === 1 ? 1 : 0;
  }
  return {
    controls: picked.length,
    frauds,
    precision: picked.length === 0 ? Number.NaN : frauds / picked.length,
    auc: Number.NaN,
  };
}

function totals(weeks: readonly SimulationWeek[], pick: (w: SimulationWeek) => PolicyWeek): PolicyTotals {
  const live = weeks.filter((w) => !w.seed);
  const controls = live.reduce((s, w) => s + pick(w).controls, 0);
  const frauds = live.reduce((s, w) => s + pick(w).frauds, 0);
  const all = live.reduce((s, w) => s + w.frauds, 0);
  const aucs = live.map((w) => pick(w).auc).filter((a) => !Number.isNaN(a));
  return {
    controls,
    frauds,
    precision: controls === 0 ? Number.NaN : frauds / controls,
    recall: all === 0 ? Number.NaN : frauds / all,
    meanAuc: aucs.length === 0 ? Number.NaN : aucs.reduce((s, a) => s + a, 0) / aucs.length,
  };
}

/** Runs the replay on rows already in memory. */
export function simulateRows(
  rows: readonly KcsRow[],
  options: Omit<SimulationOptions, 'data'> & { config?: KcsModelConfig } = {},
): SimulationResult {
  const seed = options.seed ?? 1;
  const controlRate = options.controlRate ?? 0.1;
  const explorationShare = options.explorationShare ?? 0.1;
  const seedWeeks = options.seedWeeks ?? 4;
  const config = options.config ?? SIMULATION_MODEL_CONFIG;
  const labelled = rows.filter((r) => r.fraud === 0 || r.fraud === 1).sort((a, b) => a.day - b.day);
  const byWeek = new Map<number, KcsRow[]>();
  const firstDay = labelled[0]?.day ?? 0;
  for (const r of labelled) {
    const w = Math.floor((r.day - firstDay) / 7);
    const list = byWeek.get(w) ?? [];
    list.push(r);
    byWeek.set(w, list);
  }
  const seedRng = mulberry32(seed);
  const exploreRng = mulberry32(seed ^ 0xe7e7);
  const exploit: PolicyState = { revealed: [], controlledImporters: new Set() };
  const explore: PolicyState = { revealed: [], controlledImporters: new Set() };
  const weeks: SimulationWeek[] = [];
  for (const w of [...byWeek.keys()].sort((a, b) => a - b)) {
    const week = byWeek.get(w)!;
    const k = Math.round(week.length * controlRate);
    const fraudsInWeek = week.reduce((s, r) => s + (r.fraud === 1 ? 1 : 0), 0);
    const isSeed = w < seedWeeks || exploit.revealed.length === 0;
    let a: PolicyWeek;
    let b: PolicyWeek;
    if (isSeed) {
      // Both policies share the same random controls, so they start from the same knowledge.
      const idx = Array.from({ length: week.length }, (_, i) => i);
      shuffleInPlace(idx, seedRng);
      const picked = idx.slice(0, k);
      a = reveal(exploit, week, picked);
      b = reveal(explore, week, picked);
    } else {
      const labels = week.map((r) => r.fraud);
      const run = (state: PolicyState, share: number): PolicyWeek => {
        const model = trainKcsModel(state.revealed, { seed: seed + w, config });
        const scores = scoreRows(model, week);
        const picked = chooseControls(week, scores, k, Math.round(k * share), state, exploreRng);
        return { ...reveal(state, week, picked), auc: rocAuc(scores, labels) };
      };
      a = run(exploit, 0);
      b = run(explore, explorationShare);
    }
    weeks.push({
      week: w,
      from: week[0]!.date,
      rows: week.length,
      frauds: fraudsInWeek,
      seed: isSeed,
      exploit: a,
      explore: b,
    });
  }
  return {
    rows: labelled.length,
    weeks,
    controlRate,
    explorationShare,
    seedWeeks,
    seed,
    exploit: totals(weeks, (x) => x.exploit),
    explore: totals(weeks, (x) => x.explore),
    controlled: { exploit: exploit.revealed.map((r) => r.id), explore: explore.revealed.map((r) => r.id) },
  };
}

export async function simulateKcs(opts: SimulationOptions): Promise<SimulationResult> {
  const rows = await readKcsFiles(dataPaths(opts.data));
  const { data: _data, ...rest } = opts;
  return simulateRows(rows, rest);
}

function pct(x: number): string {
  return Number.isNaN(x) ? '   -  ' : `${(100 * x).toFixed(1).padStart(5)}%`;
}

function auc(x: number): string {
  return Number.isNaN(x) ? '   -  ' : x.toFixed(3).padStart(6);
}

/** A plain-text table, one line per week, then the totals after the seed period. */
export function formatSimulation(result: SimulationResult): string {
  const lines: string[] = [];
  lines.push(
    `KCS replay: ${result.rows} declarations, ${result.weeks.length} weeks, control rate ${pct(result.controlRate).trim()}, ` +
      `${result.seedWeeks} seed weeks at random, exploration share ${pct(result.explorationShare).trim()}, seed ${result.seed}`,
  );
  lines.push(
    'week  from        rows  frauds | exploit: controls caught  prec   auc  | explore: controls caught  prec   auc',
  );
  for (const w of result.weeks) {
    const cell = (p: PolicyWeek): string =>
      `${String(p.controls).padStart(8)} ${String(p.frauds).padStart(6)} ${pct(p.precision)} ${auc(p.auc)}`;
    lines.push(
      `${String(w.week).padStart(4)}  ${w.from}  ${String(w.rows).padStart(5)} ${String(w.frauds).padStart(6)}${w.seed ? '*' : ' '}|         ${cell(w.exploit)} |          ${cell(w.explore)}`,
    );
  }
  const t = (name: string, p: PolicyTotals): string =>
    `${name}: ${p.controls} controls, ${p.frauds} frauds caught, precision ${pct(p.precision).trim()}, recall ${pct(p.recall).trim()}, mean weekly AUC ${auc(p.meanAuc).trim()}`;
  lines.push('* seed week: controls drawn at random, the same for both policies');
  lines.push(t('exploit', result.exploit));
  lines.push(t('explore', result.explore));
  return lines.join('\n');
}
