/**
 * The STIX 2.1 exchange of RIFs: a RIF and its feedback survive export and import with nothing lost,
 * the export validates against the official STIX 2.1 JSON schemas (test/data/stix2.1-schemas), and a
 * broken bundle is refused with every error at its path.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { makeMrn } from '../domain/index.ts';
import { TLP_LABELS, rifInputSchema } from './rif.schema.ts';
import type { Rif, RifFeedback, RifInput, TlpLabel } from './rif.schema.ts';
import { RIF_EXTENSION_ID, TLP_MARKING_IDS, rifPattern, rifToStix, stixToRif, uuidV5 } from './stix.ts';
import type { StixBundle } from './stix.ts';
// The schemas are JSON Schema 2020-12: ajv 8's 2020 dialect.
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json' with { type: 'json' };

// ---- The official schemas (test/data/stix2.1-schemas, see its README) ------------------------------

const SCHEMA_DIR = new URL('../../test/data/stix2.1-schemas/', import.meta.url);
const SCHEMA_BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';
const readJson = (path: string): any => JSON.parse(readFileSync(new URL(path, SCHEMA_DIR), 'utf8'));

// unicodeRegExp off: the schemas' patterns use `\-`, which JavaScript's unicode mode rejects;
// strictTypes off: they leave out `type` beside `pattern` and `properties`, which strict mode flags.
const ajv = new Ajv2020({ allErrors: true, strictTypes: false, unicodeRegExp: false });
// ajv-formats is CommonJS: its plugin is the module's default export's `default`.
formats.default(ajv);
ajv.addFormat('idn-hostname', true); // only domain-name objects use it; Vigil writes none
for (const dir of ['common', 'sdos', 'sros', 'observables']) {
  for (const file of readdirSync(new URL(`${dir}/`, SCHEMA_DIR))) {
    ajv.addSchema(readJson(`${dir}/${file}`));
  }
}
// The OASIS TLP 2.0 schema is draft-07; its keywords mean the same under 2020-12.
ajv.addMetaSchema(draft07);
const tlp2Schema = ajv.compile(
  readJson('tlp-2.0/extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d.json'),
);

const SCHEMA_OF: Record<string, string> = {
  identity: 'sdos/identity.json',
  report: 'sdos/report.json',
  indicator: 'sdos/indicator.json',
  sighting: 'sros/sighting.json',
  'marking-definition': 'common/marking-definition.json',
  'extension-definition': 'common/extension-definition.json',
};

function schemaErrors(schemaPath: string, value: unknown): string[] {
  const validate = ajv.getSchema(SCHEMA_BASE + schemaPath)!;
  return validate(value)
    ? []
    : (validate.errors ?? []).map((e: any) => `${schemaPath}${e.instancePath} ${e.message as string}`);
}

// ---- A RIF with every optional field set, and its feedback -----------------------------------------

const RIF_ID = '0f8e5c1e-6a8e-4a6f-9b59-2f0f3d6b7a10';

const input: RifInput = {
  title: 'Cocaine in reefer containers of bananas from Guayaquil',
  office: 'NL000396',
  riskArea: 'drugs',
  description: "Look behind the cooling unit and in the banana boxes' pallets; see the photos attached.",
  modusOperandi:
    'Rip-on/rip-off: bags added at the port of loading, taken out before the importer sees them.',
  concealment: 'Sports bags behind the evaporator panel',
  indicators: {
    goodsCodes: ['0803', '08039010'],
    descriptionKeywords: ["banana's", 'fresh fruit (green)'],
    origins: ['EC', 'CO'],
    dispatchCountries: ['EC'],
    routeCountries: ['PA'],
    places: ['ECGYE', 'NLRTM'],
    modes: ['maritime'],
    meansOfTransport: ['IMO9321483'],
    containers: ['CSQU3054383', 'CBHU3202732'],
    operators: [
      { role: 'consignee', eori: 'NL123456789' },
      { role: 'any', name: "O'Brien Fruit Trading" },
      { role: 'carrier', eori: 'BE0123456789', name: 'Oceanic Lines' },
    ],
    valueRange: { min: 1000, max: 250000.5 },
    unitValueRange: { max: 0.35 },
    weightRange: { min: 18000 },
  },
  recommendedAction: 'physical-check',
  controlType: 'scan',
  urgency: 'urgent',
  validFrom: '2027-03-01T08:00:00+01:00',
  validUntil: '2027-06-30',
  recipients: ['BE', 'DE'],
  partnerAgencies: ['KMAR'],
  operation: 'JCO-ORCA.2027',
  handling: {
    tlp: 'GREEN',
    code: 'H3',
    restriction: 'Not to be used in court before the provider agrees',
    sourceReliability: 'B',
    informationAccuracy: 2,
  },
  feedback: { required: true, dueAt: '2027-07-15T12:00:00Z' },
};

function rifWith(tlp: TlpLabel, overrides: Partial<Rif> = {}): Rif {
  return {
    ...rifInputSchema.parse({ ...input, handling: { ...input.handling, tlp } }),
    id: RIF_ID,
    version: 3,
    issuer: 'NL',
    author: 'analyst.jansen',
    status: 'withdrawn',
    createdAt: '2027-02-27T09:15:00.000Z',
    updatedAt: '2027-04-02T16:30:00.000Z',
    issuedAt: '2027-02-28T10:00:00.000Z',
    withdrawnAt: '2027-04-02T16:30:00.000Z',
    withdrawalReason: 'The route changed; a new RIF follows.',
    ...overrides,
  };
}

const MRN = makeMrn({ year: 2027, country: 'BE', serial: 'A1B2C3D4E5F6', procedure: 'A' });

function feedbackFor(rif: Rif): RifFeedback[] {
  const clear = rif.handling.tlp === 'CLEAR' || rif.handling.tlp === 'GREEN';
  return [
    {
      id: 'fb-0001',
      rifId: rif.id,
      rifVersion: 2,
      authority: 'BE',
      kind: 'control',
      at: '2027-03-10T14:05:00.000Z',
      controlType: 'physical',
      result: 'seizure',
      seizure: { category: 'cocaine', quantity: 412.5, unit: 'kg' },
      usefulness: 'useful',
      comment: 'Found behind the evaporator panel, as the RIF said.',
      controlsDone: 3,
      mrn: clear ? MRN : null,
    },
    {
      id: 'fb-0002',
      rifId: rif.id,
      rifVersion: 3,
      authority: 'DE',
      kind: 'manual',
      at: '2027-03-12T09:00:00+01:00',
      controlType: null,
      result: null,
      seizure: null,
      usefulness: 'not-useful',
      comment: null,
      controlsDone: 0,
      mrn: null,
    },
    {
      id: 'fb-0003',
      rifId: rif.id,
      rifVersion: 3,
      authority: 'BE',
      kind: 'control',
      at: '2027-03-20T11:30:00.000Z',
      controlType: 'scan',
      result: 'no-irregularity',
      seizure: null,
      usefulness: null,
      comment: null,
      // Above STIX's cap for a sighting's count: the extension must keep the exact number.
      controlsDone: 1_000_000_000,
      mrn: null,
    },
  ];
}

const directory = new Map([
  ['NL', { name: 'Douane Nederland' }],
  ['BE', { name: 'Douane België' }],
]);

/** The bundle as it arrives on the wire. */
const wire = (b: StixBundle): any => JSON.parse(JSON.stringify(b));
const indexOf = (bundle: any, type: string, n = 0): number =>
  bundle.objects.flatMap((o: any, i: number) => (o.type === type ? [i] : []))[n];
