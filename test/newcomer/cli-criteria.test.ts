/**
 * `vigil criteria` against a running server (a test app listening on a port): EU's coordinator
 * publishes a criterion from a file, NL's analyst lists it and reads its figures as a table with a
 * TOTAL line, an NL coordinator's withdrawal is refused (not a coordinating authority: the problem
 * JSON and exit code 1), and EU withdraws it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenLocally, vigilInProcess } from '../support/cli.ts';
import { databaseTargets, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

// The commands speak HTTP, so one engine is enough here; the API's own tests cover both.
const [target] = databaseTargets();

describe('vigil criteria against a running server', () => {
  let t: TestApp | undefined;
  const app = () => t!;
  let url = '';
  let dir = '';
  const tok: Record<string, string> = {};
  const send = sender(app, tok);
  const criteria = (who: string, ...args: string[]) =>
    vigilInProcess(['criteria', ...args, '--url', url], { VIGIL_TOKEN: tok[who]! });

  before(async () => {
    t = await startTestApp(target!);
    url = await listenLocally(app());
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-criteria-'));
    for (const [who, authority, role] of [
      ['eu-admin', 'EU', 'admin'],
      ['eu', 'EU', 'coordinator'],
      ['nl', 'NL', 'analyst'],
      ['nl-coord', 'NL', 'coordinator'],
    ] as const) {
      tok[who] = await app().token(authority, role, who);
    }
    for (const code of ['EU', 'NL', 'BE']) {
      const r = await send('PUT', `/v1/authorities/${code}`, 'eu-admin', { name: code, kind: 'customs' });
      assert.equal(r.statusCode, 200, r.body);
    }
  });
  after(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('publish, list, figures, a refused withdrawal and the withdrawal', async () => {
    const path = join(dir, 'crc.json');
    writeFileSync(
      path,
      JSON.stringify({
        id: 'EU-CRC-CLI-1',
        kind: 'crc',
        title: 'Toys at a high value per kilogram',
        riskArea: 'product-safety',
        condition: 'goods.exists(g, g.hsCode.startsWith("9503")) && valuePerKg > 40.0',
        weight: 70,
        severity: 'high',
        recommendedAction: 'documentary-check',
        reason: 'Union-wide risk',
      }),
    );
    const published = await criteria('eu', 'publish', path);
    assert.equal(published.code, 0, published.stderr + published.stdout);
    assert.match(
      published.stdout,
      /^crc EU-CRC-CLI-1 version 1 \(published\) applied by 2 member\(s\) as rule crc\.EU-CRC-CLI-1$/m,
    );

    const listed = await criteria('nl', 'list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^EU-CRC-CLI-1 {2}crc {2}v1 {2}published {2}EU {2}Toys/m);

    const figures = await criteria('nl', 'figures', 'EU-CRC-CLI-1');
    assert.equal(figures.code, 0, figures.stderr);
    assert.match(figures.stdout, /^AUTHORITY +ANALYSED +HITS +FINAL +CONTROLS +POSITIVE +FALSE POS +YIELD$/m);
    assert.match(figures.stdout, /^NL +0 +0 +0 +0 +0 +0 +–$/m);
    assert.match(figures.stdout, /^TOTAL +0 +0 +0 +0 +0 +0 +–$/m);

    const refused = await criteria('nl-coord', 'withdraw', 'EU-CRC-CLI-1', '--reason', 'not mine');
    assert.equal(refused.code, 1);
    assert.equal(JSON.parse(refused.stdout).code, 'VIGIL_NOT_COORDINATING');

    const withdrawn = await criteria('eu', 'withdraw', 'EU-CRC-CLI-1', '--reason', 'covered elsewhere');
    assert.equal(withdrawn.code, 0, withdrawn.stderr + withdrawn.stdout);
    assert.match(withdrawn.stdout, /version 2 \(withdrawn\)/);
  });
});
