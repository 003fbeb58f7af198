/**
 * The public cel-spec conformance suite (test/data/cel-spec, Apache-2.0) run through Vigil's own CEL
 * path (compileExpression: the rule type checker, the compiled closures, the library fallback). Every
 * case of a feature the rule language offers must pass; skips and known deviations are data
 * (skips.ts) with reasons; the per-file counts in docs/rules-language.md must match this run.
 * Also the deviations of issue 15 finding 3, asserted on a rule over a trader's name, on both paths.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildActivation } from '../../src/risk/activation.ts';
import { createFrame } from '../../src/risk/cel-compiler.ts';
import { compileRule } from '../../src/risk/rule-compiler.ts';
import { createRuleRuntime } from '../../src/risk/rule-environment.ts';
import { exampleFiling } from '../../src/risk/test-fixtures.ts';
import { conformanceTable, runConformance, TABLE_END, TABLE_START } from './conformance.ts';
import { CONFORMANCE_SKIPS, KNOWN_DEVIATIONS, knownDeviation } from './skips.ts';

const results = runConformance();

describe('cel-spec conformance (tests/simple/testdata)', () => {
  it('passes every case of a feature the rule language offers', () => {
    const failed = results.filter(
      (r) => r.status === 'fail' && knownDeviation(r.file, r.section, r.name) === undefined,
    );
    assert.deepEqual(
      failed.map((r) => `${r.file}/${r.section}/${r.name}: ${r.expr} → ${r.detail}`),
      [],
    );
    assert.ok(results.filter((r) => r.status === 'pass').length >= 550, 'the suite ran');
  });

  it('lists known deviations that still deviate, and skips that still match a case', () => {
    for (const d of KNOWN_DEVIATIONS) {
      const hit = results.filter((r) => r.file === d.file && r.section === d.section && r.name === d.test);
      assert.ok(hit.length > 0, `known deviation ${d.file}/${d.section}/${d.test} names no case`);
      assert.ok(
        hit.every((r) => r.status === 'fail'),
        `${d.file}/${d.section}/${d.test} passes now: remove it from KNOWN_DEVIATIONS`,
      );
    }
    for (const s of CONFORMANCE_SKIPS) {
      assert.ok(
        results.some(
          (r) =>
            r.file === s.file &&
            (s.section === undefined || r.section === s.section) &&
            (s.test === undefined || r.name === s.test),
        ),
        `skip ${s.file}/${s.section ?? '*'}/${s.test ?? '*'} names no case`,
      );
    }
  });

  it('runs the integer, string and list cases through the compiled closures, not only the library', () => {
    const compiled = results.filter((r) => r.status === 'pass' && r.compiled === true);
    assert.ok(compiled.length > 300, `only ${compiled.length} cases compiled`);
  });

  it('matches the per-file pass counts documented in docs/rules-language.md', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'rules-language.md'), 'utf8');
    const start = doc.indexOf(TABLE_START);
    const end = doc.indexOf(TABLE_END);
    assert.ok(start >= 0 && end > start, 'docs/rules-language.md has the conformance table markers');
    assert.equal(
      doc.slice(start, end + TABLE_END.length),
      conformanceTable(results),
      'the table is stale: run node scripts/cel-conformance-table.ts',
    );
  });
});

describe('CEL semantics in rules (issue 15, finding 3)', () => {
  const c = exampleFiling.consignments[0]!;
  const filing = {
    ...exampleFiling,
    consignments: [{ ...c, consignee: { ...c.consignee, name: 'straße TacoCÆt\u{1F600}' } }],
  };
  const act = buildActivation({ filing, consignmentIndex: 0, at: '2026-03-01T00:00:00Z' });
  const rt = createRuleRuntime();
  // `int(1.0) == 1` is outside the compiled closures: the rule runs on the library's evaluator.
  const paths = [
    ['compiled', ''],
    ['library', ' && int(1.0) == 1'],
  ] as const;

  for (const [path, suffix] of paths) {
    const holds = (condition: string): boolean => {
      const r = compileRule(condition + suffix);
      assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
      assert.equal(r.value.compiled, path === 'compiled');
      return r.value.evaluate(createFrame(act, rt));
    };
    const fails = (condition: string): void => {
      const r = compileRule(condition + suffix);
      assert.ok(r.ok);
      assert.throws(() => r.value.evaluate(createFrame(act, rt)));
    };

    it(`upperAscii, lowerAscii and trim change ASCII only (${path})`, () => {
      assert.equal(holds(`consignee.name.upperAscii() == 'STRAßE TACOCÆT\u{1F600}'`), true);
      assert.equal(holds(`consignee.name.lowerAscii() == 'straße tacocÆt\u{1F600}'`), true);
      assert.equal(holds(`('\\ufeff' + consignee.name + ' ').trim() == '\\ufeff' + consignee.name`), true);
    });

    it(`integers are 64-bit: exact beyond 2^53, overflow is an error (${path})`, () => {
      assert.equal(holds('9223372036854775807 == 9223372036854775806'), false);
      assert.equal(holds('consignment.goodsCount * 4611686018427387904 == 4611686018427387904'), true);
      assert.equal(holds('9007199254740993 - consignment.goodsCount == 9007199254740992'), true);
      assert.equal(holds('-consignment.goodsCount / 2 == 0'), true);
      fails('-(-9223372036854775808) > 0');
      fails('consignment.goodsCount * 9223372036854775807 * 2 > 0');
      fails('(-9223372036854775808) / -1 > 0');
      fails('(consignment.goodsCount - consignment.goodsCount - 9223372036854775807 - 1) / -1 > 0');
      fails('-(consignment.goodsCount - consignment.goodsCount - 9223372036854775807 - 1) > 0');
    });

    it(`NaN is in no list, and strings order by code point (${path})`, () => {
      assert.equal(holds('totalValue / 0.0 * 0.0 in [totalValue / 0.0 * 0.0]'), false);
      assert.equal(holds(`consignee.name > 'straße TacoCÆt\\uffff'`), true);
      assert.equal(holds(`'\\U0001F600' > '\\uffff' && !('\\U0001F600' <= '\\uffff')`), true);
      assert.equal(holds(`('a' < 'b') == ('b' >= 'a' + consignee.name)`), true);
      assert.equal(holds(`( consignee.name ) < ( ( 'ŝ' ) ) && -( consignment.goodsCount ) / (2) <= 0`), true);
    });
  }
});
