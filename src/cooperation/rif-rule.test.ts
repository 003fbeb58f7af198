import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Filing } from '../domain/index.ts';
import { RISK_AREAS } from '../domain/index.ts';
import { WatchlistRegistry, assess, compileRule, compileRuleSet } from '../risk/index.ts';
import { exampleFiling } from '../risk/test-fixtures.ts';
import { ruleInputSchema, toRiskRule } from '../rules/index.ts';
import {
  RIF_RISK_AREAS,
  RIF_URGENCIES,
  rifInputSchema,
  type Rif,
  type RifIndicators,
  type RifInput,
} from './rif.schema.ts';
import {
  RIF_RULE_RISK_AREA,
  celString,
  conditionFromIndicators,
  ruleFromRif,
  ruleIdOf,
  unexpressedIndicators,
} from './rif-rule.ts';

const AT = '2027-03-05T00:00:00Z';

const BASE_INPUT = {
  title: 'Undervalued smartphones from Shanghai',
  riskArea: 'revenue',
  description: 'Smartphones declared at a fraction of their value, shipped through Singapore.',
  recommendedAction: 'physical-check',
  urgency: 'urgent',
  validFrom: '2027-01-01',
  validUntil: '2027-12-31',
  recipients: 'all',
  handling: { tlp: 'AMBER', code: 'H2', sourceReliability: 'B', informationAccuracy: 2 },
} as const;

/** A RIF as stored: the body through the real contract, plus its identity. */
function rifOf(indicators: RifInput['indicators'], extra: Partial<RifInput> = {}, id = 'BE-2027-0042'): Rif {
  const body = rifInputSchema.parse({ ...BASE_INPUT, ...extra, indicators });
  return {
    ...body,
    id,
    version: 3,
    issuer: 'BE',
    author: 'analyst-7',
    status: 'issued',
    createdAt: '2027-01-01T08:00:00Z',
    updatedAt: '2027-01-02T08:00:00Z',
    issuedAt: '2027-01-01T09:00:00Z',
    withdrawnAt: null,
    withdrawalReason: null,
  };
}

/** The adopted rule through the rule contract, compiled and run by the engine on one filing. */
function run(rif: Rif, filing: Filing) {
  const input = ruleInputSchema.parse(ruleFromRif(rif));
  const rule = { ...toRiskRule(input, 'NL'), version: 1 };
  const set = compileRuleSet([rule]);
  assert.ok(set.ok, JSON.stringify(set.ok ? [] : set.errors));
  const a = assess(
    { filing, consignmentIndex: 0, at: AT, authority: 'NL', statuses: ['draft'] },
    set.value,
    new WatchlistRegistry(),
  );
  assert.deepEqual(a.errors, [], `no evaluation errors for ${rule.condition}`);
  return a.hits.find((h) => h.ruleId === rule.id);
}

const hits = (rif: Rif, filing: Filing): boolean => run(rif, filing) !== undefined;

/** The example filing with one change. */
function changed(edit: (f: any) => void): Filing {
  const f = structuredClone(exampleFiling) as any;
  edit(f);
  return f as Filing;
}
const goods0 = (f: any) => f.consignments[0].goods[0];

/** Every indicator kind: what in the example filing it names, and a filing that differs only there. */
const KINDS: readonly {
  readonly kind: string;
  readonly indicators: RifIndicators;
  readonly differ: Filing;
}[] = [
  {
    kind: 'goods prefix',
    indicators: { goodsCodes: ['8517'] },
    differ: changed((f) => (goods0(f).hsCode = '847130')),
  },
  {
    kind: 'description keyword',
    indicators: { descriptionKeywords: ['SMARTPHONE'] },
    differ: changed((f) => (goods0(f).description = 'Tablet computers, 128GB, boxed')),
  },
  {
    kind: 'origin',
    indicators: { origins: ['CN', 'HK'] },
    differ: changed((f) => (goods0(f).origin = 'VN')),
  },
  {
    kind: 'route',
    indicators: { routeCountries: ['SG'] },
    differ: changed((f) => (f.consignments[0].routing = ['CN', 'MY', 'NL', 'DE'])),
  },
  {
    kind: 'place',
    indicators: { places: ['CNSHA'] },
    differ: changed((f) => (f.consignments[0].placeOfLoading = 'CNNGB')),
  },
  {
    kind: 'mode',
    indicators: { modes: ['maritime'] },
    differ: changed((f) => (f.transport.mode = 'rail')),
  },
  {
    kind: 'means of transport',
    indicators: { meansOfTransport: ['imo 9321483'] },
    differ: changed((f) => (f.transport.meansId = 'IMO9074729')),
  },
  {
    kind: 'container',
    indicators: { containers: ['MSCU1234566'] },
    differ: changed((f) => (f.consignments[0].containers = [{ id: 'TGHU7654321', seals: [] }])),
  },
  {
    kind: 'operator EORI',
    indicators: { operators: [{ role: 'consignee', eori: 'DE 1234 5678 9012 345' }] },
    differ: changed((f) => (f.consignments[0].consignee.eori = 'DE999999999999999')),
  },
  {
    kind: 'operator name (fuzzy)',
    indicators: { operators: [{ role: 'consignor', name: 'Brigth Electronix Ltd' }] },
    differ: changed((f) => (f.consignments[0].consignor.name = 'Nordic Timber AB')),
  },
  {
    kind: 'value range',
    indicators: { valueRange: { min: 1000, max: 10_000 } },
    differ: changed((f) => (goods0(f).value.amount = 500)),
  },
  {
    kind: 'unit-value range',
    indicators: { unitValueRange: { max: 5 } },
    // 9,000 EUR for 1,250.5 kg: 7.2 EUR/kg, the value and the mass still in their ranges.
    differ: changed((f) => (goods0(f).value.amount = 9000)),
  },
  {
    kind: 'weight range',
    indicators: { weightRange: { min: 500, max: 5000 } },
    // 4,000 EUR for 6,000 kg: 0.67 EUR/kg, the value and unit value still in their ranges.
    differ: changed((f) => (goods0(f).grossMassKg = 6000)),
  },
];

