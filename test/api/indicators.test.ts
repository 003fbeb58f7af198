/**
 * The performance indicators (issue 10) on a small fixture built by hand through the API, on each
 * database engine: nine filings over three days (two modes, two offices, two filers), two with a
 * vague word in a goods description, one amended, one invalidated, two refused filings with
 * different error codes and a refused amendment; rules that hit some consignments, a hit confirmed
 * and one dismissed; controls selected by a rule, a RIF, the model, an analyst and at random, with
 * results of every kind (one recorded the day after its control); import declarations with lanes;
 * RIFs received, adopted, noted and answered late or not at all; records shared both ways. Every
 * indicator of the catalogue is read through GET /v1/indicators after a refresh and compared with
 * the value worked out here from what the fixture did (never from Vigil's own output), with
 * breakdowns and daily series, the CSV export, and who may read whose indicators.
 *
 * Assessments run through an assessment service built here on the app's own parts, as the worker
 * would run them, but with the random selection forced off (or, for the two consignments meant to be
 * controlled at random, forced on): with the default rate of 0.5 % a consignment of the fixture
 * could be selected at random by chance, and the fixture would no longer be what the test computes.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validAirFiling, validFiling } from '../support/filings.ts';
import { testRule } from '../support/rules.ts';
import { h1Body, h7Body } from '../import-declarations/imports-harness.ts';
import { ImportService } from '../../src/import-declarations/index.ts';
import { DEFAULT_LANES } from '../../src/import-declarations/lanes.ts';
import { modelScorer } from '../../src/models/index.ts';
import { INDICATORS } from '../../src/indicators/index.ts';
import { assessPending as assessPendingAs, near, sameItems } from './indicators-harness.ts';
import type { Report, Value } from './indicators-harness.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The fixture's three days (2027-03-01 is a Monday; nothing happens on the 3rd). */
const D1 = '2027-03-01';
const D2 = '2027-03-02';
const D3 = '2027-03-04';
const FROM = D1;
const TO = '2027-03-05';
const at = (day: string, hhmm: string): Date => new Date(`${day}T${hhmm}:00Z`);

interface Goods {
  hsCode: string;
  description: string;
  grossMassKg: number;
  packages: { type: string; count: number };
  value: { amount: number; currency: string };
  origin: string;
}
const phones = (): Goods => ({
  hsCode: '851713',
  description: 'Smartphones, 128GB, boxed',
  grossMassKg: 1250.5,
  packages: { type: 'CT', count: 250 },
  value: { amount: 180000, currency: 'EUR' },
  origin: 'CN',
});
const shoes = (description = 'Leather shoes'): Goods => ({
  hsCode: '640399',
  description,
  grossMassKg: 800,
  packages: { type: 'CT', count: 100 },
  value: { amount: 20000, currency: 'EUR' },
  origin: 'CN',
});
const tshirts = (description = 'Cotton T-shirts'): Goods => ({
  hsCode: '610910',
  description,
  grossMassKg: 500,
  packages: { type: 'CT', count: 50 },
  value: { amount: 15000, currency: 'EUR' },
  origin: 'CN',
});
const toys = (): Goods => ({
  hsCode: '950300',
  description: 'Plastic toys',
  grossMassKg: 600,
  packages: { type: 'CT', count: 60 },
  value: { amount: 12000, currency: 'EUR' },
  origin: 'CN',
});

/**
 * A filing of the fixture: maritime (F11) or air (F20), at an office, with its goods and a consignee
 * of its own (so that no consignee builds a compliance history that would weigh on later filings).
 */
function filing(
  now: Date,
  o: {
    lrn: string;
    air?: boolean;
    office?: string;
    goods: Goods[];
    consignee: string;
    consigneeEori?: string | undefined;
    edit?: (f: Record<string, any>) => void;
  },
): Record<string, any> {
  const f = o.air === true ? validAirFiling(now, o.lrn) : validFiling(now, { lrn: o.lrn });
  f['officeOfFirstEntry'] = o.office ?? 'NL000396';
  const c = f['consignments'][0];
  c.goods = o.goods;
  c.consignee = {
    name: o.consignee,
    ...(o.consigneeEori !== undefined ? { eori: o.consigneeEori } : {}),
    address: { street: 'Kade 1', city: 'Rotterdam', postcode: '3011AA', country: 'NL' },
  };
  o.edit?.(f);
  return f;
}

/** A RIF body (as in the cooperation test) valid from `now`. */
function rifBody(now: Date, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Unsafe toys from China',
    office: 'BE101000',
    riskArea: 'product-safety',
    description: 'Toys with lead paint declared as plastic toys; check the labels and test the paint.',
    indicators: { goodsCodes: ['9503'], origins: ['CN'] },
    recommendedAction: 'physical-check',
    controlType: 'physical',
    urgency: 'urgent',
    validFrom: now.toISOString(),
    validUntil: new Date(now.getTime() + 60 * DAY).toISOString(),
    recipients: ['NL'],
    handling: { tlp: 'AMBER', code: 'H2', sourceReliability: 'B', informationAccuracy: 2 },
    feedback: { required: true, dueAt: new Date(now.getTime() + 14 * DAY).toISOString() },
    ...over,
  };
}

/** A minimal CSV parser (RFC 4180 quoting), for reading the export back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** A latency percentile read from buckets of a factor 10^0.1: at least the true value, below 1.26×. */
function withinBucket(actual: number | undefined, trueMs: number, what: string): void {
  assert.ok(
    actual !== undefined && actual >= trueMs - 0.5 && actual <= trueMs * 10 ** 0.1 + 0.5,
    `${what}: ${String(actual)} ms, expected ${trueMs} ms to within one bucket (+26 %)`,
  );
}

/** One control of the fixture, as the test made it happen (the facts the expected values use). */
interface ControlFact {
  readonly name: string;
  readonly day: string;
  readonly method: 'rule' | 'rif' | 'model' | 'manual' | 'random';
  readonly type: string;
  readonly office: string;
  readonly rules: readonly string[];
  readonly result: 'no-irregularity' | 'irregularity' | 'seizure' | null;
  readonly duty: number;
  readonly tax: number;
}
const fact = (
  name: string,
  day: string,
  method: ControlFact['method'],
  type: string,
  office: string,
  rules: readonly string[],
  result: ControlFact['result'],
  duty = 0,
  tax = 0,
): ControlFact => ({ name, day, method, type, office, rules, result, duty, tax });

