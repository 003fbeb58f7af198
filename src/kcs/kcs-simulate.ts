// Replays KCS declarations week by week as a customs office would live them: only declarations that
// were controlled reveal whether they were fraudulent, and the model is retrained each week on what
// the controls revealed so far. That feedback loop is biased — a model that only controls what it
// already believes risky stops learning about everything else — so we replay two policies side by
// side from the same random seed period: pure exploitation (control the top-scored declarations)
// and exploitation with a share of controls spent on exploration. The default exploration is
// optimistic (upper confidence bound): a declaration's score is raised by how unsure the model must
// be of it, p + c·sqrt(p(1−p)/(n+1)), where n is how many controlled declarations the model has seen
// that share its goods × country combination (HS6 × origin); the exploration share goes to the
// highest such bounds among the declarations the exploitation part did not take. Labels of
// uncontrolled rows are used only to report, per week, how many frauds the week held and how well
// the model would have ranked the whole week (AUC); no decision reads them.
import { mulberry32 } from '../domain/index.ts';
import type { KcsRow } from './kcs-reader.ts';
import { readKcsFiles } from './kcs-reader.ts';
import { keyFn } from './features.ts';
import { scoreRows } from './kcs-model.ts';
import { dataPaths, KCS_MODEL_CONFIG, trainKcsModel } from './kcs-train.ts';
import type { KcsModelConfig } from './kcs-train.ts';
import { rocAuc } from '../learning/metrics.ts';

/**
 * How the exploring policy spends its exploration share:
 * - `ucb`: the highest upper confidence bounds p + c·sqrt(p(1−p)/(n+1)) (optimism under uncertainty);
 * - `thompson`: the highest draws p + z·sqrt(p(1−p)/(n+1)), z standard normal (Thompson sampling
 *   with a normal posterior of the same width);
 * - `novel-importer`: at random among declarations of importers never controlled (the first version).
 */
export type ExplorationStrategy = 'ucb' | 'thompson' | 'novel-importer';

export const EXPLORATION_STRATEGIES: readonly ExplorationStrategy[] = ['ucb', 'thompson', 'novel-importer'];

export interface SimulationOptions {
  readonly data: string;
  readonly seed?: number;
  /** Share of each week's declarations controlled (default 0.1). */
  readonly controlRate?: number;
  /** Share of controls spent on exploration in the exploring policy (default 0.2). */
  readonly explorationShare?: number;
  /** Weeks controlled at random before any model exists (default 4). */
  readonly seedWeeks?: number;
  /** How the exploration share is spent (default `ucb`). */
  readonly strategy?: ExplorationStrategy;
  /** c, the width of the bonus in standard errors (default 2). */
  readonly ucbWidth?: number;
  /**
   * Keys (fields or crosses, as in the feature settings) whose controlled counts say how well the
   * model knows a declaration: n is the smallest count over them (default DEFAULT_NOVELTY_KEYS).
   */
  readonly noveltyKeys?: readonly string[];
}

/**
 * The goods × country combinations carry the model (docs/model.md, "How the settings were chosen"):
 * a declaration is as little known as its HS6 × origin pair. Counting the importer as well (the
 * fewer of the two) explored operators the model cannot learn much from on this data and gained
 * nothing in the replay (docs/model.md).
 */
export const DEFAULT_NOVELTY_KEYS: readonly string[] = ['hs6*origin'];

export interface PolicyWeek {
  readonly controls: number;
  readonly frauds: number;
  readonly precision: number;
  /** How well that week's model ranked all of the week's declarations (NaN in seed weeks). */
  readonly auc: number;
  /** Controls spent on exploration (0 for exploit and in seed weeks). */
  readonly explored: number;
  /** Frauds among the exploration controls. */
  readonly exploredFrauds: number;
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
  readonly explored: number;
  readonly exploredFrauds: number;
}

export interface SimulationResult {
  readonly rows: number;
  readonly weeks: readonly SimulationWeek[];
  readonly controlRate: number;
  readonly explorationShare: number;
  readonly seedWeeks: number;
  readonly seed: number;
  readonly strategy: ExplorationStrategy;
  readonly ucbWidth: number;
  readonly noveltyKeys: readonly string[];
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

/** What a policy knows: the controlled declarations, and how many of them share each key's value. */
export class PolicyKnowledge {
  readonly revealed: KcsRow[] = [];
  private readonly keys: readonly ((r: KcsRow) => string)[];
  private readonly counts: Map<string, number>[];
  readonly controlledImporters = new Set<string>();

  constructor(noveltyKeys: readonly string[]) {
    this.keys = noveltyKeys.map((k) => keyFn(k));
    this.counts = noveltyKeys.map(() => new Map<string, number>());
  }

