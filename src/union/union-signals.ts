/**
 * Union-level signals from what authorities shared with the reader (pure: records in, signals out).
 * Three kinds, each over the records of two or more authorities, none of which one authority sees
 * alone: `same-subject` (an operator by EORI, a container or a transport document hit by risk
 * analysis or found irregular in a control in several authorities), `rising-hit-rate` (a route or a
 * goods/origin pair whose hit rate rose against its baseline in several authorities at once, by a
 * one-sided two-proportion z-test with minimum counts) and `diversion` (after a control at one
 * authority, a consignment of the same consignor and goods entering at another's office within days).
 * docs/union-signals.md defines each and says why the data may be used.
 */

import type { SharedRecord } from '../cooperation/index.ts';

export const SIGNAL_KINDS = ['same-subject', 'rising-hit-rate', 'diversion'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** A record another authority shared with the reader, as the cooperation feature publishes it. */
export type SharedInput = SharedRecord;

export interface SignalParameters {
  /** The recent window [from, to): events of same-subject and controls of diversion fall in it. */
  readonly from: Date;
  readonly to: Date;
  readonly kind?: SignalKind | undefined;
  readonly minAuthorities: number;
  /** Days after a control within which an entry elsewhere counts as a diversion. */
  readonly diversionDays: number;
  /** Days before `from` that make the baseline of a hit rate. */
  readonly baselineDays: number;
  /** Minimum consignments screened in each window, and hits in the recent one, for a rate to count. */
  readonly minScreened: number;
  readonly minHits: number;
  /** One-sided z the rise must reach (2.33: p < 0.01). */
  readonly minZ: number;
}

export const SIGNAL_DEFAULTS = {
  windowDays: 14,
  minAuthorities: 2,
  diversionDays: 14,
  baselineDays: 28,
  minScreened: 10,
  minHits: 3,
  minZ: 2.33,
} as const;

export type EvidenceKind = 'hit' | 'irregularity' | 'seizure' | 'no-irregularity' | 'entry';

/** One shared record a signal rests on. */
export interface SignalEvidence {
  readonly authority: string;
  /** The shared record's ref: the consignment (MRN/item) at its source. */
  readonly ref: string;
  readonly category: string;
  readonly kind: EvidenceKind;
  readonly at: string;
  readonly office: string | null;
}

export interface RateFigures {
  readonly screened: number;
  readonly hits: number;
  readonly rate: number;
}

/** A rising hit rate at one authority. */
export interface AuthorityRate {
  readonly authority: string;
  readonly baseline: RateFigures;
  readonly recent: RateFigures;
  readonly z: number;
}

export interface UnionSignal {
  /** Stable: the kind and what the signal is about (the same data give the same id). */
  readonly id: string;
  readonly kind: SignalKind;
  readonly subject: {
    readonly type: 'operator' | 'container' | 'document' | 'route' | 'goods-origin' | 'consignor-goods';
    readonly value: string;
  };
  readonly authorities: string[];
  readonly score: number;
  readonly firstAt: string;
  readonly lastAt: string;
  readonly evidence: SignalEvidence[];
  /** rising-hit-rate only: the figures per authority whose rate rose. */
  readonly rates?: AuthorityRate[] | undefined;
}

interface Screening {
  readonly record: SharedInput;
  readonly at: number;
  readonly hit: boolean;
  readonly full: boolean;
  readonly office: string | null;
  readonly loading: string | null;
  readonly entryCountry: string | null;
  readonly goods: readonly { hs6: string; origin: string | null }[];
  readonly operators: readonly { role: string; eori: string }[];
  readonly containers: readonly string[];
  readonly documents: readonly string[];
}

interface Control {
  readonly record: SharedInput;
  readonly at: number;
  readonly result: 'no-irregularity' | 'irregularity' | 'seizure';
}

const DAY = 86_400_000;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];

function screeningOf(r: SharedInput): Screening {
  const d = r.data;
  const route = (d['route'] ?? {}) as Record<string, unknown>;
  const goods = Array.isArray(d['goods'])
    ? (d['goods'] as Record<string, unknown>[]).flatMap((g) => {
        const hs6 = str(g['hs6']);
        return hs6 === null ? [] : [{ hs6, origin: str(g['origin']) }];
      })
    : [];
  const full = r.level === 'full';
  return {
    record: r,
    at: Date.parse(r.at),
    hit: d['hit'] === true,
    full,
    office: full ? str(d['office']) : null,
    loading: str(route['loading']),
    entryCountry: str(route['entryCountry']),
    goods,
    operators:
      full && Array.isArray(d['operators'])
        ? (d['operators'] as Record<string, unknown>[]).flatMap((o) => {
            const eori = str(o['eori']);
            return eori === null ? [] : [{ role: str(o['role']) ?? '', eori }];
          })
        : [],
    containers: full ? strings(d['containers']) : [],
    documents: full ? strings(d['documents']) : [],
  };
}

const RESULTS = new Set(['no-irregularity', 'irregularity', 'seizure']);

