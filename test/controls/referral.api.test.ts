/**
 * Referring a consignment to control of a chosen type at a chosen office (issue 16, the Consignment
 * screen's "refer to control with type and office"), and the code lists a control result is made of
 * (GET /v1/controls/code-lists), through the whole server on a real database.
 *
 * An analyst's choice makes the task, or moves the engine's task while nobody has taken it; a task an
 * officer holds is not moved from under them (409, and the review is not recorded); a dismissal
 * carries no control and an office of another authority is refused.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROL_CODE_LISTS, resultInputSchema } from '../../src/controls/index.ts';
import { assessPending, closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { testRule } from '../support/rules.ts';

interface Task {
  id: string;
  mrn: string;
  office: string;
  controlType: string;
  status: string;
  assignee: string | null;
  ruleRefs: { id: string; version: number }[];
}

forEachDatabase('referral to a chosen control', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tokens: Record<string, string> = {};
  const send = sender(app, tokens);

  before(async () => {
    t = await startTestApp(target);
    tokens['ana'] = await app().token('NL', 'analyst', 'ana');
    tokens['olga'] = await app().token('NL', 'officer', 'olga');
    tokens['aude'] = await app().token('NL', 'auditor', 'aude');
    tokens['filer'] = await app().token('NL', 'filer', 'acme');
    const rule = await send(
      'POST',
      '/v1/rules',
      'ana',
      testRule({ id: 'R-PHYS', condition: 'goods.exists(g, g.grossMassKg > 0.0)' }),
    );
    assert.equal(rule.statusCode, 201, rule.body);
  });

  const lodge = async (lrn: string): Promise<string> => {
    const r = await app().deps.filings.register(
      { subject: 'acme', authority: 'NL', role: 'filer' },
      validFiling(app().clock.now(), { lrn }),
    );
    await assessPending(app());
    return r.filing.mrn;
  };
  const taskOf = async (mrn: string): Promise<Task | undefined> => {
    const page = await send('GET', '/v1/controls?status=open,assigned,done&limit=500', 'olga');
    assert.equal(page.statusCode, 200, page.body);
    return (page.json().items as Task[]).find((x) => x.mrn === mrn);
  };
  const refer = (mrn: string, hitId: string, control?: unknown, decision = 'confirmed') =>
    send('POST', `/v1/filings/${mrn}/assessment/reviews`, 'ana', {
      consignment: 0,
      hitId,
      decision,
      ...(decision === 'dismissed' ? { reason: 'checked' } : {}),
      ...(control !== undefined ? { control } : {}),
    });

  test('the engine’s open task moves to the control and office the analyst chose, audited', async () => {
    const mrn = await lodge('REFER-1');
    const before = await taskOf(mrn);
    assert.ok(before, 'R-PHYS asks for a control: the engine made a task');
    assert.equal(before.office, 'NL000396');
    assert.equal(before.controlType, 'physical');

    const r = await refer(mrn, 'R-PHYS', { type: 'scan', office: 'NL000854' });
    assert.equal(r.statusCode, 200, r.body);
    const after = await taskOf(mrn);
    assert.equal(after?.id, before.id, 'the same task, not a second one');
    assert.equal(after.office, 'NL000854');
    assert.equal(after.controlType, 'scan');
    assert.equal(after.status, 'open');
    // The office's queue shows it; the other office's no longer does.
    const there = await send('GET', '/v1/controls?office=NL000854', 'olga');
    assert.ok((there.json().items as Task[]).some((x) => x.id === before.id));
    const old = await send('GET', '/v1/controls?office=NL000396', 'olga');
    assert.ok(!(old.json().items as Task[]).some((x) => x.id === before.id));

    const trail = await send('GET', `/v1/audit?subject=${mrn}&action=control.task-retargeted`, 'aude');
    assert.equal(trail.statusCode, 200, trail.body);
    const [entry] = trail.json().entries;
    assert.equal(entry.actor, 'analyst:ana');
    assert.deepEqual(entry.details.from, { office: 'NL000396', controlType: 'physical' });
    assert.deepEqual(entry.details.to, { office: 'NL000854', controlType: 'scan' });
  });

  test('a task an officer holds is not moved from under them; the review is then not recorded', async () => {
    const mrn = await lodge('REFER-2');
    const task = (await taskOf(mrn))!;
    assert.equal((await send('POST', `/v1/controls/${task.id}/assign`, 'olga', {})).statusCode, 200);

    const moved = await refer(mrn, 'R-PHYS', { type: 'scan', office: 'NL000854' });
    assert.equal(moved.statusCode, 409, moved.body);
    assert.equal(moved.json().code, 'VIGIL_CONFLICT');
    assert.match(moved.json().detail, /physical control at office NL000396 .*assigned by olga/);
    const assessment = await send('GET', `/v1/filings/${mrn}/assessment`, 'ana');
    assert.deepEqual(assessment.json().consignments[0].reviews, [], 'nothing half-recorded');

    // Referring it to the control it already has is no move: recorded, the task unchanged.
    const same = await refer(mrn, 'R-PHYS', { type: 'physical', office: 'NL000396' });
    assert.equal(same.statusCode, 200, same.body);
    const after = (await taskOf(mrn))!;
    assert.equal(after.assignee, 'olga');
    assert.equal(after.office, 'NL000396');
  });

  test('without an engine task, the analyst’s choice makes the task, with the confirmed rule', async () => {
    assert.equal(
      (await send('POST', '/v1/rules/R-PHYS/status', 'ana', { status: 'retired' })).statusCode,
      200,
    );
    const quiet = await send(
      'POST',
      '/v1/rules',
      'ana',
      testRule({
        id: 'R-QUIET',
        weight: 1,
        severity: 'low',
        recommendedAction: 'none',
        condition: 'goods.exists(g, g.grossMassKg > 0.0)',
      }),
    );
    assert.equal(quiet.statusCode, 201, quiet.body);
    const mrn = await lodge('REFER-3');
    const r = await refer(mrn, 'R-QUIET', { type: 'documentary', office: 'NL000854' });
    assert.equal(r.statusCode, 200, r.body);
    const task = (await taskOf(mrn))!;
    assert.equal(task.office, 'NL000854');
    assert.equal(task.controlType, 'documentary');
    assert.ok(task.ruleRefs.some((x) => x.id === 'R-QUIET'));
  });

  test('a dismissal carries no control; another authority’s office and a malformed one are refused', async () => {
    const mrn = await lodge('REFER-4');
    const dismissed = await refer(mrn, 'R-QUIET', { type: 'scan', office: 'NL000854' }, 'dismissed');
    assert.equal(dismissed.statusCode, 400, dismissed.body);
    assert.ok(dismissed.json().errors.some((e: { path: string }) => e.path === '$.control'));

    const foreign = await refer(mrn, 'R-QUIET', { type: 'scan', office: 'BE101000' });
    assert.equal(foreign.statusCode, 422, foreign.body);
    assert.equal(foreign.json().code, 'VIGIL_OFFICE_INVALID');
    assert.match(foreign.json().detail, /BE101000 is not an office of NL/);

    const malformed = await refer(mrn, 'R-QUIET', { type: 'x-ray', office: 'rotterdam' });
    assert.equal(malformed.statusCode, 400, malformed.body);
    const paths = malformed.json().errors.map((e: { path: string }) => e.path);
    assert.ok(
      paths.some((p: string) => p.includes('type')),
      paths.join(),
    );
    assert.ok(
      paths.some((p: string) => p.includes('office')),
      paths.join(),
    );

    const assessment = await send('GET', `/v1/filings/${mrn}/assessment`, 'ana');
    assert.deepEqual(assessment.json().consignments[0].reviews, []);
  });

  test('the code lists are exactly what a result takes; officials read them, filers do not', async () => {
    const r = await send('GET', '/v1/controls/code-lists', 'olga');
    assert.equal(r.statusCode, 200, r.body);
    const lists = r.json();
    assert.deepEqual(lists, JSON.parse(JSON.stringify(CONTROL_CODE_LISTS)));
    assert.ok(lists.seizureCategories.includes('counterfeit'));
    for (const category of lists.seizureCategories) {
      for (const unit of lists.seizureUnits) {
        const ok = resultInputSchema.safeParse({
          result: 'seizure',
          category,
          unit,
          quantity: 1,
          method: lists.detectionMethods[0],
        });
        assert.ok(ok.success, `${category} in ${unit}`);
      }
    }
    for (const type of lists.irregularityTypes) {
      assert.ok(
        resultInputSchema.safeParse({
          result: 'irregularity',
          type,
          dutyAtStake: 0,
          taxAtStake: 0,
          method: 'documentary',
        }).success,
      );
    }
    assert.ok(
      !resultInputSchema.safeParse({
        result: 'seizure',
        category: 'spices',
        unit: 'kg',
        quantity: 1,
        method: 'physical',
      }).success,
      'a category not on the list is refused',
    );
    assert.equal((await send('GET', '/v1/controls/code-lists', 'ana')).statusCode, 200);
    assert.equal((await send('GET', '/v1/controls/code-lists', 'filer')).statusCode, 403);
  });
});
