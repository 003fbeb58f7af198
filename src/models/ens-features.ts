/**
 * What the entry-summary model reads of one consignment, and the numbers it turns that into. One
 * extraction (`ensFactsOf`: goods codes, origins, places, route, mode, office, operators, value, mass,
 * packaging, timing) and one writer of the label-free and history columns (`writeEnsBase`) serve both
 * training and scoring, so a consignment gets the same numbers on both sides. The columns that learn
 * from labels (smoothed, inverse-propensity-weighted hit rates of goods, origins, places, routes and
 * operators, alone and crossed) are looked up in the model's encoding when scoring, and computed out
 * of fold when training (ens-train.ts), so a training row never sees its own label.
 *
 * Scoring is the assessment's hot path: the encoding is compiled once per model into maps and typed
 * arrays, and a consignment costs a few dozen map lookups.
 */
import { modeOf, operatorKey, toEur } from '../domain/index.ts';
import type { Consignment, Filing } from '../domain/index.ts';
import { buildCodeIndex, findSlot } from '../learning/index.ts';
import type { CodeIndex } from '../learning/index.ts';

/** One goods item as the model reads it. */
export interface EnsItem {
  readonly hs6: string;
  readonly hs4: string;
  readonly origin: string;
  readonly massKg: number;
  /** Declared value in EUR; NaN when the item has none (most ENS data sets carry no value). */
  readonly valueEur: number;
  /** NaN when not given. */
  readonly packages: number;
  readonly packageType: string;
}

/** One consignment of an ENS as the model reads it (no labels). */
export interface EnsFacts {
  readonly mode: string;
  readonly office: string;
  readonly filingType: string;
  readonly declarant: string;
  readonly loading: string;
  readonly loadingCountry: string;
  readonly unloading: string;
  /** Countries of routing joined by '>' (the consignment's, else the means of transport's). */
  readonly route: string;
  readonly routeLength: number;
  /** Operator keys (operatorKey), '' when the data set has no such party. */
  readonly consignor: string;
  readonly consignee: string;
  readonly items: readonly EnsItem[];
  readonly containers: number;
  /** Hours from lodging to the estimated arrival; NaN without transport. */
  readonly hoursToArrival: number;
}

/** An operator's control record as of the time a consignment is assessed. */
export interface OperatorHistory {
  readonly controls: number;
  /** Controls that found an irregularity or made a seizure. */
  readonly hits: number;
}

export type HistoryOf = (operatorKey: string) => OperatorHistory | undefined;

/** Stands for the goods of a consignment that declares none. */
const EMPTY_ITEM: EnsItem = Object.freeze({
  hs6: '',
  hs4: '',
  origin: '',
  massKg: Number.NaN,
  valueEur: Number.NaN,
  packages: Number.NaN,
  packageType: '',
});

const NO_HISTORY: HistoryOf = () => undefined;

