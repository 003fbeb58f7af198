/**
 * Statistical signals beyond rules (DESIGN §2.2): unit value far from what the same goods from the
 * same origin usually declare, mass and packaging that do not fit together, first-time or dormant
 * operators, and unusual routes. Each signal carries the numbers behind it so an officer can see why.
 * Pure: statistics and operator profiles are looked up through functions passed in.
 */
import { operatorKey, toEur } from '../domain/index.ts';
import type { Consignment, Filing, SignalHit } from '../domain/index.ts';
import type { RiskArea } from '../risk/index.ts';
import { countryGroups } from '../risk/index.ts';

export interface UnitValueStats {
  readonly n: number;
  /** Median and median absolute deviation of ln(EUR per kg). */
  readonly median: number;
  readonly mad: number;
}

export interface OperatorHistory {
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  readonly filings: number;
}

export type { SignalHit } from '../domain/index.ts';

export interface SignalContext {
  readonly now: Date;
  readonly unitValueStats: (hs6: string, origin: string) => UnitValueStats | undefined;
  readonly operator: (key: string) => OperatorHistory | undefined;
}

export const SIGNAL_SETTINGS = Object.freeze({
  /** Fewer comparable declarations than this and the unit value says nothing. */
  minHistory: 20,
  /** Robust z-score (in MADs of ln value) below which a unit value is flagged. */
  undervaluedZ: -3,
  /** A package of this kind heavier than this (kg) does not fit the declared package type. */
  maxKgPerSmallPackage: 1500,
  newOperatorDays: 30,
  dormantDays: 365,
});

const SMALL_PACKAGES: ReadonlySet<string> = new Set(['CT', 'BX', 'PK', 'BG', 'PA', 'CS', 'EN', 'PC']);
const DAY_MS = 86_400_000;

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

/**
 * Operator signals, one id per role so each can be reviewed alone. An unknown consignee (who imports
 * and pays the duties) is a financial risk; an unknown consignor (who loads the goods) is a security
 * one, the risk ICS2's pre-loading analysis is about.
 */
const SIGNAL_OF_ROLE = {
  consignee: { new: 'SIG-NEW-CONSIGNEE', dormant: 'SIG-DORMANT-CONSIGNEE', riskArea: 'undervaluation' },
  consignor: { new: 'SIG-NEW-CONSIGNOR', dormant: 'SIG-DORMANT-CONSIGNOR', riskArea: 'security-safety' },
} as const satisfies Record<string, { new: string; dormant: string; riskArea: RiskArea }>;

