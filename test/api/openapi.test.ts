import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { renderOpenApi } from '../../src/app/openapi.ts';

test('docs/openapi.json is what the server serves (run `npm run docs` after an API change)', async () => {
  const served = await renderOpenApi(mkdtempSync(join(tmpdir(), 'vigil-openapi-')));
  const checkedIn = readFileSync(join(import.meta.dirname, '../../docs/openapi.json'), 'utf8');
  assert.equal(checkedIn, served);
  const doc = JSON.parse(served);
  for (const path of [
    '/v1/filings',
    '/v1/filings/{mrn}',
    '/v1/filings/{mrn}/amendments',
    '/v1/filings/{mrn}/invalidation',
  ]) {
    assert.ok(doc.paths[path], `${path} is documented`);
  }
});