/** Computes the signals; the records are those shared with the reader from `from - baselineDays` to `to`. */
export function unionSignals(records: readonly SharedInput[], p: SignalParameters): UnionSignal[] {
  const screenings = new Map<string, Screening>();
  const controls = new Map<string, Control>();
  for (const r of records) {
    const key = `${r.source}\u0000${r.ref}`;
    if (r.category === 'screening') {
      screenings.set(key, screeningOf(r));
    } else if (r.category === 'control-results' || r.category === 'seizures') {
      const result = r.category === 'seizures' ? 'seizure' : String(r.data['result']);
      if (RESULTS.has(result) && !controls.has(key)) {
        controls.set(key, { record: r, at: Date.parse(r.at), result: result as Control['result'] });
      }
    }
  }
  const out: UnionSignal[] = [];
  if (p.kind === undefined || p.kind === 'same-subject') {
    out.push(...sameSubject(screenings, controls, p));
  }
  if (p.kind === undefined || p.kind === 'rising-hit-rate') {
    out.push(...risingHitRate(screenings, p));
  }
  if (p.kind === undefined || p.kind === 'diversion') {
    out.push(...diversion(screenings, controls, p));
  }
  return out.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

const inWindow = (at: number, p: SignalParameters): boolean => at >= p.from.getTime() && at < p.to.getTime();

function signalOf(
  kind: SignalKind,
  subject: UnionSignal['subject'],
  evidence: SignalEvidence[],
  score: number,
  rates?: AuthorityRate[],
): UnionSignal {
  const sorted = evidence.sort(
    (a, b) =>
      a.at.localeCompare(b.at) || a.authority.localeCompare(b.authority) || a.ref.localeCompare(b.ref),
  );
  return {
    id: `${kind}:${subject.type}:${subject.value}`,
    kind,
    subject,
    authorities: [...new Set(sorted.map((e) => e.authority))].sort(),
    score: Math.round(score * 100) / 100,
    firstAt: sorted[0]!.at,
    lastAt: sorted[sorted.length - 1]!.at,
    evidence: sorted,
    ...(rates !== undefined ? { rates } : {}),
  };
}

function evidenceOf(r: SharedInput, kind: EvidenceKind, office: string | null): SignalEvidence {
  return { authority: r.source, ref: r.ref, category: r.category, kind, at: r.at, office };
}

/**
 * An operator (EORI), container or transport document of a consignment hit by risk analysis, or
 * found irregular or seized in a control, at two or more authorities in the window. Score: one per
 * authority, two for an authority whose control found something.
 */
function sameSubject(
  screenings: ReadonlyMap<string, Screening>,
  controls: ReadonlyMap<string, Control>,
  p: SignalParameters,
): UnionSignal[] {
  const bySubject = new Map<
    string,
    { type: 'operator' | 'container' | 'document'; value: string; evidence: SignalEvidence[] }
  >();
  const add = (s: Screening, e: SignalEvidence): void => {
    const subjects = [
      ...s.operators.map((o) => ['operator', o.eori] as const),
      ...s.containers.map((c) => ['container', c] as const),
      ...s.documents.map((d) => ['document', d] as const),
    ];
    for (const [type, value] of subjects) {
      const k = `${type}:${value}`;
      const entry = bySubject.get(k) ?? { type, value, evidence: [] };
      entry.evidence.push(e);
      bySubject.set(k, entry);
    }
  };
  for (const s of screenings.values()) {
    if (s.full && s.hit && inWindow(s.at, p)) {
      add(s, evidenceOf(s.record, 'hit', s.office));
    }
  }
  for (const [key, c] of controls) {
    const s = screenings.get(key);
    if (s?.full === true && c.result !== 'no-irregularity' && inWindow(c.at, p)) {
      add(s, evidenceOf(c.record, c.result, s.office));
    }
  }
  const out: UnionSignal[] = [];
  for (const s of bySubject.values()) {
    const authorities = new Set(s.evidence.map((e) => e.authority));
    if (authorities.size < p.minAuthorities) {
      continue;
    }
    const found = new Set(s.evidence.filter((e) => e.kind !== 'hit').map((e) => e.authority));
    out.push(
      signalOf('same-subject', { type: s.type, value: s.value }, s.evidence, authorities.size + found.size),
    );
  }
  return out;
}

interface RateCount {
  n0: number;
  h0: number;
  n1: number;
  h1: number;
  readonly evidence: SignalEvidence[];
}

/**
 * A route (place of loading > country of entry) or goods/origin pair (HS heading of 4 digits and
 * origin) whose hit rate in [from, to) rose against [from - baselineDays, from) at two or more
 * authorities: each with at least `minScreened` consignments in both windows, `minHits` hits in the
 * recent one, and a one-sided two-proportion z-test (pooled) of at least `minZ`. Score: the sum of z.
 */
function risingHitRate(screenings: ReadonlyMap<string, Screening>, p: SignalParameters): UnionSignal[] {
  const start = p.from.getTime() - p.baselineDays * DAY;
  const counts = new Map<string, Map<string, RateCount>>();
  for (const s of screenings.values()) {
    if (s.at < start || s.at >= p.to.getTime()) {
      continue;
    }
    const recent = s.at >= p.from.getTime();
    const keys = new Set<string>();
    if (s.loading !== null && s.entryCountry !== null) {
      keys.add(`route:${s.loading}>${s.entryCountry}`);
    }
    for (const g of s.goods) {
      if (g.origin !== null) {
        keys.add(`goods-origin:${g.hs6.slice(0, 4)}/${g.origin}`);
      }
    }
    for (const k of keys) {
      const bySource = counts.get(k) ?? new Map<string, RateCount>();
      const c: RateCount = bySource.get(s.record.source) ?? { n0: 0, h0: 0, n1: 0, h1: 0, evidence: [] };
      if (recent) {
        c.n1++;
        if (s.hit) {
          c.h1++;
          c.evidence.push(evidenceOf(s.record, 'hit', s.office));
        }
      } else {
        c.n0++;
        c.h0 += s.hit ? 1 : 0;
      }
      bySource.set(s.record.source, c);
      counts.set(k, bySource);
    }
  }
  const out: UnionSignal[] = [];
  for (const [k, bySource] of counts) {
    const rates: AuthorityRate[] = [];
    const evidence: SignalEvidence[] = [];
    for (const [authority, c] of bySource) {
      const z = twoProportionZ(c.h0, c.n0, c.h1, c.n1);
      if (c.n0 >= p.minScreened && c.n1 >= p.minScreened && c.h1 >= p.minHits && z >= p.minZ) {
        rates.push({
          authority,
          baseline: figures(c.h0, c.n0),
          recent: figures(c.h1, c.n1),
          z: Math.round(z * 100) / 100,
        });
        evidence.push(...c.evidence);
      }
    }
    if (rates.length < p.minAuthorities) {
      continue;
    }
    rates.sort((a, b) => a.authority.localeCompare(b.authority));
    const colon = k.indexOf(':');
    out.push(
      signalOf(
        'rising-hit-rate',
        { type: k.slice(0, colon) as 'route' | 'goods-origin', value: k.slice(colon + 1) },
        evidence,
        rates.reduce((sum, r) => sum + r.z, 0),
        rates,
      ),
    );
  }
  return out;
}

const figures = (hits: number, screened: number): RateFigures => ({
  screened,
  hits,
  rate: screened === 0 ? 0 : Math.round((hits / screened) * 10_000) / 10_000,
});

/** One-sided two-proportion z (recent above baseline) with the pooled proportion; 0 when undefined. */
export function twoProportionZ(h0: number, n0: number, h1: number, n1: number): number {
  if (n0 === 0 || n1 === 0) {
    return 0;
  }
  const pooled = (h0 + h1) / (n0 + n1);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1));
  return se === 0 ? 0 : (h1 / n1 - h0 / n0) / se;
}

