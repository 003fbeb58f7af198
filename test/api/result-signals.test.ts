/**
 * Results change the next assessment without an analyst writing a rule (issue 12, point 6), through
 * the API on both engines: after an officer records a 120 kg drug seizure, a new filing for the same
 * consignee scores higher than the same filing did before, and its explanation names the seizure; a
 * filing of other parties with the seized container is hit for the container only; an analyst can
 * switch a signal off or tune it; another authority's filings are not touched.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assessPending, closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';

interface Hit {
  id: string;
  source: string;
  reason: string;
  weight: number;
  recommendedAction: string;
  values: Record<string, unknown>;
}

const SMUGGLING_RULE = {
  id: 'R-FURNITURE',
  title: 'Garden furniture from this route',
  riskArea: 'security-safety',
  weight: 80,
  severity: 'high',
  recommendedAction: 'physical-check',
  status: 'active',
  reason: 'Garden furniture has carried drugs on this route.',
  condition: 'goods.exists(g, g.description.contains("garden furniture"))',
};

forEachDatabase('signals learned from control results', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tokens: Record<string, string> = {};
  const send = sender(app, tokens);
  let seizedMrn = '';

  async function lodge(lrn: string, change: (f: Record<string, any>) => void = () => {}, who = 'filer') {
    const f = validFiling(app().clock.now(), { lrn });
    change(f);
    const r = await send('POST', '/v1/filings', who, f);
    assert.equal(r.statusCode, 201, r.body);
    await assessPending(app());
    return r.json().mrn as string;
  }

  async function assessed(mrn: string, who = 'analyst'): Promise<{ score: number; hits: Map<string, Hit> }> {
    const a = await send('GET', `/v1/filings/${mrn}/assessment`, who);
    assert.equal(a.statusCode, 200, a.body);
    const c = a.json().consignments[0];
    return { score: c.score, hits: new Map((c.hits as Hit[]).map((h) => [h.id, h])) };
  }

  const learned = (hits: Map<string, Hit>): string[] =>
    [...hits.keys()].filter((id) => id.startsWith('SIG-RESULT-')).sort();

  const otherParties = (f: Record<string, any>): void => {
    const c = f['consignments'][0];
    c.consignor = {
      name: 'Ningbo Ocean Trading Ltd',
      address: { street: '8 Harbour Rd', city: 'Ningbo', postcode: '315000', country: 'CN' },
    };
    c.consignee = {
      name: 'Rotterdam Import BV',
      eori: 'NL987654321',
      address: { street: 'Kade 1', city: 'Rotterdam', postcode: '3011', country: 'NL' },
    };
  };

  before(async () => {
    t = await startTestApp(target);
    for (const [who, authority, role] of [
      ['filer', 'NL', 'filer'],
      ['analyst', 'NL', 'analyst'],
      ['officer', 'NL', 'officer'],
      ['coordinator', 'NL', 'coordinator'],
      ['be-filer', 'BE', 'filer'],
      ['be-analyst', 'BE', 'analyst'],
    ] as const) {
      tokens[who] = await app().token(authority, role, who);
    }
    const rule = await send('POST', '/v1/rules', 'analyst', SMUGGLING_RULE);
    assert.equal(rule.statusCode, 201, rule.body);
  });

  test('after a drug seizure, the same consignee scores higher and the hit names the seizure', async () => {
    const before = await assessed(await lodge('BEFORE-1'));
    assert.deepEqual(learned(before.hits), [], 'nothing was found yet');

    seizedMrn = await lodge('SEIZED-1', (f) => {
      f['consignments'][0].goods[0].description = 'garden furniture, rattan, 40 sets';
      f['consignments'][0].goods[0].hsCode = '940179';
    });
    const tasks = await send('GET', '/v1/controls?limit=50', 'officer');
    const task = tasks.json().items.find((x: { mrn: string }) => x.mrn === seizedMrn);
    assert.ok(task, 'the rule asked for a physical control');
    assert.equal((await send('POST', `/v1/controls/${task.id}/assign`, 'officer', {})).statusCode, 200);
    const seized = await send('POST', `/v1/controls/${task.id}/result`, 'officer', {
      result: 'seizure',
      category: 'drugs',
      quantity: 120,
      unit: 'kg',
      method: 'physical',
      remarks: 'cocaine in the frames',
    });
    assert.equal(seized.statusCode, 201, seized.body);

    const after = await assessed(await lodge('AFTER-1'));
    assert.ok(after.score > before.score, `score ${after.score} after the seizure, ${before.score} before`);
    const consignee = after.hits.get('SIG-RESULT-CONSIGNEE');
    assert.ok(consignee, `hits: ${[...after.hits.keys()].join(', ')}`);
    assert.equal(consignee.source, 'signal');
    assert.equal(consignee.values['controlledMrn'], seizedMrn);
    assert.equal(consignee.values['category'], 'drugs');
    assert.equal(consignee.values['quantity'], 120);
    assert.equal(consignee.values['unit'], 'kg');
    assert.equal(consignee.recommendedAction, 'physical-check');
    assert.match(consignee.reason, /Elektro Handel GmbH/);
    assert.match(consignee.reason, /120 kg of drugs seized/);
    assert.ok(consignee.reason.includes(seizedMrn));
    // The same consignor, the same pair, the same container and the same vessel were in it too.
    assert.deepEqual(learned(after.hits), [
      'SIG-RESULT-CONSIGNEE',
      'SIG-RESULT-CONSIGNOR',
      'SIG-RESULT-CONTAINER',
      'SIG-RESULT-MEANS',
      'SIG-RESULT-PAIR',
    ]);
  });

  test('other parties with the seized container: the container is hit, the parties are not', async () => {
    const { hits } = await assessed(await lodge('CONTAINER-1', otherParties));
    assert.deepEqual(learned(hits), ['SIG-RESULT-CONTAINER', 'SIG-RESULT-MEANS']);
    const container = hits.get('SIG-RESULT-CONTAINER')!;
    assert.match(container.reason, /container MSCU1234566/);
    assert.equal(container.values['controlledMrn'], seizedMrn);

    const { hits: elsewhere } = await assessed(
      await lodge('CONTAINER-2', (f) => {
        otherParties(f);
        f['consignments'][0].containers = [{ id: 'TGHU1234567', seals: ['S1'] }];
        f['transport'].meansId = 'IMO9811000';
      }),
    );
    assert.deepEqual(learned(elsewhere), [], 'nothing of the seizure in it');
  });

  test('an analyst switches a signal off and tunes another; filers may not; the change is audited', async () => {
    const list = await send('GET', '/v1/result-signals', 'analyst');
    assert.equal(list.statusCode, 200);
    const ids = list.json().items.map((s: { id: string }) => s.id);
    assert.ok(ids.includes('SIG-RESULT-CONTAINER') && ids.includes('SIG-RESULT-ROUTE-GOODS'));

    const off = await send('PUT', '/v1/result-signals/SIG-RESULT-CONTAINER', 'analyst', {
      enabled: false,
      weight: 70,
      days: 180,
    });
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(off.json().enabled, false);
    assert.equal(off.json().updatedBy, 'analyst');
    const heavier = await send('PUT', '/v1/result-signals/SIG-RESULT-MEANS', 'analyst', {
      enabled: true,
      weight: 40,
      days: 30,
    });
    assert.equal(heavier.statusCode, 200, heavier.body);

    const { hits } = await assessed(await lodge('CONTAINER-3', otherParties));
    assert.deepEqual(learned(hits), ['SIG-RESULT-MEANS'], 'the container signal is off');
    assert.equal(hits.get('SIG-RESULT-MEANS')!.weight, 40);

    assert.equal(
      (
        await send('PUT', '/v1/result-signals/SIG-RESULT-PAIR', 'filer', {
          enabled: false,
          weight: 1,
          days: 1,
        })
      ).statusCode,
      403,
    );
    const bad = await send('PUT', '/v1/result-signals/SIG-RESULT-PAIR', 'analyst', {
      enabled: true,
      weight: 150,
      days: 0,
    });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
      ['$.days', '$.weight'],
    );
    const unknown = await send('PUT', '/v1/result-signals/SIG-NOPE', 'analyst', {
      enabled: true,
      weight: 10,
      days: 10,
    });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'VIGIL_NOT_FOUND');

    // Staged in the change's transaction, chained in the background.
    const audited = await app().deps.db.query<{ subject: string }>(
      `SELECT subject FROM (SELECT subject, at FROM audit_pending WHERE authority = 'NL' AND action = 'result-signal.changed'
       UNION ALL SELECT subject, at FROM audit_log WHERE authority = 'NL' AND action = 'result-signal.changed') x
       ORDER BY at, subject`,
    );
    assert.deepEqual(
      audited.rows.map((r) => r.subject),
      ['SIG-RESULT-CONTAINER', 'SIG-RESULT-MEANS'],
    );
  });

  test("another authority's filings are not touched by NL's results", async () => {
    const { hits } = await assessed(await lodge('BE-1', () => {}, 'be-filer'), 'be-analyst');
    assert.deepEqual(learned(hits), []);
  });

  test('a seizure downgraded to an undervaluation (approved by a second official) leaves only what that marks', async () => {
    const task = (await send('GET', '/v1/controls?limit=50&status=done', 'officer'))
      .json()
      .items.find((x: { mrn: string }) => x.mrn === seizedMrn);
    const current = (await send('GET', `/v1/controls/${task.id}`, 'officer')).json().results[0];
    const proposed = await send('POST', `/v1/controls/${task.id}/result`, 'officer', {
      result: 'irregularity',
      type: 'undervaluation',
      dutyAtStake: 1200,
      taxAtStake: 800,
      method: 'documentary',
      supersedes: current.id,
      reason: 'the laboratory found no drugs; the invoice was false',
    });
    assert.equal(proposed.statusCode, 202, proposed.body);
    const decided = await send(
      'POST',
      `/v1/controls/${task.id}/pending/${proposed.json().pending.id}/decision`,
      'coordinator',
      { decision: 'approve' },
    );
    assert.equal(decided.statusCode, 200, decided.body);

    const { hits } = await assessed(await lodge('AFTER-2'));
    // An irregularity marks the parties and the pair, not the container or the vessel.
    assert.deepEqual(learned(hits), ['SIG-RESULT-CONSIGNEE', 'SIG-RESULT-CONSIGNOR', 'SIG-RESULT-PAIR']);
    const consignee = hits.get('SIG-RESULT-CONSIGNEE')!;
    assert.equal(consignee.values['result'], 'irregularity');
    assert.equal(consignee.values['irregularityType'], 'undervaluation');
    assert.equal(consignee.recommendedAction, 'documentary-check');
    assert.equal(consignee.weight, 30, 'an irregularity weighs half a seizure');
  });
});
