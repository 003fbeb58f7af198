/**
 * The trusted-trader indicators (issue 10, TT-01 and TT-02) on a small fixture built by hand through
 * the API, on each database engine: an operator register with an AEOF, an AEOC, an AEOS and a
 * suspended AEOC authorisation, and a partner programme's operator recognised under an MRA for
 * security; nine filings on one day whose consignees (or, for the MRA, consignor) hold those
 * statuses or none; a rule on phones (an IPR risk, which no AEO status lowers) asking for a physical
 * control, so that which consignments are controlled is the test's choice, not the weights'; results
 * of every kind and one control without a result. The control rate, detection rate and volumes per
 * operator segment are worked out here from what the fixture did and compared with Vigil's, the
 * segments add up to the totals, and a revocation recorded afterwards does not move a consignment
 * out of the segment its assessment credited.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { testRule } from '../support/rules.ts';
import { assessPending, near, sameItems } from './indicators-harness.ts';
import type { Report, Value } from './indicators-harness.ts';

const DAY = '2027-03-01';
const FROM = DAY;
const TO = '2027-03-02';
const at = (hhmm: string): Date => new Date(`${DAY}T${hhmm}:00Z`);

type Segment = 'aeo-c' | 'aeo-s' | 'aeo-f' | 'none';
type Result = 'no-irregularity' | 'irregularity' | 'seizure' | null;

/** One consignment of the fixture: its segment, whether it is controlled, and its control's result. */
interface Fact {
  readonly lrn: string;
  readonly consignee: string;
  readonly consignor?: string;
  readonly phones: boolean;
  readonly segment: Segment;
  readonly result: Result;
}

const FACTS: readonly Fact[] = [
  // AEOF consignee: two phones consignments (a seizure, nothing found), one of T-shirts.
  { lrn: 'A1', consignee: 'NL100000001', phones: true, segment: 'aeo-f', result: 'seizure' },
  { lrn: 'A2', consignee: 'NL100000001', phones: true, segment: 'aeo-f', result: 'no-irregularity' },
  { lrn: 'A3', consignee: 'NL100000001', phones: false, segment: 'aeo-f', result: null },
  // AEOC consignee: phones, nothing found.
  { lrn: 'C1', consignee: 'NL100000002', phones: true, segment: 'aeo-c', result: 'no-irregularity' },
  // AEOS consignee: T-shirts, not controlled.
  { lrn: 'S1', consignee: 'NL100000003', phones: false, segment: 'aeo-s', result: null },
  // No status: an irregularity, a control still without a result, T-shirts.
  { lrn: 'N1', consignee: 'NL100000004', phones: true, segment: 'none', result: 'irregularity' },
  { lrn: 'N2', consignee: 'NL100000004', phones: true, segment: 'none', result: null },
  { lrn: 'N3', consignee: 'NL100000004', phones: false, segment: 'none', result: null },
  // AEOC suspended the day before: no status on the filing's date.
  { lrn: 'X1', consignee: 'NL100000005', phones: true, segment: 'none', result: 'seizure' },
  // A consignee without status, but a consignor recognised under an MRA for security: AEOS.
  {
    lrn: 'M1',
    consignee: 'NL100000004',
    consignor: 'US123456789',
    phones: true,
    segment: 'aeo-s',
    result: 'irregularity',
  },
];

