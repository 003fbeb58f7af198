/**
 * `vigil watchlists` against a running server (a test app listening on a port), as an analyst loads
 * the public lists: the OFAC SDN list from sdn.csv and alt.csv into a list the command creates, the
 * UN list from its XML (its format found from the file), then a name checked and searched, each
 * answer naming the entity and the name of it that matched. A bad file is refused with the problem
 * JSON and exit code 1.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenLocally, vigilInProcess } from '../support/cli.ts';
import { databaseTargets, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const DATA = join(import.meta.dirname, '../data/watchlists');

// The command speaks HTTP, so one engine is enough here; the API's own tests cover both.
const [target] = databaseTargets();

describe('vigil watchlists against a running server', () => {
  let t: TestApp | undefined;
  let url = '';
  let token = '';
  let dir = '';
  const vigil = (...args: string[]) =>
    vigilInProcess(['watchlists', ...args, '--url', url], { VIGIL_TOKEN: token });

  before(async () => {
    t = await startTestApp(target!);
    url = await listenLocally(t);
    token = await t.token('NL', 'analyst', 'ana');
    dir = mkdtempSync(join(tmpdir(), 'vigil-watchlists-'));
  });
  after(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('loads the OFAC and UN lists as published, then checks and searches names', async () => {
    const ofac = await vigil(
      'import',
      'sanctions',
      join(DATA, 'ofac-sdn-excerpt.csv'),
      '--format',
      'ofac-sdn-csv',
      '--aliases',
      join(DATA, 'ofac-alt-excerpt.csv'),
      '--subject',
      'operator-name',
      '--replace',
    );
    assert.equal(ofac.code, 0, ofac.stdout + ofac.stderr);
    assert.deepEqual(JSON.parse(ofac.stdout), { name: 'sanctions', format: 'ofac-sdn-csv', received: 11 });
    const un = await vigil('import', 'sanctions', join(DATA, 'un-consolidated-sample.xml'));
    assert.equal(un.code, 0, un.stdout + un.stderr);
    assert.equal(JSON.parse(un.stdout).format, 'un-xml');

    const listed = await vigil('list');
    assert.match(listed.stdout, /^sanctions\s+operator-name\s+15\s/m);

    const m = await vigil('match', 'sanctions', 'Stichting Al-Aqsa');
    assert.equal(m.code, 0, m.stderr);
    const answer = JSON.parse(m.stdout);
    assert.equal(answer.listed, true);
    assert.equal(answer.match.name, 'STICHTING AL-AQSA');
    assert.equal(answer.match.entity.name, 'AL-AQSA FOUNDATION');

    const s = await vigil('search', 'sanctions', 'Northern Star Relief Foundation');
    assert.deepEqual(
      JSON.parse(s.stdout).items.map((i: { id: string }) => i.id),
      ['un:9200001', 'un:9200002'],
    );
  });

  test('a bad file is refused with the problem and exit code 1; nothing is stored', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'value,type\nGood Ltd,organisation\nOdd,robot\n');
    const before = await t!.count('watchlist_entry');
    const r = await vigil('import', 'sanctions', bad);
    assert.equal(r.code, 1);
    const problem = JSON.parse(r.stdout);
    assert.equal(problem.code, 'VIGIL_WATCHLIST_INVALID');
    assert.deepEqual(
      problem.errors.map((e: { path: string }) => e.path),
      ['line 3 type'],
    );
    assert.equal(await t!.count('watchlist_entry'), before);
  });
});
