/**
 * What the risk engine knows of the operators a filing names, read the same way for live assessment,
 * `POST /v1/rules/test` and backtests: one query for the filings' parties' traffic profiles, one for
 * the AEO statuses the register gives their identification numbers (own authorisations and partner
 * programmes recognised under an MRA), and one lookup the engine calls by party. A rule on
 * `operator.seizures > 0` or `operator.aeo` therefore hits in a test or a backtest exactly where it
 * hits live (backtests see the operators' profiles as they are now; AEO status is taken at the date
 * each filing is assessed as of).
 */
import type { AeoGrant, Filing } from '../domain/index.ts';
import { operatorKey } from '../domain/index.ts';
import type { OperatorProfileInput, OperatorProfileLookup } from '../risk/index.ts';
import type { Queryable } from '../store/database.ts';
import type { OperatorRepository, OperatorRow } from './operator.repository.ts';

/** Every party of the filings whose profile an assessment reads (declarant, consignors, consignees, notify parties). */
export function partyKeysOf(filings: readonly Filing[]): string[] {
  const keys = new Set<string>();
  for (const f of filings) {
    keys.add(operatorKey(f.declarant));
    for (const c of f.consignments) {
      if (c.consignor !== undefined) {
        keys.add(operatorKey(c.consignor));
      }
      if (c.consignee !== undefined) {
        keys.add(operatorKey(c.consignee));
      }
      if (c.notifyParty !== undefined) {
        keys.add(operatorKey(c.notifyParty));
      }
    }
  }
  return [...keys];
}

/** The operators of a batch of filings, as the assessment reads them. */
export interface KnownOperators {
  /** What the traffic says of each operator (first seen, filings, compliance), by operator key. */
  readonly profiles: ReadonlyMap<string, OperatorRow>;
  /** The AEO statuses each identification number holds, in force or not (the caller dates them). */
  readonly grants: ReadonlyMap<string, readonly AeoGrant[]>;
}

export const NO_OPERATORS: KnownOperators = Object.freeze({ profiles: new Map(), grants: new Map() });

/** The operators of these filings: two statements, one index probe per party each. */
export async function operatorsOf(
  repo: OperatorRepository,
  q: Queryable,
  authority: string,
  filings: readonly Filing[],
): Promise<KnownOperators> {
  const keys = partyKeysOf(filings);
  const ids = keys.filter((k) => k.startsWith('eori:')).map((k) => k.slice('eori:'.length));
  const profiles = await repo.operators(q, authority, keys);
  const grants = await repo.grants(q, authority, ids);
  return { profiles, grants };
}

/** The AEO statuses a party holds, in force or not. */
export function grantsOf(
  known: KnownOperators,
  party: { readonly eori?: string | undefined },
): readonly AeoGrant[] {
  return party.eori === undefined ? [] : (known.grants.get(party.eori) ?? []);
}

/** The engine's view of an operator: its traffic profile and its AEO statuses (dated by the engine). */
export function profileOf(o: OperatorRow | undefined, grants: readonly AeoGrant[]): OperatorProfileInput {
  return {
    aeoGrants: grants,
    ...(o !== undefined
      ? {
          controls: o.controls,
          irregularities: o.irregularities,
          seizures: o.seizures,
          firstSeen: new Date(o.first_seen).toISOString(),
        }
      : {}),
  };
}

/** The lookup the risk engine calls for each party. */
export function profileLookup(known: KnownOperators): OperatorProfileLookup {
  return (party) => {
    const o = known.profiles.get(operatorKey(party));
    const grants = grantsOf(known, party);
    return o === undefined && grants.length === 0 ? undefined : profileOf(o, grants);
  };
}