/** Every kind at once: the example filing meets all of them. */
const ALL: RifIndicators = Object.assign({}, ...KINDS.map((k) => k.indicators)) as RifIndicators;

test('the RIF with every indicator kind hits the filing that meets them all', () => {
  const hit = run(rifOf(ALL), exampleFiling);
  assert.ok(hit !== undefined);
  // The officer sees which RIF, from whom, in the hit's reason.
  assert.match(hit.reason, /^Risk information form BE-2027-0042 v3 from BE: Smartphones declared/);
  assert.equal(hit.title, 'RIF BE-2027-0042 v3 (BE): Undervalued smartphones from Shanghai');
});

for (const k of KINDS) {
  test(`${k.kind}: a filing that differs only there is not hit`, () => {
    // The operator groups are ORs: the full RIF keeps only this kind's operator.
    const full = rifOf({ ...ALL, ...k.indicators });
    assert.ok(hits(full, exampleFiling), 'the full RIF hits the example');
    assert.equal(hits(full, k.differ), false, 'the full RIF misses the changed filing');
    const alone = rifOf(k.indicators);
    assert.ok(hits(alone, exampleFiling), 'the indicator alone hits the example');
    assert.equal(hits(alone, k.differ), false, 'the indicator alone misses the changed filing');
  });
}

test('goods-level indicators must hold on the same goods item', () => {
  const rif = rifOf({ goodsCodes: ['8517'], origins: ['CN'], unitValueRange: { max: 5 } });
  const split = changed((f) => {
    f.consignments[0].goods = [
      { ...goods0(f), origin: 'VN' },
      {
        hsCode: '610910',
        description: 'T-shirts, cotton',
        grossMassKg: 800,
        value: { amount: 1600, currency: 'EUR' },
        origin: 'CN',
      },
    ];
  });
  // The consignment has an 8517 item, a CN item and a cheap item: but no one item is all three.
  assert.equal(hits(rif, split), false);
  const same = changed((f) => {
    f.consignments[0].goods = [
      { ...goods0(f), origin: 'VN' },
      { ...goods0(f), origin: 'CN' },
    ];
  });
  assert.ok(hits(rif, same));
});

test('an operator name matches fuzzily, on the party of its role or on any party', () => {
  const consignor = rifOf({ operators: [{ role: 'consignor', name: 'Bright Electronics Ltd' }] });
  assert.ok(
    hits(
      consignor,
      changed((f) => (f.consignments[0].consignor.name = 'BRIGHT ELEKTRONIKS CO.')),
    ),
  );
  // The same name on another party is not the consignor.
  const elsewhere = changed((f) => {
    f.consignments[0].notifyParty = { name: 'Shenzhen Bright Electronics Co' };
    f.consignments[0].consignor.name = 'Nordic Timber AB';
  });
  assert.equal(hits(consignor, elsewhere), false);
  const any = rifOf({ operators: [{ role: 'any', name: 'Bright Electronics Ltd' }] });
  assert.ok(hits(any, elsewhere));
});