/**
 * After a control at one authority (in the window), consignments of the same consignor (EORI) with
 * goods of a same HS subheading (6 digits) screened at another authority's office of first entry
 * within `diversionDays` after it. Score: the entries elsewhere, plus one when the control found
 * something.
 */
function diversion(
  screenings: ReadonlyMap<string, Screening>,
  controls: ReadonlyMap<string, Control>,
  p: SignalParameters,
): UnionSignal[] {
  const byConsignor = new Map<string, Screening[]>();
  for (const s of screenings.values()) {
    for (const o of s.operators.filter((x) => x.role === 'consignor')) {
      const list = byConsignor.get(o.eori);
      if (list === undefined) {
        byConsignor.set(o.eori, [s]);
      } else {
        list.push(s);
      }
    }
  }
  const out: UnionSignal[] = [];
  for (const [key, c] of controls) {
    const controlled = screenings.get(key);
    if (controlled?.full !== true || !inWindow(c.at, p)) {
      continue;
    }
    const hs6 = new Set(controlled.goods.map((g) => g.hs6));
    for (const consignor of controlled.operators.filter((o) => o.role === 'consignor')) {
      const later = (byConsignor.get(consignor.eori) ?? []).filter(
        (s) =>
          s.record.source !== c.record.source &&
          s.office !== null &&
          s.office !== controlled.office &&
          s.at > c.at &&
          s.at <= c.at + p.diversionDays * DAY &&
          s.goods.some((g) => hs6.has(g.hs6)),
      );
      const authorities = new Set([c.record.source, ...later.map((s) => s.record.source)]);
      if (later.length === 0 || authorities.size < p.minAuthorities) {
        continue;
      }
      const goods = [...hs6].filter((h) => later.some((s) => s.goods.some((g) => g.hs6 === h))).sort();
      out.push(
        signalOf(
          'diversion',
          {
            type: 'consignor-goods',
            value: `${consignor.eori}/${goods.join('+')}/${c.record.source}:${c.record.ref}`,
          },
          [
            evidenceOf(c.record, c.result, controlled.office),
            ...later.map((s) => evidenceOf(s.record, 'entry', s.office)),
          ],
          later.length + (c.result === 'no-irregularity' ? 0 : 1),
        ),
      );
    }
  }
  return out;
}
