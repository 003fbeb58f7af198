/**
 * Finding 7 of the hardening review: officer B superseded officer A's seizure of 1,000 kg of
 * cigarettes with "no irregularity" (201), and rule statistics and the operator's history followed
 * the new result. Through the API on a real database, each test makes the attack and asserts:
 * - officer B can neither record on A's task nor supersede A's result;
 * - a correction without a reason is refused (VIGIL_RESULT_REASON_REQUIRED);
 * - downgrading a seizure needs a second official: it is pending (202) and the seizure stays in
 *   effect until another officer or coordinator of the authority approves it; the proposer cannot
 *   approve it (VIGIL_FOUR_EYES); a rejection leaves the seizure;
 * - rule statistics and the operator's history follow only the effective result.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { testRule } from '../support/rules.ts';

const SEIZURE = {
  result: 'seizure',
  category: 'cigarettes-tobacco',
  quantity: 1000,
  unit: 'kg',
  method: 'physical',
} as const;

forEachDatabase('control integrity', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};
  const send = sender(app, tok);

  /** A controlled consignment whose task officer A (olga) took and on which she recorded a seizure. */
  const seized = async (lrn: string, consigneeEori?: string) => {
    const body = validFiling(app().clock.now(), { lrn });
    if (consigneeEori !== undefined) {
      body['consignments'][0].consignee.eori = consigneeEori;
    }
    const mrn = (await send('POST', '/v1/filings', 'filer', body)).json().mrn as string;
    assert.equal(await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 1 }), 1);
    const task = (await send('GET', '/v1/controls?limit=500', 'officer'))
      .json()
      .items.find((x: { mrn: string }) => x.mrn === mrn) as { id: string };
    assert.ok(task, 'a control task');
    assert.equal((await send('POST', `/v1/controls/${task.id}/assign`, 'officer', {})).statusCode, 200);
    const byA = await send('POST', `/v1/controls/${task.id}/result`, 'officer', SEIZURE);
    assert.equal(byA.statusCode, 201, byA.body);
    return { mrn, taskId: task.id, seizureId: byA.json().result.id as string };
  };

  const currentOf = async (taskId: string) => {
    const detail = (await send('GET', `/v1/controls/${taskId}`, 'officer')).json();
    return {
      current: detail.results.filter((r: { current: boolean }) => r.current),
      pending: detail.pending as { id: string; status: string }[],
    };
  };

  const stats = async () =>
    (await send('GET', '/v1/rules/PHONES/stats', 'analyst')).json().total as {
      seizures: number;
      falsePositives: number;
      controls: number;
    };

  before(async () => {
    t = await startTestApp(target);
    for (const [name, role, subject] of [
      ['analyst', 'analyst', 'ana'],
      ['filer', 'filer', 'acme'],
      ['officer', 'officer', 'olga'],
      ['officer-b', 'officer', 'bert'],
      ['coordinator', 'coordinator', 'cora'],
    ] as const) {
      tok[name] = await app().token('NL', role, subject);
    }
    tok['officer-de'] = await app().token('DE', 'officer', 'dora');
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

  test("officer B can neither record on A's task nor supersede A's result", async () => {
    const { taskId, seizureId } = await seized('CI-B-1');
    const overwrite = await send('POST', `/v1/controls/${taskId}/result`, 'officer-b', {
      result: 'no-irregularity',
      method: 'physical',
      supersedes: seizureId,
      reason: 'looked again',
    });
    assert.equal(overwrite.statusCode, 403, overwrite.body);
    assert.equal((await currentOf(taskId)).current[0].result, 'seizure');
  });

  test('a correction without a reason is refused, for officers and coordinators alike', async () => {
    const { taskId, seizureId } = await seized('CI-REASON-1');
    for (const who of ['officer', 'coordinator']) {
      const r = await send('POST', `/v1/controls/${taskId}/result`, who, {
        ...SEIZURE,
        quantity: 990,
        supersedes: seizureId,
      });
      assert.equal(r.statusCode, 422, r.body);
      assert.equal(r.json().code, 'VIGIL_RESULT_REASON_REQUIRED');
    }
    const withReason = await send('POST', `/v1/controls/${taskId}/result`, 'officer', {
      ...SEIZURE,
      quantity: 990,
      supersedes: seizureId,
      reason: 'weighed again without pallets',
    });
    assert.equal(withReason.statusCode, 201, withReason.body);
    assert.equal(withReason.json().result.reason, 'weighed again without pallets');
  });

  test('a seizure downgrade is pending until a second official of the authority approves it', async () => {
    const { taskId, seizureId } = await seized('CI-4EYES-1');
    const proposed = await send('POST', `/v1/controls/${taskId}/result`, 'officer', {
      result: 'no-irregularity',
      method: 'physical',
      supersedes: seizureId,
      reason: 'the cartons held licensed samples',
    });
    assert.equal(proposed.statusCode, 202, proposed.body);
    const pendingId = proposed.json().pending.id as string;
    assert.equal(proposed.json().result.id, seizureId, 'the seizure stays in effect');
    let now = await currentOf(taskId);
    assert.equal(now.current[0].result, 'seizure');
    assert.deepEqual(
      now.pending.map((p) => [p.id, p.status]),
      [[pendingId, 'pending']],
    );

    // A second proposal while one waits is a conflict; the proposer cannot approve their own.
    const second = await send('POST', `/v1/controls/${taskId}/result`, 'coordinator', {
      result: 'irregularity',
      type: 'other',
      dutyAtStake: 0,
      taxAtStake: 0,
      method: 'physical',
      supersedes: seizureId,
      reason: 'another view',
    });
    assert.equal(second.statusCode, 409, second.body);
    const self = await send('POST', `/v1/controls/${taskId}/pending/${pendingId}/decision`, 'officer', {
      decision: 'approve',
    });
    assert.equal(self.statusCode, 403, self.body);
    assert.equal(self.json().code, 'VIGIL_FOUR_EYES');
    // Another authority's official does not even see it.
    const foreign = await send('POST', `/v1/controls/${taskId}/pending/${pendingId}/decision`, 'officer-de', {
      decision: 'approve',
    });
    assert.equal(foreign.statusCode, 404, foreign.body);
    assert.equal((await currentOf(taskId)).current[0].result, 'seizure');

    const approved = await send('POST', `/v1/controls/${taskId}/pending/${pendingId}/decision`, 'officer-b', {
      decision: 'approve',
    });
    assert.equal(approved.statusCode, 200, approved.body);
    now = await currentOf(taskId);
    assert.equal(now.current.length, 1);
    assert.equal(now.current[0].result, 'no-irregularity');
    assert.equal(now.current[0].recordedBy, 'olga');
    assert.equal(now.current[0].approvedBy, 'bert');
    assert.equal(now.current[0].reason, 'the cartons held licensed samples');
    assert.equal(now.pending[0]!.status, 'approved');
  });

  test('a rejected downgrade leaves the seizure in effect', async () => {
    const { taskId, seizureId } = await seized('CI-REJECT-1');
    const proposed = await send('POST', `/v1/controls/${taskId}/result`, 'coordinator', {
      result: 'no-irregularity',
      method: 'physical',
      supersedes: seizureId,
      reason: 'mistaken entry',
    });
    assert.equal(proposed.statusCode, 202, proposed.body);
    const rejected = await send(
      'POST',
      `/v1/controls/${taskId}/pending/${proposed.json().pending.id as string}/decision`,
      'officer',
      { decision: 'reject' },
    );
    assert.equal(rejected.statusCode, 200, rejected.body);
    const now = await currentOf(taskId);
    assert.equal(now.current[0].id, seizureId);
    assert.equal(now.pending[0]!.status, 'rejected');
  });

  test("rule statistics and the operator's history follow only the effective result", async () => {
    const eori = 'DE999999999999001';
    const operator = async () =>
      (
        await app().deps.db.query<{ controls: number; seizures: number }>(
          `SELECT controls, seizures FROM operator WHERE authority = 'NL' AND eori = $1`,
          [eori],
        )
      ).rows[0];
    const before0 = await stats();
    const { taskId, seizureId } = await seized('CI-STATS-1', eori);
    const afterSeizure = await stats();
    assert.equal(afterSeizure.seizures, before0.seizures + 1);
    assert.deepEqual(await operator(), { controls: 1, seizures: 1 });

    const proposed = await send('POST', `/v1/controls/${taskId}/result`, 'officer', {
      result: 'no-irregularity',
      method: 'physical',
      supersedes: seizureId,
      reason: 'licensed samples',
    });
    assert.equal(proposed.statusCode, 202, proposed.body);
    assert.deepEqual(await stats(), afterSeizure, 'a pending downgrade changes no statistic');
    assert.deepEqual(await operator(), { controls: 1, seizures: 1 });

    await send(
      'POST',
      `/v1/controls/${taskId}/pending/${proposed.json().pending.id as string}/decision`,
      'coordinator',
      {
        decision: 'approve',
      },
    );
    const approved = await stats();
    assert.equal(approved.seizures, before0.seizures);
    assert.equal(approved.falsePositives, before0.falsePositives + 1);
    assert.deepEqual(await operator(), { controls: 1, seizures: 0 });
  });
});
