import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayNumber, parseKcs } from './kcs-reader.ts';

const HEADER =
  'Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud';

test('maps a KCS line to a typed row; an empty courier stays empty', () => {
  const rows = parseKcs(
    `${HEADER}\n97061800,2020-01-01,30,B,11,21,11,10,ZZR1LT6,QLRUBN9,0VKY2BR,,440890,BE,BE,0.0,FEU1,G,108.0,372254.4,1,2\n`,
  );
  assert.equal(rows.length, 1);
  const r = rows[0]!;
  assert.equal(r.id, '97061800');
  assert.equal(r.date, '2020-01-01');
  assert.equal(r.day, dayNumber('2020-01-01'));
  assert.equal(r.importer, 'QLRUBN9');
  assert.equal(r.courier, '');
  assert.equal(r.hs6, '440890');
  assert.equal(r.taxRate, 0);
  assert.equal(r.netMass, 108);
  assert.equal(r.itemPrice, 372254.4);
  assert.equal(r.fraud, 1);
  assert.equal(r.criticalFraud, 2);
});

test('columns are found by name; a file without labels parses with NaN labels', () => {
  const rows = parseKcs('Date,Declaration ID,Importer ID,Net Mass\r\n2021-04-02,42,IMP1,\r\n');
  assert.equal(rows[0]!.id, '42');
  assert.equal(rows[0]!.importer, 'IMP1');
  assert.ok(Number.isNaN(rows[0]!.netMass));
  assert.ok(Number.isNaN(rows[0]!.fraud));
});

test('a header without the date column is refused', () => {
  assert.throws(() => parseKcs('Declaration ID,Importer ID\n1,A\n'), /Date/);
});

test('day numbers count days, so weeks and "strictly earlier" are exact', () => {
  assert.equal(dayNumber('2020-01-08') - dayNumber('2020-01-01'), 7);
  assert.equal(dayNumber('2021-01-01') - dayNumber('2020-12-31'), 1);
});
