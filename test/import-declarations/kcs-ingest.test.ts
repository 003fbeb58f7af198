/**
 * The KCS importer on the first 300 rows of valid.csv, on a real database: every row is stored or
 * rejected with a code, stored declarations carry the KCS fields, the control results match the
 * labels row for row, a second run adds nothing, and with --score the active model scores them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImportRepository, importDeclarationSchema } from '../../src/import-declarations/index.ts';
import type { ImportView } from '../../src/import-declarations/index.ts';
import { forEachDatabase } from '../support/test-app.ts';
import { NO_KCS_DATA, actor, modelJson, smallModel, startImports, validSlice } from './imports-harness.ts';
import type { ImportsHarness } from './imports-harness.ts';
import { parseKcs, runKcsIngest, kcsDeclarationId, kcsRowToDeclaration } from '../../src/kcs/index.ts';
import type { KcsRow } from '../../src/kcs/index.ts';

const quiet = {
  stdout: { write: () => true } as unknown as NodeJS.WritableStream,
  stderr: { write: () => true } as unknown as NodeJS.WritableStream,
};

forEachDatabase('KCS importer', (target) => {
  let h: ImportsHarness | undefined;
  let slice: ReturnType<typeof validSlice> | undefined;
  let rows: KcsRow[] = [];
  const a = () => h!;
  before(async () => {
    h = await startImports(target);
    if (NO_KCS_DATA === false) {
      slice = validSlice(300);
      rows = parseKcs(slice.text);
    }
  });
  after(async () => {
    await h?.close();
    slice?.remove();
  });

  test(
    '300 rows: stored or rejected by code, with control results matching the labels',
    { skip: NO_KCS_DATA },
    async () => {
      const s = await runKcsIngest(a(), { file: slice!.file, authority: 'KR', labels: true }, quiet);
      assert.equal(s.rows, 300);
      assert.equal(s.stored + s.rejected, 300);
      assert.equal(s.duplicates, 0);
      // Which rows are valid is decided by the same contract a lodged declaration meets.
      const valid = rows.filter((r) => importDeclarationSchema.safeParse(kcsRowToDeclaration(r)).success);
      assert.equal(s.stored, valid.length);
      assert.ok(s.stored >= 290, `${s.stored} of 300 stored`);
      assert.equal(Object.values(s.byCode).length > 0, s.rejected > 0);
      assert.equal(await a().count('import_declaration', `authority = 'KR' AND source = 'kcs'`), s.stored);

      const frauds = valid.filter((r) => r.fraud === 1);
      const critical = valid.filter((r) => r.criticalFraud === 2);
      assert.equal(s.controls, valid.length);
      assert.deepEqual(s.results, {
        'no-irregularity': valid.length - frauds.length,
        irregularity: frauds.length,
        critical: critical.length,
      });
      assert.ok(frauds.length > 30, 'the slice has frauds to count');
      assert.equal(await a().count('control_task', `authority = 'KR' AND status = 'done'`), valid.length);
      assert.equal(
        await a().count('control_result', `authority = 'KR' AND result = 'irregularity'`),
        frauds.length,
      );
      assert.equal(
        await a().count('control_result', `authority = 'KR' AND result = 'no-irregularity'`),
        valid.length - frauds.length,
      );
      assert.equal(
        await a().count('control_result', `authority = 'KR' AND (details->>'critical')::boolean`),
        critical.length,
      );
      // Row for row: each declaration's result is its own label.
      const r = await a().db.query<{ mrn: string; result: string; type: string | null }>(
        `SELECT mrn, result, details->>'type' AS type FROM control_result WHERE authority = 'KR'`,
      );
      const byId = new Map(r.rows.map((x) => [x.mrn, x]));
      for (const row of valid) {
        const got = byId.get(kcsDeclarationId('KR', row.id));
        assert.equal(got?.result, row.fraud === 1 ? 'irregularity' : 'no-irregularity', row.id);
        assert.equal(got?.type ?? null, row.fraud === 1 ? 'undervaluation' : null);
      }
    },
  );

  test('a stored KCS declaration keeps the KCS fields', { skip: NO_KCS_DATA }, async () => {
    const row = rows[0]!;
    const view = (await a().imports.get(
      actor('analyst', 'ana', 'KR'),
      kcsDeclarationId('KR', row.id),
    )) as ImportView;
    assert.equal(view.source, 'kcs');
    assert.equal(view.type, 'H1');
    assert.equal(view.date, row.date);
    assert.equal(view.office, `KR${row.office.padStart(6, '0')}`);
    assert.equal(view.lane, null);
    const d = view.declaration as Record<string, any>;
    assert.equal(d['importer'].id, row.importer);
    assert.equal(d['declarant'].id, row.declarant);
    assert.equal(d['codes'].transportMode, row.transportMode);
    assert.deepEqual(d['goods'][0].price, { amount: row.itemPrice, currency: 'KRW' });
    assert.equal(d['goods'][0].hsCode, row.hs6);
    assert.deepEqual(d['goods'][0].tax, { type: row.taxType, rate: row.taxRate });
  });

  test('a second run stores nothing and records no control twice', { skip: NO_KCS_DATA }, async () => {
    const before = await a().count('control_result');
    const s = await runKcsIngest(a(), { file: slice!.file, authority: 'KR', labels: true }, quiet);
    assert.equal(s.stored, 0);
    assert.equal(s.duplicates + s.rejected, 300);
    assert.equal(s.controls, 0);
    assert.equal(await a().count('control_result'), before);
  });

  test(
    'without labels no controls; with --score the active model scores every row',
    { skip: NO_KCS_DATA },
    async () => {
      const saved = await a()
        .db.forAuthority('JP')
        .transaction((tx) => a().models.save(tx, 'JP', modelJson(smallModel())));
      await a().models.activate('JP', saved.model.version);
      const s = await runKcsIngest(
        a(),
        { file: slice!.file, authority: 'JP', labels: false, score: true },
        quiet,
      );
      assert.equal(s.controls, 0);
      assert.equal(s.scored, s.stored);
      assert.equal(s.modelVersion, 1);
      assert.equal(await a().count('control_task', `authority = 'JP'`), 0);
      const scored = await new ImportRepository().list(a().db, 'JP', { limit: 1000 });
      assert.equal(scored.length, s.stored);
      assert.ok(scored.every((x) => typeof x.score === 'number' && x.modelVersion === 1 && x.lane === null));
    },
  );
});
