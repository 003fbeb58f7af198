/**
 * The demo RIF traffic played against a real server (listening on a port, on each database engine):
 * the directory holds the demo's authorities; each authority's inbox holds what was addressed to it,
 * a TLP RED form only at its named recipient; what recipients adopted is a live rule of theirs (a
 * withdrawn form's rule retired) and those rules select the demo's filings; feedback, declines,
 * amendments and overdue feedback show where the API shows them; a second run neither fails nor
 * duplicates anything. Expectations come from the traffic file itself. Also: a broken traffic file is
 * refused with its paths, and a fresh instance's demo pack puts the demo authorities in the directory.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AssessmentRepository } from '../assessment/index.ts';
import type { Role } from '../auth/index.ts';
import { RifRepository } from '../cooperation/index.ts';
import { validateFiling } from '../intake/index.ts';
import { WatchlistRegistry, assess, compileRuleSet } from '../risk/index.ts';
import { RuleRepository } from '../rules/index.ts';
import { openDatabase } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../../test/support/test-app.ts';
import type { TestApp } from '../../test/support/test-app.ts';
import { installDemoPack } from './demo-pack.ts';
import {
  CooperationDemoError,
  loadCooperationDemo,
  parseCooperationDemo,
  runCooperationDemo,
} from './demo-cooperation.ts';
import type { CooperationDemo, CooperationDemoRif, CooperationDemoSummary } from './demo-cooperation.ts';
import { generateDemoFilings } from './index.ts';

const titleOf = (e: CooperationDemoRif): string => String(e.rif['title']);
const stepsOf = (demo: CooperationDemo, kind: string) =>
  demo.rifs.flatMap((entry) => entry.steps.filter((s) => s.do === kind).map((step) => ({ entry, step })));

/** The customs authorities a form of the file is addressed to. */
function customsRecipients(demo: CooperationDemo, e: CooperationDemoRif): string[] {
  const r = e.rif['recipients'];
  return r === 'all'
    ? demo.authorities.filter((a) => a.kind === 'customs' && a.code !== e.issuer).map((a) => a.code)
    : (r as string[]);
}

