// Turns KCS declarations into the numeric matrix the trees learn from, with the encodings learned on
// training rows kept in a serialisable object so scoring reproduces them exactly. Three families use
// labels and so must not leak a row's own outcome into its features:
//   - target encodings (smoothed fraud rate per importer, HS6, importer×HS6 …): for training rows,
//     out-of-fold (the row's fold never sees its own label) or, in 'past' mode, from rows with a
//     strictly earlier date; for scored rows, from all training rows;
//   - history features (labelled earlier controls of the same importer, declarant, seller, HS6):
//     always from rows with a strictly earlier date, the leakage guard tested in features.test.ts;
//   - frequencies use no labels and are counted over the whole training window.
// Rows of one date are encoded before any of them joins the history, so same-day rows never see
// each other's outcomes.
import type { KcsRow } from './kcs-reader.ts';
import { mulberry32 } from '../domain/index.ts';
import { buildCodeIndex, findSlot } from '../learning/code-index.ts';
import type { CodeIndex } from '../learning/code-index.ts';
import type { Matrix } from '../learning/gbdt.ts';

type KeyFn = (r: KcsRow) => string;

/** Fields a statistic can be grouped by. A key is one field or a cross of several: 'hs6*origin'. */
export const KEY_FIELDS: Readonly<Record<string, KeyFn>> = {
  importer: (r) => r.importer,
  declarant: (r) => r.declarant,
  seller: (r) => r.seller,
  courier: (r) => r.courier,
  hs6: (r) => r.hs6,
  hs4: (r) => r.hs6.slice(0, 4),
  hs2: (r) => r.hs6.slice(0, 2),
  office: (r) => r.office,
  origin: (r) => r.originCountry,
  departure: (r) => r.departureCountry,
  taxType: (r) => r.taxType,
  importType: (r) => r.importType,
  originIndicator: (r) => r.originIndicator,
};

function keyFields(name: string): KeyFn[] {
  return name.split('*').map((field) => {
    const fn = KEY_FIELDS[field];
    if (fn === undefined) {
      throw new Error(`unknown feature key "${name}"`);
    }
    return fn;
  });
}

/** The key's value for a row: its fields' values joined by '|' (no field holds a '|'). */
export function keyFn(name: string): KeyFn {
  const fields = keyFields(name);
  if (fields.length === 1) {
    return fields[0]!;
  }
  return (r) => fields.map((fn) => fn(r)).join('|');
}

/** Low-cardinality fields given to the trees as ordinal codes as well. */
const CATEGORICAL: Readonly<Record<string, KeyFn>> = {
  office: (r) => r.office,
  processType: (r) => r.processType,
  importType: (r) => r.importType,
  importUse: (r) => r.importUse,
  paymentType: (r) => r.paymentType,
  transportMode: (r) => r.transportMode,
  taxType: (r) => r.taxType,
  originIndicator: (r) => r.originIndicator,
  origin: (r) => r.originCountry,
  departure: (r) => r.departureCountry,
  courier: (r) => r.courier,
};

export interface FeatureConfig {
  /** Keys given a smoothed target encoding. */
  readonly targetKeys: readonly string[];
  /** Keys given a frequency (row count in the training window). */
  readonly countKeys: readonly string[];
  /** Keys given strictly-earlier history: labelled rows seen and their smoothed fraud rate. */
  readonly historyKeys: readonly string[];
  /** How training rows get their target encodings. */
  readonly targetMode: 'oof' | 'past';
  readonly folds: number;
  /** Pseudo-count m: encoding = (frauds + m·prior) / (n + m). */
  readonly smoothing: number;
  readonly seed: number;
}

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = Object.freeze({
  targetKeys: ['importer', 'declarant', 'seller', 'hs6', 'office', 'origin', 'importer*hs6', 'declarant*hs6'],
  countKeys: ['importer', 'declarant', 'seller', 'hs6'],
  historyKeys: [],
  targetMode: 'oof',
  folds: 5,
  smoothing: 10,
  seed: 1,
});

/** Per key value: [labelled rows, frauds among them, all rows]. */
type Stats = Record<string, [number, number, number]>;

