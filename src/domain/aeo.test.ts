import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aeoTypeOf, coversArea, coversOfType, grantsInForce, inForce, typeOfCovers } from './aeo.ts';
import type { AeoGrant } from './aeo.ts';

const grant = (over: Partial<AeoGrant> = {}): AeoGrant => ({
  kind: 'aeo',
  reference: 'DEAEOF0000000001',
  type: 'AEOF',
  covers: ['financial', 'security'],
  status: 'valid',
  statusFrom: '2020-01-01',
  validFrom: '2020-01-01',
  ...over,
});

test('what each type covers, and the type that covers exactly these', () => {
  assert.deepEqual(coversOfType('AEOC'), ['financial']);
  assert.deepEqual(coversOfType('AEOS'), ['security']);
  assert.deepEqual(coversOfType('AEOF'), ['financial', 'security']);
  assert.equal(typeOfCovers(['security', 'financial']), 'AEOF');
  assert.equal(typeOfCovers(['security']), 'AEOS');
  assert.equal(typeOfCovers([]), undefined);
});

test('the areas a status lowers: AEOF the financial and security areas, never the others', () => {
  const full = coversOfType('AEOF');
  assert.ok(coversArea(full, 'security-safety'));
  assert.ok(coversArea(full, 'undervaluation'));
  assert.ok(coversArea(full, 'procedure-42'));
  assert.ok(!coversArea(full, 'health'));
  assert.ok(!coversArea(full, 'ipr'));
  assert.ok(!coversArea(coversOfType('AEOC'), 'security-safety'));
  assert.ok(!coversArea(coversOfType('AEOS'), 'origin'));
});

test('in force: within validity (both ends), not suspended or revoked from a day on or before it', () => {
  const g = grant({ validFrom: '2020-01-01', validUntil: '2027-12-31' });
  assert.ok(!inForce(g, '2019-12-31'));
  assert.ok(inForce(g, '2020-01-01'));
  assert.ok(inForce(g, '2027-12-31'));
  assert.ok(!inForce(g, '2028-01-01'));
  const suspended = grant({ status: 'suspended', statusFrom: '2027-03-01' });
  assert.ok(inForce(suspended, '2027-02-28'), 'in force until its suspension');
  assert.ok(!inForce(suspended, '2027-03-01'));
  assert.ok(!inForce(grant({ status: 'revoked', statusFrom: '2021-01-01' }), '2027-01-01'));
});

test('an MRA recognition is in force only for the flows its agreement covers', () => {
  const mra = grant({ kind: 'mra', type: 'AEOS', covers: ['security'], flows: ['export'] });
  assert.ok(!inForce(mra, '2027-01-01', 'import'));
  assert.ok(inForce(mra, '2027-01-01', 'export'));
});

test('the strongest status first, own authorisations before recognitions; the type rules see', () => {
  const aeos = grant({ reference: 'S', type: 'AEOS', covers: ['security'] });
  const mra = grant({ kind: 'mra', reference: 'M', type: 'AEOS', covers: ['security'], flows: ['import'] });
  const aeoc = grant({ reference: 'C', type: 'AEOC', covers: ['financial'] });
  const revoked = grant({ reference: 'R', status: 'revoked', statusFrom: '2020-01-01' });
  const inForceNow = grantsInForce([mra, revoked, aeoc, aeos], '2027-01-01');
  assert.deepEqual(
    inForceNow.map((g) => g.reference),
    ['C', 'S', 'M'],
  );
  assert.equal(aeoTypeOf(inForceNow), 'AEOF', 'AEOC and AEOS together are the full status');
  assert.equal(aeoTypeOf([]), undefined);
});
