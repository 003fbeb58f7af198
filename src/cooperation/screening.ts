/**
 * The screening of one consignment as a sharing policy may let it cross (category `screening`): what
 * risk analysis made of it, with the keys union-level analysis matches on. A summary holds no personal
 * data (day, hit or not, mode, route, goods and origin); full adds the consignment's identifiers and
 * its operators by EORI only (never names or addresses). Built from the filing as stored, so the
 * sharing needs nothing the assessment does not already have.
 */
import type { Filing } from '../domain/index.ts';
import { entryCountryOf, modeOf } from '../domain/index.ts';

/** The assessment of one consignment, as far as the screening share reads it. */
export interface ScreeningAssessment {
  readonly authority: string;
  readonly mrn: string;
  readonly seq: number;
  readonly outcomeKind: string;
  readonly outcome: unknown;
  readonly hits: unknown;
  readonly assessedAt: Date;
}

/** One consignment screened by risk analysis. */
export interface ScreenedConsignment {
  readonly authority: string;
  readonly mrn: string;
  readonly seq: number;
  /** Risk analysis recommended a control (a random draw is not a hit). */
  readonly hit: boolean;
  /** The rules that hit (their RIF's handling decides whether the record may cross at all). */
  readonly ruleIds: readonly string[];
  readonly office: string | null;
  readonly mode: string | null;
  readonly placeOfLoading: string | null;
  readonly entryCountry: string | null;
  readonly goods: readonly { readonly hs6: string; readonly origin: string | null }[];
  readonly operators: readonly { readonly role: 'consignor' | 'consignee'; readonly eori: string }[];
  readonly containers: readonly string[];
  readonly documents: readonly string[];
  readonly at: Date;
}

/** The summary a receiver gets: what a hit rate per route and goods/origin needs, nothing personal. */
export interface ScreeningSummary {
  readonly screenedOn: string;
  readonly hit: boolean;
  readonly mode: string | null;
  readonly route: { readonly loading: string | null; readonly entryCountry: string | null };
  readonly goods: readonly { readonly hs6: string; readonly origin: string | null }[];
}

/** Full adds which consignment, where it entered, and what identifies its operators and equipment. */
export interface ScreeningFull extends ScreeningSummary {
  readonly mrn: string;
  readonly seq: number;
  readonly screenedAt: string;
  readonly office: string | null;
  readonly operators: readonly { readonly role: 'consignor' | 'consignee'; readonly eori: string }[];
  readonly containers: readonly string[];
  readonly documents: readonly string[];
}

export function screeningOf(a: ScreeningAssessment, filing: Filing): ScreenedConsignment {
  const c = filing.consignments[a.seq];
  const outcome = (a.outcome ?? {}) as { random?: unknown };
  const hits = Array.isArray(a.hits) ? (a.hits as { source?: unknown; id?: unknown }[]) : [];
  const goods = new Map<string, { hs6: string; origin: string | null }>();
  for (const g of c?.goods ?? []) {
    const hs6 = g.hsCode.slice(0, 6);
    const origin = g.origin ?? null;
    goods.set(`${hs6}/${origin ?? ''}`, { hs6, origin });
  }
  const operators: { role: 'consignor' | 'consignee'; eori: string }[] = [];
  if (c?.consignor?.eori !== undefined) {
    operators.push({ role: 'consignor', eori: c.consignor.eori });
  }
  if (c?.consignee?.eori !== undefined) {
    operators.push({ role: 'consignee', eori: c.consignee.eori });
  }
  const containers = [
    ...(c?.containers ?? []).map((x) => x.id),
    ...(filing.masterConsignment?.transportEquipment ?? []).map((x) => x.id),
  ];
  const documents = [
    c?.transportDocument.ref,
    c?.masterTransportDocument?.ref,
    filing.masterConsignment?.transportDocument?.ref,
  ].filter((x): x is string => x !== undefined && x !== '');
  const entry = entryCountryOf(filing);
  return {
    authority: a.authority,
    mrn: a.mrn,
    seq: a.seq,
    hit: a.outcomeKind === 'control-recommended' && outcome.random !== true,
    ruleIds: [
      ...new Set(
        hits.filter((h) => h.source === 'rule' && typeof h.id === 'string').map((h) => h.id as string),
      ),
    ],
    office: filing.officeOfFirstEntry ?? null,
    mode: modeOf(filing) ?? null,
    placeOfLoading: c?.placeOfLoading ?? filing.masterConsignment?.placeOfLoading ?? null,
    entryCountry: entry === '' ? null : entry,
    goods: [...goods.values()].sort((x, y) => `${x.hs6}${x.origin}`.localeCompare(`${y.hs6}${y.origin}`)),
    operators,
    containers: [...new Set(containers)].sort(),
    documents: [...new Set(documents)].sort(),
    at: a.assessedAt,
  };
}

export function screeningView(
  s: ScreenedConsignment,
  level: 'summary' | 'full',
): ScreeningSummary | ScreeningFull {
  const summary: ScreeningSummary = {
    screenedOn: s.at.toISOString().slice(0, 10),
    hit: s.hit,
    mode: s.mode,
    route: { loading: s.placeOfLoading, entryCountry: s.entryCountry },
    goods: s.goods,
  };
  if (level === 'summary') {
    return summary;
  }
  return {
    ...summary,
    mrn: s.mrn,
    seq: s.seq,
    screenedAt: s.at.toISOString(),
    office: s.office,
    operators: s.operators,
    containers: s.containers,
    documents: s.documents,
  };
}
