/**
 * Trade measures as dated reference data (issue 13, point 6). In memory, on both evaluators (Vigil's
 * compiled closures and the library's): `measures(g.hsCode, g.origin)` finds a measure on the goods
 * code or an ancestor, for a country or a group containing it minus exclusions, on a day it is in
 * force, with its additional code; a hit's explanation names the measure and its regulation. Through
 * the API, on each database engine: an import with malformed rows reports each and loads nothing
 * unless skipBad, a new version of a measure is history by date, and a live rule hits with it.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceLists } from '../../src/domain/index.ts';
import type { Filing } from '../../src/domain/index.ts';
import { readMeasureRows } from '../../src/reference/measure-csv.ts';
import {
  assess,
  buildActivation,
  compileRule,
  compileRuleSet,
  createCelEnvironment,
  createFrame,
  createRuleRuntime,
  toCelActivation,
  withMeasureScope,
} from '../../src/risk/index.ts';
import { exampleFiling, rule } from '../../src/risk/test-fixtures.ts';
import { assessPending, closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { testRule } from '../support/rules.ts';

const HEADER =
  'measure_sid,measure_type_id,goods_nomenclature_item_id,geographical_area_id,excluded_geographical_areas,additional_code_type_id,additional_code_id,duty_expression,measure_generating_regulation_id,validity_start_date,validity_end_date,conditions';
const MEASURES = [
  HEADER,
  'T1,552,8712000000,CN,,C,999,48.5 %,R-2027/001,2027-01-01,2027-12-31,',
  'T2,552,8712000000,CN,,C,101,19.2 %,R-2027/001,2027-01-01,2027-12-31,',
  'T3,554,87116000,CN,,,,17.2 %,R-2027/002,2027-01-01,,',
  'T4,552,7318150000,1011,CN TW,C,999,86.5 %,R-2027/003,2027-01-01,,',
  'T5,277,9301,sanctioned,,,,,R-2027/004,2026-01-01,,',
  'T6,710,440711,1008,,,,,R-2027/005,2026-01-01,,C400',
].join('\n');

const ANTI_DUMPING = 'goods.exists(g, measures(g.hsCode, g.origin).exists(m, m.type == "anti-dumping"))';
const DAY = '2027-02-20';
const AT = `${DAY}T08:00:00Z`;

function filingOf(hsCode: string, origin: string): Filing {
  const c = exampleFiling.consignments[0]!;
  return { ...exampleFiling, consignments: [{ ...c, goods: [{ ...c.goods[0]!, hsCode, origin }] }] };
}

describe('measures() in rules', () => {
  const read = readMeasureRows(MEASURES, 'test');
  const lists = new ReferenceLists(read.entries, 'test');

  /** The condition's value on a filing assessed at `at`, by the compiled closures and by the library. */
  function both(condition: string, filing: Filing, at = AT): [boolean, boolean] {
    const compiled = compileRule(condition);
    assert.ok(compiled.ok, JSON.stringify(!compiled.ok && compiled.errors));
    assert.equal(compiled.value.compiled, true);
    const act = buildActivation({ filing, consignmentIndex: 0, at, nomenclature: lists });
    const rt = createRuleRuntime();
    const fast = compiled.value.evaluate(createFrame(act, rt));
    const library = withMeasureScope(
      act.hs,
      () => createCelEnvironment(rt).evaluate(condition, toCelActivation(act)) as boolean,
    );
    return [fast, library];
  }

  test('the file reads without errors', () => {
    assert.deepEqual(read.errors, []);
    assert.equal(read.entries.length, 6);
  });

  test('an anti-dumping measure hits a covered code and origin on a day in force', () => {
    assert.deepEqual(both(ANTI_DUMPING, filingOf('871200', 'CN')), [true, true]);
    // A code under the measure's (a CN code of 871200) is covered too.
    assert.deepEqual(both(ANTI_DUMPING, filingOf('87120030', 'CN')), [true, true]);
  });

  test('not outside the measure’s dates, not for another origin, not for another code', () => {
    assert.deepEqual(both(ANTI_DUMPING, filingOf('871200', 'CN'), '2028-01-01T08:00:00Z'), [false, false]);
    assert.deepEqual(both(ANTI_DUMPING, filingOf('871200', 'CN'), '2026-12-31T08:00:00Z'), [false, false]);
    assert.deepEqual(both(ANTI_DUMPING, filingOf('871200', 'TW'), AT), [false, false]);
    assert.deepEqual(both(ANTI_DUMPING, filingOf('851713', 'CN'), AT), [false, false]);
    // Countervailing, not anti-dumping: T3 is on 87116000 only.
    assert.deepEqual(both(ANTI_DUMPING, filingOf('871160', 'CN'), AT), [false, false]);
  });

  test('a group origin works (ERGA OMNES minus exclusions, all third countries, a country group)', () => {
    assert.deepEqual(both(ANTI_DUMPING, filingOf('731815', 'VN')), [true, true]);
    assert.deepEqual(both(ANTI_DUMPING, filingOf('731815', 'CN')), [false, false], 'CN is excluded');
    assert.deepEqual(both(ANTI_DUMPING, filingOf('731815', 'TW')), [false, false], 'TW is excluded');
    const prohibited = 'goods.exists(g, measures(g.hsCode, g.origin).exists(m, m.type == "prohibition"))';
    assert.deepEqual(both(prohibited, filingOf('930190', 'RU')), [true, true]);
    assert.deepEqual(both(prohibited, filingOf('930190', 'US')), [false, false]);
    const cites = 'measures(goods[0].hsCode, goods[0].origin).exists(m, "C400" in m.conditions)';
    assert.deepEqual(both(cites, filingOf('440711', 'BR')), [true, true]);
    assert.deepEqual(both(cites, filingOf('440711', 'DE')), [false, false], '1008: not an EU country');
  });

  test('additional codes are returned: the rate differs by producer', () => {
    assert.deepEqual(
      lists.tradeMeasures('871200', 'CN', DAY).map((m) => [m.sid, m.additionalCode, m.duty, m.regulation]),
      [
        ['T1', 'C999', '48.5 %', 'R-2027/001'],
        ['T2', 'C101', '19.2 %', 'R-2027/001'],
      ],
    );
    const producer =
      'measures(goods[0].hsCode, goods[0].origin).exists(m, m.additionalCode == "C101" && m.duty == "19.2 %")';
    assert.deepEqual(both(producer, filingOf('871200', 'CN')), [true, true]);
    assert.deepEqual(
      both('measures(goods[0].hsCode, goods[0].origin).size() == 2', filingOf('87120010', 'CN')),
      [true, true],
    );
  });

  test('measures() is type-checked: an unknown field or a wrong argument is refused when saved', () => {
    const field = compileRule('goods.exists(g, measures(g.hsCode, g.origin).exists(m, m.kind == "x"))');
    assert.equal(!field.ok && field.errors[0]!.code, 'VIGIL_RULE_UNKNOWN_FIELD');
    const arg = compileRule('measures(goods[0].grossMassKg, "CN").size() > 0');
    assert.equal(!arg.ok && arg.errors[0]!.code, 'VIGIL_RULE_TYPE_ERROR');
  });

  test('a hit names the measure behind it: its sid, type, additional code, duty and regulation', () => {
    const set = compileRuleSet([rule('R-AD', ANTI_DUMPING)]);
    assert.ok(set.ok);
    const input = { filing: filingOf('871200', 'CN'), consignmentIndex: 0, at: AT, authority: 'NL' };
    const [hit] = assess({ ...input, nomenclature: lists }, set.value, createRuleRuntime().watchlists).hits;
    assert.ok(hit);
    const values = Object.fromEntries(hit.triggers.map((t) => [t.label, t.value]));
    assert.equal(values['goods[0].hsCode'], '871200');
    assert.equal(values['measures(g.hsCode, g.origin)[0].sid'], 'T1');
    assert.equal(values['measures(g.hsCode, g.origin)[0].regulation'], 'R-2027/001');
    assert.equal(values['measures(g.hsCode, g.origin)[0].additionalCode'], 'C999');
    assert.equal(values['measures(g.hsCode, g.origin)[0].typeId'], '552');
  });
});

