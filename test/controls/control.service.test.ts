/**
 * Controls on a real database (PGlite, and PostgreSQL when configured): tasks from control
 * recommendations and confirmed hits, the queue and assignment, immutable results with corrections,
 * and the feedback they give: operators' compliance history, the outbox event and rule statistics.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../../src/errors/index.ts';
import type { ControlTask } from '../../src/controls/index.ts';
import { forEachDatabase } from '../support/test-app.ts';
import { PHONES_RULE, actor, startControls } from './controls-harness.ts';
import type { ControlsHarness } from './controls-harness.ts';

const officer = actor('officer', 'olga');
const CONSIGNEE = 'eori:DE123456789012345';
const CONSIGNOR = 'name:CN:shenzhen bright electronics co';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof VigilError, String(e));
    assert.equal(e.code, code, e.message);
    return true;
  });
}

forEachDatabase('controls', (target) => {
  let h: ControlsHarness | undefined;
  const c = () => h!;
  before(async () => {
    h = await startControls(target);
    await c().rules.create(actor('analyst', 'ana'), PHONES_RULE);
    // A low-weight rule that asks for nothing: its hits become controls only when an analyst confirms one.
    await c().rules.create(actor('analyst', 'ana'), {
      ...PHONES_RULE,
      id: 'R-TEXTILES',
      title: 'Textiles',
      weight: 10,
      severity: 'low',
      recommendedAction: 'none',
      condition: 'goods.exists(g, g.hsCode.startsWith("6109"))',
    });
  });
  after(async () => {
    await h?.close();
  });

  const operatorRow = async (key: string) =>
    (
      await c().db.query<{ controls: number; irregularities: number; seizures: number }>(
        `SELECT controls, irregularities, seizures FROM operator WHERE authority = 'NL' AND key = $1`,
        [key],
      )
    ).rows[0];
  const taskOf = async (mrn: string): Promise<ControlTask> => {
    const page = await c().controls.list(officer, {
      limit: 500,
      status: ['open', 'assigned', 'done', 'cancelled'],
    });
    const t = page.items.find((x) => x.mrn === mrn);
    assert.ok(t, `a task for ${mrn}`);
    return t;
  };
  // Another consignee: the default one builds up a compliance history over these tests.
  const textiles = (f: Record<string, any>) => {
    f['consignments'][0].goods[0].hsCode = '610910';
    f['consignments'][0].goods[0].description = 'Cotton T-shirts';
    f['consignments'][0].consignee.eori = 'DE999999999999999';
    f['consignments'][0].consignee.name = 'Textil Import GmbH';
  };

  test('a control recommendation becomes one task for its office, due at arrival, once', async () => {
    const mrn = await c().fileAndAssess('CT-1');
    const [a] = await c().assessmentRepo.currentAssessments(c().db, 'NL', mrn);
    assert.equal(a!.outcomeKind, 'control-recommended');
    const task = await taskOf(mrn);
    assert.equal(task.office, 'NL000396');
    assert.equal(task.controlType, 'physical');
    assert.equal(task.source, 'risk');
    assert.equal(task.status, 'open');
    assert.deepEqual(task.ruleRefs, [{ id: 'R-PHONES', version: 1 }]);
    assert.equal(task.dueAt, new Date(c().clock.now().getTime() + 14 * DAY).toISOString());
    // The hook runs again for the same (mrn, version, consignment): the same task, nothing new.
    const again = await c().db.transaction(async (tx) =>
      c().controls.createTasksFor(tx, a!, (await c().filingRepo.findByMrn(tx, 'NL', mrn))!),
    );
    assert.equal(again?.id, task.id);
    const n = await c().db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM control_task WHERE mrn = $1`,
      [mrn],
    );
    assert.equal(n.rows[0]!.n, 1);
  });

  test('a consignment without a control recommendation gets no task', async () => {
    const mrn = await c().fileAndAssess('CT-NONE', textiles);
    const n = await c().db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM control_task WHERE mrn = $1`,
      [mrn],
    );
    assert.equal(n.rows[0]!.n, 0);
  });

  test('a result feeds the operators, the outbox and the rule statistics; a correction changes them', async () => {
    const mrn = await c().fileAndAssess('CT-RESULT');
    const task = await taskOf(mrn);
    const before = {
      consignee: (await operatorRow(CONSIGNEE))!,
      consignor: await operatorRow(CONSIGNOR),
      stats: await c().controls.ruleStats(officer, 'R-PHONES', {}),
    };
    const first = await c().controls.recordResult(officer, task.id, {
      result: 'irregularity',
      type: 'undervaluation',
      dutyAtStake: 1200,
      taxAtStake: 3400.5,
      method: 'documentary',
      remarks: 'invoice shows a third of the price paid',
    });
    assert.equal(first.task.status, 'done');
    assert.equal(first.result.current, true);
    assert.deepEqual(first.result.details, { type: 'undervaluation', dutyAtStake: 1200, taxAtStake: 3400.5 });

    const consignee = (await operatorRow(CONSIGNEE))!;
    assert.equal(consignee.controls, before.consignee.controls + 1);
    assert.equal(consignee.irregularities, before.consignee.irregularities + 1);
    assert.equal((await operatorRow(CONSIGNOR))!.irregularities, (before.consignor?.irregularities ?? 0) + 1);

    const events = await c().db.query<{ key: string; payload: any }>(
      `SELECT key, payload FROM outbox WHERE topic = 'control.result-recorded' AND payload->>'taskId' = $1 ORDER BY id`,
      [task.id],
    );
    assert.equal(events.rows.length, 1);
    assert.equal(events.rows[0]!.payload.resultId, first.result.id);
    assert.equal(events.rows[0]!.payload.mrn, mrn);
    assert.equal(events.rows[0]!.payload.result.kind, 'irregularity');
    assert.equal(events.rows[0]!.payload.result.remarks, undefined, 'remarks stay in the office');

    const stats = await c().controls.ruleStats(officer, 'R-PHONES', {});
    const v1 = stats.versions[0]!;
    const v1Before = before.stats.versions[0]!;
    assert.equal(v1.controls, v1Before.controls + 1);
    assert.equal(v1.positives, v1Before.positives + 1);
    assert.equal(v1.dutyAtStake, v1Before.dutyAtStake + 1200);
    assert.equal(v1.taxAtStake, v1Before.taxAtStake + 3400.5);

    // The correction: nothing was wrong after all.
    const second = await c().controls.recordResult(officer, task.id, {
      result: 'no-irregularity',
      method: 'documentary',
      supersedes: first.result.id,
      reason: 'the invoice was for another consignment',
    });
    const { results } = await c().controls.get(officer, task.id);
    assert.deepEqual(
      results.map((r) => [r.id, r.current, r.supersededBy, r.supersedes]),
      [
        [first.result.id, false, second.result.id, null],
        [second.result.id, true, null, first.result.id],
      ],
    );
    const corrected = (await operatorRow(CONSIGNEE))!;
    assert.equal(corrected.controls, consignee.controls, 'still one control');
    assert.equal(corrected.irregularities, before.consignee.irregularities, 'the irregularity is gone');
    const after = (await c().controls.ruleStats(officer, 'R-PHONES', {})).versions[0]!;
    assert.equal(after.controls, v1.controls);
    assert.equal(after.positives, v1Before.positives);
    assert.equal(after.falsePositives, v1.falsePositives + 1);
    assert.equal(after.dutyAtStake, v1Before.dutyAtStake);
    const all = await c().db.query(
      `SELECT 1 FROM outbox WHERE topic = 'control.result-recorded' AND payload->>'taskId' = $1`,
      [task.id],
    );
    assert.equal(all.rows.length, 2, 'the correction is told too');
  });

  test('results are immutable: a second result needs `supersedes`, an old one cannot be corrected again', async () => {
    const mrn = await c().fileAndAssess('CT-IMMUTABLE');
    const task = await taskOf(mrn);
    const first = await c().controls.recordResult(officer, task.id, {
      result: 'seizure',
      category: 'counterfeit',
      quantity: 250,
      unit: 'items',
      method: 'physical',
    });
    await rejects(
      c().controls.recordResult(officer, task.id, { result: 'no-irregularity', method: 'physical' }),
      'VIGIL_CONFLICT',
    );
    const second = await c().controls.recordResult(officer, task.id, {
      result: 'seizure',
      category: 'counterfeit',
      quantity: 240,
      unit: 'items',
      method: 'physical',
      supersedes: first.result.id,
      reason: 'counted again',
    });
    await rejects(
      c().controls.recordResult(officer, task.id, {
        result: 'no-irregularity',
        method: 'physical',
        supersedes: first.result.id,
      }),
      'VIGIL_CONFLICT',
    );
    await rejects(
      c().controls.recordResult(officer, task.id, {
        result: 'no-irregularity',
        method: 'physical',
        supersedes: 'nope',
      }),
      'VIGIL_NOT_FOUND',
    );
    // The database refuses changes too.
    await assert.rejects(
      c().db.query(`UPDATE control_result SET result = 'no-irregularity' WHERE id = $1`, [second.result.id]),
    );
    await assert.rejects(c().db.query(`DELETE FROM control_result WHERE id = $1`, [first.result.id]));
    const { results } = await c().controls.get(officer, task.id);
    assert.deepEqual(
      results.map((r) => [r.result, r.details['quantity'], r.current]),
      [
        ['seizure', 250, false],
        ['seizure', 240, true],
      ],
    );
    assert.equal((await operatorRow(CONSIGNEE))!.seizures >= 1, true);
  });

  test('who may do what: filers see nothing, only officers record, another authority finds nothing', async () => {
    const mrn = await c().fileAndAssess('CT-ROLES');
    const task = await taskOf(mrn);
    await rejects(c().controls.list(actor('filer', 'acme'), { limit: 10 }), 'VIGIL_FORBIDDEN');
    await rejects(c().controls.get(actor('filer', 'acme'), task.id), 'VIGIL_FORBIDDEN');
    await rejects(c().controls.ruleStats(actor('filer', 'acme'), 'R-PHONES', {}), 'VIGIL_FORBIDDEN');
    const result = { result: 'no-irregularity', method: 'scan' } as const;
    await rejects(c().controls.recordResult(actor('analyst'), task.id, result), 'VIGIL_FORBIDDEN');
    await rejects(c().controls.recordResult(actor('filer', 'acme'), task.id, result), 'VIGIL_FORBIDDEN');
    const belgian = actor('officer', 'olga', 'BE');
    await rejects(c().controls.get(belgian, task.id), 'VIGIL_NOT_FOUND');
    await rejects(c().controls.recordResult(belgian, task.id, result), 'VIGIL_NOT_FOUND');
    await rejects(c().controls.assign(belgian, task.id, {}), 'VIGIL_NOT_FOUND');
    assert.equal((await c().controls.list(belgian, { limit: 10 })).items.length, 0);
    await rejects(c().controls.ruleStats(belgian, 'R-PHONES', {}), 'VIGIL_RULE_NOT_FOUND');
    // An officer takes a task for themselves only; a coordinator assigns anyone.
    await rejects(c().controls.assign(officer, task.id, { assignee: 'someone-else' }), 'VIGIL_FORBIDDEN');
    assert.equal((await c().controls.assign(officer, task.id, {})).assignee, 'olga');
    await rejects(c().controls.assign(actor('officer', 'oscar'), task.id, {}), 'VIGIL_CONFLICT');
    assert.equal(
      (await c().controls.assign(actor('coordinator', 'cora'), task.id, { assignee: 'oscar' })).assignee,
      'oscar',
    );
    assert.equal((await c().controls.recordResult(actor('admin'), task.id, result)).task.status, 'done');
    await rejects(c().controls.assign(officer, task.id, {}), 'VIGIL_CONFLICT');
  });

  test('the queue filters by office and status, pages by due time, and assigns by workload', async () => {
    const office = 'NL000510';
    const mrns: string[] = [];
    for (const days of [9, 3, 6, 12, 5]) {
      mrns.push(
        await c().fileAndAssess(`CT-Q-${days}`, (f) => {
          f['officeOfFirstEntry'] = office;
          f['transport'].estimatedArrival = new Date(c().clock.now().getTime() + days * DAY).toISOString();
        }),
      );
    }
    const seen: ControlTask[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await c().controls.list(officer, { office, limit: 2, next });
      assert.ok(page.items.length <= 2);
      seen.push(...page.items);
      next = page.next;
      pages++;
    } while (next !== undefined);
    assert.equal(pages, 3);
    assert.deepEqual(
      seen.map((t) => t.mrn),
      [mrns[1], mrns[4], mrns[2], mrns[0], mrns[3]],
    );
    assert.ok(seen.every((t) => t.office === office));
    assert.equal((await c().controls.list(officer, { office: 'NL999999', limit: 10 })).items.length, 0);
    await rejects(c().controls.list(officer, { limit: 10, next: 'garbage' }), 'VIGIL_QUERY_INVALID');

    // Workload: olga already holds one task, so the coordinator's next task goes to oscar.
    const coordinator = actor('coordinator', 'cora');
    const firstTaken = await c().controls.assignNext(officer, office, {});
    assert.equal(firstTaken?.mrn, mrns[1]);
    assert.equal(firstTaken?.assignee, 'olga');
    const second = await c().controls.assignNext(coordinator, office, { officers: ['olga', 'oscar'] });
    assert.equal(second?.mrn, mrns[4]);
    assert.equal(second?.assignee, 'oscar');
    // Without a list: the officers who worked the office before (olga 1, oscar 1 → alphabetical).
    const third = await c().controls.assignNext(coordinator, office, {});
    assert.equal(third?.assignee, 'olga');
    assert.equal(await c().controls.assignNext(coordinator, 'NL777777', {}), undefined, 'no open task there');

    const assigned = await c().controls.list(officer, { office, status: ['assigned'], limit: 10 });
    assert.equal(assigned.items.length, 3);
    const mine = await c().controls.list(officer, { office, assignee: 'olga', limit: 10 });
    assert.equal(mine.items.length, 2);
    await c().controls.recordResult(officer, firstTaken.id, {
      result: 'no-irregularity',
      method: 'physical',
    });
    const done = await c().controls.list(officer, { office, status: ['done'], limit: 10 });
    assert.deepEqual(
      done.items.map((t) => t.id),
      [firstTaken.id],
    );
    assert.equal((await c().controls.list(officer, { office, limit: 10 })).items.length, 4);
  });

  test('a confirmed hit without a control becomes a task; rule statistics count hits, reviews and versions', async () => {
    const before = (await c().controls.ruleStats(officer, 'R-TEXTILES', {})).total;
    const mrn = await c().fileAndAssess('CT-REVIEW', textiles);
    const [a] = await c().assessmentRepo.currentAssessments(c().db, 'NL', mrn);
    assert.equal(a!.outcomeKind, 'assessment-complete');
    await c().review(mrn, 'R-TEXTILES', 'confirmed');
    const task = await taskOf(mrn);
    assert.equal(task.source, 'manual');
    assert.equal(task.office, 'NL000396');
    assert.equal(task.controlType, 'documentary');
    assert.deepEqual(task.ruleRefs, [{ id: 'R-TEXTILES', version: 1 }]);

    // A dismissed hit of another filing counts as dismissed and makes no task.
    const other = await c().fileAndAssess('CT-REVIEW-2', textiles);
    await c().review(other, 'R-TEXTILES', 'dismissed', 'known importer, checked last week');
    const n = await c().db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM control_task WHERE mrn = $1`,
      [other],
    );
    assert.equal(n.rows[0]!.n, 0);

    await c().controls.recordResult(officer, task.id, {
      result: 'irregularity',
      type: 'misclassification',
      dutyAtStake: 80,
      taxAtStake: 0,
      method: 'documentary',
    });
    const stats = await c().controls.ruleStats(officer, 'R-TEXTILES', {});
    assert.equal(stats.total.hits, before.hits + 2);
    assert.equal(stats.total.finalHits, before.finalHits + 1);
    assert.equal(stats.total.dismissed, before.dismissed + 1);
    assert.equal(stats.total.controls, before.controls + 1);
    assert.equal(stats.total.positives, before.positives + 1);
    assert.equal(stats.total.yield, 1);
    assert.ok(stats.total.hitRate !== null && stats.total.hitRate > 0 && stats.total.hitRate < 1);
    assert.equal(stats.total.hitRate, Number((stats.total.hits / stats.assessed).toFixed(4)));

    // A new version of the rule counts apart from the first.
    c().clock.advance(HOUR);
    await c().rules.update(actor('analyst', 'ana'), 'R-TEXTILES', {
      ...PHONES_RULE,
      id: 'R-TEXTILES',
      title: 'Textiles',
      weight: 10,
      severity: 'low',
      recommendedAction: 'documentary-check',
      condition: 'goods.exists(g, g.hsCode.startsWith("6109"))',
    });
    c().clock.advance(HOUR);
    await c().fileAndAssess('CT-REVIEW-V2', textiles);
    const v = await c().controls.ruleStats(officer, 'R-TEXTILES', {});
    assert.deepEqual(
      v.versions.map((x) => [x.version, x.hits, x.tasks, x.assessed]),
      [
        [1, stats.versions[0]!.hits, stats.versions[0]!.tasks, stats.versions[0]!.assessed],
        [2, 1, 1, 1],
      ],
    );
    // A period before any of it: all zero.
    const empty = await c().controls.ruleStats(officer, 'R-TEXTILES', {
      from: new Date('2020-01-01T00:00:00Z'),
      to: new Date('2020-02-01T00:00:00Z'),
    });
    assert.equal(empty.total.hits, 0);
    assert.equal(empty.total.hitRate, null);
    assert.equal(empty.total.yield, null);
  });

  test('an amendment that is assessed again carries the task of the earlier version to the new one', async () => {
    const mrn = await c().fileAndAssess('CT-AMEND');
    const first = await taskOf(mrn);
    // Simulate version 2 being assessed with the same outcome: the hook carries the task over.
    const [a] = await c().assessmentRepo.currentAssessments(c().db, 'NL', mrn);
    await c().db.transaction(async (tx) => {
      const row = (await c().filingRepo.findByMrn(tx, 'NL', mrn))!;
      await tx.query(
        `INSERT INTO assessment (authority, mrn, version, seq, score, outcome_kind, outcome, hits, random, assessed_at)
         VALUES ('NL', $1, 2, 0, $2, $3, $4, $5, '{}', $6)`,
        [mrn, a!.score, a!.outcomeKind, JSON.stringify(a!.outcome), JSON.stringify(a!.hits), c().clock.now()],
      );
      await c().controls.createTasksFor(tx, { ...a!, version: 2 }, row);
    });
    const tasks = await c().db.query<{ id: string; version: number; status: string }>(
      `SELECT id, version, status FROM control_task WHERE mrn = $1 ORDER BY version`,
      [mrn],
    );
    // One task, the same one, now for version 2 (an amendment never cancels and reopens it).
    assert.deepEqual(
      tasks.rows.map((t) => [t.id, t.version, t.status]),
      [[first.id, 2, 'open']],
    );
  });

  test('the engine uses the compliance history: a consignee often found irregular is flagged', async () => {
    const importer = (f: Record<string, any>) => {
      f['consignments'][0].consignee.eori = 'DE111111111111111';
      f['consignments'][0].consignee.name = 'Often Wrong GmbH';
    };
    const results = [
      {
        result: 'irregularity',
        type: 'undervaluation',
        dutyAtStake: 10,
        taxAtStake: 20,
        method: 'documentary',
      },
      { result: 'no-irregularity', method: 'physical' },
      { result: 'no-irregularity', method: 'physical' },
    ] as const;
    for (const [i, r] of results.entries()) {
      const task = await taskOf(await c().fileAndAssess(`CT-HIST-${i}`, importer));
      await c().controls.recordResult(officer, task.id, r);
    }
    assert.deepEqual(
      { ...(await operatorRow('eori:DE111111111111111')) },
      { controls: 3, irregularities: 1, seizures: 0 },
    );
    const mrn = await c().fileAndAssess('CT-HIST-NEXT', (f) => {
      textiles(f);
      importer(f);
    });
    const [a] = await c().assessmentRepo.currentAssessments(c().db, 'NL', mrn);
    const hit = (a!.hits as { id: string; values: Record<string, number> }[]).find(
      (x) => x.id === 'SIG-COMPLIANCE',
    );
    assert.ok(hit, 'the compliance signal fires');
    assert.deepEqual(hit.values, { controls: 3, irregularities: 1, seizures: 0 });
  });

  test('results recorded at once keep the counters right and a task gets one result', async () => {
    const importer = (f: Record<string, any>) => {
      f['consignments'][0].consignee.eori = 'DE222222222222222';
      f['consignments'][0].consignee.name = 'Busy Importer GmbH';
    };
    const tasks = await Promise.all(
      [0, 1, 2].map(async (i) => taskOf(await c().fileAndAssess(`CT-RACE-${i}`, importer))),
    );
    const seizure = {
      result: 'seizure',
      category: 'drugs',
      quantity: 2.5,
      unit: 'kg',
      method: 'dog',
    } as const;
    await Promise.all(tasks.map((t) => c().controls.recordResult(officer, t.id, seizure)));
    assert.deepEqual(
      { ...(await operatorRow('eori:DE222222222222222')) },
      { controls: 3, irregularities: 0, seizures: 3 },
    );
    const mrn = await c().fileAndAssess('CT-RACE-ONE', importer);
    const one = await taskOf(mrn);
    const outcomes = await Promise.allSettled([
      c().controls.recordResult(officer, one.id, seizure),
      c().controls.recordResult(actor('officer', 'oscar'), one.id, {
        result: 'no-irregularity',
        method: 'physical',
      }),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
    assert.equal((await c().controls.get(officer, one.id)).results.length, 1);
  });
});
