/**
 * The demo authority's starting kit, so `npm start` shows a working risk engine: watchlists of known
 * bad operators and seized containers, a rule pack an analyst might begin with, and reference unit
 * values for the undervaluation signal until the authority's own history is large enough to learn
 * them. Installed once, when the authority has no rules yet.
 */
import {
  DEMO_ANTI_DUMPING_HS6,
  DEMO_BAD_OPERATORS,
  DEMO_TYPICAL_UNIT_VALUES,
  DEMO_WATCHLIST_CONTAINERS,
} from '../demo/index.ts';
import type { RiskRule } from '../risk/index.ts';
import type { Database } from '../store/database.ts';
import type { RiskRepository } from './risk.repository.ts';

type PackRule = Omit<RiskRule, 'version' | 'scope' | 'status'> & {
  readonly modes?: RiskRule['scope']['modes'];
};

const hsList = (codes: readonly string[]): string => `[${codes.map((c) => `"${c}"`).join(', ')}]`;

/** Descriptions that belong under another chapter than the one declared: concealment or misclassification. */
const MISDECLARATION_CHECKS: readonly {
  id: string;
  words: readonly string[];
  hs: readonly string[];
  title: string;
  area: RiskRule['riskArea'];
  action: RiskRule['recommendedAction'];
}[] = [
  {
    id: 'DEMO-MISDECL-TOBACCO',
    words: ['igarette', 'obacco'],
    hs: ['24'],
    title: 'Tobacco described, declared outside chapter 24',
    area: 'misclassification',
    action: 'physical-check',
  },
  {
    id: 'DEMO-MISDECL-EBIKE',
    words: ['lectric bicycle', 'edal assisted'],
    hs: ['8711'],
    title: 'E-bikes declared outside 8711 (anti-dumping)',
    area: 'anti-dumping',
    action: 'documentary-check',
  },
  {
    id: 'DEMO-MISDECL-BATTERY',
    words: ['ithium-ion battery', 'attery pack'],
    hs: ['8507'],
    title: 'Lithium batteries declared outside 8507',
    area: 'product-safety',
    action: 'documentary-check',
  },
  {
    id: 'DEMO-MISDECL-PHONES',
    words: ['martphone', 'obile phone'],
    hs: ['8517'],
    title: 'Phones declared outside 8517',
    area: 'misclassification',
    action: 'documentary-check',
  },
  {
    id: 'DEMO-MISDECL-SOLAR',
    words: ['hotovoltaic', 'olar panel', 'olar module'],
    hs: ['8541'],
    title: 'Solar modules declared outside 8541 (anti-dumping)',
    area: 'anti-dumping',
    action: 'documentary-check',
  },
  {
    id: 'DEMO-MISDECL-STEEL',
    words: ['lat steel', 'steel coil'],
    hs: ['72'],
    title: 'Flat steel declared outside chapter 72 (safeguard)',
    area: 'quota',
    action: 'documentary-check',
  },
  {
    id: 'DEMO-MISDECL-MEDICINES',
    words: [' mg capsules', ' mg tablets'],
    hs: ['30'],
    title: 'Medicines declared outside chapter 30',
    area: 'health',
    action: 'physical-check',
  },
  {
    id: 'DEMO-MISDECL-WHEELS',
    words: ['road wheels', 'alloy wheels'],
    hs: ['8708'],
    title: 'Vehicle wheels declared outside 8708',
    area: 'misclassification',
    action: 'documentary-check',
  },
];