  /** Records a controlled declaration and returns its label (the only place a label is read). */
  control(r: KcsRow): number {
    this.revealed.push(r);
    this.controlledImporters.add(r.importer);
    this.keys.forEach((fn, j) => {
      const m = this.counts[j]!;
      const v = fn(r);
      m.set(v, (m.get(v) ?? 0) + 1);
    });
    return r.fraud;
  }

  /** n: the fewest controlled declarations sharing any one of the row's novelty-key values. */
  neighbours(r: KcsRow): number {
    let n = Number.POSITIVE_INFINITY;
    this.keys.forEach((fn, j) => {
      n = Math.min(n, this.counts[j]!.get(fn(r)) ?? 0);
    });
    return Number.isFinite(n) ? n : 0;
  }
}

/** The optimistic bonus: c standard errors of a rate p estimated from n + 1 observations. */
export function explorationBonus(p: number, n: number, width: number): number {
  return width * Math.sqrt(Math.max(0, p * (1 - p)) / (n + 1));
}

function shuffleInPlace(a: number[], rng: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** A standard normal draw (Box–Muller). */
function normal(rng: () => number): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export interface ControlChoice {
  /** Row indices, exploitation first, then exploration. */
  readonly picked: readonly number[];
  /** How many of them (the last ones) were chosen to explore. */
  readonly explored: number;
}

/**
 * Picks k row indices of the week: the top k − exploreCount by score, then exploreCount more by the
 * strategy. Reads the rows' fields and scores and what the policy knows, never a label.
 */
export function chooseControls(
  week: readonly KcsRow[],
  scores: ArrayLike<number>,
  k: number,
  exploreCount: number,
  knowledge: PolicyKnowledge,
  rng: () => number,
  strategy: ExplorationStrategy = 'ucb',
  width = 2,
): ControlChoice {
  const order = Array.from({ length: week.length }, (_, i) => i).sort(
    (a, b) => scores[b]! - scores[a]! || a - b,
  );
  const take = Math.max(0, Math.min(k, week.length) - exploreCount);
  const picked = order.slice(0, take);
  const rest = order.slice(take);
  const want = Math.min(k, week.length) - take;
  if (want <= 0) {
    return { picked, explored: 0 };
  }
  let chosen: number[];
  if (strategy === 'novel-importer') {
    const novel = rest.filter((i) => !knowledge.controlledImporters.has(week[i]!.importer));
    const familiar = rest.filter((i) => knowledge.controlledImporters.has(week[i]!.importer));
    shuffleInPlace(novel, rng);
    shuffleInPlace(familiar, rng);
    chosen = [...novel, ...familiar].slice(0, want);
  } else {
    const priority = new Map<number, number>();
    for (const i of rest) {
      const p = scores[i]!;
      const bonus = explorationBonus(p, knowledge.neighbours(week[i]!), width);
      priority.set(i, strategy === 'ucb' ? p + bonus : p + (normal(rng) * bonus) / width);
    }
    chosen = rest.sort((a, b) => priority.get(b)! - priority.get(a)! || a - b).slice(0, want);
  }
  return { picked: [...picked, ...chosen], explored: chosen.length };
}

function reveal(knowledge: PolicyKnowledge, week: readonly KcsRow[], choice: ControlChoice): PolicyWeek {
  let frauds = 0;
  let exploredFrauds = 0;
  const firstExplored = choice.picked.length - choice.explored;
  choice.picked.forEach((i, at) => {
    const fraud = knowledge.control(week[i]!) === 1 ? 1 : 0;
    frauds += fraud;
    exploredFrauds += at >= firstExplored ? fraud : 0;
  });
  const controls = choice.picked.length;
  return {
    controls,
    frauds,
    precision: controls === 0 ? Number.NaN : frauds / controls,
    auc: Number.NaN,
    explored: choice.explored,
    exploredFrauds,
  };
}

function totals(weeks: readonly SimulationWeek[], pick: (w: SimulationWeek) => PolicyWeek): PolicyTotals {
  const live = weeks.filter((w) => !w.seed);
  const sum = (f: (p: PolicyWeek) => number): number => live.reduce((s, w) => s + f(pick(w)), 0);
  const controls = sum((p) => p.controls);
  const frauds = sum((p) => p.frauds);
  const all = live.reduce((s, w) => s + w.frauds, 0);
  const aucs = live.map((w) => pick(w).auc).filter((a) => !Number.isNaN(a));
  return {
    controls,
    frauds,
    precision: controls === 0 ? Number.NaN : frauds / controls,
    recall: all === 0 ? Number.NaN : frauds / all,
    meanAuc: aucs.length === 0 ? Number.NaN : aucs.reduce((s, a) => s + a, 0) / aucs.length,
    explored: sum((p) => p.explored),
    exploredFrauds: sum((p) => p.exploredFrauds),
  };
}

/** Runs the replay on rows already in memory. */
export function simulateRows(
  rows: readonly KcsRow[],
  options: Omit<SimulationOptions, 'data'> & { config?: KcsModelConfig } = {},
): SimulationResult {
  const seed = options.seed ?? 1;
  const controlRate = options.controlRate ?? 0.1;
  const explorationShare = options.explorationShare ?? 0.2;
  const seedWeeks = options.seedWeeks ?? 4;
  const strategy = options.strategy ?? 'ucb';
  const ucbWidth = options.ucbWidth ?? 2;
  const noveltyKeys = options.noveltyKeys ?? DEFAULT_NOVELTY_KEYS;
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
  const exploit = new PolicyKnowledge(noveltyKeys);
  const explore = new PolicyKnowledge(noveltyKeys);
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
      a = reveal(exploit, week, { picked, explored: 0 });
      b = reveal(explore, week, { picked, explored: 0 });
    } else {
      // For the report only: how well each week's model ranks the whole week.
      const labels = week.map((r) => r.fraud);
      const run = (knowledge: PolicyKnowledge, share: number): PolicyWeek => {
        const model = trainKcsModel(knowledge.revealed, { seed: seed + w, config });
        const scores = scoreRows(model, week);
        const choice = chooseControls(
          week,
          scores,
          k,
          Math.round(k * share),
          knowledge,
          exploreRng,
          strategy,
          ucbWidth,
        );
        return { ...reveal(knowledge, week, choice), auc: rocAuc(scores, labels) };
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
    strategy,
    ucbWidth,
    noveltyKeys,
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

/** Reads the data once and replays it once per seed. */
export async function simulateKcsSeeds(
  opts: Omit<SimulationOptions, 'seed'> & { seeds: readonly number[] },
): Promise<SeedsSummary> {
  const rows = await readKcsFiles(dataPaths(opts.data));
  const { data: _data, seeds, ...rest } = opts;
  return simulateSeeds(rows, seeds, rest);
}

/** Mean and sample standard deviation (0 for one value). */
export function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const n = xs.length;
  if (n === 0) {
    return { mean: Number.NaN, sd: Number.NaN };
  }
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const sd = n < 2 ? 0 : Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  return { mean, sd };
}

export interface SeedsSummary {
  readonly seeds: readonly number[];
  readonly runs: readonly SimulationResult[];
  /** Frauds caught after the seed weeks, per policy: mean and sd over seeds. */
  readonly exploit: { mean: number; sd: number };
  readonly explore: { mean: number; sd: number };
  /** explore − exploit, paired by seed. */
  readonly gain: { mean: number; sd: number };
  /** Per week: frauds caught so far (seed weeks excluded), mean over seeds, and the gain's mean and sd. */
  readonly curve: readonly {
    readonly week: number;
    readonly from: string;
    readonly exploit: number;
    readonly explore: number;
    readonly gain: { mean: number; sd: number };
  }[];
}

/** Replays once per seed and summarises: the same rows, options and control counts for each seed. */
export function simulateSeeds(
  rows: readonly KcsRow[],
  seeds: readonly number[],
  options: Omit<SimulationOptions, 'data' | 'seed'> & { config?: KcsModelConfig } = {},
): SeedsSummary {
  const runs = seeds.map((seed) => simulateRows(rows, { ...options, seed }));
  return summariseSeeds(runs);
}

export function summariseSeeds(runs: readonly SimulationResult[]): SeedsSummary {
  const weeks = runs[0]?.weeks ?? [];
  const cumulative = runs.map((r) => {
    let a = 0;
    let b = 0;
    return r.weeks.map((w) => {
      a += w.seed ? 0 : w.exploit.frauds;
      b += w.seed ? 0 : w.explore.frauds;
      return [a, b] as const;
    });
  });
  return {
    seeds: runs.map((r) => r.seed),
    runs,
    exploit: meanSd(runs.map((r) => r.exploit.frauds)),
    explore: meanSd(runs.map((r) => r.explore.frauds)),
    gain: meanSd(runs.map((r) => r.explore.frauds - r.exploit.frauds)),
    curve: weeks.map((w, i) => ({
      week: w.week,
      from: w.from,
      exploit: meanSd(cumulative.map((c) => c[i]![0])).mean,
      explore: meanSd(cumulative.map((c) => c[i]![1])).mean,
      gain: meanSd(cumulative.map((c) => c[i]![1] - c[i]![0])),
    })),
  };
}

function pct(x: number): string {
  return Number.isNaN(x) ? '   -  ' : `${(100 * x).toFixed(1).padStart(5)}%`;
}

function auc(x: number): string {
  return Number.isNaN(x) ? '   -  ' : x.toFixed(3).padStart(6);
}

function describeStrategy(r: SimulationResult): string {
  switch (r.strategy) {
    case 'ucb':
      return `ucb (c = ${r.ucbWidth}, n by ${r.noveltyKeys.join(', ')})`;
    case 'thompson':
      return `thompson (n by ${r.noveltyKeys.join(', ')})`;
    case 'novel-importer':
      return 'novel-importer';
  }
}

function header(r: SimulationResult, seeds: string): string {
  return (
    `KCS replay: ${r.rows} declarations, ${r.weeks.length} weeks, control rate ${pct(r.controlRate).trim()}, ` +
    `${r.seedWeeks} seed weeks at random, exploration share ${pct(r.explorationShare).trim()}, ` +
    `strategy ${describeStrategy(r)}, ${seeds}`
  );
}

/** A plain-text table, one line per week, then the totals after the seed period. */
export function formatSimulation(result: SimulationResult): string {
  const lines: string[] = [];
  lines.push(header(result, `seed ${result.seed}`));
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
  lines.push(
    `${t('explore', result.explore)}; ${result.explore.explored} exploration controls found ${result.explore.exploredFrauds}`,
  );
  return lines.join('\n');
}

const pm = (x: { mean: number; sd: number }, digits = 1): string =>
  `${x.mean.toFixed(digits)} ± ${x.sd.toFixed(digits)}`;
const signed = (x: number): string => (x >= 0 ? `+${x}` : String(x));

/** Per-seed totals, their mean ± sd, and the cumulative frauds caught week by week (mean of seeds). */
export function formatSeedsSummary(summary: SeedsSummary): string {
  const first = summary.runs[0];
  if (first === undefined) {
    return 'no seeds';
  }
  const lines: string[] = [];
  lines.push(header(first, `seeds ${summary.seeds.join(',')}`));
  lines.push('frauds caught after the seed weeks, at equal control counts:');
  lines.push('seed  controls  exploit  explore  gain  explore: exploration controls  found');
  for (const r of summary.runs) {
    lines.push(
      `${String(r.seed).padStart(4)}  ${String(r.exploit.controls).padStart(8)}  ${String(r.exploit.frauds).padStart(7)}  ${String(r.explore.frauds).padStart(7)}  ${signed(r.explore.frauds - r.exploit.frauds).padStart(4)}  ${String(r.explore.explored).padStart(29)}  ${String(r.explore.exploredFrauds).padStart(5)}`,
    );
  }
  lines.push(
    `mean ± sd over ${summary.runs.length} seeds: exploit ${pm(summary.exploit)}, explore ${pm(summary.explore)}, gain ${pm(summary.gain)}`,
  );
  lines.push('cumulative frauds caught (mean of seeds; seed weeks not counted):');
  lines.push('week  from        exploit  explore  gain (mean ± sd)');
  for (const c of summary.curve) {
    lines.push(
      `${String(c.week).padStart(4)}  ${c.from}  ${c.exploit.toFixed(1).padStart(7)}  ${c.explore.toFixed(1).padStart(7)}  ${pm(c.gain)}`,
    );
  }
  return lines.join('\n');
}

/** The machine-readable summary: one JSON object. */
export function seedsSummaryJson(summary: SeedsSummary): Record<string, unknown> {
  const first = summary.runs[0];
  const round1 = (x: number): number => Math.round(x * 10) / 10;
  const ms = (x: { mean: number; sd: number }): { mean: number; sd: number } => ({
    mean: round1(x.mean),
    sd: round1(x.sd),
  });
  return {
    rows: first?.rows,
    controlRate: first?.controlRate,
    explorationShare: first?.explorationShare,
    seedWeeks: first?.seedWeeks,
    strategy: first?.strategy,
    ucbWidth: first?.ucbWidth,
    noveltyKeys: first?.noveltyKeys,
    seeds: summary.runs.map((r) => ({
      seed: r.seed,
      controls: r.exploit.controls,
      exploit: r.exploit.frauds,
      explore: r.explore.frauds,
      gain: r.explore.frauds - r.exploit.frauds,
      explored: r.explore.explored,
      exploredFrauds: r.explore.exploredFrauds,
      exploitMeanAuc: Math.round(r.exploit.meanAuc * 1000) / 1000,
      exploreMeanAuc: Math.round(r.explore.meanAuc * 1000) / 1000,
    })),
    exploit: ms(summary.exploit),
    explore: ms(summary.explore),
    gain: ms(summary.gain),
    curve: summary.curve.map((c) => ({
      week: c.week,
      from: c.from,
      exploit: round1(c.exploit),
      explore: round1(c.explore),
      gain: ms(c.gain),
    })),
  };
}
