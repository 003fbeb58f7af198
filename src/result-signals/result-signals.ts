/**
 * Signals learned from control results (issue 12, point 6): what an officer found changes the next
 * assessment without an analyst writing a rule. A result with an irregularity or a seizure leaves
 * marks on what the controlled consignment named (its consignee and consignor, the pair of them, its
 * containers, the means of transport, its place of loading with each goods heading); a later
 * consignment naming one of them is hit, the hit saying which result it came from. Marks weigh less as
 * they age and stop counting after the signal's window. Analysts tune each signal per authority
 * (weight, window) or switch it off. Pure: the marks are looked up by the caller.
 */
import { operatorKey } from '../domain/index.ts';
import type { Consignment, Filing, RiskArea, SignalHit } from '../domain/index.ts';

/** A result with something found: an irregularity or a seizure. */
export type MarkingResult = 'irregularity' | 'seizure';

/** What a mark says of the result it came from (no remarks: free text stays with the control). */
export interface MarkOrigin {
  readonly taskId: string;
  readonly mrn: string;
  readonly result: MarkingResult;
  /** Seizure category, quantity and unit; or the irregularity's type. */
  readonly category?: string | undefined;
  readonly quantity?: number | undefined;
  readonly unit?: string | undefined;
  readonly irregularityType?: string | undefined;
  readonly recordedAt: Date;
}

/** One mark: a key the controlled consignment named, the role it had there, and the result. */
export interface ResultMark extends MarkOrigin {
  readonly key: string;
  /** For an operator: consignee or consignor in the controlled consignment. */
  readonly role?: 'consignee' | 'consignor' | undefined;
}

export const RESULT_SIGNALS = [
  'SIG-RESULT-CONSIGNEE',
  'SIG-RESULT-CONSIGNOR',
  'SIG-RESULT-PAIR',
  'SIG-RESULT-CONTAINER',
  'SIG-RESULT-MEANS',
  'SIG-RESULT-ROUTE-GOODS',
] as const;
export type ResultSignalId = (typeof RESULT_SIGNALS)[number];

/** How an authority runs one signal. */
export interface ResultSignalSetting {
  readonly enabled: boolean;
  /** Weight of a hit on a seizure found today (0–100); an irregularity counts half. */
  readonly weight: number;
  /** Results older than this many days no longer count. */
  readonly days: number;
}

export interface ResultSignalDefinition extends ResultSignalSetting {
  readonly id: ResultSignalId;
  readonly title: string;
  readonly description: string;
  /** Irregularities count too (else only seizures). */
  readonly irregularities: boolean;
}

/**
 * The defaults, chosen as a targeting centre would start: an operator, a pair of them or a container
 * caught with something weighs a lot and for long; a vessel or aircraft carries thousands of
 * consignments, so its mark weighs little and briefly; a route and goods heading is a pattern, a hint.
 */
export const RESULT_SIGNAL_DEFINITIONS: Readonly<Record<ResultSignalId, ResultSignalDefinition>> = {
  'SIG-RESULT-CONSIGNEE': {
    id: 'SIG-RESULT-CONSIGNEE',
    title: 'Consignee of a recent seizure or irregularity',
    description:
      'The consignee was the consignee or consignor of a consignment in which a control found an irregularity or made a seizure.',
    enabled: true,
    weight: 60,
    days: 365,
    irregularities: true,
  },
  'SIG-RESULT-CONSIGNOR': {
    id: 'SIG-RESULT-CONSIGNOR',
    title: 'Consignor of a recent seizure or irregularity',
    description:
      'The consignor was the consignor or consignee of a consignment in which a control found an irregularity or made a seizure.',
    enabled: true,
    weight: 60,
    days: 365,
    irregularities: true,
  },
  'SIG-RESULT-PAIR': {
    id: 'SIG-RESULT-PAIR',
    title: 'Same consignor and consignee as a recent seizure or irregularity',
    description:
      'The same consignor sends to the same consignee as in a consignment a control found irregular.',
    enabled: true,
    weight: 60,
    days: 365,
    irregularities: true,
  },
  'SIG-RESULT-CONTAINER': {
    id: 'SIG-RESULT-CONTAINER',
    title: 'Container involved in a recent seizure',
    description: 'A container of the consignment carried goods that were seized.',
    enabled: true,
    weight: 70,
    days: 180,
    irregularities: false,
  },
  'SIG-RESULT-MEANS': {
    id: 'SIG-RESULT-MEANS',
    title: 'Means of transport involved in a recent seizure',
    description: 'The vessel, aircraft, train or vehicle carried a consignment whose goods were seized.',
    enabled: true,
    weight: 15,
    days: 30,
    irregularities: false,
  },
  'SIG-RESULT-ROUTE-GOODS': {
    id: 'SIG-RESULT-ROUTE-GOODS',
    title: 'Route and goods of a recent seizure',
    description: 'Goods of the same heading (HS4) loaded at the same place as goods that were seized.',
    enabled: true,
    weight: 25,
    days: 90,
    irregularities: false,
  },
};