export function demoRules(): PackRule[] {
  const misdeclarations: PackRule[] = MISDECLARATION_CHECKS.map((m) => ({
    id: m.id,
    title: m.title,
    riskArea: m.area,
    weight: 55,
    severity: 'high',
    recommendedAction: m.action,
    reason: 'The goods description does not fit the goods code declared.',
    condition: `goods.exists(g, (${m.words.map((w) => `g.description.contains(${JSON.stringify(w)})`).join(' || ')}) && !hsIn(g.hsCode, ${hsList(m.hs)}))`,
  }));
  return [
    {
      id: 'DEMO-BAD-OPERATOR',
      title: 'Party on the list of known bad operators',
      riskArea: 'undervaluation',
      weight: 65,
      severity: 'high',
      recommendedAction: 'physical-check',
      reason: 'A party of this consignment matches an operator with a record of fraud.',
      condition:
        'inWatchlist("bad-operators", consignor.name) || inWatchlist("bad-operators", consignee.name) || (consignee.eori != "" && inWatchlist("bad-operator-eoris", consignee.eori))',
    },
    {
      id: 'DEMO-SEIZED-CONTAINER',
      title: 'Container linked to an earlier seizure',
      riskArea: 'security-safety',
      weight: 70,
      severity: 'high',
      recommendedAction: 'scan',
      reason: 'A container of this consignment was involved in an earlier seizure.',
      condition: 'containers.exists(c, c.id in watchlist("seized-containers"))',
    },
    {
      id: 'DEMO-AD-CIRCUMVENTION',
      title: 'Anti-dumping goods routed from China with another declared origin',
      riskArea: 'anti-dumping',
      weight: 50,
      severity: 'medium',
      recommendedAction: 'documentary-check',
      reason:
        'Goods under anti-dumping duties on Chinese origin, routed from China but declared of another origin.',
      condition: `"CN" in consignment.routing && goods.exists(g, hsIn(g.hsCode, ${hsList(DEMO_ANTI_DUMPING_HS6)}) && g.origin != "CN" && g.origin != "")`,
      modes: ['maritime', 'rail', 'road'],
    },
    {
      id: 'DEMO-AIR-BATTERIES-UNKNOWN-SHIPPER',
      title: 'Lithium batteries by air from an unknown shipper',
      riskArea: 'security-safety',
      weight: 35,
      severity: 'medium',
      recommendedAction: 'high-risk-screening',
      reason: 'Lithium batteries shipped by air by a consignor never seen before.',
      condition: 'goods.exists(g, hsIn(g.hsCode, ["850760", "850650"])) && !consignor.profile.known',
      modes: ['air', 'express', 'postal'],
    },
    {
      id: 'DEMO-DRUG-ROUTE',
      title: 'Container from a drug-source country',
      riskArea: 'security-safety',
      weight: 25,
      severity: 'medium',
      recommendedAction: 'none',
      reason: 'Loaded in a country often used as departure point for drug trafficking.',
      condition: 'inGroup(consignment.loadingCountry, "drug-source") && consignment.containerCount > 0',
    },
    {
      id: 'DEMO-SANCTIONED-AIR-PRELOAD',
      title: 'Air cargo consigned from a sanctioned country',
      riskArea: 'sanctions',
      weight: 90,
      severity: 'critical',
      recommendedAction: 'do-not-load',
      reason: 'Cargo from a country under restrictive measures must not be loaded before it is cleared.',
      condition: 'inGroup(consignor.country, "sanctioned")',
      modes: ['air', 'express', 'postal'],
    },
    {
      id: 'DEMO-TOBACCO-TO-NEW-CONSIGNEE',
      title: 'Tobacco for a consignee with no history',
      riskArea: 'undervaluation',
      weight: 40,
      severity: 'medium',
      recommendedAction: 'request-for-information',
      reason:
        'Excise goods for a consignee that has not imported before: confirm the consignee and the excise arrangements.',
      condition: 'goods.exists(g, g.chapter == "24") && !consignee.profile.known',
    },
    ...misdeclarations,
  ];
}

/** Installs the kit for `authority` unless it has rules already; returns whether it did. */
export async function installDemoPack(
  db: Database,
  repo: RiskRepository,
  authority: string,
  at: Date,
): Promise<boolean> {
  if ((await repo.currentRules(db, authority)).length > 0) {
    return false;
  }
  await db.transaction(async (tx) => {
    await repo.upsertWatchlist(
      tx,
      authority,
      {
        name: 'bad-operators',
        subject: 'operator-name',
        threshold: 0.85,
        description: 'Operators with a record of fraud (demo)',
      },
      at,
    );
    await repo.replaceEntries(
      tx,
      authority,
      'bad-operators',
      DEMO_BAD_OPERATORS.map((p) => ({ value: p.name, note: p.address.country })),
    );
    await repo.upsertWatchlist(
      tx,
      authority,
      {
        name: 'bad-operator-eoris',
        subject: 'eori',
        description: 'EORIs of operators with a record of fraud (demo)',
      },
      at,
    );
    await repo.replaceEntries(
      tx,
      authority,
      'bad-operator-eoris',
      DEMO_BAD_OPERATORS.flatMap((p) => (p.eori !== undefined ? [{ value: p.eori }] : [])),
    );
    await repo.upsertWatchlist(
      tx,
      authority,
      {
        name: 'seized-containers',
        subject: 'container',
        description: 'Containers involved in earlier seizures (demo)',
      },
      at,
    );
    await repo.replaceEntries(
      tx,
      authority,
      'seized-containers',
      DEMO_WATCHLIST_CONTAINERS.map((id) => ({ value: id })),
    );
    for (const r of demoRules()) {
      const { modes, ...rest } = r;
      await repo.insertRule(
        tx,
        authority,
        {
          ...rest,
          version: 1,
          status: 'active',
          scope: { authority, ...(modes !== undefined ? { modes } : {}) },
        },
        'demo-pack',
        at,
      );
    }
    // Reference prices: ln(EUR/kg) with a spread of about ×1.4 either side, as if learned from 50 filings.
    await repo.replaceUnitValueStats(
      tx,
      authority,
      DEMO_TYPICAL_UNIT_VALUES.map((t) => ({
        hs6: t.hs6,
        origin: t.origin,
        n: 50,
        median: Math.log(t.eurPerKg),
        mad: 0.23,
      })),
      at,
    );
  });
  return true;
}
