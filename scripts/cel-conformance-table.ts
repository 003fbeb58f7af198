/**
 * Writes the per-file pass counts of the cel-spec conformance run into docs/rules-language.md,
 * between its markers (test/cel-conformance/cel-spec.test.ts fails while the table is stale).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  conformanceTable,
  runConformance,
  TABLE_END,
  TABLE_START,
} from '../test/cel-conformance/conformance.ts';

const path = join(import.meta.dirname, '..', 'docs', 'rules-language.md');
const doc = readFileSync(path, 'utf8');
const start = doc.indexOf(TABLE_START);
const end = doc.indexOf(TABLE_END);
if (start < 0 || end < start) {
  throw new Error(`${path} has no conformance table markers (${TABLE_START})`);
}
writeFileSync(
  path,
  doc.slice(0, start) + conformanceTable(runConformance()) + doc.slice(end + TABLE_END.length),
);
console.log(`updated ${path}`);
