/**
 * Reference data through the API, on both engines (issue 13): a goods code that does not exist in the
 * nomenclature in force on the filing's date is refused with its code and path, a real HS 2022 code
 * passes, a CN list once imported is checked too, rules read the hierarchy (`hs.under`), codelists are
 * checked as valid on the filing's date, and an import with malformed rows loads nothing unless asked
 * to skip them, reporting each row — through the API and `vigil reference import`.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assessPending, closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { testRule } from '../support/rules.ts';
import { listenLocally, vigilInProcess } from '../support/cli.ts';
import { ReferenceRepository, ReferenceService } from '../../src/reference/index.ts';

const DAY = 86_400_000;

forEachDatabase('reference data', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tokens: Record<string, string> = {};
  const send = sender(app, tokens);
  let lrn = 0;

  before(async () => {
    t = await startTestApp(target);
    tokens['filer'] = await app().token('NL', 'filer', 'acme');
    tokens['analyst'] = await app().token('NL', 'analyst', 'ana');
    tokens['admin'] = await app().token('NL', 'admin', 'root');
  });

  /** A valid filing lodged now whose first goods item is changed by `change`. */
  const lodge = (change: (f: Record<string, any>) => void = () => undefined) => {
    const f = validFiling(app().clock.now(), { lrn: `REF-${++lrn}` });
    change(f);
    return send('POST', '/v1/filings', 'filer', f);
  };
  const goods0 = (f: Record<string, any>): Record<string, any> => f['consignments'][0].goods[0];
  const errorsOf = (r: { json(): { errors?: { code: string; path: string; message: string }[] } }) =>
    r.json().errors ?? [];
  const imported = (kind: string, csv: string, query = '') =>
    send('POST', `/v1/reference/${kind}/imports${query}`, 'admin', csv, 'text/csv');

  test('a goods code that is not in HS 2022 is refused with its code and the path of the goods item', async () => {
    const r = await lodge((f) => (goods0(f).hsCode = '851799'));
    assert.equal(r.statusCode, 422, r.body);
    assert.equal(r.json().code, 'VIGIL_FILING_INVALID');
    const [e] = errorsOf(r).filter((x) => x.code === 'VIGIL_HS_CODE_UNKNOWN');
    assert.ok(e, r.body);
    assert.equal(e.path, '$.consignments[0].goods[0].hsCode');
    assert.match(e.message, /851799.*HS 2022.*heading 8517 has no subheading 851799/);
    // A heading that does not exist is named as such; a malformed code keeps its own code.
    const heading = await lodge((f) => (goods0(f).hsCode = '859900'));
    assert.match(errorsOf(heading).find((x) => x.code === 'VIGIL_HS_CODE_UNKNOWN')!.message, /heading 8599/);
    const shape = await lodge((f) => (goods0(f).hsCode = '85176'));
    assert.deepEqual(
      errorsOf(shape).map((x) => x.code),
      ['VIGIL_HS_CODE_INVALID'],
    );
    assert.equal(await app().count(`filing WHERE lrn LIKE 'REF-%'`), 0, 'nothing invalid is stored');
  });

  test('a code valid in HS 2022 passes, as 6 digits and with CN digits while no CN list is loaded', async () => {
    for (const hsCode of ['851762', '85176200', '8517620000', '620240']) {
      const r = await lodge((f) => (goods0(f).hsCode = hsCode));
      assert.equal(r.statusCode, 201, `${hsCode}: ${r.body}`);
    }
  });

  test('once a CN list is imported, an 8-digit code must be in it on the filing’s date', async () => {
    const cn =
      'code,description,valid_from,valid_until,parent\n85176200,Machines for data,2027-01-01,,851762\n';
    const up = await imported('cn', cn, '?source=cn-2027.csv');
    assert.equal(up.statusCode, 201, up.body);
    assert.equal(up.json().loaded, 1);
    assert.equal((await lodge((f) => (goods0(f).hsCode = '85176200'))).statusCode, 201);
    const unknown = await lodge((f) => (goods0(f).hsCode = '85176290'));
    assert.equal(unknown.statusCode, 422);
    const e = errorsOf(unknown).find((x) => x.code === 'VIGIL_HS_CODE_UNKNOWN')!;
    assert.match(e.message, /85176290 is not in the Combined Nomenclature/);
    // Six digits are still enough: the CN list checks codes given with CN digits.
    assert.equal((await lodge((f) => (goods0(f).hsCode = '851762'))).statusCode, 201);
    const code = (await send('GET', '/v1/reference/cn/85176200', 'filer')).json();
    assert.equal(code.versions[0].parent, '851762');
    assert.equal(code.imports[0].source, 'cn-2027.csv');
  });

  test('a rule reads the hierarchy: hs.under(g.hsCode, "8517") hits 851762 and not 850440', async () => {
    const rule = await send(
      'POST',
      '/v1/rules',
      'analyst',
      testRule({ id: 'HS-8517', condition: 'goods.exists(g, hs.under(g.hsCode, "8517"))' }),
    );
    assert.equal(rule.statusCode, 201, rule.body);
    const chapter = await send(
      'POST',
      '/v1/rules',
      'analyst',
      testRule({
        id: 'HS-CH85-DESC',
        condition:
          'hs.chapter(goods[0].hsCode) == 85 && hs.description(goods[0].hsCode).contains("static converters")',
      }),
    );
    assert.equal(chapter.statusCode, 201, chapter.body);
    const bad = await send(
      'POST',
      '/v1/rules',
      'analyst',
      testRule({ id: 'HS-BAD', condition: 'goods.exists(g, hs.under(g.hsCode, "851"))' }),
    );
    assert.equal(bad.statusCode, 422);
    assert.equal(errorsOf(bad)[0]!.code, 'VIGIL_RULE_INVALID_ARGUMENT');
    const phones = await lodge((f) => (goods0(f).hsCode = '851762'));
    const transformers = await lodge((f) => {
      goods0(f).hsCode = '850440';
      goods0(f).description = 'Static converters for charging stations';
    });
    assert.equal(phones.statusCode, 201, phones.body);
    assert.equal(transformers.statusCode, 201, transformers.body);
    await assessPending(app());
    const hitsOf = async (mrn: string): Promise<string[]> =>
      (await send('GET', `/v1/filings/${mrn}/assessment`, 'analyst'))
        .json()
        .consignments[0].hits.map((h: { id: string }) => h.id)
        .filter((id: string) => id.startsWith('HS-'));
    assert.deepEqual(await hitsOf(phones.json().mrn), ['HS-8517']);
    // 850440 "Electrical static converters": chapter 85, heading 8504, not 8517.
    assert.deepEqual(await hitsOf(transformers.json().mrn), ['HS-CH85-DESC']);
  });

  test('codelists are checked as valid on the filing’s date: a code before it starts or after its end is refused', async () => {
    // Netherlands Antilles: withdrawn from ISO 3166 on 2010-12-15.
    const withdrawn = await lodge((f) => (goods0(f).origin = 'AN'));
    assert.equal(withdrawn.statusCode, 422);
    const e = errorsOf(withdrawn).find((x) => x.path === '$.consignments[0].goods[0].origin')!;
    assert.equal(e.code, 'VIGIL_COUNTRY_INVALID');
    assert.match(
      e.message,
      /'AN' \(Netherlands Antilles\) is not valid on 2027-02-20: valid until 2010-12-14/,
    );
    // A code that comes into force on a later day: refused before, accepted from that day.
    const later = await imported('countries', 'code,description,valid_from\nXK,Kosovo,2027-03-01\n');
    assert.equal(later.statusCode, 201, later.body);
    const early = await lodge((f) => (goods0(f).origin = 'XK'));
    assert.equal(early.statusCode, 422, early.body);
    assert.match(errorsOf(early)[0]!.message, /not valid on 2027-02-20: valid from 2027-03-01/);
    const listedNow = (await send('GET', '/v1/reference/countries?q=kosovo&at=2027-02-20', 'filer')).json();
    assert.deepEqual(listedNow.items, []);
    const clock = app().clock;
    const before = clock.now();
    clock.set(new Date('2027-03-02T08:00:00Z'));
    try {
      assert.equal((await lodge((f) => (goods0(f).origin = 'XK'))).statusCode, 201);
      const listed = (await send('GET', '/v1/reference/countries?q=kosovo&at=2027-03-02', 'filer')).json();
      assert.deepEqual(
        listed.items.map((c: { code: string }) => c.code),
        ['XK'],
      );
    } finally {
      clock.set(before);
    }
    // A listed office must be an office of entry on the day: one that closes is refused after.
    const closes = await imported(
      'customs-offices',
      'code,description,valid_from,valid_until,roles\nNL000396,Rotterdam (demo),,2027-02-25,entry;import\n',
    );
    assert.equal(closes.statusCode, 201, closes.body);
    assert.equal((await lodge()).statusCode, 201);
    clock.set(new Date(before.getTime() + 7 * DAY));
    try {
      const closed = await lodge();
      assert.equal(closed.statusCode, 422);
      assert.deepEqual(
        errorsOf(closed).map((x) => [x.code, x.path]),
        [['VIGIL_OFFICE_INVALID', '$.officeOfFirstEntry']],
      );
    } finally {
      clock.set(before);
    }
    // Package types are UN/ECE Recommendation 21 codes.
    const pkg = await lodge((f) => (goods0(f).packages.type = 'KK'));
    assert.deepEqual(
      errorsOf(pkg).map((x) => [x.code, x.path]),
      [['VIGIL_PACKAGE_TYPE_UNKNOWN', '$.consignments[0].goods[0].packages.type']],
    );
  });

  test('an import with malformed rows reports each row and loads nothing; skipBad loads the good ones', async () => {
    const csv = [
      'code,description,valid_from,valid_until,roles',
      'NL000111,Demo office Moerdijk,2027-01-01,,entry;import',
      'NL00011,Too short,2027-01-01,,entry',
      'NL000222,Demo office Vlissingen,2027-13-01,,entry',
      'NL000333,,2027-01-01,,entry',
      'NL000444,Demo office Eemshaven,2027-01-01,,entry;harbour',
      'NL000555,Demo office Delfzijl,2027-02-01,2027-01-01,entry',
      'NL000666,Demo office Den Helder,2027-01-01,,export',
    ].join('\n');
    const before = await app().count('reference_entry');
    const refused = await imported('customs-offices', csv);
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json().code, 'VIGIL_REFERENCE_IMPORT_INVALID');
    assert.deepEqual(
      errorsOf(refused).map((e) => [e.code, e.path]),
      [
        ['VIGIL_REFERENCE_ROW_INVALID', 'line 3'],
        ['VIGIL_REFERENCE_ROW_INVALID', 'line 4'],
        ['VIGIL_REFERENCE_ROW_INVALID', 'line 5'],
        ['VIGIL_REFERENCE_ROW_INVALID', 'line 6'],
        ['VIGIL_REFERENCE_ROW_INVALID', 'line 7'],
      ],
    );
    assert.match(errorsOf(refused)[1]!.message, /valid_from '2027-13-01' is not a date/);
    assert.match(refused.json().detail, /7 row\(s\) read, 0 loaded, 5 malformed: nothing loaded/);
    assert.equal(await app().count('reference_entry'), before, 'nothing is loaded');
    assert.equal((await send('GET', '/v1/reference/customs-offices/NL000111', 'filer')).statusCode, 404);

    const skipped = await imported('customs-offices', csv, '?skipBad=true');
    assert.equal(skipped.statusCode, 201, skipped.body);
    assert.equal(skipped.json().summary, 'customs-offices: 7 row(s) read, 2 loaded, 5 skipped');
    assert.equal(skipped.json().errors.length, 5);
    assert.equal(await app().count('reference_entry'), before + 2);
    const office = (await send('GET', '/v1/reference/customs-offices/NL000111', 'filer')).json();
    assert.equal(office.versions[0].attributes.roles, 'entry;import');
    // The import is audited in the importer's chain.
    const audited = await app().deps.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT action FROM audit_log UNION ALL SELECT action FROM audit_pending) a
       WHERE action = 'reference.imported'`,
    );
    assert.ok(audited.rows[0]!.n >= 1);
    // A filer may read reference data but not import it.
    const filer = await send(
      'POST',
      '/v1/reference/countries/imports',
      'filer',
      'code,description\nQZ,Q\n',
      'text/csv',
    );
    assert.equal(filer.statusCode, 403);
  });

  test('the nomenclature is browsable: a heading lists its subheadings, a search finds codes by text', async () => {
    const heading = await send('GET', '/v1/reference/hs/8517', 'filer');
    assert.equal(heading.statusCode, 200, heading.body);
    assert.ok(heading.json().children.includes('851762'));
    assert.equal(heading.json().versions[0].validFrom, '2022-01-01');
    const found = (await send('GET', '/v1/reference/hs?q=smartphones', 'filer')).json();
    assert.ok(
      found.items.some((c: { code: string }) => c.code === '851713'),
      JSON.stringify(found),
    );
    const kinds = (await send('GET', '/v1/reference', 'filer')).json();
    assert.ok(kinds.items.find((k: { kind: string }) => k.kind === 'hs').codes > 5000);
    assert.equal(
      (await send('GET', '/v1/reference/hs/851799', 'filer')).json().code,
      'VIGIL_REFERENCE_NOT_FOUND',
    );
  });

  test("with a steward authority set, only its admins import the shared data; others' admins read it", () => {
    const hub = new ReferenceService({
      db: app().deps.db,
      repo: new ReferenceRepository(),
      clock: app().clock,
      steward: 'EU',
    });
    const refused = (() => {
      try {
        hub.mayImport({ subject: 'nl-admin', authority: 'NL', role: 'admin' });
        return undefined;
      } catch (e) {
        return e as { code: string; message: string };
      }
    })();
    assert.equal(refused?.code, 'VIGIL_FORBIDDEN');
    assert.match(refused.message, /kept by EU's admins/);
    assert.doesNotThrow(() => hub.mayImport({ subject: 'eu-admin', authority: 'EU', role: 'admin' }));
    assert.throws(() => hub.mayImport({ subject: 'eu-analyst', authority: 'EU', role: 'analyst' }), {
      code: 'VIGIL_FORBIDDEN',
    });
  });

  test('an import by another process reaches this one at its next refresh', async () => {
    const other = new ReferenceService({
      db: app().deps.db,
      repo: new ReferenceRepository(),
      clock: app().clock,
    });
    await other.start();
    await other.importFile(
      { authority: 'NL', actor: 'cli:other' },
      'document-types',
      'code,description\nN999,Demo\n',
    );
    assert.equal(app().deps.reference.lists().has('document-types', 'N999', '2027-02-20'), false);
    assert.equal(await app().deps.reference.refresh(), true);
    assert.equal(app().deps.reference.lists().has('document-types', 'N999', '2027-02-20'), true);
    assert.equal(await app().deps.reference.refresh(), false, 'nothing new: no reload');
  });

  test('vigil reference import: each malformed row on stderr, nothing loaded; --skip-bad loads the good rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-ref-'));
    try {
      const file = join(dir, 'package-types.csv');
      writeFileSync(file, 'code,description\nZ1,Demo crate\nTOOLONG,Bad\nZ2,Demo sack\n');
      const url = await listenLocally(app());
      const env = { VIGIL_DATA_DIR: dir, VIGIL_LOG_LEVEL: 'silent' };
      const args = ['reference', 'import', 'package-types', file, '--url', url, '--token', tokens['admin']!];
      const refused = await vigilInProcess(args, env);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^line 3: VIGIL_REFERENCE_ROW_INVALID code 'TOOLONG'/m);
      assert.match(refused.stdout, /package-types: 3 row\(s\) read, 0 loaded, 1 malformed: nothing loaded/);
      assert.equal((await send('GET', '/v1/reference/package-types/Z1', 'filer')).statusCode, 404);
      const loaded = await vigilInProcess([...args, '--skip-bad'], env);
      assert.match(loaded.stdout, /package-types: 3 row\(s\) read, 2 loaded, 1 skipped/);
      assert.equal((await send('GET', '/v1/reference/package-types/Z1', 'filer')).statusCode, 200);
      assert.equal((await lodge((f) => (goods0(f).packages.type = 'Z2'))).statusCode, 201);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
