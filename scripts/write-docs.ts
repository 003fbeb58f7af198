/**
 * Regenerates the checked-in artefacts that tests diff: docs/errors.md, docs/indicators.md and
 * docs/openapi.json.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { renderErrorsDoc } from '../src/errors/errors-doc.ts';
import { renderOpenApi } from '../src/app/openapi.ts';
import { renderIndicatorsDoc } from '../src/indicators/indicators-doc.ts';

const root = join(import.meta.dirname, '..');
writeFileSync(join(root, 'docs/errors.md'), renderErrorsDoc());
writeFileSync(join(root, 'docs/indicators.md'), renderIndicatorsDoc());
writeFileSync(
  join(root, 'docs/openapi.json'),
  await renderOpenApi(mkdtempSync(join(tmpdir(), 'vigil-docs-'))),
);
process.stderr.write('wrote docs/errors.md, docs/indicators.md and docs/openapi.json\n');
