import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KcsModelError,
  loadModel,
  MODEL_FORMAT,
  MODEL_VERSION,
  parseModelFile,
  saveModel,
  scoreRows,
} from './kcs-model.ts';
import { KCS_MODEL_CONFIG, trainKcsModel } from './kcs-train.ts';
import { syntheticRows } from './synthetic-rows.fixture.ts';

const SMALL = {
  features: KCS_MODEL_CONFIG.features,
  gbdt: { ...KCS_MODEL_CONFIG.gbdt, numTrees: 30, minDataInLeaf: 5 },
};

test('round trip: a saved and reloaded model gives identical scores', async () => {
  const train = syntheticRows(600, 1);
  const later = syntheticRows(200, 9);
  const model = trainKcsModel(train, { seed: 3, config: SMALL });
  const dir = await mkdtemp(join(tmpdir(), 'vigil-model-'));
  try {
    const path = join(dir, 'model.json');
    await saveModel(path, model.file);
    const loaded = await loadModel(path);
    assert.deepEqual(scoreRows(loaded, later), scoreRows(model, later));
    const json = JSON.parse(await readFile(path, 'utf8'));
    assert.equal(json.format, MODEL_FORMAT);
    assert.equal(json.version, MODEL_VERSION);
    assert.equal(json.features.length, model.file.features.length);
    assert.equal(json.trees.length, 30);
    assert.deepEqual(json.trainingWindow, {
      from: '2020-01-01',
      to: train[train.length - 1]!.date,
      rows: 600,
      frauds: train.filter((r) => r.fraud === 1).length,
    });
    assert.equal(json.gbdt.seed, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the model ranks the planted risky importer above the rest', () => {
  const model = trainKcsModel(syntheticRows(800, 2), { config: SMALL });
  const probe = syntheticRows(400, 8);
  const scores = scoreRows(model, probe);
  const mean = (pred: (i: number) => boolean): number => {
    const idx = probe.map((_, i) => i).filter(pred);
    return idx.reduce((s, i) => s + scores[i]!, 0) / idx.length;
  };
  assert.ok(mean((i) => probe[i]!.importer === 'IMP3') > mean((i) => probe[i]!.importer !== 'IMP3') + 0.2);
});

test('a file of another format or version is refused with a clear error', async () => {
  const model = trainKcsModel(syntheticRows(100, 1), {
    config: { ...SMALL, gbdt: { ...SMALL.gbdt, numTrees: 2 } },
  });
  assert.throws(() => parseModelFile({ ...model.file, version: 99 }), KcsModelError);
  assert.throws(() => parseModelFile({ ...model.file, format: 'other' }), /format/);
  assert.throws(() => parseModelFile({ ...model.file, trees: undefined }), KcsModelError);
  assert.throws(() => parseModelFile(null), KcsModelError);
  const dir = await mkdtemp(join(tmpdir(), 'vigil-model-'));
  try {
    await writeFile(join(dir, 'bad.json'), '{not json');
    await assert.rejects(loadModel(join(dir, 'bad.json')), KcsModelError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