forEachDatabase('the demo RIF traffic through the API', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  let url = '';
  let demo: CooperationDemo;
  let first: CooperationDemoSummary;
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (authority: string, role: Role): Promise<string> => {
    const key = `${authority}:${role}`;
    if (!tokens.has(key)) {
      tokens.set(key, app().token(authority, role, `demo-${role}`));
    }
    return tokens.get(key)!;
  };
  const tok: Record<string, string> = {};
  const send = sender(app, tok);
  /** A GET as `authority`'s analyst (or its partner user), answered 200. */
  const get = async (authority: string, path: string): Promise<any> => {
    const role: Role =
      demo.authorities.find((a) => a.code === authority)?.kind === 'partner' ? 'partner' : 'analyst';
    tok[`${authority}:${role}`] = await tokenFor(authority, role);
    const r = await send('GET', path, `${authority}:${role}`);
    assert.equal(r.statusCode, 200, `${path} as ${authority}: ${r.body}`);
    return r.json();
  };
  const idOf = (title: string): string => {
    const found = first.rifs.find((r) => r.title === title);
    assert.ok(found !== undefined, `no RIF titled ${title}`);
    return found.id;
  };

  before(async () => {
    t = await startTestApp(target);
    await app().server.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app().server.app.server.address() as AddressInfo).port}`;
    demo = await loadCooperationDemo();
    first = await runCooperationDemo({ url, tokenFor, now: app().clock.now() });
  });

  test('the first run registers the directory, drafts and issues every form, and takes every step', async () => {
    const directory = await get('NL', '/v1/authorities');
    assert.deepEqual(
      directory.items.map((e: { code: string; kind: string }) => `${e.code}:${e.kind}`).sort(),
      demo.authorities.map((a) => `${a.code}:${a.kind}`).sort(),
    );
    const c = first.counts;
    assert.equal(c.registered, demo.authorities.length);
    assert.equal(c.policies, demo.sharingPolicies.length);
    assert.equal(c.drafted, demo.rifs.length);
    assert.equal(c.alreadyThere, 0);
    assert.equal(c.issued, demo.rifs.filter((e) => e.issue).length);
    const done = [
      ['adopt', c.adopted],
      ['note', c.noted],
      ['decline', c.declined],
      ['feedback', c.feedback],
      ['amend', c.amended],
      ['withdraw', c.withdrawn],
      ['read', c.read],
    ] as const;
    for (const [kind, n] of done) {
      assert.equal(n, stepsOf(demo, kind).length, kind);
    }
    assert.ok(c.adopted > 0 && c.noted > 0 && c.declined > 0 && c.feedback > 0, JSON.stringify(c));
    const status = new Map(first.rifs.map((r) => [r.title, r.status]));
    for (const e of demo.rifs) {
      const withdrawn = e.steps.some((s) => s.do === 'withdraw');
      assert.equal(
        status.get(titleOf(e)),
        !e.issue ? 'draft' : withdrawn ? 'withdrawn' : 'issued',
        titleOf(e),
      );
    }
    const policy = await get('BE', '/v1/sharing-policies');
    assert.deepEqual(
      policy.rules.length,
      demo.sharingPolicies.find((p) => p.authority === 'BE')!.rules.length,
    );
  });

  test('each customs authority’s inbox holds what was addressed to it, and TLP RED only its named recipients', async () => {
    let red = 0;
    for (const a of demo.authorities) {
      const inbox = await get(a.code, '/v1/rifs?box=inbox&limit=1000');
      const got = new Set<string>(inbox.items.map((i: { rif: { id: string } }) => i.rif.id));
      for (const e of demo.rifs.filter((x) => x.issue)) {
        const addressed = a.kind === 'customs' && customsRecipients(demo, e).includes(a.code);
        if (a.kind === 'customs') {
          assert.equal(got.has(idOf(titleOf(e))), addressed, `${a.code} and '${titleOf(e)}'`);
        }
        const tlp = (e.rif['handling'] as { tlp: string }).tlp;
        if (tlp === 'RED') {
          red++;
          assert.equal(got.has(idOf(titleOf(e))), addressed, `RED '${titleOf(e)}' at ${a.code}`);
        }
      }
    }
    assert.ok(red > 0, 'the traffic has a TLP RED form');
    // Drafts stay with their issuer.
    for (const e of demo.rifs.filter((x) => !x.issue)) {
      const mine = await get(e.issuer, '/v1/rifs?box=issued&limit=1000');
      assert.ok(
        mine.items.some(
          (r: { title: string; status: string }) => r.title === titleOf(e) && r.status === 'draft',
        ),
      );
      for (const a of demo.authorities.filter((x) => x.code !== e.issuer)) {
        const inbox = await get(a.code, '/v1/rifs?box=inbox&limit=1000');
        assert.ok(!inbox.items.some((i: { rif: { title: string } }) => i.rif.title === titleOf(e)));
      }
    }
  });

  test('adopted forms are live rules of the recipient (retired when withdrawn); declines, amendments and overdue feedback show', async () => {
    for (const { entry, step } of stepsOf(demo, 'adopt')) {
      const id = idOf(titleOf(entry));
      const { rule } = await get(step.by, `/v1/rules/rif-${id}`);
      const withdrawn = entry.steps.some((s) => s.do === 'withdraw');
      assert.equal(rule.status, withdrawn ? 'retired' : 'active', `${step.by}'s rule of '${titleOf(entry)}'`);
    }
    for (const { entry, step } of stepsOf(demo, 'decline')) {
      const { deliveries } = await get(entry.issuer, `/v1/rifs/${idOf(titleOf(entry))}`);
      const d = deliveries.find((x: { authority: string }) => x.authority === step.by);
      assert.equal(d.state, 'declined');
      assert.equal(d.reason, step.do === 'decline' ? step.reason : undefined);
    }
    for (const { entry, step } of stepsOf(demo, 'feedback')) {
      const { feedback } = await get(entry.issuer, `/v1/rifs/${idOf(titleOf(entry))}/feedback`);
      const given = feedback.filter(
        (f: { authority: string; kind: string }) => f.authority === step.by && f.kind === 'manual',
      );
      assert.equal(given.length, 1, `${step.by} on '${titleOf(entry)}'`);
      assert.equal(given[0].usefulness, step.do === 'feedback' ? step.usefulness : undefined);
    }
    for (const { entry } of stepsOf(demo, 'amend')) {
      const id = idOf(titleOf(entry));
      const at = entry.steps.findIndex((s) => s.do === 'amend');
      for (const before of entry.steps
        .slice(0, at)
        .filter((s) => ['adopt', 'note', 'decline'].includes(s.do))) {
        const inbox = await get(before.by, '/v1/rifs?box=inbox&limit=1000');
        const item = inbox.items.find((i: { rif: { id: string } }) => i.rif.id === id);
        assert.ok(
          item.labels.includes('amended'),
          `${before.by} sees '${titleOf(entry)}' amended: ${item.labels}`,
        );
        assert.equal(item.rif.version, 2);
      }
    }
    // Feedback already due: every customs recipient that neither gave it nor declined is overdue.
    const pastDue = demo.rifs.filter((e) => e.issue && (e.timing.feedbackDue ?? 1) < 0);
    assert.ok(pastDue.length > 0, 'the traffic has feedback past its due time');
    for (const e of pastDue) {
      const { recipients } = await get(e.issuer, `/v1/rifs/${idOf(titleOf(e))}/feedback`);
      for (const r of recipients as { authority: string; overdue: boolean }[]) {
        const answered = e.steps.some(
          (s) => s.by === r.authority && (s.do === 'feedback' || s.do === 'decline'),
        );
        assert.equal(r.overdue, !answered, `${r.authority} on '${titleOf(e)}'`);
      }
    }
  });

  test('the rules the demo authority adopted select filings of the demo traffic', async () => {
    const authority = 'NL';
    const live = demo.rifs.filter(
      (e) =>
        e.steps.some((s) => s.do === 'adopt' && s.by === authority) &&
        !e.steps.some((s) => s.do === 'withdraw'),
    );
    assert.ok(live.length >= 3, 'the demo authority adopts several forms');
    const ids = new Set(live.map((e) => `rif-${idOf(titleOf(e))}`));
    const rules = (await app().deps.ruleRepo.currentRules(app().deps.db, authority)).filter((r) =>
      ids.has(r.id),
    );
    assert.equal(rules.length, ids.size);
    const set = compileRuleSet(rules);
    assert.ok(set.ok, JSON.stringify(!set.ok && set.errors));
    const now = app().clock.now();
    const hits = new Map<string, number>();
    for (const d of generateDemoFilings({ count: 1500, seed: 7, now, invalidShare: 0, riskyShare: 0.1 })) {
      const valid = validateFiling(d.filing, { now, checkDeadlines: true });
      assert.ok(valid.ok);
      valid.value.consignments.forEach((_, consignmentIndex) => {
        const a = assess(
          { filing: valid.value, consignmentIndex, at: now.toISOString(), authority },
          set.value,
          new WatchlistRegistry([]),
        );
        for (const h of a.hits) {
          hits.set(h.ruleId, (hits.get(h.ruleId) ?? 0) + 1);
        }
      });
    }
    for (const id of ids) {
      assert.ok((hits.get(id) ?? 0) > 0, `${id} hits no demo filing (${JSON.stringify([...hits])})`);
    }
  });

  test('a second run fails on nothing and duplicates nothing', async () => {
    const rifs = await app().count('rif');
    const feedback = await app().count('rif_feedback');
    const again = await runCooperationDemo({ url, tokenFor, now: app().clock.now() });
    assert.deepEqual(
      Object.entries(again.counts).filter(([, n]) => n > 0),
      [['alreadyThere', demo.rifs.length]],
    );
    assert.deepEqual(again.rifs, first.rifs);
    assert.equal(await app().count('rif'), rifs);
    assert.equal(await app().count('rif_feedback'), feedback);
  });
});

