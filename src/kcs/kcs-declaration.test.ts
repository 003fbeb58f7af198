/**
 * The KCS mapping: a KCS row becomes a valid H1 declaration, and the declaration gives back the very
 * row the model reads (so lodging a declaration scores it as training scored its row); non-KRW prices
 * are converted at the reference rate; offices and transport modes map both ways.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticRows } from './synthetic-rows.fixture.ts';
import { declarationToKcsRows, kcsOffice, kcsRowToDeclaration } from './kcs-declaration.ts';
import { importDeclarationSchema } from '../import-declarations/import.schema.ts';
import { parseKcs } from './kcs-reader.ts';
import type { KcsRow } from './kcs-reader.ts';

const unlabelled = (r: KcsRow): KcsRow => ({ ...r, fraud: Number.NaN, criticalFraud: Number.NaN });

const CSV = `Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud
56839011,2021-01-01,40,B,11,11,11,40,76NV527,SHHZGSL,249LO7A,,760711,CN,CN,7.2,FCN1,E,901.2,415092.72,0,0
64859691,2021-01-01,20,B,11,21,11,10,IP2CUKX,H6W16WM,K6GNOK5,MWIDNS,321590,HK,CN,0.0,FCN1,E,400.0,30520.0,1,2
75323025,2020-01-08,40,B,11,21,43,90,XGAIPZH,78ISRPP,39MNNB8,,392690,JP,JP,6.5,C,S,0.0,0.0,1,1`;

test('KCS rows become valid H1 declarations that give back the same model row', () => {
  for (const row of [...parseKcs(CSV), ...syntheticRows(200)]) {
    const parsed = importDeclarationSchema.safeParse(kcsRowToDeclaration(row));
    assert.ok(parsed.success, `${row.id}: ${JSON.stringify(parsed.error?.issues)}`);
    assert.equal(parsed.data.type, 'H1');
    const [back, ...rest] = declarationToKcsRows(row.id, parsed.data);
    assert.equal(rest.length, 0);
    assert.deepEqual(back, unlabelled(row));
  }
});

test('the KCS codes map onto Vigil offices and modes and are kept verbatim', () => {
  const [sea, , other] = parseKcs(CSV).map((r) => importDeclarationSchema.parse(kcsRowToDeclaration(r)));
  assert.equal(sea!.office, 'KR000040');
  assert.equal(sea!.mode, 'air');
  assert.equal(sea!.codes?.transportMode, '40');
  assert.equal(other!.mode, undefined, 'code 90 has no Vigil mode');
  assert.equal(other!.codes?.transportMode, '90');
  assert.equal(kcsOffice('7'), 'KR000007');
  assert.equal(sea!.courier, undefined);
});

test('a declaration lodged in Vigil terms maps onto the model row: office, mode, KRW', () => {
  const d = importDeclarationSchema.parse({
    type: 'H1',
    date: '2021-02-01',
    office: 'KR000040',
    mode: 'maritime',
    declarant: { id: 'DEC1' },
    importer: { eori: 'NL123456789' },
    goods: [
      { hsCode: '85171300', origin: 'CN', netMassKg: 2, price: { amount: 100, currency: 'EUR' } },
      {
        hsCode: '640399',
        origin: 'VN',
        departure: 'HK',
        netMassKg: 1,
        price: { amount: 5000, currency: 'KRW' },
      },
    ],
  });
  const [a, b] = declarationToKcsRows('X', d);
  assert.equal(a!.office, '40');
  assert.equal(a!.transportMode, '10');
  assert.equal(a!.importer, 'NL123456789');
  assert.equal(a!.hs6, '851713');
  assert.equal(a!.itemPrice, 147_000);
  assert.ok(Number.isNaN(a!.taxRate));
  assert.equal(b!.itemPrice, 5000);
  assert.equal(b!.departureCountry, 'HK');
});
