/**
 * `vigil rifs` against a running server (a test app listening on a port), as three authorities'
 * analysts would use it: NL drafts a RIF from a file and issues it to BE, DE and FR; a second draft
 * that overlaps shows the first as a possible duplicate with its score; BE lists its inbox as a table,
 * adopts the RIF (a dry run first) and sees the backtest on its own history; DE declines (a decline
 * without a reason is refused with the problem JSON and exit code 1); BE gives feedback; after the due
 * time NL's feedback view shows each recipient's state and FR as overdue; NL amends and withdraws.
 * Most commands run in process through `runCli` (the same entry point as the `vigil` binary); one runs
 * as a real process with its token from VIGIL_TOKEN. And `vigil demo --cooperation`, which mints its
 * users' tokens from the instance's keyring, plays the demo RIF traffic and then posts filings.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenLocally, vigilInProcess } from '../support/cli.ts';
import type { CliRun } from '../support/cli.ts';
import { AUDIT_INBOX } from '../../src/audit/audit-inbox.ts';
import { loadCooperationDemo } from '../../src/demo/index.ts';
import { databaseTargets, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';

const MAIN = join(import.meta.dirname, '../../src/main.ts');
const DAY = 86_400_000;

type Run = CliRun;

/** `vigil …` in this process, with its own streams and environment. */
const vigil = vigilInProcess;

/** `vigil …` as a real process, like cli.test.ts. */
function vigilProcess(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
      },
    );
  });
}

/** NL's RIF on phones from China, as an analyst writes it in a file. */
function phonesRif(now: Date, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Counterfeit smartphones from Shenzhen',
    office: 'NL000396',
    riskArea: 'ipr',
    description: 'Boxed smartphones with fake brand logos; check packaging and IMEI labels.',
    indicators: { goodsCodes: ['8517'], origins: ['CN'] },
    recommendedAction: 'physical-check',
    urgency: 'urgent',
    validFrom: now.toISOString(),
    validUntil: new Date(now.getTime() + 60 * DAY).toISOString(),
    recipients: ['BE', 'DE', 'FR'],
    handling: { tlp: 'AMBER', code: 'H2', sourceReliability: 'B', informationAccuracy: 2 },
    feedback: { required: true, dueAt: new Date(now.getTime() + 14 * DAY).toISOString() },
    ...over,
  };
}

// The commands speak HTTP, so one engine is enough here; the API's own tests cover both.
const [target] = databaseTargets();

