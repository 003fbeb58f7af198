/**
 * The workbench's API types (web/src/api/schema.d.ts) are generated from docs/openapi.json: a route
 * or schema changed without `npm run docs && npm run gen:client` fails here, as the document itself
 * does in openapi.test.ts. The workbench is type-checked against them (`tsc -p web`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedClientTypes } from '../../scripts/web-client-types.ts';

test('web/src/api/schema.d.ts is what openapi-typescript makes of docs/openapi.json', async () => {
  const checkedIn = readFileSync(join(import.meta.dirname, '../../web/src/api/schema.d.ts'), 'utf8');
  assert.ok(
    checkedIn === (await generatedClientTypes()),
    'web/src/api/schema.d.ts is stale: run `npm run docs && npm run gen:client` and commit the result',
  );
});