/** Everything learned from the training rows, JSON-serialisable. */
export interface FeatureEncoding {
  readonly config: FeatureConfig;
  readonly names: readonly string[];
  /** Training fraud rate, the encodings' prior. */
  readonly prior: number;
  readonly categories: Record<string, string[]>;
  readonly stats: Record<string, Stats>;
  /** Mean log unit value per HS6 (label-free), for "unit value far below its goods" signals. */
  readonly hsLogUnitValue: Record<string, [number, number]>;
}

const NUMERIC = [
  'taxRate',
  'logMass',
  'logPrice',
  'logUnitValue',
  'logDuty',
  'hs6',
  'hs4',
  'hs2',
  'originIsDeparture',
];
const RELATIVE = ['unitValueVsHs6', 'hs6Rows'];

export function featureNames(config: FeatureConfig): string[] {
  return [
    ...NUMERIC,
    ...Object.keys(CATEGORICAL).map((k) => `cat:${k}`),
    ...RELATIVE,
    ...config.targetKeys.map((k) => `te:${k}`),
    ...config.countKeys.map((k) => `count:${k}`),
    ...config.historyKeys.flatMap((k) => [`hist_n:${k}`, `hist_rate:${k}`]),
  ];
}

function safeLog(v: number): number {
  return Number.isFinite(v) && v > 0 ? Math.log(v) : Number.NaN;
}

function logUnitValue(r: KcsRow): number {
  return r.netMass > 0 ? safeLog(r.itemPrice / r.netMass) : Number.NaN;
}

function isLabelled(r: KcsRow): boolean {
  return r.fraud === 0 || r.fraud === 1;
}

/** Label-free per-row features: the first NUMERIC + CATEGORICAL + RELATIVE columns. */
function writeBase(
  out: Float64Array,
  at: number,
  r: KcsRow,
  enc: Pick<FeatureEncoding, 'categories' | 'hsLogUnitValue'>,
  codes: Map<string, number>[],
): number {
  const hs = Number(r.hs6);
  out[at++] = r.taxRate;
  out[at++] = safeLog(r.netMass);
  out[at++] = safeLog(r.itemPrice);
  const luv = logUnitValue(r);
  out[at++] = luv;
  out[at++] = safeLog((r.itemPrice * r.taxRate) / 100);
  out[at++] = r.hs6 === '' ? Number.NaN : hs;
  out[at++] = r.hs6 === '' ? Number.NaN : Math.floor(hs / 100);
  out[at++] = r.hs6 === '' ? Number.NaN : Math.floor(hs / 10000);
  out[at++] = r.originCountry === r.departureCountry ? 1 : 0;
  let c = 0;
  for (const fn of Object.values(CATEGORICAL)) {
    out[at++] = codes[c++]!.get(fn(r)) ?? Number.NaN;
  }
  const hsUv = enc.hsLogUnitValue[r.hs6];
  out[at++] = hsUv === undefined || Number.isNaN(luv) ? Number.NaN : luv - hsUv[1];
  out[at++] = hsUv === undefined ? 0 : hsUv[0];
  return at;
}

function codeMaps(categories: Record<string, string[]>): Map<string, number>[] {
  return Object.keys(CATEGORICAL).map((k) => new Map((categories[k] ?? []).map((v, i) => [v, i])));
}

function rate(frauds: number, n: number, prior: number, m: number): number {
  return n === 0 ? prior : (frauds + m * prior) / (n + m);
}

export interface FittedFeatures {
  readonly encoding: FeatureEncoding;
  /** Training rows' features, leak-free (out-of-fold / strictly earlier). */
  readonly matrix: Matrix;
  /** Training labels (0/1), aligned with the matrix rows; unlabelled rows count as 0. */
  readonly labels: Float64Array;
}

