/**
 * `vigil operators import FILE` and `vigil certificates import FILE`, run in process through `runCli`:
 * on the embedded database (--authority) a file with a malformed record loads nothing, prints every
 * bad record with its line and code and exits 1; --skip-bad loads the rest and lists what it left out;
 * through a running server (--url, --token) the same file loads the same way.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenLocally, vigilInProcess as vigil } from '../support/cli.ts';
import { databaseTargets, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const OPERATORS = [
  'record,eori,name,country,validFrom,number,type',
  'operator,DE123456789012345,Elektro Handel GmbH,DE,2015-03-01,,',
  'aeo,DE123456789012345,,,2019-06-01,DEAEOF0000123456,AEOF',
  'operator,XX1,Nowhere Ltd,XX,2015-03-01,,',
].join('\n');

describe('vigil operators import and vigil certificates import', () => {
  let dir = '';
  let env: Record<string, string> = {};
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-registry-'));
    env = { VIGIL_DATA_DIR: join(dir, 'data'), VIGIL_LOG_LEVEL: 'silent', USER: 'tester' };
    writeFileSync(join(dir, 'operators.csv'), OPERATORS);
    writeFileSync(
      join(dir, 'certificates.ndjson'),
      [
        '{"type":"cites-permit","number":"DE-CITES-1","issuer":"BfN","goods":["4407"],"quantity":100,"unit":"MTQ","validFrom":"2027-01-01"}',
        '{"record":"requirement","id":"CITES-DALBERGIA","goodsPrefix":"4407","origin":"*","certificateType":"cites-permit","description":"Rosewood","validFrom":"2017-01-02"}',
      ].join('\n'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('on the embedded database: refused whole with every bad line, or loaded with --skip-bad', async () => {
    const file = join(dir, 'operators.csv');
    const refused = await vigil(['operators', 'import', file, '--authority', 'NL'], env);
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(refused.stderr, /nothing was loaded/);
    assert.match(refused.stderr, /\$\[2\]\.eori VIGIL_EORI_INVALID: line 4: 'XX1'/);
    assert.match(refused.stderr, /\$\[2\]\.country VIGIL_COUNTRY_INVALID: line 4/);

    const loaded = await vigil(['operators', 'import', file, '--authority', 'NL', '--skip-bad'], env);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.match(loaded.stdout, /3 records, 2 loaded, 1 left out/);
    assert.match(loaded.stdout, /operator: 1 created, 0 changed, 0 unchanged; aeo: 1 created/);
    assert.match(loaded.stderr, /left out \$\[2\]\.eori VIGIL_EORI_INVALID/);

    const certs = await vigil(
      ['certificates', 'import', join(dir, 'certificates.ndjson'), '--authority', 'NL'],
      env,
    );
    assert.equal(certs.code, 0, certs.stderr);
    assert.match(certs.stdout, /certificate: 1 created.*requirement: 1 created/);

    const unknown = await vigil(
      ['operators', 'import', join(dir, 'operators.txt'), '--authority', 'NL'],
      env,
    );
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--format/);
  });

  for (const target of databaseTargets()) {
    describe(`through a running server [${target.engine}]`, () => {
      let t: TestApp | undefined;
      after(async () => t?.close());
      test('the same file loads the same way', async () => {
        t = await startTestApp(target);
        const url = await listenLocally(t);
        const token = await t.token('NL', 'coordinator', 'carla');
        const args = ['operators', 'import', join(dir, 'operators.csv'), '--url', url, '--token', token];
        const refused = await vigil(args, env);
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /\$\[2\]\.eori VIGIL_EORI_INVALID/);
        const loaded = await vigil([...args, '--skip-bad'], env);
        assert.equal(loaded.code, 0, loaded.stderr);
        assert.match(loaded.stdout, /2 loaded, 1 left out/);
        const shown = await t.server.app.inject({
          method: 'GET',
          url: '/v1/operators/DE123456789012345',
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(shown.json().aeoToday.authorisation, 'DEAEOF0000123456');
      });
    });
  }
});