export type ResultSignalSettings = Readonly<Record<ResultSignalId, ResultSignalSetting>>;

export const DEFAULT_RESULT_SIGNAL_SETTINGS: ResultSignalSettings = Object.fromEntries(
  RESULT_SIGNALS.map((id) => {
    const { enabled, weight, days } = RESULT_SIGNAL_DEFINITIONS[id];
    return [id, { enabled, weight, days }];
  }),
) as ResultSignalSettings;

/** The longest window of any setting: marks older than it can be purged. */
export const MAX_RESULT_SIGNAL_DAYS = 3650;

const DAY_MS = 86_400_000;

const norm = (s: string): string => s.toUpperCase().replace(/[\s-]+/g, '');

/** Keys of what a consignment names, by the signal that reads them. */
export interface ConsignmentKeys {
  readonly consignee?: string | undefined;
  readonly consignor?: string | undefined;
  readonly pair?: string | undefined;
  readonly containers: readonly string[];
  readonly means?: string | undefined;
  readonly routeGoods: readonly string[];
}

/** The keys a consignment names (the same for marking a controlled one and for looking up a new one). */
export function keysOf(filing: Filing, c: Consignment): ConsignmentKeys {
  const consignee = c.consignee === undefined ? undefined : `op:${operatorKey(c.consignee)}`;
  const consignor = c.consignor === undefined ? undefined : `op:${operatorKey(c.consignor)}`;
  const containers = new Set<string>();
  for (const k of [...c.containers, ...(filing.masterConsignment?.transportEquipment ?? [])]) {
    if (k.id.trim() !== '') {
      containers.add(`container:${norm(k.id)}`);
    }
  }
  const meansId = filing.transport?.meansId;
  const loading = c.placeOfLoading ?? filing.masterConsignment?.placeOfLoading;
  const routeGoods = new Set<string>();
  if (loading !== undefined) {
    for (const g of c.goods) {
      routeGoods.add(`route:${norm(loading)}:${g.hsCode.slice(0, 4)}`);
    }
  }
  return {
    consignee,
    consignor,
    pair:
      c.consignee !== undefined && c.consignor !== undefined
        ? `pair:${operatorKey(c.consignor)}>${operatorKey(c.consignee)}`
        : undefined,
    containers: [...containers],
    means:
      meansId !== undefined && meansId.trim() !== ''
        ? `means:${filing.transport!.mode}:${norm(meansId)}`
        : undefined,
    routeGoods: [...routeGoods],
  };
}

/** Every key of a consignment, for one lookup. */
export function allKeys(k: ConsignmentKeys): string[] {
  return [
    ...(k.consignee !== undefined ? [k.consignee] : []),
    ...(k.consignor !== undefined && k.consignor !== k.consignee ? [k.consignor] : []),
    ...(k.pair !== undefined ? [k.pair] : []),
    ...k.containers,
    ...(k.means !== undefined ? [k.means] : []),
    ...k.routeGoods,
  ];
}

/**
 * The marks a result leaves on the controlled consignment. Only what a signal can read is marked:
 * irregularities mark the operators and the pair; seizures mark everything.
 */
