/**
 * Reference lists the trade runs on (countries, filing types, vague descriptions), loaded once from
 * the JSON files in `data/` so analysts can change them without touching code. The filing-type
 * catalogue with each type's data set is generated from the EU Customs Data Model matrix
 * (scripts/filing-types-from-eucdm.ts, data/filing-types.md).
 */
import countries from '../../data/countries.json' with { type: 'json' };
import filingTypes from '../../data/filing-types.json' with { type: 'json' };
import vague from '../../data/vague-descriptions.json' with { type: 'json' };
import groups from '../../data/country-groups.json' with { type: 'json' };
import type { FilingPart, TransportMode } from './filing.ts';

export const COUNTRY_CODES: ReadonlySet<string> = new Set([...countries.iso3166Alpha2, ...countries.extra]);
export const EU_COUNTRIES: ReadonlySet<string> = new Set([...countries.eu, 'XI']);

/** The named country groups (data/country-groups.json, and `eu` from data/countries.json). */
export const COUNTRY_GROUPS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['eu', EU_COUNTRIES],
  ...Object.entries(groups.groups).map(([name, g]): [string, ReadonlySet<string>] => [
    name,
    new Set(g.countries),
  ]),
]);

/** EUCDM presence of a data element in a data set: A required subject to conditions, C conditional. */
export type DataElementPresence = 'A' | 'C';

/** One data element of a filing type's data set (EUCDM DE number, e.g. `13 03 000 000` consignee). */
export interface DataSetElement {
  readonly de: string;
  readonly name: string;
  readonly presence: DataElementPresence;
}

export interface FilingTypeInfo {
  readonly code: string;
  readonly modes: readonly TransportMode[];
  readonly part: FilingPart;
  readonly title: string;
  /** `issue 17` or `derived from the EUCDM data set` (no invented official names). */
  readonly titleSource: string;
  /** Why the part was derived as it is from the data set. */
  readonly partEvidence: string;
  /** The data elements of the type; an element not listed is not in its data set. */
  readonly dataSet: readonly DataSetElement[];
  /** The presence of a data element in the data set, undefined when it is not in it. */
  presenceOf(de: string): DataElementPresence | undefined;
}

/** Where the catalogue's data sets come from (the EUCDM matrix: repository, file, commit). */
export const FILING_TYPES_SOURCE: Readonly<{ repository: string; file: string; commit: string }> =
  Object.freeze({ ...filingTypes.$source });

function filingTypeInfo(t: (typeof filingTypes.types)[number]): FilingTypeInfo {
  const dataSet = Object.freeze(
    t.dataSet.map((e) =>
      Object.freeze({ de: e.de, name: e.name, presence: e.presence as DataElementPresence }),
    ),
  );
  const byDe = new Map(dataSet.map((e) => [e.de, e.presence]));
  return Object.freeze({
    code: t.code,
    modes: Object.freeze([...t.modes]) as readonly TransportMode[],
    part: t.part as FilingPart,
    title: t.title,
    titleSource: t.titleSource,
    partEvidence: t.partEvidence,
    dataSet,
    presenceOf: (de: string) => byDe.get(de),
  });
}

export const FILING_TYPES: ReadonlyMap<string, FilingTypeInfo> = new Map(
  filingTypes.types.map((t) => [t.code, filingTypeInfo(t)]),
);

export const VAGUE_DESCRIPTION_TERMS: readonly string[] = Object.freeze([...vague.terms]);
