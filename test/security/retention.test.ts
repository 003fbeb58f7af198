/**
 * Finding 11 of the hardening review (no retention of personal data), with a clock the test moves:
 * - past the parties' period, a consignee's name and address are gone from the filing, its versions,
 *   the operator profiles and the control tasks, replaced by pseudonyms; the facts stay;
 * - past the body's period, free text goes too, while HS codes, masses, values and origins stay;
 * - expired watchlist entries are deleted (the others stay), and assessments past their period;
 * - a dry run counts and changes nothing; a second run finds nothing; each real run is audited once
 *   per authority with its counts; `vigil retention purge --dry-run` reports what is due.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp, testClock } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { loadConfig } from '../../src/config/index.ts';
import { RetentionService } from '../../src/retention/index.ts';
import { startRetentionSchedule } from '../../src/app/retention-schedule.ts';
import type { RetentionRun } from '../../src/retention/index.ts';
import { retentionCommand } from '../../src/cli/retention.command.ts';

const DAY = 86_400_000;
const T0 = new Date('2027-02-20T08:00:00Z');
const NAME = 'Jana Nováková';
const STREET = 'Hlavní třída 12';

const retentionConfig = loadConfig({
  VIGIL_RETENTION_PARTIES_DAYS: '365',
  VIGIL_RETENTION_FILING_BODY_DAYS: '730',
  VIGIL_RETENTION_ASSESSMENT_DAYS: '1000',
  VIGIL_RETENTION_WATCHLIST_DAYS: '0',
  VIGIL_RETENTION_AUDIT_DAYS: '0',
}).retention;

test('serve runs the purge on its schedule, and not at all with an interval of 0', async () => {
  let calls = 0;
  const fake = {
    purge: (): Promise<RetentionRun[]> => {
      calls++;
      return Promise.resolve([]);
    },
  };
  const off = startRetentionSchedule(fake, { intervalMinutes: 0, firstAfterMs: 0 });
  let ran: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    ran = resolve;
  });
  const on = startRetentionSchedule(fake, { intervalMinutes: 60, firstAfterMs: 0, onRun: () => ran() });
  await done;
  await on.stop();
  await off.stop();
  assert.equal(calls, 1);
});

forEachDatabase('retention', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};
  const send = sender(app, tok);
  let mrn = '';
  let retention: RetentionService;

  /** Every stored text that could still hold the consignee's name or street. */
  const stored = async (): Promise<string> => {
    const db = app().deps.db;
    const parts: unknown[] = [];
    for (const sql of [
      `SELECT body FROM filing`,
      `SELECT body FROM filing_version`,
      `SELECT body FROM import_declaration`,
      `SELECT parties, operator_keys FROM control_task`,
      `SELECT key, name FROM operator`,
    ]) {
      parts.push((await db.query(sql)).rows);
    }
    return JSON.stringify(parts);
  };

  const filingBody = async (): Promise<Record<string, any>> =>
    (
      await app().deps.db.query<{ body: Record<string, any> }>(`SELECT body FROM filing WHERE mrn = $1`, [
        mrn,
      ])
    ).rows[0]!.body;

  before(async () => {
    t = await startTestApp(target, testClock(T0));
    tok['filer'] = await app().token('NL', 'filer', 'acme');
    tok['analyst'] = await app().token('NL', 'analyst', 'ana');
    tok['officer'] = await app().token('NL', 'officer', 'olga');
    retention = new RetentionService({
      db: app().deps.db,
      audit: app().deps.audit,
      clock: app().clock,
      config: retentionConfig,
    });

    // A rule that always hits, so that the filing gets a control task naming its parties.
    const rule = await send('POST', '/v1/rules', 'analyst', {
      id: 'ALWAYS',
      title: 'always',
      riskArea: 'security-safety',
      weight: 100,
      severity: 'high',
      recommendedAction: 'physical-check',
      status: 'active',
      reason: 'test',
      condition: 'true',
    });
    assert.equal(rule.statusCode, 201, rule.body);

    const filing = validFiling(T0, { lrn: 'RET-1' });
    filing['consignments'][0].consignee = {
      name: NAME,
      address: { street: STREET, city: 'Brno', postcode: '60200', country: 'CZ' },
    };
    const r = await send('POST', '/v1/filings', 'filer', filing);
    assert.equal(r.statusCode, 201, r.body);
    mrn = r.json().mrn;
    await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 1 });

    const declaration = await send('POST', '/v1/import-declarations', 'filer', {
      type: 'H1',
      lrn: 'RET-IMP-1',
      date: '2027-02-20',
      office: 'NL000396',
      mode: 'maritime',
      declarant: { eori: 'NL123456789', name: 'Acme Customs Brokers BV' },
      importer: {
        id: 'TRADER-0042',
        name: NAME,
        address: { street: STREET, city: 'Brno', country: 'CZ' },
      },
      goods: [
        {
          hsCode: '851713',
          description: 'Smartphones, 128GB, boxed',
          origin: 'CN',
          netMassKg: 1100,
          price: { amount: 180000, currency: 'EUR' },
          tax: { type: 'A', rate: 0 },
        },
      ],
    });
    assert.equal(declaration.statusCode, 201, declaration.body);

    const list = await send('POST', '/v1/watchlists', 'analyst', {
      name: 'persons',
      subject: 'operator-name',
      entries: [
        { value: 'Expiring Person', expires: new Date(T0.getTime() + 30 * DAY).toISOString() },
        { value: 'Standing Person' },
      ],
    });
    assert.equal(list.statusCode, 201, list.body);
    assert.match(await stored(), new RegExp(NAME));
  });

  test('before any period has passed, nothing is due', async () => {
    const [run] = await retention.purge({ dryRun: true, authority: 'NL' });
    assert.deepEqual(
      Object.values(run!.counts),
      Object.values(run!.counts).map(() => 0),
    );
  });

  test('a dry run past the parties period counts what is due and changes nothing', async () => {
    app().clock.set(new Date(T0.getTime() + 400 * DAY));
    const before = await stored();
    const [run] = await retention.purge({ dryRun: true, authority: 'NL' });
    assert.equal(run!.counts.filingsPseudonymised, 1);
    assert.equal(run!.counts.filingBodiesReduced, 0);
    assert.equal(run!.counts.importsPseudonymised, 1);
    assert.ok(run!.counts.operatorsPseudonymised >= 1);
    assert.ok(run!.counts.controlTasksPseudonymised >= 1);
    assert.equal(run!.counts.watchlistEntriesDeleted, 1);
    assert.equal(await stored(), before);
    assert.equal(await app().count('watchlist_entry'), 2);

    // The command line says the same, and also changes nothing.
    let out = '';
    const io = {
      env: {},
      stdout: { write: (s: string) => ((out += s), true) },
      stderr: { write: () => true },
      stdin: process.stdin,
    } as unknown as Parameters<typeof retentionCommand>[2];
    const code = await retentionCommand(
      loadConfig({ VIGIL_RETENTION_PARTIES_DAYS: '365' }),
      ['purge', '--dry-run', '--authority', 'NL'],
      io,
      { db: app().deps.db, clock: app().clock },
    );
    assert.equal(code, 0);
    assert.match(out, /^retention NL \(due\): 1 filings pseudonymised/);
    assert.equal(await stored(), before);
  });

  test('past the parties period, names and addresses are replaced by pseudonyms; the facts stay', async () => {
    const [run] = await retention.purge({ authority: 'NL' });
    assert.equal(run!.counts.filingsPseudonymised, 1);
    assert.equal(run!.counts.watchlistEntriesDeleted, 1);

    const all = await stored();
    assert.doesNotMatch(all, /Nováková|Hlavní/);
    const body = await filingBody();
    const consignee = body['consignments'][0].consignee;
    assert.match(consignee.name, /^P-[0-9a-f]{12}$/);
    assert.deepEqual(consignee.address, { country: 'CZ' });
    assert.equal(body['declarant'].eori, 'NL123456789', 'identifiers stay');
    assert.match(body['consignments'][0].goods[0].description, /Smartphones/, 'the body is not reduced yet');
    const imported = (
      await app().deps.db.query<{ body: Record<string, any> }>(`SELECT body FROM import_declaration`)
    ).rows[0]!.body;
    assert.match(imported['importer'].name, /^P-[0-9a-f]{12}$/);
    assert.equal(imported['importer'].id, 'TRADER-0042');
    // Every version carries the same pseudonym as the filing.
    const versions = await app().deps.db.query<{ body: Record<string, any> }>(
      `SELECT body FROM filing_version WHERE mrn = $1`,
      [mrn],
    );
    for (const v of versions.rows) {
      assert.equal(v.body['consignments'][0].consignee.name, consignee.name);
    }

    // The filing still reads through the API, pseudonymised.
    const read = await send('GET', `/v1/filings/${mrn}`, 'officer');
    assert.equal(read.statusCode, 200, read.body);
    assert.doesNotMatch(read.body, /Nováková/);

    // Only the expired watchlist entry went; its history keeps no name of it.
    const entries = await app().deps.db.query<{ value: string }>(`SELECT value FROM watchlist_entry`);
    assert.deepEqual(
      entries.rows.map((e) => e.value),
      ['Standing Person'],
    );
    const history = await app().deps.db.query<{ change: string; entity: unknown }>(
      `SELECT change, entity FROM watchlist_entry_history ORDER BY seq`,
    );
    assert.doesNotMatch(JSON.stringify(history.rows), /Expiring Person/);
    assert.match(JSON.stringify(history.rows), /Standing Person/, 'a listed entity keeps its history');
    assert.deepEqual(history.rows.at(-1), { change: 'removed', entity: null });

    // One audit entry for the run, with its counts.
    await app().deps.audit.chainPending(app().deps.db);
    const audited = (await app().deps.audit.list(app().deps.db, { authority: 'NL', limit: 1000 })).filter(
      (e) => e.action === 'retention.purged',
    );
    assert.equal(audited.length, 1);
    assert.equal(audited[0]!.actor, 'system:retention');
    assert.equal(
      (audited[0]!.details as { counts: { filingsPseudonymised: number } }).counts.filingsPseudonymised,
      1,
    );
  });

  test('a second run finds nothing left to do', async () => {
    const [run] = await retention.purge({ authority: 'NL' });
    assert.deepEqual(
      Object.values(run!.counts),
      Object.values(run!.counts).map(() => 0),
    );
  });

  test('past the body period, free text goes while the facts indicators need stay', async () => {
    app().clock.set(new Date(T0.getTime() + 800 * DAY));
    const [run] = await retention.purge({ authority: 'NL' });
    assert.equal(run!.counts.filingBodiesReduced, 1);
    assert.equal(run!.counts.importBodiesReduced, 1);
    assert.equal(run!.counts.filingsPseudonymised, 0);
    assert.equal(run!.counts.assessmentsDeleted, 0);
    const goods = (await filingBody())['consignments'][0].goods[0];
    assert.equal(goods.description, '');
    assert.equal(typeof goods.hsCode, 'string');
    assert.equal(typeof goods.grossMassKg, 'number');
    assert.equal(goods.value.amount, 180000);
    assert.ok((await app().count('assessment')) > 0);
  });

  test('past the assessment period, assessments are deleted', async () => {
    app().clock.set(new Date(T0.getTime() + 1100 * DAY));
    const [run] = await retention.purge({ authority: 'NL' });
    assert.ok(run!.counts.assessmentsDeleted >= 1);
    assert.equal(await app().count('assessment'), 0);
  });
});
