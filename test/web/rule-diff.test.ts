/** The line diff the Rules screen shows between two versions of a condition (web/src/rules/diff.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLines } from '../../web/src/rules/diff.ts';

test('lines kept, removed and added, in order', () => {
  const before = 'goods.exists(g,\n  g.hsCode.startsWith("8517"))\n&& valuePerKg < 20.0';
  const after = 'goods.exists(g,\n  g.hsCode.startsWith("8517") && g.origin == "CN")\n&& valuePerKg < 20.0';
  assert.deepEqual(diffLines(before, after), [
    { kind: 'same', text: 'goods.exists(g,' },
    { kind: 'removed', text: '  g.hsCode.startsWith("8517"))' },
    { kind: 'added', text: '  g.hsCode.startsWith("8517") && g.origin == "CN")' },
    { kind: 'same', text: '&& valuePerKg < 20.0' },
  ]);
  assert.deepEqual(diffLines('a', 'a'), [{ kind: 'same', text: 'a' }]);
  assert.deepEqual(diffLines('a\nb', 'b\nc'), [
    { kind: 'removed', text: 'a' },
    { kind: 'same', text: 'b' },
    { kind: 'added', text: 'c' },
  ]);
});
