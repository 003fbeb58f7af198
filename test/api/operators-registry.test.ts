/**
 * The register of operators and AEO (issue 13, point 3), through the API on both engines:
 * - an AEO consignee's consignment gets the AEO modifier in the areas its authorisation covers, and
 *   the explanation names the authorisation; a suspended one gives nothing from its day on;
 * - a partner programme's operator, recognised under an MRA that covers imports and security, gets
 *   the modifier in the security area only; under an agreement that covers exports only, nothing;
 * - rules see the register too (`operator.aeo` in a rule test and live);
 * - a filing naming an identification number the register does not know is registered with a
 *   VIGIL_EORI_NOT_REGISTERED warning at its path (none while the authority keeps no register);
 * - an import with malformed records reports each with its line and code and loads nothing, unless
 *   asked to skip them; every change is in the history and the audit trail.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assessPending, closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { testRule } from '../support/rules.ts';

const CONSIGNEE = 'DE123456789012345';
const US_PARTNER = 'US7722145930';
const JP_PARTNER = 'JP1180001234567';

interface Hit {
  id: string;
  riskArea: string;
  weight: number;
  effectiveWeight: number;
  aeo?: {
    party: string;
    kind: string;
    reference: string;
    type: string;
    programme?: string;
    agreement?: string;
  };
}

forEachDatabase('register of operators and AEO', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tokens: Record<string, string> = {};
  const send = sender(app, tokens);

  /** Lodges a filing as the NL filer, assesses it, returns its warnings and its hits by id. */
  async function lodgeAndAssess(
    lrn: string,
    change: (f: Record<string, any>) => void = () => undefined,
  ): Promise<{ warnings: { code: string; path: string }[]; hits: Map<string, Hit> }> {
    const f = validFiling(app().clock.now(), { lrn });
    change(f);
    const r = await send('POST', '/v1/filings', 'filer', f);
    assert.equal(r.statusCode, 201, r.body);
    await assessPending(app());
    const a = await send('GET', `/v1/filings/${r.json().mrn}/assessment`, 'analyst');
    assert.equal(a.statusCode, 200, a.body);
    const hits = a.json().consignments[0].hits as Hit[];
    return { warnings: r.json().warnings, hits: new Map(hits.map((h) => [h.id, h])) };
  }

  before(async () => {
    t = await startTestApp(target);
    for (const [who, authority, role] of [
      ['filer', 'NL', 'filer'],
      ['analyst', 'NL', 'analyst'],
      ['coordinator', 'NL', 'coordinator'],
      ['auditor', 'NL', 'auditor'],
      ['be-coordinator', 'BE', 'coordinator'],
    ] as const) {
      tokens[who] = await app().token(authority, role, who);
    }
    // One rule per kind of area, each hitting every consignment.
    for (const [id, riskArea] of [
      ['T-SEC', 'security-safety'],
      ['T-FIN', 'undervaluation'],
      ['T-HEALTH', 'health'],
    ] as const) {
      const r = await send(
        'POST',
        '/v1/rules',
        'analyst',
        testRule({
          id,
          riskArea,
          recommendedAction: 'none',
          condition: 'goods.exists(g, g.grossMassKg > 0.0)',
        }),
      );
      assert.equal(r.statusCode, 201, r.body);
    }
  });

  test('without a register, nothing is warned about and nothing is lowered', async () => {
    const { warnings, hits } = await lodgeAndAssess('REG-NONE-1');
    assert.deepEqual(warnings, []);
    assert.equal(hits.get('T-SEC')!.effectiveWeight, 40);
    assert.equal(hits.get('T-SEC')!.aeo, undefined);
  });

  test('an AEO consignee gets the modifier in the areas its authorisation covers, named in the explanation', async () => {
    const op = await send('POST', '/v1/operators', 'coordinator', {
      eori: 'de 1234567890 12345',
      name: 'Elektro Handel GmbH',
      street: 'Hafenstr. 5',
      city: 'Hamburg',
      postcode: '20457',
      country: 'DE',
      validFrom: '2015-03-01',
    });
    assert.equal(op.statusCode, 201, op.body);
    assert.equal(op.json().eori, CONSIGNEE, 'the EORI is normalised');
    assert.equal(op.headers['location'], `/v1/operators/${CONSIGNEE}`);
    assert.equal(
      (await send('POST', '/v1/operators', 'coordinator', { ...op.json<object>(), version: 1 })).statusCode,
      400,
      'an unknown field is refused',
    );
    const aeo = await send('POST', '/v1/aeo-authorisations', 'coordinator', {
      number: 'DEAEOC0000123456',
      eori: CONSIGNEE,
      type: 'AEOC',
      validFrom: '2019-06-01',
    });
    assert.equal(aeo.statusCode, 201, aeo.body);

    const { hits } = await lodgeAndAssess('REG-AEOC-1');
    // AEOC: customs simplifications, the financial areas only.
    assert.equal(hits.get('T-FIN')!.effectiveWeight, 20);
    assert.deepEqual(hits.get('T-FIN')!.aeo, {
      party: 'consignee',
      eori: CONSIGNEE,
      kind: 'aeo',
      reference: 'DEAEOC0000123456',
      type: 'AEOC',
      factor: 0.5,
    });
    assert.equal(hits.get('T-SEC')!.effectiveWeight, 40);
    assert.equal(hits.get('T-SEC')!.aeo, undefined);
    assert.equal(hits.get('T-HEALTH')!.effectiveWeight, 40);

    // Now AEOF (both): security and the financial areas, never health.
    const full = await send('PUT', '/v1/aeo-authorisations/DEAEOC0000123456', 'coordinator', {
      number: 'DEAEOC0000123456',
      eori: CONSIGNEE,
      type: 'AEOF',
      validFrom: '2019-06-01',
    });
    assert.equal(full.statusCode, 200, full.body);
    assert.equal(full.json().version, 2);
    const f = (await lodgeAndAssess('REG-AEOF-1')).hits;
    assert.equal(f.get('T-SEC')!.effectiveWeight, 20);
    assert.equal(f.get('T-SEC')!.aeo?.reference, 'DEAEOC0000123456');
    assert.equal(f.get('T-FIN')!.effectiveWeight, 20);
    assert.equal(f.get('T-HEALTH')!.effectiveWeight, 40);
    assert.equal(f.get('T-HEALTH')!.aeo, undefined);

    const detail = await send('GET', `/v1/operators/${CONSIGNEE}`, 'analyst');
    assert.equal(detail.statusCode, 200, detail.body);
    assert.deepEqual(detail.json().aeoToday, { type: 'AEOF', authorisation: 'DEAEOC0000123456' });
  });

  test('rules see the register: operator.aeo in a rule test and live', async () => {
    const rule = testRule({ id: 'T-AEO', condition: 'operator.aeo && operator.aeoType == "AEOF"' });
    const tried = await send('POST', '/v1/rules/test', 'analyst', {
      rule,
      filing: validFiling(app().clock.now(), { lrn: 'REG-RULE-TEST' }),
    });
    assert.equal(tried.statusCode, 200, tried.body);
    assert.equal(tried.json().hit, true, tried.body);
    assert.equal(
      (await send('POST', '/v1/rules', 'analyst', { ...rule, recommendedAction: 'none' })).statusCode,
      201,
    );
    const { hits } = await lodgeAndAssess('REG-RULE-LIVE');
    assert.ok(hits.has('T-AEO'), 'the rule on operator.aeo hits live');
  });

  test('a suspended authorisation gives nothing from its day on; the history keeps every version', async () => {
    const today = app().clock.now().toISOString().slice(0, 10);
    const suspended = await send('PUT', '/v1/aeo-authorisations/DEAEOC0000123456', 'coordinator', {
      number: 'DEAEOC0000123456',
      eori: CONSIGNEE,
      type: 'AEOF',
      status: 'suspended',
      validFrom: '2019-06-01',
    });
    assert.equal(suspended.statusCode, 200, suspended.body);
    assert.equal(suspended.json().statusFrom, today, 'a suspension without a day runs from today');
    const { hits } = await lodgeAndAssess('REG-SUSPENDED-1');
    for (const id of ['T-SEC', 'T-FIN']) {
      assert.equal(hits.get(id)!.effectiveWeight, 40, `${id} is not lowered by a suspended authorisation`);
      assert.equal(hits.get(id)!.aeo, undefined);
    }
    assert.equal((await send('GET', `/v1/operators/${CONSIGNEE}`, 'analyst')).json().aeoToday, null);

    // Revoked from a later day: in force until then.
    const later = await send('PUT', '/v1/aeo-authorisations/DEAEOC0000123456', 'coordinator', {
      number: 'DEAEOC0000123456',
      eori: CONSIGNEE,
      type: 'AEOF',
      status: 'revoked',
      statusFrom: '2027-03-01',
      validFrom: '2019-06-01',
    });
    assert.equal(later.statusCode, 200, later.body);
    assert.equal((await lodgeAndAssess('REG-REVOKED-LATER')).hits.get('T-SEC')!.effectiveWeight, 20);

    const history = await send('GET', `/v1/operators/${CONSIGNEE}/history`, 'analyst');
    assert.equal(history.statusCode, 200, history.body);
    const versions = history.json().items as {
      registry: string;
      version: number;
      actor: string;
      data: any;
    }[];
    assert.deepEqual(
      versions.map((v) => `${v.registry}@${v.version}`),
      ['operator@1', 'aeo@1', 'aeo@2', 'aeo@3', 'aeo@4'],
    );
    assert.equal(versions[3]!.data.status, 'suspended');
    assert.ok(versions.every((v) => v.actor === 'coordinator:coordinator'));
    const audit = await app().deps.db.query<{ action: string; subject: string }>(
      `SELECT action, subject FROM audit_pending WHERE authority = 'NL' AND action LIKE 'registry.%'
       UNION ALL SELECT action, subject FROM audit_log WHERE authority = 'NL' AND action LIKE 'registry.%'`,
    );
    assert.equal(
      audit.rows.filter((r) => r.subject === 'DEAEOC0000123456').length,
      4,
      'each change of the authorisation is in the audit trail',
    );
  });

  test("an MRA partner's operator is recognised where the agreement covers the flow and the area", async () => {
    const mra = await send('POST', '/v1/mras', 'coordinator', {
      id: 'EU-US',
      partnerCountry: 'US',
      programme: 'C-TPAT',
      covers: ['security'],
      flows: ['import', 'export'],
      validFrom: '2012-06-01',
    });
    assert.equal(mra.statusCode, 201, mra.body);
    const partner = await send('PUT', `/v1/mras/EU-US/partners/${US_PARTNER}`, 'coordinator', {
      partnerId: US_PARTNER,
      name: 'Great Lakes Machinery Inc',
      validFrom: '2020-01-15',
    });
    assert.equal(partner.statusCode, 201, partner.body);
    const listed = await send('GET', '/v1/mras/EU-US/partners', 'analyst');
    assert.deepEqual(
      listed.json().items.map((p: { partnerId: string }) => p.partnerId),
      [US_PARTNER],
    );

    const fromUs = (f: Record<string, any>): void => {
      const c = f['consignments'][0];
      c.consignor = {
        name: 'Great Lakes Machinery Inc',
        eori: US_PARTNER,
        address: { street: '1 Lake Rd', city: 'Chicago', postcode: '60601', country: 'US' },
      };
      // A consignee without an AEO status: only the partner's recognition can lower anything.
      c.consignee = { ...c.consignee, eori: 'DE999999999999999' };
    };
    const { hits, warnings } = await lodgeAndAssess('REG-MRA-1', fromUs);
    assert.equal(hits.get('T-SEC')!.effectiveWeight, 20);
    assert.deepEqual(hits.get('T-SEC')!.aeo, {
      party: 'consignor',
      eori: US_PARTNER,
      kind: 'mra',
      reference: US_PARTNER,
      type: 'AEOS',
      agreement: 'EU-US',
      programme: 'C-TPAT',
      factor: 0.5,
    });
    assert.equal(hits.get('T-FIN')!.effectiveWeight, 40, 'security and safety only, as the agreement says');
    // The partner's identifier is known to the register; the unregistered consignee is not.
    assert.deepEqual(warnings.map((w) => `${w.code} ${w.path}`).sort(), [
      'VIGIL_EORI_NOT_REGISTERED $.consignments[0].consignee.eori',
      'VIGIL_EORI_NOT_REGISTERED $.declarant.eori',
    ]);

    // An agreement that covers exports only recognises nobody's imports.
    assert.equal(
      (
        await send('POST', '/v1/mras', 'coordinator', {
          id: 'EU-JP',
          partnerCountry: 'JP',
          programme: 'AEO Japan',
          covers: 'security',
          flows: 'export',
          validFrom: '2011-06-24',
        })
      ).statusCode,
      201,
    );
    assert.equal(
      (
        await send('PUT', `/v1/mras/EU-JP/partners/${JP_PARTNER}`, 'coordinator', {
          partnerId: JP_PARTNER,
          name: 'Nagoya Precision KK',
          validFrom: '2015-01-01',
        })
      ).statusCode,
      201,
    );
    const jp = await lodgeAndAssess('REG-MRA-JP', (f) => {
      fromUs(f);
      f['consignments'][0].consignor.eori = JP_PARTNER;
      f['consignments'][0].consignor.address.country = 'JP';
    });
    assert.equal(jp.hits.get('T-SEC')!.effectiveWeight, 40);
    assert.equal(jp.hits.get('T-SEC')!.aeo, undefined);
  });

  test('an EORI the register does not know is a warning at its path, never a refusal', async () => {
    const f = validFiling(app().clock.now(), { lrn: 'REG-WARN-1' });
    const r = await send('POST', '/v1/filings', 'filer', f);
    assert.equal(r.statusCode, 201, r.body);
    const warnings = r.json().warnings as { code: string; path: string; message: string }[];
    assert.deepEqual(
      warnings.map((w) => `${w.code} ${w.path}`),
      ['VIGIL_EORI_NOT_REGISTERED $.declarant.eori'],
      'the registered consignee is not warned about',
    );
    assert.match(warnings[0]!.message, /NL123456789 is not in the register of operators/);
    // Stored with the filing.
    const shown = await send('GET', `/v1/filings/${r.json().mrn}`, 'filer');
    assert.deepEqual(shown.json().warnings, warnings);
    // Registered now: no warning on the next filing.
    assert.equal(
      (
        await send('POST', '/v1/operators', 'coordinator', {
          eori: 'NL123456789',
          name: 'Acme Shipping BV',
          country: 'NL',
          validFrom: '2010-01-01',
        })
      ).statusCode,
      201,
    );
    const again = await send(
      'POST',
      '/v1/filings',
      'filer',
      validFiling(app().clock.now(), { lrn: 'REG-WARN-2' }),
    );
    assert.deepEqual(again.json().warnings, []);
    // Not valid any more: warned again.
    await send('PUT', '/v1/operators/NL123456789', 'coordinator', {
      eori: 'NL123456789',
      name: 'Acme Shipping BV',
      country: 'NL',
      validFrom: '2010-01-01',
      validUntil: '2026-12-31',
    });
    const expired = await send(
      'POST',
      '/v1/filings',
      'filer',
      validFiling(app().clock.now(), { lrn: 'REG-WARN-3' }),
    );
    assert.deepEqual(
      expired.json().warnings.map((w: { path: string }) => w.path),
      ['$.declarant.eori'],
    );
  });

  test('an import with malformed records reports each and loads nothing, unless asked to skip them', async () => {
    const before = await app().count('registered_operator');
    const csv = [
      'record,eori,name,country,validFrom,validUntil,number,type,status',
      'operator,FR12345678901,Transports Lyonnais SA,FR,2018-01-01,,,,',
      'operator,XX12,Nowhere Ltd,XX,2018-01-01,,,,',
      'aeo,FR12345678901,,,2020-05-01,,FRAEOS0000000777,AEOS,',
      'aeo,FR99999999999,,,2020-05-01,,FRAEOS0000000888,AEOS,',
      'operator,FR12345678901,Transports Lyonnais SA,FR,2018-01-01,,,,',
      'licence,FR1,,,,,,,',
      'operator,IT12345678901,"Unclosed Srl,IT,2018-01-01,,,,',
      'operator,ES12345678,Bilbao Carga SL,ES,2019-01-01,2018-01-01,,,',
      'aeo,FR12345678901,,,2020-05-01,,FRAEOS0000000999,AEOX,',
    ].join('\n');
    const refused = await send('POST', '/v1/operators/import', 'coordinator', csv, 'text/csv');
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json().code, 'VIGIL_REGISTRY_IMPORT_INVALID');
    const errors = refused.json().errors as { code: string; path: string; message: string }[];
    assert.deepEqual(
      errors.map((e) => `${e.path} ${e.code}`),
      [
        '$[1].eori VIGIL_EORI_INVALID',
        '$[1].country VIGIL_COUNTRY_INVALID',
        '$[3].eori VIGIL_OPERATOR_NOT_FOUND',
        '$[4] VIGIL_REGISTRY_DUPLICATE',
        '$[5].record VIGIL_REGISTRY_RECORD_UNKNOWN',
        '$[6] VIGIL_REGISTRY_ROW_UNREADABLE',
        '$[7].validUntil VIGIL_REGISTRY_VALIDITY_INVALID',
        '$[8].type VIGIL_SCHEMA_VALUE',
      ],
    );
    assert.match(errors[0]!.message, /^line 3: /);
    assert.match(errors[3]!.message, /line 6: operator FR12345678901 is also at line 2/);
    assert.equal(await app().count('registered_operator'), before, 'nothing was loaded');

    const skipped = await send('POST', '/v1/operators/import?skipBad=true', 'coordinator', csv, 'text/csv');
    assert.equal(skipped.statusCode, 200, skipped.body);
    const summary = skipped.json();
    assert.equal(summary.received, 9);
    assert.equal(summary.skipped, 7, 'seven records, eight errors');
    assert.equal(summary.loaded, 2);
    assert.deepEqual(summary.records.operator, { created: 1, updated: 0, unchanged: 0 });
    assert.deepEqual(summary.records.aeo, { created: 1, updated: 0, unchanged: 0 });
    assert.equal(summary.errorCount, 8);
    assert.equal(await app().count('registered_operator'), before + 1);

    // NDJSON, loaded again: unchanged records make no new version.
    const ndjson = [
      '{"record":"operator","eori":"FR12345678901","name":"Transports Lyonnais SA","country":"FR","validFrom":"2018-01-01"}',
      '{"record":"mra-partner","mra":"EU-US","partnerId":"US5550001111","name":"Bay Freight LLC","validFrom":"2021-01-01"}',
      'not json',
    ].join('\n');
    const nd = await send(
      'POST',
      '/v1/operators/import?skipBad=true',
      'coordinator',
      ndjson,
      'application/x-ndjson',
    );
    assert.equal(nd.statusCode, 200, nd.body);
    assert.deepEqual(nd.json().records.operator, { created: 0, updated: 0, unchanged: 1 });
    assert.deepEqual(nd.json().records['mra-partner'], { created: 1, updated: 0, unchanged: 0 });
    assert.deepEqual(
      nd.json().errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`),
      ['$[2] VIGIL_REGISTRY_ROW_UNREADABLE'],
    );
    const history = await send('GET', '/v1/operators/FR12345678901/history', 'analyst');
    assert.deepEqual(
      history
        .json()
        .items.map((v: { registry: string; version: number; importId: string | null }) => [
          v.registry,
          v.version,
          v.importId === summary.importId,
        ]),
      [
        ['operator', 1, true],
        ['aeo', 1, true],
      ],
    );
    // A JSON array that is not one, and a content type the import does not take.
    assert.equal((await send('POST', '/v1/operators/import', 'coordinator', { eori: 'x' })).statusCode, 422);
    assert.equal(
      (await send('POST', '/v1/operators/import', 'coordinator', 'eori\n', 'text/plain')).statusCode,
      415,
    );
  });

  test('search, and the register is per authority', async () => {
    const byName = await send('GET', '/v1/operators?q=lyonnais', 'analyst');
    assert.deepEqual(
      byName.json().items.map((o: { eori: string }) => o.eori),
      ['FR12345678901'],
    );
    const aeoOnly = await send('GET', '/v1/operators?aeo=true', 'analyst');
    assert.deepEqual(
      aeoOnly.json().items.map((o: { eori: string }) => o.eori),
      [CONSIGNEE, 'FR12345678901'],
    );
    const page = await send('GET', '/v1/operators?limit=1', 'analyst');
    assert.equal(page.json().items.length, 1);
    const next = await send('GET', `/v1/operators?limit=1&next=${page.json().next}`, 'analyst');
    assert.notEqual(next.json().items[0].eori, page.json().items[0].eori);
    // BE sees none of NL's register, and its own records are its own.
    assert.deepEqual((await send('GET', '/v1/operators', 'be-coordinator')).json().items, []);
    assert.equal((await send('GET', `/v1/operators/${CONSIGNEE}`, 'be-coordinator')).statusCode, 404);
    assert.equal(
      (await send('GET', '/v1/aeo-authorisations/DEAEOC0000123456', 'be-coordinator')).statusCode,
      404,
    );
    assert.deepEqual((await send('GET', '/v1/mras', 'be-coordinator')).json().items, []);
    // Only coordinators and admins change the register; filers do not read it.
    assert.equal(
      (
        await send('POST', '/v1/operators', 'analyst', {
          eori: 'NL1',
          name: 'x',
          country: 'NL',
          validFrom: '2020-01-01',
        })
      ).statusCode,
      403,
    );
    assert.equal((await send('GET', '/v1/operators', 'filer')).statusCode, 403);
  });
});