export function consignmentSignals(filing: Filing, c: Consignment, ctx: SignalContext): SignalHit[] {
  const out: SignalHit[] = [];
  c.goods.forEach((g, i) => {
    const origin = g.origin ?? c.consignor?.address?.country;
    if (g.value !== undefined && origin !== undefined && g.grossMassKg > 0) {
      const eur = toEur(g.value.amount, g.value.currency, ctx.now);
      const hs6 = g.hsCode.slice(0, 6);
      const stats = ctx.unitValueStats(hs6, origin);
      if (
        eur !== undefined &&
        eur > 0 &&
        stats !== undefined &&
        stats.n >= SIGNAL_SETTINGS.minHistory &&
        stats.mad > 0
      ) {
        const perKg = eur / g.grossMassKg;
        const z = (Math.log(perKg) - stats.median) / (1.4826 * stats.mad);
        if (z <= SIGNAL_SETTINGS.undervaluedZ) {
          const usual = Math.exp(stats.median);
          const below = 1 - perKg / usual;
          out.push({
            id: 'SIG-UNIT-VALUE',
            title: 'Unit value far below the usual for these goods and origin',
            riskArea: 'undervaluation',
            weight: Math.min(70, Math.round(15 * -z)),
            severity: z <= -5 ? 'high' : 'medium',
            recommendedAction: 'documentary-check',
            reason: `goods item ${i + 1}: declared ${round(perKg)} EUR/kg for ${hs6} from ${origin}; the usual is ${round(usual)} EUR/kg (median of ${stats.n} declarations), ${Math.round(below * 100)}% below (robust z = ${round(z, 1)})`,
            values: {
              goodsItem: i + 1,
              hs6,
              origin,
              valuePerKgEur: round(perKg),
              usualValuePerKgEur: round(usual),
              history: stats.n,
              robustZ: round(z, 1),
            },
          });
        }
      }
    }
    if (g.packages !== undefined && SMALL_PACKAGES.has(g.packages.type)) {
      const perPackage = g.grossMassKg / g.packages.count;
      if (perPackage > SIGNAL_SETTINGS.maxKgPerSmallPackage || perPackage < 0.001) {
        out.push({
          id: 'SIG-MASS-PACKAGING',
          title: 'Mass and packaging do not fit together',
          riskArea: 'misclassification',
          weight: 20,
          severity: 'low',
          recommendedAction: 'documentary-check',
          reason: `goods item ${i + 1}: ${round(perPackage, 3)} kg per package of type ${g.packages.type} (${g.grossMassKg} kg in ${g.packages.count})`,
          values: { goodsItem: i + 1, kgPerPackage: round(perPackage, 3), packageType: g.packages.type },
        });
      }
    }
  });

  for (const [role, party] of [
    ['consignee', c.consignee],
    ['consignor', c.consignor],
  ] as const) {
    // A consignment "to order" has no consignee to know.
    if (party === undefined) {
      continue;
    }
    const history = ctx.operator(operatorKey(party));
    if (history === undefined || history.filings === 0) {
      out.push({
        id: SIGNAL_OF_ROLE[role].new,
        title: `First-time ${role}`,
        riskArea: SIGNAL_OF_ROLE[role].riskArea,
        weight: 10,
        severity: 'low',
        recommendedAction: 'none',
        reason: `the ${role} ${party.name} has not been seen before`,
        values: { role, operator: party.name },
      });
      continue;
    }
    const sinceFirst = (ctx.now.getTime() - history.firstSeen.getTime()) / DAY_MS;
    const sinceLast = (ctx.now.getTime() - history.lastSeen.getTime()) / DAY_MS;
    if (sinceLast >= SIGNAL_SETTINGS.dormantDays) {
      out.push({
        id: SIGNAL_OF_ROLE[role].dormant,
        title: `Dormant ${role} reappears`,
        riskArea: SIGNAL_OF_ROLE[role].riskArea,
        weight: 15,
        severity: 'low',
        recommendedAction: 'none',
        reason: `the ${role} ${party.name} had filed nothing for ${Math.round(sinceLast)} days`,
        values: { role, operator: party.name, daysDormant: Math.round(sinceLast) },
      });
    } else if (sinceFirst < SIGNAL_SETTINGS.newOperatorDays && history.filings < 3) {
      out.push({
        id: SIGNAL_OF_ROLE[role].new,
        title: `New ${role}`,
        riskArea: SIGNAL_OF_ROLE[role].riskArea,
        weight: 8,
        severity: 'low',
        recommendedAction: 'none',
        reason: `the ${role} ${party.name} was first seen ${Math.round(sinceFirst)} days ago (${history.filings} filings)`,
        values: { role, operator: party.name, daysKnown: Math.round(sinceFirst), filings: history.filings },
      });
    }
  }

  // Routes: goods of one origin loaded in a known transshipment hub, or passing a sanctioned country.
  const loading = (c.placeOfLoading ?? filing.masterConsignment?.placeOfLoading ?? '').slice(0, 2);
  const origins = new Set(c.goods.flatMap((g) => (g.origin !== undefined ? [g.origin] : [])));
  if (
    loading !== '' &&
    countryGroups.has('high-risk-transshipment', loading) &&
    origins.size > 0 &&
    !origins.has(loading)
  ) {
    out.push({
      id: 'SIG-ROUTE-TRANSSHIPMENT',
      title: 'Goods loaded in a transshipment hub away from their origin',
      riskArea: 'origin',
      weight: 15,
      severity: 'medium',
      recommendedAction: 'none',
      reason: `goods of origin ${[...origins].join(', ')} loaded in ${loading}, a hub often used to route goods around measures`,
      values: { loadingCountry: loading, origins: [...origins].join(',') },
    });
  }
  const sanctioned = [...new Set([...(filing.transport?.routing ?? []), ...(c.routing ?? [])])].filter(
    (ctry) => countryGroups.has('sanctioned', ctry),
  );
  if (sanctioned.length > 0) {
    out.push({
      id: 'SIG-ROUTE-SANCTIONED',
      title: 'Route through a country under restrictive measures',
      riskArea: 'sanctions',
      weight: 35,
      severity: 'high',
      // Whole corridors (China–Europe rail) pass these countries: a signal that adds to other evidence,
      // not a reason to control on its own.
      recommendedAction: 'none',
      reason: `the routing passes ${sanctioned.join(', ')}`,
      values: { countries: sanctioned.join(',') },
    });
  }
  return onePerSignal(out);
}

/**
 * A consignment's explanation has one hit per signal: hit ids are what analysts review, so they must
 * not repeat. Where a signal fires for several goods items, the strongest item's hit stands for it,
 * its reason names every item, and `goodsItems` lists them.
 */
function onePerSignal(hits: readonly SignalHit[]): SignalHit[] {
  const byId = new Map<string, SignalHit[]>();
  for (const h of hits) {
    const same = byId.get(h.id);
    if (same === undefined) {
      byId.set(h.id, [h]);
    } else {
      same.push(h);
    }
  }
  return [...byId.values()].map((same) => {
    if (same.length === 1) {
      return same[0]!;
    }
    const strongest = same.reduce((a, b) => (b.weight > a.weight ? b : a));
    return {
      ...strongest,
      reason: same.map((h) => h.reason).join('; '),
      values: { ...strongest.values, goodsItems: same.map((h) => h.values['goodsItem']).join(', ') },
    };
  });
}
