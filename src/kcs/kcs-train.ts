// Training and evaluation entry points for the KCS model, as the `vigil train` and `vigil evaluate`
// commands call them. The settings in KCS_MODEL_CONFIG were chosen on valid.csv (2021-Q1) after
// training on train.csv (2020); docs/model.md records how. Training also measures itself on an
// out-of-time holdout (the latest tenth of the window) before refitting on the whole window, so
// every model file carries an honest figure from data it was not fitted on.
import { fitFeatures } from './features.ts';
import type { FeatureConfig } from './features.ts';
import { DEFAULT_GBDT_CONFIG, trainGbdt } from '../learning/gbdt.ts';
import type { GbdtConfig } from '../learning/gbdt.ts';
import { readKcsFiles } from './kcs-reader.ts';
import type { KcsRow } from './kcs-reader.ts';
import { MODEL_FORMAT, MODEL_VERSION, loadModel, modelFromFile, saveModel, scoreRows } from './kcs-model.ts';
import type { KcsModel, KcsModelFile, ModelEvaluation } from './kcs-model.ts';
import { rankingMetrics, topCount } from '../learning/metrics.ts';
import type { RankingMetrics } from '../learning/metrics.ts';

export interface KcsModelConfig {
  readonly features: Partial<FeatureConfig>;
  readonly gbdt: Partial<GbdtConfig>;
}

/** Settings chosen on valid.csv (see docs/model.md, "How the settings were chosen"). */
export const KCS_MODEL_CONFIG: KcsModelConfig = Object.freeze<KcsModelConfig>({
  features: {
    targetKeys: [
      'importer',
      'declarant',
      'seller',
      'hs6',
      'office',
      'origin',
      'importer*hs6',
      'declarant*hs6',
      'hs6*origin',
      'hs6*departure',
      'hs6*origin*taxType',
      'hs6*departure*origin',
    ],
    countKeys: ['importer', 'declarant', 'seller', 'hs6'],
    historyKeys: [],
    targetMode: 'oof',
    folds: 5,
    smoothing: 3,
  },
  gbdt: {
    numTrees: 200,
    learningRate: 0.1,
    numLeaves: 63,
    maxDepth: 0,
    lambda: 1,
    minChildWeight: 1e-3,
    minDataInLeaf: 20,
    minSplitGain: 0,
    rowSubsample: 0.8,
    colSubsample: 0.8,
    maxBins: 255,
  },
});

/** Splits a --data value: one path, or several joined by commas (e.g. train.csv,valid.csv). */
export function dataPaths(data: string): string[] {
  return data
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function window(rows: readonly KcsRow[]): KcsModelFile['trainingWindow'] {
  let from = '';
  let to = '';
  let frauds = 0;
  for (const r of rows) {
    if (from === '' || r.date < from) {
      from = r.date;
    }
    if (to === '' || r.date > to) {
      to = r.date;
    }
    frauds += r.fraud === 1 ? 1 : 0;
  }
  return { from, to, rows: rows.length, frauds };
}

/** Trains a model in memory on labelled rows; evaluation is attached as given. */
export function trainKcsModel(
  rows: readonly KcsRow[],
  options: { seed?: number; config?: KcsModelConfig; evaluation?: ModelEvaluation | null } = {},
): KcsModel {
  const seed = options.seed ?? 1;
  const config = options.config ?? KCS_MODEL_CONFIG;
  const fitted = fitFeatures(rows, { ...config.features, seed });
  const gbdt = trainGbdt(fitted.matrix, fitted.labels, { ...config.gbdt, seed });
  const file: KcsModelFile = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    createdAt: new Date().toISOString(),
    features: fitted.encoding.names,
    encoding: fitted.encoding,
    // Written out in full so a model file says exactly what produced it, defaults included.
    gbdt: { ...DEFAULT_GBDT_CONFIG, ...config.gbdt, seed },
    baseScore: gbdt.baseScore,
    trees: gbdt.trees,
    trainingWindow: window(rows),
    evaluation: options.evaluation ?? null,
  };
  return modelFromFile(file);
}

/**
 * Out-of-time check: train on all but the latest `share` of rows (by date), rank those. The cut
 * falls between dates so no day is split across the two sides.
 */
