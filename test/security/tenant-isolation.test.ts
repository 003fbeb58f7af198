/**
 * Tenant isolation, in the database and through the API:
 * - every table holding authority data has row-level security with a policy (a new table without one
 *   fails here), and the application role with no authority set sees no rows;
 * - for every /v1 route in the OpenAPI document, authority A's tokens (every role) neither read nor
 *   change authority B's data: B's rows are byte-for-byte the same afterwards, and no answer to A
 *   carries B's identifiers.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPLICATION_ROLE } from '../../src/store/database.ts';
import { closeAfter, forEachDatabase, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { h1Body } from '../import-declarations/imports-harness.ts';
import { ROLES } from '../../src/auth/index.ts';

/** Tables that hold no authority's data. */
// login_authority and revoked_token: the service's and the owner's (migration 0014), no tenant's.
// webhook_secret: signing secrets by endpoint id (migration 0024), kept apart so that no role but the
// service reads them (requests may only add one; the endpoint row carries the authority).
const NOT_TENANT_DATA = new Set([
  'authority',
  'schema_migration',
  'login_authority',
  'revoked_token',
  'webhook_secret',
  // People's password hashes and sessions (migration 0031), kept apart from user_account (which
  // carries the authority) so that only the service reads them.
  'user_password',
  'user_session',
  // Links to the OpenID Connect provider's subjects (migration 0043), read only by the service.
  'user_identity',
  // Reference data (the nomenclature and codelists) is shared by every authority (issue 13).
  'reference_entry',
  'reference_import',
  // The other national nodes this node exchanges with (migration 0046): instance-wide like the
  // directory; public keys and addresses, written only by the service.
  'federation_peer',
]);