/** Learns the encodings on training rows and encodes those rows without leaking their labels. */
export function fitFeatures(rows: readonly KcsRow[], config: Partial<FeatureConfig> = {}): FittedFeatures {
  const cfg: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, ...config };
  const names = featureNames(cfg);
  const n = rows.length;
  let labelled = 0;
  let frauds = 0;
  for (const r of rows) {
    if (isLabelled(r)) {
      labelled++;
      frauds += r.fraud;
    }
  }
  const prior = labelled === 0 ? 0.5 : frauds / labelled;

  const categories: Record<string, string[]> = {};
  for (const [k, fn] of Object.entries(CATEGORICAL)) {
    categories[k] = [...new Set(rows.map(fn))].sort();
  }
  const uvSum = new Map<string, [number, number]>();
  for (const r of rows) {
    const luv = logUnitValue(r);
    if (!Number.isNaN(luv)) {
      const s = uvSum.get(r.hs6) ?? [0, 0];
      s[0]++;
      s[1] += luv;
      uvSum.set(r.hs6, s);
    }
  }
  const hsLogUnitValue: Record<string, [number, number]> = {};
  for (const [k, [c, sum]] of uvSum) {
    hsLogUnitValue[k] = [c, sum / c];
  }

  const allKeys = [...new Set([...cfg.targetKeys, ...cfg.countKeys, ...cfg.historyKeys])];
  const stats: Record<string, Stats> = {};
  for (const key of allKeys) {
    const fn = keyFn(key);
    const s = Object.create(null) as Stats;
    for (const r of rows) {
      const v = fn(r);
      const e = s[v] ?? (s[v] = [0, 0, 0]);
      e[2]++;
      if (isLabelled(r)) {
        e[0]++;
        e[1] += r.fraud;
      }
    }
    stats[key] = s;
  }
  const encoding: FeatureEncoding = { config: cfg, names, prior, categories, stats, hsLogUnitValue };

  const nf = names.length;
  const data = new Float64Array(n * nf);
  const codes = codeMaps(categories);
  const baseWidth = NUMERIC.length + Object.keys(CATEGORICAL).length + RELATIVE.length;
  for (let i = 0; i < n; i++) {
    writeBase(data, i * nf, rows[i]!, encoding, codes);
  }
  const m = cfg.smoothing;

  // Target encodings of training rows.
  const teStart = baseWidth;
  if (cfg.targetMode === 'oof') {
    const k = Math.max(2, cfg.folds);
    const rng = mulberry32(cfg.seed ^ 0x5eed);
    const fold = Uint8Array.from({ length: n }, () => Math.floor(rng() * k));
    // The prior too is out-of-fold: even the global rate would carry a trace of the row's label.
    const foldN = new Float64Array(k);
    const foldF = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      if (isLabelled(r)) {
        foldN[fold[i]!]! += 1;
        foldF[fold[i]!]! += r.fraud;
      }
    }
    const foldPrior = Float64Array.from({ length: k }, (_, f) => {
      const on = labelled - foldN[f]!;
      return on === 0 ? prior : (frauds - foldF[f]!) / on;
    });
    cfg.targetKeys.forEach((key, j) => {
      const fn = keyFn(key);
      const perFold = new Map<string, Float64Array>();
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        if (!isLabelled(r)) {
          continue;
        }
        const v = fn(r);
        let a = perFold.get(v);
        if (a === undefined) {
          a = new Float64Array(2 * k);
          perFold.set(v, a);
        }
        a[2 * fold[i]!]! += 1;
        a[2 * fold[i]! + 1]! += r.fraud;
      }
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        const v = fn(r);
        const total = stats[key]![v]!;
        const own = perFold.get(v);
        const f = fold[i]!;
        const cn = total[0] - (own === undefined ? 0 : own[2 * f]!);
        const cf = total[1] - (own === undefined ? 0 : own[2 * f + 1]!);
        data[i * nf + teStart + j] = rate(cf, cn, foldPrior[f]!, m);
      }
    });
  }

  // Strictly-earlier features: history always; target encodings too in 'past' mode.
  const countStart = teStart + cfg.targetKeys.length;
  const histStart = countStart + cfg.countKeys.length;
  const pastTe = cfg.targetMode === 'past';
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => rows[a]!.day - rows[b]!.day || a - b,
  );
  const seen = new Map<string, Map<string, [number, number]>>(allKeys.map((k) => [k, new Map()]));
  const teFns = cfg.targetKeys.map(keyFn);
  const histFns = cfg.historyKeys.map(keyFn);
  let pastN = 0;
  let pastF = 0;
  for (let start = 0; start < n;) {
    const day = rows[order[start]!]!.day;
    // Prior from earlier rows only (Laplace-smoothed so the first day has one).
    const pastPrior = (pastF + 1) / (pastN + 2);
    let end = start;
    while (end < n && rows[order[end]!]!.day === day) {
      end++;
    }
    for (let k = start; k < end; k++) {
      const i = order[k]!;
      const r = rows[i]!;
      if (pastTe) {
        teFns.forEach((fn, j) => {
          const s = seen.get(cfg.targetKeys[j]!)!.get(fn(r));
          data[i * nf + teStart + j] = rate(s?.[1] ?? 0, s?.[0] ?? 0, pastPrior, m);
        });
      }
      histFns.forEach((fn, j) => {
        const s = seen.get(cfg.historyKeys[j]!)!.get(fn(r));
        data[i * nf + histStart + 2 * j] = s?.[0] ?? 0;
        data[i * nf + histStart + 2 * j + 1] = rate(s?.[1] ?? 0, s?.[0] ?? 0, pastPrior, m);
      });
    }
    for (let k = start; k < end; k++) {
      const r = rows[order[k]!]!;
      if (!isLabelled(r)) {
        continue;
      }
      pastN++;
      pastF += r.fraud;
      for (const key of allKeys) {
        const map = seen.get(key)!;
        const v = keyFn(key)(r);
        const s = map.get(v) ?? [0, 0];
        s[0]++;
        s[1] += r.fraud;
        map.set(v, s);
      }
    }
    start = end;
  }

  // Frequencies: label-free, whole window.
  cfg.countKeys.forEach((key, j) => {
    const fn = keyFn(key);
    for (let i = 0; i < n; i++) {
      data[i * nf + countStart + j] = stats[key]![fn(rows[i]!)]![2];
    }
  });

  const labels = Float64Array.from(rows, (r) => (r.fraud === 1 ? 1 : 0));
  return { encoding, matrix: { data, rows: n, cols: nf }, labels };
}