test('an operator with EORI and name: the EORI decides when the party has one, the name when not', () => {
  const rif = rifOf({
    operators: [{ role: 'consignee', eori: 'DE123456789012345', name: 'Elektro Handel GmbH' }],
  });
  assert.ok(hits(rif, exampleFiling));
  assert.equal(
    hits(
      rif,
      changed((f) => (f.consignments[0].consignee.eori = 'DE999999999999999')),
    ),
    false,
  );
  assert.ok(
    hits(
      rif,
      changed((f) => delete f.consignments[0].consignee.eori),
    ),
  );
  assert.equal(
    hits(
      rif,
      changed((f) => {
        delete f.consignments[0].consignee.eori;
        f.consignments[0].consignee.name = 'Nordic Timber AB';
      }),
    ),
    false,
  );
});

test('a means of transport matches however the IMO number is written', () => {
  for (const means of ['9321483', 'IMO9321483', 'imo 9321483']) {
    assert.ok(hits(rifOf({ meansOfTransport: [means] }), exampleFiling), means);
    assert.ok(
      hits(
        rifOf({ meansOfTransport: [means] }),
        changed((f) => (f.transport.meansId = '9321483')),
      ),
      means,
    );
  }
  // A flight is the conveyance reference by air.
  const flight = changed((f) => {
    f.transport.mode = 'air';
    f.transport.conveyanceRef = 'KL0881';
  });
  assert.ok(hits(rifOf({ meansOfTransport: ['kl0881'] }), flight));
});

test('a place matches as place of loading or of unloading', () => {
  assert.ok(hits(rifOf({ places: ['NLRTM'] }), exampleFiling));
  assert.equal(hits(rifOf({ places: ['BEANR'] }), exampleFiling), false);
});

test('a keyword with letters beyond ASCII matches in any letter case', () => {
  const mill = changed((f) => (goods0(f).description = 'Kaffeemühle, elektrisch'));
  assert.ok(hits(rifOf({ descriptionKeywords: ['MÜHLE'] }), mill));
  assert.equal(hits(rifOf({ descriptionKeywords: ['MÜHLE'] }), exampleFiling), false);
});

test('indicator text with quotes and backslashes is matched literally and cannot change the rule', () => {
  const name = 'Acme "Quoted" \\ Trading';
  const keyword = '12" \\ pipe';
  const filing = changed((f) => {
    f.consignments[0].consignor.name = name;
    goods0(f).description = 'Steel 12" \\ pipe fittings';
  });
  const rif = rifOf({ operators: [{ role: 'consignor', name }], descriptionKeywords: [keyword] });
  assert.ok(hits(rif, filing));
  assert.equal(
    hits(
      rif,
      changed((f) => (goods0(f).description = 'Steel 12 pipe fittings')),
    ),
    false,
  );
  // Text written to close the literal and add `|| true` stays text.
  const injection = rifOf({ descriptionKeywords: ['") || true || ("x'] });
  assert.equal(hits(injection, exampleFiling), false);
});

test('a CEL string literal holds exactly the text, whatever it contains', () => {
  const nasty = 'He said "hi" \\ back\n\ttab \u0001 ü 😀 \u2028 end';
  const filing = changed((f) => (goods0(f).description = nasty));
  const condition = `goods.exists(g, g.description == ${celString(nasty)})`;
  const r = compileRule(condition);
  assert.ok(r.ok, JSON.stringify(r.ok ? [] : r.errors));
  const rif = rifOf({ goodsCodes: ['85'] });
  const rule = { ...toRiskRule(ruleInputSchema.parse({ ...ruleFromRif(rif), condition }), 'NL'), version: 1 };
  const set = compileRuleSet([rule]);
  assert.ok(set.ok);
  const at = { consignmentIndex: 0, at: AT, authority: 'NL', statuses: ['draft'] as const };
  assert.equal(assess({ ...at, filing }, set.value, new WatchlistRegistry()).hits.length, 1);
  assert.equal(assess({ ...at, filing: exampleFiling }, set.value, new WatchlistRegistry()).hits.length, 0);
});

test('every generated rule compiles: each risk area, urgency, indicator alone, all together, large lists', () => {
  const many = Array.from({ length: 100 }, (_, i) => ({
    role: 'any' as const,
    name: `Trading House Number ${i}`,
    eori: `NL${String(100_000_000 + i)}`,
  }));
  const rifs: Rif[] = [
    ...RIF_RISK_AREAS.map((riskArea) => rifOf(ALL, { riskArea })),
    ...RIF_URGENCIES.map((urgency) => rifOf({ goodsCodes: ['93'] }, { urgency })),
    ...KINDS.map((k) => rifOf(k.indicators)),
    rifOf({ dispatchCountries: ['AE'] }),
    rifOf({ operators: many }),
    rifOf({
      goodsCodes: Array.from({ length: 200 }, (_, i) => String(1000 + i * 7)),
      descriptionKeywords: Array.from({ length: 50 }, (_, i) => `wörd ${i} "q"`),
      origins: ['CN', 'HK', 'VN'],
      valueRange: { min: 0.0000001, max: 1e13 },
    }),
  ];
  for (const rif of rifs) {
    const input = ruleInputSchema.safeParse(ruleFromRif(rif));
    assert.ok(input.success, JSON.stringify(input.error?.issues));
    const r = compileRule(input.data.condition);
    assert.ok(r.ok, `${input.data.condition.slice(0, 200)}: ${JSON.stringify(r.ok ? [] : r.errors)}`);
  }
});