forEachDatabase('trade measures', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tokens: Record<string, string> = {};
  const send = sender(app, tokens);
  let lrn = 0;
  const errorsOf = (r: { json(): { errors?: { code: string; path: string; message: string }[] } }) =>
    r.json().errors ?? [];
  const imported = (csv: string, query = '') =>
    send('POST', `/v1/reference/measures/imports${query}`, 'admin', csv, 'text/csv');

  before(async () => {
    t = await startTestApp(target);
    tokens['filer'] = await app().token('NL', 'filer', 'acme');
    tokens['analyst'] = await app().token('NL', 'analyst', 'ana');
    tokens['admin'] = await app().token('NL', 'admin', 'root');
  });

  /** Lodges a valid filing with one goods item of `hsCode` from `origin`, assesses it, returns its hits. */
  async function hitsFor(
    hsCode: string,
    origin: string,
  ): Promise<Map<string, { values: Record<string, unknown> }>> {
    const f = validFiling(app().clock.now(), { lrn: `TM-${++lrn}` });
    const goods = f['consignments'][0].goods[0];
    goods.hsCode = hsCode;
    goods.origin = origin;
    const r = await send('POST', '/v1/filings', 'filer', f);
    assert.equal(r.statusCode, 201, r.body);
    await assessPending(app());
    const a = await send('GET', `/v1/filings/${r.json().mrn}/assessment`, 'analyst');
    assert.equal(a.statusCode, 200, a.body);
    return new Map(a.json().consignments[0].hits.map((h: { id: string }) => [h.id, h]));
  }

  test('an import with malformed rows reports each with its line and loads nothing unless skipBad', async () => {
    const today = app().clock.now().toISOString().slice(0, 10);
    const csv = [
      HEADER,
      `90001,552,8712000000,CN,,C,999,48.5 %,R-1,${today},,`,
      `90002,999,8712000000,CN,,,,,R-1,${today},,`,
      `90003,552,871,CN,,,,,R-1,${today},,`,
      `90004,552,8712000000,Mars,,,,,R-1,${today},,`,
      `90005,552,8712000000,CN,,C,,,R-1,${today},,`,
      `90006,552,8712000000,CN,,,,,R-1,2027-02-30,,`,
      `90007,710,440711,1011,XX,,,,R-1,${today},,C40`,
      `90008,554,871160,CN,,,,17.2 %,R-2,${today},,`,
    ].join('\n');
    const before = await app().count('reference_entry');
    const refused = await imported(csv);
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json().code, 'VIGIL_REFERENCE_IMPORT_INVALID');
    assert.deepEqual(
      errorsOf(refused).map((e) => e.path),
      ['line 3', 'line 4', 'line 5', 'line 6', 'line 7', 'line 8', 'line 8'],
    );
    assert.ok(errorsOf(refused).every((e) => e.code === 'VIGIL_REFERENCE_ROW_INVALID'));
    const messages = errorsOf(refused).map((e) => e.message);
    assert.match(messages[0]!, /measure type id '999'.*give its measure_type/);
    assert.match(messages[1]!, /goods_nomenclature_item_id '871'/);
    assert.match(messages[2]!, /geographical area 'Mars'/);
    assert.match(messages[3]!, /additional code needs both/);
    assert.match(messages[4]!, /validity_start_date '2027-02-30' is not a date/);
    assert.match(messages[5]!, /excluded_geographical_areas: XX/);
    assert.match(messages[6]!, /conditions: C40/);
    assert.match(refused.json().detail, /8 row\(s\) read, 0 loaded, 6 malformed: nothing loaded/);
    assert.equal(await app().count('reference_entry'), before, 'nothing is loaded');
    assert.equal((await send('GET', '/v1/reference/measures/90001', 'filer')).statusCode, 404);

    const skipped = await imported(csv, '?skipBad=true&source=measures.csv');
    assert.equal(skipped.statusCode, 201, skipped.body);
    assert.equal(skipped.json().summary, 'measures: 8 row(s) read, 2 loaded, 6 skipped');
    const m = (await send('GET', '/v1/reference/measures/90001', 'filer')).json();
    assert.deepEqual(
      [
        m.versions[0].attributes.type,
        m.versions[0].attributes.goods,
        m.versions[0].attributes.additional_code,
      ],
      ['anti-dumping', '8712', 'C999'],
    );
    // A filer may read the measures but not import them.
    const filer = await send('POST', '/v1/reference/measures/imports', 'filer', csv, 'text/csv');
    assert.equal(filer.statusCode, 403);
  });

  test('a live rule on measures() hits with the measure named; a changed measure is history by date', async () => {
    const now = app().clock.now().getTime();
    const day = (offset: number) => new Date(now + offset * 86_400_000).toISOString().slice(0, 10);
    const loaded = await imported(
      [
        HEADER,
        `91001,552,7318150000,1011,CN,C,999,86.5 %,R-2026/010,${day(-300)},${day(-1)},`,
        // The same measure from today at a new rate (its next version).
        `91001,552,7318150000,1011,CN,C,999,91.0 %,R-2026/011,${day(0)},,`,
        `91002,552,6403990000,CN,,C,999,16.5 %,R-2026/012,${day(30)},,`,
      ].join('\n'),
    );
    assert.equal(loaded.statusCode, 201, loaded.body);
    const history = (await send('GET', '/v1/reference/measures/91001', 'analyst')).json();
    assert.deepEqual(
      history.versions.map((v: { validFrom: string; attributes: { duty: string } }) => [
        v.validFrom,
        v.attributes.duty,
      ]),
      [
        [day(-300), '86.5 %'],
        [day(0), '91.0 %'],
      ],
    );
    const listedR = await send('GET', `/v1/reference/measures?at=${day(0)}&q=91`, 'analyst');
    assert.equal(listedR.statusCode, 200, listedR.body);
    const listed = listedR.json();
    assert.deepEqual(
      listed.items.map((x: { code: string }) => x.code),
      ['91001'],
    );

    const created = await send(
      'POST',
      '/v1/rules',
      'analyst',
      testRule({ id: 'TM-AD', riskArea: 'anti-dumping', condition: ANTI_DUMPING }),
    );
    assert.equal(created.statusCode, 201, created.body);
    const typo = await send(
      'POST',
      '/v1/rules',
      'analyst',
      testRule({
        id: 'TM-TYPO',
        condition: 'goods.exists(g, measures(g.hsCode, g.origin).exists(m, m.typ == ""))',
      }),
    );
    assert.equal(typo.statusCode, 422);

    const hit = (await hitsFor('731815', 'VN')).get('TM-AD');
    assert.ok(hit, 'screws from Viet Nam: under the ERGA OMNES measure');
    const values = hit.values;
    assert.equal(values['measures(g.hsCode, g.origin)[0].sid'], '91001');
    assert.equal(values['measures(g.hsCode, g.origin)[0].duty'], '91.0 %', 'the version in force today');
    assert.equal(values['measures(g.hsCode, g.origin)[0].regulation'], 'R-2026/011');
    assert.equal((await hitsFor('731815', 'CN')).has('TM-AD'), false, 'CN is excluded');
    assert.equal((await hitsFor('640399', 'CN')).has('TM-AD'), false, 'not in force yet');
    assert.equal((await hitsFor('851713', 'CN')).has('TM-AD'), false, 'another code');
  });
});