describe('vigil rifs against a running server', () => {
  let t: TestApp | undefined;
  const app = () => t!;
  let url = '';
  let dir = '';
  const tok: Record<string, string> = {};
  const send = sender(app, tok);
  /** `vigil rifs …` as one of the users below. */
  const rifs = (who: string, ...args: string[]): Promise<Run> =>
    vigil(['rifs', ...args, '--url', url], { VIGIL_TOKEN: tok[who]! });
  const file = (name: string, json: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(json));
    return path;
  };

  before(async () => {
    t = await startTestApp(target!);
    url = await listenLocally(app());
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-rifs-'));
    for (const [who, authority, role] of [
      ['nl-admin', 'NL', 'admin'],
      ['nl', 'NL', 'analyst'],
      ['be', 'BE', 'analyst'],
      ['be-filer', 'BE', 'filer'],
      ['de', 'DE', 'analyst'],
    ] as const) {
      tok[who] = await app().token(authority, role, who);
    }
    for (const [code, name] of [
      ['NL', 'Dutch Customs'],
      ['BE', 'Belgian Customs'],
      ['DE', 'German Customs'],
      ['FR', 'French Customs'],
    ]) {
      const r = await send('PUT', `/v1/authorities/${code}`, 'nl-admin', { name, kind: 'customs' });
      assert.equal(r.statusCode, 200, r.body);
    }
    // BE's history: one consignment of phones from China, assessed, for the backtest to find.
    const f = validFiling(app().clock.now(), { lrn: 'BE-CLI-1' });
    f['officeOfFirstEntry'] = 'BE101000';
    f['transport'].routing = ['CN', 'SG', 'BE'];
    f['consignments'][0].placeOfUnloading = 'BEANR';
    f['consignments'][0].routing = ['CN', 'SG', 'BE'];
    const filed = await send('POST', '/v1/filings', 'be-filer', f);
    assert.equal(filed.statusCode, 201, filed.body);
    const events = await app().deps.db.query<{
      payload: { mrn: string; authority: string; version: number };
    }>(`SELECT payload FROM outbox WHERE topic = 'filing.ready' AND processed_at IS NULL ORDER BY id`);
    for (const e of events.rows) {
      await app().deps.assessments.handleReady(e.payload);
    }
    app().clock.advance(DAY);
  });
  after(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('draft, issue, list, adopt, decide, feedback, amend and withdraw', async () => {
    const now = app().clock.now();

    // NL drafts from a file and issues.
    const drafted = await rifs('nl', 'draft', file('rif.json', phonesRif(now)));
    assert.equal(drafted.code, 0, drafted.stderr + drafted.stdout);
    const id = /^drafted (\S+) \(version 1, draft\): Counterfeit smartphones from Shenzhen$/m.exec(
      drafted.stdout,
    )?.[1];
    assert.ok(id !== undefined, drafted.stdout);
    const issued = await rifs('nl', 'issue', id);
    assert.equal(issued.code, 0, issued.stdout);
    assert.equal(issued.stdout, `issued ${id} v1 to BE, DE, FR\n`);

    // A second draft on the same goods shows the first, now active, as a possible duplicate.
    const near = await rifs(
      'nl',
      'draft',
      file('near.json', phonesRif(now, { title: 'Fake phones via Singapore', recipients: ['BE'] })),
    );
    assert.equal(near.code, 0, near.stdout);
    assert.match(near.stdout, /^possible duplicates of active RIFs:$/m);
    assert.match(
      near.stdout,
      new RegExp(
        `^  ${id} from NL, score (0\\.\\d\\d|1\\.00): Counterfeit smartphones from Shenzhen — shared: `,
        'm',
      ),
    );

    // BE's inbox as a table: a header, then the RIF with its labels, TLP, risk area and title.
    const list = await rifs('be', 'list');
    assert.equal(list.code, 0, list.stderr);
    const [header, ...rows] = list.stdout.trimEnd().split('\n');
    assert.match(header!, /^ID\s+VER\s+ISSUER\s+LABELS\s+TLP\s+RISK AREA\s+TITLE$/);
    const row = rows.find((r) => r.startsWith(id));
    assert.ok(row !== undefined, list.stdout);
    assert.match(
      row,
      /\s+v1\s+NL\s+unread,feedback-due\s+AMBER\s+ipr\s+Counterfeit smartphones from Shenzhen$/,
    );
    // DE's inbox lacks the second draft (never issued, and not addressed to DE).
    const deList = await rifs('de', 'list', '--label', 'unread');
    assert.equal(deList.stdout.trimEnd().split('\n').length, 2, deList.stdout);

    // BE adopts: a dry run shows the rule, the adoption shows it live with its backtest.
    const dry = await rifs('be', 'adopt', id, '--dry-run');
    assert.equal(dry.code, 0, dry.stdout);
    assert.match(
      dry.stdout,
      new RegExp(`^dry run: ${id} would become rule rif-${id} \\(nothing saved\\)$`, 'm'),
    );
    assert.match(
      dry.stdout,
      /^condition: goods\.exists\(g, g\.hsCode\.startsWith\("8517"\) && g\.origin in \["CN"\]\)$/m,
    );
    // The dry run's preview: the rule's backtest on BE's history, as adopting would show it.
    assert.match(dry.stdout, /^ {2}consignments hit {7}1 \(hit rate 100\.0 %\)$/m);
    assert.doesNotMatch((await rifs('be', 'list')).stdout, /adopted/, 'a dry run decides nothing');
    const adopted = await rifs('be', 'adopt', id, '--backtest-days', '30');
    assert.equal(adopted.code, 0, adopted.stdout);
    assert.match(adopted.stdout, new RegExp(`^adopted ${id} as rule rif-${id} v\\d+ \\(active\\)$`, 'm'));
    assert.match(adopted.stdout, /^ {2}consignments assessed {2}1$/m);
    assert.match(adopted.stdout, /^ {2}consignments hit {7}1 \(hit rate 100\.0 %\)$/m);
    assert.match(adopted.stdout, /^ {2}irregular share {8}none of the hits was controlled$/m);
    assert.match(adopted.stdout, /^ {2}added control load {5}1 \(100\.0 % of the consignments\)$/m);
    const rule = await send('GET', `/v1/rules/rif-${id}`, 'be');
    assert.equal(rule.json().rule.status, 'active');

    // DE declines; without a reason the API's problem comes back as JSON with exit code 1.
    const bare = await rifs('de', 'decide', id, 'declined');
    assert.equal(bare.code, 1);
    const problem = JSON.parse(bare.stdout);
    assert.equal(problem.code, 'VIGIL_RIF_INVALID');
    assert.deepEqual(
      problem.errors.map((e: { path: string }) => e.path),
      ['$.reason'],
    );
    const declined = await rifs('de', 'decide', id, 'declined', '--reason', 'no such traffic at our ports');
    assert.equal(declined.code, 0, declined.stdout);
    assert.equal(declined.stdout, `${id}: declined (no such traffic at our ports)\n`);

    // BE gives feedback; after the due time NL sees who answered and that FR is overdue.
    const given = await rifs(
      'be',
      'feedback',
      id,
      '--usefulness',
      'useful',
      '--comment',
      'two consignments held',
      '--controls',
      '3',
    );
    assert.equal(given.code, 0, given.stdout);
    assert.equal(given.stdout, `feedback on ${id} given by BE: useful\n`);
    app().clock.advance(15 * DAY);
    const view = await rifs('nl', 'feedback', id);
    assert.equal(view.code, 0, view.stdout);
    const lines = view.stdout.trimEnd().split('\n');
    assert.match(
      lines[0]!,
      /^\d{4}-\d\d-\d\d \d\d:\d\d {2}BE {4}v1 {2}useful, 3 controls — two consignments held$/,
    );
    assert.deepEqual(lines.slice(2), [
      'RECIPIENT  STATE     FEEDBACK  OVERDUE',
      'BE         adopted   1         no',
      'DE         declined  0         no',
      'FR         unread    0         yes',
    ]);
    // A recipient sees only its own feedback, and no table.
    const beView = await rifs('be', 'feedback', id);
    assert.equal(beView.stdout.trimEnd().split('\n').length, 1, beView.stdout);

    // NL amends (version 2, the recipients see it changed), then withdraws; BE's rule retires.
    const amended = await rifs(
      'nl',
      'amend',
      id,
      file('v2.json', phonesRif(now, { indicators: { goodsCodes: ['8517'], origins: ['CN', 'HK'] } })),
    );
    assert.equal(amended.code, 0, amended.stdout);
    assert.equal(
      amended.stdout.split('\n')[0],
      `${id} is now version 2 (issued: its recipients see it amended)`,
    );
    const v1 = await rifs('be', 'show', id, '--version', '1');
    assert.equal(v1.code, 0);
    assert.deepEqual(JSON.parse(v1.stdout).rif.indicators.origins, ['CN']);
    const noReason = await rifs('nl', 'withdraw', id);
    assert.equal(noReason.code, 2);
    assert.match(noReason.stderr, /^vigil rifs: usage: vigil rifs withdraw ID --reason TEXT$/m);
    const withdrawn = await rifs('nl', 'withdraw', id, '--reason', 'the shipper was prosecuted');
    assert.equal(withdrawn.code, 0, withdrawn.stdout);
    assert.equal(withdrawn.stdout, `withdrew ${id}: the shipper was prosecuted\n`);
    assert.equal((await send('GET', `/v1/rules/rif-${id}`, 'be')).json().rule.status, 'retired');
    const issuedBox = await rifs('nl', 'list', '--box', 'issued');
    assert.match(issuedBox.stdout, /^ID\s+VER\s+ISSUER\s+STATUS\s+TLP/);
    assert.match(issuedBox.stdout, new RegExp(`^${id}\\s+v2\\s+NL\\s+withdrawn\\s+AMBER`, 'm'));
    assert.match(issuedBox.stdout, /\s+v1\s+NL\s+draft\s+AMBER\s+ipr\s+Fake phones via Singapore$/m);
  });

  test('as a real process, with the token from VIGIL_TOKEN; --json prints the API answer', async () => {
    const r = await vigilProcess(['rifs', 'list', '--box', 'issued', '--json', '--url', url], {
      VIGIL_TOKEN: tok['nl']!,
    });
    assert.equal(r.code, 0, r.stderr);
    const items = JSON.parse(r.stdout).items as { issuer: string }[];
    assert.ok(Array.isArray(items), r.stdout);
    assert.ok(items.every((i) => i.issuer === 'NL'));
    // A filer has no business with RIFs: the problem, exit code 1.
    const filer = await vigilProcess(['rifs', 'list', '--url', url], { VIGIL_TOKEN: tok['be-filer']! });
    assert.equal(filer.code, 1);
    assert.equal(JSON.parse(filer.stdout).status, 403);
  });
});