forEachDatabase('trusted-trader indicators on a hand-built fixture', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};
  const send = sender(app, tok);
  const mrn: Record<string, string> = {};
  let report: Report;
  const get = async (query: string): Promise<Report> => {
    const r = await send('GET', `/v1/indicators?from=${FROM}&to=${TO}${query}`, 'nl-analyst');
    assert.equal(r.statusCode, 200, r.body);
    return r.json();
  };
  const ind = (r: Report, id: string): Value => {
    const v = r.indicators.find((i) => i.id === id);
    assert.ok(v, `no ${id} in the report`);
    return v;
  };
  const ok = async (
    method: 'POST' | 'PUT',
    url: string,
    body: Record<string, unknown>,
    status = 201,
  ): Promise<void> => {
    const r = await send(method, url, 'nl-admin', body);
    assert.equal(r.statusCode, status, `${method} ${url}: ${r.body}`);
  };

  before(async () => {
    t = await startTestApp(target);
    for (const [who, role] of [
      ['nl-admin', 'admin'],
      ['nl-analyst', 'analyst'],
      ['nl-officer', 'officer'],
      ['acme', 'filer'],
    ] as const) {
      tok[who] = await app().token('NL', role, who);
    }
    const clock = app().clock;
    clock.set(at('07:00'));

    // The register: five consignees, four authorisations (one suspended since the day before), and
    // a US programme's operator recognised for security on imports.
    for (const n of [1, 2, 3, 4, 5]) {
      await ok('POST', '/v1/operators', {
        eori: `NL10000000${n}`,
        name: `Consignee ${n} BV`,
        country: 'NL',
        validFrom: '2020-01-01',
      });
    }
    for (const [n, type, suspended] of [
      [1, 'AEOF', false],
      [2, 'AEOC', false],
      [3, 'AEOS', false],
      [5, 'AEOC', true],
    ] as const) {
      await ok('POST', '/v1/aeo-authorisations', {
        number: `NL${type}000000000${n}`,
        eori: `NL10000000${n}`,
        type,
        ...(suspended ? { status: 'suspended', statusFrom: '2027-02-28' } : {}),
        validFrom: '2021-01-01',
      });
    }
    await ok('POST', '/v1/mras', {
      id: 'EU-US',
      partnerCountry: 'US',
      programme: 'C-TPAT',
      covers: ['security'],
      flows: ['import'],
      validFrom: '2012-06-01',
    });
    await ok('PUT', '/v1/mras/EU-US/partners/US123456789', {
      partnerId: 'US123456789',
      name: 'Gadget Exports Inc',
      validFrom: '2015-01-01',
    });
    const rule = await send(
      'POST',
      '/v1/rules',
      'nl-analyst',
      testRule({ id: 'R-PHONES', condition: 'goods.exists(g, g.hsCode.startsWith("8517"))' }),
    );
    assert.equal(rule.statusCode, 201, rule.body);

    // The filings, at 08:00; assessed at 09:00 with random selection off (the fixture's controls
    // are the rule's only).
    clock.set(at('08:00'));
    for (const f of FACTS) {
      const body = validFiling(clock.now(), { lrn: f.lrn });
      const c = body['consignments'][0];
      c.consignee = {
        name: `Consignee of ${f.lrn}`,
        eori: f.consignee,
        address: { street: 'Kade 1', city: 'Rotterdam', postcode: '3011AA', country: 'NL' },
      };
      if (f.consignor !== undefined) {
        c.consignor = { ...c.consignor, eori: f.consignor };
      }
      if (!f.phones) {
        c.goods = [
          {
            hsCode: '610910',
            description: 'Cotton T-shirts',
            grossMassKg: 500,
            packages: { type: 'CT', count: 50 },
            value: { amount: 15000, currency: 'EUR' },
            origin: 'CN',
          },
        ];
      }
      const r = await send('POST', '/v1/filings', 'acme', body);
      assert.equal(r.statusCode, 201, `${f.lrn}: ${r.body}`);
      mrn[f.lrn] = r.json().mrn;
    }
    clock.set(at('09:00'));
    await assessPending(app(), () => false);

    // Results at 11:00.
    clock.set(at('11:00'));
    const q = await send('GET', '/v1/controls?status=open,assigned,done,cancelled&limit=500', 'nl-officer');
    assert.equal(q.statusCode, 200, q.body);
    const tasks: { id: string; mrn: string }[] = q.json().items;
    // The fixture itself: exactly the phones consignments are controlled.
    assert.deepEqual(
      tasks.map((x) => x.mrn).sort(),
      FACTS.filter((f) => f.phones)
        .map((f) => mrn[f.lrn]!)
        .sort(),
    );
    for (const f of FACTS) {
      if (f.result === null) {
        continue;
      }
      const task = tasks.find((x) => x.mrn === mrn[f.lrn])!;
      const body =
        f.result === 'seizure'
          ? { result: 'seizure', category: 'counterfeit', quantity: 10, unit: 'items' }
          : f.result === 'irregularity'
            ? { result: 'irregularity', type: 'description', dutyAtStake: 10, taxAtStake: 2 }
            : { result: 'no-irregularity' };
      const r = await send('POST', `/v1/controls/${task.id}/result`, 'nl-officer', {
        method: 'physical',
        ...body,
      });
      assert.equal(r.statusCode, 201, `${f.lrn}: ${r.body}`);
    }
    clock.set(at('13:00'));
    await app().deps.indicators.refresh();
    report = await get('');
  });

  // The fixture's facts per segment, worked out here.
  const SEGMENTS: readonly Segment[] = ['aeo-c', 'aeo-s', 'aeo-f', 'none'];
  const of = (s: Segment): Fact[] => FACTS.filter((f) => f.segment === s);
  const controlled = (f: Fact): boolean => f.phones;
  const done = (f: Fact): boolean => controlled(f) && f.result !== null;
  const positive = (f: Fact): boolean => f.result === 'irregularity' || f.result === 'seizure';

  test('TT-01: the control rate of each operator segment', () => {
    const tt = ind(report, 'TT-01');
    assert.equal(tt.unavailable, undefined);
    assert.equal(tt.value, null, 'a rate per segment has no total');
    // aeo-f 2 of 3 controlled, aeo-c 1 of 1, aeo-s 1 of 2 (the MRA consignor's), none 3 of 4.
    sameItems(tt, 'segment', { 'aeo-f': 2 / 3, 'aeo-c': 1, 'aeo-s': 1 / 2, none: 3 / 4 });
  });

  test('TT-02: the detection rate of each operator segment (segments with a control result)', () => {
    const tt = ind(report, 'TT-02');
    const expected: Record<string, number> = {};
    for (const s of SEGMENTS) {
      const withResult = of(s).filter(done);
      if (withResult.length > 0) {
        expected[s] = withResult.filter(positive).length / withResult.length;
      }
    }
    // aeo-f: a seizure and nothing found; aeo-c: nothing found; aeo-s: the MRA's irregularity;
    // none: an irregularity and the suspended holder's seizure (N2 has no result yet).
    assert.deepEqual(expected, { 'aeo-f': 1 / 2, 'aeo-c': 0, 'aeo-s': 1, none: 1 });
    sameItems(tt, 'segment', expected);
  });

  test('consignments assessed, control rate and detection rate by segment add up to the totals', async () => {
    const bySegment = await get('&by=segment');
    const assessed = ind(bySegment, 'TG-01');
    sameItems(assessed, 'segment', { 'aeo-f': 3, 'aeo-c': 1, 'aeo-s': 2, none: 4 });
    const sum = (v: Value): number => v.breakdown!.items.reduce((s, i) => s + (i.value ?? 0), 0);
    assert.equal(sum(assessed), ind(report, 'TG-01').value, 'the segments add up to all assessed');
    assert.equal(ind(report, 'TG-01').value, FACTS.length);
    // TG-03 by segment is TT-01's figures; the controls they count add up to all controls.
    const rate = ind(bySegment, 'TG-03');
    sameItems(
      rate,
      'segment',
      Object.fromEntries(ind(report, 'TT-01').breakdown!.items.map((i) => [i.key, i.value])),
    );
    const controls = rate.breakdown!.items.reduce(
      (s, i) => s + i.value! * assessed.breakdown!.items.find((a) => a.key === i.key)!.value!,
      0,
    );
    near(controls, FACTS.filter(controlled).length, 'controls over the segments');
    near(ind(report, 'TG-03').value, FACTS.filter(controlled).length / FACTS.length, 'TG-03 total');
    // Detection: the segments' positives and results add up to the total rate's.
    sameItems(
      ind(bySegment, 'TG-05'),
      'segment',
      Object.fromEntries(ind(report, 'TT-02').breakdown!.items.map((i) => [i.key, i.value])),
    );
    near(
      ind(report, 'TG-05').value,
      FACTS.filter((f) => done(f) && positive(f)).length / FACTS.filter(done).length,
      'TG-05 total',
    );
  });

  test('a consignment keeps the segment its assessment credited, whatever the register says later', async () => {
    // The AEOF authorisation revoked afterwards, from the filings' very day: the assessments were
    // weighed with it, and the indicators, recomputed whole, still count them as aeo-f.
    app().clock.set(at('14:00'));
    await ok(
      'PUT',
      '/v1/aeo-authorisations/NLAEOF0000000001',
      {
        number: 'NLAEOF0000000001',
        eori: 'NL100000001',
        type: 'AEOF',
        status: 'revoked',
        statusFrom: DAY,
        validFrom: '2021-01-01',
      },
      200,
    );
    await app().deps.indicators.refresh({ full: true });
    const again = await get('');
    for (const id of ['TT-01', 'TT-02']) {
      assert.deepEqual(ind(again, id).breakdown, ind(report, id).breakdown, id);
    }
    sameItems(ind(again, 'TT-01'), 'segment', { 'aeo-f': 2 / 3, 'aeo-c': 1, 'aeo-s': 1 / 2, none: 3 / 4 });
  });
});
