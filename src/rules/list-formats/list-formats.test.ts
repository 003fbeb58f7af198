import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError } from '../../errors/index.ts';
import { CsvRecords } from './csv-records.ts';
import { readList, settleIds, valueId } from './index.ts';
import type { ListFormat, ReadList } from './index.ts';

const DATA = join(import.meta.dirname, '../../../test/data/watchlists');
const fixture = (name: string): string => readFileSync(join(DATA, name), 'utf8');

/** Reads `text` as an upload would arrive: in pieces of `piece` bytes. */
async function read(
  text: string,
  contentType: string,
  format?: ListFormat,
  piece = 97,
  maxBytes = 1 << 20,
): Promise<ReadList> {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += piece) {
    chunks.push(bytes.subarray(i, i + piece));
  }
  return readList(chunks, { format, contentType, maxBytes });
}

const byId = (r: ReadList) => new Map(r.reader.entities.map((e) => [e.id, e]));

test('CSV records: quoted separators, doubled quotes, line breaks inside quotes, CR LF, the line each starts on', () => {
  const r = new CsvRecords(',');
  const out = [...r.write('a,"b, c"\r\n"say ""hi""","two\nlines"\r\nlast,'), ...r.write('x\n\n'), ...r.end()];
  assert.deepEqual(out, [
    { line: 1, fields: ['a', 'b, c'] },
    { line: 2, fields: ['say "hi"', 'two\nlines'] },
    { line: 4, fields: ['last', 'x'] },
  ]);
  const open = new CsvRecords(',');
  open.write('a,"never closed\n');
  assert.deepEqual(open.end(), [{ line: 1, error: 'a quoted field is not closed before the end' }]);
});

test("Vigil's CSV takes ids, aliases, types and identifiers, and the CSV of before still reads", async () => {
  const r = await read(
    'id;value;aliases;type;identifiers;note\n' +
      'x-1;Blue Horizon Trading FZE;Blue Horizon General Trading|بلو هورايزن;organisation;registration:DMCC-1|imo: 9187629;seen 2026\n' +
      ';Blue Horizon Trading FZE;;;;another entity of the same name\n',
    'text/csv',
  );
  assert.deepEqual(r.reader.errors, []);
  assert.equal(r.format, 'csv');
  assert.deepEqual(r.reader.entities, [
    {
      id: 'x-1',
      value: 'Blue Horizon Trading FZE',
      aliases: ['Blue Horizon General Trading', 'بلو هورايزن'],
      type: 'organisation',
      identifiers: [
        { kind: 'registration', value: 'DMCC-1' },
        { kind: 'imo', value: '9187629' },
      ],
      note: 'seen 2026',
    },
    { value: 'Blue Horizon Trading FZE', note: 'another entity of the same name' },
  ]);
  const old = await read('value,note\n"Bright Electronics, Ltd",watch\nAcme BV,\n', 'text/csv');
  assert.deepEqual(old.reader.entities, [
    { value: 'Bright Electronics, Ltd', note: 'watch' },
    { value: 'Acme BV' },
  ]);
});

test('every problem of an upload is reported with its place, and no entity of a bad line is kept', async () => {
  const r = await read(
    'value,type,identifiers,expires,id\n' +
      'Good One,person,,,\n' +
      ',person,,,\n' +
      'Bad Type,spaceship,,,\n' +
      'Bad Id,,passport,2027-13-45,has space\n',
    'text/csv',
  );
  assert.deepEqual(
    r.reader.errors.map((e) => [e.code, e.path]),
    [
      ['VIGIL_SCHEMA_REQUIRED', 'line 3 value'],
      ['VIGIL_SCHEMA_VALUE', 'line 4 type'],
      ['VIGIL_SCHEMA_FORMAT', 'line 5 identifiers'],
      ['VIGIL_SCHEMA_FORMAT', 'line 5 id'],
      ['VIGIL_DATE_INVALID', 'line 5 expires'],
    ],
  );
  const nd = await read(
    '{"value":"A","aliases":["B",3]}\n"bare name"\nnot json\n{"value":"C","identifiers":[{"kind":"passport"}]}\n{"value":"D","expires":"soon"}\n',
    'application/x-ndjson',
  );
  assert.deepEqual(
    nd.reader.errors.map((e) => [e.code, e.path]),
    [
      ['VIGIL_SCHEMA_TYPE', 'line 1 $.aliases[1]'],
      ['VIGIL_WATCHLIST_PARSE', 'line 3'],
      ['VIGIL_SCHEMA_REQUIRED', 'line 4 $.identifiers[0].value'],
      ['VIGIL_SCHEMA_FORMAT', 'line 5 $.expires'],
    ],
  );
  assert.deepEqual(nd.reader.entities, [{ value: 'bare name' }]);
  const header = await read('name,note\nx,y\n', 'text/csv');
  assert.deepEqual(
    header.reader.errors.map((e) => [e.code, e.path]),
    [['VIGIL_WATCHLIST_PARSE', 'line 1']],
  );
});

