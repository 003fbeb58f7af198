/**
 * The model's explanation: feature names in words, and occlusion contributions that are positive,
 * sorted, and name the features that matter for the planted pattern (in the synthetic rows a fraud
 * declares a unit value about five times below the rest).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticRows } from '../kcs/synthetic-rows.fixture.ts';
import { describeVerdict, explainRow, featureLabel, judgeDeclaration } from './model-explain.ts';
import { KCS_MODEL_CONFIG, scoreRows, trainKcsModel } from '../kcs/index.ts';

test('feature names in words', () => {
  const table: [string, string][] = [
    ['te:importer', 'fraud record of importer'],
    ['te:hs6*origin*taxType', 'fraud record of HS6 × origin × taxType'],
    ['count:seller', 'declarations of seller'],
    ['cat:office', 'office code'],
    ['unitValueVsHs6', 'unit value against the same goods'],
    ['hist_rate:importer', 'earlier fraud rate of importer'],
    ['mystery', 'mystery'],
  ];
  for (const [name, words] of table) {
    assert.equal(featureLabel(name), words);
  }
});

test('occlusion names the planted risk and the riskiest item speaks for the declaration', () => {
  const rows = syntheticRows(3000, 7);
  const model = trainKcsModel(rows, {
    config: {
      features: KCS_MODEL_CONFIG.features,
      gbdt: { ...KCS_MODEL_CONFIG.gbdt, numTrees: 40, minDataInLeaf: 5 },
    },
  });
  const risky = { ...rows.find((r) => r.fraud === 1 && r.importer === 'IMP3')!, fraud: Number.NaN };
  const plain = { ...rows.find((r) => r.fraud === 0 && r.importer !== 'IMP3')!, fraud: Number.NaN };
  const top = explainRow(model, risky, 5);
  assert.ok(top.length > 0);
  assert.ok(top.every((c) => c.logOdds > 0));
  assert.deepEqual(
    top.map((c) => c.logOdds),
    [...top.map((c) => c.logOdds)].sort((x, y) => y - x),
  );
  assert.ok(
    top.some((c) => c.feature === 'logUnitValue' || c.feature === 'unitValueVsHs6'),
    top.map((c) => c.feature).join(', '),
  );
  const verdict = judgeDeclaration(model, [plain, risky]);
  assert.equal(verdict.item, 1);
  assert.equal(verdict.probability, scoreRows(model, [risky])[0]);
  assert.match(
    describeVerdict(4, verdict),
    /^model v4: fraud probability 0\.\d{3}; top features: .+ \(\+\d\.\d\d\)/,
  );
});