/** The facts of consignment `seq` of a filing lodged at `lodgedAt`. */
export function ensFactsOf(filing: Filing, seq: number, lodgedAt: Date): EnsFacts {
  const c = filing.consignments[seq];
  if (c === undefined) {
    throw new RangeError(`the filing has no consignment ${seq}`);
  }
  const routing = c.routing ?? filing.transport?.routing ?? [];
  const loading = c.placeOfLoading ?? filing.masterConsignment?.placeOfLoading ?? '';
  const items: EnsItem[] = [];
  // Stored filings have both lists (the data-set check normalises them); raw ones may lack them.
  const goods = (c.goods as Consignment['goods'] | undefined) ?? [];
  const containers = (c.containers as Consignment['containers'] | undefined) ?? [];
  for (const g of goods) {
    const hs6 = g.hsCode.slice(0, 6);
    const value = g.value;
    const eur = value === undefined ? undefined : toEur(value.amount, value.currency, lodgedAt);
    items.push({
      hs6,
      hs4: hs6.slice(0, 4),
      origin: g.origin ?? '',
      massKg: g.grossMassKg,
      valueEur: eur ?? Number.NaN,
      packages: g.packages?.count ?? Number.NaN,
      packageType: g.packages?.type ?? '',
    });
  }
  const arrival = filing.transport?.estimatedArrival;
  return {
    mode: modeOf(filing) ?? '',
    office: filing.officeOfFirstEntry ?? '',
    filingType: filing.filingType,
    declarant: filing.declarant.eori,
    loading,
    loadingCountry: loading.slice(0, 2),
    unloading: c.placeOfUnloading ?? filing.masterConsignment?.placeOfUnloading ?? '',
    route: routing.join('>'),
    routeLength: routing.length,
    consignor: c.consignor === undefined ? '' : operatorKey(c.consignor),
    consignee: c.consignee === undefined ? '' : operatorKey(c.consignee),
    items,
    containers: containers.length,
    hoursToArrival:
      arrival === undefined ? Number.NaN : (Date.parse(arrival) - lodgedAt.getTime()) / 3_600_000,
  };
}

// ---- keys of the learned hit rates ---------------------------------------------------------------

/** Fields the learned statistics are grouped by: of the consignment, or of each goods item. */
const CONSIGNMENT_FIELDS = ['loading', 'route', 'declarant', 'consignor', 'consignee'] as const;
const ITEM_FIELDS = ['hs6', 'hs4', 'origin'] as const;
type KeyField = (typeof CONSIGNMENT_FIELDS)[number] | (typeof ITEM_FIELDS)[number];
const FIELDS: readonly KeyField[] = [...CONSIGNMENT_FIELDS, ...ITEM_FIELDS];
const ITEM_FIELD_START = CONSIGNMENT_FIELDS.length;
const HS6_FIELD = FIELDS.indexOf('hs6');
const ORIGIN_FIELD = FIELDS.indexOf('origin');
const CONSIGNOR_FIELD = FIELDS.indexOf('consignor');
const CONSIGNEE_FIELD = FIELDS.indexOf('consignee');

function fieldOf(field: KeyField, f: EnsFacts, g: EnsItem): string {
  switch (field) {
    case 'loading':
      return f.loading;
    case 'route':
      return f.route;
    case 'declarant':
      return f.declarant;
    case 'consignor':
      return f.consignor;
    case 'consignee':
      return f.consignee;
    case 'hs6':
      return g.hs6;
    case 'hs4':
      return g.hs4;
    case 'origin':
      return g.origin;
  }
}

/**
 * The keys given a smoothed hit rate: a field or a cross of fields. A key with an item field is taken
 * per goods item and the riskiest item counts. Crosses of an operator with goods and route catch a
 * pattern ("this consignor's furniture on this route is seized") that no single field shows.
 */
export const ENS_KEYS: Readonly<Record<string, readonly KeyField[]>> = {
  hs6: ['hs6'],
  origin: ['origin'],
  'hs4*origin': ['hs4', 'origin'],
  loading: ['loading'],
  route: ['route'],
  'loading*hs4': ['loading', 'hs4'],
  declarant: ['declarant'],
  consignor: ['consignor'],
  consignee: ['consignee'],
  'consignor*consignee': ['consignor', 'consignee'],
  'consignor*hs4': ['consignor', 'hs4'],
  'consignor*hs4*route': ['consignor', 'hs4', 'route'],
};

export const ENS_KEY_NAMES: readonly string[] = Object.keys(ENS_KEYS);

function isItemKey(fields: readonly KeyField[]): boolean {
  return fields.some((x) => (ITEM_FIELDS as readonly string[]).includes(x));
}

/** A key's value: its fields' values joined by '|'. */
function keyValue(fields: readonly KeyField[], f: EnsFacts, g: EnsItem): string {
  if (fields.length === 1) {
    return fieldOf(fields[0]!, f, g);
  }
  return fields.map((x) => fieldOf(x, f, g)).join('|');
}