/**
 * A key's statistics indexed for scoring. Building '|'-joined strings for a dozen crosses per row
 * dominated scoring time, so each field value is mapped to a small integer once per row and a
 * cross becomes a mixed-radix number (exact while the radix product stays below 2^53; otherwise
 * the string form is kept). A value's features are computed once here, per slot: its smoothed
 * target encoding, its row count and its labelled row count.
 */
interface CompiledKey {
  readonly fields: number[];
  readonly radix: number[];
  readonly numeric: CodeIndex | undefined;
  readonly strings: Map<string, number>;
  readonly fn: KeyFn;
  readonly rate: Float64Array;
  readonly count: Float64Array;
  readonly labelled: Float64Array;
}

interface CompiledEncoding {
  readonly codes: Map<string, number>[];
  readonly fieldFns: KeyFn[];
  readonly fieldIds: Map<string, number>[];
  readonly keys: CompiledKey[];
  /** Indices into keys, per family, in feature order. */
  readonly te: Int32Array;
  readonly counts: Int32Array;
  readonly hist: Int32Array;
}

// Scoring is hot (see bench/model.bench.ts): the JSON records are indexed once per encoding.
const compiledEncodings = new WeakMap<FeatureEncoding, CompiledEncoding>();

function compileEncoding(encoding: FeatureEncoding): CompiledEncoding {
  const known = compiledEncodings.get(encoding);
  if (known !== undefined) {
    return known;
  }
  const cfg = encoding.config;
  const m = cfg.smoothing;
  const prior = encoding.prior;
  const names = [...new Set([...cfg.targetKeys, ...cfg.countKeys, ...cfg.historyKeys])];
  const fieldNames: string[] = [];
  const fieldIds: Map<string, number>[] = [];
  const fieldIndex = (field: string): number => {
    let at = fieldNames.indexOf(field);
    if (at < 0) {
      at = fieldNames.push(field) - 1;
      fieldIds.push(new Map());
    }
    return at;
  };
  const split = names.map((name) => {
    keyFields(name);
    return name.split('*').map(fieldIndex);
  });
  // Ids come from the values present in the statistics: anything else was never seen in training.
  names.forEach((name, k) => {
    for (const value of Object.keys(encoding.stats[name] ?? {})) {
      const parts = split[k]!.length === 1 ? [value] : value.split('|');
      parts.forEach((part, j) => {
        const ids = fieldIds[split[k]![j]!]!;
        if (!ids.has(part)) {
          ids.set(part, ids.size);
        }
      });
    }
  });
  const keys = names.map((name, k): CompiledKey => {
    const fields = split[k]!;
    const radix = fields.map((f) => fieldIds[f]!.size + 1);
    const entries = Object.entries(encoding.stats[name] ?? {});
    const range = radix.reduce((p, r) => p * r, 1);
    const exact = range < Number.MAX_SAFE_INTEGER;
    let numeric: CodeIndex | undefined;
    if (exact) {
      const codes = entries.map(([value]) => {
        const parts = fields.length === 1 ? [value] : value.split('|');
        let code = 0;
        parts.forEach((part, j) => {
          code = code * radix[j]! + fieldIds[fields[j]!]!.get(part)!;
        });
        return code;
      });
      numeric = buildCodeIndex(codes, range);
    }
    return {
      fields,
      radix,
      numeric,
      strings: new Map<string, number>(exact ? [] : entries.map(([value], slot) => [value, slot])),
      fn: keyFn(name),
      rate: Float64Array.from(entries, ([, st]) => rate(st[1], st[0], prior, m)),
      count: Float64Array.from(entries, ([, st]) => st[2]),
      labelled: Float64Array.from(entries, ([, st]) => st[0]),
    };
  });
  const compiled: CompiledEncoding = {
    codes: codeMaps(encoding.categories),
    fieldFns: fieldNames.map((f) => KEY_FIELDS[f]!),
    fieldIds,
    keys,
    te: Int32Array.from(cfg.targetKeys, (k) => names.indexOf(k)),
    counts: Int32Array.from(cfg.countKeys, (k) => names.indexOf(k)),
    hist: Int32Array.from(cfg.historyKeys, (k) => names.indexOf(k)),
  };
  compiledEncodings.set(encoding, compiled);
  return compiled;
}

