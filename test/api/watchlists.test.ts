/**
 * Watchlists of entities through the API, on each database engine (issue 19):
 * - a list holding the same name twice is stored whole (it answered 500 before, and one note per name
 *   lost the other entities' identifiers);
 * - the UN, EU and OFAC lists load as published, each entity with its list's id, aliases,
 *   original-script names, type and identifiers;
 * - a match, a search and a rule hit in an assessment name the entity and the name of it that matched;
 * - entities are added, replaced, removed and expired one by one, and each change reaches matching at
 *   once and moves the rule-set cache's stamp on;
 * - a bad upload is refused with every problem, its code and its place, and nothing of it is stored.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';

const DATA = join(import.meta.dirname, '../data/watchlists');
const fixture = (name: string): string => readFileSync(join(DATA, name), 'utf8');
const MAX_BYTES = 64 * 1024;

forEachDatabase('watchlists of entities', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};
  const send = sender(app, tok);

  before(async () => {
    t = await startTestApp(target, undefined, { VIGIL_WATCHLIST_MAX_BYTES: String(MAX_BYTES) });
    tok['analyst'] = await app().token('NL', 'analyst', 'ana');
    tok['filer'] = await app().token('NL', 'filer', 'acme');
  });

  const makeList = async (name: string, subject = 'operator-name'): Promise<void> => {
    const r = await send('POST', '/v1/watchlists', 'analyst', { name, subject, entries: [] });
    assert.equal(r.statusCode, 201, r.body);
  };
  const entities = async (name: string): Promise<{ id: string; value: string; note: string | null }[]> => {
    const r = await send('GET', `/v1/watchlists/${name}/entries?limit=1000`, 'analyst');
    assert.equal(r.statusCode, 200, r.body);
    return r.json().items;
  };
  const match = async (name: string, value: string) =>
    (await send('GET', `/v1/watchlists/${name}/match?value=${encodeURIComponent(value)}`, 'analyst')).json();
  const rows = async (): Promise<number> => app().count('watchlist_entry');

  test('a list holding the same name twice is stored whole: every entity, each with its own note', async () => {
    await makeList('charities');
    const csv = 'value,note\nAL-AQSA FOUNDATION,Denmark branch\nAL-AQSA FOUNDATION,Netherlands branch\n';
    const r = await send('POST', '/v1/watchlists/charities/entries', 'analyst', csv, 'text/csv');
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(
      (await entities('charities')).map((e) => [e.value, e.note]),
      [
        ['AL-AQSA FOUNDATION', 'Denmark branch'],
        ['AL-AQSA FOUNDATION', 'Netherlands branch'],
      ],
    );
    // NDJSON with ids: each namesake keeps its own identifiers.
    const nd =
      '{"id":"dk","value":"AL-AQSA FOUNDATION","identifiers":[{"kind":"registration","value":"DK-1"}]}\n' +
      '{"id":"nl","value":"AL-AQSA FOUNDATION","identifiers":[{"kind":"registration","value":"NL-2"}]}\n';
    const put = await send('PUT', '/v1/watchlists/charities/entries', 'analyst', nd, 'application/x-ndjson');
    assert.equal(put.statusCode, 200, put.body);
    const kept = await entities('charities');
    assert.deepEqual(
      kept.map((e) => [e.id, (e as unknown as { identifiers: { value: string }[] }).identifiers[0]!.value]),
      [
        ['dk', 'DK-1'],
        ['nl', 'NL-2'],
      ],
    );
  });

  test('the OFAC SDN list as published (sdn.csv then alt.csv): four AL-AQSA FOUNDATIONs stay four', async () => {
    await makeList('ofac');
    const body = fixture('ofac-sdn-excerpt.csv') + fixture('ofac-alt-excerpt.csv');
    const r = await send(
      'PUT',
      '/v1/watchlists/ofac/entries?format=ofac-sdn-csv',
      'analyst',
      body,
      'text/csv',
    );
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { name: 'ofac', format: 'ofac-sdn-csv', received: 11 });
    const aqsa = (await entities('ofac')).filter((e) => e.value === 'AL-AQSA FOUNDATION');
    assert.deepEqual(
      aqsa.map((e) => e.id),
      ['ofac:7637', 'ofac:7643', 'ofac:7644', 'ofac:7645'],
    );
    const vessel = (await send('GET', '/v1/watchlists/ofac/entries/ofac:15036', 'analyst')).json();
    assert.equal(vessel.type, 'vessel');
    assert.deepEqual(vessel.aliases, ['ABADAN', 'SHONA']);
    assert.ok(
      vessel.identifiers.some(
        (i: { kind: string; value: string }) => i.kind === 'imo' && i.value === '9187629',
      ),
    );
    assert.equal(vessel.source, 'OFAC SDN list');

    // Searching a name lists every entity bearing the name it matched, each with its match.
    const found = await send(
      'GET',
      `/v1/watchlists/ofac/entries?q=${encodeURIComponent('Al Aqsa Foundation')}`,
      'analyst',
    );
    assert.equal(found.statusCode, 200, found.body);
    const items = found.json().items as {
      id: string;
      match: { entity: { id: string }; name: string; score: number };
    }[];
    assert.deepEqual(
      items.map((i) => [i.id, i.match.entity.id, i.match.name]),
      aqsa.map((e) => [e.id, e.id, 'AL-AQSA FOUNDATION']),
    );
    assert.ok(items.every((i) => i.match.score >= 0.85));
    const alias = await match('ofac', 'Stichting Al-Aqsa');
    assert.equal(alias.listed, true);
    assert.equal(alias.match.name, 'STICHTING AL-AQSA', 'the alias that matched');
    assert.equal(alias.match.entity.name, 'AL-AQSA FOUNDATION', 'the entity it names');
    assert.ok(alias.match.parts.length > 0);

    // The SDN XML gives the same entities.
    await makeList('ofac-xml');
    const x = await send(
      'PUT',
      '/v1/watchlists/ofac-xml/entries',
      'analyst',
      fixture('ofac-sdn-sample.xml'),
      'text/xml',
    );
    assert.equal(x.statusCode, 200, x.body);
    assert.equal(x.json().format, 'ofac-sdn-xml');
    const zawahiri = (await send('GET', '/v1/watchlists/ofac-xml/entries/ofac:2676', 'analyst')).json();
    assert.deepEqual(zawahiri.identifiers, [
      { kind: 'passport', value: '1084010' },
      { kind: 'passport', value: '19820215' },
    ]);
  });

  test('the UN and EU lists load as published, with their ids and original-script names', async () => {
    await makeList('un');
    const un = await send(
      'PUT',
      '/v1/watchlists/un/entries',
      'analyst',
      fixture('un-consolidated-sample.xml'),
      'application/xml',
    );
    assert.equal(un.statusCode, 200, un.body);
    assert.deepEqual(un.json(), { name: 'un', format: 'un-xml', received: 4 });
    const person = (await send('GET', '/v1/watchlists/un/entries/un:9100001', 'analyst')).json();
    assert.equal(person.value, 'IBRAHIM KHALIL NOURI AL-FARSI');
    assert.ok(person.aliases.includes('إبراهيم خليل نوري الفارسي'));
    assert.deepEqual(person.identifiers[1], { kind: 'passport', value: 'ZX0012345' });
    const arabic = await match('un', 'إبراهيم خليل نوري الفارسي');
    assert.equal(arabic.match.entity.id, 'un:9100001');
    assert.equal(arabic.match.name, 'إبراهيم خليل نوري الفارسي', 'the original-script name matched');
    assert.equal((await match('un', 'Игорь Петрович Савченко')).match.entity.id, 'un:9100002');

    await makeList('eu');
    const eu = await send(
      'POST',
      '/v1/watchlists/eu/entries?format=eu-fsf-xml',
      'analyst',
      fixture('eu-fsf-sample.xml'),
      'application/xml',
    );
    assert.equal(eu.statusCode, 200, eu.body);
    const company = (await send('GET', '/v1/watchlists/eu/entries/eu:900102', 'analyst')).json();
    assert.equal(company.type, 'organisation');
    assert.deepEqual(company.aliases, ['ООО Полярная Судоходная Логистика']);
    assert.deepEqual(company.identifiers[1], { kind: 'registration', value: '1027700123456' });
    const namesakes = await send(
      'GET',
      `/v1/watchlists/eu/entries?q=${encodeURIComponent('Northern Star Relief Foundation')}`,
      'analyst',
    );
    assert.deepEqual(
      namesakes.json().items.map((i: { id: string }) => i.id),
      ['eu:900103', 'eu:900104'],
    );
  });

  test('a rule hit on a watchlist names the list, the entity, the listed name that matched and the score', async () => {
    await makeList('sanctioned');
    const list = await send(
      'PUT',
      '/v1/watchlists/sanctioned/entries',
      'analyst',
      '{"id":"x:1","value":"Pearl River Holdings","aliases":["Shenzhen Bright Electronics Co"],"type":"organisation"}\n',
      'application/x-ndjson',
    );
    assert.equal(list.statusCode, 200, list.body);
    const rule = await send('POST', '/v1/rules', 'analyst', {
      id: 'R-SANCTIONED',
      title: 'Consignor on the sanctions list',
      riskArea: 'sanctions',
      weight: 90,
      severity: 'high',
      recommendedAction: 'physical-check',
      status: 'active',
      reason: 'The consignor matches a listed party.',
      condition: 'inWatchlist("sanctioned", consignor.name) || consignor.name in watchlist("sanctioned")',
    });
    assert.equal(rule.statusCode, 201, rule.body);
    const filed = await send(
      'POST',
      '/v1/filings',
      'filer',
      validFiling(app().clock.now(), { lrn: 'WL-HIT-1' }),
    );
    assert.equal(filed.statusCode, 201, filed.body);
    const mrn = filed.json().mrn as string;
    await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 1 });
    const a = await send('GET', `/v1/filings/${mrn}/assessment`, 'analyst');
    assert.equal(a.statusCode, 200, a.body);
    const hit = a.json().consignments[0].hits.find((h: { id: string }) => h.id === 'R-SANCTIONED');
    assert.ok(hit, a.body);
    const expected = {
      list: 'sanctioned',
      value: 'Shenzhen Bright Electronics Co',
      entity: { id: 'x:1', name: 'Pearl River Holdings', type: 'organisation' },
      name: 'Shenzhen Bright Electronics Co',
      score: 1,
    };
    assert.deepEqual(hit.watchlistMatches, [expected, expected]);
    assert.equal(hit.values['inWatchlist("sanctioned", consignor.name)'], 1);

    // A proposed rule tested on a filing says the same.
    const tested = await send('POST', '/v1/rules/test', 'analyst', {
      rule: {
        ...rule.json(),
        id: 'R-T',
        version: undefined,
        createdBy: undefined,
        createdAt: undefined,
        scope: {},
      },
      filing: validFiling(app().clock.now(), { lrn: 'WL-HIT-2' }),
    });
    assert.equal(tested.statusCode, 200, tested.body);
    assert.deepEqual(
      tested
        .json()
        .hits[0].triggers.flatMap((x: { match?: unknown }) => (x.match === undefined ? [] : [x.match])),
      [expected, expected],
    );
  });

  test('entities are added, replaced, searched, removed and expired one by one; each change moves the stamp', async () => {
    await makeList('one-by-one');
    const db = app().deps.db.forAuthority('NL');
    const stamp = () => app().deps.ruleRepo.stamp(db, 'NL', app().clock.now());
    let before = await stamp();
    const changed = async (what: string): Promise<void> => {
      const now = await stamp();
      assert.notEqual(now, before, `${what} moves the rule-set cache's stamp on`);
      before = now;
    };
    const url = '/v1/watchlists/one-by-one/entries/acme-1';
    const added = await send('PUT', url, 'analyst', {
      value: 'Acme Dual Use Trading',
      aliases: ['Acme DUT'],
      identifiers: [{ kind: 'registration', value: 'HRB 1' }],
    });
    assert.equal(added.statusCode, 201, added.body);
    assert.equal(added.json().source, 'entered by analyst:ana');
    await changed('adding');
    assert.equal((await match('one-by-one', 'Acme Dual Use Trading')).match.entity.id, 'acme-1');

    const replaced = await send('PUT', url, 'analyst', {
      value: 'Acme Dual-Use Trading GmbH',
      type: 'organisation',
    });
    assert.equal(replaced.statusCode, 200, replaced.body);
    assert.deepEqual(replaced.json().aliases, []);
    await changed('replacing');
    assert.equal(
      (await match('one-by-one', 'Acme DUT')).listed,
      false,
      'the old alias went with the old entity',
    );

    const clash = await send('PUT', url, 'analyst', { id: 'other', value: 'x' });
    assert.equal(clash.statusCode, 422);
    assert.equal(clash.json().errors[0].path, '$.id');

    const past = await send('PUT', `${url}/expiry`, 'analyst', { expires: '2027-01-31' });
    assert.equal(past.statusCode, 200, past.body);
    assert.equal(past.json().expiresAt, '2027-02-01T00:00:00.000Z');
    await changed('expiring');
    assert.equal(
      (await match('one-by-one', 'Acme Dual-Use Trading GmbH')).listed,
      false,
      'expired: no match',
    );
    assert.equal(
      (await send('GET', url, 'analyst')).json().expiresAt,
      '2027-02-01T00:00:00.000Z',
      'still listed',
    );
    const cleared = await send('DELETE', `${url}/expiry`, 'analyst');
    assert.equal(cleared.json().expiresAt, null);
    await changed('clearing the expiry');
    assert.equal((await match('one-by-one', 'Acme Dual-Use Trading GmbH')).listed, true);

    const gone = await send('DELETE', url, 'analyst');
    assert.deepEqual(gone.json(), {
      name: 'one-by-one',
      deleted: 'acme-1',
      value: 'Acme Dual-Use Trading GmbH',
    });
    await changed('removing');
    assert.equal((await match('one-by-one', 'Acme Dual-Use Trading GmbH')).listed, false);
    for (const [method, path] of [
      ['GET', url],
      ['DELETE', url],
      ['DELETE', `${url}/expiry`],
    ] as const) {
      const r = await send(method, path, 'analyst');
      assert.equal(r.statusCode, 404);
      assert.equal(r.json().code, 'VIGIL_WATCHLIST_ENTITY_NOT_FOUND');
    }
    const upload = await send(
      'POST',
      '/v1/watchlists/one-by-one/entries',
      'analyst',
      'value\nBeta Ltd\n',
      'text/csv',
    );
    assert.equal(upload.statusCode, 200, upload.body);
    await changed('uploading');

    // Pages follow value then id, and a page ends between two namesakes without losing either.
    await send(
      'POST',
      '/v1/watchlists/one-by-one/entries',
      'analyst',
      'id,value\nb2,Beta Ltd\nb3,Beta Ltd\n',
      'text/csv',
    );
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page = await send(
        'GET',
        `/v1/watchlists/one-by-one/entries?limit=1${next === null ? '' : `&next=${encodeURIComponent(next)}`}`,
        'analyst',
      );
      seen.push(...page.json().items.map((i: { id: string }) => i.id));
      next = page.json().next;
    } while (next !== null);
    assert.equal(seen.length, 3);
    assert.deepEqual(seen.slice(0, 2).sort(), ['b2', 'b3']);
  });

  test('an entity’s history says who added, changed, expired and removed it, and a new list records only what it changed', async () => {
    await makeList('history');
    tok['lead'] = await app().token('NL', 'analyst', 'lead');
    const url = '/v1/watchlists/history/entries/h-1';
    assert.equal((await send('PUT', url, 'analyst', { value: 'Orion Freight Ltd' })).statusCode, 201);
    assert.equal((await send('PUT', url, 'analyst', { value: 'Orion Freight Ltd' })).statusCode, 200);
    assert.equal(
      (
        await send('PUT', url, 'lead', {
          value: 'Orion Freight Limited',
          aliases: ['Orion FL'],
          source: 'EU consolidated list',
        })
      ).statusCode,
      200,
    );
    assert.equal((await send('PUT', `${url}/expiry`, 'lead', { expires: '2027-03-31' })).statusCode, 200);
    const history = async (id: string) => {
      const r = await send('GET', `/v1/watchlists/history/entries/${id}/history`, 'analyst');
      assert.equal(r.statusCode, 200, r.body);
      return r.json().items as {
        at: string;
        actor: string | null;
        change: string;
        entity: { value: string; aliases: unknown[]; expiresAt: string | null } | null;
      }[];
    };
    const h = await history('h-1');
    assert.deepEqual(
      h.map((x) => [x.change, x.actor, x.entity?.value]),
      [
        ['added', 'analyst:ana', 'Orion Freight Ltd'],
        ['changed', 'analyst:lead', 'Orion Freight Limited'],
        ['expiry', 'analyst:lead', 'Orion Freight Limited'],
      ],
      'putting the same entity again records nothing',
    );
    assert.deepEqual(h[1]!.entity!.aliases, ['Orion FL']);
    assert.equal(h[2]!.entity!.expiresAt, '2027-04-01T00:00:00.000Z');
    assert.equal(h[0]!.at, app().clock.now().toISOString(), 'the service’s clock, not the database’s');

    // A new version of the whole list: one entity kept as it was, one changed, one new, one gone.
    await send('PUT', '/v1/watchlists/history/entries/h-2', 'analyst', { value: 'Vega Shipping SA' });
    const list = [
      {
        id: 'h-1',
        value: 'Orion Freight Limited',
        aliases: ['Orion FL'],
        source: 'EU consolidated list',
        expires: '2027-03-31',
      },
      { id: 'h-3', value: 'Lyra Logistics BV' },
    ];
    const put = await send(
      'PUT',
      '/v1/watchlists/history/entries',
      'lead',
      list.map((e) => JSON.stringify(e)).join('\n'),
      'application/x-ndjson',
    );
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(
      (await history('h-1')).length,
      3,
      'an entity the new list keeps as it was: nothing recorded',
    );
    assert.deepEqual(
      (await history('h-2')).map((x) => [x.change, x.actor, x.entity]),
      [
        ['added', 'analyst:ana', (await history('h-2'))[0]!.entity],
        ['removed', 'analyst:lead', null],
      ],
      'the entity the new list lacks: removed, and its history kept',
    );
    assert.deepEqual(
      (await history('h-3')).map((x) => [x.change, x.actor]),
      [['added', 'analyst:lead']],
    );
    const unknown = await send('GET', '/v1/watchlists/history/entries/nobody/history', 'analyst');
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'VIGIL_WATCHLIST_ENTITY_NOT_FOUND');
    const other = await app().token('BE', 'analyst', 'be');
    tok['be'] = other;
    const foreign = await send('GET', '/v1/watchlists/history/entries/h-1/history', 'be');
    assert.equal(foreign.statusCode, 404, 'another authority sees no list of that name');
  });

  test('a bad upload is refused with every problem, its code and place; nothing of it is stored', async () => {
    await makeList('strict');
    await makeList('containers', 'container');
    const before = await rows();
    const expectRefused = async (
      r: Awaited<ReturnType<typeof send>>,
      status: number,
      code: string,
      errors: [string, string][] = [],
    ): Promise<void> => {
      assert.equal(r.statusCode, status, r.body);
      assert.equal(r.json().code, code);
      assert.deepEqual(
        (r.json().errors ?? []).map((e: { code: string; path: string }) => [e.code, e.path]),
        errors,
      );
      assert.equal(await rows(), before, 'nothing stored');
    };
    await expectRefused(
      await send(
        'PUT',
        '/v1/watchlists/strict/entries',
        'analyst',
        'value,type,expires\nGood Ltd,organisation,\n,person,\nOdd,robot,2027-02-30\n',
        'text/csv',
      ),
      422,
      'VIGIL_WATCHLIST_INVALID',
      [
        ['VIGIL_SCHEMA_REQUIRED', 'line 3 value'],
        ['VIGIL_SCHEMA_VALUE', 'line 4 type'],
        ['VIGIL_DATE_INVALID', 'line 4 expires'],
      ],
    );
    await expectRefused(
      await send('POST', '/v1/watchlists/strict/entries', 'analyst', 'id,value\na,One\na,Two\n', 'text/csv'),
      422,
      'VIGIL_WATCHLIST_INVALID',
      [['VIGIL_WATCHLIST_DUPLICATE_ID', 'line 3']],
    );
    await expectRefused(
      await send(
        'PUT',
        '/v1/watchlists/strict/entries',
        'analyst',
        '<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>NO ID</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>',
        'application/xml',
      ),
      422,
      'VIGIL_WATCHLIST_INVALID',
      [['VIGIL_WATCHLIST_PARSE', '/CONSOLIDATED_LIST/INDIVIDUALS[1]/INDIVIDUAL[1]/DATAID']],
    );
    await expectRefused(
      await send(
        'PUT',
        '/v1/watchlists/strict/entries',
        'analyst',
        '<CONSOLIDATED_LIST><INDIVIDUALS>',
        'application/xml',
      ),
      400,
      'VIGIL_XML_MALFORMED',
    );
    await expectRefused(
      await send(
        'PUT',
        '/v1/watchlists/strict/entries?format=un-xml',
        'analyst',
        fixture('eu-fsf-sample.xml'),
        'application/xml',
      ),
      422,
      'VIGIL_WATCHLIST_INVALID',
      [['VIGIL_WATCHLIST_FORMAT', '/export']],
    );
    await expectRefused(
      await send(
        'PUT',
        '/v1/watchlists/containers/entries',
        'analyst',
        fixture('un-consolidated-sample.xml'),
        'application/xml',
      ),
      422,
      'VIGIL_WATCHLIST_INVALID',
      [['VIGIL_WATCHLIST_FORMAT', '$']],
    );
    await expectRefused(
      await send(
        'PUT',
        '/v1/watchlists/strict/entries',
        'analyst',
        `value\n${'x'.repeat(MAX_BYTES)}\n`,
        'text/csv',
      ),
      413,
      'VIGIL_BODY_TOO_LARGE',
    );
    await expectRefused(
      await send('POST', '/v1/watchlists', 'analyst', {
        name: 'strict',
        subject: 'operator-name',
        entries: [
          { id: 'same', value: 'A' },
          { id: 'same', value: 'B' },
          { value: 'C', type: 'ship' },
        ],
      }),
      422,
      'VIGIL_WATCHLIST_INVALID',
      [['VIGIL_SCHEMA_VALUE', '$.entries[2].type']],
    );
    await expectRefused(
      await send('POST', '/v1/watchlists', 'analyst', {
        name: 'strict',
        subject: 'operator-name',
        entries: [
          { id: 'same', value: 'A' },
          { id: 'same', value: 'B' },
        ],
      }),
      422,
      'VIGIL_WATCHLIST_INVALID',
      [['VIGIL_WATCHLIST_DUPLICATE_ID', '$.entries[1]']],
    );
  });
});
