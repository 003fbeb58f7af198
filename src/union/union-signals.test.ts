/**
 * The signal engine on hand-made shared records: each kind appears where it should and not where it
 * should not (one authority only, a rise at one authority only, the same office, outside the window).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIGNAL_DEFAULTS, twoProportionZ, unionSignals } from './union-signals.ts';
import type { SharedInput, SignalParameters } from './union-signals.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2027-03-15T00:00:00Z');
const at = (daysBefore: number): string => new Date(T0 - daysBefore * DAY).toISOString();
let n = 0;

interface Screen {
  hit?: boolean;
  level?: 'summary' | 'full';
  office?: string;
  consignor?: string;
  containers?: string[];
  documents?: string[];
  loading?: string;
  entry?: string;
  goods?: { hs6: string; origin: string }[];
}

function screening(source: string, ref: string, when: string, s: Screen = {}): SharedInput {
  const summary = {
    screenedOn: when.slice(0, 10),
    hit: s.hit ?? false,
    mode: 'sea',
    route: { loading: s.loading ?? 'CNSHA', entryCountry: s.entry ?? source },
    goods: s.goods ?? [{ hs6: '851713', origin: 'CN' }],
  };
  const level = s.level ?? 'full';
  return {
    id: `r${n++}`,
    source,
    category: 'screening',
    level,
    ref,
    at: when,
    data:
      level === 'summary'
        ? summary
        : {
            ...summary,
            mrn: ref.split('/')[0],
            seq: 0,
            office: s.office ?? `${source}000001`,
            operators: s.consignor !== undefined ? [{ role: 'consignor', eori: s.consignor }] : [],
            containers: s.containers ?? [],
            documents: s.documents ?? [],
          },
  };
}

function control(source: string, ref: string, when: string, result: string): SharedInput {
  return {
    id: `r${n++}`,
    source,
    category: 'control-results',
    level: 'full',
    ref,
    at: when,
    data: { result, controlType: 'physical', recordedOn: when.slice(0, 10) },
  };
}

const params = (over: Partial<SignalParameters> = {}): SignalParameters => ({
  from: new Date(T0 - 14 * DAY),
  to: new Date(T0),
  ...SIGNAL_DEFAULTS,
  ...over,
});

test('same subject: hit in one authority and seized in another makes one signal; one authority alone none', () => {
  const records = [
    screening('NL', 'M1/0', at(10), { hit: true, consignor: 'CN111', containers: ['MSCU1234565'] }),
    screening('BE', 'M2/0', at(8), { consignor: 'CN111' }),
    control('BE', 'M2/0', at(7), 'seizure'),
    // Flagged twice, but in NL only.
    screening('NL', 'M3/0', at(9), { hit: true, consignor: 'CN222' }),
    screening('NL', 'M4/0', at(5), { hit: true, consignor: 'CN222' }),
    // Hit in DE, but only at summary level: no operator crosses, so nothing to match.
    screening('DE', 'M5/0', at(5), { hit: true, level: 'summary' }),
    // A control that found nothing does not flag its consignment.
    screening('DE', 'M6/0', at(5), { containers: ['MSCU1234565'] }),
    control('DE', 'M6/0', at(4), 'no-irregularity'),
  ];
  const signals = unionSignals(records, params({ kind: 'same-subject' }));
  assert.deepEqual(
    signals.map((s) => [s.id, s.authorities, s.score]),
    [['same-subject:operator:CN111', ['BE', 'NL'], 3]],
  );
  assert.deepEqual(
    signals[0]!.evidence.map((e) => [e.authority, e.ref, e.kind, e.office]),
    [
      ['NL', 'M1/0', 'hit', 'NL000001'],
      ['BE', 'M2/0', 'seizure', 'BE000001'],
    ],
  );
  // Outside the window it is gone.
  assert.deepEqual(unionSignals(records, params({ kind: 'same-subject', to: new Date(T0 - 9 * DAY) })), []);
});

/** `total` screened on a goods/origin pair at `source`, `hits` of them hit, spread over the window. */
function traffic(
  source: string,
  from: number,
  days: number,
  total: number,
  hits: number,
  hs6 = '240220',
): SharedInput[] {
  return Array.from({ length: total }, (_, i) =>
    screening(source, `${source}-${hs6}-${from}-${i}/0`, at(from - (i * days) / total), {
      hit: i < hits,
      level: 'summary',
      goods: [{ hs6, origin: 'AE' }],
      loading: `AEJEA${hs6}`,
    }),
  );
}

