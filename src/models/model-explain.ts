/**
 * Scores an import declaration with a KCS model and says why. src/learning exposes no per-feature
 * contributions (its trees keep values on leaves only, without the node covers that TreeSHAP or
 * Saabas attributions need), so the explanation is by occlusion: each feature in turn is made
 * unknown (NaN, routed the way the trees learned for missing values) and the drop in log-odds is that
 * feature's contribution. All variants are scored in one `predictRaw` call, so explaining a
 * declaration costs about as much as scoring 40 rows. A declaration with several goods items is
 * scored per item; the riskiest item speaks for the declaration.
 */
import { predictRaw } from '../learning/index.ts';
import { scoreRows, transformFeatures } from '../kcs/index.ts';
import type { KcsModel, KcsRow } from '../kcs/index.ts';

export interface FeatureContribution {
  /** The model's feature name, e.g. `te:importer*hs6`. */
  readonly feature: string;
  /** In words, for officers: "fraud record of importer × HS6". */
  readonly label: string;
  /** Log-odds the feature adds to the score (positive: towards fraud). */
  readonly logOdds: number;
}

export interface ModelVerdict {
  /** Fraud probability of the riskiest goods item. */
  readonly probability: number;
  /** Index of that item in the declaration. */
  readonly item: number;
  /** The features that pushed that item's score up most, largest first. */
  readonly top: readonly FeatureContribution[];
}

const WORDS: Readonly<Record<string, string>> = {
  taxRate: 'tax rate',
  logMass: 'net mass',
  logPrice: 'item price',
  logUnitValue: 'unit value',
  logDuty: 'duty amount',
  hs6: 'HS6 code',
  hs4: 'HS4 heading',
  hs2: 'HS chapter',
  originIsDeparture: 'origin equals departure',
  unitValueVsHs6: 'unit value against the same goods',
  hs6Rows: 'how common the goods are',
};

function keyWords(key: string): string {
  return key
    .split('*')
    .map((k) => (k === 'hs6' || k === 'hs4' || k === 'hs2' ? k.toUpperCase() : k))
    .join(' × ');
}

/** A model feature name in words. */
export function featureLabel(name: string): string {
  const known = WORDS[name];
  if (known !== undefined) {
    return known;
  }
  const [family, key = ''] = name.split(':', 2) as [string, string?];
  switch (family) {
    case 'te':
      return `fraud record of ${keyWords(key)}`;
    case 'count':
      return `declarations of ${keyWords(key)}`;
    case 'cat':
      return `${keyWords(key)} code`;
    case 'hist_n':
      return `earlier controls of ${keyWords(key)}`;
    case 'hist_rate':
      return `earlier fraud rate of ${keyWords(key)}`;
    default:
      return name;
  }
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Per-feature occlusion contributions for one row, largest first, positive only. */
export function explainRow(model: KcsModel, row: KcsRow, top = 3): FeatureContribution[] {
  const x = transformFeatures(model.file.encoding, [row]);
  const nf = x.cols;
  const data = new Float64Array((nf + 1) * nf);
  for (let k = 0; k <= nf; k++) {
    data.set(x.data, k * nf);
    if (k > 0) {
      data[k * nf + k - 1] = Number.NaN;
    }
  }
  const raw = predictRaw(model.forest, { data, rows: nf + 1, cols: nf });
  const out: FeatureContribution[] = [];
  for (let j = 0; j < nf; j++) {
    const delta = raw[0]! - raw[j + 1]!;
    if (delta > 1e-9 && !Number.isNaN(x.data[j]!)) {
      const feature = model.file.features[j]!;
      out.push({ feature, label: featureLabel(feature), logOdds: delta });
    }
  }
  return out.sort((a, b) => b.logOdds - a.logOdds).slice(0, top);
}

/** Scores a declaration's rows (one per goods item) and explains the riskiest. */
export function judgeDeclaration(model: KcsModel, rows: readonly KcsRow[], top = 3): ModelVerdict {
  const p = scoreRows(model, rows);
  let item = 0;
  for (let i = 1; i < p.length; i++) {
    if (p[i]! > p[item]!) {
      item = i;
    }
  }
  const probability = p[item] ?? sigmoid(model.forest.baseScore);
  return { probability, item, top: rows.length === 0 ? [] : explainRow(model, rows[item]!, top) };
}

/** The verdict as one line for a lane's reason. */
export function describeVerdict(version: number, v: ModelVerdict): string {
  const why = v.top.map((c) => `${c.label} (+${c.logOdds.toFixed(2)})`).join(', ');
  return `model v${version}: fraud probability ${v.probability.toFixed(3)}${why === '' ? '' : `; top features: ${why}`}`;
}
