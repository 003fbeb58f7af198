/**
 * `vigil ipr`, run in process through `runCli`: the demo applications (data/ipr, made up) load on the
 * embedded database; a file with a bad record loads nothing and names the line; through a running
 * server the register is listed, searched, shown, changed, screened and its history read.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenLocally, vigilInProcess as vigil } from '../support/cli.ts';
import { databaseTargets, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const DEMO = join(import.meta.dirname, '..', '..', 'data', 'ipr', 'demo-applications.ndjson');

const BAD = [
  'record,number,application,rightHolder,goods,validFrom,name',
  'application,NL-AFA-2027-0042,,Kalimbo Toys B.V. (fictitious),9503,2027-01-01,',
  'brand,,NL-AFA-2027-0042,,,,KALIMBO',
  'brand,,NL-AFA-2099-0001,,,,ORPHAN',
].join('\n');

describe('vigil ipr', () => {
  let dir = '';
  let env: Record<string, string> = {};
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-ipr-'));
    env = { VIGIL_DATA_DIR: join(dir, 'data'), VIGIL_LOG_LEVEL: 'silent', USER: 'tester' };
    writeFileSync(join(dir, 'bad.csv'), BAD);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the demo applications load on the embedded database; a bad file loads nothing', async () => {
    const loaded = await vigil(['ipr', 'import', DEMO, '--authority', 'NL'], env);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.match(loaded.stdout, /5 records, 5 loaded, 0 left out/);
    assert.match(loaded.stdout, /applications: 5 created, 0 changed, 0 unchanged/);
    const refused = await vigil(['ipr', 'import', join(dir, 'bad.csv'), '--authority', 'NL'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /\$\[2\]\.application VIGIL_IPR_APPLICATION_NOT_FOUND: line 4:/);
    const skipped = await vigil(
      ['ipr', 'import', join(dir, 'bad.csv'), '--authority', 'NL', '--skip-bad'],
      env,
    );
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stdout, /1 left out/);
  });

  for (const target of databaseTargets()) {
    describe(`through a running server [${target.engine}]`, () => {
      let t: TestApp | undefined;
      after(async () => t?.close());
      test('list, search, show, change, history and screen', async () => {
        t = await startTestApp(target);
        const url = await listenLocally(t);
        const token = await t.token('NL', 'coordinator', 'carla');
        const auth = ['--url', url, '--token', token];
        assert.equal((await vigil(['ipr', 'import', DEMO, ...auth], env)).code, 0);
        const listed = await vigil(['ipr', 'list', '--brand', 'kalimbo', ...auth], env);
        assert.equal(listed.code, 0, listed.stderr);
        const items = JSON.parse(listed.stdout).items as { number: string; brands: unknown[] }[];
        assert.deepEqual(
          items.map((a) => a.number),
          ['NL-AFA-2026-0042'],
        );
        const shown = await vigil(['ipr', 'show', 'NL-AFA-2026-0042', ...auth], env);
        const application = JSON.parse(shown.stdout);
        writeFileSync(
          join(dir, 'changed.json'),
          JSON.stringify({
            number: application.number,
            rightHolder: application.rightHolder.name,
            brands: application.brands,
            goods: application.goods,
            validFrom: application.validFrom,
            status: 'suspended',
          }),
        );
        const changed = await vigil(
          ['ipr', 'change', 'NL-AFA-2026-0042', join(dir, 'changed.json'), ...auth],
          env,
        );
        assert.equal(changed.code, 0, changed.stderr);
        assert.equal(JSON.parse(changed.stdout).status, 'suspended');
        const history = await vigil(['ipr', 'history', 'NL-AFA-2026-0042', ...auth], env);
        assert.equal(JSON.parse(history.stdout).items.length, 2);
        const screened = await vigil(
          ['ipr', 'screen', 'кроссовки зентрова', '--goods-code', '640411', '--day', '2027-03-01', ...auth],
          env,
        );
        assert.equal(JSON.parse(screened.stdout).matches[0].application, 'EU-AFA-2026-000101');
        const missing = await vigil(['ipr', 'show', 'NOPE-0', ...auth], env);
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /VIGIL_IPR_APPLICATION_NOT_FOUND/);
      });
    });
  }
});
