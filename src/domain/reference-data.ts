/**
 * Reference lists the trade runs on (countries, filing types, vague descriptions), loaded once from
 * the JSON files in `data/` so analysts can change them without touching code.
 */
import countries from '../../data/countries.json' with { type: 'json' };
import filingTypes from '../../data/filing-types.json' with { type: 'json' };
import vague from '../../data/vague-descriptions.json' with { type: 'json' };
import type { FilingPart, TransportMode } from './filing.ts';

export const COUNTRY_CODES: ReadonlySet<string> = new Set([...countries.iso3166Alpha2, ...countries.extra]);
export const EU_COUNTRIES: ReadonlySet<string> = new Set([...countries.eu, 'XI']);

export interface FilingTypeInfo {
  readonly code: string;
  readonly modes: readonly TransportMode[];
  readonly part: FilingPart;
  readonly title: string;
}

export const FILING_TYPES: ReadonlyMap<string, FilingTypeInfo> = new Map(
  (filingTypes.types as FilingTypeInfo[]).map((t) => [t.code, Object.freeze(t)]),
);

export const VAGUE_DESCRIPTION_TERMS: readonly string[] = Object.freeze([...vague.terms]);
