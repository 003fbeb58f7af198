/**
 * Lodging import declarations on a real database: H1 and H7, valid and invalid (every error at
 * once, nothing stored), lanes within an office's daily capacity, the minimum random rate over many
 * declarations, the recorded random draw, and who may read what.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkMrn } from '../../src/domain/index.ts';
import { VigilError } from '../../src/errors/index.ts';
import { drawFor } from '../../src/domain/random-draw.ts';
import { AssessmentRepository } from '../../src/assessment/index.ts';
import type { ImportView } from '../../src/import-declarations/index.ts';
import { forEachDatabase } from '../support/test-app.ts';
import { actor, h1Body, h7Body, startImports } from './imports-harness.ts';
import type { ImportsHarness } from './imports-harness.ts';

async function rejection(p: Promise<unknown>): Promise<VigilError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof VigilError, `expected a VigilError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

forEachDatabase('import declarations', (target) => {
  let h: ImportsHarness | undefined;
  const a = () => h!;
  before(async () => {
    h = await startImports(target);
  });
  after(async () => {
    await h?.close();
  });

  test('a valid H1 is stored with an MRN, a lane, its reason and its recorded draw', async () => {
    const r = await a().imports.lodge(actor('filer', 'acme'), h1Body());
    assert.equal(checkMrn(r.id), undefined);
    assert.equal(r.id.slice(2, 4), 'NL');
    assert.equal(r.id[16], 'J');
    assert.ok(['green', 'yellow', 'red', 'blue'].includes(r.lane));
    assert.equal(r.score, null);
    assert.match(r.reason, /no active model/);
    const view = (await a().imports.get(actor('officer'), r.id)) as ImportView;
    assert.equal(view.type, 'H1');
    assert.equal(view.lane, r.lane);
    assert.equal(view.reason, r.reason);
    assert.equal(view.date, '2027-02-20');
    assert.equal((view.declaration as { importer: { eori: string } }).importer.eori, 'NL987654321');
    // The draw is reproducible from the authority's seed.
    const seed = await new AssessmentRepository().randomSeed(
      a().db,
      'NL',
      { seedId: 'unused', secret: 'unused' },
      a().clock.now(),
    );
    assert.deepEqual(view.draw, drawFor(seed, r.id, 1, 0));
  });

  test('a valid H7 (108 USD) is accepted', async () => {
    const r = await a().imports.lodge(actor('filer', 'acme'), h7Body());
    const view = (await a().imports.get(actor('analyst'), r.id)) as ImportView;
    assert.equal(view.type, 'H7');
  });

  test('an H7 worth more than 150 EUR is rejected with a stable code and nothing is stored', async () => {
    const before = await a().count('import_declaration');
    const e = await rejection(
      a().imports.lodge(
        actor('filer', 'acme'),
        h7Body((b) => {
          b['goods'][0].price = { amount: 120, currency: 'EUR' };
          b['goods'].push({ ...b['goods'][0], hsCode: '640391' });
        }),
      ),
    );
    assert.equal(e.code, 'VIGIL_IMPORT_INVALID');
    assert.equal(e.status, 422);
    assert.deepEqual(
      e.errors?.map((x) => [x.code, x.path]),
      [['VIGIL_H7_VALUE_TOO_HIGH', '$.goods']],
    );
    assert.match(e.errors[0]!.message, /at most 150 EUR.*240\.00 EUR/);
    assert.equal(await a().count('import_declaration'), before);
  });

  test('an H7 of exactly 150 EUR is accepted; the same goods as H1 are never limited', async () => {
    await a().imports.lodge(
      actor('filer', 'acme'),
      h7Body((b) => {
        b['goods'][0].price = { amount: 150, currency: 'EUR' };
      }),
    );
    await a().imports.lodge(
      actor('filer', 'acme'),
      h1Body((b) => {
        b['goods'][0].price = { amount: 1e6, currency: 'EUR' };
      }),
    );
  });

  test('an invalid H1 gets every error at once', async () => {
    const e = await rejection(
      a().imports.lodge(
        actor('filer', 'acme'),
        h1Body((b) => {
          b['goods'][0].hsCode = '991234';
          b['goods'][0].origin = 'QQ';
          b['goods'][0].price.currency = 'XXX';
          b['importer'] = { name: 'No identifier Ltd' };
          b['declarant'].eori = 'GB12';
          b['office'] = 'NL1';
          b['colour'] = 'blue';
        }),
      ),
    );
    assert.equal(e.code, 'VIGIL_IMPORT_INVALID');
    const got = new Set(e.errors?.map((x) => `${x.code} ${x.path}`));
    for (const want of [
      'VIGIL_HS_CODE_INVALID $.goods[0].hsCode',
      'VIGIL_COUNTRY_INVALID $.goods[0].origin',
      'VIGIL_CURRENCY_UNKNOWN $.goods[0].price.currency',
      'VIGIL_SCHEMA_REQUIRED $.importer.eori',
      'VIGIL_EORI_INVALID $.declarant.eori',
      'VIGIL_OFFICE_INVALID $.office',
      'VIGIL_SCHEMA_UNKNOWN_FIELD $.colour',
    ]) {
      assert.ok(got.has(want), `missing ${want} in ${[...got].join('; ')}`);
    }
  });

  test('an office with capacity: red until used up, then yellow, then post-clearance audit; a new day resets it', async () => {
    // Every declaration asks for red (threshold 0); no random selection to blur the count.
    const svc = a().withSelectivity({ redThreshold: 0, minRandomRate: 0 });
    const office = 'NL000111';
    const analyst = actor('analyst', 'ana');
    const cap = await svc.setCapacity(analyst, office, { redPerDay: 2, yellowPerDay: 1 });
    assert.deepEqual(cap, { office, redPerDay: 2, yellowPerDay: 1, today: { red: 0, yellow: 0 } });
    const lanes: string[] = [];
    const reasons: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await svc.lodge(
        actor('filer', 'acme'),
        h1Body((b) => (b['office'] = office)),
      );
      lanes.push(r.lane);
      reasons.push(r.reason);
    }
    assert.deepEqual(lanes, ['red', 'red', 'yellow', 'blue', 'blue']);
    assert.match(reasons[2]!, /physical capacity of the office used up/);
    assert.match(reasons[3]!, /office capacity used up/);
    assert.deepEqual((await svc.capacity(analyst, office)).today, { red: 2, yellow: 1 });
    // Another office is not affected.
    const other = await svc.lodge(
      actor('filer', 'acme'),
      h1Body((b) => (b['office'] = 'NL000222')),
    );
    assert.equal(other.lane, 'red');
    a().clock.advance(24 * 3600 * 1000);
    const next = await svc.lodge(
      actor('filer', 'acme'),
      h1Body((b) => (b['office'] = office)),
    );
    assert.equal(next.lane, 'red');
  });

  test('capacity is set by analysts, coordinators and admins only, for a valid office', async () => {
    for (const role of ['officer', 'filer', 'auditor'] as const) {
      const e = await rejection(
        a().imports.setCapacity(actor(role), 'NL000111', { redPerDay: 1, yellowPerDay: 1 }),
      );
      assert.equal(e.code, 'VIGIL_FORBIDDEN');
    }
    const bad = await rejection(a().imports.setCapacity(actor('admin'), 'NL000111', { redPerDay: -1 }));
    assert.equal(bad.code, 'VIGIL_BAD_REQUEST');
    const office = await rejection(
      a().imports.setCapacity(actor('coordinator'), 'nowhere', { redPerDay: 1, yellowPerDay: 1 }),
    );
    assert.equal(office.code, 'VIGIL_BAD_REQUEST');
  });

  test('the minimum random rate is honoured over many declarations, whatever the capacity', async () => {
    const rate = 0.2;
    const n = 400;
    const svc = a().withSelectivity({ minRandomRate: rate });
    const office = 'NL000333';
    // No capacity at all: random selections still go to a control (they measure the traffic).
    await svc.setCapacity(actor('admin'), office, { redPerDay: 0, yellowPerDay: 0 });
    let random = 0;
    for (let i = 0; i < n; i++) {
      const r = await svc.lodge(
        actor('filer', 'acme'),
        h1Body((b) => (b['office'] = office)),
      );
      if (r.random) {
        random++;
        assert.ok(r.lane === 'red' || r.lane === 'yellow');
        assert.match(r.reason, /selected at random/);
      } else {
        assert.equal(r.lane, 'green');
      }
    }
    // Binomial(400, 0.2): mean 80, sd 8; 4.5 sd either side fails about once in 150,000 runs.
    const sd = Math.sqrt(n * rate * (1 - rate));
    assert.ok(Math.abs(random - n * rate) < 4.5 * sd, `${random} random selections of ${n}`);
    const listed = await svc.list(actor('officer'), { office, limit: '500' });
    assert.equal(listed.items.filter((x) => x.random).length, random);
  });

  test('a filer reads only its own declarations and only the lane; other authorities see nothing', async () => {
    const r = await a().imports.lodge(actor('filer', 'acme'), h1Body());
    const own = await a().imports.get(actor('filer', 'acme'), r.id);
    assert.equal(own.lane, r.lane);
    assert.equal('reason' in own, false);
    assert.equal('score' in own, false);
    for (const who of [actor('filer', 'other'), actor('officer', 'olga', 'BE')]) {
      const e = await rejection(a().imports.get(who, r.id));
      assert.equal(e.code, 'VIGIL_IMPORT_NOT_FOUND');
    }
    assert.equal((await rejection(a().imports.list(actor('filer', 'acme'), {}))).code, 'VIGIL_FORBIDDEN');
    assert.equal((await rejection(a().imports.lodge(actor('officer'), h1Body()))).code, 'VIGIL_FORBIDDEN');
  });

  test('row-level security: the scoped database of another authority sees none of these rows', async () => {
    assert.ok((await a().count('import_declaration', `authority = 'NL'`)) > 0);
    for (const table of ['import_declaration', 'office_capacity']) {
      const r = await a()
        .db.forAuthority('BE')
        .query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      assert.equal(r.rows[0]!.n, 0, table);
    }
  });

  test('the list pages newest first and filters by lane and office', async () => {
    const page1 = await a().imports.list(actor('officer'), { limit: '3' });
    assert.equal(page1.items.length, 3);
    assert.ok(page1.next !== null);
    const page2 = await a().imports.list(actor('officer'), { limit: '3', next: page1.next });
    const ids = new Set([...page1.items, ...page2.items].map((x) => x.id));
    assert.equal(ids.size, page1.items.length + page2.items.length);
    const blue = await a().imports.list(actor('officer'), { lane: 'blue', office: 'NL000111' });
    assert.equal(blue.items.length, 2);
    assert.ok(blue.items.every((x) => x.lane === 'blue' && x.office === 'NL000111'));
    const bad = await rejection(a().imports.list(actor('officer'), { lane: 'purple' }));
    assert.equal(bad.code, 'VIGIL_QUERY_INVALID');
  });
});