/** A consignment's distinct values of one key (one for a consignment key; one per item otherwise). */
export function keyValues(key: string, f: EnsFacts): string[] {
  const fields = ENS_KEYS[key]!;
  if (!isItemKey(fields) || f.items.length === 0) {
    return [keyValue(fields, f, EMPTY_ITEM)];
  }
  const out: string[] = [];
  for (const g of f.items) {
    const v = keyValue(fields, f, g);
    if (!out.includes(v)) {
      out.push(v);
    }
  }
  return out;
}

// ---- the encoding ---------------------------------------------------------------------------------

/** Per value of a key: weighted labelled rows, weighted positives, rows (all parallel arrays). */
export interface EnsKeyStats {
  readonly values: string[];
  readonly weight: number[];
  readonly positives: number[];
  readonly rows: number[];
}

export const ENS_CATEGORIES = ['mode', 'office', 'filingType', 'loadingCountry', 'packageType'] as const;
export type EnsCategory = (typeof ENS_CATEGORIES)[number];

/** Everything learned from the training rows, JSON-serialisable (it goes into the model file). */
export interface EnsEncoding {
  /** Weighted share of positives among the training rows: the rates' prior. */
  readonly prior: number;
  /** Pseudo-count m: rate = (positives + m·prior) / (weight + m). */
  readonly smoothing: number;
  readonly categories: Readonly<Record<EnsCategory, string[]>>;
  /** Mean log unit value (EUR/kg) per `hs6|origin` and per `hs6` (label-free). */
  readonly unitValues: { readonly keys: string[]; readonly n: number[]; readonly mean: number[] };
  readonly stats: Readonly<Record<string, EnsKeyStats>>;
}

const BASE_FEATURES = [
  'cat:mode',
  'cat:office',
  'cat:filingType',
  'cat:loadingCountry',
  'routeLength',
  'originIsLoading',
  'goodsItems',
  'goodsHeadings',
  'containers',
  'logMassKg',
  'logValueEur',
  'unitValueVsGoods',
  'logKgPerPackage',
  'cat:packageType',
  'hoursToArrival',
  'hs2',
  'goodsRarity',
  'count:consignor',
  'count:consignee',
  'hist_n:consignee',
  'hist_rate:consignee',
  'hist_n:consignor',
  'hist_rate:consignor',
] as const;

/** Width of the label-free and history part, written by `writeEnsBase`. */
export const ENS_BASE_WIDTH = BASE_FEATURES.length;

/** The model's columns, in matrix order: the base part, then one hit rate per key. */
export const ENS_FEATURES: readonly string[] = Object.freeze([
  ...BASE_FEATURES,
  ...ENS_KEY_NAMES.map((k) => `te:${k}`),
]);

function safeLog(v: number): number {
  return Number.isFinite(v) && v > 0 ? Math.log(v) : Number.NaN;
}

/** (positives + m·prior) / (weight + m). */
export function smoothedRate(positives: number, weight: number, prior: number, m: number): number {
  return weight <= 0 ? prior : (positives + m * prior) / (weight + m);
}

/**
 * A key compiled for scoring. Building '|'-joined strings per key and item dominated scoring time, so
 * each field value is mapped to a small integer once per consignment (and item) and a key's value
 * becomes a mixed-radix number looked up in a code index (exact while the radix product stays below
 * 2^53; otherwise the joined string is kept).
 */
interface CompiledKey {
  readonly fields: Int32Array;
  readonly radix: Float64Array;
  readonly item: boolean;
  readonly numeric: CodeIndex | undefined;
  readonly strings: Map<string, number>;
  readonly names: readonly KeyField[];
  readonly rate: Float64Array;
  readonly rows: Float64Array;
}

/** Most goods items of a consignment the scratch space holds at first (it grows when needed). */
const ITEMS = 64;

