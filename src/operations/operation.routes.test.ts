/**
 * Joint operations through the API (issue 11), on every engine: a coordinator (EU) runs a two-week
 * joint customs operation with three participants (NL, BE, DE) on demo traffic. The criteria go live
 * at the start and retire at the end by the test clock alone (filings assessed before, inside and
 * after the window: only those inside are hit); the pooled results equal each participant's own
 * figures as its own API reports them; the final report lists them as JSON, CSV and HTML. Bad input:
 * an end before the start, a criterion with a type error, an unknown participant; a non-participant
 * reads nothing.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { generateDemoFilings } from '../demo/index.ts';
import type { Filing } from '../domain/index.ts';
import { assessPending, forEachDatabase, sender, startTestApp } from '../../test/support/test-app.ts';
import type { TestApp } from '../../test/support/test-app.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.parse('2027-02-20T08:00:00Z');
const START = new Date(T0 + 2 * DAY).toISOString();
const END = new Date(T0 + 16 * DAY).toISOString();
const PARTICIPANTS = ['NL', 'BE', 'DE'] as const;
const SCOPE_GOODS = ['33', '64', '85', '87'];

const criterion = (over: Record<string, unknown> = {}) => ({
  title: 'Cosmetics (chapter 33)',
  condition: 'goods.exists(g, g.hsCode.startsWith("33"))',
  riskArea: 'product-safety',
  weight: 80,
  severity: 'high',
  recommendedAction: 'physical-check',
  reason: 'Counterfeit cosmetics on the operation routes',
  ...over,
});

const operationBody = (over: Record<string, unknown> = {}) => ({
  kind: 'jco',
  title: 'JCO Mirror: cosmetics and footwear',
  objective: 'Detect counterfeit cosmetics and footwear <b>entering</b> the union',
  scope: { goods: SCOPE_GOODS },
  start: START,
  end: END,
  interimReview: new Date(T0 + 9 * DAY).toISOString(),
  participants: [
    { authority: 'NL', liaisonOfficers: [{ name: 'J. de Vries' }] },
    { authority: 'BE' },
    { authority: 'DE' },
  ],
  criteria: [
    criterion(),
    criterion({
      title: 'Footwear (chapter 64)',
      condition: 'goods.exists(g, g.hsCode.startsWith("64"))',
      riskArea: 'ipr',
      recommendedAction: 'documentary-check',
    }),
  ],
  ...over,
});

interface Hit {
  id: string;
}
interface AssessmentView {
  status: string;
  consignments: { index: number; hits: Hit[] }[];
}
interface Task {
  id: string;
  controlType: string;
  ruleRefs: { id: string }[];
}

forEachDatabase('joint operations', (target) => {
  let app: TestApp | undefined;
  let send: ReturnType<typeof sender>;
  const lodged: Record<string, { before: string[]; inside: string[]; after: string[] }> = {};
  const goodsOf = new Map<string, string[][]>();

  before(async () => {
    app = await startTestApp(target);
    const tokens: Record<string, string> = {
      admin: await app.token('EU', 'admin', 'root'),
      coord: await app.token('EU', 'coordinator', 'eu-ops'),
      outsider: await app.token('FR', 'coordinator', 'fr-ops'),
      outsiderAnalyst: await app.token('FR', 'analyst', 'fr-an'),
      filerNL: await app.token('NL', 'filer', 'f'),
    };
    for (const p of PARTICIPANTS) {
      tokens[`analyst${p}`] = await app.token(p, 'analyst', `an-${p}`);
      tokens[`officer${p}`] = await app.token(p, 'officer', `of-${p}`);
    }
    send = sender(() => app!, tokens);
    for (const code of ['EU', 'NL', 'BE', 'DE', 'FR']) {
      const r = await send('PUT', `/v1/authorities/${code}`, 'admin', {
        name: `${code} customs`,
        kind: 'customs',
      });
      assert.equal(r.statusCode, 200, r.body);
    }
  });
  after(async () => {
    await app?.close();
  });

  /** Lodges and assesses `count` demo filings for each participant at the clock's time. */
  async function lodgeAll(seed: number, count: number): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const [k, p] of PARTICIPANTS.entries()) {
      out[p] = [];
      for (const f of generateDemoFilings({
        count,
        seed: seed * 10 + k,
        now: app!.clock.now(),
        invalidShare: 0,
        riskyShare: 0.1,
      })) {
        const filed = await app!.deps.filings.register(
          { subject: 'filer', authority: p, role: 'filer' },
          f.filing,
        );
        const body = f.filing as Filing;
        out[p].push(filed.filing.mrn);
        goodsOf.set(
          filed.filing.mrn,
          body.consignments.map((c) => c.goods.map((g) => g.hsCode)),
        );
      }
    }
    await assessPending(app!);
    return out;
  }

  async function opHits(p: string, mrns: readonly string[], opId: string): Promise<number> {
    let n = 0;
    for (const mrn of mrns) {
      const r = await send('GET', `/v1/filings/${mrn}/assessment`, `analyst${p}`);
      assert.equal(r.statusCode, 200, r.body);
      const a = r.json<AssessmentView>();
      assert.equal(a.status, 'assessed');
      n += a.consignments.filter((c) => c.hits.some((h) => h.id.startsWith(`${opId}-`))).length;
    }
    return n;
  }

  it('runs a two-week JCO: criteria live exactly in the window, pooled results equal each participant’s own', async () => {
    const clock = app!.clock;
    clock.set(new Date(T0));
    const created = await send('POST', '/v1/operations', 'coord', operationBody());
    assert.equal(created.statusCode, 201, created.body);
    const op = created.json<{ id: string; phase: string; coordinator: string; criteria: { id: string }[] }>();
    assert.equal(op.phase, 'planning');
    assert.equal(op.coordinator, 'EU');
    assert.deepEqual(
      op.criteria.map((c) => c.id),
      ['c1', 'c2'],
    );

    // The participants accept during planning: each gets the criteria as its own rules.
    clock.set(new Date(T0 + DAY));
    for (const p of PARTICIPANTS) {
      const r = await send('POST', `/v1/operations/${op.id}/participation`, `analyst${p}`);
      assert.equal(r.statusCode, 200, r.body);
      const mine = r
        .json<{ participants: { authority: string; state: string; ruleIds: string[] }[] }>()
        .participants.find((x) => x.authority === p)!;
      assert.equal(mine.state, 'accepted');
      assert.deepEqual(mine.ruleIds, [`${op.id}-c1`, `${op.id}-c2`]);
      const rule = await send('GET', `/v1/rules/${op.id}-c1`, `analyst${p}`);
      assert.equal(rule.statusCode, 200, rule.body);
      const again = await send('POST', `/v1/operations/${op.id}/participation`, `analyst${p}`);
      assert.equal(again.statusCode, 200, 'accepting twice changes nothing');
    }
    const listed = await send('GET', '/v1/operations', 'analystBE');
    assert.deepEqual(
      listed.json<{ items: { id: string }[] }>().items.map((o) => o.id),
      [op.id],
    );

    // Filings assessed before the start, inside the window and after the end.
    clock.set(new Date(T0 + DAY + HOUR));
    const before1 = await lodgeAll(1, 12);
    clock.set(new Date(T0 + 5 * DAY));
    const inside = await lodgeAll(2, 12);
    // During the window: the interim report, in the operational phase.
    clock.set(new Date(T0 + 9 * DAY));
    const interim = await send('GET', `/v1/operations/${op.id}/report`, 'coord');
    assert.equal(interim.statusCode, 200, interim.body);
    assert.equal(interim.json<{ kind: string }>().kind, 'interim');
    assert.equal(interim.json<{ results: { phase: string } }>().results.phase, 'operational');
    clock.set(new Date(T0 + 16 * DAY + HOUR));
    const after1 = await lodgeAll(3, 12);
    for (const p of PARTICIPANTS) {
      lodged[p] = { before: before1[p]!, inside: inside[p]!, after: after1[p]! };
      assert.equal(await opHits(p, before1[p]!, op.id), 0, `${p}: nothing hit before the start`);
      assert.equal(await opHits(p, after1[p]!, op.id), 0, `${p}: nothing hit after the end`);
      const expected = inside[p]!.flatMap((mrn) =>
        goodsOf.get(mrn)!.filter((goods) => goods.some((h) => h.startsWith('33') || h.startsWith('64'))),
      ).length;
      assert.ok(expected > 0, `${p}: the demo traffic has goods the criteria select`);
      assert.equal(
        await opHits(p, inside[p]!, op.id),
        expected,
        `${p}: every in-window consignment of 33/64 hit`,
      );
    }

    // Each participant's officers record a result on every control task (seizure, irregularity, none).
    clock.set(new Date(T0 + 17 * DAY));
    const own: Record<
      string,
      {
        controls: number;
        byType: Record<string, number>;
        results: Record<string, number>;
        duty: number;
        tax: number;
        seized: number;
      }
    > = {};
    for (const p of PARTICIPANTS) {
      const q = await send('GET', '/v1/controls?limit=500&status=open,assigned,done', `officer${p}`);
      assert.equal(q.statusCode, 200, q.body);
      const tasks = q.json<{ items: Task[] }>().items;
      const mine = {
        controls: 0,
        byType: {} as Record<string, number>,
        results: {} as Record<string, number>,
        duty: 0,
        tax: 0,
        seized: 0,
      };
      for (const [k, task] of tasks.entries()) {
        const result =
          k % 3 === 0
            ? {
                result: 'seizure',
                category: 'counterfeit',
                quantity: 10 + k,
                unit: 'items',
                method: 'physical',
              }
            : k % 3 === 1
              ? {
                  result: 'irregularity',
                  type: 'undervaluation',
                  dutyAtStake: 100 * (k + 1),
                  taxAtStake: 21 * (k + 1),
                  method: 'documentary',
                }
              : { result: 'no-irregularity', method: 'scan' };
        const r = await send('POST', `/v1/controls/${task.id}/result`, `officer${p}`, result);
        assert.equal(r.statusCode, 201, r.body);
      }
      // What the participant's own API reports about the tasks its operation rules selected.
      for (const task of tasks) {
        if (!task.ruleRefs.some((ref) => ref.id.startsWith(`${op.id}-`))) {
          continue;
        }
        const view = await send('GET', `/v1/controls/${task.id}`, `officer${p}`);
        const v = view.json<{
          results: { result: string; details: Record<string, number>; supersededBy: string | null }[];
        }>();
        const current = v.results.find((x) => x.supersededBy === null)!;
        mine.controls++;
        mine.byType[task.controlType] = (mine.byType[task.controlType] ?? 0) + 1;
        mine.results[current.result] = (mine.results[current.result] ?? 0) + 1;
        mine.duty += current.details.dutyAtStake ?? 0;
        mine.tax += current.details.taxAtStake ?? 0;
        mine.seized += current.result === 'seizure' ? current.details.quantity! : 0;
      }
      assert.ok(mine.controls > 0, `${p}: the operation's criteria selected controls`);
      own[p] = mine;
    }

    // Pooled results after the end: per participant equal to its own figures, and the total their sum.
    const res = await send('GET', `/v1/operations/${op.id}/results`, 'coord');
    assert.equal(res.statusCode, 200, res.body);
    const pooled = res.json<{
      phase: string;
      participants: {
        authority: string;
        screened: number;
        hitConsignments: number;
        controls: number;
        controlsByType: Record<string, number>;
        results: Record<string, number>;
        seizures: { category: string; quantity: number; count: number }[];
        dutyAtStake: number;
        taxAtStake: number;
      }[];
      total: {
        hitConsignments: number;
        controls: number;
        screened: number;
        dutyAtStake: number;
        seizures: { quantity: number }[];
      };
    }>();
    assert.equal(pooled.phase, 'post-operational');
    for (const p of PARTICIPANTS) {
      const f = pooled.participants.find((x) => x.authority === p)!;
      const inScope = lodged[p]!.inside.flatMap((mrn) =>
        goodsOf.get(mrn)!.filter((goods) => goods.some((h) => SCOPE_GOODS.some((s) => h.startsWith(s)))),
      ).length;
      assert.equal(f.screened, inScope, `${p}: screened = its in-scope consignments assessed in the window`);
      assert.equal(f.hitConsignments, await opHits(p, lodged[p]!.inside, op.id), `${p}: hits`);
      assert.equal(f.controls, own[p]!.controls, `${p}: controls`);
      assert.deepEqual(f.controlsByType, own[p]!.byType, `${p}: controls by type`);
      assert.deepEqual(f.results, own[p]!.results, `${p}: results`);
      assert.equal(f.dutyAtStake, own[p]!.duty, `${p}: duty`);
      assert.equal(f.taxAtStake, own[p]!.tax, `${p}: tax`);
      assert.equal(
        f.seizures.reduce((s, x) => s + x.quantity, 0),
        own[p]!.seized,
        `${p}: seized quantity`,
      );
    }
    const sum = (k: 'hitConsignments' | 'controls' | 'screened') =>
      pooled.participants.reduce((s, x) => s + x[k], 0);
    assert.equal(pooled.total.hitConsignments, sum('hitConsignments'));
    assert.equal(pooled.total.controls, sum('controls'));
    assert.equal(pooled.total.screened, sum('screened'));
    assert.equal(
      pooled.total.dutyAtStake,
      PARTICIPANTS.reduce((s, p) => s + own[p]!.duty, 0),
    );
    assert.ok(!/"(name|eori|filer|mrn)"/.test(res.body), 'no personal data or consignment identifiers');

    // A participant sees the same pooled figures; the final report lists every participant.
    const asNL = await send('GET', `/v1/operations/${op.id}/results`, 'analystNL');
    assert.deepEqual(asNL.json(), res.json());
    const json = await send('GET', `/v1/operations/${op.id}/report?format=json`, 'coord');
    assert.equal(json.statusCode, 200, json.body);
    const report = json.json<{ kind: string; results: unknown }>();
    assert.equal(report.kind, 'final');
    assert.deepEqual(report.results, res.json());
    const csv = await send('GET', `/v1/operations/${op.id}/report?format=csv`, 'coord');
    assert.equal(csv.statusCode, 200, csv.body);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines.length, 1 + PARTICIPANTS.length + 1);
    for (const p of PARTICIPANTS) {
      const f = pooled.participants.find((x) => x.authority === p)!;
      const line = lines.find((l) => l.split(',')[2] === p)!;
      assert.equal(line.split(',')[0], 'final');
      assert.equal(Number(line.split(',')[5]), f.hitConsignments);
      assert.equal(Number(line.split(',')[7]), f.controls);
    }
    assert.equal(Number(lines.at(-1)!.split(',')[5]), pooled.total.hitConsignments);
    const html = await send('GET', `/v1/operations/${op.id}/report?format=html`, 'coord');
    assert.equal(html.statusCode, 200, html.body);
    assert.match(String(html.headers['content-type']), /^text\/html/);
    assert.match(html.body, /Final report/);
    assert.match(html.body, /<svg [^>]*role="img"/);
    assert.match(html.body, /@media print/);
    assert.ok(
      !/<script|https?:\/\/(?!www\.w3\.org)/.test(html.body),
      'self-contained: no script, no outside resource',
    );
    assert.ok(html.body.includes('&lt;b&gt;entering&lt;/b&gt;'), 'the objective is escaped');
    for (const p of PARTICIPANTS) {
      assert.match(html.body, new RegExp(`<th scope="row">${p}</th>`));
    }

    // The operation's channel: participants write and read; an outsider neither.
    const posted = await send('POST', `/v1/operations/${op.id}/messages`, 'analystBE', {
      kind: 'alert',
      text: 'Footwear consignment rerouted to Rotterdam',
      to: 'NL',
    });
    assert.equal(posted.statusCode, 201, posted.body);
    const read = await send('GET', `/v1/operations/${op.id}/messages`, 'officerNL');
    assert.equal(read.statusCode, 200, read.body);
    assert.deepEqual(
      read.json<{ items: { from: string; text: string }[] }>().items.map((m) => [m.from, m.text]),
      [['BE', 'Footwear consignment rerouted to Rotterdam']],
    );
    for (const url of ['', '/results', '/report?format=html', '/messages']) {
      const r = await send('GET', `/v1/operations/${op.id}${url}`, 'outsider');
      assert.equal(r.statusCode, 404, `${url}: ${r.body}`);
      assert.equal(r.json().code, 'VIGIL_OPERATION_NOT_FOUND');
    }
    const outsiderPost = await send('POST', `/v1/operations/${op.id}/messages`, 'outsiderAnalyst', {
      kind: 'note',
      text: 'let me in',
    });
    assert.equal(outsiderPost.statusCode, 404);
    const outsiderAccept = await send('POST', `/v1/operations/${op.id}/participation`, 'outsiderAnalyst');
    assert.equal(outsiderAccept.statusCode, 404);
    const filer = await send('GET', `/v1/operations/${op.id}`, 'filerNL');
    assert.equal(filer.statusCode, 403);

    // The audit trails: creation at the coordinator, each acceptance at its participant.
    const audit = await app!.deps.db.query<{ authority: string; action: string }>(
      `SELECT authority, action FROM audit_log WHERE subject = $1 ORDER BY authority, action`,
      [`operation:${op.id}`],
    );
    const actions = audit.rows.map((r) => `${r.authority}:${r.action}`);
    for (const want of [
      'EU:operation.created',
      'NL:operation.accepted',
      'BE:operation.accepted',
      'DE:operation.accepted',
    ]) {
      assert.ok(actions.includes(want), `${want} in ${actions.join(', ')}`);
    }
  });

  it('refuses an end before the start, a criterion that does not type-check and an unknown participant', async () => {
    app!.clock.set(new Date(T0));
    const stored = await app!.count('operation');
    const backwards = await send(
      'POST',
      '/v1/operations',
      'coord',
      operationBody({ start: END, end: START }),
    );
    assert.equal(backwards.statusCode, 422, backwards.body);
    assert.equal(backwards.json().code, 'VIGIL_OPERATION_INVALID');
    assert.deepEqual(
      backwards.json().errors.map((e: { code: string; path: string }) => [e.code, e.path]),
      [['VIGIL_OPERATION_PERIOD_INVALID', '$.end']],
    );

    const typeError = await send(
      'POST',
      '/v1/operations',
      'coord',
      operationBody({ criteria: [criterion(), criterion({ condition: 'totalValue > "a lot"' })] }),
    );
    assert.equal(typeError.statusCode, 422, typeError.body);
    assert.equal(typeError.json().code, 'VIGIL_RULE_INVALID');
    assert.equal(typeError.json().errors[0].path, '$.criteria[1].condition');

    const list600 = `[${Array.from({ length: 600 }, (_, i) => i).join(',')}]`;
    const costly = await send(
      'POST',
      '/v1/operations',
      'coord',
      operationBody({
        criteria: [
          criterion({
            condition: `${list600}.exists(a, ${list600}.exists(b, ${list600}.exists(c, a + b + c == consignment.goodsCount)))`,
          }),
        ],
      }),
    );
    assert.equal(costly.statusCode, 422, costly.body);
    assert.equal(costly.json().code, 'VIGIL_RULE_TOO_COSTLY');
    assert.equal(costly.json().errors[0].path, '$.criteria[0].condition');

    const unknown = await send(
      'POST',
      '/v1/operations',
      'coord',
      operationBody({ participants: [{ authority: 'NL' }, { authority: 'XX' }] }),
    );
    assert.equal(unknown.statusCode, 422, unknown.body);
    assert.deepEqual(
      unknown.json().errors.map((e: { code: string; path: string }) => [e.code, e.path]),
      [['VIGIL_OPERATION_PARTICIPANT_UNKNOWN', '$.participants[1].authority']],
    );
    const byAnalyst = await send('POST', '/v1/operations', 'analystNL', operationBody());
    assert.equal(byAnalyst.statusCode, 403);
    assert.equal(await app!.count('operation'), stored, 'nothing refused was stored');
  });
});
