import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatOfContentType, formatOfFile, readRecords } from './record-file.ts';

test('CSV: a header row, quoted fields, empty cells absent, semicolons from spreadsheets, every bad line', () => {
  const csv = [
    '\uFEFFeori,name,city',
    'DE1,"Müller, Söhne GmbH",Hamburg',
    'DE2,"He said ""hi""",',
    '',
    'DE3,"unclosed,Bremen',
    'DE4,a,b,c',
  ].join('\r\n');
  const r = readRecords(csv, 'csv');
  assert.deepEqual(
    r.records.map((x) => [x.index, x.line, x.value]),
    [
      [0, 2, { eori: 'DE1', name: 'Müller, Söhne GmbH', city: 'Hamburg' }],
      [1, 3, { eori: 'DE2', name: 'He said "hi"' }],
    ],
  );
  assert.deepEqual(
    r.errors.map((e) => `${e.path} ${e.code} ${e.message}`),
    [
      '$[2] VIGIL_REGISTRY_ROW_UNREADABLE line 5: a quoted field is not closed',
      '$[3] VIGIL_REGISTRY_ROW_UNREADABLE line 6: 4 fields for 3 columns',
    ],
  );
  assert.deepEqual(readRecords('eori;name\nDE1;Acme', 'csv').records[0]!.value, {
    eori: 'DE1',
    name: 'Acme',
  });
  assert.equal(readRecords('', 'csv').errors[0]!.code, 'VIGIL_REGISTRY_ROW_UNREADABLE');
});

test('NDJSON and JSON arrays: one object per record, anything else reported with its place', () => {
  const nd = readRecords('{"eori":"DE1"}\n\n[1]\nnot json\n{"eori":"DE2"}\n', 'ndjson');
  assert.deepEqual(
    nd.records.map((x) => [x.index, x.line]),
    [
      [0, 1],
      [3, 5],
    ],
  );
  assert.deepEqual(
    nd.errors.map((e) => e.path),
    ['$[1]', '$[2]'],
  );
  const json = readRecords([{ eori: 'DE1' }, 'x'], 'json');
  assert.equal(json.records.length, 1);
  assert.equal(json.records[0]!.line, undefined);
  assert.deepEqual(json.errors[0]!.path, '$[1]');
  assert.equal(readRecords({ eori: 'DE1' }, 'json').errors[0]!.path, '$');
});

test('formats by file name and content type', () => {
  assert.equal(formatOfFile('EOS.CSV'), 'csv');
  assert.equal(formatOfFile('a.jsonl'), 'ndjson');
  assert.equal(formatOfFile('a.json'), 'json');
  assert.equal(formatOfFile('a.txt'), undefined);
  assert.equal(formatOfContentType('text/csv; charset=utf-8'), 'csv');
  assert.equal(formatOfContentType('text/plain'), undefined);
  assert.equal(formatOfContentType(undefined), undefined);
});
