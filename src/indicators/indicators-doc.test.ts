import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INDICATORS, INDICATOR_GROUPS } from './indicator.catalogue.ts';
import { INDICATOR_GROUP_TITLES } from './indicator.format.ts';
import { renderIndicatorsDoc } from './indicators-doc.ts';

test('docs/indicators.md is what the catalogue says (run `npm run docs` after a change)', () => {
  const doc = readFileSync(join(import.meta.dirname, '../../docs/indicators.md'), 'utf8');
  assert.equal(doc, renderIndicatorsDoc());
});

test('every indicator is documented under its group with its formula, unit and breakdowns', () => {
  const doc = renderIndicatorsDoc();
  const groupAt = new Map(
    INDICATOR_GROUPS.map((g) => [g, doc.indexOf(`\n## ${INDICATOR_GROUP_TITLES[g]}\n`)]),
  );
  for (const d of INDICATORS) {
    const at = doc.indexOf(`\n### ${d.id}: ${d.title}\n`);
    assert.ok(at > 0, `${d.id} has a heading`);
    const next = doc.indexOf('\n##', at + 1);
    const section = doc.slice(at, next < 0 ? undefined : next);
    assert.ok(section.includes(d.definition), `${d.id}: definition`);
    assert.ok(section.includes(`- Formula: \`${d.formula}\``), `${d.id}: formula`);
    assert.ok(section.includes(`- Unit: \`${d.unit}\``), `${d.id}: unit`);
    for (const dim of Object.keys(d.breakdowns)) {
      assert.ok(section.includes(`\`${dim}\``), `${d.id}: breakdown ${dim}`);
    }
    // Under its own group's heading: the last group heading before it is its group's.
    const own = groupAt.get(d.group)!;
    assert.ok(own > 0 && own < at, `${d.id} after its group heading`);
    for (const [g, other] of groupAt) {
      assert.ok(g === d.group || other < own || other > at, `${d.id} not under ${g}`);
    }
  }
});