const EXT = `extensions[${JSON.stringify(RIF_EXTENSION_ID)}]`;

function refused(bundle: unknown): readonly { code: string; path: string; message: string }[] {
  const r = stixToRif(bundle);
  assert.equal(r.ok, false, 'the bundle should be refused');
  return r.ok ? [] : r.errors;
}

function hasError(errors: readonly { code: string; path: string }[], code: string, path: string): void {
  assert.ok(
    errors.some((e) => e.code === code && e.path === path),
    `expected ${code} at ${path}, got ${JSON.stringify(errors, null, 1)}`,
  );
}

// ---- Round trip ------------------------------------------------------------------------------------

describe('STIX export and import', () => {
  test('a RIF with every field set and its feedback come back from STIX exactly', () => {
    const rif = rifWith('GREEN');
    const feedback = feedbackFor(rif);
    const r = stixToRif(wire(rifToStix(rif, feedback, { directory })));
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    assert.deepEqual(r.value.rif, rif);
    assert.deepEqual(r.value.feedback, feedback);
  });

  test('a draft with the defaults left and no feedback comes back too', () => {
    const rif: Rif = {
      ...rifInputSchema.parse({
        title: 'Undervalued e-bikes',
        riskArea: 'undervaluation',
        description: 'Unit values far below the market price',
        indicators: { goodsCodes: ['871160'] },
        recommendedAction: 'documentary-check',
        validFrom: '2027-01-01',
        validUntil: '2027-12-31',
        recipients: 'all',
        handling: { tlp: 'CLEAR', code: 'H0', sourceReliability: 'X', informationAccuracy: 4 },
      }),
      id: 'rif-17',
      version: 1,
      issuer: 'BE',
      author: 'a.peeters',
      status: 'draft',
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:00.000Z',
      issuedAt: null,
      withdrawnAt: null,
      withdrawalReason: null,
    };
    const r = stixToRif(wire(rifToStix(rif, [])));
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    assert.deepEqual(r.value, { rif, feedback: [] });
  });

  test('the export is deterministic, and an authority is the same identity in every bundle', () => {
    const rif = rifWith('AMBER');
    const a = rifToStix(rif, feedbackFor(rif), { directory });
    assert.equal(JSON.stringify(rifToStix(rif, feedbackFor(rif), { directory })), JSON.stringify(a));
    const other = rifToStix(rifWith('AMBER', { id: 'another-rif' }), [], { directory });
    const nl = (b: StixBundle) =>
      b.objects.find((o) => o.type === 'identity' && o['name'] === 'Douane Nederland');
    assert.equal(nl(other)?.id, nl(a)?.id);
    assert.notEqual(
      other.objects.find((o) => o.type === 'report')?.id,
      a.objects.find((o) => o.type === 'report')?.id,
    );
    assert.notEqual(other.id, a.id);
  });

  test('an amendment is a new version of the same report: same id, later `modified`', () => {
    const before = rifWith('GREEN', {
      status: 'issued',
      withdrawnAt: null,
      withdrawalReason: null,
      updatedAt: '2027-03-01T10:00:00.000Z',
    });
    const after = { ...before, version: 4, updatedAt: '2027-03-05T08:00:00.000Z' };
    const report = (r: Rif) => rifToStix(r, []).objects.find((o) => o.type === 'report')!;
    assert.equal(report(after).id, report(before).id);
    assert.ok(String(report(after)['modified']) > String(report(before)['modified']));
    assert.equal(report(after)['modified'], '2027-03-05T08:00:00.000Z');
  });

  test('ids are RFC 9562 UUIDv5, so another implementation derives the same ones', () => {
    // RFC 9562 appendix A.4: "www.example.com" in the DNS namespace.
    assert.equal(
      uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'),
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
    const bundle = rifToStix(rifWith('GREEN'), [], { directory });
    assert.ok(bundle.objects.some((o) => o.id === `identity--${uuidV5('authority:NL')}`));
  });

  test('feedback becomes sightings of the indicator, seen by the giving authority', () => {
    const rif = rifWith('GREEN');
    const bundle = wire(rifToStix(rif, feedbackFor(rif), { directory }));
    const indicator = bundle.objects[indexOf(bundle, 'indicator')];
    const sightings = bundle.objects.filter((o: any) => o.type === 'sighting');
    const be = bundle.objects.find((o: any) => o.type === 'identity' && o.name === 'Douane België');
    const de = bundle.objects.find((o: any) => o.type === 'identity' && o.name === 'DE'); // not in the directory
    assert.equal(sightings.length, 3);
    assert.ok(sightings.every((s: any) => s.sighting_of_ref === indicator.id));
    assert.deepEqual(
      sightings.map((s: any) => s.where_sighted_refs),
      [[be.id], [de.id], [be.id]],
    );
    assert.deepEqual(
      sightings.map((s: any) => [s.first_seen, s.last_seen, s.count]),
      [
        ['2027-03-10T14:05:00.000Z', '2027-03-10T14:05:00.000Z', 3],
        ['2027-03-12T08:00:00.000Z', '2027-03-12T08:00:00.000Z', 0],
        ['2027-03-20T11:30:00.000Z', '2027-03-20T11:30:00.000Z', 999_999_999],
      ],
    );
  });

  test('the indicator pattern states the customs indicators, with quotes escaped', () => {
    const pattern = rifPattern(rifWith('GREEN').indicators);
    assert.ok(pattern.startsWith('[') && pattern.endsWith(']'));
    for (const part of [
      "(x-vigil-consignment:goods_items[*].commodity_code LIKE '0803%' OR x-vigil-consignment:goods_items[*].commodity_code LIKE '08039010%')",
      "x-vigil-consignment:goods_items[*].description MATCHES '(?i)banana\\'s'",
      "x-vigil-consignment:goods_items[*].description MATCHES '(?i)fresh fruit \\\\(green\\\\)'",
      "x-vigil-consignment:goods_items[*].origin_country IN ('EC', 'CO')",
      "x-vigil-consignment:containers[*] IN ('CSQU3054383', 'CBHU3202732')",
      "x-vigil-consignment:consignee.eori = 'NL123456789'",
      "x-vigil-consignment:parties[*].name = 'O\\'Brien Fruit Trading'",
      '(x-vigil-consignment:goods_items[*].value_eur >= 1000 AND x-vigil-consignment:goods_items[*].value_eur <= 250000.5)',
      'x-vigil-consignment:goods_items[*].value_eur_per_kg <= 0.35',
    ]) {
      assert.ok(pattern.includes(part), `${part} missing from ${pattern}`);
    }
    assert.equal(
      rifPattern({ weightRange: { max: 1e-7 } }),
      '[x-vigil-consignment:goods_items[*].gross_mass_kg <= 0.0000001]',
    );
  });
});

// ---- The official schemas --------------------------------------------------------------------------

describe('the export conforms to the official STIX 2.1 schemas', () => {
  for (const tlp of TLP_LABELS) {
    test(`a TLP:${tlp} RIF: the bundle and each object validate, and the marking is OASIS's TLP 2.0 one`, () => {
      const rif = rifWith(tlp);
      const bundle = wire(rifToStix(rif, feedbackFor(rif), { directory }));
      // The official bundle.json lists every object type but extension-definition, so it reads that
      // object as a custom one, which then matches both core.json and cyber-observable-core.json
      // and fails its oneOf. The bundle is checked without it; the object against its own schema.
      const others = bundle.objects.filter((o: any) => o.type !== 'extension-definition');
      assert.equal(others.length, bundle.objects.length - 1);
      assert.deepEqual(schemaErrors('common/bundle.json', { ...bundle, objects: others }), []);
      for (const o of bundle.objects) {
        assert.ok(SCHEMA_OF[o.type], `unexpected object type ${o.type as string}`);
        assert.deepEqual(schemaErrors(SCHEMA_OF[o.type]!, o), [], o.id);
      }
      const marking = bundle.objects[indexOf(bundle, 'marking-definition')];
      assert.equal(tlp2Schema(marking), true, JSON.stringify(tlp2Schema.errors));
      assert.equal(marking.name, `TLP:${tlp}`);
      for (const type of ['report', 'indicator', 'sighting']) {
        assert.deepEqual(bundle.objects[indexOf(bundle, type)].object_marking_refs, [TLP_MARKING_IDS[tlp]]);
      }
      const back = stixToRif(bundle);
      assert.ok(back.ok, JSON.stringify(!back.ok && back.errors));
      assert.equal(back.value.rif.handling.tlp, tlp);
    });
  }
});

// ---- Refusals --------------------------------------------------------------------------------------

describe('bundles that cannot carry a RIF are refused, every problem at its path', () => {
  const rif = rifWith('GREEN');
  const good = () => wire(rifToStix(rif, feedbackFor(rif), { directory }));

  test('something that is not a STIX bundle', () => {
    hasError(refused('a RIF'), 'VIGIL_STIX_INVALID', '$');
    const report = good().objects[indexOf(good(), 'report')];
    const errors = refused(report);
    hasError(errors, 'VIGIL_STIX_INVALID', '$.type');
    hasError(errors, 'VIGIL_STIX_INVALID', '$.id');
    hasError(refused({ ...good(), spec_version: '2.0' }), 'VIGIL_STIX_INVALID', '$.spec_version');
  });

  test('a bundle without a report, or whose report has no RIF extension', () => {
    const noReport = good();
    noReport.objects.splice(indexOf(noReport, 'report'), 1);
    hasError(refused(noReport), 'VIGIL_STIX_INVALID', '$.objects');

    const noExtension = good();
    const r = indexOf(noExtension, 'report');
    delete noExtension.objects[r].extensions;
    hasError(refused(noExtension), 'VIGIL_STIX_INVALID', `$.objects[${r}].extensions`);
  });

  test('a broken report, a bad id, dangling references and a broken form, all at once', () => {
    const bundle = good();
    const r = indexOf(bundle, 'report');
    const report = bundle.objects[r];
    report.spec_version = '2.0';
    delete report.published;
    report.modified = '2027-02-28T10:00:00Z'; // no milliseconds
    const ext = report.extensions[RIF_EXTENSION_ID];
    ext.indicators.goods_codes = ['AB'];
    ext.handling.sourceReliability = ext.handling.source_reliability; // camelCase is no STIX name
    delete ext.handling.source_reliability;
    const s0 = indexOf(bundle, 'sighting', 0);
    bundle.objects[s0].id = 'sighting--1234';
    const de = indexOf(bundle, 'identity', 3); // Vigil, NL, BE, DE
    assert.equal(bundle.objects[de].name, 'DE');
    bundle.objects.splice(de, 1);
    const at = (i: number) => (i > de ? i - 1 : i); // indexes after the removed identity move up
    const s1 = indexOf(bundle, 'sighting', 1);

    const errors = refused(bundle);
    hasError(errors, 'VIGIL_STIX_INVALID', `$.objects[${at(r)}].spec_version`);
    hasError(errors, 'VIGIL_STIX_INVALID', `$.objects[${at(r)}].published`);
    hasError(errors, 'VIGIL_STIX_INVALID', `$.objects[${at(r)}].modified`);
    hasError(errors, 'VIGIL_STIX_INVALID', `$.objects[${at(s0)}].id`);
    hasError(errors, 'VIGIL_STIX_INVALID', `$.objects[${s1}].where_sighted_refs[0]`);
    hasError(errors, 'VIGIL_STIX_INVALID', `$.objects[${s1}].created_by_ref`);
    // The form's own checks keep their codes, at their place inside the extension.
    hasError(errors, 'VIGIL_SCHEMA_FORMAT', `$.objects[${at(r)}].${EXT}.indicators.goods_codes[0]`);
    hasError(errors, 'VIGIL_STIX_INVALID', `$.objects[${at(r)}].${EXT}.handling.sourceReliability`);
    hasError(errors, 'VIGIL_SCHEMA_REQUIRED', `$.objects[${at(r)}].${EXT}.handling.source_reliability`);
  });

  test("the form's own rules keep their codes, at their place in the extension", () => {
    const bundle = good();
    const r = indexOf(bundle, 'report');
    const ext = bundle.objects[r].extensions[RIF_EXTENSION_ID];
    ext.valid_until = '2027-02-01';
    ext.recipients = 'all';
    ext.status = 'pending';
    const errors = refused(bundle);
    hasError(errors, 'VIGIL_RIF_VALIDITY_INVALID', `$.objects[${r}].${EXT}.valid_until`);
    hasError(errors, 'VIGIL_SCHEMA_VALUE', `$.objects[${r}].${EXT}.status`);
    assert.equal(
      errors.some((e) => e.path.endsWith('.recipients')),
      false,
      'a GREEN RIF may go to all',
    );
  });

  test('a report that references an indicator the bundle lacks', () => {
    const bundle = good();
    const i = indexOf(bundle, 'indicator');
    bundle.objects.splice(i, 1);
    const r = indexOf(bundle, 'report');
    const errors = refused(bundle);
    hasError(errors, 'VIGIL_STIX_INVALID', `$.objects[${r}].object_refs[0]`);
    assert.ok(
      errors.find((e) => e.path === `$.objects[${r}].object_refs[0]`)?.message.includes('not in the bundle'),
    );
  });

  test('a marking that says another TLP level than the form', () => {
    const relabelled = good();
    const r = indexOf(relabelled, 'report');
    relabelled.objects[r].object_marking_refs = [TLP_MARKING_IDS.RED];
    hasError(refused(relabelled), 'VIGIL_STIX_INVALID', `$.objects[${r}].object_marking_refs`);

    const forged = good();
    const m = indexOf(forged, 'marking-definition');
    forged.objects[m].extensions['extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d'].tlp_2_0 =
      'clear';
    hasError(
      refused(forged),
      'VIGIL_STIX_INVALID',
      `$.objects[${indexOf(forged, 'report')}].object_marking_refs[0]`,
    );
  });

  test('a sighting of the indicator without feedback, and an MRN on feedback of an AMBER RIF', () => {
    const bundle = good();
    const s = indexOf(bundle, 'sighting');
    delete bundle.objects[s].extensions;
    hasError(refused(bundle), 'VIGIL_STIX_INVALID', `$.objects[${s}].extensions`);

    const amber = rifWith('AMBER');
    const leaked = feedbackFor(rifWith('GREEN')).map((f) => ({ ...f, rifId: amber.id }));
    const leaking = wire(rifToStix(amber, leaked));
    hasError(refused(leaking), 'VIGIL_STIX_INVALID', `$.objects[${indexOf(leaking, 'sighting')}].${EXT}.mrn`);
  });
});