export function marksOf(filing: Filing, c: Consignment, origin: MarkOrigin): ResultMark[] {
  const k = keysOf(filing, c);
  const out: ResultMark[] = [];
  if (k.consignee !== undefined) {
    out.push({ ...origin, key: k.consignee, role: 'consignee' });
  }
  if (k.consignor !== undefined && k.consignor !== k.consignee) {
    out.push({ ...origin, key: k.consignor, role: 'consignor' });
  }
  if (k.pair !== undefined) {
    out.push({ ...origin, key: k.pair });
  }
  if (origin.result === 'seizure') {
    for (const key of [...k.containers, ...(k.means !== undefined ? [k.means] : []), ...k.routeGoods]) {
      out.push({ ...origin, key });
    }
  }
  return out;
}

/** The risk area a seizure category or an irregularity type belongs to. */
const AREA_OF_CATEGORY: Readonly<Record<string, RiskArea>> = {
  drugs: 'security-safety',
  'cigarettes-tobacco': 'undervaluation',
  'weapons-explosives-ammunition': 'security-safety',
  counterfeit: 'ipr',
  'sanitary-phytosanitary-product-safety': 'product-safety',
  cites: 'environment',
  cash: 'cash',
  'sanctions-dual-use': 'sanctions',
  'cultural-goods': 'cultural-goods',
  'drug-precursors': 'drug-precursors',
};
const AREA_OF_IRREGULARITY: Readonly<Record<string, RiskArea>> = {
  undervaluation: 'undervaluation',
  misclassification: 'misclassification',
  origin: 'origin',
  quantity: 'undervaluation',
  prohibited: 'security-safety',
  description: 'misclassification',
};

function riskAreaOf(m: MarkOrigin): RiskArea {
  return findingRiskArea(m.result, m.category, m.irregularityType);
}

/** The risk area of what a control found: a seizure's category, or an irregularity's type. */
export function findingRiskArea(
  result: MarkingResult,
  category: string | undefined,
  irregularityType: string | undefined,
): RiskArea {
  return result === 'seizure'
    ? (AREA_OF_CATEGORY[category ?? ''] ?? 'security-safety')
    : (AREA_OF_IRREGULARITY[irregularityType ?? ''] ?? 'undervaluation');
}

/** What was found, in words: "120 kg of drugs seized", "an undervaluation found". */
export function foundInWords(m: MarkOrigin): string {
  if (m.result === 'seizure') {
    const what = m.category ?? 'goods';
    return m.quantity !== undefined
      ? `${m.quantity} ${m.unit ?? ''} of ${what} seized`.replace('  ', ' ')
      : `${what} seized`;
  }
  return `an irregularity (${m.irregularityType ?? 'other'}) found`;
}

/** A hit of a result signal. */
export interface ResultSignalHit extends SignalHit {
  readonly id: ResultSignalId;
}

/**
 * A mark's weight today: the signal's weight for a seizure found today, half for an irregularity,
 * falling linearly to half of that at the end of the window (a result a day older than the window
 * does not count).
 */
export function markWeight(m: MarkOrigin, setting: ResultSignalSetting, now: Date): number {
  const ageDays = (now.getTime() - m.recordedAt.getTime()) / DAY_MS;
  if (ageDays > setting.days || ageDays < -1) {
    return 0;
  }
  const base = m.result === 'seizure' ? setting.weight : setting.weight / 2;
  return Math.round(base * (1 - (0.5 * Math.max(0, ageDays)) / setting.days));
}

const ROLE_OF_SIGNAL = { 'SIG-RESULT-CONSIGNEE': 'consignee', 'SIG-RESULT-CONSIGNOR': 'consignor' } as const;

/**
 * The result signals of a consignment: one hit per signal, from its strongest mark, naming the
 * result it came from (the MRN controlled, what was found, when) and how many results count.
 * A mark of the consignment's own earlier version (an amendment of a controlled filing) is ignored.
 */