export function holdoutEvaluation(
  rows: readonly KcsRow[],
  seed: number,
  share = 0.1,
  config?: KcsModelConfig,
): ModelEvaluation | null {
  const sorted = [...rows].sort((a, b) => a.day - b.day);
  const cutDay = sorted[Math.floor(sorted.length * (1 - share))]?.day;
  if (cutDay === undefined) {
    return null;
  }
  const fit = sorted.filter((r) => r.day < cutDay);
  const hold = sorted.filter((r) => r.day >= cutDay && (r.fraud === 0 || r.fraud === 1));
  if (fit.length === 0 || hold.length === 0) {
    return null;
  }
  const model = trainKcsModel(fit, { seed, ...(config === undefined ? {} : { config }) });
  const metrics = rankingMetrics(
    scoreRows(model, hold),
    hold.map((r) => r.fraud),
  );
  return {
    method: `out-of-time holdout: trained on ${fit.length} rows before ${hold[0]!.date}, ranked the ${hold.length} rows from ${hold[0]!.date} to ${hold[hold.length - 1]!.date}`,
    metrics,
  };
}

export interface TrainSummary {
  readonly out: string;
  readonly rows: number;
  readonly frauds: number;
  readonly from: string;
  readonly to: string;
  readonly features: number;
  readonly trees: number;
  readonly seed: number;
  readonly seconds: number;
  readonly evaluation: ModelEvaluation | null;
}

export async function trainKcs(opts: { data: string; out: string; seed?: number }): Promise<TrainSummary> {
  const started = performance.now();
  const seed = opts.seed ?? 1;
  const rows = (await readKcsFiles(dataPaths(opts.data))).filter((r) => r.fraud === 0 || r.fraud === 1);
  if (rows.length === 0) {
    throw new Error(`no labelled KCS rows in ${opts.data}`);
  }
  const evaluation = holdoutEvaluation(rows, seed);
  const model = trainKcsModel(rows, { seed, evaluation });
  await saveModel(opts.out, model.file);
  const w = model.file.trainingWindow;
  return {
    out: opts.out,
    rows: w.rows,
    frauds: w.frauds,
    from: w.from,
    to: w.to,
    features: model.file.features.length,
    trees: model.file.trees.length,
    seed,
    seconds: (performance.now() - started) / 1000,
    evaluation,
  };
}

export type EvaluationResult = RankingMetrics;

/**
 * The duty and tax at stake in a declaration, in KRW: its item price × tax rate (%). The KCS files
 * carry no amount recovered by the control, so the declared duty stands for what a fraud puts at
 * stake; NaN (counted as 0) when the price or the rate is missing.
 */
export function kcsDutyAtStake(r: KcsRow): number {
  return (r.itemPrice * r.taxRate) / 100;
}

export async function evaluateKcs(opts: { model: string; data: string }): Promise<EvaluationResult> {
  const model = await loadModel(opts.model);
  const rows = (await readKcsFiles(dataPaths(opts.data))).filter((r) => r.fraud === 0 || r.fraud === 1);
  return rankingMetrics(
    scoreRows(model, rows),
    rows.map((r) => r.fraud),
    undefined,
    rows.map(kcsDutyAtStake),
  );
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

function roundAll(rec: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, round4(v)]));
}

/** The one JSON line `vigil evaluate` prints (last, or alone with --json). */
export function formatEvaluation(result: EvaluationResult): string {
  return JSON.stringify({
    rows: result.rows,
    frauds: result.frauds,
    precisionAt: roundAll(result.precisionAt),
    recallAt: roundAll(result.recallAt),
    ...(result.valueShareAt === undefined ? {} : { dutyShareAt: roundAll(result.valueShareAt) }),
    ...(result.valueAtStake === undefined ? {} : { dutyAtStake: Math.round(result.valueAtStake) }),
    auc: round4(result.auc),
  });
}

/** The same figures as a table, one line per cut, for people. */
export function formatEvaluationTable(result: EvaluationResult): string {
  const f = (x: number | undefined): string =>
    x === undefined || Number.isNaN(x) ? '     -' : x.toFixed(4).padStart(6);
  const lines = [
    `${result.rows} declarations, ${result.frauds} frauds (${((100 * result.frauds) / Math.max(1, result.rows)).toFixed(2)}%)` +
      (result.valueAtStake === undefined
        ? ''
        : `, duty at stake in the frauds ${Math.round(result.valueAtStake).toLocaleString('en-GB')} KRW`),
    `top n%  controls  precision  recall${result.valueShareAt === undefined ? '' : '  duty share'}`,
  ];
  for (const p of Object.keys(result.precisionAt)) {
    const k = topCount(result.rows, Number(p));
    lines.push(
      `${`${p}%`.padStart(6)}  ${String(k).padStart(8)}  ${f(result.precisionAt[p]).padStart(9)}  ${f(result.recallAt[p])}` +
        (result.valueShareAt === undefined ? '' : `  ${f(result.valueShareAt[p]).padStart(10)}`),
    );
  }
  lines.push(`AUC ${f(result.auc).trim()}`);
  return lines.join('\n');
}