test('the UN consolidated list: ids, names, aliases, original-script names, documents, namesakes', async () => {
  const r = await read(fixture('un-consolidated-sample.xml'), 'application/xml');
  assert.equal(r.format, 'un-xml');
  assert.deepEqual(r.reader.errors, []);
  assert.deepEqual(
    r.reader.entities.map((e) => [e.id, e.value, e.type]),
    [
      ['un:9100001', 'IBRAHIM KHALIL NOURI AL-FARSI', 'person'],
      ['un:9100002', 'IGOR PETROVICH SAVCHENKO', 'person'],
      ['un:9200001', 'NORTHERN STAR RELIEF FOUNDATION', 'organisation'],
      ['un:9200002', 'NORTHERN STAR RELIEF FOUNDATION', 'organisation'],
    ],
  );
  const e = byId(r);
  assert.deepEqual(e.get('un:9100001')!.aliases, [
    'Abu Khalil al-Farsi',
    'Nouri',
    'إبراهيم خليل نوري الفارسي',
  ]);
  assert.deepEqual(e.get('un:9100002')!.aliases, ['Игорь Петрович Савченко']);
  assert.deepEqual(e.get('un:9100001')!.identifiers, [
    { kind: 'un-reference', value: 'QDi.901' },
    { kind: 'passport', value: 'ZX0012345' },
    { kind: 'national-id', value: '71-0415-2290' },
  ]);
  assert.equal(e.get('un:9100001')!.source, 'UN Security Council consolidated list');
  assert.match(e.get('un:9100001')!.note!, /^UN Al-Qaida sanctions, QDi\.901, listed 2026-03-02\. Fictional/);
});

test('the EU financial sanctions file: logicalIds, subject types, names in other scripts, identifications', async () => {
  const r = await read(fixture('eu-fsf-sample.xml'), 'text/xml', undefined, 61);
  assert.equal(r.format, 'eu-fsf-xml');
  assert.deepEqual(r.reader.errors, []);
  const e = byId(r);
  assert.deepEqual([...e.keys()], ['eu:900101', 'eu:900102', 'eu:900103', 'eu:900104']);
  const person = e.get('eu:900101')!;
  assert.equal(person.value, 'Arkady Viktorovich Belotserkovsky');
  assert.equal(person.type, 'person');
  assert.deepEqual(person.aliases, ['Аркадий Викторович Белоцерковский', 'Arkadii Belotserkovskii']);
  assert.deepEqual(person.identifiers, [
    { kind: 'eu-reference', value: 'EU.9001.11' },
    { kind: 'passport', value: '750012345' },
    { kind: 'tax-id', value: '771234567890' },
  ]);
  assert.equal(e.get('eu:900102')!.type, 'organisation');
  assert.deepEqual(e.get('eu:900102')!.aliases, ['ООО Полярная Судоходная Логистика']);
  assert.deepEqual(e.get('eu:900103')!.identifiers, [
    { kind: 'eu-reference', value: 'EU.9003.13' },
    { kind: 'un-reference', value: 'QDe.903' },
  ]);
  assert.equal(e.get('eu:900104')!.value, e.get('eu:900103')!.value);
});