test('the rule takes the RIF metadata: area, weight and severity by urgency, validity, scope, draft', () => {
  const rif = rifOf(
    { goodsCodes: ['3004'], modes: ['air', 'express', 'air'] },
    { riskArea: 'drugs', urgency: 'immediate', recommendedAction: 'do-not-load' },
  );
  const rule = ruleFromRif(rif);
  assert.equal(rule.id, 'rif-BE-2027-0042');
  assert.equal(rule.riskArea, 'drug-precursors');
  assert.equal(rule.severity, 'critical');
  assert.equal(rule.recommendedAction, 'do-not-load');
  assert.equal(rule.status, 'draft');
  assert.deepEqual(rule.scope, { modes: ['air', 'express'] });
  // A plain-date validity runs from the first instant of its first day to the end of its last.
  assert.equal(rule.validFrom, '2027-01-01T00:00:00.000Z');
  assert.equal(rule.validUntil, '2028-01-01T00:00:00.000Z');
  const routine = ruleFromRif(rifOf({ goodsCodes: ['3004'] }, { urgency: 'routine' }));
  const urgent = ruleFromRif(rifOf({ goodsCodes: ['3004'] }, { urgency: 'urgent' }));
  assert.ok(routine.weight < urgent.weight && urgent.weight < rule.weight);
  assert.equal(routine.severity, 'medium');
  assert.deepEqual(routine.scope, {});
  for (const area of RIF_RISK_AREAS) {
    assert.ok((RISK_AREAS as readonly string[]).includes(RIF_RULE_RISK_AREA[area]), area);
  }
});

test('the rule id stays within the rule id alphabet, and ids that sanitising makes alike stay apart', () => {
  assert.equal(ruleIdOf('NL-2027.001_a'), 'rif-NL-2027.001_a');
  const a = ruleIdOf('NL/2027:1');
  const b = ruleIdOf('NL:2027/1');
  assert.match(a, /^rif-NL-2027-1-[0-9a-f]{8}$/);
  assert.notEqual(a, b);
  const long = ruleIdOf('X'.repeat(100));
  assert.equal(long.length, 64);
  assert.match(long, /^[A-Za-z0-9._-]{1,64}$/);
  assert.notEqual(long, ruleIdOf('X'.repeat(101)));
});

test('title and reason are cut to the rule contract and still name the RIF', () => {
  const rif = rifOf({ goodsCodes: ['85'] }, { title: 'T'.repeat(200), description: 'D'.repeat(4000) });
  const rule = ruleInputSchema.parse(ruleFromRif(rif));
  assert.equal(rule.title.length, 200);
  assert.match(rule.title, /^RIF BE-2027-0042 v3 \(BE\): T+…$/);
  assert.ok(rule.reason.length <= 1000);
  assert.match(rule.reason, /^Risk information form BE-2027-0042 v3 from BE: D{799}…$/);
});

test('a country of dispatch is not in the environment: left out, said in the condition, never hits alone', () => {
  const only = rifOf({ dispatchCountries: ['AE'] });
  assert.deepEqual(
    unexpressedIndicators(only.indicators).map((u) => u.indicator),
    ['dispatchCountries'],
  );
  assert.match(ruleFromRif(only).condition, /^\/\/ RIF indicator dispatchCountries not checked/);
  assert.equal(hits(only, exampleFiling), false);
  // With other indicators the rule checks those (wider than the RIF, never narrower).
  assert.ok(hits(rifOf({ dispatchCountries: ['AE'], goodsCodes: ['8517'] }), exampleFiling));
  assert.deepEqual(unexpressedIndicators({ goodsCodes: ['8517'] }), []);
});

test('the condition reads as one conjunct per group, the goods-level ones in one goods.exists', () => {
  const c = conditionFromIndicators({
    goodsCodes: ['8517', '8471'],
    origins: ['CN'],
    routeCountries: ['SG', 'AE'],
    containers: ['MSCU1234566'],
  });
  assert.equal(
    c,
    'goods.exists(g, hsIn(g.hsCode, ["8517", "8471"]) && g.origin in ["CN"])' +
      ' && ("SG" in routing || "AE" in routing)' +
      ' && containers.exists(c, c.id in ["MSCU1234566"])',
  );
});
