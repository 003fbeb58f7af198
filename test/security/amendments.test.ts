/**
 * Finding 6 of the hardening review: a filer could shed a control by amending. Re-posting an
 * identical body to /amendments cancelled the task an officer held and opened a new unassigned one,
 * as often as the filer liked; amendments were accepted at any time and not audited. Each test makes
 * the attack through the API on a real database and asserts the fixed behaviour:
 * - an amendment equal to the filing on file changes nothing: no new version, no assessment, the
 *   officer's task as it was;
 * - a risk-relevant amendment is assessed again and the task keeps its assignee (even when the new
 *   data no longer asks for a control: an amendment never lowers a control);
 * - an amendment after the deadline for the mode, or after a control of the goods was decided, is
 *   refused with VIGIL_AMENDMENT_TOO_LATE;
 * - every amendment, accepted or refused, is in the audit trail, and so are registration and
 *   invalidation.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { h7Body } from '../import-declarations/imports-harness.ts';
import { testRule } from '../support/rules.ts';

const HOUR = 3_600_000;

forEachDatabase('amendments', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};
  const send = sender(app, tok);

  interface Task {
    id: string;
    mrn: string;
    version: number;
    status: string;
    assignee: string | null;
  }

  const tasksOf = async (mrn: string): Promise<Task[]> =>
    (await send('GET', '/v1/controls?limit=500&status=open,assigned,done,cancelled', 'coordinator'))
      .json()
      .items.filter((x: Task) => x.mrn === mrn);

  const auditOf = async (mrn: string) => {
    await app().deps.audit.chainPending(app().deps.db);
    return app().deps.audit.list(app().deps.db, { authority: 'NL', subject: mrn, limit: 1000 });
  };

  /** Lodges a filing the phone rule selects for control, assesses it and has officer olga take the task. */
  const lodgeControlled = async (lrn: string) => {
    const body = validFiling(app().clock.now(), { lrn });
    const lodged = await send('POST', '/v1/filings', 'filer', body);
    assert.equal(lodged.statusCode, 201, lodged.body);
    const mrn = lodged.json().mrn as string;
    assert.equal(await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 1 }), 1);
    const [task] = await tasksOf(mrn);
    assert.ok(task, 'the phone rule asks for a control');
    const taken = await send('POST', `/v1/controls/${task.id}/assign`, 'officer', {});
    assert.equal(taken.statusCode, 200, taken.body);
    return { body, mrn, task: (await tasksOf(mrn))[0]! };
  };

  before(async () => {
    t = await startTestApp(target);
    for (const [role, subject] of [
      ['analyst', 'ana'],
      ['filer', 'acme'],
      ['officer', 'olga'],
      ['coordinator', 'cora'],
    ] as const) {
      tok[role] = await app().token('NL', role, subject);
    }
    const rule = await send(
      'POST',
      '/v1/rules',
      'analyst',
      testRule({
        id: 'PHONES',
        title: 'phones on this lane',
        reason: 'counterfeit phones seen on this lane',
        condition: 'goods.exists(g, g.hsCode.startsWith("8517"))',
      }),
    );
    assert.equal(rule.statusCode, 201, rule.body);
  });

  test('an identical amendment, sent again and again, leaves the assigned task as it was', async () => {
    const { body, mrn, task } = await lodgeControlled('NOOP-1');
    assert.equal(task.status, 'assigned');
    const outbox = await app().count('outbox');
    for (let i = 0; i < 3; i++) {
      const again = await send('POST', `/v1/filings/${mrn}/amendments`, 'filer', body);
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json().version, 1, 'no new version for the same data');
    }
    assert.equal(await app().count('outbox'), outbox, 'nothing to assess again');
    // Even a consumer that looked for a version 2 would find none to assess.
    assert.equal(await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 2 }), 0);
    const tasks = await tasksOf(mrn);
    assert.deepEqual(
      tasks.map((x) => [x.id, x.version, x.status, x.assignee]),
      [[task.id, 1, 'assigned', 'olga']],
    );
  });

  test('a risk-relevant amendment is assessed again and the task keeps its assignee', async () => {
    const { body, mrn, task } = await lodgeControlled('RELEVANT-1');
    body['consignments'][0].goods[0].grossMassKg = 1300;
    const amended = await send('POST', `/v1/filings/${mrn}/amendments`, 'filer', body);
    assert.equal(amended.statusCode, 200, amended.body);
    assert.equal(amended.json().version, 2);
    assert.equal(await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 2 }), 1);
    assert.deepEqual(
      (await tasksOf(mrn)).map((x) => [x.id, x.version, x.status, x.assignee]),
      [[task.id, 2, 'assigned', 'olga']],
      'the same task, carried to version 2, still with its officer',
    );

    // Amending the phones away does not shed the control either: no version's task is left behind.
    body['consignments'][0].goods[0].hsCode = '610910';
    body['consignments'][0].goods[0].description = 'Cotton T-shirts, printed';
    const away = await send('POST', `/v1/filings/${mrn}/amendments`, 'filer', body);
    assert.equal(away.statusCode, 200, away.body);
    assert.equal(await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 3 }), 1);
    assert.deepEqual(
      (await tasksOf(mrn)).map((x) => [x.id, x.version, x.status, x.assignee]),
      [[task.id, 3, 'assigned', 'olga']],
    );
  });

  test('an amendment after the deadline for the mode is refused with VIGIL_AMENDMENT_TOO_LATE', async () => {
    const start = app().clock.now();
    const body = validFiling(start, { lrn: 'LATE-1' });
    const mrn = (await send('POST', '/v1/filings', 'filer', body)).json().mrn as string;
    const arrival = Date.parse(body['transport'].estimatedArrival as string);
    try {
      // Maritime: amendments close 2 hours before the estimated arrival of the version on file.
      app().clock.set(new Date(arrival - 2 * HOUR - 60_000));
      body['consignments'][0].goods[0].grossMassKg = 1260;
      assert.equal((await send('POST', `/v1/filings/${mrn}/amendments`, 'filer', body)).statusCode, 200);
      app().clock.set(new Date(arrival - 2 * HOUR));
      // Moving the arrival later in the same amendment does not reopen it.
      body['transport'].estimatedArrival = new Date(arrival + 48 * HOUR).toISOString();
      const late = await send('POST', `/v1/filings/${mrn}/amendments`, 'filer', body);
      assert.equal(late.statusCode, 409, late.body);
      assert.equal(late.json().code, 'VIGIL_AMENDMENT_TOO_LATE');
      assert.match(late.json().detail, /before the estimated arrival/);
    } finally {
      app().clock.set(start);
    }
  });

  test('an amendment after a control of the goods was decided is refused', async () => {
    const { body, mrn, task } = await lodgeControlled('DECIDED-1');
    const recorded = await send('POST', `/v1/controls/${task.id}/result`, 'officer', {
      result: 'no-irregularity',
      method: 'physical',
    });
    assert.equal(recorded.statusCode, 201, recorded.body);
    body['consignments'][0].goods[0].grossMassKg = 1400;
    const late = await send('POST', `/v1/filings/${mrn}/amendments`, 'filer', body);
    assert.equal(late.statusCode, 409, late.body);
    assert.equal(late.json().code, 'VIGIL_AMENDMENT_TOO_LATE');
  });

  test('nor can the filer shed a decided control by invalidating the filing', async () => {
    const { mrn, task } = await lodgeControlled('DECIDED-2');
    await send('POST', `/v1/controls/${task.id}/result`, 'officer', {
      result: 'irregularity',
      type: 'quantity',
      dutyAtStake: 10,
      taxAtStake: 5,
      method: 'physical',
    });
    const inv = await send('POST', `/v1/filings/${mrn}/invalidation`, 'filer', { reason: 'not shipped' });
    assert.equal(inv.statusCode, 409, inv.body);
    assert.equal(inv.json().code, 'VIGIL_INVALIDATION_TOO_LATE');
    assert.equal((await tasksOf(mrn))[0]!.status, 'done');
  });

  test('every amendment is audited, as are registration, invalidation and task assignment', async () => {
    const { body, mrn, task } = await lodgeControlled('AUDITED-1');
    await send('POST', `/v1/filings/${mrn}/amendments`, 'filer', body);
    body['consignments'][0].goods[0].grossMassKg = 1350;
    await send('POST', `/v1/filings/${mrn}/amendments`, 'filer', body);
    await send('POST', `/v1/filings/${mrn}/invalidation`, 'filer', { reason: 'voyage cancelled' });
    const entries = await auditOf(mrn);
    const seen = entries.map((e) => `${e.action} ${e.actor}`);
    assert.ok(seen.includes('filing.registered filer:acme'), seen.join('; '));
    assert.ok(seen.includes('control.task-assigned officer:olga'), seen.join('; '));
    assert.ok(seen.includes('filing.invalidated filer:acme'), seen.join('; '));
    assert.ok(seen.includes('control.task-cancelled filer:acme'), seen.join('; '));
    const amendments = entries.filter((e) => e.action === 'filing.amended').map((e) => e.details);
    assert.deepEqual(amendments, [
      { fromVersion: 1, version: 1, changed: false, riskRelevant: [], reassessed: false },
      { fromVersion: 1, version: 2, changed: true, riskRelevant: ['$.consignments[0]'], reassessed: true },
    ]);
    const cancelled = entries.find((e) => e.action === 'control.task-cancelled');
    assert.equal((cancelled?.details as { taskId: string }).taskId, task.id);

    // A refused amendment is recorded too.
    const late = validFiling(app().clock.now(), { lrn: 'AUDITED-2' });
    const lateMrn = (await send('POST', '/v1/filings', 'filer', late)).json().mrn as string;
    const start = app().clock.now();
    try {
      app().clock.set(new Date(Date.parse(late['transport'].estimatedArrival as string)));
      assert.equal((await send('POST', `/v1/filings/${lateMrn}/amendments`, 'filer', late)).statusCode, 409);
    } finally {
      app().clock.set(start);
    }
    assert.ok(
      (await auditOf(lateMrn)).some(
        (e) => e.action === 'filing.amendment-refused' && e.actor === 'filer:acme',
      ),
    );
  });

  test('an identical amendment of an import declaration makes no new version and no new lane', async () => {
    const body = h7Body((b) => {
      b['lrn'] = 'NOOP-H7-1';
    });
    const lodged = await send('POST', '/v1/import-declarations', 'filer', body);
    assert.equal(lodged.statusCode, 201, lodged.body);
    const id = lodged.json().id as string;
    for (let i = 0; i < 3; i++) {
      const again = await send('POST', `/v1/import-declarations/${id}/amendments`, 'filer', body);
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json().version, 1);
      assert.equal(again.json().lane, lodged.json().lane);
    }
  });
});