/** The encoding indexed for scoring: maps from values to slots and per-slot numbers. */
export interface CompiledEnsEncoding {
  readonly encoding: EnsEncoding;
  readonly categories: Readonly<Record<EnsCategory, Map<string, number>>>;
  /** Mean log unit value by code hs6 id × (origins + 1) + origin id, and by hs6 id. */
  readonly unitValue: CodeIndex;
  readonly unitValueMean: Float64Array;
  readonly unitValueByHs6: Float64Array;
  readonly originRadix: number;
  /** Per field, its values' ids. */
  readonly fieldIds: readonly Map<string, number>[];
  readonly keys: readonly CompiledKey[];
  /** The keys `hs6`, `consignor`, `consignee` (for rarity and counts). */
  readonly hs6: CompiledKey;
  readonly consignor: CompiledKey;
  readonly consignee: CompiledKey;
  /** Scratch space: one consignment's field ids (consignment fields, then each item's three). */
  ids: Int32Array;
}

const compiled = new WeakMap<EnsEncoding, CompiledEnsEncoding>();

export function compileEnsEncoding(encoding: EnsEncoding): CompiledEnsEncoding {
  const known = compiled.get(encoding);
  if (known !== undefined) {
    return known;
  }
  const m = encoding.smoothing;
  const prior = encoding.prior;
  const fieldIds = FIELDS.map(() => new Map<string, number>());
  const empty = { values: [], weight: [], positives: [], rows: [] };
  // Ids come from the values in the statistics: anything else was never seen in training.
  for (const name of ENS_KEY_NAMES) {
    const names = ENS_KEYS[name]!;
    for (const value of (encoding.stats[name] ?? empty).values) {
      const parts = names.length === 1 ? [value] : value.split('|');
      parts.forEach((part, j) => {
        const ids = fieldIds[FIELDS.indexOf(names[j]!)]!;
        if (!ids.has(part)) {
          ids.set(part, ids.size);
        }
      });
    }
  }
  const keys = ENS_KEY_NAMES.map((name): CompiledKey => {
    const names = ENS_KEYS[name]!;
    const fields = names.map((x) => FIELDS.indexOf(x));
    const radix = fields.map((x) => fieldIds[x]!.size + 1);
    const s: EnsKeyStats = encoding.stats[name] ?? empty;
    const range = radix.reduce((p, r) => p * r, 1);
    const exact = range < Number.MAX_SAFE_INTEGER;
    let numeric: CodeIndex | undefined;
    if (exact) {
      const codes = s.values.map((value) => {
        const parts = names.length === 1 ? [value] : value.split('|');
        let code = 0;
        parts.forEach((part, j) => {
          code = code * radix[j]! + fieldIds[fields[j]!]!.get(part)!;
        });
        return code;
      });
      numeric = buildCodeIndex(codes, range);
    }
    return {
      fields: Int32Array.from(fields),
      radix: Float64Array.from(radix),
      item: isItemKey(names),
      numeric,
      strings: new Map(exact ? [] : s.values.map((v, i) => [v, i])),
      names,
      rate: Float64Array.from(s.values, (_v, i) => smoothedRate(s.positives[i]!, s.weight[i]!, prior, m)),
      rows: Float64Array.from(s.rows),
    };
  });
  // Unit values by the ids of their goods code and origin.
  const uv = encoding.unitValues;
  const hs6Ids = fieldIds[HS6_FIELD]!;
  const originIds = fieldIds[ORIGIN_FIELD]!;
  const originRadix = originIds.size + 1;
  const unitValueByHs6 = new Float64Array(hs6Ids.size).fill(Number.NaN);
  const pairCodes: number[] = [];
  const pairMeans: number[] = [];
  uv.keys.forEach((k, i) => {
    const bar = k.indexOf('|');
    const hs = hs6Ids.get(bar < 0 ? k : k.slice(0, bar));
    if (hs === undefined) {
      return;
    }
    if (bar < 0) {
      unitValueByHs6[hs] = uv.mean[i]!;
      return;
    }
    const origin = originIds.get(k.slice(bar + 1));
    if (origin !== undefined) {
      pairCodes.push(hs * originRadix + origin);
      pairMeans.push(uv.mean[i]!);
    }
  });
  const byKey = (name: string): CompiledKey => keys[ENS_KEY_NAMES.indexOf(name)]!;
  const out: CompiledEnsEncoding = {
    encoding,
    categories: Object.fromEntries(
      ENS_CATEGORIES.map((c) => [c, new Map(encoding.categories[c].map((v, i) => [v, i]))]),
    ) as Record<EnsCategory, Map<string, number>>,
    unitValue: buildCodeIndex(pairCodes, (hs6Ids.size + 1) * originRadix),
    unitValueMean: Float64Array.from(pairMeans),
    unitValueByHs6,
    originRadix,
    fieldIds,
    keys,
    hs6: byKey('hs6'),
    consignor: byKey('consignor'),
    consignee: byKey('consignee'),
    ids: new Int32Array(ITEM_FIELD_START + 3 * ITEMS),
  };
  compiled.set(encoding, out);
  return out;
}