test('OFAC SDN: sdn.csv and alt.csv in one body (the real files, with their Ctrl-Z), and sdn.xml', async () => {
  const csv = await read(
    fixture('ofac-sdn-excerpt.csv') + fixture('ofac-alt-excerpt.csv'),
    'text/csv',
    'ofac-sdn-csv',
  );
  assert.deepEqual(csv.reader.errors, []);
  const e = byId(csv);
  assert.equal(e.size, 11);
  const aqsa = [...e.values()].filter((x) => x.value === 'AL-AQSA FOUNDATION');
  assert.deepEqual(
    aqsa.map((x) => x.id),
    ['ofac:7637', 'ofac:7643', 'ofac:7644', 'ofac:7645'],
  );
  assert.ok(aqsa.every((x) => x.aliases!.includes('STICHTING AL-AQSA')));
  assert.deepEqual(e.get('ofac:2676')!.identifiers, [
    { kind: 'passport', value: '1084010' },
    { kind: 'passport', value: '19820215' },
  ]);
  assert.equal(e.get('ofac:2676')!.type, 'person');
  const vessel = e.get('ofac:15036')!;
  assert.equal(vessel.type, 'vessel');
  assert.deepEqual(vessel.aliases, ['ABADAN', 'SHONA']);
  assert.deepEqual(vessel.identifiers, [
    { kind: 'call-sign', value: 'T2EU4' },
    { kind: 'imo', value: '9187629' },
    { kind: 'mmsi', value: '572469210' },
  ]);
  assert.deepEqual(e.get('ofac:906')!.identifiers, [
    { kind: 'swift-bic', value: 'HAVIGB2L' },
    { kind: 'registration', value: '01074897' },
  ]);
  assert.equal(e.get('ofac:15431')!.type, 'aircraft');

  const xml = await read(fixture('ofac-sdn-sample.xml'), 'application/xml');
  assert.equal(xml.format, 'ofac-sdn-xml');
  assert.deepEqual(xml.reader.errors, []);
  const x = byId(xml);
  assert.deepEqual(x.get('ofac:2676')!.aliases, ['AL-ZAWAHIRI, Ayman', 'SALIM, Ahmad Fuad']);
  assert.equal(x.get('ofac:2676')!.value, 'AL ZAWAHIRI, Dr. Ayman');
  assert.deepEqual(x.get('ofac:15036')!.identifiers, [
    { kind: 'call-sign', value: 'T2EU4' },
    { kind: 'imo', value: '9187629' },
    { kind: 'mmsi', value: '572469210' },
  ]);
  const orphan = await read(fixture('ofac-alt-excerpt.csv'), 'text/csv', 'ofac-sdn-csv');
  assert.equal(orphan.reader.entities.length, 0);
  assert.equal(orphan.reader.errors[0]?.path, 'line 1');
});

test('XML: a DOCTYPE is refused, a wrong root for the format named is a format error, an unknown root too', async () => {
  await assert.rejects(
    read('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><CONSOLIDATED_LIST/>', 'application/xml'),
    (e: unknown) => e instanceof VigilError && e.code === 'VIGIL_XML_FORBIDDEN',
  );
  await assert.rejects(
    read('<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>', 'application/xml'),
    (e: unknown) => e instanceof VigilError && e.code === 'VIGIL_XML_MALFORMED',
  );
  const wrong = await read(fixture('eu-fsf-sample.xml'), 'application/xml', 'un-xml');
  assert.deepEqual(
    wrong.reader.errors.map((e) => [e.code, e.path]),
    [['VIGIL_WATCHLIST_FORMAT', '/export']],
  );
  await assert.rejects(
    read('<catalogue><book/></catalogue>', 'application/xml'),
    (e: unknown) =>
      e instanceof VigilError &&
      e.code === 'VIGIL_WATCHLIST_INVALID' &&
      e.errors?.[0]?.code === 'VIGIL_WATCHLIST_FORMAT',
  );
  const noId = await read(
    '<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL><INDIVIDUAL><DATAID>1</DATAID></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>',
    'application/xml',
  );
  assert.deepEqual(
    noId.reader.errors.map((e) => e.path),
    [
      '/CONSOLIDATED_LIST/INDIVIDUALS[1]/INDIVIDUAL[1]/DATAID',
      '/CONSOLIDATED_LIST/INDIVIDUALS[1]/INDIVIDUAL[2]/FIRST_NAME',
    ],
  );
});

test('an upload larger than the limit is refused before it is all read', async () => {
  await assert.rejects(
    read(fixture('un-consolidated-sample.xml'), 'application/xml', undefined, 512, 1024),
    (e: unknown) => e instanceof VigilError && e.code === 'VIGIL_BODY_TOO_LARGE',
  );
});

test('ids: a list gives its own; without one an entity gets one from its value, namesakes a second', () => {
  const r = settleIds(
    [{ value: 'Acme BV' }, { value: 'Acme BV' }, { id: 'a', value: 'X' }, { value: 'Other' }],
    (i) => `line ${i + 2}`,
  );
  assert.ok(r.ok);
  assert.deepEqual(
    r.value.map((e) => e.id),
    [valueId('Acme BV'), `${valueId('Acme BV')}-2`, 'a', valueId('Other')],
  );
  assert.match(valueId('Acme BV'), /^v:[0-9a-f]{16}$/);
  const dup = settleIds(
    [
      { id: 'a', value: 'X' },
      { id: 'a', value: 'Y' },
    ],
    (i) => `line ${i + 2}`,
  );
  assert.ok(!dup.ok);
  assert.deepEqual(
    dup.errors.map((e) => [e.code, e.path]),
    [['VIGIL_WATCHLIST_DUPLICATE_ID', 'line 3']],
  );
});
