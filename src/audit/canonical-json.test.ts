/**
 * Canonical JSON against RFC 8785's own examples: key order by UTF-16 code units, ECMAScript number
 * form, string escaping, and refusal of values JSON cannot carry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from './canonical-json.ts';

test('RFC 8785 §3.2.2 example: whitespace, numbers, strings and literals', () => {
  const input = JSON.parse(
    '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
      ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
  );
  assert.equal(
    canonicalJson(input),
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
      '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
  );
});

test('RFC 8785 §3.2.3 example: keys sorted by UTF-16 code units, nested objects too', () => {
  const input = {
    '\u20ac': 'Euro Sign',
    '\r': 'Carriage Return',
    '\ufb33': 'Hebrew Letter Dalet With Dagesh',
    '1': 'One',
    '\ud83d\ude00': 'Emoji: Grinning Face',
    '\u0080': 'Control',
    '\u00f6': 'Latin Small Letter O With Diaeresis',
  };
  assert.equal(
    canonicalJson(input),
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
      '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
  assert.equal(
    canonicalJson({ b: { d: 1, c: [2, { f: 3, e: 4 }] }, a: null }),
    '{"a":null,"b":{"c":[2,{"e":4,"f":3}],"d":1}}',
  );
});

test('numbers take their ECMAScript form (RFC 8785 appendix B)', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '0'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [9007199254740992, '9007199254740992'],
    [1e21, '1e+21'],
    [1e20, '100000000000000000000'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
    [-1.5, '-1.5'],
  ];
  for (const [n, text] of cases) {
    assert.equal(canonicalJson(n), text, String(n));
  }
});

test('drops undefined members, writes dates as ISO strings, rejects what JSON cannot carry', () => {
  assert.equal(
    canonicalJson({ a: undefined, b: new Date('2027-02-20T08:00:00Z') }),
    '{"b":"2027-02-20T08:00:00.000Z"}',
  );
  assert.throws(() => canonicalJson(undefined), TypeError);
  assert.throws(() => canonicalJson({ n: Number.NaN }));
  assert.throws(() => canonicalJson({ n: Infinity }));
  assert.throws(() => canonicalJson({ s: '\ud800' }));
  const cycle: Record<string, unknown> = {};
  cycle['self'] = cycle;
  assert.throws(() => canonicalJson(cycle));
});