describe('vigil demo --cooperation against a running server of the same instance', () => {
  let t: TestApp | undefined;
  const app = () => t!;
  let url = '';
  before(async () => {
    t = await startTestApp(target!);
    url = await listenLocally(app());
  });
  after(() => t?.close());

  test('mints its tokens from the keyring, plays the RIF traffic, posts filings, and runs again without duplicating', async () => {
    const demo = await loadCooperationDemo();
    // The server's clock is the test's: the demo's dates follow --now.
    const env = { VIGIL_DATA_DIR: app().dataDir };
    const now = app().clock.now().toISOString();
    const r = await vigil(['demo', '--cooperation', '--post', url, '--now', now, '--count', '20'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `^cooperation demo at ${url}: registered ${demo.authorities.length}, policies ${demo.sharingPolicies.length}, drafted ${demo.rifs.length}, issued \\d+, .*adopted \\d+, noted \\d+, declined \\d+, feedback \\d+$`,
        'm',
      ),
    );
    for (const e of demo.rifs) {
      assert.match(r.stdout, new RegExp(`^  \\S+ +v\\d +\\w+ +${String(e.rif['title'])}$`, 'm'));
    }
    assert.match(r.stderr, /^posted 20 filings to .*\/v1\/filings \(/m);
    // The filings went in as the demo authority's filer, with a token this process minted.
    assert.ok((await app().count('filing')) > 0);
    assert.equal(await app().count("filing WHERE authority <> 'NL'"), 0);
    // Minting is audited as `vigil token` does: left in the embedded instance's inbox for its server.
    const inbox = readFileSync(join(app().dataDir, AUDIT_INBOX), 'utf8');
    assert.match(inbox, /"action":"token.issued"/);
    assert.match(inbox, /vigil demo --cooperation/);

    const again = await vigil(['demo', '--cooperation', '--post', url, '--now', now], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`: alreadyThere ${demo.rifs.length}$`, 'm'));
    assert.doesNotMatch(again.stderr, /posted/, 'without --count, no filings');
  });

  test('--cooperation needs --post', async () => {
    const r = await vigil(['demo', '--cooperation'], { VIGIL_DATA_DIR: app().dataDir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^vigil demo: --cooperation needs --post URL/);
  });
});
