import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../../errors/index.ts';
import { parseXml } from './xml-document.ts';

const limits = { maxDepth: 4, maxElements: 10, maxTextLength: 20, maxAttributes: 2 };
const refusedWith = (code: string) => (err: unknown) => err instanceof VigilError && err.code === code;

test('elements keep their namespace, text and start position', () => {
  const doc = parseXml(
    '<?xml version="1.0"?>\n<e:a xmlns:e="urn:x">\n  <e:b>1 &amp; 2</e:b><![CDATA[<c>]]></e:a>',
  );
  assert.equal(doc.root.uri, 'urn:x');
  assert.equal(doc.root.local, 'a');
  assert.deepEqual(doc.root.position, { line: 2, column: 1, offset: 22 });
  const b = doc.root.children[0]!;
  assert.equal(b.text, '1 & 2');
  assert.deepEqual([b.position.line, b.position.column], [3, 3]);
  assert.equal(doc.root.text.trim(), '<c>');
});

test('a DOCTYPE is refused whether or not it declares entities', () => {
  assert.throws(() => parseXml('<!DOCTYPE a><a/>'), refusedWith('VIGIL_XML_FORBIDDEN'));
  assert.throws(
    () => parseXml('<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>'),
    refusedWith('VIGIL_XML_FORBIDDEN'),
  );
});

test('an undeclared entity and a broken document are malformed', () => {
  assert.throws(() => parseXml('<a>&e;</a>'), refusedWith('VIGIL_XML_MALFORMED'));
  assert.throws(() => parseXml('<a><b></a>'), refusedWith('VIGIL_XML_MALFORMED'));
  assert.throws(() => parseXml(''), refusedWith('VIGIL_XML_MALFORMED'));
  assert.throws(() => parseXml('<p:a/>'), refusedWith('VIGIL_XML_MALFORMED'));
});

test('depth, element count, text length and attributes are limited', () => {
  assert.throws(
    () => parseXml('<a><a><a><a><a/></a></a></a></a>', limits),
    refusedWith('VIGIL_XML_TOO_LARGE'),
  );
  assert.doesNotThrow(() => parseXml('<a><a><a><a/></a></a></a>', limits));
  assert.throws(() => parseXml(`<a>${'<b/>'.repeat(10)}</a>`, limits), refusedWith('VIGIL_XML_TOO_LARGE'));
  assert.throws(() => parseXml(`<a>${'x'.repeat(21)}</a>`, limits), refusedWith('VIGIL_XML_TOO_LARGE'));
  assert.throws(() => parseXml('<a x="1" y="2" z="3"/>', limits), refusedWith('VIGIL_XML_TOO_LARGE'));
});