/** Fills `c.ids` with the consignment's field ids and each item's (hs6, hs4, origin); -1: never seen. */
function fillIds(c: CompiledEnsEncoding, f: EnsFacts): Int32Array {
  const n = f.items.length;
  if (c.ids.length < ITEM_FIELD_START + 3 * Math.max(1, n)) {
    c.ids = new Int32Array(ITEM_FIELD_START + 3 * Math.max(1, n) * 2);
  }
  const ids = c.ids;
  const fi = c.fieldIds;
  ids[0] = fi[0]!.get(f.loading) ?? -1;
  ids[1] = fi[1]!.get(f.route) ?? -1;
  ids[2] = fi[2]!.get(f.declarant) ?? -1;
  ids[3] = fi[3]!.get(f.consignor) ?? -1;
  ids[4] = fi[4]!.get(f.consignee) ?? -1;
  const hs6 = fi[ITEM_FIELD_START]!;
  const hs4 = fi[ITEM_FIELD_START + 1]!;
  const origin = fi[ITEM_FIELD_START + 2]!;
  if (n === 0) {
    ids[ITEM_FIELD_START] = hs6.get('') ?? -1;
    ids[ITEM_FIELD_START + 1] = hs4.get('') ?? -1;
    ids[ITEM_FIELD_START + 2] = origin.get('') ?? -1;
  }
  for (let i = 0; i < n; i++) {
    const g = f.items[i]!;
    const at = ITEM_FIELD_START + 3 * i;
    ids[at] = hs6.get(g.hs6) ?? -1;
    ids[at + 1] = hs4.get(g.hs4) ?? -1;
    ids[at + 2] = origin.get(g.origin) ?? -1;
  }
  return ids;
}

/**
 * The slot of a key's value for item `i` (its ids at ITEM_FIELD_START + 3i); -1 for a value never
 * seen in training.
 */
function slotOf(key: CompiledKey, ids: Int32Array, i: number, f: EnsFacts, g: EnsItem): number {
  if (key.numeric === undefined) {
    return key.strings.get(keyValue(key.names, f, g)) ?? -1;
  }
  let code = 0;
  const fields = key.fields;
  for (let j = 0; j < fields.length; j++) {
    const field = fields[j]!;
    const id = ids[field < ITEM_FIELD_START ? field : field + 3 * i]!;
    if (id < 0) {
      return -1;
    }
    code = code * key.radix[j]! + id;
  }
  return findSlot(key.numeric, code);
}

function code(map: Map<string, number>, v: string): number {
  return map.get(v) ?? Number.NaN;
}

/** Log unit value (EUR per kg) of an item; NaN without value or mass. */
export function logUnitValue(g: EnsItem): number {
  return g.massKg > 0 ? safeLog(g.valueEur / g.massKg) : Number.NaN;
}