export function resultSignals(
  filing: Filing,
  c: Consignment,
  self: { readonly mrn: string },
  marks: ReadonlyMap<string, readonly ResultMark[]>,
  settings: ResultSignalSettings,
  now: Date,
): ResultSignalHit[] {
  const k = keysOf(filing, c);
  const keysBySignal: Readonly<Record<ResultSignalId, readonly string[]>> = {
    'SIG-RESULT-CONSIGNEE': k.consignee !== undefined ? [k.consignee] : [],
    'SIG-RESULT-CONSIGNOR': k.consignor !== undefined ? [k.consignor] : [],
    'SIG-RESULT-PAIR': k.pair !== undefined ? [k.pair] : [],
    'SIG-RESULT-CONTAINER': k.containers,
    'SIG-RESULT-MEANS': k.means !== undefined ? [k.means] : [],
    'SIG-RESULT-ROUTE-GOODS': k.routeGoods,
  };
  const out: ResultSignalHit[] = [];
  for (const id of RESULT_SIGNALS) {
    const setting = settings[id];
    const def = RESULT_SIGNAL_DEFINITIONS[id];
    if (!setting.enabled || setting.weight === 0) {
      continue;
    }
    const counted = new Map<string, { mark: ResultMark; weight: number }>();
    for (const key of keysBySignal[id]) {
      for (const m of marks.get(key) ?? []) {
        if (m.mrn === self.mrn || (!def.irregularities && m.result !== 'seizure')) {
          continue;
        }
        const weight = markWeight(m, setting, now);
        const seen = counted.get(m.taskId);
        if (weight > 0 && (seen === undefined || weight > seen.weight)) {
          counted.set(m.taskId, { mark: m, weight });
        }
      }
    }
    if (counted.size === 0) {
      continue;
    }
    const all = [...counted.values()];
    const best = all.reduce((a, b) =>
      b.weight > a.weight || (b.weight === a.weight && b.mark.recordedAt > a.mark.recordedAt) ? b : a,
    );
    const m = best.mark;
    const seizures = all.filter((x) => x.mark.result === 'seizure').length;
    const ageDays = Math.max(0, Math.floor((now.getTime() - m.recordedAt.getTime()) / DAY_MS));
    const others =
      all.length > 1 ? ` (and ${all.length - 1} more result(s) within ${setting.days} days)` : '';
    out.push({
      id,
      title: def.title,
      riskArea: riskAreaOf(m),
      weight: best.weight,
      severity:
        m.result === 'seizure'
          ? id === 'SIG-RESULT-MEANS' || id === 'SIG-RESULT-ROUTE-GOODS'
            ? 'medium'
            : 'high'
          : 'medium',
      recommendedAction:
        id === 'SIG-RESULT-MEANS' || id === 'SIG-RESULT-ROUTE-GOODS'
          ? 'none'
          : m.result === 'seizure'
            ? 'physical-check'
            : 'documentary-check',
      reason: `${subjectOf(id, c, m)}: ${foundInWords(m)} on ${m.recordedAt.toISOString().slice(0, 10)} (${ageDays} days ago) in ${m.mrn}${others}`,
      values: {
        controlledMrn: m.mrn,
        controlTask: m.taskId,
        result: m.result,
        ...(m.category !== undefined ? { category: m.category } : {}),
        ...(m.quantity !== undefined ? { quantity: m.quantity } : {}),
        ...(m.unit !== undefined ? { unit: m.unit } : {}),
        ...(m.irregularityType !== undefined ? { irregularityType: m.irregularityType } : {}),
        recordedAt: m.recordedAt.toISOString(),
        daysAgo: ageDays,
        matched: m.key,
        results: all.length,
        seizures,
      },
    });
  }
  return out;
}

function subjectOf(id: ResultSignalId, c: Consignment, m: ResultMark): string {
  switch (id) {
    case 'SIG-RESULT-CONSIGNEE':
    case 'SIG-RESULT-CONSIGNOR': {
      const role = ROLE_OF_SIGNAL[id];
      const party = c[role];
      return `the ${role} ${party?.name ?? ''} was the ${m.role ?? role} of a controlled consignment`;
    }
    case 'SIG-RESULT-PAIR':
      return `${c.consignor?.name ?? ''} to ${c.consignee?.name ?? ''}, as in a controlled consignment`;
    case 'SIG-RESULT-CONTAINER':
      return `container ${m.key.slice('container:'.length)} was in a controlled consignment`;
    case 'SIG-RESULT-MEANS':
      return `the means of transport ${m.key.split(':').slice(2).join(':')} carried a controlled consignment`;
    case 'SIG-RESULT-ROUTE-GOODS': {
      const [, place, hs4] = m.key.split(':');
      return `goods of heading ${hs4 ?? ''} loaded at ${place ?? ''}, as in a controlled consignment`;
    }
  }
}
