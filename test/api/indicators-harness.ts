/**
 * What the indicator tests on hand-built fixtures share: the report's JSON as they read it, value
 * and breakdown comparisons to within floating-point rounding, and assessing the pending filings as
 * the worker would but with the random selection forced off (or on, for the consignments a fixture
 * means to be controlled at random), so that a fixture's controls are the ones its test computes.
 */
import assert from 'node:assert/strict';
import type { TestApp } from '../support/test-app.ts';
import { AssessmentService, DEFAULT_ENTRY_OUTCOME } from '../../src/assessment/index.ts';
import type { ReadyEvent } from '../../src/assessment/index.ts';
import { OperatorRepository } from '../../src/operators/index.ts';
import { NotificationRepository } from '../../src/notifications/index.ts';

export interface Value {
  id: string;
  value: number | null;
  unavailable?: string;
  percentiles?: { p50: number; p90: number; p99: number; count: number } | null;
  series?: { period: string; value: number | null }[];
  breakdown?: { by: string; items: { key: string; value: number | null }[] };
  rules?: { id: string; hits: number; hitRate?: number | null }[];
}
export interface Report {
  authorities: string[];
  from: string;
  to: string;
  indicators: Value[];
}

/** Equal to within floating-point rounding (sums of amounts are added in another order in SQL). */
export function near(actual: number | null | undefined, expected: number | null, what: string): void {
  if (expected === null) {
    assert.equal(actual, null, what);
    return;
  }
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${String(actual)}, expected ${expected}`,
  );
}

/** A breakdown as key → value, compared with the expected one (same keys, near values). */
export function sameItems(v: Value, by: string, expected: Record<string, number | null>): void {
  assert.equal(v.breakdown?.by, by, `${v.id} is broken down by ${by}`);
  const got = Object.fromEntries(v.breakdown.items.map((i) => [i.key, i.value]));
  assert.deepEqual(Object.keys(got).sort(), Object.keys(expected).sort(), `${v.id} by ${by}: keys`);
  for (const [k, e] of Object.entries(expected)) {
    near(got[k], e, `${v.id} by ${by} = ${k}`);
  }
}

/**
 * Assesses the filings waiting in the outbox as the worker would, each consignment selected at
 * random only if `random` says so for its MRN (never by the default rate's chance).
 */
export async function assessPending(app: TestApp, random: (mrn: string) => boolean): Promise<void> {
  const d = app.deps;
  const service = (randomRate: number) =>
    new AssessmentService({
      db: d.db,
      repo: d.assessmentRepo,
      filings: d.filingRepo,
      operators: new OperatorRepository(),
      notifications: new NotificationRepository(),
      contexts: d.contexts,
      clock: app.clock,
      outcomes: { ...DEFAULT_ENTRY_OUTCOME, randomRate },
      ...d.controls.assessmentHooks(),
      audit: d.audit,
    });
  const never = service(0);
  const always = service(1);
  const events = await d.db.query<{ id: string; payload: ReadyEvent }>(
    `SELECT id, payload FROM outbox WHERE topic = 'filing.ready' AND processed_at IS NULL ORDER BY id`,
  );
  for (const e of events.rows) {
    await (random(e.payload.mrn) ? always : never).handleReady(e.payload);
    await d.db.query('UPDATE outbox SET processed_at = now() WHERE id = $1', [e.id]);
  }
}
