/**
 * Duplicate detection for RIFs: before an analyst issues a form, the active ones that describe the
 * same risk are found by comparing indicators group by group, so an authority amends or joins an
 * existing RIF instead of sending a second one. "The same risk" is what analysts mean by it: goods of
 * the same code family (a prefix of the other counts), the same origins, the same operator (EORI, or
 * name once case, punctuation, spelling variants and legal forms are set aside), the same containers
 * or means. The score says how far the indicators the two forms state agree, and lists what they share.
 */
import { normalizeName } from '../risk/index.ts';
import type { RifIndicators, RifOperator, RifRange } from './rif.schema.ts';

/**
 * What each group weighs in the score. Goods, origin and operator define a risk; containers and means
 * of transport are specific but often differ between forms on one risk (each names the boxes it saw);
 * keywords, countries on the way and places narrow it; modes and value or mass ranges barely do.
 */
export const RIF_SIMILARITY_WEIGHTS: Readonly<Record<keyof RifIndicators, number>> = {
  goodsCodes: 3,
  origins: 3,
  operators: 3,
  containers: 2,
  meansOfTransport: 2,
  descriptionKeywords: 1,
  dispatchCountries: 1,
  routeCountries: 1,
  places: 1,
  modes: 0.5,
  valueRange: 0.5,
  unitValueRange: 0.5,
  weightRange: 0.5,
};

/**
 * A group only one form states counts at this share of its weight, as a disagreement: the other form
 * is wider there ("any goods" against "phones"), which is less than stating something different but
 * not nothing; a group neither form states does not count at all. At 0.5 a form that adds an
 * operator to the same goods and origin stays a duplicate (6 / 7.5 = 0.8), and a form stating only
 * the origin of one with goods, origin and operator does not (3 / 6, then the evidence factor below).
 */
const ONE_SIDED_SHARE = 0.5;

/**
 * Shared weight (agreement × weight) needed for the score to count fully; below it the score shrinks
 * in proportion. Two forms that both state nothing but the same origin agree completely, yet "goods
 * from CN" is too little to call them the same risk with confidence: one strong group scores 0.75.
 */
const FULL_EVIDENCE = 4;

export interface SharedIndicator {
  readonly indicator: string;
  readonly values: readonly string[];
}

export interface RifSimilarity {
  /** 0 (nothing in common) to 1 (the same risk). */
  readonly score: number;
  /** The groups with something in common, and what. */
  readonly shared: readonly SharedIndicator[];
}

interface GroupMatch {
  /** How far the group agrees, 0–1. */
  readonly agreement: number;
  readonly values: readonly string[];
}

/** How alike two RIFs' indicators are; symmetric. */
export function rifSimilarity(a: RifIndicators, b: RifIndicators): RifSimilarity {
  let agreed = 0;
  let compared = 0;
  const shared: SharedIndicator[] = [];
  for (const key of Object.keys(RIF_SIMILARITY_WEIGHTS) as (keyof RifIndicators)[]) {
    const w = RIF_SIMILARITY_WEIGHTS[key];
    const inA = a[key] !== undefined;
    const inB = b[key] !== undefined;
    if (!inA && !inB) {
      continue;
    }
    if (inA !== inB) {
      compared += ONE_SIDED_SHARE * w;
      continue;
    }
    const m = matchGroup(key, a, b);
    compared += w;
    agreed += w * m.agreement;
    if (m.values.length > 0) {
      shared.push({ indicator: key, values: m.values });
    }
  }
  if (compared === 0) {
    return { score: 0, shared };
  }
  const evidence = Math.min(1, agreed / FULL_EVIDENCE);
  return { score: round((agreed / compared) * evidence), shared };
}

export interface ActiveRif {
  readonly id: string;
  readonly issuer: string;
  readonly title: string;
  readonly indicators: RifIndicators;
}

export interface RifDuplicate extends RifSimilarity {
  readonly id: string;
  readonly issuer: string;
  readonly title: string;
}

/**
 * The active RIFs at least `threshold` alike to the candidate, most alike first (then by id, so the
 * order never depends on the input's). The caller leaves the candidate's own earlier versions out.
 */
