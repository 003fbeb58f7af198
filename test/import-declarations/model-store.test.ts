/**
 * The model store on a real database: a model file saved, activated and loaded back scores exactly
 * as the original; importing the same file twice makes one version; activating another version
 * reaches `active()` at once; and `lodge` scores with the active model and names it in the reason.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VigilError } from '../../src/errors/index.ts';
import type { ImportView } from '../../src/import-declarations/index.ts';
import { importDeclarationSchema } from '../../src/import-declarations/import.schema.ts';
import { forEachDatabase } from '../support/test-app.ts';
import { NO_KCS_DATA, actor, h1Body, modelJson, smallModel, startImports } from './imports-harness.ts';
import type { ImportsHarness } from './imports-harness.ts';
import { scoreRows, declarationToKcsRows } from '../../src/kcs/index.ts';
import { runModelImport, runModelList } from '../../src/cli/models.command.ts';

forEachDatabase('model store', (target) => {
  let h: ImportsHarness | undefined;
  const a = () => h!;
  before(async () => {
    h = await startImports(target);
  });
  after(async () => {
    await h?.close();
  });

  test('save, activate, active: the stored model scores as the original', { skip: NO_KCS_DATA }, async () => {
    const original = smallModel();
    assert.equal(await a().models.active('NL'), undefined);
    const saved = await a()
      .db.forAuthority('NL')
      .transaction((tx) => a().models.save(tx, 'NL', modelJson(original), 'ana'));
    assert.equal(saved.created, true);
    assert.equal(saved.model.version, 1);
    assert.equal(saved.model.active, false);
    assert.equal(saved.model.kind, 'kcs-gbdt');
    assert.deepEqual(saved.model.features, original.file.features);
    assert.deepEqual(saved.model.trainingWindow, original.file.trainingWindow);
    assert.equal(await a().models.active('NL'), undefined, 'saving does not activate');

    const activated = await a().models.activate('NL', 1);
    assert.equal(activated.active, true);
    const active = await a().models.active('NL');
    assert.equal(active?.version, 1);
    assert.equal(await a().models.active('NL'), active, 'cached while the version stays');

    const decl = importDeclarationSchema.parse(h1Body());
    const rows = declarationToKcsRows('x', decl);
    assert.deepEqual([...scoreRows(active.model, rows)], [...scoreRows(original, rows)]);
    assert.equal(await a().models.active('BE'), undefined, 'models are per authority');
  });

  test(
    'the same file twice is one version; another is the next; activation switches',
    { skip: NO_KCS_DATA },
    async () => {
      const again = await a()
        .db.forAuthority('NL')
        .transaction((tx) => a().models.save(tx, 'NL', JSON.stringify(smallModel().file)));
      assert.equal(again.created, false);
      assert.equal(again.model.version, 1);
      const other = await a()
        .db.forAuthority('NL')
        .transaction((tx) => a().models.save(tx, 'NL', modelJson(smallModel(2))));
      assert.equal(other.model.version, 2);
      assert.equal((await a().models.active('NL'))?.version, 1);
      await a().models.activate('NL', 2);
      assert.equal((await a().models.active('NL'))?.version, 2);
      const list = await a().models.list('NL');
      assert.deepEqual(
        list.map((m) => [m.version, m.active]),
        [
          [1, false],
          [2, true],
        ],
      );
      await a().models.activate('NL', 1);
      assert.equal((await a().models.active('NL'))?.version, 1);
      await assert.rejects(
        a().models.activate('NL', 99),
        (e) => e instanceof VigilError && e.code === 'VIGIL_MODEL_NOT_FOUND',
      );
    },
  );

  test('a file that is not a model is refused', async () => {
    for (const bad of [
      '{not json',
      { format: 'something-else' },
      { format: 'vigil-kcs-gbdt', version: 99 },
    ]) {
      await assert.rejects(
        a()
          .db.forAuthority('NL')
          .transaction((tx) => a().models.save(tx, 'NL', bad)),
        (e) => e instanceof VigilError && e.code === 'VIGIL_MODEL_INVALID',
      );
    }
  });

  test(
    'lodge scores with the active model and names its version and top features',
    { skip: NO_KCS_DATA },
    async () => {
      const r = await a().imports.lodge(actor('filer', 'acme'), h1Body());
      assert.equal(typeof r.score, 'number');
      assert.ok(r.score! >= 0 && r.score! <= 100);
      assert.equal(r.modelVersion, 1);
      assert.match(r.reason, /model v1: fraud probability 0\.\d{3}/);
      assert.match(r.reason, /top features: .+ \(\+\d/);
      const view = (await a().imports.get(actor('analyst'), r.id)) as ImportView;
      assert.equal(view.score, r.score);
      assert.equal(view.modelVersion, 1);
      // The score is the model's own probability for the declaration.
      const active = await a().models.active('NL');
      const p = scoreRows(
        active!.model,
        declarationToKcsRows(r.id, importDeclarationSchema.parse(h1Body())),
      )[0]!;
      assert.equal(r.score, Math.round(p * 10_000) / 100);
    },
  );

  test(
    'the CLI helpers import (and activate) a model file and list the versions',
    { skip: NO_KCS_DATA },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-model-'));
      try {
        const file = join(dir, 'model.json');
        writeFileSync(file, JSON.stringify(smallModel(3).file));
        const out: string[] = [];
        const io = {
          stdout: { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream,
          stderr: { write: () => true } as unknown as NodeJS.WritableStream,
        };
        const s = await runModelImport(a(), { file, authority: 'NL', activate: true }, io);
        assert.equal(s.version, 3);
        assert.equal(s.active, true);
        assert.equal(s.created, true);
        assert.deepEqual(JSON.parse(out[0]!), s);
        assert.equal((await a().models.active('NL'))?.version, 3);
        const again = await runModelImport(a(), { file, authority: 'NL', activate: false });
        assert.deepEqual([again.version, again.created, again.active], [3, false, true]);
        out.length = 0;
        const rows = await runModelList(a(), { authority: 'NL' }, io);
        assert.equal(rows.length, 3);
        assert.match(out.join(''), /^version.*\n1 .*\n2 .*\n3 +yes/m);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
