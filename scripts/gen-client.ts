/**
 * Generates the workbench's API types (web/src/api/schema.d.ts) from docs/openapi.json with
 * openapi-typescript: `npm run gen:client` after `npm run docs`. The file is checked in;
 * test/api/web-client.test.ts regenerates it in memory and fails when it differs.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedClientTypes } from './web-client-types.ts';

const out = join(import.meta.dirname, '../web/src/api/schema.d.ts');
writeFileSync(out, await generatedClientTypes());
process.stdout.write(`wrote ${out}\n`);
