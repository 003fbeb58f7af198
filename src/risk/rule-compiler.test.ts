import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRule, positionAt, type RuleCompileError } from './rule-compiler.ts';

function errorsOf(source: string, options = {}): readonly RuleCompileError[] {
  const r = compileRule(source, options);
  assert.equal(r.ok, false, `expected ${source} to be refused`);
  return r.ok ? [] : r.errors;
}

test('the two DESIGN §4 examples compile to closures', () => {
  for (const s of [
    'goods.exists(g, g.hsCode.startsWith("8517")) && consignment.origin in ["CN", "HK"] && valuePerKg < 20.0',
    'consignor.name.fuzzy("Bright Electronics", 0.85) || container.id in watchlist("seized-containers")',
  ]) {
    const r = compileRule(s);
    assert.ok(r.ok, s);
    assert.equal(r.value.compiled, true);
  }
});

test('an unknown field is refused with its position', () => {
  const [e] = errorsOf('goods.exists(g, g.hsCod.startsWith("85"))');
  assert.equal(e?.code, 'VIGIL_RULE_UNKNOWN_FIELD');
  assert.deepEqual(e?.position, { line: 1, column: 19, offset: 18 });
});

test('an unknown variable is an unknown field, on the right line', () => {
  const [e] = errorsOf('valuePerKg < 20.0 &&\n  consignement.origin == "CN"');
  assert.equal(e?.code, 'VIGIL_RULE_UNKNOWN_FIELD');
  assert.equal(e?.position.line, 2);
  assert.equal(e?.position.column, 3);
});

test('a type error is refused', () => {
  const [e] = errorsOf('consignment.origin == 3');
  assert.equal(e?.code, 'VIGIL_RULE_TYPE_ERROR');
  assert.equal(e?.position.line, 1);
});

test('a non-boolean condition is refused', () => {
  const [e] = errorsOf('valuePerKg * 2.0');
  assert.equal(e?.code, 'VIGIL_RULE_NOT_BOOLEAN');
  assert.match(e?.message ?? '', /double/);
});

test('a syntax error is refused where the parser stopped', () => {
  const [e] = errorsOf('goods.exists(g, g.hsCode == "85" &&');
  assert.equal(e?.code, 'VIGIL_RULE_SYNTAX');
  assert.equal(e?.position.offset, 35);
});

test('unknown country groups and watchlists, and thresholds outside [0, 1], are refused', () => {
  assert.equal(errorsOf('inGroup(consignment.origin, "evil")')[0]?.code, 'VIGIL_RULE_UNKNOWN_REFERENCE');
  assert.equal(
    errorsOf('inWatchlist("nope", consignee.eori)', { watchlistNames: new Set(['known']) })[0]?.code,
    'VIGIL_RULE_UNKNOWN_REFERENCE',
  );
  assert.equal(errorsOf('consignor.name.fuzzy("x", 1.5)')[0]?.code, 'VIGIL_RULE_INVALID_ARGUMENT');
});

test('discriminators come from necessary conditions only', () => {
  const d = (s: string): unknown => {
    const r = compileRule(s);
    assert.ok(r.ok, s);
    return r.value.discriminator;
  };
  assert.deepEqual(d('goods.exists(g, g.hsCode.startsWith("8517")) && transport.mode == "air"'), [
    { path: 'goods[].hsCode', kind: 'prefix', values: ['8517'] },
  ]);
  assert.deepEqual(d('"AE" in routing || hsIn(hsCodes[0], ["93"])'), undefined);
  assert.deepEqual(d('!(transport.mode == "air")'), undefined);
  assert.deepEqual(d('transport.mode == "air" || transport.mode == "express"'), [
    { path: 'transport.mode', kind: 'eq', values: ['air'] },
    { path: 'transport.mode', kind: 'eq', values: ['express'] },
  ]);
});

test('positionAt counts lines and columns from 1', () => {
  assert.deepEqual(positionAt('ab\ncd', 4), { line: 2, column: 2, offset: 4 });
});

test('a second necessary condition on other fields is kept for the index to intersect', () => {
  const r = compileRule('consignment.origin == "CN" && transport.mode == "air" && totalValue > 1.0');
  assert.ok(r.ok);
  assert.deepEqual(r.value.discriminator, [{ path: 'consignment.origin', kind: 'eq', values: ['CN'] }]);
  assert.deepEqual(r.value.secondDiscriminator, [{ path: 'transport.mode', kind: 'eq', values: ['air'] }]);
  const one = compileRule('transport.mode == "air" || transport.mode == "road"');
  assert.ok(one.ok);
  assert.equal(one.value.secondDiscriminator, undefined);
});
