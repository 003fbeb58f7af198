import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitFeatures, transformFeatures } from './features.ts';
import type { FeatureConfig } from './features.ts';
import type { KcsRow } from './kcs-reader.ts';
import { syntheticRows } from './synthetic-rows.fixture.ts';

const HISTORY: Partial<FeatureConfig> = {
  targetKeys: ['importer', 'hs6', 'importer*hs6'],
  countKeys: ['importer'],
  historyKeys: ['importer', 'declarant', 'seller', 'hs6'],
};

function rowFeatures(rows: readonly KcsRow[], i: number, config: Partial<FeatureConfig>): number[] {
  const fit = fitFeatures(rows, config);
  const nf = fit.matrix.cols;
  return [...fit.matrix.data.subarray(i * nf, (i + 1) * nf)];
}

function flip(rows: readonly KcsRow[], j: number): KcsRow[] {
  return rows.map((r, k) => (k === j ? { ...r, fraud: 1 - r.fraud } : r));
}

test('leakage guard: history features ignore the labels of later and same-day rows', () => {
  const rows = syntheticRows(400, 2);
  const i = 200;
  const day = rows[i]!.day;
  // Plant same-day rows of the same importer and goods just before and just after row i.
  rows[i - 1] = { ...rows[i - 1]!, day, date: rows[i]!.date, importer: rows[i]!.importer, hs6: rows[i]!.hs6 };
  rows[i + 1] = { ...rows[i + 1]!, day, date: rows[i]!.date, importer: rows[i]!.importer, hs6: rows[i]!.hs6 };
  const before = rowFeatures(rows, i, { ...HISTORY, targetMode: 'past' });
  for (let j = 0; j < rows.length; j++) {
    if (rows[j]!.day >= day && j !== i) {
      assert.deepEqual(
        rowFeatures(flip(rows, j), i, { ...HISTORY, targetMode: 'past' }),
        before,
        `row ${j} (${rows[j]!.date}) leaked into row ${i} (${rows[i]!.date})`,
      );
    }
  }
  // The row's own label must not matter either.
  assert.deepEqual(rowFeatures(flip(rows, i), i, { ...HISTORY, targetMode: 'past' }), before);
});

test('leakage guard: history features do see earlier rows of the same importer', () => {
  const rows = syntheticRows(400, 2);
  const i = 300;
  const earlier = rows.findIndex((r) => r.day < rows[i]!.day && r.importer === rows[i]!.importer);
  assert.ok(earlier >= 0);
  const names = fitFeatures(rows, HISTORY).encoding.names;
  const at = names.indexOf('hist_rate:importer');
  const a = rowFeatures(rows, i, HISTORY)[at];
  const b = rowFeatures(flip(rows, earlier), i, HISTORY)[at];
  assert.notEqual(a, b);
  // Count of earlier labelled rows of the importer, by hand.
  const seen = rows.filter((r) => r.day < rows[i]!.day && r.importer === rows[i]!.importer).length;
  assert.equal(rowFeatures(rows, i, HISTORY)[names.indexOf('hist_n:importer')], seen);
});

test("out-of-fold target encodings never use the row's own label", () => {
  const rows = syntheticRows(300, 3);
  for (const i of [0, 17, 150, 299]) {
    assert.deepEqual(
      rowFeatures(flip(rows, i), i, { ...HISTORY, targetMode: 'oof' }),
      rowFeatures(rows, i, { ...HISTORY, targetMode: 'oof' }),
    );
  }
});

test('scored rows use the training encodings: smoothed fraud rate of the key', () => {
  const rows = syntheticRows(300, 4);
  const fit = fitFeatures(rows, { ...HISTORY, smoothing: 10 });
  const probe = { ...rows[0]!, importer: 'IMP3', hs6: '999999' };
  const x = transformFeatures(fit.encoding, [probe, { ...probe, importer: 'NEVER-SEEN' }]);
  const names = fit.encoding.names;
  const imp3 = rows.filter((r) => r.importer === 'IMP3');
  const frauds = imp3.filter((r) => r.fraud === 1).length;
  const expected = (frauds + 10 * fit.encoding.prior) / (imp3.length + 10);
  assert.ok(Math.abs(x.data[names.indexOf('te:importer')]! - expected) < 1e-12);
  assert.equal(x.data[names.indexOf('count:importer')], imp3.length);
  // An unseen importer gets the prior and a zero count; an unseen HS6 the prior too.
  assert.equal(x.data[names.length + names.indexOf('te:importer')], fit.encoding.prior);
  assert.equal(x.data[names.length + names.indexOf('count:importer')], 0);
  assert.equal(x.data[names.indexOf('te:hs6')], fit.encoding.prior);
});

