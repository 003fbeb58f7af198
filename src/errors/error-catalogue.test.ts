import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CATALOGUE } from './error-catalogue.ts';
import { renderErrorsDoc } from './errors-doc.ts';

test('docs/errors.md lists exactly the codes in the catalogue (run `npm run docs` after a change)', () => {
  const doc = readFileSync(join(import.meta.dirname, '../../docs/errors.md'), 'utf8');
  assert.equal(doc, renderErrorsDoc());
  for (const code of Object.keys(ERROR_CATALOGUE)) {
    assert.match(doc, new RegExp(`\\| \`${code}\` \\|`));
  }
});

test('every code has a 4xx or 5xx status and a title', () => {
  for (const [code, def] of Object.entries(ERROR_CATALOGUE)) {
    assert.ok(def.status >= 400 && def.status < 600, code);
    assert.ok(def.title.length > 5, code);
  }
});