const openapi = JSON.parse(readFileSync(join(import.meta.dirname, '../../docs/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
};

/** B's registry records, by the route that creates them. */
const REGISTRY_BODIES_OF_B: Readonly<Record<string, Record<string, unknown>>> = {
  '/v1/operators': {
    eori: 'BE0123456789',
    name: 'Secret Belgian Operator NV',
    country: 'BE',
    validFrom: '2020-01-01',
  },
  '/v1/aeo-authorisations': {
    number: 'BEAEOF0000000001',
    eori: 'BE0123456789',
    type: 'AEOF',
    validFrom: '2020-01-01',
  },
  '/v1/mras': {
    id: 'BE-US',
    partnerCountry: 'US',
    programme: 'C-TPAT',
    covers: ['security'],
    flows: ['import'],
    validFrom: '2020-01-01',
  },
  '/v1/mras/BE-US/partners/US1111111111': {
    partnerId: 'US1111111111',
    name: 'Secret Partner Inc',
    validFrom: '2020-01-01',
  },
  '/v1/certificates': {
    type: 'cites-permit',
    number: 'BE-SECRET-CITES-1',
    issuer: 'SPF',
    goods: ['4407'],
    quantity: 10,
    unit: 'MTQ',
    validFrom: '2020-01-01',
  },
  '/v1/certificate-requirements': {
    id: 'BE-REQ',
    goodsPrefix: '4407',
    origin: '*',
    certificateType: 'cites-permit',
    description: 'x',
    validFrom: '2020-01-01',
  },
  '/v1/ipr-applications': {
    number: 'BE-AFA-SECRET-1',
    rightHolder: 'Secret Belgian Right Holder SA',
    brands: [{ name: 'SECRETBRANDO' }],
    validFrom: '2020-01-01',
  },
};

forEachDatabase('tenant isolation', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const b: Record<string, string> = {};

  const call = (method: string, url: string, token: string, body?: unknown) =>
    app().server.app.inject({
      method: method as 'GET',
      url,
      headers: {
        authorization: `Bearer ${token}`,
        ...(typeof body === 'string'
          ? { 'content-type': 'text/csv' }
          : body !== undefined
            ? { 'content-type': 'application/json' }
            : {}),
      },
      ...(typeof body === 'string'
        ? { payload: body }
        : body !== undefined
          ? { payload: JSON.stringify(body) }
          : {}),
    });

  async function tenantTables(): Promise<
    { name: string; hasAuthority: boolean; rls: boolean; policies: number }[]
  > {
    const r = await app().deps.db.query<{
      name: string;
      has_authority: boolean;
      rls: boolean;
      policies: number;
    }>(
      `SELECT c.relname AS name,
              EXISTS (SELECT 1 FROM information_schema.columns col
                      WHERE col.table_schema = current_schema() AND col.table_name = c.relname AND col.column_name = 'authority') AS has_authority,
              c.relrowsecurity AS rls,
              (SELECT count(*)::int FROM pg_policies p WHERE p.schemaname = current_schema() AND p.tablename = c.relname) AS policies
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname`,
    );
    return r.rows.map((x) => ({
      name: x.name,
      hasAuthority: x.has_authority,
      rls: x.rls,
      policies: x.policies,
    }));
  }

  /** Everything authority B owns, as the database owner sees it. */
  async function snapshotOfB(): Promise<string> {
    const out: Record<string, unknown> = {};
    for (const table of await tenantTables()) {
      if (table.hasAuthority) {
        const r = await app().deps.db.query(
          `SELECT to_jsonb(x) AS row FROM ${table.name} x WHERE authority = 'BE' ORDER BY to_jsonb(x)::text`,
        );
        out[table.name] = r.rows;
      }
    }
    return JSON.stringify(out);
  }

  before(async () => {
    t = await startTestApp(target);
    // Authority B (BE) gets data of every kind: a filing with its assessment and control, a rule, a watchlist.
    const analystB = await app().token('BE', 'analyst', 'bea');
    const filerB = await app().token('BE', 'filer', 'be-filer');
    const rule = await call('POST', '/v1/rules', analystB, {
      id: 'BE-PHONES',
      title: 'Phones',
      riskArea: 'undervaluation',
      weight: 80,
      severity: 'high',
      recommendedAction: 'physical-check',
      status: 'active',
      reason: 'Phones are often undervalued.',
      condition: 'goods.exists(g, g.hsCode.startsWith("8517"))',
    });
    assert.equal(rule.statusCode, 201, rule.body);
    b['rule'] = 'BE-PHONES';
    const wl = await call('POST', '/v1/watchlists', analystB, {
      name: 'be-list',
      subject: 'operator-name',
      entries: [{ value: 'Secret Belgian Target BV' }],
    });
    assert.equal(wl.statusCode, 201, wl.body);
    b['watchlist'] = 'be-list';
    const f = validFiling(app().clock.now(), { lrn: 'BE-SECRET-1' });
    f['officeOfFirstEntry'] = 'BE101000';
    f['transport'].routing = ['CN', 'SG', 'BE'];
    f['consignments'][0].placeOfUnloading = 'BEANR';
    f['consignments'][0].routing = ['CN', 'SG', 'BE'];
    const filed = await call('POST', '/v1/filings', filerB, f);
    assert.equal(filed.statusCode, 201, filed.body);
    b['mrn'] = filed.json().mrn;
    await app().deps.assessments.handleReady({ mrn: b['mrn']!, authority: 'BE', version: 1 });
    const officerB = await app().token('BE', 'officer', 'bo');
    const queue = (await call('GET', '/v1/controls?office=BE101000', officerB)).json();
    assert.equal(queue.items.length, 1, 'B has a control task');
    b['control'] = queue.items[0].id;
    const imported = await call(
      'POST',
      '/v1/import-declarations',
      filerB,
      h1Body((d) => (d['office'] = 'BE101000')),
    );
    assert.equal(imported.statusCode, 201, imported.body);
    b['import'] = imported.json().id;
    // B's registries: an operator with its AEO authorisation, an agreement and a partner's operator,
    // a certificate and a measure requiring one.
    const coordinatorB = await app().token('BE', 'coordinator', 'bc');
    for (const [url, body] of Object.entries(REGISTRY_BODIES_OF_B)) {
      const method = url.includes('/partners/') ? 'PUT' : 'POST';
      const r = await call(method, url, coordinatorB, body);
      assert.ok([200, 201].includes(r.statusCode), `${url}: ${r.body}`);
      if (url === '/v1/certificates') {
        b['certificate'] = r.json().id;
      }
    }
    // B's tuning of a signal learned from control results.
    const tuned = await call(
      'PUT',
      '/v1/result-signals/SIG-RESULT-PAIR',
      await app().token('BE', 'analyst', 'ba'),
      {
        enabled: false,
        weight: 10,
        days: 30,
      },
    );
    assert.equal(tuned.statusCode, 200, tuned.body);
  });

  test('every table with authority data has row-level security and a policy', async () => {
    const tables = await tenantTables();
    assert.ok(tables.length >= 15);
    for (const table of tables) {
      if (NOT_TENANT_DATA.has(table.name)) {
        continue;
      }
      assert.ok(
        table.hasAuthority,
        `${table.name} has no authority column: add one, or list it as holding no tenant data`,
      );
      assert.ok(table.rls, `${table.name} has no row-level security`);
      assert.ok(table.policies > 0, `${table.name} has no policy`);
    }
  });

  test('the application role with no authority set sees no rows', async () => {
    for (const table of await tenantTables()) {
      if (!table.hasAuthority) {
        continue;
      }
      // Tables the application role may not read at all (random_seed, audit_pending: migration 0014).
      const readable = await app().deps.db.query<{ ok: boolean }>(
        `SELECT has_table_privilege('${APPLICATION_ROLE}', $1, 'SELECT') AS ok`,
        [table.name],
      );
      if (!readable.rows[0]!.ok) {
        continue;
      }
      const all = await app().deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table.name}`);
      const asApp = await app().deps.db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('role', '${APPLICATION_ROLE}', true)`);
        return tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table.name}`);
      });
      assert.equal(asApp.rows[0]!.n, 0, `${table.name}: the application role without an authority saw rows`);
      const asB = await app()
        .deps.db.forAuthority('BE')
        .query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table.name}`);
      const asA = await app()
        .deps.db.forAuthority('NL')
        .query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table.name}`);
      assert.equal(asA.rows[0]!.n + asB.rows[0]!.n <= all.rows[0]!.n, true);
      assert.equal(asA.rows[0]!.n, 0, `${table.name}: NL sees BE's rows`);
    }
    // And writing another authority's row is refused by the policy.
    await assert.rejects(
      app()
        .deps.db.forAuthority('NL')
        .query(`UPDATE filing SET status = 'invalidated' WHERE authority = 'BE' RETURNING mrn`)
        .then((r) => {
          if (r.rows.length > 0) {
            throw new Error('updated');
          }
          throw new Error('no rows');
        }),
      /no rows/,
    );
    await assert.rejects(
      app()
        .deps.db.forAuthority('NL')
        .query(
          `INSERT INTO notification (authority, filer, mrn, kind, payload, created_at) VALUES ('BE', 'x', 'y', 'z', '{}', now())`,
        ),
      /row-level security/,
    );
  });

  test('no /v1 route lets authority A read or change authority B’s data', async () => {
    const secrets = [
      b['mrn']!,
      b['control']!,
      b['import']!,
      'BE-SECRET-1',
      'Secret Belgian Target',
      'Secret Belgian Operator',
      'Secret Partner',
      'BE-SECRET-CITES-1',
      b['certificate']!,
      'BE-AFA-SECRET-1',
      'Secret Belgian Right Holder',
      'SECRETBRANDO',
    ];
    // An office code is not B's data: each authority keeps its own capacity for any office.
    const params: Record<string, string> = {
      mrn: b['mrn']!,
      name: b['watchlist']!,
      office: 'BE101000',
      eori: 'BE0123456789',
      number: 'BEAEOF0000000001',
      partnerId: 'US1111111111',
    };
    const idFor = (path: string): string =>
      path.startsWith('/v1/controls')
        ? b['control']!
        : path.startsWith('/v1/import-declarations')
          ? b['import']!
          : path.startsWith('/v1/certificates/')
            ? b['certificate']!
            : path.startsWith('/v1/mras/')
              ? 'BE-US'
              : path.startsWith('/v1/certificate-requirements/')
                ? 'BE-REQ'
                : b['rule']!;
    const filingBody = (
      await call('GET', `/v1/filings/${b['mrn']!}`, await app().token('BE', 'analyst', 'bea'))
    ).json().filing;
    // B's own read of its filing is audited, so B's state is taken after it.
    const before = await snapshotOfB();
    const bodies: Record<string, unknown> = {
      '/v1/filings/{mrn}/amendments': filingBody,
      '/v1/filings/{mrn}/invalidation': { reason: 'x' },
      '/v1/controls/{id}/assign': {},
      '/v1/controls/{id}/result': { result: 'no-irregularity', method: 'documentary' },
      '/v1/rules/{id}': {
        id: b['rule'],
        title: 'changed',
        riskArea: 'undervaluation',
        weight: 1,
        severity: 'low',
        recommendedAction: 'none',
        reason: 'x',
        condition: 'true',
      },
      '/v1/rules/{id}/backtest': { from: '2020-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' },
      '/v1/filings/{mrn}/assessment/reviews': {
        consignment: 0,
        hitId: b['rule'],
        decision: 'dismissed',
        reason: 'x',
      },
      '/v1/filings/{mrn}/rfi-response': { consignment: 0, answer: 'x' },
      '/v1/watchlists/{name}/entries': 'value\nAnother Target Ltd\n',
      '/v1/offices/{office}/capacity': { redPerDay: 1, yellowPerDay: 1 },
      // B's records with bodies a caller of A could send: found nowhere in A.
      '/v1/operators/{eori}': REGISTRY_BODIES_OF_B['/v1/operators'],
      '/v1/aeo-authorisations/{number}': REGISTRY_BODIES_OF_B['/v1/aeo-authorisations'],
      '/v1/mras/{id}': REGISTRY_BODIES_OF_B['/v1/mras'],
      '/v1/mras/{id}/partners/{partnerId}': REGISTRY_BODIES_OF_B['/v1/mras/BE-US/partners/US1111111111'],
      '/v1/certificates/{id}': REGISTRY_BODIES_OF_B['/v1/certificates'],
      '/v1/certificate-requirements/{id}': REGISTRY_BODIES_OF_B['/v1/certificate-requirements'],
      '/v1/ipr-applications/{number}': REGISTRY_BODIES_OF_B['/v1/ipr-applications'],
    };
    let checked = 0;
    for (const role of ROLES) {
      const token = await app().token('NL', role, `nl-${role}`);
      for (const [path, methods] of Object.entries(openapi.paths)) {
        if (!path.startsWith('/v1/')) {
          continue;
        }
        for (const method of Object.keys(methods)) {
          const url = path.replace(/\{(\w+)\}/g, (_m, p: string) =>
            p === 'id'
              ? idFor(path)
              : p === 'number' && path.startsWith('/v1/ipr-applications/')
                ? 'BE-AFA-SECRET-1'
                : params[p]!,
          );
          const targetsB = url !== path && !path.includes('{office}');
          // A list upload's CSV goes to the routes that take one; DELETE of a value takes none.
          const given = bodies[path];
          const body =
            method === 'get'
              ? undefined
              : method === 'delete' && typeof given === 'string'
                ? {}
                : (given ?? {});
          const res = await call(method.toUpperCase(), url, token, body);
          checked++;
          assert.ok(res.statusCode < 500, `${role} ${method} ${url}: ${res.statusCode} ${res.body}`);
          if (targetsB) {
            assert.ok(
              [400, 401, 403, 404, 422].includes(res.statusCode),
              `${role} ${method.toUpperCase()} ${url} answered ${res.statusCode}: ${res.body}`,
            );
          }
          // An identifier the caller sent may come back in the error; anything else of B's may not.
          for (const secret of secrets.filter(
            (x) => !url.includes(x) && !JSON.stringify(body ?? '').includes(x),
          )) {
            assert.ok(
              !res.body.includes(secret),
              `${role} ${method.toUpperCase()} ${url} revealed ${secret}`,
            );
          }
        }
      }
    }
    assert.ok(checked >= 6 * 25);
    assert.equal(await snapshotOfB(), before, "B's data changed");
  });
});
