/**
 * Trade measures as dated reference data (issue 13, point 6): anti-dumping and countervailing duties,
 * prohibitions, restrictions and measures requiring a certificate, each set on a goods code (and
 * everything under it) for a geographical area (a country, or a group minus excluded countries), with
 * an additional code where the measure differs by producer, after TARIC's measure records. Stored as
 * reference entries of kind `measures` (the measure sid is the code); read here into TradeMeasures and
 * indexed by goods code, so `measures(code, origin)` in a rule costs a few map lookups per goods item.
 */
import { COUNTRY_GROUPS, EU_COUNTRIES } from './reference-data.ts';
import type { ReferenceEntry } from './reference-lists.ts';

export const MEASURE_TYPES = [
  'anti-dumping',
  'countervailing',
  'safeguard',
  'prohibition',
  'restriction',
  'certificate-required',
  'surveillance',
] as const;
export type MeasureType = (typeof MEASURE_TYPES)[number];

export function isMeasureType(value: string): value is MeasureType {
  return (MEASURE_TYPES as readonly string[]).includes(value);
}

/**
 * TARIC measure type ids Vigil reads without a `measure_type` column. Another id needs one (the
 * readable type is what rules test; the id is kept and shown as `typeId`).
 */
export const TARIC_MEASURE_TYPES: ReadonlyMap<
  string,
  { readonly type: MeasureType; readonly title: string }
> = new Map([
  ['551', { type: 'anti-dumping', title: 'Provisional anti-dumping duty' }],
  ['552', { type: 'anti-dumping', title: 'Definitive anti-dumping duty' }],
  ['553', { type: 'countervailing', title: 'Provisional countervailing duty' }],
  ['554', { type: 'countervailing', title: 'Definitive countervailing duty' }],
  ['277', { type: 'prohibition', title: 'Import prohibition' }],
  ['278', { type: 'restriction', title: 'Import restriction' }],
  ['710', { type: 'certificate-required', title: 'Import control - CITES' }],
]);

/** TARIC's geographical area groups Vigil knows (besides its named country groups). */
export const AREA_GROUPS: ReadonlyMap<string, string> = new Map([
  ['1011', 'ERGA OMNES (every country)'],
  ['1008', 'all third countries (every country outside the EU)'],
]);

/** What is wrong with a geographical area id, or undefined: a country, 1011, 1008 or a group name. */
export function areaProblem(area: string, countries: ReadonlySet<string>): string | undefined {
  if (/^[A-Z]{2}$/.test(area)) {
    return countries.has(area) ? undefined : `'${area}' is not a country code`;
  }
  if (AREA_GROUPS.has(area) || COUNTRY_GROUPS.has(area)) {
    return undefined;
  }
  return `geographical area '${area}' is not a country (ISO 3166-1), a TARIC group (${[...AREA_GROUPS.keys()].join(', ')}) or a country group (${[...COUNTRY_GROUPS.keys()].join(', ')})`;
}

/** Does the area include the country (before exclusions)? */
export function areaCovers(area: string, country: string): boolean {
  if (area === country || area === '1011') {
    return true;
  }
  if (area === '1008') {
    return !EU_COUNTRIES.has(country);
  }
  return COUNTRY_GROUPS.get(area)?.has(country) ?? false;
}

/** One measure as rules see it (CEL type `Measure`); dates "" when open. */
export interface TradeMeasure {
  readonly sid: string;
  readonly typeId: string;
  readonly type: MeasureType;
  /** The goods code it is set on (2 to 10 digits); it applies to every code under it. */
  readonly goodsCode: string;
  /** The geographical area: a country, 1011, 1008 or a country group. */
  readonly area: string;
  readonly excluded: readonly string[];
  /** Additional code type and code together (`C999`), "" when none. */
  readonly additionalCode: string;
  /** The duty expression as TARIC writes it (`37.8 %`, `45.60 EUR / 100 kg`), "" when none. */
  readonly duty: string;
  /** The regulation (legal base) that set it. */
  readonly regulation: string;
  readonly from: string;
  readonly to: string;
  readonly footnotes: readonly string[];
  /** Document codes any one of which satisfies the measure (a certificate, a licence, an exemption). */
  readonly conditions: readonly string[];
  readonly description: string;
}

/** The lists a measure entry keeps in one attribute, separated by `;`. */
const list = (v: string | undefined): readonly string[] =>
  Object.freeze((v ?? '').split(';').filter((x) => x !== ''));

/** A stored entry of kind `measures` as a TradeMeasure. */
export function measureOf(e: ReferenceEntry): TradeMeasure {
  const a = e.attributes;
  return Object.freeze({
    sid: e.code,
    typeId: a['type_id'] ?? '',
    type: (a['type'] ?? 'restriction') as MeasureType,
    goodsCode: a['goods'] ?? '',
    area: a['area'] ?? '',
    excluded: list(a['excluded']),
    additionalCode: a['additional_code'] ?? '',
    duty: a['duty'] ?? '',
    regulation: a['regulation'] ?? '',
    from: e.validFrom ?? '',
    to: e.validUntil ?? '',
    footnotes: list(a['footnotes']),
    conditions: list(a['conditions']),
    description: e.description,
  });
}

const NONE: readonly TradeMeasure[] = Object.freeze([]);
/** Answers kept per index (day, code, origin): consignments repeat the same few goods and origins. */
const CACHE_LIMIT = 20_000;

/** The measures by the goods code they are set on: a lookup reads the code's five prefixes. */
export class MeasureIndex {
  readonly #byCode = new Map<string, TradeMeasure[]>();
  readonly #cache = new Map<string, readonly TradeMeasure[]>();
  readonly size: number;

  constructor(measures: Iterable<TradeMeasure>) {
    let n = 0;
    for (const m of measures) {
      const at = this.#byCode.get(m.goodsCode);
      if (at === undefined) {
        this.#byCode.set(m.goodsCode, [m]);
      } else {
        at.push(m);
      }
      n++;
    }
    this.size = n;
  }

  /**
   * The measures in force on `day` (YYYY-MM-DD) for goods under `code` from `origin`: set on the code
   * or one of its ancestors (chapter, heading, subheading, CN, TARIC), for an area that includes the
   * origin and does not exclude it. Ordered by goods code, broadest first, then sid.
   */
  find(code: string, origin: string, day: string): readonly TradeMeasure[] {
    if (this.size === 0) {
      return NONE;
    }
    const key = `${day}|${code}|${origin}`;
    const known = this.#cache.get(key);
    if (known !== undefined) {
      return known;
    }
    let out: TradeMeasure[] | undefined;
    for (let len = 2; len <= code.length && len <= 10; len += 2) {
      const at = this.#byCode.get(code.slice(0, len));
      if (at === undefined) {
        continue;
      }
      for (const m of at) {
        if (
          (m.from === '' || m.from <= day) &&
          (m.to === '' || day <= m.to) &&
          areaCovers(m.area, origin) &&
          !m.excluded.includes(origin)
        ) {
          (out ??= []).push(m);
        }
      }
    }
    const found = out === undefined ? NONE : Object.freeze(out.sort(bySid));
    if (this.#cache.size >= CACHE_LIMIT) {
      this.#cache.clear();
    }
    this.#cache.set(key, found);
    return found;
  }
}

function bySid(a: TradeMeasure, b: TradeMeasure): number {
  return a.goodsCode.length - b.goodsCode.length || (a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0);
}
