/**
 * Authorised economic operators as the trade's rules have them: what each kind of authorisation
 * covers (AEOC customs simplifications: the financial risk areas; AEOS security and safety; AEOF
 * both), whether an authorisation or a partner programme's recognition under a mutual recognition
 * agreement (MRA) is in force on a day, and what it lowers in an assessment. Pure: the register is
 * read by the operators feature, the assessment and the rule activation decide with these functions.
 */
import type { RiskArea } from './risk-vocabulary.ts';

export const AEO_TYPES = ['AEOC', 'AEOS', 'AEOF'] as const;
export type AeoType = (typeof AEO_TYPES)[number];

export const AEO_STATUSES = ['valid', 'suspended', 'revoked'] as const;
export type AeoStatus = (typeof AEO_STATUSES)[number];

/** What an authorisation or an agreement covers: the financial risk areas, security and safety, or both. */
export const AEO_COVERS = ['financial', 'security'] as const;
export type AeoCover = (typeof AEO_COVERS)[number];

/** The flows of goods an MRA covers: goods entering (ENS, import) or leaving the customs territory. */
export const MRA_FLOWS = ['import', 'export'] as const;
export type MraFlow = (typeof MRA_FLOWS)[number];

/** The financial risk areas (DESIGN §4) an AEOC (or AEOF) authorisation covers. */
export const FINANCIAL_RISK_AREAS: ReadonlySet<RiskArea> = new Set<RiskArea>([
  'undervaluation',
  'misclassification',
  'origin',
  'anti-dumping',
  'quota',
  'suspension',
  'procedure-42',
]);

/** What an authorisation of a type covers. */
export function coversOfType(type: AeoType): readonly AeoCover[] {
  switch (type) {
    case 'AEOC':
      return ['financial'];
    case 'AEOS':
      return ['security'];
    case 'AEOF':
      return ['financial', 'security'];
  }
}

/** The type that covers exactly these (for a partner's operator recognised under an MRA). */
export function typeOfCovers(covers: readonly AeoCover[]): AeoType | undefined {
  const financial = covers.includes('financial');
  const security = covers.includes('security');
  return financial && security ? 'AEOF' : financial ? 'AEOC' : security ? 'AEOS' : undefined;
}

/** Is a hit of this risk area lowered by what the status covers? */
export function coversArea(covers: readonly AeoCover[], riskArea: string): boolean {
  return (
    (covers.includes('security') && riskArea === 'security-safety') ||
    (covers.includes('financial') && FINANCIAL_RISK_AREAS.has(riskArea as RiskArea))
  );
}

/**
 * An AEO status an operator holds: its own authorisation (`aeo`) or its programme's recognition under
 * an MRA (`mra`). Days are ISO dates (YYYY-MM-DD), both ends included.
 */
export interface AeoGrant {
  readonly kind: 'aeo' | 'mra';
  /** The authorisation number, or the partner programme's operator identifier. */
  readonly reference: string;
  readonly type: AeoType;
  readonly covers: readonly AeoCover[];
  readonly status: AeoStatus;
  /** The day the status took effect (a suspension from that day on). */
  readonly statusFrom: string;
  readonly validFrom: string;
  readonly validUntil?: string | undefined;
  /** MRA only: the agreement, the partner's programme and country, and the flows it covers. */
  readonly agreement?: string | undefined;
  readonly programme?: string | undefined;
  readonly partnerCountry?: string | undefined;
  readonly flows?: readonly MraFlow[] | undefined;
}

/** The UTC day of an instant, as the register's dates are written. */
export function dayOf(at: Date | string): string {
  return (typeof at === 'string' ? at : at.toISOString()).slice(0, 10);
}

/**
 * Is the grant in force on `day` for goods of this flow? Within its validity, not suspended or revoked
 * from a day on or before it, and, for an MRA, covering the flow.
 */
export function inForce(g: AeoGrant, day: string, flow: MraFlow = 'import'): boolean {
  if (day < g.validFrom || (g.validUntil !== undefined && day > g.validUntil)) {
    return false;
  }
  if (g.status !== 'valid' && g.statusFrom <= day) {
    return false;
  }
  return g.flows === undefined || g.flows.includes(flow);
}

/** The grants in force on `day`, strongest first (AEOF before the others; own authorisations first). */
export function grantsInForce(
  grants: readonly AeoGrant[],
  day: string,
  flow: MraFlow = 'import',
): AeoGrant[] {
  return grants
    .filter((g) => inForce(g, day, flow))
    .sort((a, b) => b.covers.length - a.covers.length || (a.kind === b.kind ? 0 : a.kind === 'aeo' ? -1 : 1));
}

/** The AEO type the grants in force make of an operator (for rules' `profile.aeoType`), if any. */
export function aeoTypeOf(inForceGrants: readonly AeoGrant[]): AeoType | undefined {
  return typeOfCovers([...new Set(inForceGrants.flatMap((g) => g.covers))]);
}

/**
 * The operator segment of a consignment for the trusted-trader indicators: the AEO type the statuses
 * an assessment credits add up to (`aeo-c`, `aeo-s`, `aeo-f`), or `none`. Recorded with the
 * assessment, so the indicators compare AEO with non-AEO traffic as the register stood that day.
 */
export const OPERATOR_SEGMENTS = ['aeo-c', 'aeo-s', 'aeo-f', 'none'] as const;
export type OperatorSegment = (typeof OPERATOR_SEGMENTS)[number];

/** The segment of what the credited statuses cover (see OPERATOR_SEGMENTS). */
export function segmentOfCovers(covers: readonly AeoCover[]): OperatorSegment {
  switch (typeOfCovers([...new Set(covers)])) {
    case 'AEOC':
      return 'aeo-c';
    case 'AEOS':
      return 'aeo-s';
    case 'AEOF':
      return 'aeo-f';
    case undefined:
      return 'none';
  }
}
