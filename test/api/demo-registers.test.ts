/**
 * The demo's registers (issue 13), on each database engine: what `vigil serve` installs with the demo
 * pack on first start — the demo parties as registered operators with a few AEO authorisations (one
 * suspended), an MRA with partner operators, certificates with quantities and the measures requiring
 * them, and the made-up trade measures — and demo traffic assessed against them shows the AEO
 * modifier, SIG-CERTIFICATE-MISSING and the demo pack's measure rules, each explained.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { installDemoPack } from '../../src/demo/demo-pack.ts';
import { DEMO_BAD_OPERATORS, generateDemoFilings } from '../../src/demo/index.ts';
import { installDemoRegisters } from '../../src/demo/demo-registers.ts';
import { assessPending, closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { listenLocally, vigilInProcess } from '../support/cli.ts';

interface StoredHit {
  id: string;
  values?: Record<string, unknown>;
  aeo?: { party: string; type: string; reference: string };
}

forEachDatabase('demo registers', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tokens: Record<string, string> = {};
  const send = sender(app, tokens);
  const unregistered = new Set<string>();
  let lodged = 0;

  before(async () => {
    t = await startTestApp(target);
    tokens['analyst'] = await app().token('NL', 'analyst', 'ana');
    const now = app().clock.now();
    assert.equal(await installDemoPack(app().deps, 'NL', now), true);
    const installed = await installDemoRegisters(app().deps, 'NL');
    assert.ok(installed.operators > 50, JSON.stringify(installed));
    assert.equal(installed.measures, 20);
    assert.equal(installed.iprApplications, 5, 'the made-up IPR applications for action');
    const filer = { subject: 'demo', authority: 'NL', role: 'filer' as const };
    for (const d of generateDemoFilings({ count: 400, seed: 13, now, invalidShare: 0, riskyShare: 0.1 })) {
      try {
        const r = await app().deps.filings.register(filer, d.filing);
        lodged++;
        for (const w of r.filing.warnings) {
          if (w.code === 'VIGIL_EORI_NOT_REGISTERED') {
            unregistered.add(w.message);
          }
        }
      } catch {
        // A filing the demo made invalid on purpose.
      }
    }
    await assessPending(app());
  });

  /** Every stored hit of the demo traffic. */
  async function hits(): Promise<StoredHit[]> {
    const r = await app().deps.db.query<{ h: StoredHit }>(
      `SELECT h FROM assessment a CROSS JOIN LATERAL jsonb_array_elements(a.hits) h WHERE a.authority = 'NL'`,
    );
    return r.rows.map((x) => x.h);
  }

  test('the registers are there: operators, AEO (one suspended), the MRA, certificates, measures', async () => {
    const aeo = (await send('GET', '/v1/aeo-authorisations/DEAEOF0000DEMO04', 'analyst')).json();
    assert.equal(aeo.status, 'suspended');
    const partners = await send('GET', '/v1/mras/DEMO-EU-CN/partners', 'analyst');
    assert.equal(partners.statusCode, 200, partners.body);
    assert.equal(partners.json().items.length, 3);
    const permits = (await send('GET', '/v1/certificates?type=cites-permit', 'analyst')).json();
    assert.ok(permits.items.length >= 3, JSON.stringify(permits));
    const measure = (await send('GET', '/v1/reference/measures/90000001', 'analyst')).json();
    assert.match(measure.versions[0].description, /^FICTITIOUS demo measure/);
    assert.equal(measure.versions[0].attributes.additional_code, 'C999');
  });

  test('every identification number of the demo traffic is registered, but the flagged operators’', () => {
    assert.ok(lodged > 300, `${lodged} lodged`);
    const flagged = DEMO_BAD_OPERATORS.flatMap((p) => (p.eori === undefined ? [] : [p.eori]));
    const others = [...unregistered].filter((m) => !flagged.some((e) => m.includes(e)));
    assert.deepEqual(others, []);
  });

  test('the traffic shows measure-based rule hits naming the measure and its regulation', async () => {
    const all = await hits();
    const duties = all.filter((h) => h.id === 'DEMO-MEASURE-DUTIES');
    assert.ok(duties.length > 0, 'anti-dumping or countervailing goods from China are in the traffic');
    for (const h of duties) {
      const sid = h.values?.['measures(g.hsCode, g.origin)[0].sid'];
      assert.match(String(sid), /^900000\d\d$/, JSON.stringify(h.values));
      assert.match(String(h.values?.['measures(g.hsCode, g.origin)[0].regulation']), /^DEMO-R20\d\d\//);
    }
  });

  test('the traffic shows SIG-CERTIFICATE-MISSING and the AEO modifier', async () => {
    const all = await hits();
    assert.ok(
      all.some((h) => h.id === 'SIG-CERTIFICATE-MISSING'),
      'timber from Brazil or Ukraine, shrimps from Ecuador',
    );
    const lowered = all.filter((h) => h.aeo !== undefined);
    assert.ok(lowered.length > 0, 'an AEO consignee’s hits in covered areas are lowered');
    assert.ok(
      lowered.every((h) => h.aeo!.reference !== 'DEAEOF0000DEMO04'),
      'the suspended authorisation gives nothing',
    );
  });

  test('vigil demo --registers loads them into a running server, once', async () => {
    const other = await startTestApp(target);
    try {
      const url = await listenLocally(other);
      const env = { VIGIL_DATA_DIR: other.dataDir, VIGIL_LOG_LEVEL: 'silent' };
      const r = await vigilInProcess(['demo', '--registers', '--post', url], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /demo registers for NL \(made up\): \d+ operators, 7 AEO authorisations, 5 certificates, 5 IPR applications, 20 trade measures loaded/,
      );
      const token = await other.token('NL', 'analyst', 'ana');
      const aeo = await other.server.app.inject({
        url: '/v1/aeo-authorisations/NLAEOF0000DEMO01',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(aeo.statusCode, 200, aeo.body);
      const again = await vigilInProcess(['demo', '--registers', '--post', url], env);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /, 0 IPR applications, 0 trade measures loaded/);
    } finally {
      await other.close();
    }
  });
});