test('transform gives the same features whatever other rows are scored with it', () => {
  const rows = syntheticRows(200, 5);
  const fit = fitFeatures(rows, HISTORY);
  const alone = transformFeatures(fit.encoding, [rows[10]!]);
  const batch = transformFeatures(fit.encoding, rows.slice(0, 50));
  assert.deepEqual([...alone.data], [...batch.data.subarray(10 * alone.cols, 11 * alone.cols)]);
});

test('unknown feature keys are refused', () => {
  assert.throws(() => fitFeatures(syntheticRows(10), { targetKeys: ['shoeSize'] }), /unknown feature key/);
});

test('cross keys at scoring: seen, unseen combination of seen values, and unseen values', () => {
  const rows = syntheticRows(300, 6);
  const fit = fitFeatures(rows, {
    targetKeys: ['importer*hs6', 'hs6*origin*taxType'],
    countKeys: ['importer*hs6'],
    smoothing: 3,
  });
  const names = fit.encoding.names;
  const te = names.indexOf('te:importer*hs6');
  const count = names.indexOf('count:importer*hs6');
  const seen = rows[5]!;
  const unseenCombo = {
    ...seen,
    hs6:
      rows.find((r) => !rows.some((q) => q.importer === seen.importer && q.hs6 === r.hs6))?.hs6 ?? '000000',
  };
  const x = transformFeatures(fit.encoding, [seen, unseenCombo, { ...seen, importer: 'NEW' }]);
  const same = rows.filter((r) => r.importer === seen.importer && r.hs6 === seen.hs6);
  const frauds = same.filter((r) => r.fraud === 1).length;
  assert.ok(Math.abs(x.data[te]! - (frauds + 3 * fit.encoding.prior) / (same.length + 3)) < 1e-12);
  assert.equal(x.data[count], same.length);
  assert.equal(x.data[names.length + te], fit.encoding.prior);
  assert.equal(x.data[names.length + count], 0);
  assert.equal(x.data[2 * names.length + count], 0);
});

test('scored encodings equal a plain lookup of the statistics by joined key, for every table kind', () => {
  const rows = syntheticRows(2000, 7);
  // The wide cross has more possible codes than a direct table holds, so it takes the hash table.
  const wide = 'importer*declarant*seller*hs6*origin*office*hs4*hs2';
  const train = rows.slice(0, 1500);
  const field: Record<string, (r: KcsRow) => string> = {
    importer: (r) => r.importer,
    declarant: (r) => r.declarant,
    seller: (r) => r.seller,
    hs6: (r) => r.hs6,
    origin: (r) => r.originCountry,
    office: (r) => r.office,
    hs4: (r) => r.hs6.slice(0, 4),
    hs2: (r) => r.hs6.slice(0, 2),
  };
  const codes = wide.split('*').reduce((p, f) => p * (new Set(train.map(field[f]!)).size + 1), 1);
  assert.ok(codes > 1 << 20, `${codes} possible codes`);
  const config: Partial<FeatureConfig> = {
    targetKeys: ['importer', 'hs6', 'importer*hs6', wide],
    countKeys: ['importer', wide],
    historyKeys: ['seller', wide],
    smoothing: 4,
  };
  const fit = fitFeatures(train, config);
  const enc = fit.encoding;
  const scored = [
    ...rows.slice(1400),
    { ...rows[3]!, importer: 'NEW' },
    { ...rows[4]!, seller: 'NEW' },
    { ...rows[5]!, hs6: rows[6]!.hs6, office: rows[7]!.office },
  ];
  const x = transformFeatures(enc, scored);
  const stat = (key: string, r: KcsRow): readonly [number, number, number] | undefined =>
    enc.stats[key]![
      key
        .split('*')
        .map((f) => field[f]!(r))
        .join('|')
    ];
  const rate = (s: readonly [number, number, number] | undefined): number =>
    s === undefined || s[0] === 0 ? enc.prior : (s[1] + 4 * enc.prior) / (s[0] + 4);
  let unseen = 0;
  scored.forEach((r, i) => {
    const at = (name: string): number => x.data[i * x.cols + enc.names.indexOf(name)]!;
    for (const key of config.targetKeys!) {
      assert.equal(at(`te:${key}`), rate(stat(key, r)), `te:${key} row ${i}`);
    }
    for (const key of config.countKeys!) {
      assert.equal(at(`count:${key}`), stat(key, r)?.[2] ?? 0, `count:${key} row ${i}`);
    }
    for (const key of config.historyKeys!) {
      assert.equal(at(`hist_n:${key}`), stat(key, r)?.[0] ?? 0, `hist_n:${key} row ${i}`);
      assert.equal(at(`hist_rate:${key}`), rate(stat(key, r)), `hist_rate:${key} row ${i}`);
    }
    unseen += stat(wide, r) === undefined ? 1 : 0;
  });
  // Both seen and unseen values of the wide cross were looked up.
  assert.ok(unseen > 0 && unseen < scored.length);
});