test('rising hit rate: a rise at two authorities is a signal, at one it is not', () => {
  const records = [
    // Baseline (42 to 14 days ago): 1 hit in 40; recent (last 14 days): 8 in 20, at NL and BE.
    ...traffic('NL', 42, 28, 40, 1),
    ...traffic('NL', 14, 14, 20, 8),
    ...traffic('BE', 42, 28, 40, 1),
    ...traffic('BE', 14, 14, 20, 8),
    // DE's rate is flat.
    ...traffic('DE', 42, 28, 40, 4),
    ...traffic('DE', 14, 14, 20, 2),
    // Another pair rises at NL only.
    ...traffic('NL', 42, 28, 40, 1, '640399'),
    ...traffic('NL', 14, 14, 20, 9, '640399'),
    ...traffic('BE', 42, 28, 40, 1, '640399'),
    ...traffic('BE', 14, 14, 20, 1, '640399'),
  ];
  const signals = unionSignals(records, params({ kind: 'rising-hit-rate' }));
  // The routes end in each authority's own country: no route is shared by two.
  assert.deepEqual(
    signals.map((s) => [s.id, s.authorities]),
    [['rising-hit-rate:goods-origin:2402/AE', ['BE', 'NL']]],
  );
  const s = signals[0]!;
  assert.deepEqual(
    s.rates!.map((r) => [
      r.authority,
      r.baseline.hits,
      r.baseline.screened,
      r.recent.hits,
      r.recent.screened,
    ]),
    [
      ['BE', 1, 40, 8, 20],
      ['NL', 1, 40, 8, 20],
    ],
  );
  assert.ok(s.rates!.every((r) => r.z >= SIGNAL_DEFAULTS.minZ));
  assert.equal(s.evidence.length, 16, 'the recent hits of both authorities');
  // Below the minimum count nothing counts.
  assert.deepEqual(unionSignals(records, params({ kind: 'rising-hit-rate', minHits: 9 })), []);
});

test('the two-proportion z is one-sided and zero where undefined', () => {
  assert.ok(twoProportionZ(1, 40, 8, 20) > 3);
  assert.ok(twoProportionZ(8, 20, 1, 40) < 0);
  assert.equal(twoProportionZ(0, 10, 0, 10), 0);
  assert.equal(twoProportionZ(0, 0, 3, 10), 0);
});

test('diversion: same consignor and goods at another authority within the days after a control', () => {
  const records = [
    screening('NL', 'C1/0', at(12), { consignor: 'CN777', office: 'NL000396' }),
    control('NL', 'C1/0', at(11), 'seizure'),
    // 5 days later at BE, same consignor, same HS 6: a diversion.
    screening('BE', 'C2/0', at(6), { consignor: 'CN777', office: 'BE101000' }),
    // Same consignor at the same office (NL again): not a diversion.
    screening('NL', 'C3/0', at(5), { consignor: 'CN777', office: 'NL000396' }),
    // Other goods at DE: not a diversion.
    screening('DE', 'C4/0', at(5), { consignor: 'CN777', goods: [{ hs6: '940360', origin: 'CN' }] }),
    // Same goods at DE 20 days after BE's control: too late with 14 days.
    screening('BE', 'C5/0', at(31), { consignor: 'CN888' }),
    control('BE', 'C5/0', at(30), 'irregularity'),
    screening('DE', 'C6/0', at(10), { consignor: 'CN888' }),
  ];
  const signals = unionSignals(records, params({ kind: 'diversion', from: new Date(T0 - 40 * DAY) }));
  assert.deepEqual(
    signals.map((s) => [s.subject.value, s.authorities, s.evidence.map((e) => `${e.authority}:${e.kind}`)]),
    [['CN777/851713/NL:C1/0', ['BE', 'NL'], ['NL:seizure', 'BE:entry']]],
  );
  // With 21 days, CN888's entry at DE counts too.
  assert.equal(
    unionSignals(records, params({ kind: 'diversion', from: new Date(T0 - 40 * DAY), diversionDays: 21 }))
      .length,
    2,
  );
});