export function findDuplicates(
  candidate: RifIndicators,
  active: readonly ActiveRif[],
  threshold = 0.5,
): readonly RifDuplicate[] {
  const out: RifDuplicate[] = [];
  for (const r of active) {
    const s = rifSimilarity(candidate, r.indicators);
    if (s.score >= threshold) {
      out.push({ id: r.id, issuer: r.issuer, title: r.title, score: s.score, shared: s.shared });
    }
  }
  return out.sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

function matchGroup(key: keyof RifIndicators, a: RifIndicators, b: RifIndicators): GroupMatch {
  switch (key) {
    case 'goodsCodes':
      return mutualCoverage(a.goodsCodes!, b.goodsCodes!, (x) => x, codesOverlap);
    case 'descriptionKeywords':
      return mutualCoverage(a.descriptionKeywords!, b.descriptionKeywords!, keywordKey, keywordsOverlap);
    case 'origins':
    case 'dispatchCountries':
    case 'routeCountries':
    case 'places':
    case 'modes':
    case 'containers':
      return mutualCoverage(a[key]!, b[key]!, (x) => x, equal);
    case 'meansOfTransport':
      return mutualCoverage(a.meansOfTransport!, b.meansOfTransport!, meansKey, equal);
    case 'operators':
      return operatorsMatch(a.operators!, b.operators!);
    case 'valueRange':
    case 'unitValueRange':
    case 'weightRange':
      return rangesMatch(a[key]!, b[key]!);
  }
}

const equal = (x: string, y: string): boolean => x === y;

/** One code is a prefix of the other: the same family of goods (8517 and 851713). */
const codesOverlap = (x: string, y: string): boolean => x.startsWith(y) || y.startsWith(x);

/** One keyword contains the other ("cocaine" and "cocaine hydrochloride"). */
const keywordsOverlap = (x: string, y: string): boolean => x.includes(y) || y.includes(x);

const keywordKey = (k: string): string => k.trim().toLowerCase().replace(/\s+/g, ' ');

/** A means of transport as written without case, spaces or an IMO prefix. */
const meansKey = (m: string): string =>
  m
    .toUpperCase()
    .replace(/\s+/g, '')
    .replace(/^IMO(?=\d{7}$)/, '');

/**
 * The mean of the shares of each side's values met on the other side: [CN] and [CN, HK] agree 0.75,
 * [CN] and ten countries with CN 0.55, so a form that lists everything does not look like every form.
 * The values shown are those met, as each side wrote them.
 */
function mutualCoverage(
  a: readonly string[],
  b: readonly string[],
  key: (v: string) => string,
  match: (x: string, y: string) => boolean,
): GroupMatch {
  const ka = a.map(key);
  const kb = b.map(key);
  const metA = a.filter((_, i) => kb.some((y) => match(ka[i]!, y)));
  const metB = b.filter((_, j) => ka.some((x) => match(x, kb[j]!)));
  return {
    agreement: (metA.length / a.length + metB.length / b.length) / 2,
    values: [...new Set([...metA, ...metB])],
  };
}

/** An operator's identity for comparison: its EORI, and its name normalised (see fuzzy.ts). */
interface OperatorKey {
  readonly eori: string | undefined;
  /** Words (legal forms dropped) in spelling-skeleton form, sorted: order and spelling set aside. */
  readonly name: string | undefined;
  readonly label: string;
}

function operatorKey(o: RifOperator): OperatorKey {
  const n = o.name === undefined ? undefined : normalizeName(o.name);
  const name = n === undefined || n.skeletons.length === 0 ? undefined : [...n.skeletons].sort().join(' ');
  return { eori: o.eori, name, label: o.eori ?? o.name ?? '' };
}

/**
 * The same operator whatever role each form gives it (a consignor in one form may be the notify
 * party in another): equal EORIs, or equal normalised names when the EORIs do not say otherwise.
 */
function sameOperator(x: OperatorKey, y: OperatorKey): boolean {
  if (x.eori !== undefined && y.eori !== undefined && x.eori === y.eori) {
    return true;
  }
  if (x.eori !== undefined && y.eori !== undefined) {
    return false;
  }
  return x.name !== undefined && x.name === y.name;
}

function operatorsMatch(a: readonly RifOperator[], b: readonly RifOperator[]): GroupMatch {
  const ka = a.map(operatorKey);
  const kb = b.map(operatorKey);
  const metA = ka.filter((x) => kb.some((y) => sameOperator(x, y)));
  const metB = kb.filter((y) => ka.some((x) => sameOperator(x, y)));
  return {
    agreement: (metA.length / a.length + metB.length / b.length) / 2,
    values: [...new Set([...metA, ...metB].map((k) => k.label))],
  };
}

/** Ranges agree when they overlap; what they share is the overlap. */
function rangesMatch(a: RifRange, b: RifRange): GroupMatch {
  const lo = Math.max(a.min ?? 0, b.min ?? 0);
  const hi = Math.min(a.max ?? Infinity, b.max ?? Infinity);
  if (lo > hi) {
    return { agreement: 0, values: [] };
  }
  return { agreement: 1, values: [`${lo}–${hi === Infinity ? '' : hi}`] };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
