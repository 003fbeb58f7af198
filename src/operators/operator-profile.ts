/**
 * What the risk engine knows of the operators a filing names, read the same way for live assessment,
 * `POST /v1/rules/test` and backtests: one query for the filings' parties, one lookup the engine calls
 * by party. A rule on `operator.seizures > 0` therefore hits in a test or a backtest exactly where
 * it hits live (backtests see the operators' profiles as they are now).
 */
import type { Filing } from '../domain/index.ts';
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

/** The operators of these filings, by operator key (one query). */
export async function operatorsOf(
  repo: OperatorRepository,
  q: Queryable,
  authority: string,
  filings: readonly Filing[],
): Promise<Map<string, OperatorRow>> {
  return repo.operators(q, authority, partyKeysOf(filings));
}

/** The engine's view of an operator row. */
export function profileOf(o: OperatorRow): OperatorProfileInput {
  return {
    aeo: o.aeo_type !== null,
    ...(o.aeo_type !== null ? { aeoType: o.aeo_type as 'AEOC' | 'AEOS' | 'AEOF' } : {}),
    controls: o.controls,
    irregularities: o.irregularities,
    seizures: o.seizures,
    firstSeen: new Date(o.first_seen).toISOString(),
  };
}

/** The lookup the risk engine calls for each party. */
export function profileLookup(ops: ReadonlyMap<string, OperatorRow>): OperatorProfileLookup {
  return (party) => {
    const o = ops.get(operatorKey(party));
    return o === undefined ? undefined : profileOf(o);
  };
}
