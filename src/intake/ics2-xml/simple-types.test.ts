import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ICS2_SIMPLE_TYPES, readSimpleValue } from './simple-types.ts';

const read = (raw: string, name: keyof typeof ICS2_SIMPLE_TYPES) =>
  readSimpleValue(raw, ICS2_SIMPLE_TYPES[name]);

test('values are checked against the type library’s lengths, patterns and digits', () => {
  assert.deepEqual(read('Acme', 'NameContentType'), { ok: true, value: 'Acme' });
  assert.equal(read('x'.repeat(71), 'NameContentType').ok, false);
  assert.equal(read('', 'NameContentType').ok, false);
  assert.equal(read('two\nlines', 'NameContentType').ok, false);
  assert.deepEqual(read(' 851713 ', 'HarmonizedSystemSubHeadingCodeContentType'), {
    ok: true,
    value: '851713',
  });
  assert.equal(read('85171', 'HarmonizedSystemSubHeadingCodeContentType').ok, false);
  assert.deepEqual(read('1250.5', 'GrossMassContentType'), { ok: true, value: 1250.5 });
  assert.equal(read('1.1234567', 'GrossMassContentType').ok, false);
  assert.equal(read('12345678901234567', 'GrossMassContentType').ok, false);
  assert.equal(read('1e3', 'GrossMassContentType').ok, false);
  assert.deepEqual(read('1', 'ContainerIndicatorContentType1'), { ok: true, value: true });
  assert.deepEqual(read('0', 'ReEntryIndicatorContentType'), { ok: true, value: false });
  assert.equal(read('yes', 'ReEntryIndicatorContentType').ok, false);
  assert.equal(read('2027-03-01T10:00:00Z', 'DateTimeContentType').ok, true);
  assert.equal(read('2027-03-01T10:00:00+01:00', 'DateTimeContentType').ok, false);
  assert.equal(read('de', 'CountryContentType2').ok, false);
  assert.equal(read('x'.repeat(23), 'LRNContentType').ok, false);
});
