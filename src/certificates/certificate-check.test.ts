import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Filing } from '../domain/index.ts';
import { exampleFiling } from '../risk/test-fixtures.ts';
import { certificateHits, certificateTypeOfCode, citationProblem, citationsOf } from './certificate-check.ts';
import type {
  CertificateFacts,
  CertificateRequirement,
  Citation,
  CitationResult,
} from './certificate-check.ts';

const permit: CertificateFacts = {
  id: 'crt_1',
  type: 'cites-permit',
  documentCode: 'C400',
  number: 'DE-1',
  holderEori: 'DE123456789012345',
  goods: ['4407'],
  origin: 'CM',
  quantity: 100,
  remaining: 10,
  unit: 'MTQ',
  validFrom: '2027-01-01',
  validUntil: '2027-06-30',
  status: 'valid',
};

const citation: Citation = {
  consignment: 0,
  item: 0,
  document: 0,
  documentCode: 'C400',
  number: 'DE-1',
  quantity: 3,
  unit: 'MTQ',
  hsCode: '440799',
  origin: 'CM',
  consignee: 'DE123456789012345',
};

function rosewood(docs: Filing['consignments'][number]['goods'][number]['supportingDocuments']): Filing {
  const f = structuredClone(exampleFiling) as Filing & { consignments: { goods: unknown[] }[] };
  const g = { ...f.consignments[0]!.goods[0]!, hsCode: '440799', origin: 'CM', supportingDocuments: docs };
  return { ...f, consignments: [{ ...f.consignments[0]!, goods: [g] }] };
}

test('the document codes that cite a certificate, and the citations of a filing', () => {
  assert.equal(certificateTypeOfCode('C400'), 'cites-permit');
  assert.equal(certificateTypeOfCode('N853'), 'ched');
  assert.equal(certificateTypeOfCode('N380'), undefined, 'an invoice cites no certificate');
  const f = rosewood([
    { type: 'N380', ref: 'INV-1' },
    { type: 'C400', ref: ' de-1 ', quantity: 3, unit: 'MTQ' },
  ]);
  const [c] = citationsOf(f);
  assert.deepEqual(
    { document: c!.document, number: c!.number, consignee: c!.consignee, origin: c!.origin },
    { document: 1, number: 'DE-1', consignee: 'DE123456789012345', origin: 'CM' },
  );
});

test('a citation is checked before anything is written off, each problem with its code', () => {
  const day = '2027-02-20';
  assert.equal(citationProblem(permit, citation, day), undefined);
  const code = (
    cert: CertificateFacts | undefined,
    c: Partial<Citation> = {},
    on = day,
  ): string | undefined => citationProblem(cert, { ...citation, ...c }, on)?.code;
  assert.equal(code(undefined), 'VIGIL_CERTIFICATE_UNKNOWN');
  assert.equal(code({ ...permit, status: 'cancelled' }), 'VIGIL_CERTIFICATE_NOT_VALID');
  assert.equal(code(permit, {}, '2027-07-01'), 'VIGIL_CERTIFICATE_NOT_VALID');
  assert.equal(code(permit, {}, '2027-06-30'), undefined, 'the last day is included');
  assert.equal(code(permit, { hsCode: '050790' }), 'VIGIL_CERTIFICATE_GOODS_MISMATCH');
  assert.equal(code(permit, { origin: 'BR' }), 'VIGIL_CERTIFICATE_GOODS_MISMATCH');
  assert.equal(code(permit, { consignee: 'NL123456789' }), 'VIGIL_CERTIFICATE_HOLDER_MISMATCH');
  assert.equal(code(permit, { consignee: undefined }), 'VIGIL_CERTIFICATE_HOLDER_MISMATCH');
  assert.equal(code({ ...permit, holderEori: null }, { consignee: undefined }), undefined, 'any holder');
  assert.equal(code(permit, { quantity: undefined }), 'VIGIL_CERTIFICATE_QUANTITY_MISSING');
  assert.equal(
    code({ ...permit, quantity: null, remaining: null, unit: null }, { quantity: undefined }),
    undefined,
  );
  assert.equal(code(permit, { unit: 'KGM' }), 'VIGIL_CERTIFICATE_UNIT_MISMATCH');
});

test('the hits: refused citations by kind, and a measure whose certificate no goods item cites', () => {
  const refused = (code: string): CitationResult => ({
    consignment: 0,
    item: 0,
    document: 0,
    documentCode: 'C400',
    number: 'DE-1',
    status: 'refused',
    code,
    message: `why ${code}`,
    quantity: null,
    unit: 'MTQ',
  });
  const f = rosewood([{ type: 'C400', ref: 'DE-1', quantity: 3, unit: 'MTQ' }]);
  const exhausted = certificateHits(f, 0, [refused('VIGIL_CERTIFICATE_EXHAUSTED')], [], '2027-02-20');
  assert.deepEqual(
    exhausted.map((h) => [h.id, h.recommendedAction, h.riskArea]),
    [['SIG-CERTIFICATE-EXHAUSTED', 'physical-check', 'environment']],
  );
  const invalid = certificateHits(f, 0, [refused('VIGIL_CERTIFICATE_UNKNOWN')], [], '2027-02-20');
  assert.deepEqual(
    invalid.map((h) => [h.id, h.recommendedAction]),
    [['SIG-CERTIFICATE-INVALID', 'documentary-check']],
  );
  const measure: CertificateRequirement = {
    id: 'CITES-DALBERGIA',
    goodsPrefix: '4407',
    origin: '*',
    certificateType: 'cites-permit',
    description: 'Rosewood',
    validFrom: '2017-01-02',
    validUntil: null,
  };
  assert.deepEqual(certificateHits(f, 0, [], [measure], '2027-02-20'), [], 'cited: nothing missing');
  const uncited = rosewood(undefined);
  assert.deepEqual(
    certificateHits(uncited, 0, [], [measure], '2027-02-20').map((h) => h.id),
    ['SIG-CERTIFICATE-MISSING'],
  );
  assert.deepEqual(certificateHits(uncited, 0, [], [{ ...measure, origin: 'sanctioned' }], '2027-02-20'), []);
  assert.deepEqual(certificateHits(uncited, 0, [], [{ ...measure, origin: 'CM' }], '2027-02-20').length, 1);
  assert.deepEqual(
    certificateHits(uncited, 0, [], [{ ...measure, validUntil: '2027-01-31' }], '2027-02-20'),
    [],
  );
});
