/**
 * Demo traffic on a test app, for the indicators: the demo pack's rules for NL, demo filings lodged
 * over a few days (some refused for errors, by two filers), each day's filings assessed as the outbox
 * would have them, and a result recorded on every control task by an officer through the API (a
 * seizure, an irregularity with duty at stake, or nothing found, in turn), some hours after the task.
 * Deterministic for the app's test clock.
 */
import assert from 'node:assert/strict';
import { installDemoPack } from '../../src/demo/demo-pack.ts';
import { generateDemoFilings } from '../../src/demo/index.ts';
import type { TestApp } from './test-app.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SEIZURES = ['drugs', 'counterfeit', 'cigarettes-tobacco'] as const;

export interface DemoTrafficOptions {
  readonly days: number;
  readonly perDay: number;
  /** Filer names (a hostile one tests that the report escapes what filers write). */
  readonly filers?: readonly string[];
}

export interface DemoTraffic {
  readonly first: string;
  /** The day after the last (the API's exclusive `to`). */
  readonly end: string;
  readonly lodged: number;
  readonly refused: number;
  readonly controls: number;
}

export async function loadDemoTraffic(app: TestApp, options: DemoTrafficOptions): Promise<DemoTraffic> {
  const start = app.clock.now();
  assert.ok(await installDemoPack(app.deps, 'NL', start), 'the demo pack installs on a fresh app');
  const filers = options.filers ?? ['acme', 'bolt'];
  let lodged = 0;
  let refused = 0;
  for (let d = 0; d < options.days; d++) {
    app.clock.set(new Date(start.getTime() + d * DAY));
    let n = 0;
    for (const f of generateDemoFilings({
      count: options.perDay,
      seed: d + 1,
      now: app.clock.now(),
      invalidShare: 0.1,
      riskyShare: 0.15,
    })) {
      const filer = { subject: filers[n++ % filers.length]!, authority: 'NL', role: 'filer' as const };
      try {
        await app.deps.filings.register(filer, f.filing);
        lodged++;
      } catch {
        // Refused for errors: recorded for the rejection rate, which is what the demo's faults are for.
        refused++;
      }
    }
    const ready = await app.deps.db.query<{ payload: { mrn: string; authority: string; version: number } }>(
      `SELECT payload FROM outbox WHERE topic = 'filing.ready' AND processed_at IS NULL ORDER BY id`,
    );
    for (const e of ready.rows) {
      await app.deps.assessments.handleReady(e.payload);
    }
    await app.deps.db.query(
      `UPDATE outbox SET processed_at = now() WHERE processed_at IS NULL AND topic = 'filing.ready'`,
    );
  }
  const officer = await app.token('NL', 'officer', 'olga');
  const queue = await app.server.app.inject({
    method: 'GET',
    url: '/v1/controls?limit=500',
    headers: { authorization: `Bearer ${officer}` },
  });
  assert.equal(queue.statusCode, 200, queue.body);
  const tasks = queue.json().items as { id: string; createdAt: string }[];
  for (const [k, task] of tasks.entries()) {
    const result =
      k % 3 === 0
        ? {
            result: 'seizure',
            category: SEIZURES[(k / 3) % SEIZURES.length],
            quantity: 10 + k,
            unit: 'kg',
            method: 'physical',
          }
        : k % 3 === 1
          ? {
              result: 'irregularity',
              type: 'undervaluation',
              dutyAtStake: 1000 * k,
              taxAtStake: 210 * k,
              method: 'documentary',
            }
          : { result: 'no-irregularity', method: 'scan' };
    app.clock.set(new Date(Date.parse(task.createdAt) + (2 + (k % 30)) * HOUR));
    const r = await app.server.app.inject({
      method: 'POST',
      url: `/v1/controls/${task.id}/result`,
      headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' },
      payload: JSON.stringify(result),
    });
    assert.equal(r.statusCode, 201, r.body);
  }
  // After every result: a report read now sees them all.
  app.clock.set(new Date(start.getTime() + (options.days + 2) * DAY));
  const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
  return {
    first: day(start.getTime()),
    end: day(start.getTime() + options.days * DAY),
    lodged,
    refused,
    controls: tasks.length,
  };
}