/**
 * Encodes rows to score with the training encodings. Every training row is taken as history:
 * scored declarations are assumed to come after the training window (see docs/model.md).
 */
export function transformFeatures(encoding: FeatureEncoding, rows: readonly KcsRow[]): Matrix {
  const nf = encoding.names.length;
  const n = rows.length;
  const data = new Float64Array(n * nf);
  const c = compileEncoding(encoding);
  // A value never seen in training: no rows, so the prior (rate(0, 0, prior, m) is the prior).
  const prior = encoding.prior;
  const slots = new Int32Array(c.keys.length);
  const ids = new Int32Array(c.fieldFns.length);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    let at = writeBase(data, i * nf, r, encoding, c.codes);
    for (let f = 0; f < ids.length; f++) {
      ids[f] = c.fieldIds[f]!.get(c.fieldFns[f]!(r)) ?? -1;
    }
    for (let k = 0; k < c.keys.length; k++) {
      const key = c.keys[k]!;
      if (key.numeric === undefined) {
        slots[k] = key.strings.get(key.fn(r)) ?? -1;
        continue;
      }
      let code = 0;
      let seen = true;
      for (let j = 0; j < key.fields.length; j++) {
        const id = ids[key.fields[j]!]!;
        if (id < 0) {
          seen = false;
          break;
        }
        code = code * key.radix[j]! + id;
      }
      slots[k] = seen ? findSlot(key.numeric, code) : -1;
    }
    for (let j = 0; j < c.te.length; j++) {
      const k = c.te[j]!;
      const slot = slots[k]!;
      data[at++] = slot < 0 ? prior : c.keys[k]!.rate[slot]!;
    }
    for (let j = 0; j < c.counts.length; j++) {
      const k = c.counts[j]!;
      const slot = slots[k]!;
      data[at++] = slot < 0 ? 0 : c.keys[k]!.count[slot]!;
    }
    for (let j = 0; j < c.hist.length; j++) {
      const k = c.hist[j]!;
      const slot = slots[k]!;
      data[at++] = slot < 0 ? 0 : c.keys[k]!.labelled[slot]!;
      data[at++] = slot < 0 ? prior : c.keys[k]!.rate[slot]!;
    }
  }
  return { data, rows: n, cols: nf };
}
