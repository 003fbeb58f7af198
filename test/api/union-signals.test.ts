/**
 * Union-level signals through the API on each database engine (issue 11, point 4). NL, BE and DE
 * share their screenings and control results with the coordinator EU; FR shares with NL only. Each
 * kind of signal appears exactly where the shared data make it: the same operator hit at NL and seized
 * at BE; a goods/origin pair whose hit rate rose at NL and BE (not one that rose at DE alone); a
 * consignor controlled at NL entering at BE days later (not one seen again at the same office). FR's
 * records never count, and BE's hit by a rule adopted from a TLP RED RIF never leaves BE.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import type { ScreenedConsignment } from '../../src/cooperation/index.ts';

const DAY = 86_400_000;

forEachDatabase('union-level signals', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};
  const send = sender(app, tok);
  let seq = 0;

  /** A consignment screened at `authority` `daysAgo` days ago, shared as its policy says. */
  const screen = async (
    authority: string,
    daysAgo: number,
    over: Partial<ScreenedConsignment> = {},
  ): Promise<string> => {
    const mrn = `27${authority}UNION${String(seq++).padStart(9, '0')}`;
    const s: ScreenedConsignment = {
      authority,
      mrn,
      seq: 0,
      hit: false,
      ruleIds: [],
      office: `${authority}000001`,
      mode: 'maritime',
      placeOfLoading: 'CNSHA',
      entryCountry: authority,
      goods: [{ hs6: '851713', origin: 'CN' }],
      operators: [],
      containers: [],
      documents: [],
      at: new Date(app().clock.now().getTime() - daysAgo * DAY),
      ...over,
    };
    await app()
      .deps.db.forAuthority(authority)
      .transaction((tx) => app().deps.sharing.onScreened(tx, s));
    return mrn;
  };
  const control = async (
    authority: string,
    mrn: string,
    daysAgo: number,
    result: 'no-irregularity' | 'irregularity' | 'seizure',
  ): Promise<void> => {
    await app()
      .deps.db.forAuthority(authority)
      .transaction((tx) =>
        app().deps.sharing.onControlResult(tx, {
          authority,
          resultId: `cr-${mrn}`,
          mrn,
          seq: 0,
          controlType: 'physical',
          result,
          details:
            result === 'seizure' ? { category: 'cigarettes-tobacco', quantity: 1000, unit: 'sticks' } : {},
          at: new Date(app().clock.now().getTime() - daysAgo * DAY),
          actor: 'officer:union-test',
        }),
      );
  };
  /** `total` consignments of `hs6` from `origin` over `days` days ending `endDaysAgo` ago, `hits` of them hit. */
  const traffic = async (
    authority: string,
    endDaysAgo: number,
    days: number,
    total: number,
    hits: number,
    hs6: string,
    origin: string,
  ): Promise<void> => {
    for (let i = 0; i < total; i++) {
      await screen(authority, endDaysAgo + (i * days) / total, {
        hit: i < hits,
        placeOfLoading: 'AEJEA',
        goods: [{ hs6, origin }],
      });
    }
  };
  const signals = (query = '', who = 'eu-coordinator') => send('GET', `/v1/union/signals${query}`, who);

  before(async () => {
    t = await startTestApp(target);
    for (const [who, authority, role] of [
      ['eu-coordinator', 'EU', 'coordinator'],
      ['eu-admin', 'EU', 'admin'],
      ['eu-officer', 'EU', 'officer'],
      ['eu-analyst', 'EU', 'analyst'],
      ['nl-admin', 'NL', 'admin'],
      ['nl-analyst', 'NL', 'analyst'],
      ['nl-filer', 'NL', 'filer'],
      ['be-admin', 'BE', 'admin'],
      ['be-analyst', 'BE', 'analyst'],
      ['de-admin', 'DE', 'admin'],
      ['fr-admin', 'FR', 'admin'],
    ] as const) {
      tok[who] = await app().token(authority, role, who);
    }
    for (const [code, name] of [
      ['EU', 'European Commission (coordinator)'],
      ['NL', 'Dutch Customs'],
      ['BE', 'Belgian Customs'],
      ['DE', 'German Customs'],
      ['FR', 'French Customs'],
    ]) {
      const r = await send('PUT', `/v1/authorities/${code}`, 'nl-admin', { name, kind: 'customs' });
      assert.equal(r.statusCode, 200, r.body);
    }
    for (const who of ['nl-admin', 'be-admin', 'de-admin']) {
      const r = await send('PUT', '/v1/sharing-policies', who, {
        rules: [
          { category: 'screening', receiver: 'EU', level: 'full' },
          { category: 'control-results', receiver: 'EU', level: 'full' },
        ],
      });
      assert.equal(r.statusCode, 200, r.body);
    }
    // FR shares everything with NL, nothing with the coordinator.
    const fr = await send('PUT', '/v1/sharing-policies', 'fr-admin', {
      rules: [
        { category: 'screening', receiver: 'NL', level: 'full' },
        { category: 'control-results', receiver: 'NL', level: 'full' },
      ],
    });
    assert.equal(fr.statusCode, 200, fr.body);

    // A TLP RED RIF from NL to BE, adopted by BE: its rule's hits stay at BE.
    const now = app().clock.now();
    const red = await send('POST', '/v1/rifs', 'nl-analyst', {
      title: 'Informant: container of weapons parts',
      office: 'NL000396',
      riskArea: 'security',
      description: 'A named container is said to carry weapons parts declared as machine parts.',
      indicators: { containers: ['TGHU8888889'] },
      recommendedAction: 'physical-check',
      controlType: 'physical',
      urgency: 'urgent',
      validFrom: now.toISOString(),
      validUntil: new Date(now.getTime() + 60 * DAY).toISOString(),
      recipients: ['BE'],
      handling: { tlp: 'RED', code: 'H1', sourceReliability: 'A', informationAccuracy: 1 },
      feedback: { required: false },
    });
    assert.equal(red.statusCode, 201, red.body);
    const redId = red.json().rif.id as string;
    assert.equal((await send('POST', `/v1/rifs/${redId}/issue`, 'nl-analyst')).statusCode, 200);
    const adopted = await send('POST', `/v1/rifs/${redId}/adoption`, 'be-analyst', {});
    assert.equal(adopted.statusCode, 201, adopted.body);
    const redRule = adopted.json().rule.id as string;

    // Same subject: operator CN1000000001 hit at NL, seized at BE.
    await screen('NL', 10, { hit: true, operators: [{ role: 'consignor', eori: 'CN1000000001' }] });
    const seized = await screen('BE', 9, { operators: [{ role: 'consignor', eori: 'CN1000000001' }] });
    await control('BE', seized, 8, 'seizure');
    // Flagged twice, at NL only.
    await screen('NL', 9, { hit: true, operators: [{ role: 'consignor', eori: 'CN2000000002' }] });
    await screen('NL', 5, { hit: true, operators: [{ role: 'consignor', eori: 'CN2000000002' }] });
    // Hit at NL and at FR (which does not share with EU).
    await screen('NL', 7, { hit: true, containers: ['MSKU7777770'] });
    await screen('FR', 6, { hit: true, containers: ['MSKU7777770'] });
    // Hit at DE and, by the rule of the RED RIF, at BE.
    await screen('DE', 7, { hit: true, containers: ['TGHU8888889'] });
    await screen('BE', 6, { hit: true, ruleIds: [redRule], containers: ['TGHU8888889'] });

    // Rising hit rate: cigarettes from the Emirates, 1 in 40 before the window, 8 in 20 in it, at NL
    // and BE; shoes from Vietnam rise at DE only (flat at NL).
    for (const a of ['NL', 'BE']) {
      await traffic(a, 15, 26, 40, 1, '240220', 'AE');
      await traffic(a, 1, 12, 20, 8, '240220', 'AE');
    }
    await traffic('DE', 15, 26, 40, 1, '640399', 'VN');
    await traffic('DE', 1, 12, 20, 8, '640399', 'VN');
    await traffic('NL', 15, 26, 40, 2, '640399', 'VN');
    await traffic('NL', 1, 12, 20, 1, '640399', 'VN');

    // Diversion: CN3000000003's phones seized at NL, entering at BE three days later.
    const diverted = await screen('NL', 7, {
      office: 'NL000396',
      operators: [{ role: 'consignor', eori: 'CN3000000003' }],
    });
    await control('NL', diverted, 6, 'seizure');
    await screen('BE', 3, { office: 'BE101000', operators: [{ role: 'consignor', eori: 'CN3000000003' }] });
    // CN4000000004 controlled at DE, seen again at the same office.
    const again = await screen('DE', 7, {
      office: 'DE004700',
      operators: [{ role: 'consignor', eori: 'CN4000000004' }],
    });
    await control('DE', again, 6, 'irregularity');
    await screen('DE', 2, { office: 'DE004700', operators: [{ role: 'consignor', eori: 'CN4000000004' }] });
  });

  test('each kind of signal appears where the shared data make it, and nowhere else', async () => {
    const r = await signals();
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.to, app().clock.now().toISOString(), 'the window ends at the clock’s now');
    assert.equal(body.from, new Date(app().clock.now().getTime() - 14 * DAY).toISOString());
    assert.equal(body.truncated, false);
    const ids = body.items.map((s: { id: string }) => s.id).sort();
    assert.equal(ids.length, 3, ids.join(', '));
    assert.match(ids[0], /^diversion:consignor-goods:CN3000000003\/851713\/NL:27NLUNION\d{9}\/0$/);
    assert.deepEqual(ids.slice(1), [
      'rising-hit-rate:goods-origin:2402/AE',
      'same-subject:operator:CN1000000001',
    ]);
    const byKind = new Map(body.items.map((s: { kind: string }) => [s.kind, s]));

    const same = byKind.get('same-subject') as Record<string, any>;
    assert.deepEqual(same.authorities, ['BE', 'NL']);
    assert.equal(same.score, 3, 'two authorities, one of which seized');
    assert.deepEqual(
      same.evidence.map((e: Record<string, string>) => [e.authority, e.category, e.kind, e.office]),
      [
        ['NL', 'screening', 'hit', 'NL000001'],
        ['BE', 'control-results', 'seizure', 'BE000001'],
      ],
    );

    const rising = byKind.get('rising-hit-rate') as Record<string, any>;
    assert.deepEqual(
      rising.rates.map((x: Record<string, any>) => [
        x.authority,
        x.baseline.hits,
        x.baseline.screened,
        x.recent.hits,
        x.recent.screened,
      ]),
      [
        ['BE', 1, 40, 8, 20],
        ['NL', 1, 40, 8, 20],
      ],
    );
    assert.ok(rising.rates.every((x: { z: number }) => x.z >= 2.33));

    const diversion = byKind.get('diversion') as Record<string, any>;
    assert.deepEqual(
      diversion.evidence.map((e: Record<string, string>) => [e.authority, e.kind, e.office]),
      [
        ['NL', 'seizure', 'NL000396'],
        ['BE', 'entry', 'BE101000'],
      ],
    );

    // Nothing of FR's, nor BE's RED-derived hit, reached EU at all.
    const shared = await send('GET', '/v1/shared-results?limit=1000', 'eu-coordinator');
    assert.equal(shared.statusCode, 200, shared.body);
    const sources = new Set(shared.json().items.map((x: { source: string }) => x.source));
    assert.deepEqual([...sources].sort(), ['BE', 'DE', 'NL']);
    const redContainer = shared
      .json()
      .items.filter((x: { data: { containers?: string[] } }) => x.data.containers?.includes('TGHU8888889'));
    assert.deepEqual(
      redContainer.map((x: { source: string }) => x.source),
      ['DE'],
      'DE’s hit crossed; BE’s, made by the RED RIF’s rule, did not',
    );
  });

  test('the parameters narrow or widen what counts', async () => {
    const three = await signals('?minAuthorities=3');
    assert.equal(three.statusCode, 200, three.body);
    assert.deepEqual(three.json().items, []);
    const kind = await signals('?kind=diversion&diversionDays=2');
    assert.deepEqual(kind.json().items, [], 'BE’s entry came three days after the seizure');
    const same = await signals('?kind=same-subject');
    assert.deepEqual(
      same.json().items.map((s: { id: string }) => s.id),
      ['same-subject:operator:CN1000000001'],
    );
    const to = new Date(app().clock.now().getTime() - 8.5 * DAY).toISOString();
    const from = new Date(app().clock.now().getTime() - 20 * DAY).toISOString();
    const early = await signals(`?kind=same-subject&from=${from}&to=${to}`);
    assert.deepEqual(early.json().items, [], 'BE’s seizure came after the window');
    const bad = await signals(`?from=${to}&to=${from}`);
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().code, 'VIGIL_QUERY_INVALID');
    assert.equal((await signals('?kind=everything')).statusCode, 400);
  });

  test('only coordinators read the signals, and the read is audited', async () => {
    for (const who of ['eu-officer', 'eu-analyst', 'nl-analyst']) {
      const r = await signals('', who);
      assert.equal(r.statusCode, 403, `${who}: ${r.body}`);
      assert.equal(r.json().code, 'VIGIL_FORBIDDEN');
    }
    // NL's coordinator reads what is shared with NL: FR's records alone make no signal.
    tok['nl-coordinator'] = await app().token('NL', 'coordinator', 'nl-coordinator');
    const nl = await signals('', 'nl-coordinator');
    assert.equal(nl.statusCode, 200, nl.body);
    assert.deepEqual(nl.json().items, []);
    const audit = await send('GET', '/v1/audit?limit=500', 'eu-admin');
    assert.ok(
      audit.json().entries.some((e: { action: string }) => e.action === 'union.signals-read'),
      'the read is in EU’s audit trail',
    );
  });

  test('an assessed filing is shared as a screening with the operators by EORI only', async () => {
    const lodged = await send(
      'POST',
      '/v1/filings',
      'nl-filer',
      validFiling(app().clock.now(), { lrn: 'UNION-1' }),
    );
    assert.equal(lodged.statusCode, 201, lodged.body);
    const mrn = lodged.json().mrn as string;
    await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 1 });
    const shared = await send(
      'GET',
      '/v1/shared-results?category=screening&source=NL&limit=1',
      'eu-coordinator',
    );
    assert.equal(shared.statusCode, 200, shared.body);
    const record = shared.json().items[0];
    assert.equal(record.ref, `${mrn}/0`);
    assert.equal(record.level, 'full');
    assert.equal(record.data.office, 'NL000396');
    assert.deepEqual(record.data.route, { loading: 'CNSHA', entryCountry: 'NL' });
    assert.deepEqual(record.data.goods, [{ hs6: '851713', origin: 'CN' }]);
    assert.deepEqual(record.data.operators, [{ role: 'consignee', eori: 'DE123456789012345' }]);
    assert.deepEqual(record.data.containers, ['MSCU1234566']);
    assert.deepEqual(record.data.documents, ['MAEU123456789']);
    assert.ok(!JSON.stringify(record).includes('Elektro Handel'), 'no names cross');
  });
});