forEachDatabase('performance indicators on a hand-built fixture', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};
  const send = sender(app, tok);
  const mrn: Record<string, string> = {};
  const random = new Set<string>();
  let rifRule = '';
  const latency = { lodgeToOutcome: [] as number[], controlToResult: [] as number[] };
  const lodgedAt: Record<string, number> = {};
  const taskCreatedAt: Record<string, number> = {};
  let lanes: string[] = [];
  // Filled in by the fixture: the control type the random draw chose for each random control.
  const controls: ControlFact[] = [];
  let report: Report;
  let dailyReport: Report;

  const get = async (query: string, who = 'nl-analyst'): Promise<Report> => {
    const r = await send('GET', `/v1/indicators?from=${FROM}&to=${TO}${query}`, who);
    assert.equal(r.statusCode, 200, r.body);
    return r.json();
  };
  const ind = (r: Report, id: string): Value => {
    const v = r.indicators.find((i) => i.id === id);
    assert.ok(v, `no ${id} in the report`);
    return v;
  };

  /** Assesses NL's pending filings as the worker would, with random selection forced off or on. */
  const assessPending = (): Promise<void> => assessPendingAs(app(), (m) => random.has(m));

  const lodge = async (name: string, who: string, body: Record<string, any>): Promise<void> => {
    const r = await send('POST', '/v1/filings', who, body);
    assert.equal(r.statusCode, 201, `${name}: ${r.body}`);
    mrn[name] = r.json().mrn;
    lodgedAt[name] = app().clock.now().getTime();
  };
  const refuse = async (who: string, body: Record<string, any>, code: string): Promise<void> => {
    const r = await send('POST', '/v1/filings', who, body);
    assert.equal(r.statusCode, 422, r.body);
    assert.deepEqual(
      r.json().errors.map((e: { code: string }) => e.code),
      [code],
    );
  };
  const taskOf = async (name: string): Promise<{ id: string; controlType: string; source: string }> => {
    const q = await send('GET', '/v1/controls?status=open,assigned,done,cancelled&limit=500', 'nl-officer');
    assert.equal(q.statusCode, 200, q.body);
    const task = q.json().items.find((x: { mrn: string }) => x.mrn === mrn[name]);
    assert.ok(task, `${name} has a control task`);
    return task;
  };
  const result = async (name: string, body: Record<string, unknown>): Promise<void> => {
    const task = await taskOf(name);
    const r = await send('POST', `/v1/controls/${task.id}/result`, 'nl-officer', {
      method: 'physical',
      ...body,
    });
    assert.equal(r.statusCode, 201, `${name}: ${r.body}`);
    latency.controlToResult.push(app().clock.now().getTime() - taskCreatedAt[name]!);
  };
  /** Assesses what is pending at the current time, noting the lodging → outcome latency of each. */
  const assessNow = async (names: string[]): Promise<void> => {
    await assessPending();
    for (const n of names) {
      latency.lodgeToOutcome.push(app().clock.now().getTime() - lodgedAt[n]!);
    }
  };
  const noteTasks = (names: string[]): void => {
    for (const n of names) {
      taskCreatedAt[n] = app().clock.now().getTime();
    }
  };

  before(async () => {
    t = await startTestApp(target);
    for (const [who, authority, role] of [
      ['nl-admin', 'NL', 'admin'],
      ['nl-analyst', 'NL', 'analyst'],
      ['nl-officer', 'NL', 'officer'],
      ['acme', 'NL', 'filer'],
      ['blue', 'NL', 'filer'],
      ['be-admin', 'BE', 'admin'],
      ['be-analyst', 'BE', 'analyst'],
      ['be-coordinator', 'BE', 'coordinator'],
      ['de-coordinator', 'DE', 'coordinator'],
    ] as const) {
      tok[who] = await app().token(authority, role, who);
    }
    const clock = app().clock;

    // ——— Day 1, before the traffic: directory, sharing, rules, RIFs ———
    clock.set(at(D1, '07:00'));
    for (const [code, name] of [
      ['NL', 'Dutch Customs'],
      ['BE', 'Belgian Customs'],
      ['DE', 'German Customs'],
    ]) {
      const r = await send('PUT', `/v1/authorities/${code}`, 'nl-admin', { name, kind: 'customs' });
      assert.equal(r.statusCode, 200, r.body);
    }
    const nlPolicy = await send('PUT', '/v1/sharing-policies', 'nl-admin', {
      rules: [
        { category: 'control-results', receiver: 'BE', level: 'full' },
        { category: 'seizures', receiver: 'BE', level: 'summary' },
      ],
    });
    assert.equal(nlPolicy.statusCode, 200, nlPolicy.body);
    const bePolicy = await send('PUT', '/v1/sharing-policies', 'be-admin', {
      rules: [{ category: 'watchlist-entries', receiver: 'NL', level: 'full' }],
    });
    assert.equal(bePolicy.statusCode, 200, bePolicy.body);
    for (const rule of [
      {
        id: 'R-PHONES',
        riskArea: 'ipr',
        weight: 40,
        recommendedAction: 'physical-check',
        condition: 'goods.exists(g, g.hsCode.startsWith("8517"))',
      },
      {
        id: 'R-SHOES',
        riskArea: 'undervaluation',
        weight: 20,
        recommendedAction: 'documentary-check',
        condition: 'goods.exists(g, g.hsCode.startsWith("6403"))',
      },
      {
        id: 'R-QUERY',
        riskArea: 'origin',
        weight: 20,
        recommendedAction: 'request-for-information',
        condition: 'consignee.name == "Query Me BV"',
      },
      {
        id: 'R-NEVER',
        riskArea: 'drug-precursors',
        weight: 40,
        recommendedAction: 'physical-check',
        condition: 'goods.exists(g, g.hsCode.startsWith("2939"))',
      },
    ]) {
      const r = await send('POST', '/v1/rules', 'nl-analyst', testRule(rule));
      assert.equal(r.statusCode, 201, r.body);
    }
    // BE sends NL four RIFs: A (adopted), B (noted, feedback due on day 2) and, on day 2, C (left
    // unanswered) and D (noted).
    const issue = async (who: string, body: Record<string, unknown>): Promise<string> => {
      const d = await send('POST', '/v1/rifs', who, body);
      assert.equal(d.statusCode, 201, d.body);
      const id: string = d.json().rif.id;
      const i = await send('POST', `/v1/rifs/${id}/issue`, who);
      assert.equal(i.statusCode, 200, i.body);
      return id;
    };
    const rifA = await issue('be-analyst', rifBody(clock.now()));
    const rifB = await issue(
      'be-analyst',
      rifBody(clock.now(), {
        title: 'Cash in tyres',
        riskArea: 'cash',
        indicators: { goodsCodes: ['4011'] },
        feedback: { required: true, dueAt: at(D2, '07:00').toISOString() },
      }),
    );
    const adoption = await send('POST', `/v1/rifs/${rifA}/adoption`, 'nl-analyst', {});
    assert.equal(adoption.statusCode, 201, adoption.body);
    rifRule = adoption.json().rule.id;
    assert.equal(
      (await send('POST', `/v1/rifs/${rifB}/decision`, 'nl-analyst', { decision: 'noted' })).statusCode,
      200,
    );
    // NL issues a RIF of its own to BE (cash, AMBER).
    await issue(
      'nl-analyst',
      rifBody(clock.now(), {
        title: 'Cash couriers',
        office: 'NL000396',
        riskArea: 'cash',
        indicators: { places: ['NLRTM'] },
        recipients: ['BE'],
        feedback: { required: false },
      }),
    );

    // ——— Day 1: four filings, one refusal; assessed at 09:00 ———
    clock.set(at(D1, '08:00'));
    // F1: phones (R-PHONES asks for a physical control).
    await lodge(
      'F1',
      'acme',
      filing(clock.now(), {
        lrn: 'F1',
        goods: [phones()],
        consignee: 'Cons One BV',
        consigneeEori: 'NL100000001',
      }),
    );
    clock.set(at(D1, '08:10'));
    // F2: shoes described with a vague word (a warning; R-SHOES asks for documents).
    await lodge(
      'F2',
      'acme',
      filing(clock.now(), {
        lrn: 'F2',
        goods: [shoes('Leather shoes with rubber parts')],
        consignee: 'Cons Two BV',
        consigneeEori: 'NL100000002',
      }),
    );
    clock.set(at(D1, '08:20'));
    // F3: T-shirts, no hit (amended on day 2).
    const f3 = filing(clock.now(), {
      lrn: 'F3',
      goods: [tshirts()],
      consignee: 'Cons Three BV',
      consigneeEori: 'NL100000003',
    });
    await lodge('F3', 'blue', f3);
    clock.set(at(D1, '08:30'));
    // F4: T-shirts at the other office, consignee with a P.O. box (complete): controlled at random.
    await lodge(
      'F4',
      'blue',
      filing(clock.now(), {
        lrn: 'F4',
        office: 'NL000510',
        goods: [tshirts()],
        consignee: 'Cons Four BV',
        consigneeEori: 'NL100000004',
        edit: (f) => {
          f['consignments'][0].consignee.address = {
            poBox: 'PO Box 12',
            city: 'Rotterdam',
            postcode: '3000AA',
            country: 'NL',
          };
        },
      }),
    );
    random.add(mrn['F4']!);
    clock.set(at(D1, '08:40'));
    // Refused: a goods description that is nothing but vague.
    await refuse(
      'acme',
      filing(clock.now(), {
        lrn: 'R1',
        goods: [tshirts('General cargo')],
        consignee: 'Cons R1 BV',
      }),
      'VIGIL_DESCRIPTION_VAGUE',
    );
    clock.set(at(D1, '09:00'));
    await assessNow(['F1', 'F2', 'F3', 'F4']);
    noteTasks(['F1', 'F2', 'F4']);
    const c4 = await taskOf('F4');
    assert.equal(c4.source, 'random');
    // Results on day 1: a seizure (no amounts), an irregularity, and the random control's irregularity.
    clock.set(at(D1, '11:00'));
    await result('F1', { result: 'seizure', category: 'counterfeit', quantity: 250, unit: 'items' });
    await result('F2', {
      result: 'irregularity',
      type: 'undervaluation',
      dutyAtStake: 1200,
      taxAtStake: 2520,
      method: 'documentary',
    });
    clock.set(at(D1, '12:00'));
    await result('F4', {
      result: 'irregularity',
      type: 'description',
      dutyAtStake: 50,
      taxAtStake: 10.5,
      method: 'documentary',
    });

    // ——— Day 2 ———
    clock.set(at(D2, '07:00'));
    const rifC = await issue(
      'be-analyst',
      rifBody(clock.now(), {
        title: 'Drones with hidden cameras',
        riskArea: 'security-safety',
        indicators: { goodsCodes: ['8806'] },
        feedback: { required: true, dueAt: at('2027-03-03', '07:00').toISOString() },
      }),
    );
    assert.ok(rifC);
    // … and D, which NL notes (no feedback asked).
    const rifD = await issue(
      'be-analyst',
      rifBody(clock.now(), {
        title: 'Looted antiquities',
        riskArea: 'cultural-goods',
        indicators: { goodsCodes: ['9706'] },
        feedback: { required: false },
      }),
    );
    assert.equal(
      (await send('POST', `/v1/rifs/${rifD}/decision`, 'nl-analyst', { decision: 'noted' })).statusCode,
      200,
    );
    await issue(
      'nl-analyst',
      rifBody(clock.now(), {
        title: 'Fake perfume',
        office: 'NL000396',
        riskArea: 'ipr',
        indicators: { goodsCodes: ['3303'] },
        recipients: ['BE'],
        handling: { tlp: 'GREEN', code: 'H2', sourceReliability: 'B', informationAccuracy: 2 },
        feedback: { required: false },
      }),
    );
    // BE's watchlist, shared with NL in full: two records NL receives.
    const list = await send('POST', '/v1/watchlists', 'be-analyst', {
      name: 'shell-consignees',
      subject: 'operator-name',
      entries: [{ value: 'Fake Trading BV' }, { value: 'Nowhere Imports Ltd' }],
    });
    assert.equal(list.statusCode, 201, list.body);

    clock.set(at(D2, '08:00'));
    // F5: phones and shoes at the other office: R-PHONES and R-SHOES both ask for a control.
    await lodge(
      'F5',
      'acme',
      filing(clock.now(), {
        lrn: 'F5',
        office: 'NL000510',
        goods: [phones(), shoes()],
        consignee: 'Cons Five BV',
        consigneeEori: 'NL100000005',
      }),
    );
    clock.set(at(D2, '08:05'));
    // F6: by air, to a consignee without an EORI whom R-QUERY asks about (a request for information).
    await lodge(
      'F6',
      'blue',
      filing(clock.now(), { lrn: 'F6', air: true, goods: [tshirts()], consignee: 'Query Me BV' }),
    );
    clock.set(at(D2, '08:10'));
    // F7: toys from China: the rule adopted from RIF A asks for a physical control.
    await lodge(
      'F7',
      'acme',
      filing(clock.now(), {
        lrn: 'F7',
        goods: [toys()],
        consignee: 'Cons Seven BV',
        consigneeEori: 'NL100000007',
      }),
    );
    clock.set(at(D2, '08:15'));
    // F8: 1,600 kg in one carton: the mass-and-packaging signal asks for documents (no rule: the model).
    await lodge(
      'F8',
      'blue',
      filing(clock.now(), {
        lrn: 'F8',
        office: 'NL000510',
        goods: [{ ...tshirts(), grossMassKg: 1600, packages: { type: 'CT', count: 1 } }],
        consignee: 'Cons Eight BV',
        consigneeEori: 'NL100000008',
      }),
    );
    clock.set(at(D2, '08:20'));
    await assessNow(['F5', 'F6', 'F7', 'F8']);
    noteTasks(['F5', 'F7', 'F8']);
    // Refused on day 2: a filing with a five-digit goods code, and F3's amendment with the same fault.
    clock.set(at(D2, '08:30'));
    await refuse(
      'blue',
      filing(clock.now(), {
        lrn: 'R2',
        goods: [{ ...tshirts(), hsCode: '61091' }],
        consignee: 'Cons R2 BV',
      }),
      'VIGIL_HS_CODE_INVALID',
    );
    const badAmendment = structuredClone(f3);
    badAmendment['consignments'][0].goods[0].hsCode = '61091';
    const refusedAmendment = await send('POST', `/v1/filings/${mrn['F3']!}/amendments`, 'blue', badAmendment);
    assert.equal(refusedAmendment.statusCode, 422, refusedAmendment.body);
    assert.deepEqual(
      refusedAmendment.json().errors.map((e: { code: string }) => e.code),
      ['VIGIL_HS_CODE_INVALID'],
    );
    // F3 amended (a new mass: assessed again, version 2).
    clock.set(at(D2, '08:40'));
    const amended = structuredClone(f3);
    amended['consignments'][0].goods[0].grossMassKg = 520;
    const am = await send('POST', `/v1/filings/${mrn['F3']!}/amendments`, 'blue', amended);
    assert.equal(am.statusCode, 200, am.body);
    assert.equal(am.json().version, 2);
    await assessPending();
    // An analyst dismisses R-SHOES on F5 (R-PHONES still asks: the control stays) and confirms
    // R-QUERY on F6 (a control an analyst asked for).
    clock.set(at(D2, '09:00'));
    const dismiss = await send('POST', `/v1/filings/${mrn['F5']!}/assessment/reviews`, 'nl-analyst', {
      consignment: 0,
      hitId: 'R-SHOES',
      decision: 'dismissed',
      reason: 'shoes declared at a plausible value',
    });
    assert.equal(dismiss.statusCode, 200, dismiss.body);
    const confirm = await send('POST', `/v1/filings/${mrn['F6']!}/assessment/reviews`, 'nl-analyst', {
      consignment: 0,
      hitId: 'R-QUERY',
      decision: 'confirmed',
    });
    assert.equal(confirm.statusCode, 200, confirm.body);
    noteTasks(['F6']);
    // F8 invalidated by its filer: its open control is cancelled.
    clock.set(at(D2, '09:30'));
    const inv = await send('POST', `/v1/filings/${mrn['F8']!}/invalidation`, 'blue', { reason: 'duplicate' });
    assert.equal(inv.statusCode, 200, inv.body);
    // Results on day 2: the analyst's control finds an irregularity; the RIF's control a seizure.
    clock.set(at(D2, '10:00'));
    await result('F6', {
      result: 'irregularity',
      type: 'description',
      dutyAtStake: 300,
      taxAtStake: 63,
      method: 'documentary',
    });
    await result('F7', {
      result: 'seizure',
      category: 'sanitary-phytosanitary-product-safety',
      quantity: 40,
      unit: 'kg',
      dutyAtStake: 100,
      taxAtStake: 21,
    });
    // Import declarations: two through the API, one selected at random (a service with rate 1).
    clock.set(at(D2, '11:00'));
    lanes = [];
    for (const body of [h1Body((b) => (b['date'] = D2)), h7Body((b) => (b['date'] = D2))]) {
      const r = await send('POST', '/v1/import-declarations', 'acme', body);
      assert.equal(r.statusCode, 201, r.body);
      lanes.push(r.json().lane);
    }
    const randomImports = new ImportService({
      db: app().deps.db,
      clock,
      scorer: modelScorer(app().deps.models),
      seeds: app().deps.assessmentRepo,
      lanes: { ...DEFAULT_LANES, minRandomRate: 1 },
    });
    const picked = await randomImports.lodge(
      { authority: 'NL', role: 'filer', subject: 'acme' },
      h1Body((b) => (b['date'] = D2)),
    );
    assert.equal(picked.random, true);
    lanes.push(picked.lane);

    // ——— Day 4 (nothing on day 3) ———
    clock.set(at(D3, '08:00'));
    // F9: by air, T-shirts with a vague word, the consignor's address without a postcode: at random.
    await lodge(
      'F9',
      'acme',
      filing(clock.now(), {
        lrn: 'F9',
        air: true,
        goods: [tshirts('Cotton T-shirts with spare parts')],
        consignee: 'Cons Nine BV',
        consigneeEori: 'NL100000009',
        edit: (f) => {
          delete f['consignments'][0].consignor.address.postcode;
        },
      }),
    );
    random.add(mrn['F9']!);
    // F5's control gets its result a day after the control was decided.
    clock.set(at(D3, '09:00'));
    await result('F5', { result: 'no-irregularity' });
    // NL answers RIF B, after its due time (day 2).
    clock.set(at(D3, '09:30'));
    const late = await send('POST', `/v1/rifs/${rifB}/feedback`, 'nl-analyst', {
      usefulness: 'useful',
      comment: 'no such traffic seen',
    });
    assert.equal(late.statusCode, 201, late.body);
    clock.set(at(D3, '10:00'));
    await assessNow(['F9']);
    noteTasks(['F9']);
    clock.set(at(D3, '12:00'));
    await result('F9', { result: 'no-irregularity', method: 'documentary' });
    clock.set(at(D3, '13:00'));

    // The controls as the fixture made them (the type of a random control is the draw's choice).
    const typeOf = async (name: string): Promise<string> => (await taskOf(name)).controlType;
    // name, day decided, method, type, office, rule refs, current result, duty and tax at stake
    controls.push(
      fact('C1', D1, 'rule', 'physical', 'NL000396', ['R-PHONES'], 'seizure'),
      fact('C2', D1, 'rule', 'documentary', 'NL000396', ['R-SHOES'], 'irregularity', 1200, 2520),
      fact('C4', D1, 'random', await typeOf('F4'), 'NL000510', [], 'irregularity', 50, 10.5),
      fact('C5', D2, 'rule', 'physical', 'NL000510', ['R-PHONES', 'R-SHOES'], 'no-irregularity'),
      fact('C6', D2, 'manual', 'documentary', 'NL000396', ['R-QUERY'], 'irregularity', 300, 63),
      fact('C7', D2, 'rif', 'physical', 'NL000396', [rifRule], 'seizure', 100, 21),
      fact('C8', D2, 'model', 'documentary', 'NL000510', [], null),
      fact('C9', D3, 'random', await typeOf('F9'), 'NL000396', [], 'no-irregularity'),
    );
    // What the fixture's tasks are, as a check on the fixture itself (not on the indicators).
    for (const [name, method, status] of [
      ['F1', 'risk', 'done'],
      ['F5', 'risk', 'done'],
      ['F6', 'manual', 'done'],
      ['F7', 'risk', 'done'],
      ['F8', 'risk', 'cancelled'],
      ['F9', 'random', 'done'],
    ] as const) {
      const task = (await taskOf(name)) as { source: string; status?: string };
      assert.equal(task.source, method, `${name}'s control was selected by ${method}`);
      assert.equal(task.status, status, `${name}'s control is ${status}`);
    }

    await app().deps.indicators.refresh();
    report = await get('');
    dailyReport = await get('&period=day');
  });

  // ——— helpers over the control facts ———
  const count = (f: (c: ControlFact) => boolean): number => controls.filter(f).length;
  const done = (c: ControlFact): boolean => c.result !== null;
  const positive = (c: ControlFact): boolean => c.result === 'irregularity' || c.result === 'seizure';
  const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

  test('the catalogue is read whole, each indicator with its definition and formula', () => {
    assert.deepEqual(
      report.indicators.map((i) => i.id),
      INDICATORS.map((i) => i.id),
    );
    for (const i of report.indicators as (Value & { definition: string; formula: string })[]) {
      assert.ok(i.definition.length > 10 && i.formula.length > 0, i.id);
    }
  });

  test('data quality: filings, refusals, warnings, amendments, invalidations, parties', async () => {
    // Registered: F1–F4 (day 1), F5–F8 (day 2), F9 (day 4).
    const lodged = 4 + 4 + 1;
    near(ind(report, 'DQ-01').value, lodged, 'DQ-01');
    // Refused: R1 and R2 (filings), F3's amendment.
    const refused = 3;
    near(ind(report, 'DQ-02').value, refused / (lodged + refused), 'DQ-02');
    // Warned: F2 ("… rubber parts") and F9 ("… spare parts").
    near(ind(report, 'DQ-03').value, 2 / lodged, 'DQ-03');
    near(ind(report, 'DQ-04').value, 2, 'DQ-04');
    sameItems(ind(report, 'DQ-04'), 'code', { VIGIL_DESCRIPTION_VAGUE_TERM: 2 });
    // Amended: F3. Invalidated: F8.
    near(ind(report, 'DQ-05').value, 1 / lodged, 'DQ-05');
    near(ind(report, 'DQ-06').value, 1 / lodged, 'DQ-06');
    // Parties: consignor and consignee of each of the nine consignments. The consignors have no EORI;
    // every consignee has one but F6's. Every address is complete but F9's consignor's (no postcode).
    const parties = 2 * 9;
    near(ind(report, 'DQ-07').value, (9 - 1) / parties, 'DQ-07');
    near(ind(report, 'DQ-08').value, (parties - 1) / parties, 'DQ-08');

    const byFiler = await get('&by=filer');
    // acme lodged F1, F2, F5, F7, F9 and had R1 refused; blue lodged F3, F4, F6, F8 and had R2 and
    // its amendment of F3 refused.
    sameItems(ind(byFiler, 'DQ-01'), 'filer', { acme: 5, blue: 4 });
    sameItems(ind(byFiler, 'DQ-02'), 'filer', { acme: 1 / (5 + 1), blue: 2 / (4 + 2) });
    sameItems(ind(byFiler, 'DQ-03'), 'filer', { acme: 2 / 5, blue: 0 / 4 });
    sameItems(ind(byFiler, 'DQ-05'), 'filer', { acme: 0 / 5, blue: 1 / 4 });
    // acme: 10 parties, 5 consignees with an EORI, F9's consignor incomplete; blue: 8, 3 (not F6).
    sameItems(ind(byFiler, 'DQ-07'), 'filer', { acme: 5 / 10, blue: 3 / 8 });
    sameItems(ind(byFiler, 'DQ-08'), 'filer', { acme: 9 / 10, blue: 8 / 8 });

    const byCode = await get('&by=code');
    // Refusals carrying a code, over all attempts: one vague description, two bad goods codes.
    sameItems(ind(byCode, 'DQ-02'), 'code', {
      VIGIL_DESCRIPTION_VAGUE: 1 / (lodged + refused),
      VIGIL_HS_CODE_INVALID: 2 / (lodged + refused),
    });

    const byType = await get('&by=filing-type');
    // F6 and F9 by air (F20), the other seven by sea (F11).
    sameItems(ind(byType, 'DQ-01'), 'filing-type', { F11: 7, F20: 2 });
    const byOffice = await get('&by=office');
    // NL000510: F4, F5, F8; NL000396 the other six.
    sameItems(ind(byOffice, 'DQ-01'), 'office', { NL000396: 6, NL000510: 3 });
    const byMode = await get('&by=mode');
    sameItems(ind(byMode, 'DQ-01'), 'mode', { maritime: 7, air: 2 });

    const daily = await get('&period=day');
    // Four, four, and one filing, by lodging day (nothing on 2027-03-03).
    assert.deepEqual(ind(daily, 'DQ-01').series, [
      { period: D1, value: 4 },
      { period: D2, value: 4 },
      { period: D3, value: 1 },
    ]);
  });

  test('timeliness: lodging → outcome and control → result, to within a bucket', () => {
    // Lodging → outcome of each first assessment: F1–F4 at 09:00 (60, 50, 40, 30 min), F5–F8 at
    // 08:20 (20, 15, 10, 5 min), F9 at 10:00 (120 min): nine values; F3's version 2 does not count.
    const lto = [...latency.lodgeToOutcome].sort((a, b) => a - b);
    assert.deepEqual(
      lto.map((ms) => ms / MINUTE),
      [5, 10, 15, 20, 30, 40, 50, 60, 120],
    );
    const tl1 = ind(report, 'TL-01');
    assert.equal(tl1.percentiles?.count, 9);
    // p50 is the 5th of 9 (30 min); p90 and p99 the 9th (120 min).
    withinBucket(tl1.percentiles?.p50, 30 * MINUTE, 'TL-01 p50');
    withinBucket(tl1.percentiles?.p90, 120 * MINUTE, 'TL-01 p90');
    withinBucket(tl1.percentiles?.p99, 120 * MINUTE, 'TL-01 p99');
    // Per day, the median: day 1 the 2nd of 30, 40, 50, 60 min; day 2 the 2nd of 5, 10, 15, 20 min
    // (F3's version 2 does not count); day 4 F9's 120 min.
    const daily = ind(dailyReport, 'TL-01').series ?? [];
    assert.deepEqual(
      daily.map((s) => s.period),
      [D1, D2, D3],
    );
    withinBucket(daily[0]?.value ?? undefined, 40 * MINUTE, 'TL-01 p50 on day 1');
    withinBucket(daily[1]?.value ?? undefined, 10 * MINUTE, 'TL-01 p50 on day 2');
    withinBucket(daily[2]?.value ?? undefined, 120 * MINUTE, 'TL-01 p50 on day 4');
    near(tl1.value, tl1.percentiles.p50, 'TL-01 value is its p50');
    // Control → first result: C1 2 h, C2 2 h, C4 3 h, C6 1 h, C7 1 h 40 min, C5 48 h 40 min (decided
    // on 2 March at 08:20, found nothing on 4 March at 09:00), C9 2 h.
    const ctr = [...latency.controlToResult].sort((a, b) => a - b);
    assert.deepEqual(
      ctr.map((ms) => ms / MINUTE),
      [60, 100, 120, 120, 120, 180, 48 * 60 + 40],
    );
    const tl2 = ind(report, 'TL-02');
    assert.equal(tl2.percentiles?.count, 7);
    // p50 is the 4th of 7 (2 h); p90 and p99 the 7th (48 h 40 min).
    withinBucket(tl2.percentiles?.p50, 120 * MINUTE, 'TL-02 p50');
    withinBucket(tl2.percentiles?.p90, (48 * 60 + 40) * MINUTE, 'TL-02 p90');
    withinBucket(tl2.percentiles?.p99, (48 * 60 + 40) * MINUTE, 'TL-02 p99');
  });

  test('targeting: assessments, hits, control rates, methods, detection, amounts, seizures, lanes', async () => {
    // Assessed: the nine first versions and F3's version 2.
    const assessed = 9 + 1;
    near(ind(report, 'TG-01').value, assessed, 'TG-01');
    // With a rule hit: F1, F2, F5, F6, F7.
    near(ind(report, 'TG-02').value, 5 / assessed, 'TG-02');
    // Controls decided: C1, C2, C4, C5, C6, C7, C8 (cancelled), C9.
    const all = controls.length;
    assert.equal(all, 8);
    near(ind(report, 'TG-03').value, all / assessed, 'TG-03');
    assert.equal(ind(report, 'TG-04').value, null, 'a share by method has no total');
    // Done: all but the cancelled C8; positive: C1, C2, C4, C6, C7.
    const nDone = count(done);
    const nPositive = count(positive);
    assert.deepEqual([nDone, nPositive], [7, 5]);
    near(ind(report, 'TG-05').value, nPositive / nDone, 'TG-05');
    // Random: C4 (an irregularity) and C9 (nothing found).
    near(ind(report, 'TG-06').value, 1 / 2, 'TG-06');
    // Targeted: 4 positive of 5 done, over the random baseline's 1 of 2.
    near(ind(report, 'TG-07').value, 4 / 5 / (1 / 2), 'TG-07');
    // Duty and tax: C2 1200 + 2520, C4 50 + 10.5, C6 300 + 63, C7 100 + 21, per control done.
    near(ind(report, 'TG-08').value, (1200 + 2520 + 50 + 10.5 + 300 + 63 + 100 + 21) / nDone, 'TG-08');
    // Seizures: C1 (counterfeit, 250 items), C7 (product safety, 40 kg).
    near(ind(report, 'TG-09').value, 2, 'TG-09');
    sameItems(ind(report, 'TG-09'), 'category', {
      counterfeit: 1,
      'sanitary-phytosanitary-product-safety': 1,
    });
    sameItems(ind(report, 'TG-10'), 'category-unit', {
      'counterfeit items': 250,
      'sanitary-phytosanitary-product-safety kg': 40,
    });
    // Items and kilograms do not add up: quantities have no total.
    assert.equal(ind(report, 'TG-10').value, null, 'TG-10 has no total across units');
    near(ind(report, 'TG-11').value, 1, 'TG-11');
    // Lanes of the three import declarations (the two through the API, the random one).
    const laneCount = (l: string) => lanes.filter((x) => x === l).length;
    const laneShares = Object.fromEntries([...new Set(lanes)].map((l) => [l, laneCount(l) / lanes.length]));
    sameItems(ind(report, 'TG-12'), 'lane', laneShares);
    assert.equal(ind(report, 'TG-12').value, null);
    assert.ok(lanes[2] === 'red' || lanes[2] === 'yellow', 'a random lane is red or yellow');

    const byMethod = await get('&by=method');
    const methods = ['rule', 'random', 'manual', 'rif', 'model'] as const;
    sameItems(
      ind(byMethod, 'TG-04'),
      'method',
      // rule: C1, C2, C5; random: C4, C9; manual: C6; rif: C7; model: C8 — of eight.
      { rule: 3 / 8, random: 2 / 8, manual: 1 / 8, rif: 1 / 8, model: 1 / 8 },
    );
    assert.deepEqual(
      methods.map((m) => count((c) => c.method === m)),
      [3, 2, 1, 1, 1],
    );
    sameItems(ind(byMethod, 'TG-03'), 'method', {
      rule: 3 / 10,
      random: 2 / 10,
      manual: 1 / 10,
      rif: 1 / 10,
      model: 1 / 10,
    });
    // Detection by method: rule 2 of 3 (C5 found nothing), random 1 of 2, manual 1 of 1, rif 1 of 1;
    // the model's only control was cancelled (no result: no rate).
    sameItems(ind(byMethod, 'TG-05'), 'method', { rule: 2 / 3, random: 1 / 2, manual: 1, rif: 1 });
    sameItems(ind(byMethod, 'TG-08'), 'method', {
      rule: (1200 + 2520) / 3,
      random: (50 + 10.5) / 2,
      manual: (300 + 63) / 1,
      rif: (100 + 21) / 1,
    });

    const byType = await get('&by=control-type');
    const types = [...new Set(controls.map((c) => c.type))];
    sameItems(
      ind(byType, 'TG-03'),
      'control-type',
      Object.fromEntries(types.map((ty) => [ty, count((c) => c.type === ty) / assessed])),
    );
    sameItems(
      ind(byType, 'TG-05'),
      'control-type',
      Object.fromEntries(
        types.map((ty) => [
          ty,
          ratio(
            count((c) => c.type === ty && positive(c)),
            count((c) => c.type === ty && done(c)),
          ),
        ]),
      ),
    );
    // Without the random draws: physical C1, C5, C7; documentary C2, C6, C8.
    assert.equal(
      count((c) => c.method !== 'random' && c.type === 'physical'),
      3,
    );

    const byOffice = await get('&by=office');
    // NL000396: 7 assessments (F1, F2, F3 twice, F6, F7, F9), controls C1, C2, C6, C7, C9;
    // NL000510: 3 assessments (F4, F5, F8), controls C4, C5, C8.
    sameItems(ind(byOffice, 'TG-03'), 'office', { NL000396: 5 / 7, NL000510: 3 / 3 });
    // Done at NL000396: C1, C2, C6, C7 positive, C9 not; at NL000510: C4 positive, C5 not.
    sameItems(ind(byOffice, 'TG-05'), 'office', { NL000396: 4 / 5, NL000510: 1 / 2 });
    sameItems(ind(byOffice, 'TG-01'), 'office', { NL000396: 7, NL000510: 3 });

    const byMode = await get('&by=mode');
    // By air: F6 (hit) and F9; by sea: F1, F2, F3 ×2, F4, F5, F7, F8, of which F1, F2, F5, F7 hit.
    sameItems(ind(byMode, 'TG-02'), 'mode', { air: 1 / 2, maritime: 4 / 8 });
    sameItems(ind(byMode, 'TG-01'), 'mode', { air: 2, maritime: 8 });

    const daily = await get('&period=day');
    // By the day each control was decided: day 1 C1, C2, C4 of 4 assessments; day 2 C5–C8 of 5
    // (F5–F8 and F3's version 2); day 4 C9 of 1.
    assert.deepEqual(
      ind(daily, 'TG-03').series?.map((s) => [s.period, s.value]),
      [
        [D1, 3 / 4],
        [D2, 4 / 5],
        [D3, 1 / 1],
      ],
    );
    // Detection by day of decision: day 1 3 of 3; day 2 C6, C7 of C5, C6, C7 (C5's result came on
    // day 4 but belongs to day 2); day 4 0 of 1.
    assert.deepEqual(
      ind(daily, 'TG-05').series?.map((s) => [s.period, s.value]),
      [
        [D1, 3 / 3],
        [D2, 2 / 3],
        [D3, 0 / 1],
      ],
    );
    const weekly = await get('&period=week');
    assert.deepEqual(ind(weekly, 'TG-01').series, [{ period: D1, value: assessed }]);
    // A month, a quarter and a year are named by their first day.
    for (const [period, first] of [
      ['month', '2027-03-01'],
      ['quarter', '2027-01-01'],
      ['year', '2027-01-01'],
    ]) {
      assert.deepEqual(ind(await get(`&period=${period}`), 'TG-01').series, [
        { period: first, value: assessed },
      ]);
    }
  });

  test('criteria: per rule hits, final hits, controls, positives, false positives, yield; silent and noisy rules', async () => {
    // Hits: R-PHONES on F1 and F5, R-SHOES on F2 and F5, R-QUERY on F6, the RIF's rule on F7.
    const hits = { 'R-PHONES': 2, 'R-SHOES': 2, 'R-QUERY': 1, [rifRule]: 1 };
    sameItems(ind(report, 'CR-01'), 'rule', hits);
    near(ind(report, 'CR-01').value, 2 + 2 + 1 + 1, 'CR-01');
    sameItems(ind(report, 'CR-02'), 'rule', { 'R-QUERY': 1 });
    // Controls a rule took part in selecting (rule refs): C1 R-PHONES; C2 R-SHOES; C5 both (the
    // dismissal does not take R-SHOES off the task); C6 R-QUERY (confirmed); C7 the RIF's rule.
    const perRule = (f: (c: ControlFact) => boolean) =>
      Object.fromEntries(
        [...new Set(controls.flatMap((c) => c.rules))]
          .map((r) => [r, count((c) => c.rules.includes(r) && f(c))] as const)
          .filter(([, n]) => n > 0),
      );
    sameItems(
      ind(report, 'CR-03'),
      'rule',
      perRule(() => true),
    );
    assert.deepEqual(
      perRule(() => true),
      { 'R-PHONES': 2, 'R-SHOES': 2, 'R-QUERY': 1, [rifRule]: 1 },
    );
    sameItems(ind(report, 'CR-04'), 'rule', perRule(positive));
    sameItems(
      ind(report, 'CR-05'),
      'rule',
      perRule((c) => c.result === 'no-irregularity'),
    );
    // Yield: R-PHONES 1 of 2 (C1 yes, C5 no), R-SHOES 1 of 2 (C2 yes, C5 no), R-QUERY 1 of 1, RIF 1 of 1.
    sameItems(ind(report, 'CR-06'), 'rule', {
      'R-PHONES': 1 / 2,
      'R-SHOES': 1 / 2,
      'R-QUERY': 1,
      [rifRule]: 1,
    });
    // Active rules that never hit: R-NEVER.
    near(ind(report, 'CR-07').value, 1, 'CR-07');
    assert.deepEqual(
      ind(report, 'CR-07').rules?.map((r) => r.id),
      ['R-NEVER'],
    );
    // Above 10 % of the ten assessments: R-PHONES and R-SHOES (2 of 10); one hit in ten is not above.
    near(ind(report, 'CR-08').value, 2, 'CR-08');
    assert.deepEqual(
      ind(report, 'CR-08')
        .rules?.map((r) => [r.id, r.hits, r.hitRate])
        .sort(),
      [
        ['R-PHONES', 2, 2 / 10],
        ['R-SHOES', 2, 2 / 10],
      ],
    );
    const strict = await get('&noisyRate=0.25');
    near(ind(strict, 'CR-08').value, 0, 'CR-08 with a 25 % limit');
  });

  test('cooperation: RIFs issued, received, adopted, answered on time or late or not at all; shared records', async () => {
    // NL issued two: cash (AMBER, day 1) and ipr (GREEN, day 2).
    near(ind(report, 'CO-01').value, 2, 'CO-01');
    // Received from BE: A and B (day 1), C and D (day 2).
    near(ind(report, 'CO-02').value, 4, 'CO-02');
    // Adopted: A, of four received.
    near(ind(report, 'CO-03').value, 1 / 4, 'CO-03');
    // Feedback: on A by the control's seizure (day 2, due day 15: on time), on B by hand on day 4
    // (due day 2: late).
    near(ind(report, 'CO-04').value, 1 / (1 + 1), 'CO-04');
    // Overdue: C (due 2027-03-03 07:00, no feedback, not declined).
    near(ind(report, 'CO-05').value, 1, 'CO-05');
    // Shared by NL: each of the seven results with BE (control-results), and the two seizures again
    // (seizures).
    near(ind(report, 'CO-06').value, 7 + 2, 'CO-06');
    // Shared with NL: BE's watchlist of two entries.
    near(ind(report, 'CO-07').value, 2, 'CO-07');
    // NL keeps no operator register here: every consignment is of the segment 'none'. Controls
    // per consignment assessed: 8 of 10; positive of those with a result: 5 of 7.
    sameItems(ind(report, 'TT-01'), 'segment', { none: 8 / 10 });
    sameItems(ind(report, 'TT-02'), 'segment', { none: 5 / 7 });

    sameItems(ind(await get('&by=tlp'), 'CO-01'), 'tlp', { AMBER: 1, GREEN: 1 });
    sameItems(ind(await get('&by=risk-area'), 'CO-01'), 'risk-area', { cash: 1, ipr: 1 });
    sameItems(ind(await get('&by=issuer'), 'CO-02'), 'issuer', { BE: 4 });
    // By state, each per RIF received: adopted (A), noted (B and D).
    sameItems(ind(await get('&by=state'), 'CO-03'), 'state', { adopted: 1 / 4, noted: 2 / 4 });
    sameItems(ind(await get('&by=category'), 'CO-06'), 'category', { 'control-results': 7, seizures: 2 });
    sameItems(ind(await get('&by=source'), 'CO-07'), 'source', { BE: 2 });
  });

  test('an indicator with a breakdown of its own keeps it whatever `by` asks for', async () => {
    // by=method splits the controls; the per-rule and per-category indicators still answer per rule
    // and per category, with the same values as without `by`.
    const byMethod = await get('&by=method');
    for (const id of ['CR-01', 'CR-03', 'CR-06', 'TG-09', 'TG-10', 'TG-12', 'DQ-04']) {
      assert.deepEqual(ind(byMethod, id), ind(report, id), id);
    }
  });

  test('one indicator by id, with its series; an unknown id is a 404', async () => {
    const r = await send(
      'GET',
      `/v1/indicators/TG-05?from=${FROM}&to=${TO}&period=day&by=method`,
      'nl-analyst',
    );
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(
      r.json().indicators.map((i: Value) => i.id),
      ['TG-05'],
    );
    assert.deepEqual(r.json().indicators[0].breakdown, ind(await get('&by=method'), 'TG-05').breakdown);
    assert.equal(
      (await send('GET', `/v1/indicators/XX-99?from=${FROM}&to=${TO}`, 'nl-analyst')).statusCode,
      404,
    );
  });

  test('CSV: the export parses, and each row is the JSON value', async () => {
    const query = '&period=day&by=method';
    const json = await get(query);
    const r = await send('GET', `/v1/indicators?from=${FROM}&to=${TO}${query}&format=csv`, 'nl-analyst');
    assert.equal(r.statusCode, 200);
    assert.match(r.headers['content-type'] as string, /^text\/csv/);
    const [head, ...rows] = parseCsv(r.body);
    assert.deepEqual(head, ['indicator', 'title', 'unit', 'period', 'by', 'key', 'value']);
    const num = (s: string): number | null => (s === '' ? null : Number(s));
    const whole = `${FROM}..${TO}`;
    for (const i of json.indicators) {
      const mine = rows.filter((x) => x[0] === i.id);
      const title = (json.indicators.find((x) => x.id === i.id) as Value & { title: string }).title;
      assert.ok(
        mine.every((x) => x[1] === title),
        `${i.id}: the title, quoted as needed`,
      );
      const total = mine.filter((x) => x[3] === whole && x[4] === '');
      assert.equal(total.length, 1, i.id);
      near(num(total[0]![6]!), i.value, `${i.id} total`);
      const series = mine.filter((x) => x[3] !== whole);
      assert.deepEqual(
        series.map((x) => [x[3], num(x[6]!)]),
        (i.series ?? []).map((s) => [s.period, s.value]),
        `${i.id} series`,
      );
      const items = mine.filter((x) => x[3] === whole && x[4] !== '' && x[4] !== 'percentile');
      assert.deepEqual(
        items.map((x) => [x[4], x[5], num(x[6]!)]),
        (i.breakdown?.items ?? []).map((b) => [i.breakdown!.by, b.key, b.value]),
        `${i.id} breakdown`,
      );
      const pct = mine.filter((x) => x[4] === 'percentile');
      if (i.percentiles) {
        assert.deepEqual(
          pct.map((x) => [x[5], num(x[6]!)]),
          [
            ['p90', i.percentiles.p90],
            ['p99', i.percentiles.p99],
          ],
        );
      } else {
        assert.equal(pct.length, 0);
      }
    }
    assert.equal(rows.length, new Set(rows.map((x) => x.join('\u0000'))).size, 'no row twice');
  });

  test('who reads whose indicators: a coordinator only where the sharing policy grants it; a filer never', async () => {
    const url = `/v1/indicators?from=${FROM}&to=${TO}&authorities=NL`;
    for (const who of ['be-coordinator', 'de-coordinator']) {
      const refused = await send('GET', url, who);
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(refused.json().code, 'VIGIL_FORBIDDEN');
    }
    // NL grants BE and DE its indicators (keeping the rest of its policy).
    const policy = await send('PUT', '/v1/sharing-policies', 'nl-admin', {
      rules: [
        { category: 'control-results', receiver: 'BE', level: 'full' },
        { category: 'seizures', receiver: 'BE', level: 'summary' },
        { category: 'indicators', receiver: 'BE', level: 'summary' },
        { category: 'indicators', receiver: 'DE', level: 'full' },
      ],
    });
    assert.equal(policy.statusCode, 200, policy.body);
    // A coordinator sees what NL sees, point-in-time figures (overdue feedback, silent rules)
    // included: BE, which issued the RIFs NL owes feedback on, and DE, which has nothing to do with them.
    const own = await get('');
    for (const who of ['be-coordinator', 'de-coordinator']) {
      const allowed = await send('GET', url, who);
      assert.equal(allowed.statusCode, 200, allowed.body);
      assert.deepEqual(allowed.json().authorities, ['NL']);
      assert.deepEqual(allowed.json().indicators, own.indicators, who);
    }
    // Granted to DE is not granted to DE about BE.
    const notBe = await send(
      'GET',
      `/v1/indicators?from=${FROM}&to=${TO}&authorities=BE,NL`,
      'de-coordinator',
    );
    assert.equal(notBe.statusCode, 403, notBe.body);
    assert.match(notBe.json().detail ?? notBe.body, /BE/);
    // BE and NL together: the rollups of both, summed.
    const both = await send(
      'GET',
      `/v1/indicators?from=${FROM}&to=${TO}&authorities=BE,NL`,
      'be-coordinator',
    );
    assert.equal(both.statusCode, 200, both.body);
    const sum = both.json<Report>();
    // Filings are NL's alone; RIFs issued: NL's two and BE's four.
    near(ind(sum, 'DQ-01').value, 9, 'DQ-01 over BE and NL');
    near(ind(sum, 'CO-01').value, 2 + 4, 'CO-01 over BE and NL');
    // A filer reads no indicators, not even its own authority's.
    assert.equal((await send('GET', `/v1/indicators?from=${FROM}&to=${TO}`, 'acme')).statusCode, 403);
    assert.equal((await send('GET', url, 'acme')).statusCode, 403);
  });
});