/** How many rows of training had the value of a single-field key whose id is `id` (0 when unseen). */
function rowsOf(key: CompiledKey, id: number): number {
  if (id < 0 || key.numeric === undefined) {
    return 0;
  }
  const slot = findSlot(key.numeric, id);
  return slot < 0 ? 0 : key.rows[slot]!;
}

/**
 * Writes the label-free and history columns of one consignment at `out[at …]` (ENS_BASE_WIDTH of
 * them), the same at training and scoring. `history` is the operators' control record as of the
 * consignment's lodging: at scoring the operator register's counters, at training the results
 * recorded before it was lodged. Leaves the consignment's field ids in `c.ids`.
 */
export function writeEnsBase(
  out: Float64Array,
  at: number,
  f: EnsFacts,
  c: CompiledEnsEncoding,
  history: HistoryOf = NO_HISTORY,
): void {
  const ids = fillIds(c, f);
  let mass = 0;
  let value = 0;
  let valued = 0;
  let packages = 0;
  let packaged = 0;
  let uvGap = Number.NaN;
  let originIsLoading = Number.NaN;
  let heaviest = -1;
  let rarity = Number.NaN;
  let headings = 0;
  const items = f.items;
  for (let i = 0; i < items.length; i++) {
    const g = items[i]!;
    const hsId = ids[ITEM_FIELD_START + 3 * i]!;
    if (Number.isFinite(g.massKg)) {
      mass += g.massKg;
    }
    if (heaviest < 0 || g.massKg > items[heaviest]!.massKg) {
      heaviest = i;
    }
    if (!Number.isNaN(g.valueEur)) {
      value += g.valueEur;
      valued++;
      const luv = logUnitValue(g);
      if (!Number.isNaN(luv) && hsId >= 0) {
        const originId = ids[ITEM_FIELD_START + 3 * i + 2]!;
        const slot = originId < 0 ? -1 : findSlot(c.unitValue, hsId * c.originRadix + originId);
        const ref = slot >= 0 ? c.unitValueMean[slot]! : c.unitValueByHs6[hsId]!;
        if (!Number.isNaN(ref) && (Number.isNaN(uvGap) || luv - ref < uvGap)) {
          uvGap = luv - ref;
        }
      }
    }
    if (!Number.isNaN(g.packages)) {
      packages += g.packages;
      packaged++;
    }
    if (g.origin !== '' && f.loadingCountry !== '') {
      originIsLoading = Math.max(
        Number.isNaN(originIsLoading) ? 0 : originIsLoading,
        +(g.origin === f.loadingCountry),
      );
    }
    const seen = Math.log1p(rowsOf(c.hs6, hsId));
    if (Number.isNaN(rarity) || seen < rarity) {
      rarity = seen;
    }
    let first = true;
    for (let j = 0; j < i; j++) {
      if (items[j]!.hs4 === g.hs4) {
        first = false;
        break;
      }
    }
    headings += first ? 1 : 0;
  }
  const cats = c.categories;
  const main = heaviest < 0 ? undefined : items[heaviest]!;
  out[at++] = code(cats.mode, f.mode);
  out[at++] = code(cats.office, f.office);
  out[at++] = code(cats.filingType, f.filingType);
  out[at++] = code(cats.loadingCountry, f.loadingCountry);
  out[at++] = f.routeLength;
  out[at++] = originIsLoading;
  out[at++] = items.length;
  out[at++] = headings;
  out[at++] = f.containers;
  out[at++] = safeLog(mass);
  out[at++] = valued === 0 ? Number.NaN : safeLog(value);
  out[at++] = uvGap;
  out[at++] = packaged === 0 ? Number.NaN : safeLog(mass / packages);
  out[at++] = main === undefined ? Number.NaN : code(cats.packageType, main.packageType);
  out[at++] = f.hoursToArrival;
  out[at++] = main === undefined || main.hs6 === '' ? Number.NaN : Number(main.hs6.slice(0, 2));
  out[at++] = rarity;
  out[at++] = f.consignor === '' ? Number.NaN : Math.log1p(rowsOf(c.consignor, ids[CONSIGNOR_FIELD]!));
  out[at++] = f.consignee === '' ? Number.NaN : Math.log1p(rowsOf(c.consignee, ids[CONSIGNEE_FIELD]!));
  // The share of the operator's controls that found something (missing before its first control):
  // no prior mixed in, so a training row's own label reaches none of its columns.
  for (const key of [f.consignee, f.consignor]) {
    if (key === '') {
      out[at++] = Number.NaN;
      out[at++] = Number.NaN;
      continue;
    }
    const h = history(key);
    const controls = h?.controls ?? 0;
    out[at++] = controls;
    out[at++] = controls === 0 ? Number.NaN : h!.hits / controls;
  }
}

