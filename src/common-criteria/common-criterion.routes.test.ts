/**
 * Common risk criteria from the centre through the API (issue 11 point 3), on every engine: the
 * coordinating authority EU publishes a crc that its members NL and BE apply at once as their own
 * rule; both members' assessments hit it (attributed to the criterion's rule and version); their
 * own people cannot change or retire it; an amendment replaces the rule version at both; a version
 * received twice applies once; the withdrawal retires it everywhere; the figures per member equal
 * what was filed, reviewed and controlled, and add up to the total. Bad input: a condition with a
 * type error, one over the cost limit (both refused and audited), a coordinator of an authority that
 * is not coordinating.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { generateDemoFilings } from '../demo/index.ts';
import type { Filing } from '../domain/index.ts';
import { assessPending, forEachDatabase, sender, startTestApp } from '../../test/support/test-app.ts';
import type { TestApp } from '../../test/support/test-app.ts';
import type { CommonCriterion } from './common-criterion.schema.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2027-05-03T08:00:00Z');
const MEMBERS = ['BE', 'NL'] as const;
const ID = 'EU-CRC-2027-001';
const RULE = `crc.${ID}`;
const literal600 = `[${Array.from({ length: 600 }, (_, i) => i).join(',')}]`;
const NESTED_600 = `${literal600}.exists(a, ${literal600}.exists(b, ${literal600}.exists(c, a + b + c == consignment.goodsCount)))`;

const criterion = (over: Record<string, unknown> = {}) => ({
  id: ID,
  kind: 'crc',
  title: 'Cosmetics and electrical goods (chapters 33, 85)',
  riskArea: 'product-safety',
  condition: 'goods.exists(g, g.hsCode.startsWith("33") || g.hsCode.startsWith("85"))',
  weight: 80,
  severity: 'high',
  recommendedAction: 'physical-check',
  reason: 'Union-wide risk: counterfeit cosmetics',
  ...over,
});

interface AssessmentView {
  consignments: { index: number; hits: { id: string; version?: number; title: string; reason: string }[] }[];
}
interface Task {
  id: string;
  mrn: string;
  ruleRefs: { id: string; version: number }[];
}

forEachDatabase('common risk criteria from the centre', (target) => {
  let app: TestApp | undefined;
  let send: ReturnType<typeof sender>;

  before(async () => {
    app = await startTestApp(target);
    app.clock.set(new Date(T0));
    const tokens: Record<string, string> = {
      admin: await app.token('EU', 'admin', 'root'),
      coord: await app.token('EU', 'coordinator', 'eu-risk'),
      euAnalyst: await app.token('EU', 'analyst', 'eu-an'),
      frCoord: await app.token('FR', 'coordinator', 'fr-risk'),
    };
    for (const m of MEMBERS) {
      tokens[`analyst${m}`] = await app.token(m, 'analyst', `an-${m}`);
      tokens[`officer${m}`] = await app.token(m, 'officer', `of-${m}`);
      tokens[`coord${m}`] = await app.token(m, 'coordinator', `co-${m}`);
    }
    send = sender(() => app!, tokens);
    for (const [code, kind] of [
      ['EU', 'customs'],
      ['NL', 'customs'],
      ['BE', 'customs'],
      ['FR', 'partner'],
    ]) {
      const r = await send('PUT', `/v1/authorities/${code}`, 'admin', { name: `${code} authority`, kind });
      assert.equal(r.statusCode, 200, r.body);
    }
  });
  after(async () => {
    await app?.close();
  });

  async function auditOf(authority: string, action: string): Promise<Record<string, unknown>[]> {
    const r = await app!.deps.db.query<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_pending WHERE authority = $1 AND action = $2 AND subject = $3
       UNION ALL SELECT details FROM audit_log WHERE authority = $1 AND action = $2 AND subject = $3`,
      [authority, action, `common-criterion:${ID}`],
    );
    return r.rows.map((x) => x.details);
  }

  async function ruleAt(member: string): Promise<{ version: number; status: string; weight: number }> {
    const r = await send('GET', `/v1/rules/${RULE}`, `analyst${member}`);
    assert.equal(r.statusCode, 200, r.body);
    return r.json<{ rule: { version: number; status: string; weight: number } }>().rule;
  }

  it('refuses bad criteria with their code and an audit entry, and publishers that are not coordinating', async () => {
    const typeError = await send(
      'POST',
      '/v1/common-criteria',
      'coord',
      criterion({ condition: 'goods.size() > "3"' }),
    );
    assert.equal(typeError.statusCode, 422, typeError.body);
    assert.equal(typeError.json<{ code: string }>().code, 'VIGIL_RULE_INVALID');
    assert.equal(typeError.json<{ errors: { path: string }[] }>().errors[0]!.path, '$.condition');
    const costly = await send('POST', '/v1/common-criteria', 'coord', criterion({ condition: NESTED_600 }));
    assert.equal(costly.statusCode, 422, costly.body);
    assert.equal(costly.json<{ code: string }>().code, 'VIGIL_RULE_TOO_COSTLY');
    const refused = await auditOf('EU', 'common-criterion.refused');
    assert.deepEqual(
      refused.map((d) => d['code']),
      ['VIGIL_RULE_INVALID', 'VIGIL_RULE_TOO_COSTLY'],
    );
    const unknown = await send(
      'POST',
      '/v1/common-criteria',
      'coord',
      criterion({ scope: { members: ['NL', 'FR'] } }),
    );
    assert.equal(unknown.statusCode, 422, unknown.body);
    assert.equal(unknown.json<{ errors: { path: string }[] }>().errors[0]!.path, '$.scope.members[1]');
    const fr = await send('POST', '/v1/common-criteria', 'frCoord', criterion());
    assert.equal(fr.statusCode, 403, fr.body);
    assert.equal(fr.json<{ code: string }>().code, 'VIGIL_NOT_COORDINATING');
    const analyst = await send('POST', '/v1/common-criteria', 'euAnalyst', criterion());
    assert.equal(analyst.json<{ code: string }>().code, 'VIGIL_FORBIDDEN');
    for (const m of MEMBERS) {
      assert.equal(
        (await send('GET', `/v1/rules/${RULE}`, `analyst${m}`)).statusCode,
        404,
        'nothing applied',
      );
    }
    assert.equal(
      (await send('GET', '/v1/common-criteria', 'coord')).json<{ items: unknown[] }>().items.length,
      0,
    );
  });

  it('publishes, attributes hits, amends, receives once, withdraws, and adds up the figures', async () => {
    const clock = app!.clock;
    clock.set(new Date(T0 + DAY));
    const published = await send('POST', '/v1/common-criteria', 'coord', criterion());
    assert.equal(published.statusCode, 201, published.body);
    const c = published.json<CommonCriterion>();
    assert.equal(c.version, 1);
    assert.deepEqual(c.members, ['BE', 'NL'], 'all: the customs authorities of the directory but EU');
    assert.equal(c.ruleId, RULE);
    assert.deepEqual(
      c.memberRules.map((r) => [r.authority, r.version, r.ruleVersion]),
      [
        ['BE', 1, 1],
        ['NL', 1, 1],
      ],
    );
    const again = await send('POST', '/v1/common-criteria', 'coord', criterion());
    assert.equal(again.json<{ code: string }>().code, 'VIGIL_CONFLICT');

    // Every member runs it as its own active rule, which its own people cannot change or retire.
    for (const m of MEMBERS) {
      const rule = await ruleAt(m);
      assert.equal(rule.status, 'active');
      const seen = await send('GET', `/v1/common-criteria/${ID}`, `analyst${m}`);
      assert.equal(seen.statusCode, 200, seen.body);
      assert.deepEqual(
        seen.json<CommonCriterion>().memberRules.map((r) => r.authority),
        [m],
        'a member sees its own rule only',
      );
      const retire = await send('POST', `/v1/rules/${RULE}/status`, `analyst${m}`, { status: 'retired' });
      assert.equal(retire.statusCode, 409, retire.body);
      assert.equal(retire.json<{ code: string }>().code, 'VIGIL_RULE_MANAGED');
      const { kind: _k, ...asRule } = criterion();
      const edit = await send('PUT', `/v1/rules/${RULE}`, `analyst${m}`, {
        ...asRule,
        id: RULE,
        reason: 'mine now',
      });
      assert.equal(edit.json<{ code: string }>().code, 'VIGIL_RULE_MANAGED');
      const withdraw = await send('POST', `/v1/common-criteria/${ID}/withdrawal`, `coord${m}`, {
        reason: 'x',
      });
      assert.equal(withdraw.statusCode, 403, withdraw.body);
      assert.equal((await ruleAt(m)).version, 1);
    }
    const { kind: _kind, ...ruleBody } = criterion();
    const squat = await send('POST', '/v1/rules', 'euAnalyst', { ...ruleBody, id: 'crc.MINE' });
    assert.equal(squat.json<{ code: string }>().code, 'VIGIL_RULE_MANAGED', 'the crc. ids are the centre’s');

    // Both members' traffic: each consignment with chapter 33 or 85 goods hits the criterion's rule v1.
    clock.set(new Date(T0 + 2 * DAY));
    const expected: Record<string, number> = {};
    const hitMrns: Record<string, { mrn: string; seq: number }[]> = {};
    for (const [k, m] of MEMBERS.entries()) {
      let assessed = 0;
      const mrns: string[] = [];
      const goods = new Map<string, string[][]>();
      for (const f of generateDemoFilings({
        count: 20,
        seed: 70 + k,
        now: clock.now(),
        invalidShare: 0,
        riskyShare: 0.1,
      })) {
        const filed = await app!.deps.filings.register(
          { subject: 'filer', authority: m, role: 'filer' },
          f.filing,
        );
        mrns.push(filed.filing.mrn);
        goods.set(
          filed.filing.mrn,
          (f.filing as Filing).consignments.map((x) => x.goods.map((g) => g.hsCode)),
        );
        assessed += (f.filing as Filing).consignments.length;
      }
      await assessPending(app!);
      expected[m] = 0;
      hitMrns[m] = [];
      for (const mrn of mrns) {
        const a = (await send('GET', `/v1/filings/${mrn}/assessment`, `analyst${m}`)).json<AssessmentView>();
        for (const con of a.consignments) {
          const hit = con.hits.find((h) => h.id === RULE);
          const should = goods.get(mrn)![con.index]!.some((h) => h.startsWith('33') || h.startsWith('85'));
          assert.equal(
            hit !== undefined,
            should,
            `${m} ${mrn}/${con.index}: hit exactly when it has chapter 33 or 85`,
          );
          if (hit !== undefined) {
            // Attributed: the criterion's rule, its version, kind, id and coordinator.
            assert.equal(hit.version, 1);
            assert.match(hit.title, new RegExp(`^CRC ${ID} v1 \\(EU\\): `));
            assert.match(hit.reason, /^Common risk criterion EU-CRC-2027-001 v1 of EU: /);
            expected[m]++;
            hitMrns[m].push({ mrn, seq: con.index });
          }
        }
      }
      assert.ok(expected[m] > 0, `${m}: the demo traffic has goods the criterion selects`);
      expected[`${m}:assessed`] = assessed;
    }

    // An analyst confirms the first hit; officers record results on the controls the rule selected.
    const own: Record<string, { controls: number; done: number; positives: number; negatives: number }> = {};
    for (const m of MEMBERS) {
      const first = hitMrns[m]![0]!;
      const review = await send('POST', `/v1/filings/${first.mrn}/assessment/reviews`, `analyst${m}`, {
        consignment: first.seq,
        hitId: RULE,
        decision: 'confirmed',
      });
      assert.equal(review.statusCode, 200, review.body);
      const q = await send('GET', '/v1/controls?limit=500&status=open,assigned,done', `officer${m}`);
      const tasks = q.json<{ items: Task[] }>().items.filter((t) => t.ruleRefs.some((r) => r.id === RULE));
      assert.ok(tasks.length > 0, `${m}: the criterion selected controls`);
      own[m] = { controls: tasks.length, done: 0, positives: 0, negatives: 0 };
      for (const [i, task] of tasks.entries()) {
        if (i === tasks.length - 1 && tasks.length > 1) {
          continue; // one control left without a result
        }
        const seizure = i % 2 === 0;
        const r = await send(
          'POST',
          `/v1/controls/${task.id}/result`,
          `officer${m}`,
          seizure
            ? { result: 'seizure', category: 'counterfeit', quantity: 5, unit: 'items', method: 'physical' }
            : { result: 'no-irregularity', method: 'scan' },
        );
        assert.equal(r.statusCode, 201, r.body);
        own[m].done++;
        own[m][seizure ? 'positives' : 'negatives']++;
      }
    }

    // Amendment: a new version replaces the rule version at both members.
    clock.set(new Date(T0 + 3 * DAY));
    const { id: _id, ...body } = criterion({ weight: 90 });
    const amended = await send('PUT', `/v1/common-criteria/${ID}`, 'coord', body);
    assert.equal(amended.statusCode, 200, amended.body);
    assert.equal(amended.json<CommonCriterion>().version, 2);
    for (const m of MEMBERS) {
      const rule = await ruleAt(m);
      assert.deepEqual(
        [rule.version, rule.status, rule.weight],
        [2, 'active', 90],
        `${m}: the rule's new version`,
      );
    }
    assert.deepEqual(
      (await auditOf('EU', 'common-criterion.amended')).map((d) => d['version']),
      [2],
    );

    // The same version received again (as from another node) applies once; a new one, once.
    const v2 = amended.json<CommonCriterion>().versions[1]!;
    assert.deepEqual(await app!.deps.commonCriteria.receive(v2), { applied: false, members: [] });
    const v3 = { ...v2, version: 3, weight: 95, publishedAt: new Date(T0 + 3 * DAY + 60_000).toISOString() };
    assert.deepEqual(await app!.deps.commonCriteria.receive(v3), { applied: true, members: ['BE', 'NL'] });
    assert.deepEqual(await app!.deps.commonCriteria.receive(v3), { applied: false, members: [] });
    for (const m of MEMBERS) {
      assert.equal((await ruleAt(m)).version, 3, `${m}: v3 applied once`);
      assert.equal((await auditOf(m, 'common-criterion.applied')).length, 3, 'v1, v2 and v3, each once');
    }
    const badRemote = { ...v3, version: 4, condition: 'goods.size() > "3"' };
    await assert.rejects(app!.deps.commonCriteria.receive(badRemote), /error/);
    assert.equal((await auditOf('EU', 'common-criterion.refused')).length, 3);
    assert.equal((await ruleAt('NL')).version, 3);

    // The figures per member equal what each filed, reviewed and controlled; the total adds them up.
    clock.set(new Date(T0 + 4 * DAY));
    await app!.deps.indicators.refresh();
    const figures = await send('GET', `/v1/common-criteria/${ID}/figures`, 'coord');
    assert.equal(figures.statusCode, 200, figures.body);
    const fig = figures.json<{
      authorities: ({ authority: string } & Record<string, number | null>)[];
      total: Record<string, number | null>;
    }>();
    assert.deepEqual(
      fig.authorities.map((r) => r.authority),
      ['BE', 'NL'],
    );
    for (const m of MEMBERS) {
      const row = fig.authorities.find((r) => r.authority === m)!;
      assert.equal(row['itemsAnalysed'], expected[`${m}:assessed`], `${m}: items analysed`);
      assert.equal(row['automatedHits'], expected[m], `${m}: automated hits`);
      assert.equal(row['finalHits'], 1, `${m}: final hits`);
      assert.equal(row['controls'], own[m]!.controls, `${m}: controls`);
      assert.equal(row['controlsWithResult'], own[m]!.done);
      assert.equal(row['positives'], own[m]!.positives, `${m}: positives`);
      assert.equal(row['falsePositives'], own[m]!.negatives, `${m}: false positives`);
      assert.equal(row['yield'], own[m]!.positives / own[m]!.done);
    }
    for (const k of [
      'itemsAnalysed',
      'automatedHits',
      'finalHits',
      'controls',
      'positives',
      'falsePositives',
    ]) {
      assert.equal(
        fig.total[k],
        fig.authorities.reduce((s, r) => s + (r[k] as number), 0),
        `total ${k}`,
      );
    }
    const mine = await send('GET', `/v1/common-criteria/${ID}/figures`, 'analystNL');
    assert.deepEqual(
      mine.json<{ authorities: { authority: string }[] }>().authorities.map((r) => r.authority),
      ['NL'],
    );

    // Withdrawal retires the rule at every member at once, in each member's own trail.
    clock.set(new Date(T0 + 5 * DAY));
    const withdrawn = await send('POST', `/v1/common-criteria/${ID}/withdrawal`, 'coord', {
      reason: 'Covered by the new product-safety measure',
    });
    assert.equal(withdrawn.statusCode, 200, withdrawn.body);
    assert.equal(withdrawn.json<CommonCriterion>().status, 'withdrawn');
    for (const m of MEMBERS) {
      const rule = await ruleAt(m);
      assert.deepEqual([rule.version, rule.status], [4, 'retired'], `${m}: retired`);
      const applied = await auditOf(m, 'common-criterion.applied');
      assert.equal(applied[applied.length - 1]!['status'], 'retired');
    }
    const late = await send('PUT', `/v1/common-criteria/${ID}`, 'coord', body);
    assert.equal(late.json<{ code: string }>().code, 'VIGIL_COMMON_CRITERION_STATE');
    const listed = await send('GET', '/v1/common-criteria', 'analystBE');
    assert.deepEqual(
      listed.json<{ items: { id: string; status: string }[] }>().items.map((x) => [x.id, x.status]),
      [[ID, 'withdrawn']],
    );
  });

  it('an amendment that names fewer members retires the rule at the others; the kind stays', async () => {
    const frc = criterion({
      id: 'EU-FRC-2027-002',
      kind: 'frc',
      title: 'Low value per kilogram',
      riskArea: 'undervaluation',
      condition: 'valuePerKg < 0.5',
      scope: { members: ['NL', 'BE'], modes: ['road'] },
    });
    const published = await send('POST', '/v1/common-criteria', 'coord', frc);
    assert.equal(published.statusCode, 201, published.body);
    assert.equal(published.json<CommonCriterion>().ruleId, 'frc.EU-FRC-2027-002');
    const { id: _id, ...body } = frc;
    const kind = await send('PUT', '/v1/common-criteria/EU-FRC-2027-002', 'coord', { ...body, kind: 'crc' });
    assert.equal(kind.statusCode, 422, kind.body);
    assert.equal(kind.json<{ errors: { path: string }[] }>().errors[0]!.path, '$.kind');
    const fewer = await send('PUT', '/v1/common-criteria/EU-FRC-2027-002', 'coord', {
      ...body,
      scope: { members: ['NL'], modes: ['road'] },
    });
    assert.equal(fewer.statusCode, 200, fewer.body);
    const rule = async (m: string) =>
      (await send('GET', '/v1/rules/frc.EU-FRC-2027-002', `analyst${m}`)).json<{
        rule: { version: number; status: string; scope: { modes?: string[] } };
      }>().rule;
    assert.deepEqual(
      [(await rule('NL')).version, (await rule('NL')).status, (await rule('NL')).scope.modes],
      [2, 'active', ['road']],
    );
    assert.deepEqual([(await rule('BE')).version, (await rule('BE')).status], [2, 'retired']);
    const be = await send('GET', '/v1/common-criteria/EU-FRC-2027-002', 'analystBE');
    assert.equal(be.statusCode, 200, 'BE still reads the version that named it');
    assert.equal(be.json<CommonCriterion>().version, 1);
  });
});