describe('the cooperation demo file', () => {
  test('a broken file is refused with the path of each problem', async () => {
    const json = structuredClone(await loadCooperationDemo()) as unknown as {
      rifs: { issuer: string; rif: Record<string, unknown>; steps: { by: string; do: string }[] }[];
    };
    json.rifs[0]!.rif['indicators'] = {};
    json.rifs[1]!.steps.push({ by: json.rifs[1]!.issuer, do: 'adopt' });
    json.rifs[2]!.rif['validUntil'] = '2030-01-01';
    assert.throws(
      () => parseCooperationDemo(json, 'cooperation.json'),
      (err: Error) =>
        err instanceof CooperationDemoError &&
        /^cooperation\.json is not a valid cooperation demo file/.test(err.message) &&
        err.message.includes('$.rifs[0].rif.indicators: a RIF needs at least one risk indicator') &&
        err.message.includes(`$.rifs[1].steps[${json.rifs[1]!.steps.length - 1}].by`) &&
        err.message.includes('$.rifs[2].rif.validUntil: comes from timing'),
    );
  });
});

describe('the demo pack on a fresh instance', () => {
  let db: Awaited<ReturnType<typeof openDatabase>> | undefined;
  const deps = () => ({
    db: db!,
    ruleRepo: new RuleRepository(),
    assessmentRepo: new AssessmentRepository(),
  });
  before(async () => {
    db = await openDatabase({});
    await migrate(db);
  });
  after(() => db?.close());

  test('puts the demo authorities, and the demo authority itself, in an empty directory', async () => {
    const demo = await loadCooperationDemo();
    const at = new Date('2027-02-20T08:00:00Z');
    assert.equal(await installDemoPack(deps(), 'SE', at), true);
    const directory = await new RifRepository().directory(db!);
    assert.deepEqual([...directory.keys()].sort(), [...demo.authorities.map((a) => a.code), 'SE'].sort());
    assert.equal(directory.get('SE')?.kind, 'customs');
    // Another authority's first start, with the directory knowing it already: nothing is added.
    await new RifRepository().putAuthority(
      db!,
      { code: 'AT', name: 'Austrian Customs', kind: 'customs' },
      at,
    );
    assert.equal(await installDemoPack(deps(), 'AT', at), true);
    assert.equal((await new RifRepository().directory(db!)).size, directory.size + 1);
  });
});