/**
 * Writes one consignment's whole feature row at `out[at …]` for scoring: the base part, then each
 * key's learned hit rate (the riskiest item's for item keys; missing for a value never seen, as in
 * training for a value its row's fold never saw).
 */
export function writeEnsRow(
  out: Float64Array,
  at: number,
  f: EnsFacts,
  c: CompiledEnsEncoding,
  history: HistoryOf = NO_HISTORY,
): void {
  writeEnsBase(out, at, f, c, history);
  const ids = c.ids;
  const k0 = at + ENS_BASE_WIDTH;
  const keys = c.keys;
  const n = Math.max(1, f.items.length);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    let best = Number.NaN;
    const last = key.item ? n : 1;
    for (let i = 0; i < last; i++) {
      const slot = slotOf(key, ids, i, f, f.items[i] ?? EMPTY_ITEM);
      if (slot >= 0) {
        const r = key.rate[slot]!;
        if (Number.isNaN(best) || r > best) {
          best = r;
        }
      }
    }
    out[k0 + k] = best;
  }
}

// ---- words ----------------------------------------------------------------------------------------

const WORDS: Readonly<Record<string, string>> = {
  'cat:mode': 'mode of transport',
  'cat:office': 'office of first entry',
  'cat:filingType': 'filing type',
  'cat:loadingCountry': 'country of loading',
  routeLength: 'countries on the route',
  originIsLoading: 'goods loaded in their country of origin',
  goodsItems: 'goods items',
  goodsHeadings: 'goods headings',
  containers: 'containers',
  logMassKg: 'gross mass',
  logValueEur: 'declared value',
  unitValueVsGoods: 'unit value against the same goods and origin',
  logKgPerPackage: 'mass per package',
  'cat:packageType': 'package type',
  hoursToArrival: 'hours from lodging to arrival',
  hs2: 'goods chapter',
  goodsRarity: 'how often these goods were seen',
  'count:consignor': 'consignments of the consignor',
  'count:consignee': 'consignments of the consignee',
  'hist_n:consignee': "consignee's controls so far",
  'hist_rate:consignee': "consignee's control record",
  'hist_n:consignor': "consignor's controls so far",
  'hist_rate:consignor': "consignor's control record",
};

const KEY_WORDS: Readonly<Record<string, string>> = {
  hs6: 'goods code (HS6)',
  hs4: 'goods heading',
  origin: 'origin',
  loading: 'place of loading',
  route: 'route',
  declarant: 'declarant',
  consignor: 'consignor',
  consignee: 'consignee',
};

/** A feature's name in words, for officers. */
export function ensFeatureLabel(name: string): string {
  const known = WORDS[name];
  if (known !== undefined) {
    return known;
  }
  if (name.startsWith('te:')) {
    const key = name.slice(3);
    const words = key.split('*').map((k) => KEY_WORDS[k] ?? k);
    return `findings on this ${words.join(' × ')}`;
  }
  return name;
}
